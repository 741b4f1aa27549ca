package lint_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/webvig/stackgen/lint"
)

// BenchmarkLintInProcess is the linter's own cost for one file (load, positions, every rule),
// without process start-up; see cmd/stackgen's benchmarks for whole processes.
func BenchmarkLintInProcess(b *testing.B) {
	data, err := os.ReadFile("testdata/redis/seed.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := lintOne("seed.yaml", data, lint.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkFixCorpus is --fix on every file of the real-world corpus in one process: each file
// fixed (load, plan, splice), then linted again as the command does; no writing. The issue asks
// for under a second.
func BenchmarkFixCorpus(b *testing.B) {
	files, _ := filepath.Glob("../../shared/corpus/realworld/*.yml")
	if len(files) < 200 {
		b.Fatalf("the real-world corpus is missing or short (%d files): expected ../shared/corpus/realworld beside the clone", len(files))
	}
	var datas [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, data)
	}
	env := func(string) (string, bool) { return "", false }
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		changed := 0
		var fixed []lint.File
		for j, data := range datas {
			res, err := lint.Fix(files[j], data, env, 0)
			if err != nil {
				fixed = append(fixed, lint.File{Name: files[j], Data: data})
				continue
			}
			if len(res.Changes) > 0 {
				changed++
			}
			fixed = append(fixed, lint.File{Name: files[j], Data: res.Data})
		}
		res, _, err := lint.Check(lint.Files(fixed...), lint.Options{Env: env})
		if err != nil || changed == 0 || len(res.Findings) == 0 {
			b.Fatal("nothing fixed or linted", err)
		}
	}
}

package lint_test

import (
	"os"
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

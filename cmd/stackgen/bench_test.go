package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

// The lint speed targets (one file under 10 ms, 1,000 files under 1 s, under 50 MiB) are about a
// whole `stackgen lint` process, as a pre-commit hook runs it. These benchmarks build the binary once
// and time real processes; maxrss-MiB is the peak resident memory of the last run.
//
//	go test ./cmd/stackgen -run '^$' -bench Lint -benchtime 20x

func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "stackgen")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func renderedStack(b *testing.B) []byte {
	b.Helper()
	data, _ := stacks.FS.ReadFile(stacks.Default)
	sealed, _ := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	spec, err := generator.ParseSpec("stack.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	out, err := generator.Render(spec, sealed)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func runLint(b *testing.B, bin string, args ...string) {
	b.Helper()
	var maxrss int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, append([]string{"lint"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("stackgen lint: %v\n%s", err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxrss = max(maxrss, ru.Maxrss)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(maxrss)/1024, "maxrss-MiB")
}

func BenchmarkLintOneFileProcess(b *testing.B) {
	bin := buildBinary(b)
	file := filepath.Join(b.TempDir(), "docker-stack.yml")
	if err := os.WriteFile(file, renderedStack(b), 0o644); err != nil {
		b.Fatal(err)
	}
	runLint(b, bin, file)
}

func BenchmarkLint1000FilesProcess(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	data := renderedStack(b)
	for i := 0; i < 1000; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("stack-%04d.yml", i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	runLint(b, bin, dir)
}

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

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

// BenchmarkLintHostileProcess holds the bound a hostile checkout meets (docs/lint.md "Limits and errors"):
// a 1.7 MB file of 131,000 empty services, linted to SARIF, the largest format; output-bytes is what
// the run printed.
func BenchmarkLintHostileProcess(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	var s strings.Builder
	s.WriteString("services:\n")
	for i := 0; i < 131000; i++ {
		fmt.Fprintf(&s, "  s%d: {}\n", i)
	}
	file := filepath.Join(dir, "docker-compose.yml")
	if err := os.WriteFile(file, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	var maxrss int64
	var outBytes int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "lint", "--format", "sarif", file)
		out, err := cmd.Output()
		if code := cmd.ProcessState.ExitCode(); code != 1 {
			b.Fatalf("stackgen lint: exit %d (%v), want findings", code, err)
		}
		outBytes = len(out)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			maxrss = max(maxrss, ru.Maxrss)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(maxrss)/1024, "maxrss-MiB")
	b.ReportMetric(float64(outBytes), "output-bytes")
}

// BenchmarkLintVsEmptyProgram times a one-file `stackgen lint` (the pre-commit hook's case) and an
// empty Go program, built with the same toolchain, alternating whole-process runs so that the
// machine's drift hits both alike; ratio is the median of lint's time over the empty program's in
// each pair. What stackgen pays over the empty program is package initialisation (the third-party
// packages' regexps: gojsonschema's format checkers, the YAML library's resolver) and the lint itself.
func BenchmarkLintVsEmptyProgram(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	empty := filepath.Join(dir, "empty")
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("go.mod", "module empty\n\ngo 1.26\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	cmd := exec.Command("go", "build", "-o", empty, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build of the empty program: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "docker-stack.yml")
	if err := os.WriteFile(file, renderedStack(b), 0o644); err != nil {
		b.Fatal(err)
	}
	timeRun := func(name string, args ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", name, err, out)
		}
		return time.Since(start)
	}
	var ratios []float64
	var lintTotal, emptyTotal time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := timeRun(bin, "lint", file)
		e := timeRun(empty)
		lintTotal, emptyTotal = lintTotal+l, emptyTotal+e
		ratios = append(ratios, float64(l)/float64(e))
	}
	b.StopTimer()
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
	b.ReportMetric(float64(lintTotal.Microseconds())/float64(b.N)/1000, "lint-ms")
	b.ReportMetric(float64(emptyTotal.Microseconds())/float64(b.N)/1000, "empty-ms")
}

package lint_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/webvig/stackgen/lint"
)

// hostile inputs: each must end in a clear error with a position (or, for a second document, a
// finding), within 100 MiB of allocations (the runtime's own count of allocated bytes, not a clock);
// BenchmarkHostile reports the time of each.
func hostileInputs() []struct{ name, data, want string } {
	laughs := []string{`a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`}
	for i := 1; i < 12; i++ {
		prev := fmt.Sprintf("*a%d", i-1)
		laughs = append(laughs, fmt.Sprintf("a%d: &a%d [%s]", i, i, strings.TrimSuffix(strings.Repeat(prev+",", 9), ",")))
	}
	laughs = append(laughs, "services: {x: {image: \"x:1\", command: *a11}}")
	var deepMap strings.Builder
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&deepMap, "%sk%d:\n", strings.Repeat(" ", i), i)
	}
	return []struct{ name, data, want string }{
		{"billion laughs", strings.Join(laughs, "\n"), "x.yml:1:52: document has more than 262144 nodes"},
		{"nested sequences", "services:\n  a:\n    x: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "x.yml:"},
		{"nested mappings", deepMap.String() + strings.Repeat(" ", 1500) + "v: 1\n", "x.yml:1001:1001: document is nested more than 1000 levels deep"},
		{"self alias", "a: &a [*a]\nservices: {}\n", "x.yml:1:8: document is nested more than 1000 levels deep"},
		{"merge cycle", "m: &m\n  x: &A\n    <<: *m\n  <<: *A\nservices: {}\n", "x.yml:"},
		{"duplicate keys", "services:\n  a: {image: a:1}\n  a: {image: b:1}\n", `x.yml:3:3: duplicate key "a"`},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00", "x.yml: not UTF-8 text"},
		{"latin-1", "services:\n  caf\xe9: {image: a:1}\n", "x.yml: not UTF-8 text"},
		{"over the size limit", strings.Repeat("# padding\n", lint.MaxFileSize/10+1), "x.yml: file is larger than the 4194304-byte limit"},
		{"empty", " \n\t\n", "x.yml: file is empty"},
		{"scalar document", "just a string\n", "x.yml:1:1: the top level must be a mapping"},
		{"unclosed flow", "services: {a: [\n", "x.yml:"},
	}
}

func TestHostileInput(t *testing.T) {
	for _, tc := range hostileInputs() {
		t.Run(tc.name, func(t *testing.T) {
			var loadErr error
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, loadErr = lintOne("x.yml", []byte(tc.data), lint.Options{})
			runtime.ReadMemStats(&after)
			var ie *lint.InputError
			if !errors.As(loadErr, &ie) {
				t.Fatalf("lint accepted hostile input (err %v)", loadErr)
			}
			if !strings.HasPrefix(ie.Error(), tc.want) {
				t.Errorf("error %q, want prefix %q", ie.Error(), tc.want)
			}
			if mib := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20); mib > 100 {
				t.Errorf("allocated %.1f MiB per run, limit 100 MiB", mib)
			} else {
				t.Logf("%.2f MiB allocated per run", mib)
			}
		})
	}
}

func TestSecondDocumentIsAFinding(t *testing.T) {
	res, err := lintOne("x.yml", []byte("version: \"3.8\"\nservices: {}\n---\nservices: {}\n"), lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "SW110" || res.Findings[0].Line != 4 {
		t.Fatalf("findings %+v, want one SW110 at line 4", res.Findings)
	}
}

func BenchmarkHostile(b *testing.B) {
	for _, tc := range hostileInputs() {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, _ = lintOne("x.yml", []byte(tc.data), lint.Options{})
			}
		})
	}
}

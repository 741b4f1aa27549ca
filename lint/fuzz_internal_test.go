package lint

import (
	"strings"
	"testing"
)

// FuzzIgnores: the inline-ignore parser never panics and never invents an ignore without the marker.
func FuzzIgnores(f *testing.F) {
	f.Add([]byte("a: 1 # stackgen:ignore PL201 -- reason\n"))
	f.Add([]byte("# stackgen:ignore PL201,RD303 -- two # want \"x\"\n"))
	f.Add([]byte("# stackgen:ignore\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ig := range parseIgnores("f.yml", data) {
			if ig.line < 1 || ig.column < 1 || !strings.Contains(string(data), "stackgen:ignore") {
				t.Fatalf("bad ignore %+v", ig)
			}
		}
	})
}

// FuzzRedisArgs covers shell word splitting and Docker's interpolation grammar (the memory sizes
// are memsize's FuzzSizes).
func FuzzRedisArgs(f *testing.F) {
	for _, s := range []string{"512mb", "384m", "1gb", "0.5gb", "512mib", "512 mb", "536870912", "1.5G",
		`redis-server --save "900 1" --requirepass 'a b'`, `a\ b "c\"d"`, "$$x ${A:-b} $(c)", "${"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range shellWords(s) {
			if len(w) > len(s) {
				t.Fatalf("word %q longer than its input", w)
			}
		}
		_, _ = dockerSubstitute(s, func(string) (string, bool) { return "", false })
	})
}

// Found by FuzzRedisArgs: shellWords re-encoded every byte >= 0x80 as a rune, mangling non-ASCII.
func TestShellWordsKeepsUTF8(t *testing.T) {
	got := shellWords(`redis-server --requirepass "pässwörd é" --x 'ü'`)
	want := []string{"redis-server", "--requirepass", "pässwörd é", "--x", "ü"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("shellWords = %q, want %q", got, want)
	}
}

package lint

import (
	"strings"
	"testing"

	"github.com/distribution/reference"
)

// FuzzImageReference: parseImageRef accepts exactly what distribution/reference's ParseAnyReference
// (the check docker stack deploy runs) accepts, with the same error.
func FuzzImageReference(f *testing.F) {
	for _, s := range []string{
		"redis", "redis:6.2-alpine", "Redis", "localhost:5000/a/b:1", "reg.io/A/b", "[::1]:5000/x", "x@sha256:" + strings.Repeat("a", 64),
		"x:tag@sha256:" + strings.Repeat("A", 64), strings.Repeat("a", 64), "sha256:" + strings.Repeat("b", 64), "a__b", "a---b", "a._b",
		"docker.io/library/redis", "index.docker.io/redis", "UPPER.io/x", "x:" + strings.Repeat("t", 129), "a/" + strings.Repeat("b", 255),
		"x@md5:" + strings.Repeat("0", 32), "x@sha256:abc", "", ":", "@", "a:b:c", "a/b:c/d", "1.2.3.4:80/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, want := reference.ParseAnyReference(s)
		got := parseImageRef(s)
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Fatalf("parseImageRef(%q) = %v; distribution/reference says %v", s, got, want)
		}
	})
}

package generator_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

// TestNames: the names Swarm and the app see are built from the stack and service names exactly.
func TestNames(t *testing.T) {
	s := &generator.Spec{Stack: "shop", Service: "cache"}
	for _, tc := range []struct{ what, got, want string }{
		{"ServiceName", s.ServiceName(), "shop_cache"},
		{"VolumeName", s.VolumeName(), "shop_cache_data"},
		{"RedisURL", s.RedisURL([]byte("pw")), "redis://:pw@shop_cache:6379/0"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.what, tc.got, tc.want)
		}
	}
}

// TestRedisURLEscapes: any password the seal accepts comes back out of the URL unchanged, and the
// host is the service's name on the stack network.
func TestRedisURLEscapes(t *testing.T) {
	s := &generator.Spec{Stack: "wheel_analyzer", Service: "redis"}
	for _, pw := range []string{"plain", "sp ace", `q"uo'te`, "$HOME`x`", `back\slash`, "a:b@c/d?e#f%g", "ünïcödé", "+=&;"} {
		u, err := url.Parse(s.RedisURL([]byte(pw)))
		if err != nil {
			t.Fatalf("%q: %v", pw, err)
		}
		got, ok := u.User.Password()
		if !ok || got != pw || u.User.Username() != "" {
			t.Errorf("%q: URL gives user %q, password %q (%v)", pw, u.User.Username(), got, ok)
		}
		if u.Scheme != "redis" || u.Host != "wheel_analyzer_redis:6379" || u.Path != "/0" {
			t.Errorf("%q: URL %s, want redis://...@wheel_analyzer_redis:6379/0", pw, u.Redacted())
		}
	}
}

// TestRenderWithoutConstraints: a spec with no placement constraints renders no placement key at
// all, rather than an empty list.
func TestRenderWithoutConstraints(t *testing.T) {
	def, err := stacks.FS.ReadFile(stacks.Default)
	if err != nil {
		t.Fatal(err)
	}
	old := "  constraints:\n    - node.role == worker\n    # The volume is node-local: pin Redis to the one node that holds its data.\n    - node.labels.wheel_analyzer.redis == true\n"
	spec := bytes.Replace(def, []byte(old), []byte("  constraints: []\n"), 1)
	if bytes.Equal(spec, def) {
		t.Fatal("fixture edit did not apply; update the test to the spec's text")
	}
	s, err := generator.ParseSpec("s.yaml", spec)
	if err != nil {
		t.Fatal(err)
	}
	out, err := generator.Render(s, []byte("sealed"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "placement") || strings.Contains(string(out), "constraints") {
		t.Fatalf("render without constraints has a placement key:\n%s", out)
	}
	// The same spec with one constraint has it.
	if err := s.Apply([]generator.Override{{Flag: "--constraint", Value: "node.role == manager"}}); err != nil {
		t.Fatal(err)
	}
	out, _ = generator.Render(s, []byte("sealed"))
	if !strings.Contains(string(out), "placement:\n        constraints:\n          - node.role == manager\n") {
		t.Fatalf("render with one constraint:\n%s", out)
	}
}

// TestMaxSpecSize: a spec of exactly MaxSpecSize bytes is read; one byte more is refused unread.
func TestMaxSpecSize(t *testing.T) {
	def, err := stacks.FS.ReadFile(stacks.Default)
	if err != nil {
		t.Fatal(err)
	}
	pad := func(n int) []byte {
		comment := []byte("# ")
		filler := bytes.Repeat([]byte("x"), n-len(def)-len(comment)-1)
		return append(append(append(append([]byte{}, def...), comment...), filler...), '\n')
	}
	exact := pad(generator.MaxSpecSize)
	if len(exact) != generator.MaxSpecSize {
		t.Fatalf("padded to %d bytes", len(exact))
	}
	if _, err := generator.ParseSpec("s.yaml", exact); err != nil {
		t.Fatalf("a spec of exactly %d bytes: %v", generator.MaxSpecSize, err)
	}
	_, err = generator.ParseSpec("s.yaml", pad(generator.MaxSpecSize+1))
	want := fmt.Sprintf("s.yaml: file is larger than %d bytes; a stack spec is a short YAML file", generator.MaxSpecSize)
	if err == nil || err.Error() != want {
		t.Fatalf("a spec of %d bytes: error %v, want %s", generator.MaxSpecSize+1, err, want)
	}
}

// TestRedisURLKeepsOnlyUnreserved: exactly RFC 3986's unreserved bytes pass as they are, every
// other byte is percent-encoded; the bytes next to each range are the test.
func TestRedisURLKeepsOnlyUnreserved(t *testing.T) {
	s := &generator.Spec{Stack: "s", Service: "r"}
	kept := "azAZ09-._~"
	if got := s.RedisURL([]byte(kept)); got != "redis://:"+kept+"@s_r:6379/0" {
		t.Errorf("unreserved bytes: %s", got)
	}
	for _, c := range "`{@[/:!$" {
		want := fmt.Sprintf("redis://:%%%02X@s_r:6379/0", c)
		if got := s.RedisURL([]byte(string(c))); got != want {
			t.Errorf("%q: %s, want %s", c, got, want)
		}
	}
}

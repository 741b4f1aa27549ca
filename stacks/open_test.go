package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webvig/stackgen/failure"
)

// chdir changes the working directory for one test.
func chdir(t *testing.T, dir string) {
	t.Helper()
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}

func TestResolve(t *testing.T) {
	repo := t.TempDir()
	spec, _ := FS.ReadFile(Default)
	sealed, _ := FS.ReadFile("wheel_analyzer/redis_password.age")
	os.MkdirAll(filepath.Join(repo, "stacks", "wheel_analyzer"), 0o755)
	os.MkdirAll(filepath.Join(repo, "app", "deep"), 0o755)
	os.WriteFile(filepath.Join(repo, DefaultPath), spec, 0o644)
	os.WriteFile(filepath.Join(repo, "stacks", "wheel_analyzer", "redis_password.age"), sealed, 0o644)

	chdir(t, repo)
	if got := Resolve(""); got != DefaultPath {
		t.Fatalf("at the root: %q", got)
	}
	if got := Resolve("other.yaml"); got != "other.yaml" {
		t.Fatalf("an explicit SPEC: %q", got)
	}
	chdir(t, filepath.Join(repo, "app", "deep"))
	want := filepath.Join("..", "..", DefaultPath)
	if got := Resolve(""); got != want {
		t.Fatalf("in a subdirectory: %q, want %q", got, want)
	}
	s, src, err := Open("", nil)
	if err != nil || src.Embedded || s.File != want || src.SealedPath(s) != filepath.Join("..", "..", "stacks", "wheel_analyzer", "redis_password.age") {
		t.Fatalf("Open from a subdirectory: %v, %+v", err, src)
	}
	if _, got, _, err := Load("", nil); err != nil || len(got) != len(sealed) {
		t.Fatalf("Load: %v", err)
	}

	chdir(t, t.TempDir()) // no repository above
	if got := Resolve(""); got != "" {
		t.Fatalf("outside a repository: %q", got)
	}
	s, src, err = Open("", nil)
	if err != nil || !src.Embedded || s.File != "stacks/"+Default {
		t.Fatalf("the built-in copy: %v, %+v", err, src)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	chdir(t, dir)
	_, _, err := Open("nope.yaml", nil)
	if err == nil || err.Error() != "nope.yaml: no such file" || !strings.Contains(strings.Join(failure.Hints(err), ""), "give the path of a stack spec") {
		t.Fatalf("missing spec: %v %q", err, failure.Hints(err))
	}
	spec, _ := FS.ReadFile(Default)
	os.WriteFile("s.yaml", spec, 0o644)
	_, _, _, err = Load("s.yaml", nil)
	if err == nil || !strings.Contains(err.Error(), "password.file: redis_password.age: no such file") ||
		!strings.Contains(strings.Join(failure.Hints(err), ""), "stackgen secret seal s.yaml") {
		t.Fatalf("missing password file: %v %q", err, failure.Hints(err))
	}
	os.WriteFile("up.yaml", []byte(strings.Replace(string(spec), "file: redis_password.age", "file: sub/../../x.age", 1)), 0o644)
	if _, _, err := Open("up.yaml", nil); err == nil || !strings.Contains(err.Error(), `"sub/../../x.age" leaves the spec's directory`) {
		t.Fatalf("password.file outside: %v", err)
	}
	os.Mkdir("adir.yaml", 0o755)
	if _, _, err := Open("adir.yaml", nil); err == nil || err.Error() != "adir.yaml: is a directory" {
		t.Fatalf("a directory: %v", err)
	}
	big := make([]byte, 2<<20)
	os.WriteFile("big.yaml", big, 0o644)
	if _, _, err := Open("big.yaml", nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("too big: %v", err)
	}
}

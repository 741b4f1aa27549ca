package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
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
	if err != nil || src.Embedded || s.File != want || sealedPath(t, src, s) != filepath.Join("..", "..", "stacks", "wheel_analyzer", "redis_password.age") {
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
	if _, _, err := Open("adir.yaml", nil); err == nil || err.Error() != "adir.yaml: a directory: not a regular file" {
		t.Fatalf("a directory: %v", err)
	}
	big := make([]byte, 2<<20)
	os.WriteFile("big.yaml", big, 0o644)
	if _, _, err := Open("big.yaml", nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("too big: %v", err)
	}
}

func sealedPath(t *testing.T, src *Source, s *generator.Spec) string {
	t.Helper()
	p, err := src.SealedPath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenStaysInTheRepository: a spec directory or password file that a symbolic link leads out of
// the spec's repository is refused, so render never publishes a hash of a file elsewhere and seal
// never writes through a link; inside the repository links are fine. A FIFO as the password file is
// refused at once.
func TestOpenStaysInTheRepository(t *testing.T) {
	outside := t.TempDir()
	repo := t.TempDir()
	os.Mkdir(filepath.Join(repo, ".git"), 0o755)
	spec, _ := FS.ReadFile(Default)
	sealed, _ := FS.ReadFile("wheel_analyzer/redis_password.age")
	os.WriteFile(filepath.Join(outside, "stack.yaml"), spec, 0o644)
	os.WriteFile(filepath.Join(outside, "redis_password.age"), sealed, 0o644)
	os.Mkdir(filepath.Join(repo, "real"), 0o755)
	os.WriteFile(filepath.Join(repo, "real", "stack.yaml"), spec, 0o644)
	os.WriteFile(filepath.Join(repo, "real", "redis_password.age"), sealed, 0o644)
	os.Symlink(outside, filepath.Join(repo, "away"))
	os.Symlink(filepath.Join(repo, "real"), filepath.Join(repo, "inside"))
	os.Mkdir(filepath.Join(repo, "linked"), 0o755)
	os.WriteFile(filepath.Join(repo, "linked", "stack.yaml"), spec, 0o644)
	os.Symlink(filepath.Join(outside, "redis_password.age"), filepath.Join(repo, "linked", "redis_password.age"))
	os.Mkdir(filepath.Join(repo, "viadir"), 0o755)
	os.WriteFile(filepath.Join(repo, "viadir", "stack.yaml"), []byte(strings.Replace(string(spec), "file: redis_password.age", "file: sub/p.age", 1)), 0o644)
	os.Symlink(outside, filepath.Join(repo, "viadir", "sub"))
	os.Mkdir(filepath.Join(repo, "fifo"), 0o755)
	os.WriteFile(filepath.Join(repo, "fifo", "stack.yaml"), spec, 0o644)
	syscall.Mkfifo(filepath.Join(repo, "fifo", "redis_password.age"), 0o644)
	chdir(t, repo)

	if _, _, _, err := Load("inside/stack.yaml", nil); err != nil {
		t.Errorf("a link inside the repository: %v", err)
	}
	if _, _, err := Open("away/stack.yaml", nil); err == nil || !strings.Contains(err.Error(), "the spec's directory resolves to "+outside) {
		t.Errorf("a spec directory outside: %v", err)
	}
	if _, _, _, err := Load("linked/stack.yaml", nil); err == nil || !strings.Contains(err.Error(), "redis_password.age resolves to "+filepath.Join(outside, "redis_password.age")+", outside the spec's repository") {
		t.Errorf("a password file linked outside: %v", err)
	}
	s, src, err := Open("viadir/stack.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.SealedPath(s); err == nil || !strings.Contains(err.Error(), "sub/p.age resolves to "+filepath.Join(outside, "p.age")) {
		t.Errorf("seal through a directory linked outside: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, _, _, err := Load("fifo/stack.yaml", nil); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a FIFO: not a regular file") {
			t.Errorf("a FIFO as the password file: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a FIFO as the password file hangs")
	}
}

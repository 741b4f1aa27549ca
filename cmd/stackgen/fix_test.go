package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const fixBefore = "version: \"3.8\"\nservices:\n  web:\n    image: nginx:1.25\n    restart: always\n"

// TestFixReplacesAtomically: --fix renames a new file into place (a hard link keeps the old bytes),
// with the file's own mode, and leaves no temporary file.
func TestFixReplacesAtomically(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "stackgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	_, repo := hostileRepo(t)
	file := filepath.Join(repo, "docker-compose.yml")
	write(t, file, []byte(fixBefore), 0o640)
	assertReplacedByRename(t, file, 0o640, func() {
		if r := lintIn(t, bin, repo, "--fix", "docker-compose.yml"); r.code != 1 || !strings.Contains(r.stderr, "fixed:") {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
}

// TestFixSymlinks: a named link inside the checkout keeps being a link and its target is fixed; a
// link that leads outside the checkout is neither rewritten nor shown (--diff), as lint withholds
// such a file's content.
func TestFixSymlinks(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "stackgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	parent, repo := hostileRepo(t)
	inner := filepath.Join(repo, "stacks", "real-stack.yml")
	if err := os.Mkdir(filepath.Dir(inner), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, inner, []byte(fixBefore), 0o644)
	if err := os.Symlink("stacks/real-stack.yml", filepath.Join(repo, "docker-compose.yml")); err != nil {
		t.Fatal(err)
	}
	r := lintIn(t, bin, repo, "--fix", "docker-compose.yml")
	if st, err := os.Lstat(filepath.Join(repo, "docker-compose.yml")); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file: %v", err)
	}
	if data, _ := os.ReadFile(inner); strings.Contains(string(data), "restart:") || r.code != 1 {
		t.Errorf("the link's target was not fixed: exit %d\n%s\n%s%s", r.code, data, r.stdout, r.stderr)
	}

	outside := filepath.Join(parent, "outside-stack.yml")
	write(t, outside, []byte(fixBefore), 0o644)
	if err := os.Symlink(outside, filepath.Join(repo, "docker-stack.yml")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--fix", "docker-stack.yml"}, {"--diff", "docker-stack.yml"}} {
		r := lintIn(t, bin, repo, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "stackgen: error: lint: --fix: docker-stack.yml resolves outside ") || strings.Contains(r.stdout+r.stderr, "restart_policy") {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if data, _ := os.ReadFile(outside); string(data) != fixBefore {
			t.Errorf("%v: the file outside the checkout was rewritten:\n%s", args, data)
		}
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHook runs the repository's own hook (.pre-commit-hooks.yaml, language golang) with the
// real pre-commit, as a user's .pre-commit-config.yaml names it: pre-commit clones this repository at
// HEAD, builds stackgen with go, and runs it on the staged stack files. A finding fails the commit,
// a clean file passes, and a file the repository's policy excludes is left alone.
func TestPreCommitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: leaves out the pre-commit run (it builds stackgen in pre-commit's own environment, about a minute); go test -run TestPreCommitHook ./cmd/stackgen runs it")
	}
	for _, tool := range []string{"pre-commit", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: the hook is tested with the real pre-commit (make deps, or apt-get install -y pre-commit git)", tool)
		}
	}
	self, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.TrimSpace(sh(t, nil, "git", "-C", self, "rev-parse", "HEAD"))
	repo := t.TempDir()
	git := func(args ...string) string { return sh(t, nil, "git", append([]string{"-C", repo}, args...)...) }
	git("init", "-q")
	git("config", "user.email", "test@example.invalid")
	git("config", "user.name", "test")
	write(t, filepath.Join(repo, ".pre-commit-config.yaml"), []byte("repos:\n  - repo: "+self+"\n    rev: "+head+"\n    hooks:\n      - id: stackgen-lint\n"), 0o644)
	write(t, filepath.Join(repo, ".stackgen.yaml"), []byte("exclude: [\"examples/*\"]\n"), 0o644)
	os.MkdirAll(filepath.Join(repo, "examples"), 0o755)
	bad := "version: \"3.8\"\nservices:\n  redis:\n    image: redis:6.2-alpine\n    ports: [\"6379:6379\"]\n"
	write(t, filepath.Join(repo, "examples", "docker-stack.yml"), []byte(bad), 0o644)
	write(t, filepath.Join(repo, "docker-stack.yml"), []byte(bad), 0o644)
	git("add", "-A")
	env := append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "cache"), "PRE_COMMIT_COLOR=never")
	precommit := func() (string, error) {
		cmd := exec.Command("pre-commit", "run")
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := precommit()
	if err == nil || !strings.Contains(out, "docker-stack.yml:5:13: error: service \"redis\" publishes port 6379:6379") || strings.Contains(out, "examples/docker-stack.yml") {
		t.Fatalf("pre-commit with a published port: %v\n%s", err, out)
	}
	write(t, filepath.Join(repo, "docker-stack.yml"), []byte(strings.Replace(bad, "    ports: [\"6379:6379\"]\n", "", 1)), 0o644)
	git("add", "-A")
	if out, err := precommit(); err == nil || !strings.Contains(out, "(PL202)") {
		// Without ports the default policy still wants memory limits: the hook keeps failing, on them.
		t.Fatalf("pre-commit after removing the port: %v\n%s", err, out)
	}
	clean := "version: \"3.8\"\nservices:\n  app:\n    image: app:1.0\n    healthcheck: {test: [CMD, /healthz]}\n    deploy:\n      resources: {limits: {memory: 64M}, reservations: {memory: 32M}}\n"
	write(t, filepath.Join(repo, "docker-stack.yml"), []byte(clean), 0o644)
	git("add", "-A")
	if out, err := precommit(); err != nil || !strings.Contains(out, "stackgen lint") || !strings.Contains(out, "Passed") {
		t.Fatalf("pre-commit with a clean file: %v\n%s", err, out)
	}
}

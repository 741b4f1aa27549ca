//go:build !mutation

// These tests run the real docker binary, about a second per call; mutation testing
// (make mutate-lint: gremlins --tags mutation) leaves them out so that each mutant costs
// seconds, while go test ./... and make test still run them.

package lint_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webvig/stackgen/lint"
)

// TestDockerParity: every fixture that the real `docker stack config` rejects gets an error finding
// from stackgen (with its directory's policy switched off, so all rules run).
func TestDockerParity(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal("the docker CLI is not on PATH; the parity test runs `docker stack config` (apt-get install -y docker.io)")
	}
	rejected := 0
	for _, file := range fixtures(t) {
		cmd := exec.Command(docker, "stack", "config", "-c", filepath.Base(file))
		cmd.Dir = filepath.Dir(file)
		cmd.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if cmd.Run() == nil {
			continue
		}
		rejected++
		data, _ := os.ReadFile(file)
		res, err := lintOne(file, data, lint.Options{})
		if err != nil {
			continue // unreadable input is exit status 2, stricter than a finding
		}
		if res.Worst() < lint.Error {
			t.Errorf("%s: docker stack config rejects it (%s) but stackgen reports no error", file, strings.TrimSpace(stderr.String()))
		}
	}
	if rejected == 0 {
		t.Fatal("no fixture is rejected by docker stack config: the parity test checked nothing")
	}
	t.Logf("%d fixtures rejected by docker stack config, each with an error finding", rejected)
}

// TestMergeVersionMismatch: docker refuses -c a -c b when the versions differ, and so does --merge.
func TestMergeVersionMismatch(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal("the docker CLI is not on PATH; this test runs `docker stack config` (apt-get install -y docker.io)")
	}
	dir := t.TempDir()
	a := []byte("version: \"3.8\"\nservices:\n  a:\n    image: a:1\n")
	b := []byte("version: \"3.7\"\nservices:\n  a:\n    image: a:2\n")
	for name, data := range map[string][]byte{"a.yml": a, "b.yml": b} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(docker, "stack", "config", "-c", "a.yml", "-c", "b.yml")
	cmd.Dir, cmd.Env = dir, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "version mismatched between two composefiles : 3.8 and 3.7") {
		t.Fatalf("docker stack config: %v: %s; expected a version mismatch", err, out)
	}
	res, inErrs, err := lint.Check(lint.Files(lint.File{Name: "a.yml", Data: a}, lint.File{Name: "b.yml", Data: b}), lint.Options{Env: noEnv, Merge: true})
	if err != nil || inErrs != nil {
		t.Fatal(err, inErrs)
	}
	for _, f := range res.Findings {
		if f.Rule == "SW102" && f.Severity == lint.Error && strings.Contains(f.Message, "version mismatched between two composefiles : 3.8 and 3.7") {
			return
		}
	}
	t.Fatal("merging files with different versions gives no SW102 error")
}

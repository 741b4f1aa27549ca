package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestErrorPaths walks the CLI's error paths: each exits 2 with exactly one "stackgen: error:" line,
// prints nothing on stdout, leaves no file behind, and never shows the password.
func TestErrorPaths(t *testing.T) {
	const pw = "the-secret-password-1234"
	f := newSecretFixture(t)
	f.mustRun(pw, "secret", "seal", "-r", f.recipient(), f.spec)
	sealed := filepath.Join(f.dir, "redis_password.age")
	good, _ := os.ReadFile(sealed)
	bad := filepath.Join(f.dir, "bad.yaml")
	spec, _ := os.ReadFile(f.spec)
	write(t, bad, []byte(strings.Replace(string(spec), "image: redis:6.2-alpine", "image: 1", 1)), 0o644)
	out := filepath.Join(f.dir, "out", "never.yml")
	other := filepath.Join(f.dir, "other.txt")
	write(t, other, []byte("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n"), 0o600)
	policy := filepath.Join(f.dir, "policy.yaml")
	write(t, policy, []byte("rules: {XX1: off}\n"), 0o644)
	yml := filepath.Join(f.dir, "docker-stack.yml")
	write(t, yml, []byte("services:\n  a: b: c\n"), 0o644)

	tests := []struct {
		name  string
		stdin string
		args  []string
		setup func(t *testing.T)
		want  string
	}{
		{"unknown command", "", []string{"frob"}, nil, `unknown command "frob"`},
		{"render unknown flag", "", []string{"render", "--nope"}, nil, "render: unknown flag: --nope"},
		{"render bad spec", "", []string{"render", "-o", out, bad}, nil, "bad.yaml:5:8: image: must be a string"},
		{"render missing spec", "", []string{"render", filepath.Join(f.dir, "nope.yaml")}, nil, "nope.yaml: no such file"},
		{"render unwritable output", "", []string{"render", "-o", out, f.spec}, nil, "render: open"},
		{"render missing password file", "", []string{"render", f.spec}, func(t *testing.T) { os.Remove(sealed) }, "password.file: redis_password.age: no such file"},
		{"seal empty password", "\n", []string{"secret", "seal", "-r", f.recipient(), f.spec}, nil, "the password is empty"},
		{"seal bad recipient", pw, []string{"secret", "seal", "-r", "age1nope", f.spec}, nil, `-r/--recipient: "age1nope"`},
		{"seal private key as recipient", pw, []string{"secret", "seal", "-r", "AGE-SECRET-KEY-1XYZ", f.spec}, nil, "this is a private key, not a recipient"},
		{"apply wrong key", "", []string{"secret", "apply", "-i", other, f.spec}, nil, "identity " + other + ":1: not an age identity"},
		{"apply tampered", "", []string{"secret", "apply", "-i", f.key, f.spec}, func(t *testing.T) { write(t, sealed, good[:len(good)-40], 0o644) }, "cannot decrypt"},
		{"apply no docker", "", []string{"secret", "apply", "-i", f.key, f.spec}, func(t *testing.T) { t.Setenv("PATH", f.dir) }, "docker is not on PATH"},
		{"env wide file", "", []string{"secret", "env", "-i", f.key, "-o", policy, f.spec}, nil, "exists with mode 0644"},
		{"lint no input", "", []string{"lint"}, nil, "lint: no FILE, DIR or - given"},
		{"lint malformed", "", []string{"lint", yml}, func(t *testing.T) { t.Chdir(f.dir) }, "docker-stack.yml:2:7: mapping values are not allowed"},
		{"lint malformed outside the checkout", "", []string{"lint", yml}, nil, "docker-stack.yml:2:7: cannot be linted (details withheld: the file resolves outside "},
		{"lint bad policy", "", []string{"lint", "--policy", policy, f.spec}, nil, `policy.yaml:1:9: rules: "XX1" matches no rule`},
		{"lint empty stdin", "", []string{"lint", "-"}, nil, "standard input is empty"},
		{"deploy missing network", "", []string{"deploy", "-i", f.key, f.spec}, nil, `network "app_main" does not exist`},
		{"deploy placement", "", []string{"deploy", "-i", f.key, f.spec}, func(t *testing.T) { write(t, filepath.Join(f.fake, "network"), []byte("overlay swarm\n"), 0o644) },
			"no ready node satisfies the placement constraints: vm (manager) fails node.role == worker and node.labels.wheel_analyzer.redis == true"},
		{"deploy not a manager", "", []string{"deploy", "-i", f.key, f.spec}, func(t *testing.T) { t.Setenv("FAKE_SWARM", "inactive false") }, "not part of a Swarm"},
		{"verify no service", "", []string{"verify", f.spec}, nil, "service wheel_analyzer_redis does not exist"},
		{"verify bad flag", "", []string{"verify", "--wait", "soon"}, nil, `verify: invalid argument "soon"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write(t, sealed, good, 0o644)
			os.Remove(filepath.Join(f.fake, "network"))
			os.RemoveAll(filepath.Join(f.fake, "secrets"))
			t.Setenv("FAKE_SWARM", "")
			if tc.setup != nil {
				tc.setup(t)
			}
			before := listFiles(t, f.dir)
			code, stdout, stderr := stackgen(tc.stdin, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s", code, stderr)
			}
			if n := strings.Count(stderr, "stackgen: error: "); n != 1 {
				t.Errorf("%d error lines, want 1:\n%s", n, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr:\n%s\nwant it to contain %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if strings.Contains(stdout+stderr, pw) {
				t.Error("the password is in the output")
			}
			if after := listFiles(t, f.dir); after != before {
				t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
			}
			if entries, _ := os.ReadDir(filepath.Join(f.fake, "secrets")); len(entries) > 0 {
				t.Errorf("%d secrets created", len(entries))
			}
		})
	}
}

// listFiles fingerprints a directory tree (names, sizes) outside the fake docker's records.
func listFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || strings.Contains(p, string(filepath.Separator)+"fake") {
			return nil
		}
		if !info.IsDir() {
			b.WriteString(strings.TrimPrefix(p, dir) + ":" + info.ModTime().String() + " ")
		}
		return nil
	})
	return b.String()
}

// TestInterruptedSealKeepsTheOldFile kills `stackgen secret seal` while it waits for the password:
// the sealed file is untouched and no temporary file is left. (The write itself is a rename of a
// complete temporary file, so a kill at any later point leaves either the old file or the new one.)
func TestInterruptedSealKeepsTheOldFile(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("a good long password", "secret", "seal", "-r", f.recipient(), f.spec)
	sealed := filepath.Join(f.dir, "redis_password.age")
	before, _ := os.ReadFile(sealed)
	bin := filepath.Join(t.TempDir(), "stackgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "secret", "seal", "-r", f.recipient(), f.spec)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_, _ = stdin.Write([]byte("half a pass"))
	time.Sleep(200 * time.Millisecond)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if after, _ := os.ReadFile(sealed); string(after) != string(before) {
		t.Fatal("the password file changed after an interrupted seal")
	}
	entries, _ := os.ReadDir(f.dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// TestFailedWriteLeavesNothing: when the rename cannot happen (the target is a directory), the
// temporary file is removed and the target is untouched.
func TestFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "x.age")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(target, []byte("data"), 0o644); err == nil {
		t.Fatal("writeFileAtomic over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "x.age" || !entries[0].IsDir() {
		t.Fatalf("directory holds %v", entries)
	}
}

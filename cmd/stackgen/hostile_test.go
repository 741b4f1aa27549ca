package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The threat model of `stackgen lint` as a CI gate on a pull request: whoever opens it controls every
// file of the checkout (names, contents, symbolic links, FIFOs, a .stackgen.yaml anywhere), while the
// job holds tokens in its environment. These tests build such checkouts and run the real binary in
// them, in every output format, as the CI job of docs/lint.md does.

const hostileToken = "tok-8d1e0c2f9a7b4c65" // the CI job's secret, in its environment

// hostileRun is one run of stackgen lint in a hostile checkout.
type hostileRun struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// lintIn runs the built binary in dir with the job's environment and a time bound.
func lintIn(t *testing.T, bin, dir string, args ...string) hostileRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"lint"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SECRET_TOKEN="+hostileToken, "GITHUB_TOKEN="+hostileToken)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := hostileRun{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("stackgen lint %q did not finish within a minute (hangs): %v", args, err)
	}
	return r
}

// properties are what must hold for any checkout and any format: no value from the environment, no
// content of a file outside the checkout, no control character in text output, only well-formed
// workflow commands in GitHub output, and output bounded whatever the input.
func (r hostileRun) properties(t *testing.T, format string, forbidden ...string) {
	t.Helper()
	all := r.stdout + r.stderr
	for _, s := range append([]string{hostileToken}, forbidden...) {
		if strings.Contains(all, s) {
			t.Errorf("%s output carries %q:\n%.2000s", format, s, all)
		}
	}
	if format == "text" || format == "github" {
		if i := strings.IndexFunc(all, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 }); i >= 0 {
			t.Errorf("%s output holds a control character %q at %d:\n%.2000s", format, all[i], i, all)
		}
	}
	if format == "github" {
		command := regexp.MustCompile(`^::(error|warning|notice) file=[^,\r\n]*(,line=\d+,col=\d+,endLine=\d+,endColumn=\d+)?,title=[A-Z]{2}\d{3}::[^\r\n]*$`)
		for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
			if line != "" && !command.MatchString(line) {
				t.Errorf("github output line is not one of stackgen's workflow commands: %q", line)
			}
		}
	}
	if len(all) > 8<<20 {
		t.Errorf("%s output is %d bytes; the finding limits bound it far below that", format, len(all))
	}
}

var formats = []string{"text", "json", "sarif", "github"}

// hostileRepo is an empty repository (a .git directory marks its root) with a parent directory the
// checkout does not own.
func hostileRepo(t *testing.T) (parent, repo string) {
	t.Helper()
	parent = t.TempDir()
	repo = filepath.Join(parent, "repo")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return parent, repo
}

const hostileStack = "version: \"3.8\"\nservices:\n  redis:\n    image: redis:6.2-alpine\n    ports: [\"6379:6379\"]\n"

func TestHostileCheckout(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "stackgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	t.Run("1 environment values in findings", func(t *testing.T) {
		_, repo := hostileRepo(t)
		write(t, filepath.Join(repo, "docker-compose.yml"), []byte("services:\n  a:\n    image: \"${SECRET_TOKEN}\"\n"+
			"    ports: [\"${SECRET_TOKEN}:80\", \"127.0.0.1:${SECRET_TOKEN}:6379\"]\n    hostname: ${GITHUB_TOKEN}\n"+
			"    deploy: {replicas: \"${SECRET_TOKEN}\", placement: {constraints: [\"node.labels.x == ${SECRET_TOKEN}\"]}}\n"+
			"    env_file: ${SECRET_TOKEN}.env\n    command: [redis-server, --maxmemory, \"${SECRET_TOKEN}\", --requirepass, \"${SECRET_TOKEN}\"]\n"), 0o644)
		for _, f := range formats {
			r := lintIn(t, bin, repo, "--format", f, ".")
			if r.code != 1 {
				t.Fatalf("%s: exit %d, want findings\n%s%s", f, r.code, r.stdout, r.stderr)
			}
			r.properties(t, f)
			if f == "text" && !strings.Contains(r.stdout, "${SECRET_TOKEN}") {
				t.Errorf("text findings do not quote the file's own ${SECRET_TOKEN}:\n%s", r.stdout)
			}
		}
	})

	t.Run("2 a planted policy cannot switch the gate off", func(t *testing.T) {
		parent, repo := hostileRepo(t)
		write(t, filepath.Join(parent, ".stackgen.yaml"), []byte("rules: {\"*\": off}\n"), 0o644) // above the root
		os.MkdirAll(filepath.Join(repo, "sub"), 0o755)
		write(t, filepath.Join(repo, "sub", ".stackgen.yaml"), []byte("rules: {\"*\": off}\nexclude: [\"*\"]\n"), 0o644)
		write(t, filepath.Join(repo, "sub", "docker-compose.yml"), []byte(hostileStack+"    # stackgen:ignore PL201 -- trust me\n"), 0o644)
		write(t, filepath.Join(repo, "docker-stack.yml"), []byte(hostileStack), 0o644)
		// Without --policy: the nested file is refused, loudly.
		r := lintIn(t, bin, repo, "--no-inline-ignores", ".")
		if r.code != 2 || !strings.Contains(r.stderr, "sub/.stackgen.yaml: a policy below the repository root counts only when") {
			t.Errorf("a nested policy without the root's consent: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		// With the policy the CI job of docs/lint.md names, the nested file counts for nothing; the policy
		// above the repository root is never read either.
		write(t, filepath.Join(repo, ".stackgen.yaml"), []byte("rules: {SW103: off}\n"), 0o644)
		for _, f := range formats {
			r = lintIn(t, bin, repo, "--format", f, "--policy", ".stackgen.yaml", "--no-inline-ignores", ".")
			if r.code != 1 || !strings.Contains(r.stdout, "PL201") || !strings.Contains(r.stdout, "SG004") ||
				!strings.Contains(r.stdout, "sub/docker-compose.yml") {
				t.Errorf("%s with --policy: exit %d\n%s%s", f, r.code, r.stdout, r.stderr)
			}
			r.properties(t, f)
		}
		// Even the root policy cannot turn the SG rules off.
		write(t, filepath.Join(repo, ".stackgen.yaml"), []byte("rules: {SG004: off}\n"), 0o644)
		if r = lintIn(t, bin, repo, "--policy", ".stackgen.yaml", "--no-inline-ignores", "."); r.code != 2 ||
			!strings.Contains(r.stderr, "no policy can turn them off") {
			t.Errorf("a policy turning SG004 off: exit %d\n%s", r.code, r.stderr)
		}
		// With nested: true in the root policy, a nested one counts (the monorepo's choice): its
		// exclude list, and its rules for a file named on the command line.
		write(t, filepath.Join(repo, ".stackgen.yaml"), []byte("nested: true\n"), 0o644)
		if r = lintIn(t, bin, repo, "sub"); r.code != 0 || !strings.Contains(r.stderr, "sub: nothing to lint; 1 file(s) excluded by the policy's exclude list") {
			t.Errorf("a nested policy's exclude list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r = lintIn(t, bin, repo, "sub/docker-compose.yml"); r.code != 0 || strings.Contains(r.stdout, "(PL201)") {
			t.Errorf("a nested policy the root allows: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("3 unbounded reads", func(t *testing.T) {
		_, repo := hostileRepo(t)
		write(t, filepath.Join(repo, "docker-stack.yml"), []byte(hostileStack), 0o644)
		if err := syscall.Mkfifo(filepath.Join(repo, "docker-compose.yml"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := lintIn(t, bin, repo, ".")
		if r.code != 1 || !strings.Contains(r.stdout, "docker-stack.yml") {
			t.Errorf("a FIFO named like a stack file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r = lintIn(t, bin, repo, "docker-compose.yml"); r.code != 2 || !strings.Contains(r.stderr, "a FIFO: not a regular file") {
			t.Errorf("a FIFO named on the command line: exit %d\n%s", r.code, r.stderr)
		}
		for _, args := range [][]string{{"--env-file", "/dev/zero"}, {"--policy", "/dev/zero"}, {"--policy", "/proc/self/pagemap"}} {
			if r = lintIn(t, bin, repo, append(args, ".")...); r.code != 2 || r.took > 10*time.Second {
				t.Errorf("%q: exit %d after %s\n%s", args, r.code, r.took, r.stderr)
			}
		}
		os.Symlink("/proc/self/pagemap", filepath.Join(repo, ".stackgen.yaml"))
		if r = lintIn(t, bin, repo, "."); r.code != 2 || r.took > 10*time.Second {
			t.Errorf(".stackgen.yaml -> /proc/self/pagemap: exit %d after %s\n%s", r.code, r.took, r.stderr)
		}
	})

	t.Run("4 output and memory bounded", func(t *testing.T) {
		_, repo := hostileRepo(t)
		var b strings.Builder
		b.WriteString("services:\n")
		for i := 0; i < 131000; i++ {
			fmt.Fprintf(&b, "  s%d: {}\n", i)
		}
		write(t, filepath.Join(repo, "docker-compose.yml"), []byte(b.String()), 0o644)
		big := bytes.Repeat([]byte("# padding\n"), 400000)
		write(t, filepath.Join(repo, "big.yml"), append([]byte(hostileStack), big...), 0o644)
		for i := 0; i < 200; i++ {
			os.Symlink("big.yml", filepath.Join(repo, fmt.Sprintf("stack-%03d.yml", i)))
		}
		for _, f := range formats {
			r := lintIn(t, bin, repo, "--format", f, ".")
			if r.code != 1 {
				t.Fatalf("%s: exit %d\n%.2000s", f, r.code, r.stderr)
			}
			r.properties(t, f)
			if !regexp.MustCompile(`more|"count": \d+`).MatchString(r.stdout) || strings.Contains(r.stdout, "stack-0") {
				t.Errorf("%s: the limit is not said, or a symbolic link was followed:\n%.3000s", f, r.stdout)
			}
			t.Logf("%s: %d bytes of output in %s", f, len(r.stdout), r.took)
		}
	})

	t.Run("5 files outside the checkout", func(t *testing.T) {
		parent, repo := hostileRepo(t)
		secretFile := filepath.Join(parent, "runner-secret.yml")
		write(t, secretFile, []byte("root:$6$saltsalt$hashhashhash: 1\nservices: {}\n"), 0o600)
		os.Symlink(secretFile, filepath.Join(repo, "docker-compose.yml"))
		write(t, filepath.Join(repo, "docker-stack.yml"), []byte(hostileStack), 0o644)
		for _, f := range formats {
			r := lintIn(t, bin, repo, "--format", f, ".") // discovery does not follow the link
			r.properties(t, f, "saltsalt", "hashhash")
			if strings.Contains(r.stdout, "docker-compose.yml") {
				t.Errorf("%s: discovery followed a symbolic link:\n%s", f, r.stdout)
			}
			r = lintIn(t, bin, repo, "--format", f, "docker-compose.yml") // named: read, not quoted
			if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "details withheld") {
				t.Errorf("%s: a named file outside the checkout: exit %d\n%s%s", f, r.code, r.stdout, r.stderr)
			}
			r.properties(t, f, "saltsalt", "hashhash")
		}
	})

	t.Run("6 workflow commands and terminal escapes from names and values", func(t *testing.T) {
		_, repo := hostileRepo(t)
		name := "docker-compose\n::add-mask::x\n::error file=a.yml::owned.yml"
		write(t, filepath.Join(repo, name), []byte(hostileStack+"    hostname: \"\\e]0;pwned\\a\\e[2J\"\n  \"\\e[31mred\": {image: \"x:1\"}\n"), 0o644)
		for _, f := range formats {
			r := lintIn(t, bin, repo, "--format", f, ".")
			if r.code != 1 {
				t.Fatalf("%s: exit %d\n%s%s", f, r.code, r.stdout, r.stderr)
			}
			r.properties(t, f)
			if f == "github" && strings.Contains(r.stdout, "\n::add-mask::") {
				t.Errorf("github output carries the file's workflow command:\n%s", r.stdout)
			}
		}
	})

	t.Run("7 no existence oracle", func(t *testing.T) {
		_, repo := hostileRepo(t)
		write(t, filepath.Join(repo, "docker-compose.yml"), []byte(hostileStack+"    env_file: [/etc/passwd, /nonexistent/stackgen, ../../../../etc/hostname, ../../../nope]\n"), 0o644)
		r := lintIn(t, bin, repo, "--format", "json", ".")
		if strings.Contains(r.stdout, "SW112") {
			t.Errorf("SW112 judged a path outside the checkout:\n%s", r.stdout)
		}
		write(t, filepath.Join(repo, "docker-compose.yml"), []byte(hostileStack+"    env_file: [missing.env]\n"), 0o644)
		if r = lintIn(t, bin, repo, "."); !strings.Contains(r.stdout, "SW112") {
			t.Errorf("SW112 no longer judges a missing env_file inside the checkout:\n%s", r.stdout)
		}
	})
}

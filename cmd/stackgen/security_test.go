package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/cli/opts"
)

// TestOutputRefusesNonRegularTargets: -o never replaces a device, a FIFO or a symbolic link (such as
// /dev/stdout's) with a regular file; it says what is there and changes nothing.
func TestOutputRefusesNonRegularTargets(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("a good long password", "secret", "seal", "-r", f.recipient(), f.spec)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "stdout")
	os.Symlink("/proc/self/fd/1", link)
	devnull := filepath.Join(dir, "null")
	os.Symlink("/dev/null", devnull)
	for _, tc := range []struct{ target, kind string }{{fifo, "a FIFO"}, {link, "a symbolic link"}, {devnull, "a symbolic link"}, {dir, "a directory"}} {
		for _, args := range [][]string{{"render", "-o", tc.target, f.spec}, {"secret", "env", "-i", f.key, "-o", tc.target, f.spec}} {
			code, _, errs := stackgen("", args...)
			if code != 2 || !strings.Contains(errs, tc.target+" is "+tc.kind+", not a regular file") {
				t.Errorf("%q: exit %d\n%s", args, code, errs)
			}
		}
		if st, err := os.Lstat(tc.target); err != nil || st.Mode().IsRegular() {
			t.Errorf("%s was replaced: %v", tc.target, err)
		}
	}
}

// TestInterruptedWriteLeavesNoTemporaryFile: SIGTERM between writing the temporary file and renaming
// it (the test holds the write there) removes the temporary file, which holds the connection URL
// with the password, and leaves the target untouched. While it holds the password the process may
// not dump core (RLIMIT_CORE 0, read from /proc/PID/limits).
func TestInterruptedWriteLeavesNoTemporaryFile(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("a good long password", "secret", "seal", "-r", f.recipient(), f.spec)
	out := filepath.Join(t.TempDir(), "redis.env")
	marker := filepath.Join(t.TempDir(), "held")
	bin := filepath.Join(t.TempDir(), "stackgen")
	if err := os.Symlink(os.Args[0], bin); err != nil { // the test binary runs stackgen under that name
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "secret", "env", "-i", f.key, "-o", out, f.spec)
	cmd.Env = append(os.Environ(), "STACKGEN_TEST_HOLD_BEFORE_RENAME="+marker)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("secret env never reached the rename")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var tmp []string
	entries, _ := os.ReadDir(filepath.Dir(out))
	for _, e := range entries {
		tmp = append(tmp, e.Name())
	}
	if len(tmp) != 1 || !strings.Contains(tmp[0], ".tmp-") {
		t.Fatalf("while held, the directory holds %q; want one temporary file", tmp)
	}
	limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", cmd.Process.Pid))
	if err != nil || !regexp.MustCompile(`(?m)^Max core file size\s+0\s+0\s`).Match(limits) {
		t.Errorf("secret env holds the password with core dumps allowed (%v):\n%s", err, limits)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("stackgen did not end by SIGTERM: %v", err)
	}
	entries, _ = os.ReadDir(filepath.Dir(out))
	if len(entries) != 0 {
		t.Errorf("after SIGTERM the directory holds %v; want nothing", entries)
	}
}

// TestEnvFileReadsTheSameEverywhere: secret env's REDIS_URL line gives the same bytes to docker's
// env-file reader (docker/cli opts.ParseEnvFile, what --env-file and env_file use) and to a POSIX
// shell sourcing it with set -a (dash here), and those bytes decode to the password; a password
// written to run a command runs nothing.
func TestEnvFileReadsTheSameEverywhere(t *testing.T) {
	sh, err := exec.LookPath("dash")
	if err != nil {
		t.Fatal("dash is not on PATH: it is the POSIX shell this test sources the file with (apt-get install -y dash)")
	}
	f := newSecretFixture(t)
	witness := filepath.Join(t.TempDir(), "ran")
	for _, pw := range []string{
		"$HOME;id and then more", "$(touch " + witness + ") long enough", "`touch " + witness + "` long enough",
		`quotes " and ' and \ backslash`, "spaces  and\ttabs here", "hash # and ; and & and | and > and <",
		"percent %41 and %% twice", "ünïcödé pässwörd here",
	} {
		f.mustRun(pw, "secret", "seal", "-r", f.recipient(), f.spec)
		out := filepath.Join(t.TempDir(), "redis.env")
		f.mustRun("", "secret", "env", "-i", f.key, "-o", out, f.spec)
		vars, err := opts.ParseEnvFile(out)
		if err != nil || len(vars) != 1 || !strings.HasPrefix(vars[0], "REDIS_URL=") {
			t.Fatalf("%q: docker reads %q, %v", pw, vars, err)
		}
		docker := strings.TrimPrefix(vars[0], "REDIS_URL=")
		shell, err := exec.Command(sh, "-c", `set -a; . "$1"; printf %s "$REDIS_URL"`, "sh", out).Output()
		if err != nil {
			t.Fatalf("%q: sourcing the file: %v", pw, err)
		}
		if string(shell) != docker {
			t.Errorf("%q: the shell reads %q, docker %q", pw, shell, docker)
		}
		u, err := url.Parse(docker)
		if got, _ := u.User.Password(); err != nil || got != pw {
			t.Errorf("%q: the URL decodes to %q (%v)", pw, got, err)
		}
		if _, err := os.Stat(witness); err == nil {
			t.Fatalf("%q: sourcing the file ran a command", pw)
		}
	}
}

package generator_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/webvig/stackgen/generator"
)

// TestWrapperLocksTheDataDirectory runs two rendered wrappers with the real redis-server on one data
// directory, as a Swarm task and its replacement on one node would after a partition heals: the
// second must not start Redis (nor listen) until the first has exited, and must then start by itself.
func TestWrapperLocksTheDataDirectory(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Fatal("flock is not on PATH: the wrapper needs it (util-linux, Essential in Debian; apt-get install -y util-linux)")
	}
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) {
			first := newHarness(t, sh)
			second := newHarness(t, sh)
			second.data = first.data // the same volume
			first.setSecret(hostile)
			second.setSecret(hostile)

			p1 := first.start()
			first.waitUp(p1)
			p2 := second.start()

			// The second wrapper says it waits and keeps its port closed while the first runs.
			deadline := time.Now().Add(3 * time.Second)
			for !strings.Contains(p2.out.String(), "another Redis holds") && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if !strings.Contains(p2.out.String(), "another Redis holds "+generator.LockFile) &&
				!strings.Contains(p2.out.String(), "another Redis holds "+filepath.Join(first.data, ".stackgen.lock")) {
				t.Fatalf("the second wrapper did not say it waits for the lock:\n%s", p2.out)
			}
			for time.Now().Before(deadline) {
				if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(second.port), 100*time.Millisecond); err == nil {
					c.Close()
					t.Fatalf("a second Redis listens on port %d while the first still holds the data directory:\n%s", second.port, p2.out)
				}
				select {
				case <-p2.done:
					t.Fatalf("the second wrapper exited instead of waiting (%v):\n%s", p2.err, p2.out)
				case <-time.After(100 * time.Millisecond):
				}
			}
			if n := redisWithDirOpen(t, first.data); n != 1 {
				t.Fatalf("%d redis-server processes have %s open, want 1", n, first.data)
			}

			// docker stop: SIGTERM to PID 1, which is Redis itself (exec kept the wrapper's PID).
			if err := p1.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			stopped := time.Now()
			if err := p1.wait(10 * time.Second); err != nil {
				t.Fatalf("the first Redis did not exit cleanly on SIGTERM: %v\n%s", err, p1.out)
			}
			second.waitUp(p2)
			t.Logf("%s: the second Redis listened %s after the first was told to stop", sh.name, time.Since(stopped).Round(time.Millisecond))
			if !strings.Contains(p2.out.String(), "is ours now; starting Redis") {
				t.Errorf("the second wrapper did not say it took the lock:\n%s", p2.out)
			}
			if strings.Contains(p1.out.String()+p2.out.String(), hostile) {
				t.Error("the password appears in a log")
			}
		})
	}
}

// redisWithDirOpen counts redis-server processes with a file under dir open (the AOF, the lock).
func redisWithDirOpen(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		comm, err := os.ReadFile("/proc/" + e.Name() + "/comm")
		if err != nil || !strings.HasPrefix(string(comm), "redis-server") {
			continue
		}
		fds, _ := os.ReadDir("/proc/" + e.Name() + "/fd")
		for _, fd := range fds {
			if target, err := os.Readlink("/proc/" + e.Name() + "/fd/" + fd.Name()); err == nil && strings.HasPrefix(target, dir+"/") {
				n++
				break
			}
		}
	}
	return n
}

// TestWrapperRefusesWithoutFlock: an image with no flock must not run Redis unlocked.
func TestWrapperRefusesWithoutFlock(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) {
			h := newHarness(t, sh)
			h.setSecret(hostile)
			// PATH holds what the wrapper needs except flock.
			for _, tool := range []string{"cat", "sed", "redis-server"} {
				p, err := exec.LookPath(tool)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(p, filepath.Join(h.bin, tool)); err != nil {
					t.Fatal(err)
				}
			}
			p := h.startWithoutPath()
			if err := p.wait(10 * time.Second); err == nil {
				t.Fatalf("the wrapper exited 0 without flock:\n%s", p.out)
			}
			if !strings.Contains(p.out.String(), "stackgen: flock is not in this image; refusing to start Redis") {
				t.Fatalf("the wrapper did not say why it refused:\n%s", p.out)
			}
			if strings.Contains(p.out.String(), "Ready to accept connections") {
				t.Fatalf("Redis started without the lock:\n%s", p.out)
			}
		})
	}
}

// startWithoutPath is start with nothing on PATH but h.bin, for a container image that lacks a tool.
func (h *redisHarness) startWithoutPath() *proc {
	h.t.Helper()
	sh, err := exec.LookPath(h.shell[0])
	if err != nil {
		h.t.Fatal(err)
	}
	h.shell = append([]string{sh}, h.shell[1:]...)
	h.t.Setenv("PATH", "/nonexistent") // env() makes it h.bin:/nonexistent
	return h.start()
}

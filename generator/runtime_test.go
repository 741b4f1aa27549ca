package generator_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/internal/procscan"
)

// The runtime conformance test runs the rendered entrypoint, command and healthcheck against a real
// redis-server the way the container would, with three substitutions only this machine needs: a
// directory on tmpfs (/dev/shm, as Swarm mounts secrets on tmpfs) stands in for /run/secrets, a
// pass-through docker-entrypoint.sh stands in for the image's (which only changes the user), and
// "--port P --bind 127.0.0.1 --dir D" are appended to the command (the healthcheck's "-p 6379"
// becomes "-p P") so the server listens on loopback only. The wrapper runs under each shell the
// official images have as /bin/sh: dash (Debian) and busybox ash (Alpine).

// hostile is a password with every character a shell, YAML or Redis could mangle.
const hostile = "p a\"s's $HOME `id` \\n\\ é€ 🔑 --x"

type rendered struct {
	entrypoint, command, health []string
}

func renderedService(t *testing.T) rendered {
	t.Helper()
	c := goldenCases(t)[0]
	out := render(t, c.display, c.spec, c.sealed)
	var stack struct {
		Services map[string]struct {
			Entrypoint  []string `yaml:"entrypoint"`
			Command     []string `yaml:"command"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(out, &stack); err != nil {
		t.Fatal(err)
	}
	svc := stack.Services["redis"]
	// Docker's interpolation turns "$$" into "$"; TestDockerAcceptsRender checks that against the real loader.
	unescape := func(xs []string) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strings.ReplaceAll(x, "$$", "$")
		}
		return out
	}
	return rendered{unescape(svc.Entrypoint), unescape(svc.Command), unescape(svc.Healthcheck.Test)}
}

type redisHarness struct {
	t                  *testing.T
	r                  rendered
	shell              []string // replaces the entrypoint's /bin/sh
	trace              []string // runs the shell under this command (strace), if set
	bin, secrets, data string
	port               int
}

// shell is a /bin/sh of an official Redis image, as this machine can run it.
type shell struct {
	name string
	argv []string
}

// shells are dash (the Debian images' /bin/sh) and busybox ash (Alpine's). Debian's busybox-static
// runs its own cat and sed applets before PATH, as Alpine's /bin/cat and /bin/sed are busybox.
func shells(t *testing.T) []shell {
	t.Helper()
	if _, err := exec.LookPath("dash"); err != nil {
		t.Fatal("dash is not on PATH: it is the Debian Redis image's /bin/sh; apt-get install -y dash")
	}
	if _, err := exec.LookPath("busybox"); err != nil {
		t.Fatal("busybox is not on PATH: its ash is the Alpine Redis image's /bin/sh; " +
			"run `make deps` or apt-get install -y busybox-static")
	}
	return []shell{{"dash", []string{"dash"}}, {"busybox", []string{"busybox", "sh"}}}
}

func newHarness(t *testing.T, sh shell) *redisHarness {
	t.Helper()
	for _, tool := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: the runtime conformance test needs a real Redis; "+
				"run `make test` (it installs it) or `apt-get install -y redis-server`", tool)
		}
	}
	dir := t.TempDir()
	h := &redisHarness{t: t, r: renderedService(t), shell: sh.argv, bin: filepath.Join(dir, "bin"),
		secrets: tmpfsDir(t), data: filepath.Join(dir, "data"), port: freePort(t)}
	for _, d := range []string{h.bin, h.data} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// The official image's entrypoint chowns /data and drops to user redis; here it only passes through.
	if err := os.WriteFile(filepath.Join(h.bin, "docker-entrypoint.sh"), []byte("#!/bin/sh\nexec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return h
}

// tmpfsDir is a private directory on /dev/shm, so that test passwords stay in memory as Swarm's do.
func tmpfsDir(t *testing.T) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err != nil || st.Type != 0x01021994 { // TMPFS_MAGIC
		t.Fatal("/dev/shm is not a tmpfs: the runtime tests keep their passwords in memory there; " +
			"mount one (mount -t tmpfs tmpfs /dev/shm)")
	}
	dir, err := os.MkdirTemp("/dev/shm", "stackgen-secrets-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (h *redisHarness) setSecret(pw string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.secrets, "redis_password"), []byte(pw), 0o400); err != nil {
		h.t.Fatal(err)
	}
}

func (h *redisHarness) local(s string) string {
	s = strings.ReplaceAll(s, generator.LockFile, filepath.Join(h.data, filepath.Base(generator.LockFile)))
	return strings.ReplaceAll(s, "/run/secrets/", h.secrets+"/")
}

func (h *redisHarness) env() []string {
	return append(os.Environ(), "PATH="+h.bin+":"+os.Getenv("PATH"))
}

// proc is a started wrapper: done closes when it exits, err is then its exit error.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

// start runs the wrapper as the container would.
func (h *redisHarness) start() *proc {
	h.t.Helper()
	ep := h.r.entrypoint
	if ep[0] != "/bin/sh" || ep[1] != "-c" {
		h.t.Fatalf("entrypoint %q is not a /bin/sh -c wrapper", ep[:2])
	}
	args := []string{ep[1], h.local(ep[2])}
	args = append(args, ep[3:]...)
	args = append(args, h.r.command...)
	args = append(args, "--port", strconv.Itoa(h.port), "--bind", "127.0.0.1", "--dir", h.data)
	argv := append(append(append([]string{}, h.trace...), h.shell...), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = h.env()
	// Its own process group, so that cleanup also ends what strace would leave running when killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &proc{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	h.t.Cleanup(func() { p.kill(); <-p.done })
	return p
}

// wait waits for the process to exit and returns its exit error.
func (p *proc) wait(limit time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(limit):
		p.kill()
		<-p.done
		return fmt.Errorf("process still running after %s", limit)
	}
}

func (p *proc) kill() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitUp dials until Redis answers or the process exits.
func (h *redisHarness) waitUp(p *proc) *resp {
	h.t.Helper()
	for i := 0; i < 500; i++ {
		if c, err := dial(h.port); err == nil {
			return c
		}
		select {
		case <-p.done:
			h.t.Fatalf("redis exited before listening (%v):\n%s", p.err, p.out)
		case <-time.After(10 * time.Millisecond):
		}
	}
	h.t.Fatalf("redis did not listen on 127.0.0.1:%d within 5s:\n%s", h.port, p.out)
	return nil
}

// health runs the rendered healthcheck (CMD form) and returns its exit error.
func (h *redisHarness) health() error {
	test := h.r.health
	if test[0] != "CMD" {
		h.t.Fatalf("healthcheck test %q is not in CMD form", test)
	}
	script := strings.Replace(h.local(test[3]), "-p 6379", "-p "+strconv.Itoa(h.port), 1)
	cmd := exec.Command(test[1], test[2], script)
	cmd.Env = h.env()
	return cmd.Run()
}

func TestRuntimeConformance(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) { runtimeConformance(t, sh) })
	}
}

func runtimeConformance(t *testing.T, sh shell) {
	h := newHarness(t, sh)
	h.setSecret(hostile)
	p := h.start()
	c := h.waitUp(p)

	if got, err := c.do("PING"); err == nil || !strings.HasPrefix(err.Error(), "NOAUTH") {
		t.Fatalf("PING without auth = %v, %v; want a NOAUTH error", got, err)
	}
	if _, err := c.do("AUTH", "wrong"); err == nil {
		t.Fatal("AUTH with a wrong password succeeded")
	}
	if got, err := c.do("AUTH", hostile); err != nil || got != "OK" {
		t.Fatalf("AUTH with the secret's exact bytes = %v, %v", got, err)
	}
	want := map[string]string{
		"save":             "900 1 300 10 60 10000",
		"appendonly":       "yes",
		"appendfsync":      "everysec",
		"maxmemory":        "402653184", // 384mb, binary
		"maxmemory-policy": "allkeys-lru",
	}
	for key, w := range want {
		got, err := c.do("CONFIG", "GET", key)
		if err != nil {
			t.Fatal(err)
		}
		if pair, _ := got.([]any); len(pair) != 2 || pair[1] != w {
			t.Errorf("CONFIG GET %s = %v, want %q", key, got, w)
		}
	}

	changes := func() string {
		info, err := c.do("INFO", "persistence")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(info.(string), "\r\n") {
			if v, ok := strings.CutPrefix(line, "rdb_changes_since_last_save:"); ok {
				return v
			}
		}
		t.Fatalf("INFO persistence has no rdb_changes_since_last_save:\n%s", info)
		return ""
	}
	before := changes()
	for i := 0; i < 3; i++ {
		if err := h.health(); err != nil {
			t.Fatalf("healthcheck against a healthy server: %v", err)
		}
	}
	if after := changes(); after != before {
		t.Errorf("healthcheck wrote: rdb_changes_since_last_save %s -> %s", before, after)
	}

	h.setSecretAnyway("not the password")
	if err := h.health(); err == nil {
		t.Error("healthcheck passed with a wrong password")
	}
	h.setSecretAnyway(hostile)

	// A key survives a graceful restart: the AOF is on and written under --dir.
	if _, err := c.do("SET", "marker", "kept"); err != nil {
		t.Fatal(err)
	}
	_, _ = c.do("SHUTDOWN")
	if err := p.wait(10 * time.Second); err != nil {
		t.Fatalf("redis did not exit cleanly after SHUTDOWN: %v\n%s", err, p.out)
	}
	if err := h.health(); err == nil {
		t.Error("healthcheck passed with the server down")
	}
	aof, _ := filepath.Glob(filepath.Join(h.data, "appendonly*"))
	if len(aof) == 0 {
		t.Errorf("no AOF (appendonly.aof or appendonlydir) in --dir after shutdown")
	}
	p = h.start()
	c = h.waitUp(p)
	if _, err := c.do("AUTH", hostile); err != nil {
		t.Fatal(err)
	}
	got, err := c.do("GET", "marker")
	for i := 0; i < 500 && err != nil && strings.HasPrefix(err.Error(), "LOADING"); i++ {
		time.Sleep(10 * time.Millisecond)
		got, err = c.do("GET", "marker")
	}
	if err != nil || got != "kept" {
		t.Errorf("after a graceful restart GET marker = %v, %v; want kept", got, err)
	}
	if strings.Contains(p.out.String(), hostile) {
		t.Errorf("the password appears in Redis's log:\n%s", p.out)
	}
}

// setSecretAnyway replaces a read-only secret file, as a re-created secret would.
func (h *redisHarness) setSecretAnyway(pw string) {
	h.t.Helper()
	_ = os.Remove(filepath.Join(h.secrets, "redis_password"))
	h.setSecret(pw)
}

func TestWrapperRefusesMissingOrEmptySecret(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) { wrapperRefuses(t, sh) })
	}
}

func wrapperRefuses(t *testing.T, sh shell) {
	for _, tc := range []struct {
		name  string
		setup func(h *redisHarness)
	}{
		{"missing", func(h *redisHarness) {}},
		{"empty", func(h *redisHarness) { h.setSecret("") }},
		{"only a newline", func(h *redisHarness) { h.setSecret("\n") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sh)
			tc.setup(h)
			p := h.start()
			if err := p.wait(10 * time.Second); err == nil {
				t.Fatalf("wrapper exited 0 without a password:\n%s", p.out)
			} else if !errors.As(err, new(*exec.ExitError)) {
				t.Fatal(err)
			}
			if c, err := dial(h.port); err == nil {
				c.conn.Close()
				t.Fatal("something listens on the port: Redis started without a password")
			}
			if strings.Contains(p.out.String(), "Ready to accept connections") {
				t.Fatalf("Redis started:\n%s", p.out)
			}
		})
	}
}

// resp is a minimal RESP2 client, enough to talk to redis-server on loopback.
type resp struct {
	conn net.Conn
	r    *bufio.Reader
}

func dial(port int) (*resp, error) {
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	return &resp{conn: conn, r: bufio.NewReader(conn)}, nil
}

func (c *resp) do(args ...string) (any, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.conn.Write([]byte(b.String())); err != nil {
		return nil, err
	}
	return c.read()
}

func (c *resp) read() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty reply")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		out := make([]any, 0, max(n, 0))
		for i := 0; i < n; i++ {
			v, err := c.read()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}

// hostilePasswords are the passwords the wrapper must hand to Redis byte for byte.
func hostilePasswords() []struct{ name, pw string } {
	long := strings.Repeat(`\"$`+"`", generator.MaxPasswordBytes/4) // every byte special; 16,384 bytes
	return []struct{ name, pw string }{
		{"spaces", "correct horse battery staple"},
		{"both quotes", `it's a "quoted" 'pass'`},
		{"backslashes", `back\slash\\double\"quote\`},
		{"trailing backslash", `ends with a backslash\`},
		{"escape lookalikes", `\x41\x42\n\t\r\\x`},
		{"dollars", "$HOME ${PATH} $(id) $1 $@ $$"},
		{"backticks", "`id` `echo pwned`"},
		{"leading dash", "-x"},
		{"a lone dash", "-"},
		{"leading double dash", "--requirepass"},
		{"non-ASCII", "pässwörd €🔑 日本語"},
		{"tab", "tab\there\t"},
		{"carriage return", "cr\rend\r"},
		{"embedded newline", "line one\nline two"},
		{"here-document delimiter", "x\nEOF\ny"},
		{"16384 bytes", long},
	}
}

// TestWrapperHostilePasswords: for each password, AUTH with the exact bytes succeeds, a wrong one
// fails, CONFIG GET requirepass returns the exact bytes, the healthcheck passes, and the log does not
// show the password. Failures name the case and lengths, never the password.
func TestWrapperHostilePasswords(t *testing.T) {
	if n := len(hostilePasswords()[len(hostilePasswords())-1].pw); n != generator.MaxPasswordBytes {
		t.Fatalf("the long case is %d bytes, want %d", n, generator.MaxPasswordBytes)
	}
	for _, sh := range shells(t) {
		for _, tc := range hostilePasswords() {
			t.Run(sh.name+"/"+tc.name, func(t *testing.T) {
				h := newHarness(t, sh)
				h.setSecret(tc.pw)
				p := h.start()
				c := h.waitUp(p)
				// Same length, last byte changed: a longer one would pass Redis's unauthenticated limit.
				wrong := tc.pw[:len(tc.pw)-1] + string(rune('a'+(tc.pw[len(tc.pw)-1]+1)%26))
				if _, err := c.do("AUTH", wrong); err == nil {
					t.Fatal("AUTH with a wrong password succeeded")
				}
				if got, err := c.do("AUTH", tc.pw); err != nil || got != "OK" {
					t.Fatalf("AUTH with the secret's exact %d bytes = %v, %v", len(tc.pw), got, err)
				}
				got, err := c.do("CONFIG", "GET", "requirepass")
				if err != nil {
					t.Fatal(err)
				}
				if pair, _ := got.([]any); len(pair) != 2 || pair[1] != tc.pw {
					n := -1
					if len(pair) == 2 {
						n = len(pair[1].(string))
					}
					t.Fatalf("CONFIG GET requirepass returned %d bytes that differ from the secret's %d", n, len(tc.pw))
				}
				if err := h.health(); err != nil {
					t.Errorf("healthcheck: %v", err)
				}
				if len(tc.pw) >= 8 && strings.Contains(p.out.String(), tc.pw) {
					t.Error("the password appears in the wrapper's or Redis's output")
				}
			})
		}
	}
}

// TestUnauthenticatedBulkLimit measures what generator.MaxPasswordBytes rests on: Redis refuses an
// unauthenticated request with a bulk argument over 16,384 bytes (src/networking.c,
// processMultibulkBuffer), so AUTH with a longer password cannot succeed, whatever requirepass says.
func TestUnauthenticatedBulkLimit(t *testing.T) {
	sh := shells(t)[0]
	for _, tc := range []struct {
		n       int
		wantErr string
	}{
		{generator.MaxPasswordBytes, ""},
		{generator.MaxPasswordBytes + 1, "ERR Protocol error: unauthenticated bulk length"},
	} {
		t.Run(strconv.Itoa(tc.n), func(t *testing.T) {
			h := newHarness(t, sh)
			pw := strings.Repeat("k", tc.n)
			h.setSecret(pw)
			c := h.waitUp(h.start())
			got, err := c.do("AUTH", pw)
			switch {
			case tc.wantErr == "" && (err != nil || got != "OK"):
				t.Fatalf("AUTH with %d bytes = %v, %v; want OK", tc.n, got, err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Fatalf("AUTH with %d bytes = %v, %v; want %q", tc.n, got, err, tc.wantErr)
			}
		})
	}
}

// pingUntilAnswered dials and sends PING until Redis replies at all (NOAUTH counts).
func (h *redisHarness) pingUntilAnswered(p *proc) {
	h.t.Helper()
	c := h.waitUp(p)
	if _, err := c.do("PING"); err != nil && !strings.HasPrefix(err.Error(), "NOAUTH") {
		h.t.Fatalf("PING: %v", err)
	}
	c.conn.Close()
}

// TestPasswordNeverInArgv scans every new process's argument list from before the wrapper starts until
// Redis answers PING, and fails on any sight of the password. A control run, Redis with the password
// as --requirepass and its process title frozen, proves that the scanner sees what is there. The
// scan races short-lived children (cat, sed, id, find), so a second check runs the wrapper under
// strace and reads every execve's arguments, which misses nothing.
func TestPasswordNeverInArgv(t *testing.T) {
	t.Run("control", func(t *testing.T) {
		needle := canary(t)
		s := procscan.Start(procscan.Options{NewOnly: true}, needle)
		h := newHarness(t, shells(t)[0])
		cmd := exec.Command("redis-server", "--port", strconv.Itoa(h.port), "--bind", "127.0.0.1",
			"--dir", h.data, "--set-proc-title", "no", "--requirepass", needle)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		c := h.waitUp(&proc{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})})
		c.conn.Close()
		s.Stop()
		if len(s.Argv) == 0 {
			t.Fatalf("the scanner missed a password in redis-server's arguments in %d scans", s.Scans)
		}
	})
	for _, sh := range shells(t) {
		for _, size := range []string{"short", "16384 bytes"} {
			t.Run(sh.name+"/"+size, func(t *testing.T) {
				needle := canary(t)
				pw := needle + ` "q" 'q' \x41 $HOME ` + "`id`"
				if size != "short" {
					pw += strings.Repeat(`\"`, (generator.MaxPasswordBytes-len(pw))/2)
				}
				h := newHarness(t, sh)
				h.setSecret(pw)
				s := procscan.Start(procscan.Options{NewOnly: true}, needle)
				p := h.start()
				h.pingUntilAnswered(p)
				s.Stop()
				n, ran := s.Tree(p.cmd.Process.Pid)
				t.Logf("%d scans saw %d processes of the wrapper's tree, running %s", s.Scans, n, strings.Join(ran, ", "))
				if len(s.Argv) > 0 {
					var where []string
					for _, x := range s.Argv {
						where = append(where, fmt.Sprintf("pid %d (%s)", x.PID, x.Argv0))
					}
					t.Fatalf("the password is in the arguments of %s", strings.Join(where, ", "))
				}
				if n == 0 {
					t.Fatal("the scanner saw no process of the wrapper's tree")
				}
			})
		}
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Fatal("strace is not on PATH: the execve audit needs it; apt-get install -y strace")
	}
	for _, sh := range shells(t) {
		t.Run(sh.name+"/every execve", func(t *testing.T) {
			needle := canary(t)
			h := newHarness(t, sh)
			h.setSecret(needle + ` "\`)
			h.trace = []string{"strace", "-f", "-qq", "-s", "65536", "-e", "trace=execve", "-e", "signal=none"}
			p := h.start()
			h.pingUntilAnswered(p)
			log := p.out.String()
			var execs []string
			for _, line := range strings.Split(log, "\n") {
				if i := strings.Index(line, "execve(\""); i >= 0 && strings.HasSuffix(line, " = 0") {
					path, _, _ := strings.Cut(line[i+len("execve(\""):], "\"")
					execs = append(execs, filepath.Base(path))
				}
			}
			t.Logf("%d execve calls: %s", len(execs), strings.Join(execs, ", "))
			if len(execs) < 3 {
				t.Fatalf("strace recorded %d execve calls; want at least sh, sed and redis-server", len(execs))
			}
			if strings.Contains(log, needle) {
				t.Fatal("the password is in an execve's arguments (or the output)")
			}
		})
	}
}

// canary is a fresh random password prefix that nothing else on the machine contains.
func canary(t *testing.T) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("canary%x", b)
}

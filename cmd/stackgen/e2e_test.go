package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/webvig/stackgen/internal/procscan"
	"github.com/webvig/stackgen/swarm"
)

// The end-to-end test deploys the real stack on a real single-node Swarm. These machines reach no
// image registry, so the test assembles its own image: Debian's redis-server and redis-cli with their
// shared libraries, a static busybox for /bin/sh and friends, and testdata/image/docker-entrypoint.sh,
// imported with `docker import`. It runs whenever `docker info` answers; without an engine it says so
// and skips.

const e2eImage = "stackgen-e2e/redis:test"

// sh runs a command and fails the test with its output when it fails.
func sh(t *testing.T, stdin []byte, name string, args ...string) string {
	t.Helper()
	out, err := shErr(stdin, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func shErr(stdin []byte, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func requireEngine(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short leaves out the Swarm end-to-end tests (minutes each, on the machine's Docker engine); run them with go test -run '^%s$' ./cmd/stackgen, or make test", t.Name())
	}
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("end-to-end: no docker CLI on PATH, so no Swarm to deploy to (install docker.io to run it)")
	}
	if out, err := shErr(nil, "docker", "info", "--format", "{{.ServerVersion}}"); err != nil {
		t.Skipf("end-to-end: `docker info` does not answer, so there is no engine to deploy to: %s", strings.TrimSpace(out))
	}
	for _, tool := range []string{"redis-server", "redis-cli", "busybox", "flock"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("end-to-end: %s is not on PATH; the test image is built from it (apt-get install -y redis-server busybox-static util-linux, or make test)", tool)
		}
	}
}

// buildImage assembles the test image's root filesystem and imports it into the default engine.
func buildImage(t *testing.T) {
	t.Helper()
	importImage(t, nil, imageTar(t))
}

// importImage imports the root filesystem tar as the test image, through docker with global flags
// host (such as -H unix:///...).
func importImage(t *testing.T, host []string, rootfs []byte) {
	t.Helper()
	importImageAs(t, host, rootfs, e2eImage,
		`ENTRYPOINT ["docker-entrypoint.sh"]`, `CMD ["redis-server"]`, "WORKDIR /data", "ENV PATH=/usr/local/bin:/usr/bin:/bin")
}

// importImageAs imports the root filesystem tar as image name, with Dockerfile instructions changes.
func importImageAs(t *testing.T, host []string, rootfs []byte, name string, changes ...string) {
	t.Helper()
	args := append(append([]string{}, host...), "import")
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	sh(t, rootfs, "docker", append(args, "-", name)...)
}

// imageTar is the test image's root filesystem as a tar stream.
func imageTar(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	added := map[string]bool{}
	addDir := func(name string, mode int64) {
		if added[name] {
			return
		}
		added[name] = true
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode}); err != nil {
			t.Fatal(err)
		}
	}
	var addParents func(p string)
	addParents = func(p string) {
		dir := filepath.Dir(p)
		if dir == "." || dir == "/" || dir == "" {
			return
		}
		addParents(dir)
		addDir(strings.TrimPrefix(dir, "/"), 0o755)
	}
	addFile := func(name string, data []byte, mode int64) {
		name = strings.TrimPrefix(name, "/")
		if added[name] {
			return
		}
		addParents("/" + name)
		added[name] = true
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	addHostFile := func(src, dst string) {
		real, err := filepath.EvalSymlinks(src)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(real)
		if err != nil {
			t.Fatal(err)
		}
		addFile(dst, data, 0o755)
	}
	libRe := regexp.MustCompile(`(/\S+\.so[^\s]*)`)
	// flock: the wrapper holds /data's lock with it. Debian's busybox-static has no flock applet, so
	// util-linux's is added, as the Debian Redis images have it (Alpine's busybox has the applet).
	for _, bin := range []string{"redis-server", "redis-cli", "flock"} {
		path, _ := exec.LookPath(bin)
		addHostFile(path, "/usr/bin/"+bin)
		for _, m := range libRe.FindAllString(sh(t, nil, "ldd", path), -1) {
			addHostFile(m, m)
		}
	}
	bb, _ := exec.LookPath("busybox")
	addHostFile(bb, "/bin/busybox")
	for _, applet := range []string{"sh", "cat", "id", "find", "chown", "su", "ls", "grep", "sleep", "env", "timeout", "tr", "sed"} {
		name := "bin/" + applet
		added[name] = true
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: "busybox"}); err != nil {
			t.Fatal(err)
		}
	}
	ep, err := os.ReadFile("testdata/image/docker-entrypoint.sh")
	if err != nil {
		t.Fatal(err)
	}
	addFile("/usr/local/bin/docker-entrypoint.sh", ep, 0o755)
	addFile("/etc/passwd", []byte("root:x:0:0:root:/root:/bin/sh\nredis:x:999:999:redis:/data:/bin/sh\n"), 0o644)
	addFile("/etc/group", []byte("root:x:0:\nredis:x:999:\n"), 0o644)
	addDir("data", 0o755)
	addDir("tmp", 0o1777)
	addDir("run", 0o755)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// swarm makes sure this engine is a Swarm manager, and leaves afterwards only if it made it one.
func ensureSwarm(t *testing.T) string {
	t.Helper()
	state := strings.TrimSpace(sh(t, nil, "docker", "info", "--format", "{{.Swarm.LocalNodeState}}"))
	if state != "active" {
		sh(t, nil, "docker", "swarm", "init", "--advertise-addr", "127.0.0.1")
		t.Cleanup(func() {
			_, _ = shErr(nil, "docker", "swarm", "leave", "--force")
			_, _ = shErr(nil, "docker", "network", "rm", "docker_gwbridge") // made by swarm init
		})
	}
	return strings.TrimSpace(sh(t, nil, "docker", "info", "--format", "{{.Swarm.NodeID}}"))
}

type e2e struct {
	t                       *testing.T
	dir, spec, key, network string
	stack                   string
	flags                   []string
	last                    string          // the last run as a terminal shows it
	recorded                map[string]bool // docs transcripts written in this run
}

// stackgen runs stackgen in-process and logs the run as a terminal shows it (stdout and stderr in
// the order written, then "$ echo $?" and the status when it is not 0), with the test's temporary
// directory cut from the arguments.
func (x *e2e) stackgen(args ...string) (int, string, string) {
	var out, errb, both bytes.Buffer
	code := run(args, os.Environ(), strings.NewReader(""), io.MultiWriter(&out, &both), io.MultiWriter(&errb, &both))
	shown := make([]string, len(args))
	for i, a := range args {
		shown[i] = strings.TrimPrefix(a, x.dir+string(filepath.Separator))
		if strings.ContainsAny(shown[i], " $") {
			shown[i] = "'" + shown[i] + "'"
		}
	}
	x.last = fmt.Sprintf("$ stackgen %s\n%s", strings.Join(shown, " "), both.String())
	if code != 0 {
		x.last += fmt.Sprintf("$ echo $?\n%d\n", code)
	}
	x.t.Log(x.last)
	return code, out.String(), errb.String()
}

// record keeps the last run as the docs' Swarm transcript docs/examples/swarm/NAME.txt (several
// runs recorded under one name follow each other), written only with -update: the docs show these
// files verbatim as the real output of plan, deploy and verify (TestReadmeShowsExamples).
func (x *e2e) record(name string) {
	x.t.Helper()
	if !*update {
		return
	}
	file := filepath.Join("..", "..", "docs", "examples", "swarm", name+".txt")
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !x.recorded[name] {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(file, flags, 0o644)
	if err == nil {
		_, err = f.WriteString(x.last)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		x.t.Fatal(err)
	}
	if x.recorded == nil {
		x.recorded = map[string]bool{}
	}
	x.recorded[name] = true
}

func (x *e2e) must(args ...string) string {
	x.t.Helper()
	code, out, errs := x.stackgen(args...)
	if code != 0 {
		x.t.Fatalf("stackgen %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (x *e2e) seal(pw string) {
	x.t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"secret", "seal", "-R", x.key + ".pub", x.spec}, os.Environ(), strings.NewReader(pw), &out, &errb); code != 0 {
		x.t.Fatalf("seal: %s", errb.String())
	}
}

// container is the running task's container ID.
func (x *e2e) container() string {
	x.t.Helper()
	d, err := swarm.Find(os.Environ())
	if err != nil {
		x.t.Fatal(err)
	}
	cid, err := swarm.RunningContainer(d, x.stack+"_redis")
	if err != nil {
		x.t.Fatal(err)
	}
	return cid
}

// ansible runs docs/examples/ansible/deploy-redis.yml with the real ansible-playbook against this
// test's Swarm and checks what each run reports and does.
func (x *e2e) ansible(label string) {
	x.t.Helper()
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		x.t.Fatal("ansible-playbook is not on PATH: the Ansible example is tested with it (make deps, or apt-get install -y ansible-core)")
	}
	bin := filepath.Join(x.t.TempDir(), "stackgen")
	sh(x.t, nil, "go", "build", "-o", bin, ".")
	common := []string{"--resolve-image", "never", "--constraint", "node.labels." + label + " == true"}
	play := func(check bool, maxmemory string) (recap, out string) {
		vars, _ := json.Marshal(map[string]any{
			"stackgen": bin, "stackgen_spec": x.spec,
			"stackgen_args":        append(append([]string{}, common...), "--maxmemory", maxmemory),
			"stackgen_deploy_args": []string{"-i", x.key, "--wait", "90s"},
		})
		args := []string{"-i", "localhost,", "-c", "local", "../../docs/examples/ansible/deploy-redis.yml", "-e", string(vars)}
		if check {
			args = append(args, "--check")
		}
		cmd := exec.Command("ansible-playbook", args...)
		cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCALHOST_WARNING=false", "ANSIBLE_INVENTORY_UNPARSED_WARNING=false")
		b, err := cmd.CombinedOutput()
		out = string(b)
		if err != nil {
			x.t.Fatalf("ansible-playbook (check %v, maxmemory %s): %v\n%s", check, maxmemory, err, out)
		}
		m := regexp.MustCompile(`localhost\s*:\s*(ok=\d+\s+changed=\d+)`).FindStringSubmatch(out)
		if m == nil {
			x.t.Fatalf("no play recap:\n%s", out)
		}
		return strings.Join(strings.Fields(m[1]), " "), out
	}
	version := func() string {
		return strings.TrimSpace(sh(x.t, nil, "docker", "service", "inspect", "--format", "{{.Version.Index}} {{range .Spec.TaskTemplate.ContainerSpec.Args}}{{.}} {{end}}", x.stack+"_redis"))
	}
	if recap, out := play(false, "256mb"); !strings.Contains(recap, "changed=2") || !strings.Contains(version(), "--maxmemory 256mb") {
		x.t.Fatalf("first run: %s, service %s\n%s", recap, version(), out)
	}
	if recap, out := play(false, "256mb"); !strings.Contains(recap, "changed=0") {
		x.t.Fatalf("second run: %s, want nothing changed\n%s", recap, out)
	}
	before := version()
	if recap, out := play(true, "128mb"); !strings.Contains(recap, "changed=1") || version() != before || !strings.Contains(out, "tasks restart") {
		x.t.Fatalf("--check after an edit: %s, service %s -> %s\n%s", recap, before, version(), out)
	} else {
		x.t.Logf("$ ansible-playbook deploy-redis.yml --check (after an edit: --maxmemory 128mb)\n%s", out)
	}
	// A stackgen error fails the play with stackgen's line.
	cmd := exec.Command("ansible-playbook", "-i", "localhost,", "-c", "local", "../../docs/examples/ansible/deploy-redis.yml",
		"-e", `{"stackgen": "`+bin+`", "stackgen_spec": "/nonexistent/stack.yaml"}`)
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCALHOST_WARNING=false")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "stackgen: error: /nonexistent/stack.yaml: no such file") {
		x.t.Fatalf("a failing stackgen: %v\n%s", err, out)
	}
	// Back to the spec's own maxmemory for what follows.
	x.must(append([]string{"deploy"}, append(x.flags, x.spec)...)...)
}

// redis runs redis-cli in the container with the given password on stdin (the test's own secret).
func (x *e2e) redis(pw string, args ...string) string {
	x.t.Helper()
	script := `read -r REDISCLI_AUTH; export REDISCLI_AUTH; exec redis-cli "$@"`
	out, _ := shErr([]byte(pw+"\n"), "docker", append([]string{"exec", "-i", x.container(), "/bin/sh", "-c", script, "redis-cli"}, args...)...)
	return strings.TrimSpace(out)
}

func TestEndToEndSwarm(t *testing.T) {
	requireEngine(t)
	node := ensureSwarm(t)
	buildImage(t)
	t.Cleanup(func() { _, _ = shErr(nil, "docker", "image", "rm", "-f", e2eImage) })

	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1e6)
	x := &e2e{t: t, dir: t.TempDir(), stack: "sge2e" + suffix, network: "sge2e_net" + suffix}
	label := "sge2e" + suffix + ".redis"
	x.spec = filepath.Join(x.dir, "stack.yaml")
	x.key = filepath.Join(x.dir, "key.txt")
	writeKeyPair(t, x.key)
	// A fast health check keeps the test short; everything else is the default spec's.
	write(t, x.spec, []byte(`stack: `+x.stack+`
image: `+e2eImage+`
network: `+x.network+`
memory: {limit: 512M, reservation: 256M}
redis:
  maxmemory: 384mb
  maxmemory_policy: allkeys-lru
  appendfsync: everysec
  save: [[900, 1], [300, 10], [60, 10000]]
placement:
  constraints: [node.role == worker, node.labels.`+label+` == true]
restart: {condition: any, delay: 1s}
healthcheck: {interval: 1s, timeout: 3s, retries: 3}
password:
  file: redis_password.age
`), 0o644)
	x.flags = []string{"-i", x.key, "--resolve-image", "never", "--wait", "90s"}
	t.Cleanup(func() {
		_, _ = shErr(nil, "docker", "stack", "rm", x.stack)
		for i := 0; i < 60; i++ {
			if out, _ := shErr(nil, "docker", "ps", "-aq", "--filter", "label=com.docker.stack.namespace="+x.stack); strings.TrimSpace(out) == "" {
				break
			}
			time.Sleep(time.Second)
		}
		if out, _ := shErr(nil, "docker", "secret", "ls", "-q", "--filter", "label=com.stackgen.stack="+x.stack); strings.TrimSpace(out) != "" {
			_, _ = shErr(nil, "docker", append([]string{"secret", "rm"}, strings.Fields(out)...)...)
		}
		for i := 0; i < 30; i++ {
			if _, err := shErr(nil, "docker", "volume", "rm", x.stack+"_redis_data"); err == nil {
				break
			}
			time.Sleep(time.Second)
		}
		_, _ = shErr(nil, "docker", "network", "rm", x.network)
		_, _ = shErr(nil, "docker", "node", "update", "--label-rm", label, node)
	})
	first := "first password with spaces, $dollars and `ticks` é"
	second := "second password, rotated"
	x.seal(first)
	// From before the first deploy until the rotation has rolled, every process on this host is
	// watched: neither password may appear in any argument list (issue: /proc/PID/cmdline is
	// world-readable). The environment is reported, not failed on: the health check keeps the
	// password in redis-cli's REDISCLI_AUTH, which only root can read.
	control := procscan.Start(procscan.Options{Environ: true}, "stackgen-scanner-control-marker")
	_ = exec.Command("/bin/sh", "-c", "sleep 0.5", "stackgen-scanner-control-marker").Run()
	if control.Stop(); len(control.Argv) == 0 {
		t.Fatalf("the process scanner did not see a marker in a running process's arguments (%d scans): it could prove nothing", control.Scans)
	}
	scan := procscan.Start(procscan.Options{Environ: true}, first, second)

	// Preflight failures change nothing: a missing network, then the seed's worker-only placement.
	code, _, errs := x.stackgen(append([]string{"deploy"}, append(x.flags, x.spec)...)...)
	if code != 2 || !strings.Contains(errs, `network "`+x.network+`" does not exist`) ||
		!strings.Contains(errs, "docker network create --driver overlay --scope swarm "+x.network) {
		t.Fatalf("deploy without the network: exit %d\n%s", code, errs)
	}
	x.record("preflight")
	code, _, errs = x.stackgen(append([]string{"deploy", "--create-network"}, append(x.flags, x.spec)...)...)
	if code != 2 || !strings.Contains(errs, "no ready node satisfies the placement constraints") ||
		!strings.Contains(errs, "node.role == worker never schedules") {
		t.Fatalf("deploy on a manager-only swarm with node.role == worker: exit %d\n%s", code, errs)
	}
	x.record("preflight")
	if out, _ := shErr(nil, "docker", "secret", "ls", "-q", "--filter", "label=com.stackgen.stack="+x.stack); strings.TrimSpace(out) != "" {
		t.Fatalf("a failed preflight created secrets: %s", out)
	}
	if _, err := shErr(nil, "docker", "network", "inspect", x.network); err == nil {
		t.Fatal("a failed preflight created the network")
	}

	// The fitting placement for a one-node swarm: the label pin only.
	sh(t, nil, "docker", "node", "update", "--label-add", label+"=true", node)
	x.flags = append(x.flags, "--constraint", "node.labels."+label+" == true")
	deployArgs := append([]string{"deploy", "--create-network"}, append(x.flags, x.spec)...)
	planArgs := []string{"plan", "--create-network", "--resolve-image", "never", "--constraint", "node.labels." + label + " == true"}
	// A stack that does not exist yet plans as all create; --dry-run prints that and changes nothing.
	out := x.must(append(planArgs, x.spec)...)
	if !strings.Contains(out, "+ "+x.stack+"_redis: create") || !strings.Contains(out, "network "+x.network+": create") || !strings.HasSuffix(out, "1 to create\n") {
		t.Fatalf("plan before the first deploy:\n%s", out)
	}
	x.record("plan-create")
	if out = x.must(append(append([]string{}, deployArgs...), "--dry-run")...); !strings.Contains(out, "1 to create") {
		t.Fatalf("deploy --dry-run:\n%s", out)
	}
	if _, err := shErr(nil, "docker", "service", "inspect", x.stack+"_redis"); err == nil {
		t.Fatal("deploy --dry-run created the service")
	}
	out = x.must(deployArgs...)
	if !strings.Contains(out, "deployed "+x.stack+"_redis: running and healthy") {
		t.Fatalf("deploy output:\n%s", out)
	}
	x.record("deploy")
	// Planned again: unchanged; with the spec's own override --maxmemory, the cache's task restarts
	// (its command changes), and deploy says what that costs before it does it.
	if out = x.must(append(planArgs, "--detailed-exitcode", x.spec)...); !strings.Contains(out, "= "+x.stack+"_redis: unchanged") {
		t.Fatalf("plan after the deploy:\n%s", out)
	}
	x.record("plan-update")
	code, out, errs = x.stackgen(append(planArgs, "--detailed-exitcode", "--maxmemory", "256mb", x.spec)...)
	if code != 1 || !strings.Contains(out, "! "+x.stack+"_redis: update: tasks restart (1 of 1 running)") || !strings.Contains(out, "    command: ") {
		t.Fatalf("plan of --maxmemory 256mb: exit %d\n%s%s", code, out, errs)
	}
	x.record("plan-update")
	before := sh(t, nil, "docker", "service", "inspect", "--format", "{{.Version.Index}}", x.stack+"_redis")
	code, out, errs = x.stackgen(append(append([]string{}, deployArgs...), "--maxmemory", "256mb", "--dry-run")...)
	if after := sh(t, nil, "docker", "service", "inspect", "--format", "{{.Version.Index}}", x.stack+"_redis"); code != 0 || after != before || !strings.Contains(out, "tasks restart") {
		t.Fatalf("deploy --dry-run --maxmemory 256mb: exit %d, version %s -> %s\n%s%s", code, before, after, out, errs)
	}
	x.record("deploy-dry-run")
	verifyArgs := []string{"verify", "--restart-test", "--wait", "90s", "--constraint", "node.labels." + label + " == true", x.spec}
	out = x.must(verifyArgs...)
	if strings.Contains(out, "FAIL") || strings.Count(out, "ok  ") != 29 {
		t.Fatalf("verify:\n%s", out)
	}
	x.record("verify-restart-test")

	// Kill the task's container six times: with no attempt limit Swarm restarts it every time (the
	// seed's max_attempts: 3 left it at 0/1 after the fourth), and the data is still there.
	if got := x.redis(first, "set", "survivor", "yes"); got != "OK" {
		t.Fatalf("SET: %s", got)
	}
	for kill := 1; kill <= 6; kill++ {
		old := x.container()
		sh(t, nil, "docker", "kill", old)
		start := time.Now()
		for {
			d, _ := swarm.Find(os.Environ())
			if cid, err := swarm.RunningContainer(d, x.stack+"_redis"); err == nil && cid != old {
				if x.redis(first, "ping") == "PONG" {
					break
				}
			}
			if time.Since(start) > 90*time.Second {
				t.Fatalf("Swarm did not restart the task within 90s after kill %d", kill)
			}
			time.Sleep(time.Second)
		}
		t.Logf("kill %d: answering PONG again after %s", kill, time.Since(start).Round(time.Second))
		if got := x.redis(first, "get", "survivor"); got != "yes" {
			t.Fatalf("after docker kill %d, GET survivor = %q", kill, got)
		}
	}

	// Rotate: re-seal and deploy; the plan says the task restarts (a new secret), the service rolls
	// to the new secret, the old password is refused.
	x.seal(second)
	if out = x.must(append(planArgs, x.spec)...); !strings.Contains(out, "_redis: update: tasks restart") || !strings.Contains(out, "    secrets: +") {
		t.Fatalf("plan of a rotation:\n%s", out)
	}
	x.record("rotate")
	code, _, errs = x.stackgen(deployArgs...)
	if code != 0 || !strings.Contains(errs, "_redis restarts: the cache is unavailable until the new task is healthy") {
		t.Fatalf("rotation deploy: exit %d\n%s", code, errs)
	}
	x.record("rotate")
	if got := x.redis(second, "ping"); got != "PONG" {
		t.Fatalf("new password: PING = %q", got)
	}
	if got := x.redis(first, "ping"); !strings.Contains(got, "NOAUTH") && !strings.Contains(got, "WRONGPASS") && !strings.Contains(got, "AUTH failed") {
		t.Fatalf("old password still works: %q", got)
	}
	if got := x.redis(second, "get", "survivor"); got != "yes" {
		t.Fatalf("after rotation, GET survivor = %q", got)
	}
	finishScan(t, scan)
	x.must("verify", "--constraint", "node.labels."+label+" == true", x.spec)
	x.record("verify")

	// Drift: a port published by hand is a failed check, and verify exits 1. (A dnsrr service can
	// publish in host mode only; Swarm replaces the task; --detach=false waits for that.)
	sh(t, nil, "docker", "service", "update", "--detach=false", "--quiet", "--publish-add", "mode=host,published=16379,target=6379", x.stack+"_redis")
	code, out, errs = x.stackgen("verify", "--constraint", "node.labels."+label+" == true", x.spec)
	if code != 1 || !strings.Contains(out, "FAIL  the service publishes no ports  (1 published)") || strings.Count(out, "FAIL") != 1 {
		t.Fatalf("verify of a service that publishes a port: exit %d, want 1 and one FAIL\n%s%s", code, out, errs)
	}
	sh(t, nil, "docker", "service", "update", "--detach=false", "--quiet", "--publish-rm", "16379", x.stack+"_redis")

	// Ansible, the seed's own tool, on top of plan and deploy (docs/examples/ansible): the first run
	// changes the cache (a new maxmemory), the second finds nothing to do, and --check after an edit
	// reports the change and makes none.
	x.ansible(label)

	// With --resolve-image never nothing pulls: an image missing from the only node that fits is a
	// preflight failure that changes nothing.
	missing := append(append([]string{}, deployArgs...), "--image", "stackgen-e2e/missing:none", "--wait", "20s")
	code, _, errs = x.stackgen(missing...)
	if code != 2 || !strings.Contains(errs, "image stackgen-e2e/missing:none is not on") || !strings.Contains(errs, "docker save stackgen-e2e/missing:none | docker -H ssh://") {
		t.Fatalf("deploy of a missing image with --resolve-image never: exit %d, want 2 from the preflight\n%s", code, errs)
	}
	// Asking a registry instead (there is none here): docker's own warning reaches the user, the
	// deploy cannot converge and exits 1 with the task's error; verify then fails too.
	code, _, errs = x.stackgen(append(missing, "--resolve-image", "always")...)
	if code != 1 || !strings.Contains(errs, "No such image: stackgen-e2e/missing:none") || !strings.Contains(errs, "stackgen: warning: ") {
		t.Fatalf("deploy of a missing image: exit %d, want 1 with docker's warning and the task's error\n%s", code, errs)
	}
	code, out, _ = x.stackgen("verify", "--constraint", "node.labels."+label+" == true", x.spec)
	if code != 1 {
		t.Fatalf("verify of a service with no running task: exit %d, want 1\n%s", code, out)
	}

	// A missing password file stops deploy before anything changes.
	os.Rename(filepath.Join(x.dir, "redis_password.age"), filepath.Join(x.dir, "gone.age"))
	code, _, errs = x.stackgen(deployArgs...)
	if code != 2 || !strings.Contains(errs, "password.file: redis_password.age: no such file") {
		t.Fatalf("deploy with no password file: exit %d\n%s", code, errs)
	}
}

// finishScan stops the process scan, reports what it saw, and fails on any password in an argument
// list. The environment is reported, not failed on: the health check keeps the password in
// redis-cli's REDISCLI_AUTH, which only root can read.
func finishScan(t *testing.T, s *procscan.Scan) {
	t.Helper()
	s.Stop()
	t.Logf("process scanner: %d scans, %d processes seen; a password in an argument list %d times, in an environment: %v",
		s.Scans, s.PIDs, len(s.Argv), s.Environ)
	if len(s.Argv) > 0 {
		var lines []string
		for _, x := range s.Argv {
			lines = append(lines, s.Redacted(x))
		}
		t.Fatalf("a password was in a process's arguments (shown with the password cut):\n%s", strings.Join(lines, "\n"))
	}
	if s.Scans < 100 {
		t.Fatalf("only %d scans: the scanner did not watch long enough to prove anything", s.Scans)
	}
}

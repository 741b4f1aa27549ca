package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The multi-node end-to-end test runs the DEFAULT spec (node.role == worker and the label, no
// placement override) on a Swarm of three dockerds, each in a network namespace of its own, linked by
// a bridge in a fourth namespace on 10.214.0.0/24, as ../shared/reference/swarm-multinode.md
// describes. The machine's own Docker and its Swarm are never touched: every daemon, data root, exec
// root, cgroup, namespace, image and Swarm object lives under names this test makes, and t.Cleanup
// removes them all, also when the test fails. A writer service on the manager INCRs a counter through
// REDIS_URL's host all along; every acknowledged reply must exceed every earlier one, so a lost
// acknowledged write shows as the counter going back.

const mnSubnet = "10.214.0."

type mnNode struct {
	name, ns, ip          string
	sock, cfg, root, exec string
	cgroup                string
	cmd                   *exec.Cmd
	done                  chan struct{}
}

type mnCluster struct {
	t      *testing.T
	sfx    string
	bridge string
	nodes  []*mnNode // manager, then the workers; nodes[1] gets the label
	base   string
}

func requireMultiNode(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short leaves out the three-node Swarm test (about five minutes); run it with go test -run '^TestEndToEndMultiNode$' ./cmd/stackgen, or make test")
	}
	if os.Geteuid() != 0 {
		t.Fatal("multi-node: the test creates network namespaces and runs dockerd; run it as root (make test in CI does)")
	}
	for _, tool := range []string{"docker", "dockerd", "ip", "nsenter", "unshare", "containerd", "redis-server", "redis-cli", "busybox", "flock"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("multi-node: %s is not on PATH; install it (apt-get install -y docker.io iproute2 util-linux redis-server busybox-static)", tool)
		}
	}
	if out, err := shErr(nil, "docker", "info", "--format", "{{.ServerVersion}}"); err != nil {
		t.Fatalf("multi-node: `docker info` does not answer (%s); the test needs a working Docker engine on this machine (apt-get install -y docker.io; service docker start)", strings.TrimSpace(out))
	}
	probe := fmt.Sprintf("sgprobe%d", os.Getpid())
	if out, err := shErr(nil, "ip", "netns", "add", probe); err != nil {
		t.Fatalf("multi-node: this kernel or container does not allow network namespaces (ip netns add: %s); run the test on a VM or a privileged container (docker run --privileged)", strings.TrimSpace(out))
	}
	_, _ = shErr(nil, "ip", "netns", "del", probe)
}

func newCluster(t *testing.T) *mnCluster {
	t.Helper()
	c := &mnCluster{t: t, sfx: fmt.Sprintf("%04d", os.Getpid()%10000)}
	c.base = "/var/lib/sgmn" + c.sfx
	c.bridge = "sgmn" + c.sfx + "br"
	t.Cleanup(c.destroy)
	for i, role := range []string{"mgr", "w1", "w2"} {
		name := "sgmn" + c.sfx + "-" + role
		n := &mnNode{name: name, ns: name, ip: mnSubnet + strconv.Itoa(i+1),
			root: filepath.Join(c.base, role, "root"), exec: "/run/sgmn" + c.sfx + "/" + role,
			sock: "/run/sgmn" + c.sfx + "/" + role + ".sock", cfg: filepath.Join(c.base, role, "daemon.json"),
			cgroup: name}
		c.nodes = append(c.nodes, n)
	}
	c.ip("netns", "add", c.bridge)
	c.ip("-n", c.bridge, "link", "add", "br0", "type", "bridge")
	c.ip("-n", c.bridge, "link", "set", "br0", "up")
	for i, n := range c.nodes {
		veth := "v" + strconv.Itoa(i)
		c.ip("netns", "add", n.ns)
		c.ip("-n", c.bridge, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", n.ns)
		c.ip("-n", c.bridge, "link", "set", veth, "master", "br0", "up")
		c.ip("-n", n.ns, "addr", "add", n.ip+"/24", "dev", "eth0")
		c.ip("-n", n.ns, "link", "set", "eth0", "up")
		c.ip("-n", n.ns, "link", "set", "lo", "up")
		for _, d := range []string{n.root, n.exec} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		cfg := fmt.Sprintf(`{"data-root": %q, "exec-root": %q, "pidfile": %q, "hosts": [%q], "storage-driver": "vfs", "cgroup-parent": %q, "log-driver": "json-file"}`,
			n.root, n.exec, n.exec+".pid", "unix://"+n.sock, "/"+n.cgroup)
		write(t, n.cfg, []byte(cfg), 0o600)
		c.start(n)
	}
	return c
}

func (c *mnCluster) ip(args ...string) { c.t.Helper(); sh(c.t, nil, "ip", args...) }

// start runs the node's dockerd in its namespace, with its own hostname (the Swarm node name).
func (c *mnCluster) start(n *mnNode) {
	c.t.Helper()
	logf, err := os.OpenFile(filepath.Join(c.base, n.name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	n.cmd = exec.Command("nsenter", "--net=/var/run/netns/"+n.ns, "unshare", "--uts", "sh", "-c",
		`hostname "$1"; exec dockerd --config-file "$2"`, "sh", n.name, n.cfg)
	n.cmd.Stdout, n.cmd.Stderr = logf, logf
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := n.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	n.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); logf.Close(); close(done) }(n.cmd, n.done)
	for i := 0; i < 120; i++ {
		if _, err := shErr(nil, "docker", "-H", "unix://"+n.sock, "info", "--format", "{{.ID}}"); err == nil {
			return
		}
		select {
		case <-n.done:
			log, _ := os.ReadFile(filepath.Join(c.base, n.name+".log"))
			c.t.Fatalf("dockerd of %s exited:\n%s", n.name, tail(string(log), 20))
		case <-time.After(500 * time.Millisecond):
		}
	}
	c.t.Fatalf("dockerd of %s did not answer within 60s", n.name)
}

// stop ends the node's dockerd with SIGTERM (it stops its containers), SIGKILL after 30 s.
func (c *mnCluster) stop(n *mnNode) {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
		<-n.done
	}
	n.cmd = nil
}

// destroy removes everything the cluster made: daemons (by their own PIDs), leftover mounts under
// its roots, the roots, the namespaces and the cgroups.
func (c *mnCluster) destroy() {
	for i := len(c.nodes) - 1; i >= 0; i-- {
		c.stop(c.nodes[i])
	}
	// Processes still in the nodes' cgroups (a containerd-shim, a container) are ours: end them.
	for _, n := range c.nodes {
		for _, pid := range cgroupPids(n.cgroup) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	time.Sleep(time.Second)
	if data, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		var mounts []string
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 4 && (strings.HasPrefix(f[4], c.base+"/") || strings.HasPrefix(f[4], "/run/sgmn"+c.sfx+"/")) {
				mounts = append(mounts, f[4])
			}
		}
		for i := len(mounts) - 1; i >= 0; i-- {
			_ = syscall.Unmount(mounts[i], syscall.MNT_DETACH)
		}
	}
	_ = os.RemoveAll(c.base)
	_ = os.RemoveAll("/run/sgmn" + c.sfx)
	for _, n := range c.nodes {
		_, _ = shErr(nil, "ip", "netns", "del", n.ns)
		_ = os.Remove(n.exec + ".pid")
	}
	_, _ = shErr(nil, "ip", "netns", "del", c.bridge)
	for _, n := range c.nodes {
		for _, dir := range cgroupDirs(n.cgroup) {
			_ = os.Remove(dir)
		}
	}
}

// cgroupDirs lists the cgroup directories under /NAME in every hierarchy, deepest first.
func cgroupDirs(name string) []string {
	var dirs []string
	roots, _ := filepath.Glob("/sys/fs/cgroup/*/" + name)
	if st, err := os.Stat("/sys/fs/cgroup/" + name); err == nil && st.IsDir() {
		roots = append(roots, "/sys/fs/cgroup/"+name)
	}
	for _, r := range roots {
		_ = filepath.WalkDir(r, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	return dirs
}

// cgroupPids lists the processes in the cgroups under /NAME, each once (cgroup v1 shows a process in
// every hierarchy).
func cgroupPids(name string) []int {
	var pids []int
	seen := map[int]bool{}
	for _, dir := range cgroupDirs(name) {
		data, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil && !seen[pid] {
				seen[pid] = true
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

func (c *mnCluster) docker(n *mnNode, stdin []byte, args ...string) string {
	c.t.Helper()
	return sh(c.t, stdin, "docker", append([]string{"-H", "unix://" + n.sock}, args...)...)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ack is one acknowledged INCR: when the writer's line was logged, and the counter it returned.
type ack struct {
	at time.Time
	n  int64
}

const writerService = "sgmn_writer"

// writerScript INCRs through REDIS_URL's host as the application would, one connection per write
// (so each write resolves the name again), and prints each reply; timeout bounds a write to a
// cut-off node.
const writerScript = `REDISCLI_AUTH="$(cat /run/secrets/redis_password)" || exit 1
export REDISCLI_AUTH
while :; do
  echo "$(timeout 2 redis-cli -h wheel_analyzer_redis -p 6379 incr stackgen:multinode:counter 2>&1 | tr '\n' ' ')"
  sleep 0.05
done`

// acks reads the writer's log and returns its acknowledged writes in order, and the count of
// failed attempts.
func (c *mnCluster) acks() ([]ack, int) {
	c.t.Helper()
	// `docker service logs` hung for minutes once the worker's dockerd had restarted; the writer runs
	// on the manager, so its containers' own logs are read there, each bounded in time.
	var out strings.Builder
	ids := c.docker(c.nodes[0], nil, "ps", "-aq", "--filter", "label=com.docker.swarm.service.name="+writerService)
	for _, id := range strings.Fields(ids) {
		o, err := shErr(nil, "timeout", "30", "docker", "-H", "unix://"+c.nodes[0].sock, "logs", "--timestamps", id)
		if err != nil {
			c.t.Fatalf("docker logs of the writer %s: %v\n%s", id, err, o)
		}
		out.WriteString(o)
	}
	var acks []ack
	failed := 0
	for _, line := range strings.Split(out.String(), "\n") {
		ts, rest, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64); err == nil {
			acks = append(acks, ack{at, n})
		} else {
			failed++
		}
	}
	sort.SliceStable(acks, func(i, j int) bool { return acks[i].at.Before(acks[j].at) })
	return acks, failed
}

// waitAck waits for an acknowledged write logged after since and returns when it was.
func (c *mnCluster) waitAck(since time.Time, limit time.Duration, what string) time.Time {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		acks, _ := c.acks()
		for _, a := range acks {
			if a.at.After(since) {
				return a.at
			}
		}
		time.Sleep(time.Second)
	}
	c.t.Fatalf("%s: no acknowledged write within %s", what, limit)
	return time.Time{}
}

// fault is one measured disruption.
type fault struct {
	name       string
	start, end time.Time
}

// redisOnNode counts, on one node (by its cgroup), the redis-server processes that have a file under
// /data open, and the wrappers waiting in flock.
func redisOnNode(cgroup string) (redis, waiting int) {
	for _, pid := range cgroupPids(cgroup) {
		p := strconv.Itoa(pid)
		comm, _ := os.ReadFile("/proc/" + p + "/comm")
		switch strings.TrimSpace(string(comm)) {
		case "flock":
			waiting++
		case "redis-server":
			fds, _ := os.ReadDir("/proc/" + p + "/fd")
			for _, fd := range fds {
				if target, err := os.Readlink("/proc/" + p + "/fd/" + fd.Name()); err == nil && strings.HasPrefix(target, "/data/") {
					redis++
					break
				}
			}
		}
	}
	return redis, waiting
}

func TestEndToEndMultiNode(t *testing.T) {
	requireMultiNode(t)
	began := time.Now()
	c := newCluster(t)
	mgr, w1 := c.nodes[0], c.nodes[1]
	c.docker(mgr, nil, "swarm", "init", "--advertise-addr", mgr.ip)
	token := strings.TrimSpace(c.docker(mgr, nil, "swarm", "join-token", "-q", "worker"))
	for _, w := range c.nodes[1:] {
		c.docker(w, nil, "swarm", "join", "--token", token, "--advertise-addr", w.ip, mgr.ip+":2377")
	}
	c.docker(mgr, nil, "node", "update", "--label-add", "wheel_analyzer.redis=true", w1.name)
	importImage(t, []string{"-H", "unix://" + mgr.sock}, imageTar(t))
	for _, w := range c.nodes[1:] {
		sh(t, nil, "sh", "-c", `docker -H "$1" save "$3" | docker -H "$2" load`, "sh", "unix://"+mgr.sock, "unix://"+w.sock, e2eImage)
	}
	t.Logf("cluster of %d nodes up, image on each, in %s", len(c.nodes), time.Since(began).Round(time.Second))
	t.Setenv("DOCKER_HOST", "unix://"+mgr.sock)

	// The default spec, with a password sealed to a key made here.
	x := &e2e{t: t, dir: t.TempDir(), stack: "wheel_analyzer"}
	x.spec = filepath.Join(x.dir, "stack.yaml")
	x.key = filepath.Join(x.dir, "key.txt")
	def, err := os.ReadFile("../../stacks/wheel_analyzer/stack.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write(t, x.spec, def, 0o644)
	writeKeyPair(t, x.key)
	x.seal("multi-node password, $dollars and `ticks`")
	deployArgs := []string{"deploy", "--create-network", "-i", x.key, "--image", e2eImage, "--resolve-image", "never", "--wait", "180s", x.spec}
	// verify from the manager must pass once Swarm has settled after a fault: a write can be answered
	// by the old task (a healed partition) while Swarm is about to replace it, so a failed verify is
	// retried for up to three minutes, and how long it took is logged.
	verify := func(after string) {
		t.Helper()
		start := time.Now()
		for {
			code, out, errs := x.stackgen("verify", "--image", e2eImage, x.spec)
			if code == 0 && !strings.Contains(out, "FAIL") {
				t.Logf("verify from the manager passes after %s (%s after the service answered)", after, time.Since(start).Round(time.Second))
				return
			}
			if time.Since(start) > 3*time.Minute {
				t.Fatalf("verify from the manager after %s: exit %d\n%s%s", after, code, out, errs)
			}
			time.Sleep(3 * time.Second)
		}
	}
	out := x.must(deployArgs...)
	if !strings.Contains(out, "deployed wheel_analyzer_redis: running and healthy") {
		t.Fatalf("deploy output:\n%s", out)
	}
	if node := strings.TrimSpace(c.docker(mgr, nil, "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}}", "wheel_analyzer_redis")); node != w1.name {
		t.Fatalf("Redis runs on %q, want the labelled worker %s", node, w1.name)
	}
	code, vout, verrs := x.stackgen("verify", "--image", e2eImage, x.spec)
	t.Logf("verify from the manager, Redis on %s:\n%s", w1.name, vout)
	if code != 0 || strings.Contains(vout, "FAIL") || !strings.Contains(vout, "PING over the network at REDIS_URL's host answers PONG") {
		t.Fatalf("verify: exit %d\n%s%s", code, vout, verrs)
	}

	secretOf := func() string {
		return strings.TrimSpace(c.docker(mgr, nil, "service", "inspect", "--format", "{{(index .Spec.TaskTemplate.ContainerSpec.Secrets 0).SecretName}}", "wheel_analyzer_redis"))
	}
	c.docker(mgr, nil, "service", "create", "--detach", "--quiet", "--name", writerService, "--constraint", "node.role==manager",
		"--network", "app_main", "--secret", "source="+secretOf()+",target=redis_password,mode=0400", "--no-resolve-image",
		"--entrypoint", "/bin/sh", e2eImage, "-c", writerScript)
	c.waitAck(time.Time{}, 90*time.Second, "writer start")

	var faults []fault
	// measure waits for a write acknowledged after since (when the fault can no longer be answered by
	// the old task), records the fault from start to that write, and runs verify.
	measure := func(name string, start, since time.Time) {
		t.Helper()
		end := c.waitAck(since, 240*time.Second, name)
		faults = append(faults, fault{name, start, end})
		verify(name)
	}
	redisCID := func() string {
		return strings.TrimSpace(c.docker(w1, nil, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=wheel_analyzer_redis"))
	}

	// 1. docker kill, six times: with no attempt limit Swarm restarts it every time.
	for i := 1; i <= 6; i++ {
		cid := redisCID()
		if cid == "" || strings.Contains(cid, "\n") {
			t.Fatalf("kill %d: want one Redis container on %s, got %q", i, w1.name, cid)
		}
		start := time.Now()
		c.docker(w1, nil, "kill", cid)
		// The writer's reply in flight at the kill may be logged after it: count from the new container.
		var replaced time.Time
		for j := 0; j < 120; j++ {
			if now := redisCID(); now != "" && now != cid {
				replaced = time.Now()
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		if replaced.IsZero() {
			t.Fatalf("kill %d: Swarm started no new container within 60s", i)
		}
		measure(fmt.Sprintf("docker kill %d", i), start, replaced)
	}

	// 2. Drain the Redis worker: no other node fits, so the task waits; verify says so. Re-activate.
	start := time.Now()
	c.docker(mgr, nil, "node", "update", "--availability", "drain", w1.name)
	for i := 0; i < 60 && redisCID() != ""; i++ {
		time.Sleep(time.Second)
	}
	time.Sleep(5 * time.Second)
	if code, out, _ := x.stackgen("verify", "--image", e2eImage, x.spec); code != 1 {
		t.Fatalf("verify with the only fitting node drained: exit %d, want 1\n%s", code, out)
	}
	c.docker(mgr, nil, "node", "update", "--availability", "active", w1.name)
	measure("drain and re-activate", start, time.Now())

	// 3. Partition: the Redis worker's link down for 30 s, then up. Sampled every 100 ms from the
	// node's cgroup: never two redis-server processes with /data open.
	var mu sync.Mutex
	maxRedis, sawWaiting, samples := 0, 0, 0
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			r, w := redisOnNode(w1.cgroup)
			mu.Lock()
			samples++
			maxRedis = max(maxRedis, r)
			if w > 0 {
				sawWaiting++
			}
			mu.Unlock()
			select {
			case <-stopSampling:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	start = time.Now()
	c.ip("-n", w1.ns, "link", "set", "eth0", "down")
	time.Sleep(30 * time.Second)
	c.ip("-n", w1.ns, "link", "set", "eth0", "up")
	healed := time.Now()
	measure("partition of the Redis worker (30 s)", start, healed)
	for i := 0; i < 60 && strings.Contains(redisCID(), "\n"); i++ {
		time.Sleep(time.Second)
	}
	time.Sleep(5 * time.Second)
	close(stopSampling)
	<-sampled
	t.Logf("partition: healed after %s; %d samples on %s: at most %d redis-server with /data open at once; a wrapper waited for the lock in %d samples",
		healed.Sub(start).Round(time.Second), samples, w1.name, maxRedis, sawWaiting)
	if maxRedis > 1 {
		t.Fatalf("two Redis processes had /data open at once on %s after the partition", w1.name)
	}
	if samples < 100 || maxRedis == 0 {
		t.Fatalf("the sampler saw %d samples and at most %d Redis: it proved nothing", samples, maxRedis)
	}

	// 4. Restart the Redis worker's dockerd.
	start = time.Now()
	c.stop(w1)
	c.start(w1)
	measure("restart of the worker's dockerd", start, time.Now())

	// 5. Rotate the password: re-seal and deploy; the writer gets the new secret too.
	old := secretOf()
	x.seal("rotated multi-node password")
	start = time.Now()
	x.must(deployArgs...)
	c.docker(mgr, nil, "service", "update", "--detach", "--quiet", "--secret-rm", old,
		"--secret-add", "source="+secretOf()+",target=redis_password,mode=0400", writerService)
	measure("password rotation", start, time.Now())

	// An acknowledged write is lost only where Redis's appendfsync everysec allows it: while a
	// background fsync is slow, flushAppendOnlyFile (src/aof.c) postpones the AOF write for up to two
	// whole seconds of server.unixtime and the replies still go out, so a SIGKILL then loses what
	// the buffer held. The counter going back must therefore follow a fault that kills Redis without
	// a shutdown, and cover no more than that window before it; a clean stop loses nothing.
	acks, failed := c.acks()
	runs := lostRuns(acks)
	var lost []string
	for _, r := range runs {
		f, ok := killedAfter(faults, r)
		if !ok {
			lost = append(lost, fmt.Sprintf("%d..%d acknowledged %s..%s: no fault that kills Redis began within %s after them",
				r.from, r.to, r.first.Format(time.RFC3339Nano), r.last.Format(time.RFC3339Nano), everysecWindow))
			continue
		}
		t.Logf("%s lost %d acknowledged writes (%d..%d), acknowledged %.2fs to %.2fs before it: Redis's everysec window",
			f.name, r.to-r.from+1, r.from, r.to, f.start.Sub(r.first).Seconds(), f.start.Sub(r.last).Seconds())
	}
	var top int64
	for _, a := range acks {
		top = max(top, a.n)
	}
	var report bytes.Buffer
	fmt.Fprintf(&report, "%d writes acknowledged, %d attempts failed, highest counter %d, %d lost in Redis's everysec window\n",
		len(acks), failed, top, lostCount(runs))
	for _, f := range faults {
		gap, before := time.Duration(0), 0
		var prev time.Time
		for _, a := range acks {
			if a.at.Before(f.start) {
				prev, before = a.at, before+1
				continue
			}
			if a.at.After(f.end) {
				break
			}
			if !prev.IsZero() {
				gap = max(gap, a.at.Sub(prev))
			}
			prev = a.at
		}
		fmt.Fprintf(&report, "%-40s no acknowledged write for %5.1fs; back %5.1fs after the fault began\n", f.name, gap.Seconds(), f.end.Sub(f.start).Seconds())
	}
	fmt.Fprintf(&report, "total %s", time.Since(began).Round(time.Second))
	t.Logf("multi-node faults:\n%s", report.String())
	if len(lost) > 0 {
		t.Fatalf("acknowledged writes lost outside what appendfsync everysec allows (the counter went back):\n%s", strings.Join(lost, "\n"))
	}
}

// everysecWindow bounds how long before a kill an acknowledged write can still be only in Redis's
// AOF buffer: the write is postponed while server.unixtime (whole seconds) is less than 2 past the
// first postponement, so just under 3 s of wall time, plus the writer's logging delay.
const everysecWindow = 3500 * time.Millisecond

// lostRun is one stretch of acknowledged writes the counter later went back over.
type lostRun struct {
	from, to    int64     // the counter values acknowledged and then handed out again
	first, last time.Time // when the first and last of them were acknowledged
}

// lostRuns finds, in acknowledged writes ordered by time, each place the counter went back, and the
// earlier acknowledgements it went back over.
func lostRuns(acks []ack) []lostRun {
	var runs []lostRun
	var top, prev int64
	again := false // the counter is counting up again over values it went back over
	for i, a := range acks {
		switch {
		case a.n > top:
			top, again = a.n, false
		case again && a.n == prev+1:
		default:
			r := lostRun{from: a.n, to: top}
			for _, b := range acks[:i] {
				if b.n >= a.n && b.n <= top {
					if r.first.IsZero() {
						r.first = b.at
					}
					r.last = b.at
				}
			}
			runs = append(runs, r)
			again = true
		}
		prev = a.n
	}
	return runs
}

func lostCount(runs []lostRun) int64 {
	var n int64
	for _, r := range runs {
		n += r.to - r.from + 1
	}
	return n
}

// killedAfter finds the fault that explains a lost run: one that kills Redis without a shutdown
// (docker kill, or the worker's dockerd going away) and began after the run's last write and within
// the everysec window of its first.
func killedAfter(faults []fault, r lostRun) (fault, bool) {
	for _, f := range faults {
		kills := strings.HasPrefix(f.name, "docker kill") || strings.HasPrefix(f.name, "restart of the worker's dockerd")
		if kills && !f.start.Before(r.last.Add(-time.Second)) && f.start.Sub(r.first) <= everysecWindow {
			return f, true
		}
	}
	return fault{}, false
}

func TestLostRuns(t *testing.T) {
	base := time.Date(2026, 12, 3, 13, 10, 0, 0, time.UTC)
	at := func(ms int) time.Time { return base.Add(time.Duration(ms) * time.Millisecond) }
	var acks []ack
	for i := int64(1); i <= 155; i++ {
		acks = append(acks, ack{at(int(i) * 60), i})
	}
	// The CI run of 2026-12-03: 153..155 acknowledged, a kill, and the new task hands them out again.
	for i := int64(153); i <= 160; i++ {
		acks = append(acks, ack{at(20000 + int(i)*60), i})
	}
	runs := lostRuns(acks)
	if len(runs) != 1 || runs[0].from != 153 || runs[0].to != 155 || !runs[0].first.Equal(at(153*60)) || !runs[0].last.Equal(at(155*60)) {
		t.Fatalf("lostRuns = %+v, want one run 153..155", runs)
	}
	if n := lostCount(runs); n != 3 {
		t.Errorf("lostCount = %d, want 3", n)
	}
	kill := fault{"docker kill 1", at(155*60 + 300), at(19000)}
	drain := fault{"drain and re-activate", at(155*60 + 300), at(19000)}
	late := fault{"docker kill 2", at(153*60 + 4000), at(19000)}
	if f, ok := killedAfter([]fault{drain, kill}, runs[0]); !ok || f.name != kill.name {
		t.Errorf("killedAfter(drain, kill) = %v %v, want the kill", f.name, ok)
	}
	if _, ok := killedAfter([]fault{drain}, runs[0]); ok {
		t.Error("a clean stop explained a lost write")
	}
	if _, ok := killedAfter([]fault{late}, runs[0]); ok {
		t.Error("a kill 4 s after the first lost write explained it")
	}
	if runs := lostRuns(acks[:155]); len(runs) != 0 {
		t.Errorf("a counter that only goes up: %+v", runs)
	}
}

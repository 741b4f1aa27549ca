package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/webvig/stackgen/lint"
)

// TestClaims shows on the real one-node Swarm what each lint rule says Docker or Swarm does with a
// file: for every rule whose Doc or message makes such a claim, a minimal stack is deployed with the
// real `docker stack deploy` and the claim is read back from docker service inspect, docker inspect
// of the task's container, the task states of docker service ps and the error text. Claims about
// several nodes run on the three-node Swarm of multinode_test.go, built and removed here. Groups of
// claims run in parallel, each with stacks of its own, and remove everything they made.
//
// It prints a table rule → claim → observed. A claim this machine cannot show (no IPVS, so the
// ingress routing mesh does not answer; no macvlan or ipvlan in this kernel) is a row saying why; a
// rule about Redis's own runtime behaviour names the tests that prove it; a policy-only rule says it
// makes no claim about Docker. Every rule of lint.Rules must have a row, and any claim not observed
// fails.
//
// No registry is reachable: the images are imported from the host's busybox (imageTar) and deployed
// with --resolve-image never, except where resolving is the claim. A local docker-registry, when the
// machine has one (make deps installs it), shows how a tag is pinned to a digest.
func TestClaims(t *testing.T) {
	requireEngine(t)
	began := time.Now()
	node := ensureSwarm(t)
	sfx := fmt.Sprintf("%05d", time.Now().UnixNano()/1000%100000)
	env := &claimEnv{node: node, sfx: sfx,
		base:      "stackgen-claims/base:" + sfx,
		volume:    "stackgen-claims/volume:" + sfx,
		unhealthy: "stackgen-claims/unhealthy:" + sfx,
	}
	rootfs := imageTar(t)
	t.Cleanup(func() {
		_, _ = shErr(nil, "docker", "image", "rm", "-f", env.base, env.volume, env.unhealthy)
		t.Logf("TestClaims took %s with clean-up", time.Since(began).Round(time.Second))
	})
	// A task's process that ends on SIGTERM at once, so removing a stack takes no grace period.
	loop := `CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]`
	path := "ENV PATH=/usr/bin:/bin"
	importImageAs(t, nil, rootfs, env.base, loop, path)
	importImageAs(t, nil, rootfs, env.volume, loop, path, "VOLUME /data")
	// Its process exits 3 on SIGTERM, so that the task Swarm stops for being unhealthy fails with the
	// reason (a process that exits 0 leaves a Complete task and no error text).
	importImageAs(t, nil, rootfs, env.unhealthy, `CMD ["/bin/sh", "-c", "trap 'exit 3' TERM; while :; do sleep 1; done"]`, path,
		`HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD ["/bin/sh", "-c", "exit 1"]`)

	// The longest first; at most six at once, since restarts slow down on a busy engine (two cores
	// here) and the window claim needs two kills inside its window.
	groups := []struct {
		name string
		run  func(c *claims)
	}{
		{"window", (*claims).window},
		{"nodes", (*claims).nodes},
		{"aof", (*claims).aof},
		{"budget", (*claims).budget},
		{"spec", (*claims).spec},
		{"health", (*claims).health},
		{"net", (*claims).net},
		{"client", (*claims).client},
		{"constraints", (*claims).constraints},
		{"names", (*claims).names},
		{"undefined", (*claims).undefined},
		{"digests", (*claims).digests},
		{"host", (*claims).host},
		{"startfirst", (*claims).startFirst},
		{"resources", (*claims).resources},
		{"drive", (*claims).drive},
		{"drivers", (*claims).drivers},
		{"image", (*claims).image},
		{"multidoc", (*claims).multidoc},
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, 6)
	for _, g := range groups {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			t.Run(g.name, func(t *testing.T) {
				dir := t.TempDir()
				g.run(&claims{t: t, env: env, dir: dir})
			})
		}()
	}
	wg.Wait()
	env.notDocker()

	// Every rule has its row: a rule added later without one fails here.
	missing := []string{}
	for _, r := range lint.Rules {
		if !slices.ContainsFunc(env.rows, func(row claimRow) bool { return row.rule == r.ID }) {
			missing = append(missing, r.ID)
		}
	}
	sort.SliceStable(env.rows, func(i, j int) bool { return env.rows[i].rule < env.rows[j].rule })
	var b strings.Builder
	failed := 0
	for _, r := range env.rows {
		if r.status == "FAIL" {
			failed++
		}
		fmt.Fprintf(&b, "%-5s %-9s %s\n      observed: %s\n", r.rule, r.status, r.claim, r.observed)
	}
	t.Logf("rule → claim → observed (%d rows, %d rules, claims checked in %s):\n%s", len(env.rows), len(lint.Rules),
		time.Since(began).Round(time.Second), b.String())
	if len(missing) > 0 {
		t.Errorf("rules without a row in the table: %s", strings.Join(missing, ", "))
	}
	if failed > 0 {
		t.Errorf("%d claims not observed (FAIL rows above)", failed)
	}
}

// claimEnv is what the groups share: the images, the node, and the table.
type claimEnv struct {
	node, sfx               string
	base, volume, unhealthy string
	mu                      sync.Mutex
	rows                    []claimRow
}

type claimRow struct {
	rule, status, claim, observed string
}

func (e *claimEnv) add(r claimRow) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rows = append(e.rows, r)
}

// notDocker adds the rows of the rules that make no claim about Docker or Swarm, or whose claim is
// about Redis itself and proven by other tests.
func (e *claimEnv) notDocker() {
	policy := "policy only: no claim about what Docker or Swarm does"
	for _, r := range []struct{ rule, why string }{
		{"PL205", policy + " (the policy's image list)"},
		{"SG001", policy + " (stackgen's own ignore comments)"},
		{"SG002", policy + " (stackgen's own ignore comments)"},
		{"SG003", policy + " (stackgen's own ignore comments)"},
		{"SG004", policy + " (stackgen's own ignore comments)"},
	} {
		e.add(claimRow{r.rule, "policy", r.why, "-"})
	}
	redis := "Redis runtime, not Docker: proven by "
	for _, r := range []struct{ rule, claim, by string }{
		{"RD301", "without --appendonly yes a crash loses the writes since the last snapshot",
			"generator TestRuntimeConformance (CONFIG GET appendonly yes; a key survives a restart) and e2e verify (an AOF in /data, a marker survives docker service update --force)"},
		{"RD302", "appendfsync everysec is what the policy wants", "generator TestRuntimeConformance (CONFIG GET appendfsync)"},
		{"RD303", "[--save, \"900 1\"] is one token that 6.2 reads as snapshots off",
			"generator TestRedisArgsKeepEachTokenSeparate and TestRuntimeConformance (CONFIG GET save \"900 1 300 10 60 10000\"); Redis's reading of a joined token is not exercised"},
		{"RD304", "without --maxmemory Redis grows to the container's limit", "generator TestRuntimeConformance (CONFIG GET maxmemory)"},
		{"RD305", "512m is decimal, 512mb binary", "generator TestRuntimeConformance (CONFIG GET maxmemory 402653184 for 384mb)"},
		{"RD306", "maxmemory needs headroom below the memory limit", "generator TestCheckHeadroom (the ratio); PL202's row shows the limit reaching the container"},
		{"RD307", "noeviction fails writes on a full cache", "generator TestRuntimeConformance (CONFIG GET maxmemory-policy allkeys-lru)"},
		{"RD309", "without requirepass anyone on the network reads the cache", "generator TestRuntimeConformance (PING without AUTH is NOAUTH) and e2e verify"},
		{"RD310", "requirepass \"$(cat F)\" starts Redis without a password when F is missing; argv is readable",
			"generator TestWrapperRefusesMissingOrEmptySecret and TestPasswordNeverInArgv"},
		{"RD311", "redis-server by path skips the official entrypoint's switch to user redis",
			"the official image's docker-entrypoint.sh; the e2e image's stand-in (testdata/image) has the same contract; not exercised with the official image (no registry here)"},
		{"RD312", "redis-cli ping exits 0 on NOAUTH; incr writes", "generator TestRuntimeConformance (the healthcheck fails on a wrong password and does not write)"},
		{"RD313", "the redis image does not read /run/secrets itself", "the official image (not exercised: no registry here); generator's wrapper reads the secret (TestRuntimeConformance)"},
	} {
		e.add(claimRow{r.rule, "elsewhere", r.claim, redis + r.by})
	}
}

// claims is one group of claims, run as a subtest with stacks of its own.
type claims struct {
	t   *testing.T
	env *claimEnv
	dir string
}

// show records a claim and whether it was observed; a claim not observed fails the test.
func (c *claims) show(rule, claim string, ok bool, observed string, args ...any) {
	c.t.Helper()
	if len(args) > 0 {
		observed = fmt.Sprintf(observed, args...)
	}
	observed = strings.Join(strings.Fields(observed), " ")
	if len(observed) > 400 {
		observed = observed[:400] + "…"
	}
	status := "ok"
	if !ok {
		status = "FAIL"
		c.t.Errorf("%s: %s: not observed: %s", rule, claim, observed)
	}
	c.env.add(claimRow{rule, status, claim, observed})
}

// notShown records a claim this machine cannot show, and why.
func (c *claims) notShown(rule, claim, why string) {
	c.t.Logf("%s: not shown: %s: %s", rule, claim, why)
	c.env.add(claimRow{rule, "not shown", claim, why})
}

// stack names a stack of this run and removes it, its volumes included, when the group ends.
func (c *claims) stack(name string) string {
	s := "sgc" + c.env.sfx + name
	c.t.Cleanup(func() {
		removeStack(s)
		for range 30 {
			out, _ := shErr(nil, "docker", "volume", "ls", "-q", "--filter", "label=com.docker.stack.namespace="+s)
			if strings.TrimSpace(out) == "" {
				return
			}
			_, _ = shErr(nil, "docker", append([]string{"volume", "rm"}, strings.Fields(out)...)...)
			time.Sleep(time.Second)
		}
	})
	return s
}

// file writes a stack file, with {base}, {volume}, {unhealthy} and {sfx} replaced.
func (c *claims) file(name, body string) string {
	c.t.Helper()
	body = strings.NewReplacer("{base}", c.env.base, "{volume}", c.env.volume, "{unhealthy}", c.env.unhealthy, "{sfx}", c.env.sfx).Replace(body)
	p := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	write(c.t, p, []byte(body), 0o644)
	return p
}

var detachNotice = regexp.MustCompile(`(?m)^(Since --detach=false was not specified.*|In a future release, --detach=false.*)\n?`)

// deploy runs docker stack deploy with --resolve-image never (unless args say otherwise) and
// returns its output without the --detach notice.
func (c *claims) deploy(stack, file string, args ...string) (string, error) {
	if !slices.Contains(args, "--resolve-image") {
		args = append(args, "--resolve-image", "never")
	}
	out, err := shErr(nil, "docker", append(append([]string{"stack", "deploy", "-c", file}, args...), stack)...)
	return detachNotice.ReplaceAllString(out, ""), err
}

// mustDeploy deploys and fails the group when docker stack deploy fails.
func (c *claims) mustDeploy(stack, file string, args ...string) string {
	c.t.Helper()
	out, err := c.deploy(stack, file, args...)
	if err != nil {
		c.t.Fatalf("docker stack deploy %s: %v\n%s", stack, err, out)
	}
	return out
}

func (c *claims) config(file string) (string, error) {
	return shErr(nil, "docker", "stack", "config", "-c", file)
}

func (c *claims) docker(args ...string) string {
	c.t.Helper()
	return strings.TrimSpace(sh(c.t, nil, "docker", args...))
}

// inspect unmarshals docker inspect's (or docker service inspect's) one object.
func (c *claims) inspect(v any, args ...string) {
	c.t.Helper()
	var list []json.RawMessage
	out := sh(c.t, nil, "docker", append(args, "--format", "json")...)
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		c.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if err := json.Unmarshal(list[0], v); err != nil {
		c.t.Fatal(err)
	}
}

type claimTask struct{ id, desired, state, err string }

// tasks lists a service's tasks, newest first, as docker service ps shows them.
func (c *claims) tasks(svc string) []claimTask {
	out, err := shErr(nil, "docker", "service", "ps", "--no-trunc", "--format", "{{.ID}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}", svc)
	if err != nil {
		return nil
	}
	var ts []claimTask
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) < 4 {
			continue
		}
		e := f[3] // docker quotes it, without escaping the quotes inside
		if len(e) >= 2 && e[0] == '"' && e[len(e)-1] == '"' {
			e = e[1 : len(e)-1]
		}
		ts = append(ts, claimTask{f[0], f[1], strings.Fields(f[2] + " x")[0], e})
	}
	return ts
}

func countState(ts []claimTask, state string) int {
	n := 0
	for _, x := range ts {
		if x.state == state {
			n++
		}
	}
	return n
}

// rejectedErr is the error of the newest rejected task.
func rejectedErr(ts []claimTask) string {
	for _, x := range ts {
		if x.state == "Rejected" {
			return x.err
		}
	}
	return ""
}

func summary(ts []claimTask) string {
	var parts []string
	for i, x := range ts {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("… %d tasks", len(ts)))
			break
		}
		s := x.state
		if x.err != "" {
			s += " " + strconv.Quote(x.err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// waitFor polls f every 250 ms until it holds or limit passes.
func waitFor(limit time.Duration, f func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if f() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// running is the ID of the service's running container other than not, waiting up to 60 s.
func (c *claims) running(svc string, not ...string) string {
	c.t.Helper()
	var cid string
	ok := waitFor(60*time.Second, func() bool {
		out, _ := shErr(nil, "docker", "ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name="+svc, "--filter", "status=running")
		for _, id := range strings.Fields(out) {
			if !slices.Contains(not, id) {
				cid = id
				return true
			}
		}
		return false
	})
	if !ok {
		c.t.Fatalf("%s: no running container within 60 s; tasks: %s", svc, summary(c.tasks(svc)))
	}
	return cid
}

// replicas is docker service ls's REPLICAS column for the service.
func (c *claims) replicas(svc string) string {
	out, _ := shErr(nil, "docker", "service", "ls", "--filter", "name="+svc, "--format", "{{.Name}} {{.Replicas}}")
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == svc {
			return f[1]
		}
	}
	return ""
}

// exists says whether docker KIND inspect NAME finds the object.
func exists(kind, name string) bool {
	_, err := shErr(nil, "docker", kind, "inspect", name)
	return err == nil
}

func stackObjects(stack string) string {
	var parts []string
	for _, kind := range []string{"service", "network", "secret", "config"} {
		out, _ := shErr(nil, "docker", kind, "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}}")
		if names := strings.Fields(out); len(names) > 0 {
			parts = append(parts, kind+"s "+strings.Join(names, ","))
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, "; ")
}

func firstLine(s string, sub string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, sub) {
			return strings.TrimSpace(line)
		}
	}
	return strings.TrimSpace(s)
}

// client: what docker stack config and docker stack deploy refuse on the client, before the daemon
// is asked for anything.
func (c *claims) client() {
	refuse := func(rule, claim, name, body string, extraFiles []string, wantConfig, wantDeploy string) (string, string) {
		c.t.Helper()
		f := c.file(name+".yml", body)
		stack := c.stack(name)
		files := append([]string{f}, extraFiles...)
		args := []string{"stack", "config"}
		for _, x := range files {
			args = append(args, "-c", x)
		}
		cout, cerr := shErr(nil, "docker", args...)
		dargs := []string{"stack", "deploy", "--resolve-image", "never"}
		for _, x := range files {
			dargs = append(dargs, "-c", x)
		}
		dout, derr := shErr(nil, "docker", append(dargs, stack)...)
		made := stackObjects(stack)
		configOK := wantConfig == "" && cerr == nil || wantConfig != "" && cerr != nil && strings.Contains(cout, wantConfig)
		c.show(rule, claim, configOK && derr != nil && strings.Contains(dout, wantDeploy) && made == "nothing",
			"stack config: %s; deploy: %s; created: %s", orPass(cout, cerr, wantConfig), firstLine(dout, wantDeploy), made)
		return cout, dout
	}
	svc := "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n"

	refuse("SW101", `top-level name: is refused: "(root) Additional property name is not allowed"`, "name",
		"name: x\n"+svc, nil, "(root) Additional property name is not allowed", "(root) Additional property name is not allowed")
	refuse("SW101", `a non-string key at the top level: "top-level object must be a mapping"`, "topkey",
		svc+"1: x\n", nil, "top-level object must be a mapping", "top-level object must be a mapping")
	refuse("SW101", `a non-string key below it, x- included: "json: unsupported type: map[interface {}]interface {}"`, "xkey",
		svc+"x-ports:\n  6379: x\n", nil, "json: unsupported type: map[interface {}]interface {}", "json: unsupported type: map[interface {}]interface {}")
	refuse("SW101", "a key newer than the file's version (init in 3.6) is refused by the schema", "newer",
		strings.Replace(svc, "3.8", "3.6", 1)+"    init: true\n", nil, "Additional property init is not allowed", "Additional property init is not allowed")
	refuse("SW106", "cgroupns_mode in a file older than 3.9 is refused by the schema, not ignored", "cgroupns",
		svc+"    cgroupns_mode: private\n", nil, "Additional property cgroupns_mode is not allowed", "Additional property cgroupns_mode is not allowed")
	refuse("SW106", "oom_score_adj in a file older than 3.13 is refused by the schema, not ignored", "oomscore",
		strings.Replace(svc, "3.8", "3.12", 1)+"    oom_score_adj: 500\n", nil, "Additional property oom_score_adj is not allowed", "Additional property oom_score_adj is not allowed")
	refuse("SW102", `unquoted version 3.8: "version must be a string"`, "vnum",
		strings.Replace(svc, `"3.8"`, "3.8", 1), nil, "version must be a string", "version must be a string")
	refuse("SW102", `version "3.14" is refused`, "v314",
		strings.Replace(svc, "3.8", "3.14", 1), nil, "unsupported Compose file version: 3.14", "unsupported Compose file version: 3.14")
	other := c.file("v39.yml", "version: \"3.9\"\nservices:\n  b:\n    image: {base}\n")
	refuse("SW102", `-c A -c B with different versions: "version mismatched between two composefiles"`, "vmix",
		svc, []string{other}, "version mismatched between two composefiles", "version mismatched between two composefiles")
	cout, dout := refuse("SW104", `a forbidden key (mem_limit): deploy fails with "mem_limit: Set resource limits using deploy.resources", stack config with "Configuration contains forbidden properties"`,
		"forbidden", svc+"    mem_limit: 512m\n", nil, "Configuration contains forbidden properties", "mem_limit: Set resource limits using deploy.resources")
	c.show("SW104", `deploy's refusal begins "Compose file contains unsupported options:"; stack config's names no key`,
		strings.Contains(dout, "Compose file contains unsupported options:") && !strings.Contains(cout, "mem_limit"), "deploy: %q; stack config: %q", dout, cout)
	for _, tc := range []struct{ name, claim, body, want string }{
		{"cpus", "cpus must be a string", "    deploy: {resources: {limits: {cpus: 0.5}}}\n", "services.a.deploy.resources.limits.cpus must be a string"},
		{"memory", "memory must be a string", "    deploy: {resources: {limits: {memory: 512}}}\n", "services.a.deploy.resources.limits.memory must be a string"},
		{"shm", "shm_size as a number: the schema allows it, the loader does not", "    shm_size: 1000\n", "'shm_size' expected type 'string', got unconvertible type 'int'"},
		{"label", "a label value true must be quoted", "    labels: {x: true}\n", "services.a.labels.x must be a string, number or null"},
		{"published", "published must be a number", "    ports: [{target: 80, published: \"8080\"}]\n", "services.a.ports.0.published must be a integer"},
		{"section", "a volume spec with an empty section after an unset variable", "    volumes: [\"${SGC_UNSET_{sfx}}:/media/\"]\n", "empty section between colons"},
		{"units", "a memory size go-units cannot parse", "    deploy: {resources: {limits: {memory: 512X}}}\n", "invalid suffix: 'x'"},
		{"extdriver", "an external volume with driver", "    volumes: [\"vv:/data\"]\nvolumes:\n  vv:\n    external: true\n    driver: local\n", `conflicting parameters "external" and "driver" specified for volume "vv"`},
	} {
		refuse("SW105", tc.claim, "t"+tc.name, svc+tc.body, nil, tc.want, tc.want)
	}
	for _, tc := range []struct{ name, claim, body, want string }{
		{"shell", "a shell's $(...) not written $$ fails", "    entrypoint: [sh, -c, 'pw=\"$(cat /x)\"']\n", "invalid interpolation format for services.a.entrypoint.[]"},
		{"plus", "${VAR:+x} is not Docker's grammar", "    environment: {A: \"${SGC_X_{sfx}:+y}\"}\n", "invalid interpolation format for services.a.environment.A"},
		{"required", "an unset required variable fails", "    environment: {A: \"${SGC_X_{sfx}:?must be set}\"}\n", "required variable SGC_X_" + c.env.sfx + " is missing a value: must be set"},
		{"xext", "a $ in an x- extension is interpolated too", "x-script: \"$(date)\"\n", "invalid interpolation format for x-script"},
	} {
		body := svc + tc.body
		if strings.HasPrefix(tc.body, "x-") {
			body = strings.Replace(svc, "services:", tc.body+"services:", 1)
		}
		refuse("SW109", tc.claim, "i"+tc.name, body, nil, tc.want, tc.want)
	}
	refuse("SW111", `a service with only build: passes stack config; deploy refuses it on the client: "invalid image reference for service a: no image specified"`,
		"build", "version: \"3.8\"\nservices:\n  a:\n    build: .\n", nil, "", "invalid image reference for service a: no image specified")
	refuse("SW111", "an unset ${TAG} leaving redis: passes stack config; deploy refuses \"invalid reference format\"",
		"tag", "version: \"3.8\"\nservices:\n  a:\n    image: \"redis:${SGC_TAG_{sfx}}\"\n", nil, "", "invalid image reference for service a: invalid reference format")
	missing := filepath.Join(c.dir, "nope.env")
	refuse("SW112", "a missing env_file fails stack config and deploy: \"open F: no such file or directory\", F joined to the stack file's directory",
		"envfile", svc+"    env_file: nope.env\n", nil, "open "+missing+": no such file or directory", "open "+missing+": no such file or directory")

	// Relative to the stack file's directory with -c FILE, to the working directory with -c -.
	sub := c.file("sub/stack.yml", svc+"    env_file: app.env\n")
	c.file("sub/app.env", "A=1\n")
	run := func(dir string, stdin []byte, file string) error {
		cmd := exec.Command("docker", "stack", "config", "-c", file)
		cmd.Dir = dir
		if stdin != nil {
			cmd.Stdin = strings.NewReader(string(stdin))
		}
		return cmd.Run()
	}
	body, _ := os.ReadFile(sub)
	fromFile := run(c.dir, nil, sub)
	stdinHere := run(filepath.Dir(sub), body, "-")
	stdinElsewhere := run(c.dir, body, "-")
	c.show("SW112", "env_file is read relative to the stack file's directory; with -c - relative to the working directory",
		fromFile == nil && stdinHere == nil && stdinElsewhere != nil,
		"-c sub/stack.yml from its parent: %v; -c - in sub/: %v; -c - in the parent: %v", errOK(fromFile), errOK(stdinHere), errOK(stdinElsewhere))

	// SW103: this CLI deploys a file without version:.
	nov := c.stack("nover")
	out, err := c.deploy(nov, c.file("nover.yml", "services:\n  a:\n    image: {base}\n"))
	c.show("SW103", "a file without version: deploys with Docker CLI 23 and later", err == nil && exists("service", nov+"_a"),
		"CLI %s: %s", strings.TrimSpace(sh(c.t, nil, "docker", "version", "--format", "{{.Client.Version}}")), out)
	c.notShown("SW103", "CLIs before 23 reject a file without version:", "no CLI older than 23 on this machine")
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func errOK(err error) string {
	if err == nil {
		return "passes"
	}
	return "fails"
}

func orPass(out string, err error, want string) string {
	if err == nil {
		return "passes"
	}
	if want != "" {
		return firstLine(out, want)
	}
	return strings.TrimSpace(out)
}

// spec: what docker stack deploy ignores, and how it converts restart:.
func (c *claims) spec() {
	cgroupns := "private" // the other value than this engine's default, so that a trace would show
	if v := c.docker("info", "--format", "{{.CgroupVersion}}"); v == "2" {
		cgroupns = "host"
	}
	stack := c.stack("spec")
	f := c.file("spec.yml", `version: "3.13"
services:
  plain:
    image: {base}
  ignored:
    image: {base}
    build: .
    cgroupns_mode: `+cgroupns+`
    cgroup_parent: /sgcparent
    devices: ["/dev/null:/dev/sgcnull"]
    domainname: example.org
    external_links: [sgcnowhere]
    ipc: host
    links: [plain]
    mac_address: "02:42:ac:11:00:99"
    network_mode: host
    pid: host
    privileged: true
    security_opt: ["label:disable"]
    shm_size: 256m
    userns_mode: host
    container_name: sgcname
    expose: ["7777"]
    depends_on: [plain]
    tmpfs: /run
    oom_score_adj: 500
    restart: always
    deploy:
      restart_policy: {condition: none}
  onfailure3:
    image: {base}
    restart: on-failure:3
  onfailure:
    image: {base}
    restart: on-failure
  always:
    image: {base}
    restart: always
  unlessstopped:
    image: {base}
    restart: unless-stopped
  norestart:
    image: {base}
    restart: "no"
    command: [/bin/busybox, "true"]
  pw:
    image: {base}
    entrypoint: [/bin/sh, -c, 'trap "exit 0" TERM; while :; do sleep 1; done', sh]
    command: [--requirepass, sgc-literal-password]
    environment:
      REDIS_PASSWORD: sgc-literal-password
      NESTED: "${SGC_A_{sfx}:-${SGC_B_{sfx}}}"
    healthcheck:
      test: [CMD-SHELL, "redis-cli -a sgc-literal-password ping >/dev/null 2>&1; exit 0"]
`)
	out := c.mustDeploy(stack, f)

	// The warning: which keys it names, and which it does not.
	var named []string
	if m := regexp.MustCompile(`Ignoring unsupported options: (.*)`).FindStringSubmatch(out); m != nil {
		named = strings.Split(strings.TrimSpace(m[1]), ", ")
	}
	want := []string{"build", "cgroup_parent", "cgroupns_mode", "devices", "domainname", "external_links", "ipc", "links",
		"mac_address", "network_mode", "pid", "privileged", "restart", "security_opt", "shm_size", "userns_mode"}
	sort.Strings(named)
	c.show("SW106", "docker stack deploy warns \"Ignoring unsupported options:\" naming build, cgroupns_mode, cgroup_parent, devices, domainname, external_links, ipc, links, mac_address, network_mode, pid, privileged, security_opt, shm_size, userns_mode (and restart)",
		slices.Equal(named, want), "Ignoring unsupported options: %s", strings.Join(named, ", "))
	c.show("SW106", "and \"Ignoring deprecated options\" for container_name and expose",
		strings.Contains(out, "Ignoring deprecated options:") && strings.Contains(out, "container_name: Setting the container name is not supported.") &&
			strings.Contains(out, "expose: Exposing ports is unnecessary"), "%s", firstLine(out, "container_name"))
	silent := !strings.Contains(out, "depends_on") && !strings.Contains(out, "tmpfs") && !strings.Contains(out, "oom_score_adj")
	c.show("SW106", "depends_on, tmpfs and oom_score_adj are dropped without a word", silent, "deploy output names none of them: %v", silent)

	// No trace in the service spec or the container: the same as a service without those keys.
	type svcSpec struct {
		Spec struct {
			TaskTemplate struct {
				ContainerSpec map[string]any
				RestartPolicy map[string]any
			}
		}
	}
	spec := func(name string) svcSpec {
		var s svcSpec
		c.inspect(&s, "service", "inspect", stack+"_"+name)
		return s
	}
	plainSpec, ignoredSpec := spec("plain"), spec("ignored")
	ps, _ := json.Marshal(plainSpec.Spec.TaskTemplate.ContainerSpec)
	is, _ := json.Marshal(ignoredSpec.Spec.TaskTemplate.ContainerSpec)
	c.show("SW106", "the ignored keys leave no trace in the service spec", string(ps) == string(is),
		"ContainerSpec of the service with all of them equals the plain service's: %s", is)
	type ctr struct {
		Name       string
		HostConfig map[string]any
		Config     struct {
			Domainname   string
			ExposedPorts map[string]any
		}
		NetworkSettings struct {
			Networks map[string]struct{ MacAddress string }
		}
		Mounts []struct{ Type, Destination string }
	}
	var plainC, ignC ctr
	plainID, ignID := c.running(stack+"_plain"), c.running(stack+"_ignored")
	c.inspect(&plainC, "inspect", plainID)
	c.inspect(&ignC, "inspect", ignID)
	ph, _ := json.Marshal(plainC.HostConfig)
	ih, _ := json.Marshal(ignC.HostConfig)
	var macs []string
	for _, n := range ignC.NetworkSettings.Networks {
		macs = append(macs, n.MacAddress)
	}
	c.show("SW106", "nor in the container: privileged false, no host pid/ipc/network/userns, no devices, links, security_opt, shm_size, cgroup settings, oom_score_adj or tmpfs",
		string(ph) == string(ih) && ignC.HostConfig["Privileged"] == false && len(ignC.Mounts) == 0,
		"HostConfig equals the plain service's container's: %v; Privileged %v, PidMode %q, IpcMode %q, NetworkMode %q, UsernsMode %q, ShmSize %s, CgroupParent %q, CgroupnsMode %q, OomScoreAdj %s, Devices %v, Links %v, SecurityOpt %v, Tmpfs %v, mounts %d",
		string(ph) == string(ih), ignC.HostConfig["Privileged"], ignC.HostConfig["PidMode"], ignC.HostConfig["IpcMode"], ignC.HostConfig["NetworkMode"],
		ignC.HostConfig["UsernsMode"], asJSON(ignC.HostConfig["ShmSize"]), ignC.HostConfig["CgroupParent"], ignC.HostConfig["CgroupnsMode"], asJSON(ignC.HostConfig["OomScoreAdj"]),
		ignC.HostConfig["Devices"], ignC.HostConfig["Links"], ignC.HostConfig["SecurityOpt"], ignC.HostConfig["Tmpfs"], len(ignC.Mounts))
	c.show("SW106", "container_name, domainname, expose and mac_address are not applied",
		!strings.Contains(ignC.Name, "sgcname") && ignC.Config.Domainname == "" && len(ignC.Config.ExposedPorts) == 0 && !slices.Contains(macs, "02:42:ac:11:00:99"),
		"name %s, Domainname %q, ExposedPorts %v, MAC %v", ignC.Name, ignC.Config.Domainname, ignC.Config.ExposedPorts, macs)
	hostNet, hostPID := hostNS("net"), hostNS("pid")
	ctrNet := c.docker("exec", ignID, "/bin/busybox", "readlink", "/proc/self/ns/net")
	ctrPID := c.docker("exec", ignID, "/bin/busybox", "readlink", "/proc/self/ns/pid")
	c.show("GN404", "privileged, pid: host and network_mode: host grant nothing under docker stack deploy (SW106)",
		ignC.HostConfig["Privileged"] == false && ctrNet != hostNet && ctrPID != hostPID,
		"Privileged %v; container's %s and %s, the host's %s and %s", ignC.HostConfig["Privileged"], ctrNet, ctrPID, hostNet, hostPID)
	c.show("SW106", "restart: with deploy.restart_policy is ignored", ignoredSpec.Spec.TaskTemplate.RestartPolicy["Condition"] == "none",
		"restart: always beside restart_policy condition none: RestartPolicy %s", asJSON(ignoredSpec.Spec.TaskTemplate.RestartPolicy))

	// restart: without deploy.restart_policy is converted (convertRestartPolicy).
	rp := func(name string) string {
		p := spec(name).Spec.TaskTemplate.RestartPolicy
		b, _ := json.Marshal(map[string]any{"Condition": p["Condition"], "MaxAttempts": p["MaxAttempts"], "Window": p["Window"]})
		return string(b)
	}
	for _, tc := range []struct{ rule, svc, restart, want string }{
		{"GN403", "always", "always", `{"Condition":"any","MaxAttempts":0,"Window":null}`},
		{"GN403", "unlessstopped", "unless-stopped", `{"Condition":"any","MaxAttempts":0,"Window":null}`},
		{"GN403", "onfailure", "on-failure", `{"Condition":"on-failure","MaxAttempts":0,"Window":null}`},
		{"GN403", "norestart", `"no"`, `{"Condition":"any","MaxAttempts":0,"Window":null}`},
		{"SW113", "onfailure3", "on-failure:3", `{"Condition":"on-failure","MaxAttempts":3,"Window":null}`},
	} {
		got := rp(tc.svc)
		claim := fmt.Sprintf("restart: %s without deploy.restart_policy becomes %s", tc.restart, tc.want)
		if tc.svc == "norestart" {
			claim = "restart: \"no\" becomes no policy, so Swarm's default: condition any, no attempt limit, no window"
		}
		c.show(tc.rule, claim, got == tc.want, "RestartPolicy %s", got)
	}
	ok := waitFor(30*time.Second, func() bool { return countState(c.tasks(stack+"_norestart"), "Complete") >= 2 })
	c.show("GN403", "restart: \"no\": a task that exits with status 0 is restarted", ok, "tasks of a service running true: %s", summary(c.tasks(stack+"_norestart")))

	// RD308: a literal password in the file is in docker service inspect.
	var pw struct {
		Spec struct {
			TaskTemplate struct {
				ContainerSpec struct {
					Args, Env   []string
					Healthcheck struct{ Test []string }
				}
			}
		}
	}
	c.inspect(&pw, "service", "inspect", stack+"_pw")
	cs := pw.Spec.TaskTemplate.ContainerSpec
	c.show("RD308", "a password in command, environment or healthcheck is readable with docker service inspect",
		slices.Contains(cs.Args, "sgc-literal-password") && slices.Contains(cs.Env, "REDIS_PASSWORD=sgc-literal-password") &&
			strings.Contains(strings.Join(cs.Healthcheck.Test, " "), "-a sgc-literal-password"),
		"Args %q, Env %q, Healthcheck %q", cs.Args, cs.Env, cs.Healthcheck.Test)
	c.show("SW109", "a default is not itself interpolated: ${A:-${B}} leaves the text ${B}",
		slices.Contains(cs.Env, "NESTED=${SGC_B_"+c.env.sfx+"}"), "Env %q", cs.Env)
}

// hostNS is the node's namespace link (net:[N]) as dockerd sees it, or this process's when the
// daemon's pid file cannot be read.
func hostNS(kind string) string {
	pid := "self"
	if b, err := os.ReadFile("/var/run/docker.pid"); err == nil {
		pid = strings.TrimSpace(string(b))
	}
	l, err := os.Readlink("/proc/" + pid + "/ns/" + kind)
	if err != nil {
		l, _ = os.Readlink("/proc/self/ns/" + kind)
	}
	return l
}

// undefined: SW107, a reference to an undeclared object fails the deploy after the stack's own
// networks, secrets and configs were created.
func (c *claims) undefined() {
	c.file("s.txt", "secret\n")
	for _, tc := range []struct{ name, refs, want string }{
		{"net", "    networks: [own, undeclared]\n    secrets: [s1]\n    configs: [c1]\n", `service a: undefined network "undeclared"`},
		{"host", "    networks: [host]\n    secrets: [s1]\n    configs: [c1]\n", `service a: undefined network "host"`},
		{"ingress", "    networks: [ingress]\n    secrets: [s1]\n    configs: [c1]\n", `service a: undefined network "ingress"`},
		{"secret", "    networks: [own]\n    secrets: [s1, nosuch]\n    configs: [c1]\n", `service a: undefined secret "nosuch"`},
		{"volume", "    networks: [own]\n    secrets: [s1]\n    configs: [c1]\n    volumes: [novol:/data]\n", `service a: undefined volume "novol"`},
		{"config", "    networks: [own]\n    secrets: [s1]\n    configs: [c1, nosuch]\n", `service a: undefined config "nosuch"`},
	} {
		stack := c.stack("u" + tc.name)
		body := "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n" + tc.refs +
			"networks:\n  own: {}\nsecrets:\n  s1: {file: ./s.txt}\nconfigs:\n  c1: {file: ./s.txt}\n"
		f := c.file("u"+tc.name+".yml", body)
		_, cerr := c.config(f)
		out, err := c.deploy(stack, f)
		made := stackObjects(stack)
		nets := map[string]string{}
		if o, _ := shErr(nil, "docker", "network", "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}} {{.Driver}}/{{.Scope}}"); o != "" {
			for _, line := range strings.Split(strings.TrimSpace(o), "\n") {
				if f := strings.Fields(line); len(f) == 2 {
					nets[strings.TrimPrefix(f[0], stack+"_")] = f[1]
				}
			}
		}
		created := exists("secret", stack+"_s1") && exists("config", stack+"_c1") && !strings.Contains(made, "services")
		switch tc.name {
		case "net":
			created = created && nets["own"] == "overlay/swarm" && nets["undeclared"] == "overlay/swarm"
		case "host", "ingress":
			created = created && nets[tc.name] == "overlay/swarm"
		default:
			created = created && nets["own"] == "overlay/swarm"
		}
		claim := fmt.Sprintf("an undeclared %s passes stack config; deploy fails %q after creating the stack's networks, secrets and configs", tc.name, tc.want)
		switch tc.name {
		case "net":
			claim = fmt.Sprintf("an undeclared network passes stack config; deploy creates the stack's networks (an overlay STACK_undeclared among them), secrets and configs, then fails %q; no service", tc.want)
		case "host", "ingress":
			claim = fmt.Sprintf("an undeclared networks: [%s] is an overlay STACK_%s and the same failure, not the node's %s network", tc.name, tc.name, tc.name)
		}
		c.show("SW107", claim, cerr == nil && err != nil && strings.Contains(out, tc.want) && created,
			"stack config %s; deploy: %s; afterwards: %s (networks %v)", errOK(cerr), firstLine(out, "undefined"), made, nets)
		if tc.name == "host" {
			c.show("GN404", "an undeclared networks: [host] does not join the host's network: deploy creates an overlay STACK_host and fails (SW107)",
				err != nil && nets["host"] == "overlay/swarm", "%s; %s_host is %s", firstLine(out, "undefined"), stack, nets["host"])
		}
	}

	// SW117: a restart: convert cannot read fails the same way, after the stack's objects.
	for _, tc := range []struct{ name, restart, want string }{
		{"rsometimes", "sometimes", "service a: unknown restart policy: sometimes"},
		{"rcapital", "Always", "service a: unknown restart policy: Always"},
		{"rcount", "on-failure:x", "service a: invalid restart policy format: maximum retry count must be an integer"},
	} {
		stack := c.stack(tc.name)
		f := c.file(tc.name+".yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    restart: "+tc.restart+"\n    secrets: [s1]\n"+
			"secrets:\n  s1: {file: ./s.txt}\n")
		_, cerr := c.config(f)
		out, err := c.deploy(stack, f)
		made := stackObjects(stack)
		created := exists("secret", stack+"_s1") && exists("network", stack+"_default") && !strings.Contains(made, "services")
		c.show("SW117", fmt.Sprintf("restart: %s passes stack config; deploy fails %q after creating the stack's network and secret; no service", tc.restart, tc.want),
			cerr == nil && err != nil && strings.Contains(out, tc.want) && created,
			"stack config %s; deploy: %s; afterwards: %s", errOK(cerr), firstLine(out, "restart policy"), made)
	}
}

// names: SW108, names the daemon or the node refuses.
func (c *claims) names() {
	c.file("s.txt", "secret\n")
	stack := c.stack("nsvc")
	out, err := c.deploy(stack, c.file("nsvc.yml", `version: "3.8"
services:
  web.api:
    image: {base}
    networks: [own]
    secrets: [s1]
networks:
  own: {}
secrets:
  s1: {file: ./s.txt}
`))
	made := stackObjects(stack)
	c.show("SW108", "a service web.api (STACK_web.api) is refused by the daemon: \"name must be valid as a DNS name component\"; the stack's networks and secrets stay",
		err != nil && strings.Contains(out, "name must be valid as a DNS name component") && exists("network", stack+"_own") && exists("secret", stack+"_s1"),
		"%s; afterwards: %s", firstLine(out, "failed"), made)

	tail := c.stack("ntail")
	out, err = c.deploy(tail, c.file("ntail.yml", "version: \"3.8\"\nservices:\n  tail-:\n    image: {base}\n"))
	c.show("SW108", "a service tail- (STACK_tail-) is refused: '-' only between letters and digits", err != nil && strings.Contains(out, "name must be valid as a DNS name component"),
		"%s", firstLine(out, "failed"))

	long := c.stack("nlong")
	name := strings.Repeat("a", 64-len(long)) // STACK_ + name: 65 characters
	out, err = c.deploy(long, c.file("nlong.yml", "version: \"3.8\"\nservices:\n  "+name+":\n    image: {base}\n"))
	c.show("SW108", "a service whose STACK_SERVICE is over 63 characters is refused", err != nil && strings.Contains(out, "name must be 63 characters or fewer"),
		"%d characters: %s", len(long)+1+len(name), firstLine(out, "failed"))

	bad := c.stack("nsecret")
	secretName := "sgc" + c.env.sfx + " bad"
	out, err = c.deploy(bad, c.file("nsecret.yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    secrets: [s]\nsecrets:\n  s:\n    name: \""+secretName+"\"\n    file: ./s.txt\n"))
	c.show("SW108", "a secret name with a space is refused by the daemon", err != nil && strings.Contains(out, "only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]") && !exists("secret", secretName),
		"%s", firstLine(out, "failed"))

	dotted := c.stack("nnet")
	out, err = c.deploy(dotted, c.file("nnet.yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    networks: [n]\nnetworks:\n  n:\n    name: sgc"+c.env.sfx+".net\n"))
	c.show("SW108", "an overlay network name with '.' is refused (a DNS name component)", err != nil && strings.Contains(out, "name must be valid as a DNS name component"),
		"%s", firstLine(out, "failed"))
	if err == nil {
		_, _ = shErr(nil, "docker", "network", "rm", "sgc"+c.env.sfx+".net")
	}

	vol := c.stack("nvol")
	volName := "_sgc" + c.env.sfx + "v"
	out, err = c.deploy(vol, c.file("nvol.yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    volumes: [audit:/data]\nvolumes:\n  audit:\n    name: "+volName+"\n"))
	if err != nil {
		c.show("SW108", "a volume named "+volName+" passes docker stack deploy", false, "%s", out)
		return
	}
	svc := vol + "_a"
	ok := waitFor(30*time.Second, func() bool { return countState(c.tasks(svc), "Rejected") >= 2 })
	ts := c.tasks(svc)
	c.show("SW108", "a volume named _auditv passes deploy; every task that mounts it is rejected (\"includes invalid characters for a local volume name\") and the service stays 0/1",
		ok && countState(ts, "Running") == 0 && strings.Contains(rejectedErr(ts), "includes invalid characters for a local volume name") && c.replicas(svc) == "0/1",
		"deploy passed; %s; replicas %s", summary(ts), c.replicas(svc))
}

// multidoc: SW110, only the first YAML document is deployed.
func (c *claims) multidoc() {
	stack := c.stack("multi")
	out := c.mustDeploy(stack, c.file("multi.yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n---\nversion: \"3.8\"\nservices:\n  b:\n    image: {base}\n"))
	c.show("SW110", "only the first document is deployed; what follows --- is dropped without a word",
		exists("service", stack+"_a") && !exists("service", stack+"_b") && !strings.Contains(out, "document"),
		"services: %s; deploy said: %s", strings.Join(strings.Fields(c.docker("service", "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}}")), ","), out)
}

// constraints: SW114 (what the daemon refuses, what never matches) and PL206 (how Swarm compares).
func (c *claims) constraints() {
	for _, tc := range []struct{ name, constraint, want string }{
		{"op", "node.role = worker", "constraint expected one operator from ==, !="},
		{"key", "a@b == x", "key 'a@b' is invalid"},
		{"short", "x == y", "key 'x' is invalid"},
		{"value", "node.labels.x == a@b", "value 'a@b' is invalid"},
		{"comma", "node.labels.x == a,b", "value 'a,b' is invalid"},
	} {
		stack := c.stack("c" + tc.name)
		f := c.file("c"+tc.name+".yml", fmt.Sprintf("version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    deploy:\n      placement:\n        constraints: [%q]\n", tc.constraint))
		_, cerr := c.config(f)
		out, err := c.deploy(stack, f)
		c.show("SW114", fmt.Sprintf("%q passes stack config; the daemon refuses it: %q", tc.constraint, tc.want),
			cerr == nil && err != nil && strings.Contains(out, tc.want) && !exists("service", stack+"_a"), "%s", firstLine(out, "failed"))
	}
	label := "sgc" + c.env.sfx + "_Redis"
	hostname := c.docker("node", "inspect", c.env.node, "--format", "{{.Description.Hostname}}")
	c.docker("node", "update", "--label-add", label+"=true", c.env.node)
	c.t.Cleanup(func() { _, _ = shErr(nil, "docker", "node", "update", "--label-rm", label, c.env.node) })
	stack := c.stack("cmatch")
	svc := func(name, constraint string) string {
		return fmt.Sprintf("  %s:\n    image: {base}\n    deploy:\n      placement:\n        constraints: [%q]\n", name, constraint)
	}
	c.mustDeploy(stack, c.file("cmatch.yml", "version: \"3.8\"\nservices:\n"+
		svc("unknowneq", "node.label.redis == true")+
		svc("unknownne", "node.label.redis != true")+
		svc("caseattr", "NODE.LABELS."+label+"==TRUE")+
		svc("casehost", "node.hostname == "+strings.ToUpper(hostname))+
		svc("caselabel", "node.labels."+strings.ToUpper(label)+" == true")))
	state := func(name string) (string, string) {
		var ts []claimTask
		waitFor(60*time.Second, func() bool {
			ts = c.tasks(stack + "_" + name)
			return len(ts) > 0 && (ts[0].state == "Running" || ts[0].state == "Pending" && ts[0].err != "")
		})
		if len(ts) == 0 {
			return "", ""
		}
		return ts[0].state, ts[0].err
	}
	for _, name := range []string{"unknowneq", "unknownne"} {
		st, e := state(name)
		c.show("SW114", fmt.Sprintf("an unknown key (node.label.redis, %s) parses but matches no node: the task stays pending", map[string]string{"unknowneq": "==", "unknownne": "!="}[name]),
			st == "Pending" && strings.Contains(e, "scheduling constraints not satisfied"), "%s %q", st, e)
	}
	st, e := state("caseattr")
	c.show("PL206", "the attribute part of the key and the value are case-insensitive; spaces around the operator do not matter",
		st == "Running", "NODE.LABELS.%s==TRUE on a node labelled %s=true: %s %s", label, label, st, e)
	st, e = state("casehost")
	c.show("PL206", "node.hostname's value is compared case-insensitively", st == "Running", "node.hostname == %s on node %s: %s %s", strings.ToUpper(hostname), hostname, st, e)
	st, e = state("caselabel")
	c.show("PL206", "a label's name is case-sensitive", st == "Pending" && strings.Contains(e, "scheduling constraints not satisfied"),
		"node.labels.%s == true on a node labelled %s: %s %q", strings.ToUpper(label), label, st, e)
}

// drivers: SW115, a network with a local driver fails the deploy and stays behind.
func (c *claims) drivers() {
	for _, driver := range []string{"bridge", "macvlan", "ipvlan"} {
		stack := c.stack("d" + driver)
		out, err := c.deploy(stack, c.file("d"+driver+".yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    networks: [app]\nnetworks:\n  app:\n    driver: "+driver+"\n  unused:\n    driver: "+driver+"\n"))
		netInfo, _ := shErr(nil, "docker", "network", "inspect", stack+"_app", "--format", "{{.Driver}}/{{.Scope}}")
		netInfo = strings.TrimSpace(netInfo)
		want := "The network " + stack + "_app cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver."
		if driver != "bridge" && strings.Contains(out, "failed to create network") {
			c.notShown("SW115", driver+" networks fail the deploy the same way",
				fmt.Sprintf("this kernel has no %s: the engine cannot create the network (%s), so the deploy fails before any service", driver, firstLine(out, "failed")))
			continue
		}
		c.show("SW115", fmt.Sprintf("a %s network: deploy creates it (local scope), then fails %q, and the network stays; an unused one is never created", driver, "The network STACK_x cannot be used with services..."),
			err != nil && strings.Contains(out, want) && netInfo == driver+"/local" && !exists("network", stack+"_unused"),
			"%s; afterwards %s_app is %s, %s_unused exists: %v", firstLine(out, "cannot be used"), stack, netInfo, stack, exists("network", stack+"_unused"))
	}
}

// drive: SW116, a one-letter volume source is a Windows drive to docker.
func (c *claims) drive() {
	stack := c.stack("drive")
	c.mustDeploy(stack, c.file("drive.yml", "version: \"3.8\"\nservices:\n  v:\n    image: {base}\n    volumes: [\"v:/data\"]\n  w:\n    image: {base}\n    volumes: [\"w:/data:ro\"]\nvolumes:\n  v: {}\n"))
	for _, tc := range []struct{ svc, mount, refusal, claim string }{
		{"v", `[{"Type":"volume","Target":"v:/data"}]`, "invalid mount target, must be an absolute path: v:/data",
			"v:/data is an anonymous volume at the target v:/data; deploy takes it, every task is rejected, 0/1, and no volume v is made"},
		{"w", `[{"Type":"bind","Source":"w:/data","Target":"ro"}]`, "invalid mount target, must be an absolute path: ro",
			"w:/data:ro is a bind mount of w:/data at ro; every task is rejected"},
	} {
		svc := stack + "_" + tc.svc
		mounts := c.docker("service", "inspect", svc, "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Mounts}}")
		ok := waitFor(30*time.Second, func() bool { return countState(c.tasks(svc), "Rejected") >= 2 })
		ts := c.tasks(svc)
		c.show("SW116", tc.claim, ok && mounts == tc.mount && countState(ts, "Running") == 0 && rejectedErr(ts) == tc.refusal && c.replicas(svc) == "0/1" && !exists("volume", stack+"_v"),
			"mounts %s; %s; replicas %s; volume %s_v exists: %v", mounts, summary(ts), c.replicas(svc), stack, exists("volume", stack+"_v"))
	}
}

// image: GN401, what --resolve-image does with a tag when no registry knows it.
func (c *claims) image() {
	stack := c.stack("img")
	f := c.file("img.yml", "version: \"3.8\"\nservices:\n  app:\n    image: {base}\n")
	c.mustDeploy(stack, f)
	got := c.docker("service", "inspect", stack+"_app", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}")
	c.show("GN401", "with --resolve-image never the tag is deployed as written (each node resolves it on its own)", got == c.env.base, "ContainerSpec.Image %q", got)

	always := c.stack("imga")
	created, err := c.deploy(always, f, "--resolve-image", "always")
	if err != nil {
		c.t.Fatalf("deploy: %v\n%s", err, created)
	}
	updated, err := c.deploy(always, f, "--resolve-image", "always")
	if err != nil {
		c.t.Fatalf("deploy: %v\n%s", err, updated)
	}
	got = c.docker("service", "inspect", always+"_app", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}")
	warning := "image " + c.env.base + " could not be accessed on a registry to record"
	c.show("GN401", "when the digest cannot be resolved, the tag is deployed as is; docker warns \"could not be accessed on a registry to record its digest\" on an update, and says nothing when it creates the service",
		got == c.env.base && !strings.Contains(created, "could not be accessed") && strings.Contains(strings.Join(strings.Fields(updated), " "), warning),
		"ContainerSpec.Image %q; creating: %q; updating: %q", got, created, firstLine(strings.Join(strings.Fields(updated), " "), "could not"))
}

// digests: GN401 with a registry on loopback: a tag is pinned to a digest at each deploy.
func (c *claims) digests() {
	reg, err := exec.LookPath("docker-registry")
	if err != nil {
		for _, claim := range []string{"docker stack deploy pins the tag to a digest", "a redeploy that changed something else moves latest to a new build", "a rollback restores the previous digest"} {
			c.notShown("GN401", claim, "no registry: docker-registry is not on PATH (make deps installs it)")
		}
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := c.file("registry.yml", fmt.Sprintf("version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: %s\n", filepath.Join(c.dir, "registry"), addr))
	cmd := exec.Command(reg, "serve", cfg)
	logf, _ := os.Create(filepath.Join(c.dir, "registry.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); logf.Close() })
	if !waitFor(10*time.Second, func() bool {
		r, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			r.Body.Close()
		}
		return err == nil
	}) {
		c.t.Fatalf("docker-registry did not answer on %s", addr)
	}
	repo := addr + "/stackgen-claims/app"
	rootfs := imageTar(c.t)
	var digests []string
	c.t.Cleanup(func() { // after the stack is gone (cleanups run last registered first)
		refs := []string{repo + ":latest"}
		for _, d := range digests {
			refs = append(refs, repo+"@"+d)
		}
		_, _ = shErr(nil, "docker", append([]string{"image", "rm", "-f"}, refs...)...)
	})
	push := func(build string) string {
		importImageAs(c.t, nil, rootfs, repo+":latest", `CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]`, "ENV PATH=/usr/bin:/bin", "ENV BUILD="+build)
		out := c.docker("push", repo+":latest")
		m := regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`).FindStringSubmatch(out)
		if m == nil {
			c.t.Fatalf("docker push: no digest in\n%s", out)
		}
		digests = append(digests, m[1])
		return m[1]
	}
	d1 := push("1")
	stack := c.stack("dig")
	svc := stack + "_app"
	body := "version: \"3.8\"\nservices:\n  app:\n    image: " + repo + "\n    environment: {CHANGE: \"%s\"}\n"
	image := func() string {
		return c.docker("service", "inspect", svc, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}")
	}
	c.mustDeploy(stack, c.file("dig1.yml", fmt.Sprintf(body, "1")), "--resolve-image", "always")
	first := image()
	c.show("GN401", "docker stack deploy (--resolve-image always, the default) pins the tag to its digest in the service spec",
		first == repo+":latest@"+d1, "image: %s (no tag) → ContainerSpec.Image %s", repo, first)
	d2 := push("2")
	out := c.mustDeploy(stack, c.file("dig2.yml", fmt.Sprintf(body, "2")), "--resolve-image", "always")
	second := image()
	c.show("GN401", "a redeploy that changed something else silently moves latest to the new build",
		second == repo+":latest@"+d2 && d2 != d1 && !strings.Contains(out, "sha256"), "after a new push and an environment change: %s; deploy said %q", second, out)
	c.docker("service", "rollback", "--detach", svc)
	rolled := image()
	c.show("GN401", "a rollback restores the previous digest", rolled == first, "docker service rollback: %s", rolled)
	c.mustDeploy(stack, c.file("dig2.yml", fmt.Sprintf(body, "1")), "--resolve-image", "never")
	kept := image()
	c.show("GN401", "--resolve-image never on an existing service with the same image keeps the digest pinned before", kept == rolled,
		"ContainerSpec.Image %s", kept)
}

// health: GN402, the image's HEALTHCHECK counts when the file has none; disable turns it off.
func (c *claims) health() {
	stack := c.stack("health")
	c.mustDeploy(stack, c.file("health.yml", `version: "3.8"
services:
  image:
    image: {unhealthy}
  disabled:
    image: {unhealthy}
    healthcheck: {disable: true}
  none:
    image: {unhealthy}
    healthcheck: {test: [NONE]}
`))
	svc := stack + "_image"
	ok := waitFor(90*time.Second, func() bool {
		return slices.ContainsFunc(c.tasks(svc), func(x claimTask) bool { return strings.Contains(x.err, "unhealthy container") })
	})
	c.show("GN402", "a service with no healthcheck in the file runs its image's HEALTHCHECK: the task fails \"unhealthy container\"", ok,
		"image HEALTHCHECK exit 1, none in the file: %s", summary(c.tasks(svc)))
	for _, name := range []string{"disabled", "none"} {
		var ctr struct {
			Config struct{ Healthcheck struct{ Test []string } }
			State  struct{ Health any }
		}
		s := stack + "_" + name
		c.inspect(&ctr, "inspect", c.running(s))
		ts := c.tasks(s)
		c.show("GN402", map[string]string{"disabled": "healthcheck: disable: true turns the image's off", "none": "healthcheck: test: [NONE] turns the image's off"}[name],
			slices.Equal(ctr.Config.Healthcheck.Test, []string{"NONE"}) && ctr.State.Health == nil && len(ts) == 1 && ts[0].state == "Running",
			"container Healthcheck.Test %q, Health %v; tasks: %s (while the image's check failed the other's)", ctr.Config.Healthcheck.Test, ctr.State.Health, summary(ts))
	}
}

// host: GN404, an external network named host is the node's network namespace; the socket is the
// daemon's.
func (c *claims) host() {
	stack := c.stack("host")
	c.mustDeploy(stack, c.file("host.yml", `version: "3.8"
services:
  key:
    image: {base}
    networks: [host]
  named:
    image: {base}
    networks: [hostnet]
  old:
    image: {base}
    networks: [hostold]
  sock:
    image: {base}
    volumes: [/var/run/docker.sock:/var/run/docker.sock]
networks:
  host:
    external: true
  hostnet:
    external: true
    name: host
  hostold:
    external:
      name: host
`))
	hostNet := hostNS("net")
	for _, tc := range []struct{ svc, how string }{
		{"key", "networks: {host: {external: true}}"},
		{"named", "a key with external: true and name: host"},
		{"old", "external: {name: host}"},
	} {
		ns := c.docker("exec", c.running(stack+"_"+tc.svc), "/bin/busybox", "readlink", "/proc/self/ns/net")
		c.show("GN404", "a service on an external network named host shares the node's network namespace: "+tc.how, ns == hostNet,
			"container %s, dockerd %s", ns, hostNet)
	}
	var ino string
	if fi, err := os.Stat("/var/run/docker.sock"); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			ino = strconv.FormatUint(st.Ino, 10)
		}
	}
	inside := c.docker("exec", c.running(stack+"_sock"), "/bin/busybox", "stat", "-c", "%i %F", "/var/run/docker.sock")
	c.show("GN404", "a bind-mounted /var/run/docker.sock is the node's daemon socket inside the container",
		ino != "" && inside == ino+" socket", "inside: inode and type %q; the host's socket: inode %s", inside, ino)
	c.notShown("GN404", "the socket hands the container root on its node", "not exercised: the test image has no Docker client; the socket shown is the daemon's own")
}

// net: PL201 (published ports) and PL204 (attachable networks).
func (c *claims) net() {
	free := func() int {
		l, err := net.Listen("tcp", ":0")
		if err != nil {
			c.t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	ingress, hostPort := free(), free()
	stack := c.stack("net")
	out := c.mustDeploy(stack, c.file("net.yml", fmt.Sprintf(`version: "3.8"
services:
  srv:
    image: {base}
    command: [/bin/busybox, httpd, -f, -p, "8080", -h, /etc]
    networks: [att, plain]
    ports: ["127.0.0.1:%d:8080"]
  hostmode:
    image: {base}
    ports:
      - {target: 8080, published: %d, mode: host}
  client:
    image: {base}
    networks: [plain]
networks:
  att:
    attachable: true
  plain: {}
`, ingress, hostPort)))
	var svc struct {
		Endpoint struct {
			Ports []struct {
				TargetPort, PublishedPort int
				PublishMode               string
			}
		}
	}
	waitFor(30*time.Second, func() bool { // the endpoint is filled in once the ports are allocated
		c.inspect(&svc, "service", "inspect", stack+"_srv")
		return len(svc.Endpoint.Ports) > 0
	})
	raw := c.docker("service", "inspect", stack+"_srv")
	p := svc.Endpoint.Ports
	warn := fmt.Sprintf("ignoring IP-address (127.0.0.1:%d:8080/tcp) service will listen on '0.0.0.0'", ingress)
	c.show("PL201", "a published port with a host IP is published on the ingress, the IP ignored",
		len(p) == 1 && p[0].PublishMode == "ingress" && p[0].PublishedPort == ingress && !strings.Contains(raw, "127.0.0.1") && strings.Contains(out, warn),
		"deploy warned %q; Endpoint.Ports %+v; 127.0.0.1 in docker service inspect: %v", firstLine(out, "ignoring IP"), p, strings.Contains(raw, "127.0.0.1"))
	c.show("SW106", "a host IP on a port is dropped", !strings.Contains(raw, "127.0.0.1"), "no 127.0.0.1 in docker service inspect; deploy: %q", firstLine(out, "ignoring IP"))
	var hc struct {
		HostConfig struct {
			PortBindings map[string][]struct{ HostIp, HostPort string }
		}
	}
	c.inspect(&hc, "inspect", c.running(stack+"_hostmode"))
	b := hc.HostConfig.PortBindings["8080/tcp"]
	c.show("PL201", "host-mode publishing binds the port on the node running the task, on all its addresses",
		len(b) == 1 && b[0].HostIp == "" && b[0].HostPort == strconv.Itoa(hostPort), "container PortBindings %+v", b)
	c.notShown("PL201", "the ingress answers on every node's published port", "no IPVS in this kernel (/proc/net/ip_vs absent): the ingress routing mesh does not answer on any node here")

	// Services on one overlay network reach each other without ports: tasks.<service>, since the VIP
	// needs IPVS.
	c.running(stack + "_srv")
	// busybox's static wget crashes on this machine; nc speaks HTTP well enough.
	get := `printf 'GET /passwd HTTP/1.0\r\n\r\n' | /bin/busybox nc tasks.srv 8080`
	var got string
	ok := waitFor(30*time.Second, func() bool {
		got, _ = shErr(nil, "docker", "exec", c.running(stack+"_client"), "/bin/sh", "-c", get)
		return strings.Contains(got, "root:")
	})
	c.show("PL201", "services on the same overlay network reach each other without ports", ok, "GET http://tasks.srv:8080/passwd from another service: %q", firstLine(got, "root"))

	var att string
	ok = waitFor(30*time.Second, func() bool {
		att, _ = shErr(nil, "docker", "run", "--rm", "--network", stack+"_att", c.env.base, "/bin/sh", "-c", get)
		return strings.Contains(att, "root:")
	})
	plain, perr := shErr(nil, "docker", "run", "--rm", "--network", stack+"_plain", c.env.base, "/bin/busybox", "true")
	c.show("PL204", "a container started with docker run joins an attachable network and reaches the service; a network that is not attachable refuses it",
		ok && perr != nil && strings.Contains(plain, "not manually attachable"), "docker run on %s_att: %q; on %s_plain: %s", stack, firstLine(att, "root"), stack, firstLine(plain, "attachable"))
}

// dead says whether the service shows 0/1 and Swarm means to run none of its tasks (a restart
// waiting out its delay is desired Ready), twice in a row a second apart.
func (c *claims) dead(svc string) bool {
	check := func() bool {
		for _, x := range c.tasks(svc) {
			if x.desired != "Shutdown" {
				return false
			}
		}
		return c.replicas(svc) == "0/1"
	}
	if !check() {
		return false
	}
	time.Sleep(time.Second)
	return check()
}

// killUntilDead docker-kills the container Swarm runs for the service, each time the one it started
// after the last kill, until Swarm starts none (or after at most kills), and says how many kills it
// took and whether the service is dead then. Any failure counts against the restart budget, not
// only a kill: Swarm itself once rejected a restarted task here ("node is missing network
// attachments"), so the budget can be spent before the last kill.
func (c *claims) killUntilDead(svc string, most int) (kills int, dead bool) {
	c.t.Helper()
	var seen []string
	for {
		var cid string
		waitFor(60*time.Second, func() bool {
			out, _ := shErr(nil, "docker", "ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name="+svc, "--filter", "status=running")
			for _, id := range strings.Fields(out) {
				if !slices.Contains(seen, id) {
					cid = id
					return true
				}
			}
			dead = c.dead(svc)
			return dead
		})
		if cid == "" || kills == most {
			return kills, dead || waitFor(15*time.Second, func() bool { return c.dead(svc) })
		}
		seen = append(seen, cid)
		c.docker("kill", cid)
		kills++
	}
}

// failures counts the service's tasks that failed or were rejected.
func (c *claims) failures(svc string) int {
	return countState(c.tasks(svc), "Failed") + countState(c.tasks(svc), "Rejected")
}

// budget: SW113, max_attempts without window is a lifetime budget.
func (c *claims) budget() {
	stack := c.stack("budget")
	c.mustDeploy(stack, c.file("budget.yml", `version: "3.8"
services:
  a:
    image: {base}
    deploy:
      restart_policy: {condition: any, delay: 100ms, max_attempts: 3}
`))
	svc := stack + "_a"
	kills, dead := c.killUntilDead(svc, 4)
	failed := c.failures(svc)
	time.Sleep(5 * time.Second)
	still := c.replicas(svc) == "0/1" && c.failures(svc) == failed
	ts := summary(c.tasks(svc))
	c.docker("service", "update", "--force", "--detach", svc)
	back := waitFor(30*time.Second, func() bool { return c.replicas(svc) == "1/1" })
	c.show("SW113", "max_attempts 3 without window: after the 4th failure (a docker kill) the task is never restarted, 0/1 until the service is updated",
		failed == 4 && dead && still && back, "%d kills, %d failed tasks, then 0/1: %v; still 0/1 5 s later: %v (tasks: %s); 1/1 after docker service update --force: %v",
		kills, failed, dead, still, ts, back)
}

// window: SW113, with a window a slot refused a restart stays dead.
func (c *claims) window() {
	stack := c.stack("window")
	c.mustDeploy(stack, c.file("window.yml", `version: "3.8"
services:
  a:
    image: {base}
    deploy:
      restart_policy: {condition: any, delay: 100ms, max_attempts: 1, window: 60s}
`))
	svc := stack + "_a"
	began := time.Now()
	kills, dead := c.killUntilDead(svc, 2)
	within := time.Since(began)
	failed := c.failures(svc)
	time.Sleep(time.Until(began.Add(63 * time.Second))) // past the window since the first kill
	still := c.replicas(svc) == "0/1" && c.failures(svc) == failed
	c.show("SW113", "with a window, a slot refused a restart stays dead after the window passes",
		failed == 2 && within < 60*time.Second && dead && still, "max_attempts 1, window 60s: %d kills, %d failed tasks within %s, then 0/1 %v; still 0/1 63 s after the first kill %v; tasks: %s",
		kills, failed, within.Round(100*time.Millisecond), dead, still, summary(c.tasks(svc)))
}

// aof: RD314, without a volume at /data the image's VOLUME (or - /data) is an anonymous volume, new
// for each task and removed with it.
func (c *claims) aof() {
	stack := c.stack("aof")
	f := c.file("aof.yml", `version: "3.8"
services:
  image:
    image: {volume}
    deploy:
      restart_policy: {condition: any, delay: 100ms}
  anon:
    image: {base}
    volumes: [/data]
    deploy:
      restart_policy: {condition: any, delay: 100ms}
`)
	c.mustDeploy(stack, f)
	type ctr struct {
		Mounts []struct{ Type, Name, Destination string }
	}
	hex := regexp.MustCompile(`^[0-9a-f]{64}$`)
	vol := func(cid string) string {
		var x ctr
		c.inspect(&x, "inspect", cid)
		if len(x.Mounts) != 1 || x.Mounts[0].Type != "volume" || x.Mounts[0].Destination != "/data" {
			return fmt.Sprintf("%+v", x.Mounts)
		}
		return x.Mounts[0].Name
	}
	var olds []string
	for _, tc := range []struct{ svc, how string }{
		{"image", "the image's VOLUME /data"},
		{"anon", "an anonymous volume in the file (- /data)"},
	} {
		svc := stack + "_" + tc.svc
		first := c.running(svc)
		v1 := vol(first)
		c.docker("exec", first, "/bin/sh", "-c", "echo kept > /data/marker")
		c.docker("kill", first)
		second := c.running(svc, first)
		v2 := vol(second)
		marker, _ := shErr(nil, "docker", "exec", second, "/bin/sh", "-c", "cat /data/marker 2>&1")
		olds = append(olds, v1, v2)
		c.show("RD314", "without a volume at /data, "+tc.how+" gives each task a new anonymous volume: the new task starts without the data",
			hex.MatchString(v1) && hex.MatchString(v2) && v1 != v2 && !strings.Contains(marker, "kept"),
			"task 1's volume %.12s…, task 2's (after docker kill) %.12s…; /data/marker in task 2: %q", v1, v2, strings.TrimSpace(marker))
		if tc.svc != "image" {
			continue
		}
		// The dead task keeps its stopped container, and the volume, until Swarm drops the task from
		// the slot's history (task-history-retention-limit); more restarts push it out.
		limit := c.docker("info", "--format", "{{.Swarm.Cluster.Spec.Orchestration.TaskHistoryRetentionLimit}}")
		kept := exists("volume", v1)
		seen, kills := []string{first, second}, 1
		for cid := second; kills < 12 && exists("volume", v1); {
			c.docker("kill", cid)
			kills++
			if waitFor(3*time.Second, func() bool { return !exists("volume", v1) }) {
				break
			}
			cid = c.running(svc, seen...)
			seen = append(seen, cid)
			olds = append(olds, vol(cid))
		}
		c.show("RD314", "the old task's anonymous volume stays with its stopped container until Swarm drops the dead task from its history, then goes with it",
			kept && !exists("volume", v1), "task history limit %s: task 1's volume there after its task died: %v; gone after %d restarts: %v",
			limit, kept, kills, !exists("volume", v1))
	}
	removeStack(stack)
	gone := waitFor(30*time.Second, func() bool {
		for _, v := range olds {
			if exists("volume", v) {
				return false
			}
		}
		return true
	})
	c.show("RD314", "docker stack rm removes the tasks' anonymous volumes with them", gone, "all %d anonymous volumes gone: %v", len(olds), gone)
}

// resources: PL202 (the limit reaches the container) and PL203 (the reservation is a scheduling
// condition).
func (c *claims) resources() {
	stack := c.stack("res")
	c.mustDeploy(stack, c.file("res.yml", `version: "3.8"
services:
  limited:
    image: {base}
    deploy:
      resources:
        limits: {memory: 64M}
        reservations: {memory: 32M}
  huge:
    image: {base}
    deploy:
      resources:
        reservations: {memory: 100000G}
  over:
    image: {base}
    deploy:
      resources:
        limits: {memory: 32M}
        reservations: {memory: 64M}
`))
	var x struct {
		HostConfig struct{ Memory, MemoryReservation int64 }
	}
	c.inspect(&x, "inspect", c.running(stack+"_limited"))
	c.show("PL202", "deploy.resources.limits.memory is the container's memory limit (the cgroup's)", x.HostConfig.Memory == 64<<20,
		"HostConfig.Memory %d for 64M", x.HostConfig.Memory)
	var ts []claimTask
	ok := waitFor(20*time.Second, func() bool {
		ts = c.tasks(stack + "_huge")
		return len(ts) > 0 && ts[0].state == "Pending" && ts[0].err != ""
	})
	c.show("PL203", "the scheduler places a task only where its memory reservation is free", ok && strings.Contains(ts[0].err, "insufficient resources"),
		"reservation 100000G: %s; reservation 32M reaches the container as MemoryReservation %d (scheduling only)", summary(ts), x.HostConfig.MemoryReservation)
	c.running(stack + "_over")
	c.show("PL203", "a reservation above the limit is accepted and scheduled", true, "limits 32M, reservations 64M: %s", summary(c.tasks(stack+"_over")))
}

// startFirst: RD315, start-first runs two tasks on one local volume during an update.
func (c *claims) startFirst() {
	stack := c.stack("sf")
	c.mustDeploy(stack, c.file("sf.yml", `version: "3.8"
services:
  r:
    image: {base}
    volumes: [data:/data]
    deploy:
      update_config: {order: start-first}
volumes:
  data: {}
`))
	svc := stack + "_r"
	c.running(svc)
	c.docker("service", "update", "--force", "--detach", svc)
	var both []string
	ok := waitFor(30*time.Second, func() bool {
		out, _ := shErr(nil, "docker", "ps", "--filter", "label=com.docker.swarm.service.name="+svc, "--filter", "status=running", "--format", "{{.ID}} {{.Mounts}}")
		both = strings.Split(strings.TrimSpace(out), "\n")
		return len(both) == 2 && strings.HasSuffix(both[0], " "+stack+"_data") && strings.HasSuffix(both[1], " "+stack+"_data")
	})
	c.show("RD315", "a start-first update runs two tasks on one local volume at once", ok, "running during the update: %q", both)
}

// nodes: the claims about several nodes, on the three-node Swarm of multinode_test.go (three dockerds
// in network namespaces of their own, built and removed here).
func (c *claims) nodes() {
	skip := func(why string) {
		for _, r := range []struct{ rule, claim string }{
			{"RD315", "a local volume lives on one node: a task rescheduled elsewhere starts empty"},
			{"RD315", "replicas or global mode run independent servers, each with its own volume"},
			{"SW115", "a bridge network is local to the node docker stack deploy runs on"},
			{"PL204", "a container on any node joins an attachable network"},
		} {
			c.notShown(r.rule, r.claim, why)
		}
	}
	if os.Geteuid() != 0 {
		skip("the three-node Swarm needs root (network namespaces, dockerd)")
		return
	}
	for _, tool := range []string{"dockerd", "ip", "nsenter", "unshare", "containerd"} {
		if _, err := exec.LookPath(tool); err != nil {
			skip("the three-node Swarm needs " + tool + ", which is not on PATH")
			return
		}
	}
	probe := fmt.Sprintf("sgcprobe%d", os.Getpid())
	if out, err := shErr(nil, "ip", "netns", "add", probe); err != nil {
		skip("this kernel or container allows no network namespaces: " + strings.TrimSpace(out))
		return
	}
	_, _ = shErr(nil, "ip", "netns", "del", probe)

	began := time.Now()
	cl := newCluster(c.t)
	mgr := cl.nodes[0]
	cl.docker(mgr, nil, "swarm", "init", "--advertise-addr", mgr.ip)
	token := strings.TrimSpace(cl.docker(mgr, nil, "swarm", "join-token", "-q", "worker"))
	for _, w := range cl.nodes[1:] {
		cl.docker(w, nil, "swarm", "join", "--token", token, "--advertise-addr", w.ip, mgr.ip+":2377")
	}
	importImageAs(c.t, []string{"-H", "unix://" + mgr.sock}, imageTar(c.t), c.env.base,
		`CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]`, "ENV PATH=/usr/bin:/bin")
	for _, w := range cl.nodes[1:] {
		sh(c.t, nil, "sh", "-c", `docker -H "$1" save "$3" | docker -H "$2" load`, "sh", "unix://"+mgr.sock, "unix://"+w.sock, c.env.base)
	}
	c.t.Logf("three-node Swarm up, image on each node, in %s", time.Since(began).Round(time.Second))
	byName := map[string]*mnNode{}
	for _, n := range cl.nodes {
		byName[n.name] = n
	}
	on := func(n *mnNode, args ...string) (string, error) {
		out, err := shErr(nil, "docker", append([]string{"-H", "unix://" + n.sock}, args...)...)
		return strings.TrimSpace(out), err
	}
	// where lists the nodes of the service's running tasks, with their containers.
	where := func(svc string) map[string]string {
		out, _ := on(mgr, "service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", svc)
		got := map[string]string{}
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || f[1] != "Running" || byName[f[0]] == nil {
				continue
			}
			cid, _ := on(byName[f[0]], "ps", "-q", "--filter", "label=com.docker.swarm.service.name="+svc, "--filter", "status=running")
			if cid != "" {
				got[f[0]] = strings.Fields(cid)[0]
			}
		}
		return got
	}
	stack := "sgc" + c.env.sfx + "nodes"
	file := c.file("nodes.yml", `version: "3.8"
services:
  one:
    image: {base}
    volumes: [one:/data]
    networks: [att, plain]
  two:
    image: {base}
    volumes: [two:/data]
    deploy:
      replicas: 2
      placement: {max_replicas_per_node: 1}
  every:
    image: {base}
    volumes: [every:/data]
    deploy:
      mode: global
networks:
  att:
    attachable: true
  plain: {}
volumes:
  one: {}
  two: {}
  every: {}
`)
	if out, err := on(mgr, "stack", "deploy", "--resolve-image", "never", "-c", file, stack); err != nil {
		c.t.Fatalf("docker stack deploy on the three-node Swarm: %v\n%s", err, out)
	}
	var one, two, every map[string]string
	if !waitFor(90*time.Second, func() bool {
		one, two, every = where(stack+"_one"), where(stack+"_two"), where(stack+"_every")
		return len(one) == 1 && len(two) == 2 && len(every) == 3
	}) {
		c.t.Fatalf("tasks not running within 90 s: one %v, two %v, every %v", one, two, every)
	}

	// Replicas and global mode: one server per node, each on a volume of its own node.
	marked := func(nodes map[string]string, vol string) string {
		var parts []string
		first := true
		for node, cid := range nodes {
			if first {
				_, _ = on(byName[node], "exec", cid, "/bin/sh", "-c", "echo kept > /data/marker")
				first = false
			}
			got, _ := on(byName[node], "exec", cid, "/bin/sh", "-c", "cat /data/marker 2>/dev/null || echo empty")
			_, err := on(byName[node], "volume", "inspect", vol)
			parts = append(parts, fmt.Sprintf("%s: %s, its own %s: %v", node, got, vol, err == nil))
		}
		sort.Strings(parts)
		return strings.Join(parts, "; ")
	}
	twoSeen, everySeen := marked(two, stack+"_two"), marked(every, stack+"_every")
	c.show("RD315", "replicas: 2 run two servers on two nodes, each with its own volume: a write to one is not in the other",
		len(two) == 2 && strings.Count(twoSeen, "kept") == 1 && strings.Count(twoSeen, ": true") == 2, "%s", twoSeen)
	c.show("RD315", "global mode runs one server per node, each with its own volume",
		len(every) == 3 && strings.Count(everySeen, "kept") == 1 && strings.Count(everySeen, ": true") == 3, "%s", everySeen)

	// Rescheduled elsewhere, a task starts on an empty volume of the new node.
	var from string
	for node, cid := range one { // its only task
		from = node
		_, _ = on(byName[node], "exec", cid, "/bin/sh", "-c", "echo kept > /data/marker")
	}
	cl.docker(mgr, nil, "node", "update", "--availability", "drain", from)
	var moved map[string]string
	ok := waitFor(90*time.Second, func() bool {
		moved = where(stack + "_one")
		_, still := moved[from]
		return len(moved) == 1 && !still
	})
	seen := "no task"
	for to, newCID := range moved {
		got, _ := on(byName[to], "exec", newCID, "/bin/sh", "-c", "cat /data/marker 2>/dev/null || echo empty")
		old, _ := on(byName[from], "run", "--rm", "-v", stack+"_one:/data", c.env.base, "cat", "/data/marker")
		seen = fmt.Sprintf("drained %s: the task moved to %s, /data there: %s; the old volume on %s still holds: %s", from, to, got, from, old)
		ok = ok && got == "empty" && old == "kept"
	}
	c.show("RD315", "a local volume lives on one node: a task rescheduled elsewhere starts empty", ok, "%s", seen)
	cl.docker(mgr, nil, "node", "update", "--availability", "active", from)

	// An attachable overlay network is joined by a container started on any node.
	for _, n := range cl.nodes {
		out, err := on(n, "run", "--rm", "--network", stack+"_att", c.env.base, "/bin/busybox", "true")
		plain, perr := on(n, "run", "--rm", "--network", stack+"_plain", c.env.base, "/bin/busybox", "true")
		c.show("PL204", "a container started with docker run on "+n.name+" joins the attachable network; not the other",
			err == nil && perr != nil && strings.Contains(plain, "not manually attachable"), "attachable: %s %s; not attachable: %s", errOK(err), out, firstLine(plain, "attachable"))
	}

	// A bridge network exists only on the node docker stack deploy ran on.
	bridge := "sgc" + c.env.sfx + "nbr"
	out, err := on(mgr, "stack", "deploy", "--resolve-image", "never", "-c", c.file("nbr.yml", "version: \"3.8\"\nservices:\n  a:\n    image: {base}\n    networks: [app]\nnetworks:\n  app:\n    driver: bridge\n"), bridge)
	var present []string
	for _, n := range cl.nodes {
		if _, err := on(n, "network", "inspect", bridge+"_app"); err == nil {
			present = append(present, n.name)
		}
	}
	c.show("SW115", "a bridge network is local to the node docker stack deploy runs on", err != nil && slices.Equal(present, []string{mgr.name}),
		"deploy from %s: %s; the network is on %v", mgr.name, firstLine(out, "cannot be used"), present)
	c.t.Logf("three-node claims done in %s", time.Since(began).Round(time.Second))
}

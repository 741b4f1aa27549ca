package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/webvig/stackgen/generator"
)

const deployUsage = `Usage:
    stackgen deploy [-i IDENTITY]... [--wait DURATION] [--create-network] [--resolve-image MODE]
                    [--allow-test-key] [OVERRIDES] [SPEC]
    stackgen verify [--restart-test] [--wait DURATION] [OVERRIDES] [SPEC]

deploy  Preflight (a Swarm manager, the overlay network, a ready node for the placement, the image
        reference), then "stackgen secret apply", then render | docker stack deploy -c - --prune
        STACK, then wait until the service runs healthy. Nothing changes when a preflight check fails.
verify  Check the live service against the spec, one line per check: "ok" or "FAIL", what, and the
        observed value. The password is read inside the task's container, never passed in argv.

Options:
    -i, --identity FILE          age identity for the password (see stackgen secret --help).
        --wait DURATION          How long to wait for a healthy service (default 2m).
        --create-network         Create the spec's network (overlay, swarm scope) when it is missing.
        --resolve-image MODE     always (default), changed or never; never for a Swarm without a registry.
        --allow-test-key         Accept the committed test key's password (test Swarms only).
        --restart-test           (verify) Write a marker key, force a restart, read it back, delete it.
    OVERRIDES                    --stack NAME and the other render overrides (stackgen render --help).

Exit status: 0 deployed and healthy / every check ok, 1 not converged / a check failed, 2 a preflight,
usage, key or docker error (nothing changed).

Examples:
    $ stackgen deploy
    $ stackgen verify --restart-test
`

type deployConfig struct {
	spec          string
	identities    []string
	allowTestKey  bool
	wait          time.Duration
	createNetwork bool
	resolveImage  string
	restartTest   bool
	overrides     []generator.Override
}

// parseDeploy is the pure flag parser of `stackgen deploy` and `stackgen verify`.
func parseDeploy(cmd string, args []string) (deployConfig, error) {
	c := deployConfig{wait: 2 * time.Minute, resolveImage: "always"}
	fs := newFlags(cmd)
	fs.DurationVar(&c.wait, "wait", 2*time.Minute, "")
	if cmd == "deploy" {
		fs.StringArrayVarP(&c.identities, "identity", "i", nil, "")
		fs.BoolVar(&c.allowTestKey, "allow-test-key", false, "")
		fs.BoolVar(&c.createNetwork, "create-network", false, "")
		fs.StringVar(&c.resolveImage, "resolve-image", "always", "")
	} else {
		fs.BoolVar(&c.restartTest, "restart-test", false, "")
	}
	defineOverrides(fs)
	if err := fs.Parse(args); err != nil {
		return c, parseError(cmd, err)
	}
	if fs.NArg() > 1 {
		return c, failf("%s: takes at most one SPEC, got %d", cmd, fs.NArg()).hint(`run "stackgen %s --help" for usage`, cmd)
	}
	switch c.resolveImage {
	case "always", "changed", "never":
	default:
		return c, failf("%s: --resolve-image %q: want always, changed or never", cmd, c.resolveImage)
	}
	if c.wait <= 0 {
		return c, failf("%s: --wait must be positive", cmd)
	}
	c.spec = fs.Arg(0)
	c.overrides = collectOverrides(fs)
	return c, nil
}

func cmdDeploy(e *env, args []string) error {
	c, err := parseDeploy("deploy", args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(e.stdout, deployUsage)
		return nil
	}
	if err != nil {
		return err
	}
	// Decrypting first proves the key before anything on the Swarm changes.
	spec, sealed, pw, err := unsealSpec(e, secretConfig{spec: c.spec, overrides: c.overrides,
		identities: c.identities, allowTestKey: c.allowTestKey})
	if err != nil {
		return err
	}
	defer clear(pw)
	rendered, err := generator.Render(spec, sealed)
	if err != nil {
		return failf("%w", err)
	}
	d, err := findDocker()
	if err != nil {
		return err
	}
	if err := preflight(e, d, spec, c.createNetwork); err != nil {
		return err
	}
	if err := applySecrets(e, d, spec, sealed, pw, false); err != nil {
		return err
	}
	if c.createNetwork {
		if err := ensureNetwork(e, d, spec.Network); err != nil {
			return err
		}
	}
	service := spec.ServiceName()
	before, _ := inspectService(d, service)
	fmt.Fprintf(e.stderr, "stackgen: deploying stack %s\n", spec.Stack)
	if _, err := d.run(rendered, "stack", "deploy", "-c", "-", "--prune", "--resolve-image", c.resolveImage,
		"--detach=true", spec.Stack); err != nil {
		return failf("%v", err)
	}
	if err := waitConverged(e, d, service, before, c.wait); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "deployed %s: running and healthy\n", service)
	return nil
}

// preflight checks everything a deploy needs and changes nothing. Each failure says how to fix it.
func preflight(e *env, d *docker, spec *generator.Spec, createNetwork bool) error {
	if err := d.requireManager(); err != nil {
		return err
	}
	out, err := d.run(nil, "network", "inspect", "--format", "{{.Driver}} {{.Scope}}", spec.Network)
	switch {
	case err != nil && !createNetwork:
		return failf("network %q does not exist; the stack declares it external", spec.Network).
			hint("docker network create --driver overlay --scope swarm %s", spec.Network).
			hint("or run stackgen deploy --create-network")
	case err == nil && strings.TrimSpace(out) != "overlay swarm":
		return failf("network %q is %q, not an overlay network of swarm scope", spec.Network, strings.TrimSpace(out)).
			hint("remove it and run: docker network create --driver overlay --scope swarm %s", spec.Network)
	}
	nodes, err := swarmNodes(d)
	if err != nil {
		return err
	}
	if err := placementFits(nodes, spec); err != nil {
		return err
	}
	return nil
}

func ensureNetwork(e *env, d *docker, name string) error {
	if _, err := d.run(nil, "network", "inspect", "--format", "{{.ID}}", name); err == nil {
		return nil
	}
	if _, err := d.run(nil, "network", "create", "--driver", "overlay", "--scope", "swarm", name); err != nil {
		return failf("%v", err)
	}
	fmt.Fprintf(e.stderr, "stackgen: created overlay network %s\n", name)
	return nil
}

type swarmNode struct {
	ID   string `json:"ID"`
	Spec struct {
		Role         string            `json:"Role"`
		Availability string            `json:"Availability"`
		Labels       map[string]string `json:"Labels"`
	} `json:"Spec"`
	Description struct {
		Hostname string `json:"Hostname"`
		Platform struct {
			OS           string `json:"OS"`
			Architecture string `json:"Architecture"`
		} `json:"Platform"`
		Engine struct {
			Labels map[string]string `json:"Labels"`
		} `json:"Engine"`
	} `json:"Description"`
	Status struct {
		State string `json:"State"`
	} `json:"Status"`
}

func swarmNodes(d *docker) ([]swarmNode, error) {
	ids, err := d.run(nil, "node", "ls", "--format", "{{.ID}}")
	if err != nil {
		return nil, failf("%v", err)
	}
	out, err := d.run(nil, append([]string{"node", "inspect"}, strings.Fields(ids)...)...)
	if err != nil {
		return nil, failf("%v", err)
	}
	var nodes []swarmNode
	if err := json.Unmarshal([]byte(out), &nodes); err != nil {
		return nil, failf("docker node inspect: unexpected output: %v", err)
	}
	return nodes, nil
}

// constraintHolds evaluates one Swarm placement constraint against a node.
func constraintHolds(n swarmNode, c string) bool {
	op := "=="
	key, value, ok := strings.Cut(c, "==")
	if !ok {
		op = "!="
		key, value, _ = strings.Cut(c, "!=")
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	var got string
	var present bool
	switch {
	case key == "node.id":
		got, present = n.ID, true
	case key == "node.hostname":
		got, present = n.Description.Hostname, true
	case key == "node.role":
		got, present = n.Spec.Role, true
	case key == "node.platform.os":
		got, present = n.Description.Platform.OS, true
	case key == "node.platform.arch":
		got, present = n.Description.Platform.Architecture, true
	case strings.HasPrefix(key, "node.labels."):
		got, present = n.Spec.Labels[strings.TrimPrefix(key, "node.labels.")]
	case strings.HasPrefix(key, "engine.labels."):
		got, present = n.Description.Engine.Labels[strings.TrimPrefix(key, "engine.labels.")]
	}
	eq := present && strings.EqualFold(got, value)
	if op == "==" {
		return eq
	}
	return !eq
}

func placementFits(nodes []swarmNode, spec *generator.Spec) error {
	var why []string
	for _, n := range nodes {
		if n.Status.State != "ready" || n.Spec.Availability != "active" {
			why = append(why, fmt.Sprintf("%s is %s/%s", n.Description.Hostname, n.Status.State, n.Spec.Availability))
			continue
		}
		var failed []string
		for _, c := range spec.Placement.Constraints {
			if !constraintHolds(n, c) {
				failed = append(failed, c)
			}
		}
		if len(failed) == 0 {
			return nil
		}
		why = append(why, fmt.Sprintf("%s (%s) fails %s", n.Description.Hostname, n.Spec.Role, strings.Join(failed, " and ")))
	}
	xe := failf("no ready node satisfies the placement constraints: %s", strings.Join(why, "; "))
	onlyManagers := true
	for _, n := range nodes {
		onlyManagers = onlyManagers && n.Spec.Role == "manager"
	}
	for _, c := range spec.Placement.Constraints {
		key, value, _ := strings.Cut(c, "==")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case key == "node.role" && value == "worker" && onlyManagers:
			xe.hint("every node is a manager, so node.role == worker never schedules; add a worker (docker swarm join), or deploy with --constraint to replace the list, e.g. --constraint '%s == true'", "node.labels."+spec.Stack+"."+spec.Service)
		case strings.HasPrefix(key, "node.labels."):
			xe.hint("label the node that keeps the data: docker node update --label-add %s=%s NODE", strings.TrimPrefix(key, "node.labels."), value)
		}
	}
	return xe
}

type serviceInfo struct {
	ID      string `json:"ID"`
	Version struct {
		Index int64 `json:"Index"`
	} `json:"Version"`
	UpdateStatus *struct {
		State     string `json:"State"`
		StartedAt string `json:"StartedAt"`
		Message   string `json:"Message"`
	} `json:"UpdateStatus"`
	RawSpec json.RawMessage `json:"-"`
	Spec    struct {
		TaskTemplate struct {
			ContainerSpec struct {
				Mounts []struct {
					Type   string `json:"Type"`
					Source string `json:"Source"`
					Target string `json:"Target"`
				} `json:"Mounts"`
			} `json:"ContainerSpec"`
			Resources struct {
				Limits struct {
					MemoryBytes int64 `json:"MemoryBytes"`
				} `json:"Limits"`
				Reservations struct {
					MemoryBytes int64 `json:"MemoryBytes"`
				} `json:"Reservations"`
			} `json:"Resources"`
			Networks []struct {
				Target string `json:"Target"`
			} `json:"Networks"`
		} `json:"TaskTemplate"`
	} `json:"Spec"`
	Endpoint struct {
		Ports []struct {
			PublishedPort int `json:"PublishedPort"`
			TargetPort    int `json:"TargetPort"`
		} `json:"Ports"`
	} `json:"Endpoint"`
}

// inspectService returns nil, nil when the service does not exist.
func inspectService(d *docker, name string) (*serviceInfo, error) {
	out, err := d.run(nil, "service", "inspect", name)
	if err != nil {
		var de *dockerError
		if errors.As(err, &de) && strings.Contains(strings.ToLower(de.stderr), "no such service") {
			return nil, nil
		}
		return nil, err
	}
	var svcs []serviceInfo
	var raw []struct {
		Spec json.RawMessage `json:"Spec"`
	}
	if err := json.Unmarshal([]byte(out), &svcs); err != nil || len(svcs) != 1 || json.Unmarshal([]byte(out), &raw) != nil {
		return nil, fmt.Errorf("docker service inspect %s: unexpected output", name)
	}
	svcs[0].RawSpec = raw[0].Spec
	return &svcs[0], nil
}

type taskInfo struct {
	id, desired, current, err string
}

func serviceTasks(d *docker, service string) ([]taskInfo, error) {
	out, err := d.run(nil, "service", "ps", "--no-trunc", "--format", "{{.ID}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}", service)
	if err != nil {
		return nil, err
	}
	var tasks []taskInfo
	for _, line := range strings.Split(out, "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) >= 3 {
			t := taskInfo{id: f[0], desired: f[1], current: f[2]}
			if len(f) == 4 {
				t.err = strings.TrimSpace(f[3])
			}
			tasks = append(tasks, t)
		}
	}
	return tasks, nil
}

// waitConverged polls until the service has a running (hence healthy: Swarm keeps a task with a
// healthcheck in "starting" until it passes) task of the current spec, printing each change of state.
func waitConverged(e *env, d *docker, service string, before *serviceInfo, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	last := ""
	var lastErr string
	for {
		svc, err := inspectService(d, service)
		if err != nil {
			return failf("%v", err)
		}
		tasks, _ := serviceTasks(d, service)
		running := false
		state := "waiting for the service"
		pollErr := ""
		for _, t := range tasks { // newest first
			if t.desired == "Running" || t.desired == "Ready" {
				state = "task " + strings.ToLower(firstWord(t.current))
				running = running || strings.HasPrefix(t.current, "Running")
				if h := taskHealth(d, t.id); h != "" {
					state += ", health " + h
				}
			}
			if t.err != "" && pollErr == "" {
				pollErr = t.err
			}
		}
		if pollErr != "" {
			lastErr = pollErr
		}
		// A redeploy of an unchanged spec bumps the version but rolls nothing: only a changed spec
		// must see its update complete.
		updated := true
		if svc != nil && before != nil && !bytes.Equal(svc.RawSpec, before.RawSpec) {
			updated = svc.UpdateStatus != nil && svc.UpdateStatus.State == "completed" &&
				(before.UpdateStatus == nil || svc.UpdateStatus.StartedAt != before.UpdateStatus.StartedAt)
			if svc.UpdateStatus != nil {
				state += ", update " + svc.UpdateStatus.State
				if strings.HasPrefix(svc.UpdateStatus.State, "rollback") || svc.UpdateStatus.State == "paused" {
					return notConverged(d, service, lastErr, fmt.Errorf("%s: update %s: %s", service, svc.UpdateStatus.State, svc.UpdateStatus.Message))
				}
			}
		}
		if line := service + ": " + state; line != last {
			fmt.Fprintf(e.stderr, "stackgen: %s\n", line)
			last = line
		}
		if svc != nil && running && updated {
			return nil
		}
		if time.Now().After(deadline) {
			return notConverged(d, service, lastErr, fmt.Errorf("%s did not become healthy within %s (%s)", service, timeout, state))
		}
		time.Sleep(time.Second)
	}
}

// notConverged is a status-1 error with the task's last error and the service's last log lines.
func notConverged(d *docker, service, lastErr string, err error) error {
	xe := &exitError{code: 1, err: err}
	if lastErr != "" {
		xe.hint("last task error: %s", lastErr)
	}
	if logs, err := d.run(nil, "service", "logs", "--no-task-ids", "--tail", "10", service); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
			if l != "" {
				xe.hint("log: %s", l)
			}
		}
	}
	return xe
}

// taskHealth is the health status of a task's container when it runs on this node, else "".
func taskHealth(d *docker, task string) string {
	cid, err := d.run(nil, "inspect", "--format", "{{.Status.ContainerStatus.ContainerID}}", task)
	if cid = strings.TrimSpace(cid); err != nil || cid == "" {
		return ""
	}
	h, err := d.run(nil, "container", "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", cid)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(h)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// runningContainer finds the container of the service's running task on this node.
func runningContainer(d *docker, service string) (string, error) {
	out, err := d.run(nil, "service", "ps", "--no-trunc", "--filter", "desired-state=running", "--format", "{{.ID}} {{.CurrentState}}", service)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[1] != "Running" {
			continue
		}
		cid, err := d.run(nil, "inspect", "--format", "{{.Status.ContainerStatus.ContainerID}}", f[0])
		if err != nil {
			return "", err
		}
		if cid = strings.TrimSpace(cid); cid != "" {
			if _, err := d.run(nil, "container", "inspect", "--format", "{{.ID}}", cid); err != nil {
				return "", fmt.Errorf("the running task's container %.12s is not on this node; run stackgen verify against the node that runs it (DOCKER_HOST)", cid)
			}
			return cid, nil
		}
	}
	return "", fmt.Errorf("%s has no running task", service)
}

// redisCLI runs redis-cli inside the container, authenticated from the mounted secret when auth is
// set. The password never leaves the container.
func redisCLI(d *docker, cid string, auth bool, args ...string) (string, error) {
	script := `exec redis-cli --no-raw "$@"`
	if auth {
		script = `REDISCLI_AUTH="$(cat ` + generator.SecretTarget + `)" || exit 1; export REDISCLI_AUTH; exec redis-cli "$@"`
	}
	out, err := d.run(nil, append([]string{"exec", cid, "/bin/sh", "-c", script, "redis-cli"}, args...)...)
	return strings.TrimSpace(out), err
}

type check struct {
	ok       bool
	what     string
	observed string
}

func cmdVerify(e *env, args []string) error {
	c, err := parseDeploy("verify", args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(e.stdout, deployUsage)
		return nil
	}
	if err != nil {
		return err
	}
	spec, _, err := loadSpec(c.spec, c.overrides)
	if err != nil {
		return err
	}
	d, err := findDocker()
	if err != nil {
		return err
	}
	if err := d.requireManager(); err != nil {
		return err
	}
	service := spec.ServiceName()
	svc, err := inspectService(d, service)
	if err != nil {
		return failf("%v", err)
	}
	if svc == nil {
		return failf("service %s does not exist", service).hint("deploy it first: stackgen deploy")
	}
	cid, err := runningContainer(d, service)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	var checks []check
	add := func(ok bool, what, observed string) {
		checks = append(checks, check{ok, what, observed})
		status := "ok  "
		if !ok {
			status = "FAIL"
		}
		fmt.Fprintf(e.stdout, "%s  %s  (%s)\n", status, what, observed)
	}
	pong, err := redisCLI(d, cid, true, "ping")
	add(err == nil && pong == "PONG", "PING with the password answers PONG", orErr(pong, err))
	noauth, err := redisCLI(d, cid, false, "ping")
	add(err == nil && strings.HasPrefix(noauth, "NOAUTH") || strings.Contains(noauth, "NOAUTH"), "PING without the password is refused", orErr(noauth, err))

	wantMax, _ := generator.RedisBytes(spec.Redis.MaxMemory)
	var save []string
	for _, p := range spec.Redis.Save {
		save = append(save, fmt.Sprint(p[0]), fmt.Sprint(p[1]))
	}
	for _, kv := range [][2]string{
		{"save", strings.Join(save, " ")},
		{"appendonly", "yes"},
		{"appendfsync", spec.Redis.AppendFsync},
		{"maxmemory", fmt.Sprint(wantMax)},
		{"maxmemory-policy", spec.Redis.MaxMemoryPolicy},
	} {
		out, err := redisCLI(d, cid, true, "config", "get", kv[0])
		lines := strings.Split(out, "\n")
		got := ""
		if len(lines) == 2 {
			got = strings.TrimSpace(lines[1])
		}
		add(err == nil && got == kv[1], fmt.Sprintf("CONFIG GET %s is %q", kv[0], kv[1]), orErr(fmt.Sprintf("%q", got), err))
	}
	aof, err := d.run(nil, "exec", cid, "/bin/sh", "-c", `for f in /data/appendonly.aof /data/appendonlydir; do [ -e "$f" ] && echo "$f"; done; true`)
	add(err == nil && strings.TrimSpace(aof) != "", "an AOF exists in /data", orErr(strings.Join(strings.Fields(aof), " "), err))
	add(len(svc.Endpoint.Ports) == 0, "the service publishes no ports", fmt.Sprintf("%d published", len(svc.Endpoint.Ports)))
	lim, _ := generator.DockerBytes(spec.Memory.Limit)
	res, _ := generator.DockerBytes(spec.Memory.Reservation)
	r := svc.Spec.TaskTemplate.Resources
	add(r.Limits.MemoryBytes == lim, "memory limit is "+spec.Memory.Limit, fmt.Sprint(r.Limits.MemoryBytes))
	add(r.Reservations.MemoryBytes == res, "memory reservation is "+spec.Memory.Reservation, fmt.Sprint(r.Reservations.MemoryBytes))
	netOut, err := d.run(nil, "network", "inspect", "--format", "{{.ID}} {{.Driver}}", spec.Network)
	nf := strings.Fields(netOut)
	onNet := false
	if err == nil && len(nf) == 2 {
		for _, n := range svc.Spec.TaskTemplate.Networks {
			onNet = onNet || n.Target == nf[0] || n.Target == spec.Network
		}
	}
	add(onNet && len(nf) == 2 && nf[1] == "overlay", "on network "+spec.Network+", an overlay", orErr(strings.TrimSpace(netOut), err))
	mounted := ""
	for _, m := range svc.Spec.TaskTemplate.ContainerSpec.Mounts {
		if m.Target == "/data" {
			mounted = m.Type + " " + m.Source
		}
	}
	add(mounted == "volume "+spec.VolumeName(), "volume "+spec.VolumeName()+" at /data", mounted)
	health, err := d.run(nil, "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", cid)
	add(err == nil && strings.TrimSpace(health) == "healthy", "health status is healthy", orErr(strings.TrimSpace(health), err))

	if c.restartTest {
		restartTest(e, d, spec, service, c.wait, add)
	}
	failed := 0
	for _, ch := range checks {
		if !ch.ok {
			failed++
		}
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d checks failed", failed, len(checks))}
	}
	return nil
}

// restartTest writes a marker key, forces a restart, waits for health, reads the key back, deletes it.
func restartTest(e *env, d *docker, spec *generator.Spec, service string, wait time.Duration, add func(bool, string, string)) {
	cid, err := runningContainer(d, service)
	if err != nil {
		add(false, "restart test: find the container", err.Error())
		return
	}
	key := fmt.Sprintf("stackgen:verify:%d", time.Now().UnixNano())
	out, err := redisCLI(d, cid, true, "set", key, "kept")
	add(err == nil && out == "OK", "restart test: SET a marker key", orErr(out, err))
	before, _ := inspectService(d, service)
	if _, err := d.run(nil, "service", "update", "--force", "--detach=true", "--quiet", service); err != nil {
		add(false, "restart test: docker service update --force", err.Error())
		return
	}
	if err := waitConverged(e, d, service, before, wait); err != nil {
		add(false, "restart test: healthy again after the restart", err.Error())
		return
	}
	newCID, err := runningContainer(d, service)
	add(err == nil && newCID != cid, "restart test: a new container runs", orErr(shortID(newCID), err))
	if err != nil {
		return
	}
	got, err := redisCLI(d, newCID, true, "get", key)
	add(err == nil && got == "kept", "restart test: the marker survived the restart", orErr(got, err))
	out, err = redisCLI(d, newCID, true, "del", key)
	add(err == nil && strings.HasSuffix(out, "1"), "restart test: marker deleted", orErr(out, err))
}

func shortID(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func orErr(s string, err error) string {
	if err != nil {
		return err.Error()
	}
	if s == "" {
		return "nothing"
	}
	return s
}

// applySecrets creates the stack's secrets from a decrypted password; see secretApply.
func applySecrets(e *env, d *docker, spec *generator.Spec, sealed, pw []byte, prune bool) error {
	url := []byte(spec.RedisURL(pw))
	defer clear(url)
	wanted := []struct {
		name, kind string
		value      []byte
	}{
		{spec.SecretName(sealed), "password", pw},
		{spec.URLSecretName(sealed), "url", url},
	}
	for _, w := range wanted {
		exists, err := d.secretExists(w.name)
		if err != nil {
			return failf("%v", err)
		}
		if exists {
			fmt.Fprintf(e.stdout, "exists  %s\n", w.name)
			continue
		}
		_, err = d.run(w.value, "secret", "create",
			"--label", labelStack+"="+spec.Stack,
			"--label", labelSpec+"="+spec.File,
			"--label", labelKind+"="+w.kind,
			w.name, "-")
		if err != nil {
			return failf("%v", err)
		}
		fmt.Fprintf(e.stdout, "created %s\n", w.name)
	}
	if prune {
		keep := []string{wanted[0].name, wanted[1].name}
		sort.Strings(keep)
		return pruneSecrets(e, d, spec, keep)
	}
	return nil
}

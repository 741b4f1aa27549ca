package swarm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/memsize"
)

// Check is one verify result: what was checked, whether it held, and what was observed.
type Check struct {
	OK       bool
	What     string
	Observed string
}

// checks collects results.
type checks []Check

func (c *checks) add(ok bool, what, observed string) {
	*c = append(*c, Check{OK: ok, What: what, Observed: observed})
}

// redisCLI runs redis-cli inside the container, authenticated from the mounted secret when auth is
// set. The password never leaves the container and never enters an argv.
func redisCLI(d *Docker, cid string, auth bool, args ...string) (string, error) {
	script := `exec redis-cli --no-raw "$@"`
	if auth {
		script = generator.RedisCLIAuth(generator.SecretTarget) + `exec redis-cli "$@"`
	}
	out, err := d.Run(nil, append([]string{"exec", cid, "/bin/sh", "-c", script, "redis-cli"}, args...)...)
	return strings.TrimSpace(out), err
}

// Verify checks the live service against the spec and its sealed password file: what the seed's
// playbook asserted (auth, persistence settings, AOF on disk, health, no published ports, memory,
// network, volume), what the application sees over the network, then drift between the live service
// and the render (image, entrypoint, command, placement, restart and update policy, secret, health
// check). An error means it could not look (no such service, no running task); failed checks are
// results.
func Verify(d *Docker, spec *generator.Spec, sealed []byte) ([]Check, error) {
	service := spec.ServiceName()
	svc, err := InspectService(d, service)
	if err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, failure.Errorf("service %s does not exist", service).Hint("deploy it first: stackgen deploy")
	}
	task, cid, err := runningTask(d, service)
	remote := errors.Is(err, errNotOnThisNode)
	if err != nil && !remote {
		return nil, failure.Wrap(err).WithStatus(1)
	}
	// What the application sees, from wherever Swarm runs the job; when another node runs the task,
	// also what verify cannot ask the container itself.
	p, perr := runProbe(d, spec, sealed, svc.Spec.TaskTemplate.ContainerSpec.Image)
	var c checks
	if remote {
		c = remoteContainerChecks(p, perr, spec, task)
	} else {
		c = containerChecks(d, cid, spec)
	}
	c = append(c, serviceChecks(d, svc, spec)...)
	c = append(c, networkChecks(p, perr, spec, svc.EndpointMode())...)
	return append(c, drift(svc, spec, sealed)...), nil
}

// containerChecks ask the task's container on this node: auth, the persistence settings, the AOF on
// disk, and the health check's verdict.
func containerChecks(d *Docker, cid string, spec *generator.Spec) checks {
	var c checks
	pong, err := redisCLI(d, cid, true, "ping")
	c.add(err == nil && pong == "PONG", "PING with the password answers PONG", orErr(pong, err))
	noauth, err := redisCLI(d, cid, false, "ping")
	c.add(err == nil && strings.Contains(noauth, "NOAUTH"), "PING without the password is refused", orErr(noauth, err))
	for _, kv := range expectedConfig(spec) {
		out, err := redisCLI(d, cid, true, "config", "get", kv[0])
		lines := strings.Split(out, "\n")
		got := ""
		if len(lines) == 2 {
			got = strings.TrimSpace(lines[1])
		}
		c.add(err == nil && got == kv[1], fmt.Sprintf("CONFIG GET %s is %q", kv[0], kv[1]), orErr(fmt.Sprintf("%q", got), err))
	}
	aof, err := d.Run(nil, "exec", cid, "/bin/sh", "-c", `for f in /data/appendonly.aof /data/appendonlydir; do [ -e "$f" ] && echo "$f"; done; true`)
	c.add(err == nil && strings.TrimSpace(aof) != "", "an AOF exists in /data", orErr(strings.Join(strings.Fields(aof), " "), err))
	health, err := d.Run(nil, "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", cid)
	c.add(err == nil && strings.TrimSpace(health) == "healthy", "health status is healthy", orErr(strings.TrimSpace(health), err))
	return c
}

// serviceChecks read the service, not the container: ports, memory, network and volume.
func serviceChecks(d *Docker, svc *Service, spec *generator.Spec) checks {
	var c checks
	c.add(len(svc.Endpoint.Ports) == 0, "the service publishes no ports", fmt.Sprintf("%d published", len(svc.Endpoint.Ports)))
	lim, _ := memsize.Docker(spec.Memory.Limit)
	res, _ := memsize.Docker(spec.Memory.Reservation)
	r := svc.Spec.TaskTemplate.Resources
	c.add(r.Limits.MemoryBytes == lim, "memory limit is "+spec.Memory.Limit, fmt.Sprint(r.Limits.MemoryBytes))
	c.add(r.Reservations.MemoryBytes == res, "memory reservation is "+spec.Memory.Reservation, fmt.Sprint(r.Reservations.MemoryBytes))
	netOut, err := d.Run(nil, "network", "inspect", "--format", "{{.ID}} {{.Driver}}", spec.Network)
	nf := strings.Fields(netOut)
	onNet := false
	if err == nil && len(nf) == 2 {
		for _, n := range svc.Spec.TaskTemplate.Networks {
			onNet = onNet || n.Target == nf[0] || n.Target == spec.Network
		}
	}
	c.add(onNet && len(nf) == 2 && nf[1] == "overlay", "on network "+spec.Network+", an overlay", orErr(strings.TrimSpace(netOut), err))
	mounted := ""
	for _, m := range svc.Spec.TaskTemplate.ContainerSpec.Mounts {
		if m.Target == "/data" {
			mounted = m.Type + " " + m.Source
		}
	}
	c.add(mounted == "volume "+spec.VolumeName(), "volume "+spec.VolumeName()+" at /data", orErr(mounted, nil))
	return c
}

// RestartTest writes a marker key, forces a restart (docker service update --force), waits for
// health, reads the key back and deletes it: the seed's "data persists after service restart".
// progress gets the wait's changes of state.
func RestartTest(d *Docker, spec *generator.Spec, wait time.Duration, progress func(string)) []Check {
	var c checks
	service := spec.ServiceName()
	cid, err := RunningContainer(d, service)
	if err != nil {
		c.add(false, "restart test: find the container", err.Error())
		return c
	}
	key := fmt.Sprintf("stackgen:verify:%d", time.Now().UnixNano())
	out, err := redisCLI(d, cid, true, "set", key, "kept")
	c.add(err == nil && out == "OK", "restart test: SET a marker key", orErr(out, err))
	before, _ := InspectService(d, service)
	if _, err := d.Run(nil, "service", "update", "--force", "--detach=true", "--quiet", service); err != nil {
		c.add(false, "restart test: docker service update --force", err.Error())
		return c
	}
	if err := Wait(d, service, before, wait, progress); err != nil {
		c.add(false, "restart test: healthy again after the restart", err.Error())
		return c
	}
	newCID, err := RunningContainer(d, service)
	c.add(err == nil && newCID != cid, "restart test: a new container runs", orErr(shortID(newCID), err))
	if err != nil {
		return c
	}
	got, err := redisCLI(d, newCID, true, "get", key)
	c.add(err == nil && got == "kept", "restart test: the marker survived the restart", orErr(got, err))
	out, err = redisCLI(d, newCID, true, "del", key)
	c.add(err == nil && strings.HasSuffix(out, "1"), "restart test: marker deleted", orErr(out, err))
	return c
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

// expectedConfig is what CONFIG GET must answer for the render of spec: each name and its value.
func expectedConfig(spec *generator.Spec) [][2]string {
	wantMax, _, _ := memsize.Redis(spec.Redis.MaxMemory)
	var save []string
	for _, p := range spec.Redis.Save {
		save = append(save, fmt.Sprint(p[0]), fmt.Sprint(p[1]))
	}
	return [][2]string{
		{"save", strings.Join(save, " ")},
		{"appendonly", "yes"},
		{"appendfsync", spec.Redis.AppendFsync},
		{"maxmemory", fmt.Sprint(wantMax)},
		{"maxmemory-policy", spec.Redis.MaxMemoryPolicy},
	}
}

package swarm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/webvig/stackgen/generator"
)

// errNotOnThisNode marks a running task whose container another node runs: the checks that need the
// container then go over the network instead.
var errNotOnThisNode = errors.New("not on this node")

// probeTimeout bounds the verify job, from its creation to its logs.
var probeTimeout = 90 * time.Second

// probeURLFile is where the verify job mounts the URL secret.
const probeURLFile = "redis_url"

// probeScript connects to Redis the way the application does: the host and port from the REDIS_URL
// secret, over the stack's overlay network, authenticated with the password secret through
// REDISCLI_AUTH (never argv). One line per probe, "NAME<TAB>output" with the output's newlines as
// "|", so that a failure says which address failed and how. timeout bounds each call: a cut-off
// task drops packets and redis-cli would wait for TCP to give up.
func probeScript() string {
	return `url="$(cat /run/secrets/` + probeURLFile + `)" || exit 1
hp="${url##*@}"; hp="${hp%%/*}"; host="${hp%:*}"; port="${hp##*:}"
printf 'address\t%s:%s\n' "$host" "$port"
` + generator.RedisCLIAuth(generator.SecretTarget) + `probe() { name="$1"; shift; printf '%s\t' "$name"; timeout 5 "$@" 2>&1 | tr '\n' '|'; echo; }
probe ping redis-cli -h "$host" -p "$port" ping
probe noauth env -u REDISCLI_AUTH redis-cli -h "$host" -p "$port" ping
for k in save appendonly appendfsync maxmemory maxmemory-policy; do
  probe "config $k" redis-cli -h "$host" -p "$port" config get "$k"
done
probe persistence redis-cli -h "$host" -p "$port" info persistence
exit 0`
}

// probe is what the verify job saw, by probe name.
type probe map[string]string

// runProbe runs probeScript as a replicated job on the stack's network with the password and URL
// secrets mounted, reads its output with docker service logs, and removes it. The job runs the
// service's own image, which has redis-cli, wherever Swarm places it.
func runProbe(d *Docker, spec *generator.Spec, sealed []byte, image string) (probe, error) {
	name := fmt.Sprintf("%s_verify_%d", spec.ServiceName(), time.Now().UnixNano()%1e9)
	_, err := d.Run(nil, "service", "create", "--detach", "--quiet", "--name", name,
		"--mode", "replicated-job", "--restart-condition", "none", "--no-resolve-image",
		"--label", "com.stackgen.verify="+spec.Stack,
		"--network", spec.Network,
		"--secret", fmt.Sprintf("source=%s,target=%s,mode=%04o", spec.SecretName(sealed), generator.SecretFile, generator.SecretMode),
		"--secret", fmt.Sprintf("source=%s,target=%s,mode=%04o", spec.URLSecretName(sealed), probeURLFile, generator.SecretMode),
		"--entrypoint", "/bin/sh", image, "-c", probeScript())
	if err != nil {
		return nil, fmt.Errorf("create the verify job: %w", err)
	}
	defer d.Run(nil, "service", "rm", name) //nolint:errcheck // best effort; the job has ended or failed
	deadline := time.Now().Add(probeTimeout)
	state := ""
	for {
		tasks, err := serviceTasks(d, name)
		if err != nil {
			return nil, err
		}
		done := false
		for _, t := range tasks {
			state = t.Current
			if t.Err != "" {
				state += " (" + t.Err + ")"
			}
			switch firstWord(t.Current) {
			case "Complete":
				done = true
			case "Failed", "Rejected":
				return nil, fmt.Errorf("the verify job %s: %s", name, state)
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the verify job %s did not finish within %s (%s)", name, probeTimeout, orErr(state, nil))
		}
		time.Sleep(500 * time.Millisecond)
	}
	out, err := d.Run(nil, "service", "logs", "--raw", name)
	if err != nil {
		return nil, fmt.Errorf("read the verify job's output: %w", err)
	}
	p := probe{}
	for _, line := range strings.Split(out, "\n") {
		// INFO's lines end in CRLF; redis-cli ends an error reply with a blank line.
		if k, v, ok := strings.Cut(strings.ReplaceAll(line, "\r", ""), "\t"); ok {
			p[k] = strings.TrimRight(v, "|")
		}
	}
	if p["address"] == "" {
		return nil, fmt.Errorf("the verify job %s printed nothing readable: %q", name, strings.TrimSpace(out))
	}
	return p, nil
}

// networkChecks are what the application sees: its REDIS_URL host answers with the password and
// refuses without it, and the service resolves by DNS round robin (no VIP, see generator's deploy).
func networkChecks(p probe, err error, spec *generator.Spec, endpointMode string) []Check {
	var c checks
	c.add(endpointMode == "dnsrr", "endpoint mode is dnsrr (the name resolves to the task, no VIP)", orErr(endpointMode, nil))
	if err != nil {
		c.add(false, "PING over the network at REDIS_URL's host answers PONG", err.Error())
		c.add(false, "PING over the network without the password is refused", err.Error())
		return c
	}
	at := " (at " + p["address"] + ", from a job on " + spec.Network + ")"
	c.add(p["ping"] == "PONG", "PING over the network at REDIS_URL's host answers PONG", orErr(p["ping"], nil)+at)
	c.add(strings.Contains(p["noauth"], "NOAUTH"), "PING over the network without the password is refused", orErr(p["noauth"], nil)+at)
	return c
}

// remoteContainerChecks are the checks that need the container, done over the network when another
// node runs it: the same CONFIG GETs, the AOF's state from INFO persistence, and the task's state
// (Swarm reports a task with a health check Running only once the check has passed).
func remoteContainerChecks(p probe, err error, spec *generator.Spec, task Task) checks {
	var c checks
	for _, kv := range expectedConfig(spec) {
		what := fmt.Sprintf("CONFIG GET %s is %q", kv[0], kv[1])
		if err != nil {
			c.add(false, what, err.Error())
			continue
		}
		got := ""
		if f := strings.Split(p["config "+kv[0]], "|"); len(f) >= 2 {
			got = strings.TrimSpace(f[1])
		}
		c.add(got == kv[1], what, fmt.Sprintf("%q (at %s)", got, p["address"]))
	}
	if err != nil {
		c.add(false, "the AOF is on and its last write succeeded", err.Error())
	} else {
		info := p["persistence"]
		fields := "|" + info + "|"
		c.add(strings.Contains(fields, "|aof_enabled:1|") && strings.Contains(fields, "|aof_last_write_status:ok|"),
			"the AOF is on and its last write succeeded", fmt.Sprintf("%s (at %s)", infoFields(info, "aof_enabled", "aof_last_write_status"), p["address"]))
	}
	c.add(strings.HasPrefix(task.Current, "Running"), "health status is healthy", "task "+task.ID+" "+orErr(task.Current, nil)+" on another node")
	return c
}

func infoFields(info string, keys ...string) string {
	var out []string
	for _, f := range strings.Split(info, "|") {
		for _, k := range keys {
			if strings.HasPrefix(f, k+":") {
				out = append(out, strings.TrimSpace(f))
			}
		}
	}
	return orErr(strings.Join(out, " "), nil)
}

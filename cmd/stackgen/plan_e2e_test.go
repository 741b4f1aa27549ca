package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/webvig/stackgen/plan"
)

// TestPlanMatchesSwarm is plan's differential test on the real one-node Swarm: a base stack is
// deployed, then each edit is planned, deployed with the real `docker stack deploy`, and what Swarm
// did is observed (services created and removed, running tasks replaced or kept, the service spec
// changed or not, and which fields changed in docker service inspect). The plan's verdict and the
// fields it lists must equal what happened, for every service of every edit.
func TestPlanMatchesSwarm(t *testing.T) {
	requireEngine(t)
	node := ensureSwarm(t)
	buildImage(t)
	const other = "stackgen-e2e/redis:other"
	sh(t, nil, "docker", "tag", e2eImage, other)
	t.Cleanup(func() {
		_, _ = shErr(nil, "docker", "image", "rm", "-f", e2eImage, other)
	})
	stack := fmt.Sprintf("sgplan%d", time.Now().UnixNano()%1e6)
	dir := t.TempDir()
	t.Cleanup(func() { removeStack(stack) })
	for name, body := range map[string]string{"s1.txt": "secret one", "s2.txt": "secret two", "c1.txt": "config one", "c2.txt": "config two"} {
		write(t, filepath.Join(dir, name), []byte(body), 0o644)
	}

	base := `version: "3.8"
services:
  web:
    image: ` + e2eImage + `
    command: [sleep, "3600"]
    stop_signal: SIGKILL
    environment: {A: "1", B: "2"}
    labels: {tier: web}
    secrets: [s]
    configs: [c]
    deploy:
      replicas: 1
      labels: {team: a}
      resources: {limits: {memory: 64M}}
      update_config: {order: stop-first}
  worker:
    image: ` + e2eImage + `
    command: [sleep, "3601"]
    stop_signal: SIGKILL
secrets:
  s: {file: ./s1.txt}
configs:
  c: {file: ./c1.txt}
`
	type edit struct {
		name  string
		from  string // replaced in the base
		to    string
		prune bool
	}
	edits := []edit{
		{"unchanged redeploy", "", "", false},
		{"image tag", "  web:\n    image: " + e2eImage, "  web:\n    image: " + other, false},
		{"environment value", `{A: "1", B: "2"}`, `{A: "1", B: "3"}`, false},
		{"environment added", `{A: "1", B: "2"}`, `{A: "1", B: "2", C: "4"}`, false},
		{"container label", "labels: {tier: web}", "labels: {tier: front}", false},
		{"deploy label", "labels: {team: a}", "labels: {team: b}", false},
		{"replicas up", "replicas: 1", "replicas: 3", false},
		{"replicas down", "replicas: 1", "replicas: 1", false}, // after "replicas up": 3 → 1
		{"update_config", "update_config: {order: stop-first}", "update_config: {order: start-first, parallelism: 2}", false},
		{"rollback_config", "update_config: {order: stop-first}", "update_config: {order: stop-first}\n      rollback_config: {parallelism: 3}", false},
		{"memory limit", "memory: 64M", "memory: 96M", false},
		{"cpu reservation", "resources: {limits: {memory: 64M}}", "resources: {limits: {memory: 64M}, reservations: {cpus: \"0.1\"}}", false},
		{"restart policy", "replicas: 1\n", "replicas: 1\n      restart_policy: {condition: any, delay: 3s}\n", false},
		{"secret rotated", "s: {file: ./s1.txt}", "s: {file: ./s2.txt, name: " + stack + "_s_v2}", false},
		{"config changed", "c: {file: ./c1.txt}", "c: {file: ./c2.txt, name: " + stack + "_c_v2}", false},
		{"network added", "    command: [sleep, \"3600\"]\n", "    command: [sleep, \"3600\"]\n    networks: [default, extra]\n", false},
		{"port published", "    command: [sleep, \"3600\"]\n", "    command: [sleep, \"3600\"]\n    ports: [\"18080:80\"]\n", false},
		{"endpoint mode", "replicas: 1\n", "replicas: 1\n      endpoint_mode: dnsrr\n", false},
		{"constraint the node meets", "replicas: 1\n", "replicas: 1\n      placement: {constraints: [node.role == manager]}\n", false},
		{"healthcheck", "    command: [sleep, \"3600\"]\n", "    command: [sleep, \"3600\"]\n    healthcheck: {test: [CMD, sleep, \"0\"], interval: 5s}\n", false},
		{"command", `command: [sleep, "3600"]`, `command: [sleep, "3700"]`, false},
		{"hostname", "    command: [sleep, \"3600\"]\n", "    command: [sleep, \"3600\"]\n    hostname: web1\n", false},
		{"stop grace period", "    command: [sleep, \"3600\"]\n", "    command: [sleep, \"3600\"]\n    stop_grace_period: 3s\n", false},
		{"service added", "secrets:\n", "  cron:\n    image: " + e2eImage + "\n    command: [sleep, \"3602\"]\nsecrets:\n", false},
		{"service removed without --prune", "  worker:\n    image: " + e2eImage + "\n    command: [sleep, \"3601\"]\n    stop_signal: SIGKILL\n", "", false},
		{"service removed with --prune", "  worker:\n    image: " + e2eImage + "\n    command: [sleep, \"3601\"]\n    stop_signal: SIGKILL\n", "", true},
		{"service back, restart: on-failure:2", "    command: [sleep, \"3601\"]\n", "    command: [sleep, \"3601\"]\n    restart: on-failure:2\n", false},
		// Last: a task no node can take stays pending, and the update that made it never completes.
		{"constraint the node does not meet", "replicas: 1\n", "replicas: 1\n      placement: {constraints: [node.labels.sgplan_nowhere == true]}\n", false},
	}
	net := "networks:\n  extra: {}\n"
	file := filepath.Join(dir, "stack.yml")
	deploy := func(body string, prune bool) {
		t.Helper()
		write(t, file, []byte(body), 0o644)
		args := []string{"stack", "deploy", "-c", file, "--resolve-image", "never"}
		if prune {
			args = append(args, "--prune")
		}
		sh(t, nil, "docker", append(args, stack)...)
		waitStack(t, stack)
	}
	deploy(base+net, false)

	var table []string
	failed := 0
	for _, ed := range edits {
		body := base + net
		if ed.from != "" {
			if !strings.Contains(body, ed.from) {
				t.Fatalf("%s: the base has no %q", ed.name, ed.from)
			}
			body = strings.Replace(body, ed.from, ed.to, 1)
		}
		write(t, file, []byte(body), 0o644)
		args := []string{"plan", "--format", "json", "--resolve-image", "never", "-c", file}
		if ed.prune {
			args = append(args, "--prune")
		}
		var out, errb bytes.Buffer
		if code := run(append(args, stack), os.Environ(), strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("%s: stackgen plan: exit %d\n%s", ed.name, code, errb.String())
		}
		var p plan.Plan
		if err := json.Unmarshal(out.Bytes(), &p); err != nil {
			t.Fatalf("%s: plan output: %v\n%s", ed.name, err, out.String())
		}
		before := observeStack(t, stack)
		t.Logf("%s: deploying", ed.name)
		deploy(body, ed.prune)
		after := observeStack(t, stack)
		for _, s := range p.Services {
			observed, fields := what(before[s.Name], after[s.Name])
			predicted := string(s.Action)
			if s.Action == plan.Leave {
				predicted = "unchanged" // not in the file: deploy without --prune leaves it as it is
			}
			var planned []string
			for _, c := range s.Changes {
				planned = append(planned, c.Field)
			}
			sort.Strings(planned)
			ok := predicted == observed && strings.Join(planned, ",") == strings.Join(fields, ",")
			mark := "ok  "
			if !ok {
				mark = "FAIL"
				failed++
			}
			table = append(table, fmt.Sprintf("%s  %-34s %-22s predicted %-9s observed %-9s fields %v / %v", mark, ed.name, strings.TrimPrefix(s.Name, stack+"_"), predicted, observed, planned, fields))
		}
	}
	t.Logf("edit, service, predicted, observed, fields planned / changed in docker service inspect:\n%s", strings.Join(table, "\n"))
	if failed > 0 {
		t.Fatalf("%d of %d verdicts differ from what Swarm did (table above)", failed, len(table))
	}
	_ = node
}

// observed is a service as seen before or after a deploy.
type observed struct {
	spec    map[string]any
	running []string // task IDs Swarm keeps running (or pending)
}

func observeStack(t *testing.T, stack string) map[string]observed {
	t.Helper()
	out := map[string]observed{}
	for _, name := range strings.Fields(sh(t, nil, "docker", "service", "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}}")) {
		var svcs []struct{ Spec map[string]any }
		if err := json.Unmarshal([]byte(sh(t, nil, "docker", "service", "inspect", name)), &svcs); err != nil || len(svcs) != 1 {
			t.Fatalf("docker service inspect %s: %v", name, err)
		}
		ids := strings.Fields(sh(t, nil, "docker", "service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", name))
		out[name] = observed{spec: svcs[0].Spec, running: ids}
	}
	return out
}

// what says what a deploy did to one service, as plan names it, and which fields changed.
func what(before, after observed) (string, []string) {
	switch {
	case before.spec == nil && after.spec == nil:
		return "absent", nil
	case before.spec == nil:
		return "create", nil
	case after.spec == nil:
		return "remove", nil
	}
	var fields []string
	for _, c := range plan.Changes(before.spec, after.spec) {
		fields = append(fields, c.Field)
	}
	sort.Strings(fields)
	added := 0
	for _, id := range after.running {
		if !containsString(before.running, id) {
			added++
		}
	}
	if grew := len(after.running) - len(before.running); added > max(0, grew) {
		return "restart", fields
	}
	specBefore, _ := json.Marshal(before.spec)
	specAfter, _ := json.Marshal(after.spec)
	if !bytes.Equal(specBefore, specAfter) {
		return "update", fields
	}
	return "unchanged", fields
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// waitStack waits until the stack has settled: no service updating, every task Swarm means to run
// running (or pending for want of a node), and nothing changed for three seconds, since Swarm takes
// a moment to start an update after docker stack deploy returns.
func waitStack(t *testing.T, stack string) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	last, since := "", time.Now()
	for {
		busy, snapshot := "", ""
		for _, name := range strings.Fields(sh(t, nil, "docker", "service", "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}}")) {
			state := strings.TrimSpace(sh(t, nil, "docker", "service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", name))
			tasks := strings.TrimSpace(sh(t, nil, "docker", "service", "ps", "--no-trunc", "--filter", "desired-state=running", "--format", "{{.ID}}\t{{.CurrentState}}\t{{.Error}}", name))
			// A task no node can take stays pending, and the update that made it never completes.
			unplaceable := strings.Contains(tasks, "no suitable node")
			for _, line := range strings.Split(tasks, "\n") {
				f := strings.Split(line, "\t")
				if len(f) >= 2 && !strings.HasPrefix(f[1], "Running") && !strings.HasPrefix(f[1], "Pending") {
					busy = name + " " + f[1]
				}
				if len(f) >= 2 {
					snapshot += f[0] + " " + strings.Fields(f[1] + " x")[0] + "\n"
				}
			}
			if (state == "updating" || state == "rollback_started") && !unplaceable {
				busy = name + " " + state
			}
			snapshot += name + " " + state + "\n"
		}
		if snapshot != last {
			last, since = snapshot, time.Now()
		}
		if busy == "" && time.Since(since) >= 3*time.Second {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack %s did not settle within 120 s: %s", stack, busy)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// removeStack removes a test stack and waits until its containers and networks are gone.
func removeStack(stack string) {
	_, _ = shErr(nil, "docker", "stack", "rm", stack)
	for i := 0; i < 60; i++ {
		if out, _ := shErr(nil, "docker", "ps", "-aq", "--filter", "label=com.docker.stack.namespace="+stack); strings.TrimSpace(out) == "" {
			break
		}
		time.Sleep(time.Second)
	}
	for _, kind := range []string{"network", "secret", "config"} {
		if out, _ := shErr(nil, "docker", kind, "ls", "-q", "--filter", "label=com.docker.stack.namespace="+stack); strings.TrimSpace(out) != "" {
			_, _ = shErr(nil, "docker", append([]string{kind, "rm"}, strings.Fields(out)...)...)
		}
	}
}

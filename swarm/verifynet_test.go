package swarm

import (
	"strings"
	"testing"
	"time"

	"github.com/webvig/stackgen/failure"
)

// healthyProbe is what the verify job prints against a correctly deployed default stack.
var healthyProbe = map[string]string{
	"address":                 "wheel_analyzer_redis:6379",
	"ping":                    "PONG",
	"noauth":                  "NOAUTH Authentication required.|", // redis-cli adds a blank line after an error
	"config save":             "save|900 1 300 10 60 10000",
	"config appendonly":       "appendonly|yes",
	"config appendfsync":      "appendfsync|everysec",
	"config maxmemory":        "maxmemory|402653184",
	"config maxmemory-policy": "maxmemory-policy|allkeys-lru",
	"persistence":             "# Persistence\r|loading:0\r|aof_enabled:1\r|aof_last_write_status:ok\r|",
}

// probeAnswers answer the verify job's docker commands: created, complete, its output, removed.
func probeAnswers(p map[string]string) []answer {
	var out strings.Builder
	for _, k := range []string{"address", "ping", "noauth", "config save", "config appendonly", "config appendfsync",
		"config maxmemory", "config maxmemory-policy", "persistence"} {
		if v, ok := p[k]; ok {
			out.WriteString(k + "\t" + v + "|\n")
		}
	}
	return []answer{
		{Re: `^service create --detach --quiet --name wheel_analyzer_redis_verify_[0-9]+ --mode replicated-job .*--network app_main --secret source=wheel_analyzer_redis_password_[0-9a-f]+,target=redis_password,mode=0400 --secret source=wheel_analyzer_redis_url_[0-9a-f]+,target=redis_url,mode=0400 --entrypoint /bin/sh \S+ -c `, Stdout: "job1\n"},
		{Re: `^service ps --no-trunc --format .* wheel_analyzer_redis_verify_[0-9]+$`, Stdout: "j1\tComplete\tComplete 1 second ago\t\n"},
		{Re: `^service logs --raw wheel_analyzer_redis_verify_[0-9]+$`, Stdout: out.String()},
		{Re: `^service rm wheel_analyzer_redis_verify_[0-9]+$`, Stdout: "wheel_analyzer_redis_verify\n"},
	}
}

func with(p map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for a, b := range p {
		out[a] = b
	}
	out[k] = v
	return out
}

// failedOnly runs Verify and fails unless exactly the checks named in want failed.
func failedOnly(t *testing.T, s *standIn, want ...string) []Check {
	t.Helper()
	spec, sealed := defaultSpec(t)
	checks, err := Verify(s.d, spec, sealed)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, c := range checks {
		if !c.OK {
			failed = append(failed, c.What)
		}
	}
	if strings.Join(failed, "\n") != strings.Join(want, "\n") {
		t.Fatalf("failed checks:\n%s\nwant:\n%s\nall: %+v", strings.Join(failed, "\n"), strings.Join(want, "\n"), checks)
	}
	calls := strings.Join(s.calls(), "\n")
	if strings.Contains(calls, "service ps --no-trunc --format") && !strings.Contains(calls, "service rm wheel_analyzer_redis_verify_") {
		t.Fatalf("the verify job was created but not removed: %q", s.calls())
	}
	return checks
}

func observed(checks []Check, what string) string {
	for _, c := range checks {
		if c.What == what {
			return c.Observed
		}
	}
	return ""
}

const (
	netPing   = "PING over the network at REDIS_URL's host answers PONG"
	netNoAuth = "PING over the network without the password is refused"
	netMode   = "endpoint mode is dnsrr (the name resolves to the task, no VIP)"
)

func TestVerifyOverTheNetworkFails(t *testing.T) {
	t.Run("the URL's host does not answer", func(t *testing.T) {
		s := newStandIn(t, append(probeAnswers(with(healthyProbe, "ping", "Could not connect to Redis at wheel_analyzer_redis:6379: No route to host")), healthy(t)...))
		checks := failedOnly(t, s, netPing)
		if o := observed(checks, netPing); !strings.Contains(o, "No route to host") || !strings.Contains(o, "at wheel_analyzer_redis:6379, from a job on app_main") {
			t.Fatalf("observed %q does not say which address failed", o)
		}
	})
	t.Run("answers without the password", func(t *testing.T) {
		s := newStandIn(t, append(probeAnswers(with(healthyProbe, "noauth", "PONG")), healthy(t)...))
		failedOnly(t, s, netNoAuth)
	})
	t.Run("a virtual IP", func(t *testing.T) {
		s := newStandIn(t, append([]answer{{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, func(svc map[string]any) {
			delete(at(svc, "Spec"), "EndpointSpec")
		})}}, healthy(t)...))
		if o := observed(failedOnly(t, s, netMode), netMode); o != "vip" {
			t.Fatalf("observed %q, want vip", o)
		}
	})
	t.Run("the job fails", func(t *testing.T) {
		s := newStandIn(t, append([]answer{{Re: `^service ps --no-trunc --format .* wheel_analyzer_redis_verify_`,
			Stdout: "j1\tShutdown\tRejected 1 second ago\tNo such image: redis:6.2-alpine\n"}}, healthy(t)...))
		checks := failedOnly(t, s, netPing, netNoAuth)
		if o := observed(checks, netPing); !strings.Contains(o, "No such image") {
			t.Fatalf("observed %q does not carry the job's error", o)
		}
	})
	t.Run("the job cannot be created", func(t *testing.T) {
		s := newStandIn(t, append([]answer{{Re: `^service create`, Stderr: "Error response from daemon: secret not found: x\n", Exit: 1}}, healthy(t)...))
		failedOnly(t, s, netPing, netNoAuth)
	})
}

// remote answers as a Swarm whose task runs on another node: the container is not here.
func remote(t *testing.T, p map[string]string) []answer {
	return append(append([]answer{{Re: `^container inspect --format \{\{\.ID\}\} cid1$`, Stderr: "Error: No such container: cid1\n", Exit: 1}},
		probeAnswers(p)...), healthy(t)...)
}

func TestVerifyTaskOnAnotherNode(t *testing.T) {
	s := newStandIn(t, remote(t, healthyProbe))
	checks := failedOnly(t, s)
	for _, c := range s.calls() {
		if strings.HasPrefix(c, "exec ") {
			t.Fatalf("verify ran docker exec although the container is on another node: %q", c)
		}
	}
	if len(checks) != verifyChecks-2 { // no in-container PINGs: the network's cover them
		t.Fatalf("%d checks, want %d", len(checks), verifyChecks-2)
	}
	tests := []struct{ key, value, check string }{
		{"config maxmemory", "maxmemory|384000000", `CONFIG GET maxmemory is "402653184"`},
		{"config save", "save|", `CONFIG GET save is "900 1 300 10 60 10000"`},
		{"persistence", "aof_enabled:0|aof_last_write_status:ok", "the AOF is on and its last write succeeded"},
		{"persistence", "aof_enabled:1|aof_last_write_status:err", "the AOF is on and its last write succeeded"},
		{"ping", "NOAUTH Authentication required.", netPing},
	}
	for _, tc := range tests {
		t.Run(tc.check+" "+tc.value, func(t *testing.T) {
			failedOnly(t, newStandIn(t, remote(t, with(healthyProbe, tc.key, tc.value))), tc.check)
		})
	}
	t.Run("not running", func(t *testing.T) {
		s := newStandIn(t, append([]answer{{Re: `^service ps .*desired-state=running`, Stdout: "task1 Starting 2 seconds ago\n"}}, remote(t, healthyProbe)...))
		spec, sealed := defaultSpec(t)
		if _, err := Verify(s.d, spec, sealed); err == nil || failure.Status(err) != 1 {
			t.Fatalf("error %v, want not converged", err)
		}
	})
}

// TestDiagnosisGroupsByTask: a crash loop on a corrupt AOF, with the restart budget spent. The logs
// come interleaved and repeated; the hints say the cause in one line, then each task's lines once,
// newest task first.
func TestDiagnosisGroupsByTask(t *testing.T) {
	spent := liveService(t, func(svc map[string]any) {
		at(svc, "Spec", "TaskTemplate", "RestartPolicy")["MaxAttempts"] = 2
	})
	logs := strings.Join([]string{
		"2026-11-27T10:00:01.000000000Z wheel_analyzer_redis.1.aaa111@wrk    | 1:C 27 Nov 10:00:01 * Redis version=6.2.16",
		"2026-11-27T10:00:11.000000000Z wheel_analyzer_redis.1.bbb222@wrk    | 1:C 27 Nov 10:00:11 * Redis version=6.2.16",
		"2026-11-27T10:00:01.100000000Z wheel_analyzer_redis.1.aaa111@wrk    | 1:M 27 Nov 10:00:01 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>",
		"2026-11-27T10:00:11.100000000Z wheel_analyzer_redis.1.bbb222@wrk    | 1:M 27 Nov 10:00:11 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>",
		"2026-11-27T10:00:11.100000000Z wheel_analyzer_redis.1.bbb222@wrk    | 1:M 27 Nov 10:00:11 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>",
	}, "\n") + "\n"
	s := newStandIn(t, []answer{
		{Re: `^service inspect wheel_analyzer_redis$`, Stdout: spent},
		{Re: `^service ps --no-trunc --format`, Stdout: "bbb222\tShutdown\tFailed 5 seconds ago\ttask: non-zero exit (1)\naaa111\tShutdown\tFailed 15 seconds ago\ttask: non-zero exit (1)\n"},
		{Re: `^service logs --timestamps --no-trunc --tail 50 wheel_analyzer_redis$`, Stdout: logs},
		{Re: `^inspect --format`, Stdout: "\n"},
	})
	err := Wait(s.d, "wheel_analyzer_redis", nil, time.Millisecond, func(string) {})
	hints := failure.Hints(err)
	want := []string{
		"cause: task bbb222: task: non-zero exit (1); Redis: 1:M 27 Nov 10:00:11 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>; " +
			"the restart budget (max_attempts 2) is spent: Swarm will not restart it; recover: repair the AOF on the node that holds the volume (redis-check-aof --fix), then docker service update --force wheel_analyzer_redis",
		"log: task bbb222 on wrk: 1:C 27 Nov 10:00:11 * Redis version=6.2.16",
		"log: task bbb222 on wrk: 1:M 27 Nov 10:00:11 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>",
		"log: task aaa111 on wrk: 1:C 27 Nov 10:00:01 * Redis version=6.2.16",
		"log: task aaa111 on wrk: 1:M 27 Nov 10:00:01 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>",
	}
	if strings.Join(hints, "\n") != strings.Join(want, "\n") {
		t.Fatalf("hints:\n%s\nwant:\n%s", strings.Join(hints, "\n"), strings.Join(want, "\n"))
	}

	// With no attempt limit the cause line says Swarm keeps trying.
	s = newStandIn(t, []answer{
		{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, nil)},
		{Re: `^service ps --no-trunc --format`, Stdout: "ccc333\tRunning\tStarting 1 second ago\t\nbbb222\tShutdown\tFailed 5 seconds ago\ttask: non-zero exit (1)\n"},
		{Re: `^service logs`, Stdout: logs},
		{Re: `^inspect --format`, Stdout: "\n"},
	})
	err = Wait(s.d, "wheel_analyzer_redis", nil, time.Millisecond, func(string) {})
	if h := failure.Hints(err); len(h) == 0 || !strings.Contains(h[0], "no restart limit: Swarm keeps restarting it") || !strings.HasPrefix(h[0], "cause: task bbb222: task: non-zero exit (1); Redis: ") {
		t.Fatalf("hints %q", h)
	}
}

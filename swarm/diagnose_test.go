package swarm

import (
	"strings"
	"testing"
)

func TestParseLogLine(t *testing.T) {
	for _, tc := range []struct {
		line, ts, task, node, msg string
	}{
		{"2026-11-27T10:00:01.000000000Z wheel_analyzer_redis.1.aaa111@wrk    | 1:M ready", "2026-11-27T10:00:01.000000000Z", "aaa111", "wrk", "1:M ready"},
		{"wheel_analyzer_redis.1.aaa111@wrk    | 1:M ready\r", "", "aaa111", "wrk", "1:M ready"},
		{"2026-11-27T10:00:01Z wheel_analyzer_redis.1.aaa111    | x", "2026-11-27T10:00:01Z", "aaa111", "", "x"},
		{"2026-11-27T10:00:01Z redis@wrk | x", "2026-11-27T10:00:01Z", "", "wrk", "x"},
		{"  | only a message ", "", "", "", "only a message"},
		{"  no prefix at all  ", "", "", "", "no prefix at all"},
	} {
		ts, task, node, msg := parseLogLine(tc.line)
		if ts != tc.ts || task != tc.task || node != tc.node || msg != tc.msg {
			t.Errorf("parseLogLine(%q) = %q, %q, %q, %q; want %q, %q, %q, %q", tc.line, ts, task, node, msg, tc.ts, tc.task, tc.node, tc.msg)
		}
	}
}

// TestDiagnosisOrder: the tasks `service ps` lists come first, newest first, whatever order their
// lines arrive in; tasks it no longer lists follow, the one with the newest line first (in the order
// they appear when as new). The cause
// names the first fatal line of the newest task that has one.
func TestDiagnosisOrder(t *testing.T) {
	line := func(ts, task, msg string) string {
		return "2026-11-27T" + ts + ".000000000Z wheel_analyzer_redis.1." + task + "@wrk    | " + msg
	}
	logs := strings.Join([]string{
		line("09:00:00", "old1", "1:M old one"),
		line("09:00:00", "old3", "1:M old three, as new as old one"),
		line("08:00:00", "old2", "1:M old two, first line"),
		line("10:00:01", "t1", "1:M Fatal error loading the DB"),
		line("10:00:03", "t3", "1:M starting"),
		line("10:00:02", "t2", "1:M Bad file format reading the append only file"),
		line("09:30:00", "old2", "1:M old two, newest line"),
		line("10:00:02", "t2", "1:M Bad file format reading the append only file"),
	}, "\n") + "\n"
	s := newStandIn(t, []answer{
		{Re: `^service logs --timestamps --no-trunc --tail 50 wheel_analyzer_redis$`, Stdout: logs},
		{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, func(svc map[string]any) {
			at(svc, "Spec", "TaskTemplate", "RestartPolicy")["MaxAttempts"] = 5
		})},
	})
	tasks := []Task{
		{ID: "t3", Desired: "Running", Current: "Starting 1 second ago"},
		{ID: "t2", Desired: "Shutdown", Current: "Rejected 2 seconds ago", Err: "task: non-zero exit (1)"},
		{ID: "t1", Desired: "Shutdown", Current: "Failed 3 seconds ago", Err: "task: non-zero exit (1)"},
		{ID: "t0", Desired: "Shutdown", Current: "Failed 4 seconds ago"},
	}
	got := strings.Join(diagnose(s.d, "wheel_analyzer_redis", tasks), "\n")
	want := strings.Join([]string{
		"cause: task t2: task: non-zero exit (1); Redis: 1:M Bad file format reading the append only file; 3 of max_attempts 5 restarts used; " +
			"recover: repair the AOF on the node that holds the volume (redis-check-aof --fix), then docker service update --force wheel_analyzer_redis",
		"log: task t3 on wrk: 1:M starting",
		"log: task t2 on wrk: 1:M Bad file format reading the append only file",
		"log: task t1 on wrk: 1:M Fatal error loading the DB",
		"log: task old2 on wrk: 1:M old two, first line",
		"log: task old2 on wrk: 1:M old two, newest line",
		"log: task old1 on wrk: 1:M old one",
		"log: task old3 on wrk: 1:M old three, as new as old one",
	}, "\n")
	if got != want {
		t.Fatalf("hints:\n%s\nwant:\n%s", got, want)
	}
}

// TestRestartBudget: what the cause line says about Swarm's next restart, from the service's
// max_attempts and the tasks that failed (an error, or a state that starts with Failed).
func TestRestartBudget(t *testing.T) {
	failed := Task{ID: "a", Desired: "Shutdown", Current: "Failed 5 seconds ago"}
	rejected := Task{ID: "b", Desired: "Shutdown", Current: "Rejected 5 seconds ago", Err: "no suitable node"}
	running := Task{ID: "c", Desired: "Running", Current: "Running 1 second ago"}
	ready := Task{ID: "d", Desired: "Ready", Current: "Preparing 1 second ago"}
	for _, tc := range []struct {
		name        string
		maxAttempts int // 0: the key absent
		tasks       []Task
		want        string
	}{
		{"no limit", 0, []Task{failed, failed, failed}, "no restart limit: Swarm keeps restarting it"},
		{"spent", 2, []Task{rejected, failed}, "the restart budget (max_attempts 2) is spent: Swarm will not restart it"},
		{"one left", 3, []Task{rejected, failed}, "2 of max_attempts 3 restarts used"},
		{"spent but one running", 2, []Task{running, rejected, failed}, "2 of max_attempts 2 restarts used"},
		{"spent but one ready", 2, []Task{ready, rejected, failed}, "2 of max_attempts 2 restarts used"},
		{"none failed", 1, []Task{running}, "0 of max_attempts 1 restarts used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, []answer{{Re: `^service inspect svc$`, Stdout: liveService(t, func(svc map[string]any) {
				if tc.maxAttempts > 0 {
					at(svc, "Spec", "TaskTemplate", "RestartPolicy")["MaxAttempts"] = tc.maxAttempts
				}
			})}})
			if got := budget(s.d, "svc", tc.tasks); got != tc.want {
				t.Errorf("budget: %q, want %q", got, tc.want)
			}
		})
	}
	s := newStandIn(t, []answer{{Re: `^service inspect svc$`, Stderr: "no such service", Exit: 1}})
	if got := budget(s.d, "svc", []Task{failed}); got != "restart budget unknown" {
		t.Errorf("budget without the service: %q", got)
	}
}

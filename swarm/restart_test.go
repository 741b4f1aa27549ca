package swarm

import (
	"strings"
	"testing"
	"time"
)

// restartScript answers a restart test: task1 in container cid1 until `service update --force`
// runs, then task2 in cid2; the marker key is set, kept and deleted. A test puts a wrong answer in
// front.
func restartScript(t *testing.T) []answer {
	cli := `^exec (cid1|cid2) /bin/sh -c REDISCLI_AUTH=(?s:.*) redis-cli `
	return []answer{
		{Re: `^service update --force --detach=true --quiet wheel_analyzer_redis$`, Mark: "restarted"},
		{Re: `^service ps --no-trunc --filter desired-state=running`, When: "restarted", Stdout: "task2 Running 1 second ago\n"},
		{Re: `^service ps --no-trunc --filter desired-state=running`, Stdout: "task1 Running 2 minutes ago\n"},
		{Re: `^service ps --no-trunc --format`, When: "restarted", Stdout: "task2\tRunning\tRunning 1 second ago\t\ntask1\tShutdown\tShutdown 2 seconds ago\t\n"},
		{Re: `^inspect --format \{\{\.Status\.ContainerStatus\.ContainerID\}\} task1$`, Stdout: "cid1\n"},
		{Re: `^inspect --format \{\{\.Status\.ContainerStatus\.ContainerID\}\} task2$`, Stdout: "cid2\n"},
		{Re: `^container inspect --format \{\{\.ID\}\} (cid1|cid2)$`, Stdout: "cid\n"},
		{Re: `^container inspect --format \{\{if \.State\.Health\}\}`, Stdout: "healthy\n"},
		{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, nil)},
		{Re: cli + `set stackgen:verify:[0-9]+ kept$`, Stdout: "OK\n"},
		{Re: cli + `get stackgen:verify:[0-9]+$`, Stdout: "kept\n"},
		{Re: cli + `del stackgen:verify:[0-9]+$`, Stdout: "(integer) 1\n"},
	}
}

var restartChecks = []string{
	"restart test: SET a marker key",
	"restart test: a new container runs",
	"restart test: the marker survived the restart",
	"restart test: marker deleted",
}

func TestRestartTest(t *testing.T) {
	spec, _ := defaultSpec(t)
	s := newStandIn(t, restartScript(t))
	var progress []string
	checks := RestartTest(s.d, spec, 5*time.Second, func(line string) { progress = append(progress, line) })
	var what []string
	for _, c := range checks {
		what = append(what, c.What)
		if !c.OK {
			t.Errorf("FAIL %s (%s)", c.What, c.Observed)
		}
	}
	if strings.Join(what, "\n") != strings.Join(restartChecks, "\n") {
		t.Fatalf("checks:\n%s\nwant:\n%s", strings.Join(what, "\n"), strings.Join(restartChecks, "\n"))
	}
	if len(progress) == 0 || !strings.Contains(progress[len(progress)-1], "task running, health healthy") {
		t.Errorf("progress %q", progress)
	}
	var set, get string
	for _, c := range s.calls() {
		if strings.Contains(c, "redis-cli set ") {
			set = c[strings.Index(c, "stackgen:verify:"):strings.LastIndex(c, " kept")]
		}
		if strings.Contains(c, "redis-cli get ") || strings.Contains(c, "redis-cli del ") {
			if !strings.HasPrefix(c, "exec cid2 ") {
				t.Errorf("read the marker from the old container: %q", c)
			}
			get = c[strings.Index(c, "stackgen:verify:"):]
		}
	}
	if set == "" || set != get {
		t.Errorf("set %q, read back %q: not the same key", set, get)
	}
}

// TestRestartTestFails: each thing that can go wrong fails its own check, and a step that cannot go
// on ends the test there.
func TestRestartTestFails(t *testing.T) {
	spec, _ := defaultSpec(t)
	for _, tc := range []struct {
		name  string
		wrong answer
		want  []string // the checks reported
		fails string   // the one that fails
	}{
		{"no running task", answer{Re: `^service ps --no-trunc --filter desired-state=running`, Stdout: ""},
			[]string{"restart test: find the container"}, "restart test: find the container"},
		{"SET refused", answer{Re: `redis-cli set `, Stdout: "(error) READONLY You can't write against a read only replica.\n"},
			restartChecks, "restart test: SET a marker key"},
		{"update refused", answer{Re: `^service update`, Stderr: "Error response from daemon: rpc error\n", Exit: 1},
			[]string{restartChecks[0], "restart test: docker service update --force"}, "restart test: docker service update --force"},
		{"never healthy again", answer{Re: `^service inspect wheel_analyzer_redis$`, When: "restarted", Stderr: "Error response from daemon: rpc error\n", Exit: 1},
			[]string{restartChecks[0], "restart test: healthy again after the restart"}, "restart test: healthy again after the restart"},
		{"same container", answer{Re: `^inspect --format \{\{\.Status\.ContainerStatus\.ContainerID\}\} task2$`, Stdout: "cid1\n"},
			restartChecks, "restart test: a new container runs"},
		{"new task not found", answer{Re: `^inspect --format \{\{\.Status\.ContainerStatus\.ContainerID\}\} task2$`, When: "restarted", Stderr: "no such task\n", Exit: 1},
			restartChecks[:2], "restart test: a new container runs"},
		{"marker lost", answer{Re: `redis-cli get `, Stdout: "\n"}, restartChecks, "restart test: the marker survived the restart"},
		{"marker not deleted", answer{Re: `redis-cli del `, Stdout: "(integer) 0\n"}, restartChecks, "restart test: marker deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, append([]answer{tc.wrong}, restartScript(t)...))
			checks := RestartTest(s.d, spec, 2*time.Second, func(string) {})
			var what []string
			for _, c := range checks {
				what = append(what, c.What)
			}
			if strings.Join(what, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("checks:\n%s\nwant:\n%s", strings.Join(what, "\n"), strings.Join(tc.want, "\n"))
			}
			var failed []string
			for _, c := range checks {
				if !c.OK {
					failed = append(failed, c.What)
				}
			}
			if len(failed) != 1 || failed[0] != tc.fails {
				t.Fatalf("failed %q, want only %q: %+v", failed, tc.fails, checks)
			}
		})
	}
}

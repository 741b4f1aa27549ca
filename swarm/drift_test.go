package swarm

import (
	"strings"
	"testing"
	"time"
)

// TestDriftObserved: what a failing drift check shows of the live service.
func TestDriftObserved(t *testing.T) {
	spec, sealed := defaultSpec(t)
	cs := func(svc map[string]any) map[string]any { return at(svc, "Spec", "TaskTemplate", "ContainerSpec") }
	const health = "health check is the render's authenticated PING"
	for _, tc := range []struct {
		name, check, observed string
		breakIt               func(svc map[string]any)
	}{
		{"no health check", health, "none", func(svc map[string]any) { delete(cs(svc), "Healthcheck") }},
		{"another health check", health, "differs: CMD redis-cli --raw incr ping, every 10s, timeout 3s, 3 retries", func(svc map[string]any) {
			cs(svc)["Healthcheck"] = map[string]any{"Test": []string{"CMD", "redis-cli", "--raw", "incr", "ping"}, "Interval": 10e9, "Timeout": 3e9, "Retries": 3}
		}},
		{"slower health check", health, "as rendered, every 30s, timeout 3s, 3 retries", func(svc map[string]any) { at(cs(svc), "Healthcheck")["Interval"] = 30e9 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, append([]answer{{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, tc.breakIt)}}, healthy(t)...))
			checks, err := Verify(s.d, spec, sealed)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range checks {
				if c.What == tc.check {
					if c.OK || c.Observed != tc.observed {
						t.Fatalf("%s: ok=%v, observed %q; want FAIL, observed %q", c.What, c.OK, c.Observed, tc.observed)
					}
					return
				}
			}
			t.Fatalf("no check %q in %+v", tc.check, checks)
		})
	}
}

func TestSameShowsTheStart(t *testing.T) {
	want := []string{"a"}
	sixty := strings.Repeat("x", 60)
	for _, tc := range []struct {
		got  []string
		want string
	}{
		{[]string{"a"}, "as rendered"},
		{nil, "differs: nothing"},
		{[]string{sixty}, "differs: " + sixty},
		{[]string{sixty + "y"}, "differs: " + sixty + "..."},
		{[]string{strings.Repeat("x", 30), strings.Repeat("y", 30)}, "differs: " + strings.Repeat("x", 30) + " " + strings.Repeat("y", 29) + "..."},
	} {
		if s := same(tc.got, want); s != tc.want {
			t.Errorf("same(%q) = %q, want %q", tc.got, s, tc.want)
		}
	}
}

// TestRestartText: an explicit max_attempts 0 in the spec means no limit, as Swarm reads a 0 on the
// live service (swarmkit manager/orchestrator/restart/restart.go, shouldRestart: a MaxAttempts of 0
// never stops restarts).
func TestRestartText(t *testing.T) {
	zero, three := 0, 3
	for _, tc := range []struct {
		max  *int
		want string
	}{
		{nil, "condition any, delay 5s, no attempt limit"},
		{&zero, "condition any, delay 5s, no attempt limit"},
		{&three, "condition any, delay 5s, at most 3 attempts"},
	} {
		if got := restartText("any", 5*time.Second, tc.max, 0); got != tc.want {
			t.Errorf("restartText(max %v) = %q, want %q", tc.max, got, tc.want)
		}
	}
	if got := restartText("on-failure", 0, &three, 2*time.Minute); !strings.Contains(got, "2m0s") {
		t.Errorf("the window is not shown: %q", got)
	}
}

package swarm

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

// fakeBin is the recording stand-in docker (testdata/fakedocker), built once for the package's tests.
var fakeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fakedocker")
	if err != nil {
		panic(err)
	}
	fakeBin = filepath.Join(dir, "docker")
	if out, err := exec.Command("go", "build", "-o", fakeBin, "./testdata/fakedocker").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type answer struct {
	Re     string `json:"re"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Exit   int    `json:"exit"`
	When   string `json:"when,omitempty"` // the answer applies once a "mark" answer has run
	Mark   string `json:"mark,omitempty"`
}

type standIn struct {
	t   *testing.T
	dir string
	d   *Docker
}

// newStandIn points a Docker at the stand-in, answering from script (first match wins).
func newStandIn(t *testing.T, script []answer) *standIn {
	t.Helper()
	s := &standIn{t: t, dir: t.TempDir()}
	data, err := json.Marshal(script)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "script.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_DOCKER", s.dir)
	s.d = &Docker{Path: fakeBin, Timeout: 10 * time.Second}
	return s
}

// calls lists the argv of every docker call, space-joined.
func (s *standIn) calls() []string {
	data, _ := os.ReadFile(filepath.Join(s.dir, "argv.jsonl"))
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var args []string
		if json.Unmarshal([]byte(line), &args) == nil {
			out = append(out, strings.Join(args, " "))
		}
	}
	return out
}

func defaultSpec(t *testing.T) (*generator.Spec, []byte) {
	t.Helper()
	data, _ := stacks.FS.ReadFile(stacks.Default)
	sealed, _ := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	spec, err := generator.ParseSpec("stacks/"+stacks.Default, data)
	if err != nil {
		t.Fatal(err)
	}
	return spec, sealed
}

const nodesJSON = `[{"ID":"m1","Spec":{"Role":"manager","Availability":"active"},"Description":{"Hostname":"mgr"},"Status":{"State":"ready"}},
 {"ID":"w1","Spec":{"Role":"worker","Availability":"active","Labels":{"wheel_analyzer.redis":"true"}},"Description":{"Hostname":"wrk"},"Status":{"State":"ready"}}]`

func preflightScript(info, network string, networkExit int) []answer {
	return []answer{
		{Re: `^info `, Stdout: info + "\n"},
		{Re: `^network inspect`, Stdout: network, Stderr: map[bool]string{true: "Error response from daemon: network app_main not found\n"}[networkExit != 0], Exit: networkExit},
		{Re: `^node ls`, Stdout: "m1\nw1\n"},
		{Re: `^node inspect m1 w1$`, Stdout: nodesJSON},
	}
}

func TestPreflight(t *testing.T) {
	spec, _ := defaultSpec(t)
	tests := []struct {
		name          string
		script        []answer
		createNetwork bool
		want          string // "" passes
		hint          string
	}{
		{"ready", preflightScript("active true", "overlay swarm\n", 0), false, "", ""},
		{"a worker, not a manager", preflightScript("active false", "", 0), false, "this Docker daemon is a Swarm worker, not a manager", "DOCKER_HOST=ssh://MANAGER"},
		{"no swarm", preflightScript("inactive false", "", 0), false, `not part of a Swarm (state "inactive false")`, "docker swarm init"},
		{"missing network", preflightScript("active true", "", 1), false, `network "app_main" does not exist`, "docker network create --driver overlay --scope swarm app_main"},
		{"missing network, --create-network", preflightScript("active true", "", 1), true, "", ""},
		{"a local bridge of that name", preflightScript("active true", "bridge local\n", 0), false, `network "app_main" is "bridge local", not an overlay network of swarm scope`, "remove it"},
		{"an overlay of local scope", preflightScript("active true", "overlay local\n", 0), false, "not an overlay network of swarm scope", "remove it"},
		{"a bridge with --create-network", preflightScript("active true", "bridge local\n", 0), true, "not an overlay network of swarm scope", "remove it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, tc.script)
			_, err := Preflight(s.d, spec, PreflightOptions{CreateNetwork: tc.createNetwork})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("preflight failed: %v\ncalls: %q", err, s.calls())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if h := strings.Join(failure.Hints(err), "\n"); !strings.Contains(h, tc.hint) {
				t.Errorf("hints %q, want %q", h, tc.hint)
			}
			for _, c := range s.calls() {
				if !strings.HasPrefix(c, "info ") && !strings.HasPrefix(c, "network inspect") && !strings.HasPrefix(c, "node ") {
					t.Errorf("preflight ran %q; it must only look", c)
				}
			}
		})
	}
}

func TestApplyAndPruneSecrets(t *testing.T) {
	spec, sealed := defaultSpec(t)
	pwName, urlName := spec.SecretName(sealed), spec.URLSecretName(sealed)
	pw := []byte(`a "quoted" p@ss:word/with %`)
	s := newStandIn(t, []answer{
		{Re: `^secret inspect --format \{\{\.ID\}\} ` + pwName + `$`, Stdout: "abc\n"},
		{Re: `^secret inspect`, Stderr: "Error response from daemon: secret " + urlName + " not found\n", Exit: 1},
		{Re: `^secret create`, Stdout: "newid\n"},
	})
	got, err := ApplySecrets(s.d, spec, sealed, pw)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (SecretResult{pwName, false}) || got[1] != (SecretResult{urlName, true}) {
		t.Fatalf("results %+v", got)
	}
	value, err := os.ReadFile(filepath.Join(s.dir, "secrets", urlName))
	if err != nil || string(value) != spec.RedisURL(pw) {
		t.Fatalf("the URL secret holds %q (%v), want the URL", value, err)
	}
	for _, c := range s.calls() {
		if strings.Contains(c, string(pw)) || strings.Contains(c, "p@ss") {
			t.Fatalf("the password reached docker's argv: %q", c)
		}
	}
	want := "secret create --label com.stackgen.stack=wheel_analyzer --label com.stackgen.spec=stacks/wheel_analyzer/stack.yaml --label com.stackgen.kind=url " + urlName + " -"
	if calls := s.calls(); calls[len(calls)-1] != want {
		t.Fatalf("last call %q, want %q", calls[len(calls)-1], want)
	}

	// A daemon that cannot answer is an error, never "does not exist".
	s = newStandIn(t, []answer{{Re: `^secret inspect`, Stderr: "Error response from daemon: This node is not a swarm manager.\n", Exit: 1}})
	if _, err := ApplySecrets(s.d, spec, sealed, pw); err == nil || !strings.Contains(err.Error(), "not a swarm manager") {
		t.Fatalf("error %v", err)
	}
	for _, c := range s.calls() {
		if strings.HasPrefix(c, "secret create") {
			t.Fatal("created a secret after a failed inspect")
		}
	}

	// Prune keeps the current generation and anything a service still uses.
	s = newStandIn(t, []answer{
		{Re: `^secret ls`, Stdout: "old_pw\nold_url\n" + pwName + "\n" + urlName + "\n"},
		{Re: `^service ls`, Stdout: "wheel_analyzer_redis\nother\n"},
		{Re: `^service inspect --format .* wheel_analyzer_redis other$`, Stdout: "old_pw \n\n"},
		{Re: `^secret rm old_url$`},
	})
	removed, err := PruneSecrets(s.d, "wheel_analyzer", []string{pwName, urlName})
	if err != nil || strings.Join(removed, ",") != "old_url" {
		t.Fatalf("pruned %q, %v; want only old_url", removed, err)
	}

	// With no service at all nothing is asked of `service inspect` (it refuses no names).
	s = newStandIn(t, []answer{
		{Re: `^secret ls`, Stdout: "old_pw\n" + pwName + "\n"},
		{Re: `^service ls`, Stdout: "\n"},
		{Re: `^secret rm old_pw$`},
	})
	removed, err = PruneSecrets(s.d, "wheel_analyzer", []string{pwName, urlName})
	if err != nil || strings.Join(removed, ",") != "old_pw" {
		t.Fatalf("pruned %q, %v; want only old_pw", removed, err)
	}
}

// liveService is `docker service inspect` of the default stack deployed as rendered, as a generic
// JSON tree that a test can break in one place before it is served.
func liveService(t *testing.T, breakIt func(svc map[string]any)) string {
	t.Helper()
	spec, sealed := defaultSpec(t)
	restart := map[string]any{"Condition": "any", "Delay": 5e9}
	task := map[string]any{
		"ContainerSpec": map[string]any{
			"Image":       "redis:6.2-alpine@sha256:0123",
			"Command":     generator.Entrypoint(),
			"Args":        spec.RedisArgs(),
			"Mounts":      []any{map[string]any{"Type": "volume", "Source": "wheel_analyzer_redis_data", "Target": "/data"}},
			"Healthcheck": map[string]any{"Test": generator.HealthTest(), "Interval": 10e9, "Timeout": 3e9, "Retries": 3},
			"Secrets": []any{map[string]any{"File": map[string]any{"Name": "redis_password", "UID": "0", "GID": "0", "Mode": 256},
				"SecretID": "sid", "SecretName": spec.SecretName(sealed)}},
		},
		"Resources":     map[string]any{"Limits": map[string]any{"MemoryBytes": 536870912}, "Reservations": map[string]any{"MemoryBytes": 268435456}},
		"RestartPolicy": restart,
		"Placement":     map[string]any{"Constraints": []any{"node.labels.wheel_analyzer.redis == true", "node.role == worker"}},
		"Networks":      []any{map[string]any{"Target": "net1"}},
	}
	svc := map[string]any{
		"ID": "svc1",
		"Spec": map[string]any{"TaskTemplate": task, "EndpointSpec": map[string]any{"Mode": "dnsrr"}, "UpdateConfig": map[string]any{"Order": "stop-first"},
			"RollbackConfig": map[string]any{"Order": "stop-first"}},
		"Endpoint": map[string]any{"Ports": []any{}},
	}
	if breakIt != nil {
		breakIt(svc)
	}
	data, err := json.Marshal([]any{svc})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// at walks a liveService tree: at(svc, "Spec", "TaskTemplate") is that mapping.
func at(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m = m[k].(map[string]any)
	}
	return m
}

// healthy answers every verify question as a correctly deployed default stack would; a test puts
// one wrong answer in front.
func healthy(t *testing.T) []answer {
	cli := `^exec cid1 /bin/sh -c REDISCLI_AUTH=(?s:.*) redis-cli `
	return append([]answer{
		{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, nil)},
		{Re: `^service ps .*desired-state=running`, Stdout: "task1 Running 2 minutes ago\n"},
		{Re: `^inspect --format \{\{\.Status\.ContainerStatus\.ContainerID\}\} task1$`, Stdout: "cid1\n"},
		{Re: `^container inspect --format \{\{\.ID\}\} cid1$`, Stdout: "cid1\n"},
		{Re: cli + `ping$`, Stdout: "PONG\n"},
		{Re: `^exec cid1 /bin/sh -c exec redis-cli --no-raw .* ping$`, Stdout: "(error) NOAUTH Authentication required.\n"},
		{Re: cli + `config get save$`, Stdout: "save\n900 1 300 10 60 10000\n"},
		{Re: cli + `config get appendonly$`, Stdout: "appendonly\nyes\n"},
		{Re: cli + `config get appendfsync$`, Stdout: "appendfsync\neverysec\n"},
		{Re: cli + `config get maxmemory$`, Stdout: "maxmemory\n402653184\n"},
		{Re: cli + `config get maxmemory-policy$`, Stdout: "maxmemory-policy\nallkeys-lru\n"},
		{Re: `^exec cid1 /bin/sh -c for f in /data/appendonly.aof`, Stdout: "/data/appendonlydir\n"},
		{Re: `^network inspect --format \{\{\.ID\}\} \{\{\.Driver\}\} app_main$`, Stdout: "net1 overlay\n"},
		{Re: `^inspect --format \{\{if \.State\.Health\}\}`, Stdout: "healthy\n"},
	}, probeAnswers(healthyProbe)...)
}

const verifyChecks = 25

func TestVerifyHealthy(t *testing.T) {
	spec, sealed := defaultSpec(t)
	s := newStandIn(t, healthy(t))
	checks, err := Verify(s.d, spec, sealed)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != verifyChecks {
		t.Fatalf("%d checks, want %d: %+v", len(checks), verifyChecks, checks)
	}
	for _, c := range checks {
		if !c.OK {
			t.Errorf("FAIL %s (%s)", c.What, c.Observed)
		}
	}
}

// TestVerifyEachCheckFails breaks one thing at a time: exactly the check about it fails.
func TestVerifyEachCheckFails(t *testing.T) {
	spec, sealed := defaultSpec(t)
	cli := `^exec cid1 /bin/sh -c REDISCLI_AUTH=(?s:.*) redis-cli `
	served := func(breakIt func(svc map[string]any)) answer {
		return answer{Re: `^service inspect wheel_analyzer_redis$`, Stdout: liveService(t, breakIt)}
	}
	cs := func(svc map[string]any) map[string]any { return at(svc, "Spec", "TaskTemplate", "ContainerSpec") }
	tests := []struct {
		check string // the What of the one check that must fail
		wrong answer
	}{
		{"PING with the password answers PONG", answer{Re: cli + `ping$`, Stdout: "(error) WRONGPASS invalid username-password pair\n"}},
		{"PING without the password is refused", answer{Re: `--no-raw .* ping$`, Stdout: "PONG\n"}},
		{"PING without the password is refused", answer{Re: `--no-raw .* ping$`, Stderr: "OCI runtime exec failed\n", Exit: 126}},
		{`CONFIG GET save is "900 1 300 10 60 10000"`, answer{Re: cli + `config get save$`, Stdout: "save\n\n"}},
		{`CONFIG GET appendonly is "yes"`, answer{Re: cli + `config get appendonly$`, Stdout: "appendonly\nno\n"}},
		{`CONFIG GET appendfsync is "everysec"`, answer{Re: cli + `config get appendfsync$`, Stdout: "appendfsync\nno\n"}},
		{`CONFIG GET maxmemory is "402653184"`, answer{Re: cli + `config get maxmemory$`, Stdout: "maxmemory\n384000000\n"}},
		{`CONFIG GET maxmemory-policy is "allkeys-lru"`, answer{Re: cli + `config get maxmemory-policy$`, Stdout: "maxmemory-policy\nnoeviction\n"}},
		{"an AOF exists in /data", answer{Re: `^exec cid1 /bin/sh -c for f in`, Stdout: ""}},
		{"the service publishes no ports", served(func(svc map[string]any) {
			svc["Endpoint"] = map[string]any{"Ports": []any{map[string]any{"PublishedPort": 6379, "TargetPort": 6379}}}
		})},
		{"memory limit is 512M", served(func(svc map[string]any) {
			at(svc, "Spec", "TaskTemplate", "Resources", "Limits")["MemoryBytes"] = 1 << 30
		})},
		{"memory reservation is 256M", served(func(svc map[string]any) {
			delete(at(svc, "Spec", "TaskTemplate", "Resources", "Reservations"), "MemoryBytes")
		})},
		{"on network app_main, an overlay", served(func(svc map[string]any) {
			at(svc, "Spec", "TaskTemplate")["Networks"] = []any{map[string]any{"Target": "other"}}
		})},
		{"on network app_main, an overlay", answer{Re: `^network inspect`, Stdout: "net1 bridge\n"}},
		{"volume wheel_analyzer_redis_data at /data", served(func(svc map[string]any) {
			cs(svc)["Mounts"] = []any{map[string]any{"Type": "volume", "Source": "elsewhere", "Target": "/data"}}
		})},
		{"health status is healthy", answer{Re: `^inspect --format \{\{if \.State\.Health\}\}`, Stdout: "unhealthy\n"}},
		{"image is redis:6.2-alpine", served(func(svc map[string]any) { cs(svc)["Image"] = "redis:7.0@sha256:0123" })},
		{"entrypoint is the render's password wrapper", served(func(svc map[string]any) {
			cs(svc)["Command"] = []string{"/bin/sh", "-c", "exec docker-entrypoint.sh redis-server --requirepass \"$(cat /run/secrets/redis_password)\"", "--"}
		})},
		{"command is the render's Redis arguments", served(func(svc map[string]any) { cs(svc)["Args"] = []string{"--appendonly", "no"} })},
		{"placement is node.role == worker and node.labels.wheel_analyzer.redis == true", served(func(svc map[string]any) {
			at(svc, "Spec", "TaskTemplate", "Placement")["Constraints"] = []any{"node.role == manager"}
		})},
		{"placement is node.role == worker and node.labels.wheel_analyzer.redis == true", served(func(svc map[string]any) {
			delete(at(svc, "Spec", "TaskTemplate"), "Placement")
		})},
		{"restart policy is condition any, delay 5s, no attempt limit", served(func(svc map[string]any) {
			at(svc, "Spec", "TaskTemplate", "RestartPolicy")["MaxAttempts"] = 3
		})},
		{"restart policy is condition any, delay 5s, no attempt limit", served(func(svc map[string]any) {
			at(svc, "Spec", "TaskTemplate", "RestartPolicy")["Condition"] = "on-failure"
		})},
		{"updates and rollbacks stop the old task first", served(func(svc map[string]any) {
			at(svc, "Spec", "UpdateConfig")["Order"] = "start-first"
		})},
		{"updates and rollbacks stop the old task first", served(func(svc map[string]any) {
			at(svc, "Spec", "RollbackConfig")["Order"] = "start-first"
		})},
		{"secret " + spec.SecretName(sealed) + " at redis_password, mode 0400", served(func(svc map[string]any) {
			cs(svc)["Secrets"].([]any)[0].(map[string]any)["SecretName"] = "wheel_analyzer_redis_password_000000000000"
		})},
		{"secret " + spec.SecretName(sealed) + " at redis_password, mode 0400", served(func(svc map[string]any) {
			cs(svc)["Secrets"].([]any)[0].(map[string]any)["File"].(map[string]any)["Mode"] = 0o444
		})},
		{"health check is the render's authenticated PING", served(func(svc map[string]any) {
			cs(svc)["Healthcheck"] = map[string]any{"Test": []string{"CMD", "redis-cli", "--raw", "incr", "ping"}, "Interval": 10e9, "Timeout": 3e9, "Retries": 3}
		})},
		{"health check is the render's authenticated PING", served(func(svc map[string]any) {
			at(cs(svc), "Healthcheck")["Interval"] = 30e9
		})},
	}
	for _, tc := range tests {
		t.Run(tc.check, func(t *testing.T) {
			s := newStandIn(t, append([]answer{tc.wrong}, healthy(t)...))
			checks, err := Verify(s.d, spec, sealed)
			if err != nil {
				t.Fatal(err)
			}
			failed := 0
			for _, c := range checks {
				if !c.OK {
					failed++
					if c.What != tc.check {
						t.Errorf("FAIL %q (%s), want only %q to fail", c.What, c.Observed, tc.check)
					}
				}
			}
			if failed != 1 {
				t.Fatalf("%d checks failed, want exactly %q: %+v", failed, tc.check, checks)
			}
		})
	}
}

func TestVerifyCannotLook(t *testing.T) {
	spec, sealed := defaultSpec(t)
	s := newStandIn(t, []answer{{Re: `^service inspect`, Stderr: "Status: Error: no such service: wheel_analyzer_redis, Code: 1\n", Exit: 1}})
	if _, err := Verify(s.d, spec, sealed); err == nil || !strings.Contains(err.Error(), "service wheel_analyzer_redis does not exist") || failure.Status(err) == 1 {
		t.Fatalf("error %v", err)
	}
	s = newStandIn(t, append([]answer{{Re: `^service ps`, Stdout: ""}}, healthy(t)...))
	if _, err := Verify(s.d, spec, sealed); err == nil || !strings.Contains(err.Error(), "has no running task") || failure.Status(err) != 1 {
		t.Fatalf("error %v, want a not-converged error", err)
	}
}

func TestWaitReportsTheCause(t *testing.T) {
	s := newStandIn(t, []answer{
		{Re: `^service inspect svc$`, Stdout: `[{"ID":"s"}]`},
		{Re: `^service ps --no-trunc --format`, Stdout: "t2\tRunning\tStarting 1 second ago\t\nt1\tShutdown\tFailed 9 seconds ago\ttask: non-zero exit (1)\n"},
		{Re: `^inspect --format`, Stdout: "\n"},
		{Re: `^service logs`, Stdout: "svc.1@n | Bad file format reading the append only file\n"},
	})
	var lines []string
	err := Wait(s.d, "svc", nil, time.Millisecond, func(l string) { lines = append(lines, l) })
	if failure.Status(err) != 1 || !strings.Contains(err.Error(), "svc did not become healthy within 1ms (task starting)") {
		t.Fatalf("error %v", err)
	}
	hints := strings.Join(failure.Hints(err), "\n")
	if !strings.Contains(hints, "cause: task t1: task: non-zero exit (1)") || !strings.Contains(hints, "Bad file format reading the append only file") {
		t.Fatalf("hints %q", hints)
	}
	if len(lines) != 1 || lines[0] != "svc: task starting" {
		t.Fatalf("progress %q", lines)
	}
}

func TestPreflightImage(t *testing.T) {
	spec, _ := defaultSpec(t)
	script := func(self string, imageExit int) []answer {
		return append([]answer{
			{Re: `^info --format \{\{\.Swarm\.NodeID\}\}$`, Stdout: self + "\n"},
			{Re: `^image inspect --format \{\{\.Id\}\} redis:6.2-alpine$`, Stdout: "sha256:1\n", Stderr: map[bool]string{true: "Error: No such image: redis:6.2-alpine\n"}[imageExit != 0], Exit: imageExit},
		}, preflightScript("active true", "overlay swarm\n", 0)...)
	}
	tests := []struct {
		name, self   string
		imageExit    int
		resolve      string
		want, warned string
	}{
		{"on the node that runs it", "w1", 0, "never", "", ""},
		{"missing on the only candidate", "w1", 1, "never", "image redis:6.2-alpine is not on wrk, the only node the placement allows", ""},
		{"candidate is another node", "m1", 1, "never", "", "cannot see the images of wrk from here; make sure redis:6.2-alpine is on them: docker save redis:6.2-alpine | docker -H ssh://NODE load"},
		{"a registry resolves it", "w1", 1, "always", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, script(tc.self, tc.imageExit))
			warnings, err := Preflight(s.d, spec, PreflightOptions{ResolveImage: tc.resolve})
			switch {
			case tc.want != "":
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(strings.Join(failure.Hints(err), " "), "docker save redis:6.2-alpine | docker -H ssh://wrk load") {
					t.Fatalf("error %v %q, want %q", err, failure.Hints(err), tc.want)
				}
			case err != nil:
				t.Fatalf("preflight failed: %v", err)
			case strings.Join(warnings, "\n") != tc.warned:
				t.Fatalf("warnings %q, want %q", warnings, tc.warned)
			}
			for _, c := range s.calls() {
				if tc.resolve != "never" && strings.HasPrefix(c, "image inspect") {
					t.Fatalf("looked for the image although a registry resolves it: %q", c)
				}
			}
		})
	}
}

// TestImageNoCandidates: with no candidate node there is nothing to look at and nothing to warn
// about (Preflight refuses such a placement before it asks).
func TestImageNoCandidates(t *testing.T) {
	s := newStandIn(t, []answer{{Re: `^info --format`, Stdout: "w1\n"}})
	if warnings, err := imageOnCandidates(s.d, "redis:6.2-alpine", nil); err != nil || len(warnings) != 0 {
		t.Fatalf("warnings %q, error %v", warnings, err)
	}
}

package generator_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenCase is a spec and its sealed file, read the way the CLI reads them.
type goldenCase struct {
	name, display, golden string
	spec, sealed          []byte
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	def, err := stacks.FS.ReadFile(stacks.Default)
	if err != nil {
		t.Fatal(err)
	}
	defSealed, err := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	if err != nil {
		t.Fatal(err)
	}
	full := readFile(t, "testdata/full/stack.yaml")
	fullSealed := readFile(t, "testdata/full/secret/cache.age")
	return []goldenCase{
		{"default", "stacks/wheel_analyzer/stack.yaml", "testdata/default.golden.yaml", def, defSealed},
		{"full", "testdata/full/stack.yaml", "testdata/full.golden.yaml", full, fullSealed},
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func render(t *testing.T, display string, spec, sealed []byte) []byte {
	t.Helper()
	s, err := generator.ParseSpec(display, spec)
	if err != nil {
		t.Fatalf("ParseSpec: %v", err)
	}
	out, err := generator.Render(s, sealed)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got := render(t, c.display, c.spec, c.sealed)
			if again := render(t, c.display, c.spec, c.sealed); !bytes.Equal(got, again) {
				t.Fatalf("two renders of the same spec differ:\n%s\n---\n%s", got, again)
			}
			if *update {
				if err := os.WriteFile(c.golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readFile(t, c.golden)
			if !bytes.Equal(got, want) {
				t.Errorf("render differs from %s (run go test ./generator -update after checking the change):\n%s", c.golden, got)
			}
		})
	}
}

// TestDockerAcceptsRender feeds every rendered stack to the real `docker stack config`, which runs the
// same loader and schema validation as `docker stack deploy`, on the client, with no daemon.
func TestDockerAcceptsRender(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal("the docker CLI is not on PATH: it is what proves `docker stack deploy` accepts the render; " +
			"install it (apt-get install -y docker.io, or docker-ce-cli)")
	}
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, c.display, c.spec, c.sealed)
			cmd := exec.Command(docker, "stack", "config", "-c", "-")
			cmd.Stdin = bytes.NewReader(out)
			cmd.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("docker stack config rejected the render: %v\n%s", err, stderr.String())
			}
			if strings.Contains(stderr.String(), "Ignoring") || strings.Contains(stderr.String(), "WARN") {
				t.Errorf("docker stack config warned: %s", stderr.String())
			}
			// Docker's view after interpolation: the scripts must reach the shell with single dollars.
			var cfg struct {
				Services map[string]struct {
					Entrypoint []string `yaml:"entrypoint"`
				} `yaml:"services"`
			}
			if err := yaml.Unmarshal(stdout.Bytes(), &cfg); err != nil {
				t.Fatal(err)
			}
			for name, svc := range cfg.Services {
				if len(svc.Entrypoint) != 4 || svc.Entrypoint[2] != generator.EntrypointScript() {
					t.Errorf("service %q: docker sees entrypoint %q, want the wrapper script verbatim", name, svc.Entrypoint)
				}
			}
		})
	}
}

// TestSecretNameFollowsCiphertext: a re-sealed password file gets a new secret name, so the service
// rolls to the new secret; the same bytes give the same name.
func TestSecretNameFollowsCiphertext(t *testing.T) {
	c := goldenCases(t)[0]
	s, err := generator.ParseSpec(c.display, c.spec)
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.SecretName([]byte("one")), s.SecretName([]byte("two"))
	if a == b {
		t.Fatalf("different sealed files share the secret name %q", a)
	}
	if a != s.SecretName([]byte("one")) {
		t.Fatal("secret name is not stable")
	}
	if !strings.HasPrefix(a, "wheel_analyzer_redis_password_") || len(a) != len("wheel_analyzer_redis_password_")+12 {
		t.Fatalf("secret name %q, want wheel_analyzer_redis_password_<12 hex>", a)
	}
	out := string(render(t, c.display, c.spec, []byte("one")))
	if !strings.Contains(out, "name: "+a+"\n") {
		t.Fatalf("render does not reference secret %q:\n%s", a, out)
	}
}

func TestOverrides(t *testing.T) {
	c := goldenCases(t)[0]
	tests := []struct {
		name      string
		overrides []generator.Override
		want      []string // substrings of the render
		err       string
	}{
		{"maxmemory", []generator.Override{{Flag: "--maxmemory", Value: "256mb"}}, []string{"- 256mb\n"}, ""},
		{"stack", []generator.Override{{Flag: "--stack", Value: "other"}},
			[]string{"name: other_redis_data\n", "name: other_redis_password_"}, ""},
		{"limits", []generator.Override{{Flag: "--memory-limit", Value: "1G"}, {Flag: "--memory-reservation", Value: "512M"}},
			[]string{"memory: 1G\n", "memory: 512M\n"}, ""},
		{"image", []generator.Override{{Flag: "--image", Value: "stackgen-test/redis:e2e"}}, []string{"image: stackgen-test/redis:e2e\n"}, ""},
		{"constraints replace the list", []generator.Override{{Flag: "--constraint", Value: "node.role == manager"}},
			[]string{"constraints:\n          - node.role == manager\nnetworks:"}, ""},
		{"decimal unit", []generator.Override{{Flag: "--maxmemory", Value: "384m"}}, nil,
			`--maxmemory: "384m" is not valid: expected a Redis memory size`},
		{"no headroom", []generator.Override{{Flag: "--maxmemory", Value: "512mb"}}, nil,
			"--maxmemory: 512mb leaves less than a quarter of memory.limit 512M as headroom for fork, client buffers and allocator overhead; use at most 384mb"},
		{"reservation above limit", []generator.Override{{Flag: "--memory-reservation", Value: "1G"}}, nil,
			"--memory-reservation: 1G is above memory.limit 512M; a reservation cannot exceed the limit"},
		{"latest", []generator.Override{{Flag: "--image", Value: "redis:latest"}}, nil, `--image: "redis:latest" is not valid`},
		{"bad constraint", []generator.Override{{Flag: "--constraint", Value: "role=worker"}}, nil, `--constraint: "role=worker" is not a constraint Swarm accepts: constraint expected one operator from ==, !=`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := generator.ParseSpec(c.display, c.spec)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Apply(tc.overrides)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("Apply error = %v, want prefix %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := generator.Render(s, c.sealed)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("render lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestRedisArgsKeepEachTokenSeparate(t *testing.T) {
	c := goldenCases(t)[0]
	s, err := generator.ParseSpec(c.display, c.spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range s.RedisArgs() {
		if strings.ContainsAny(a, " \t") {
			t.Errorf("argument %q holds whitespace: Redis 6.2 reads it as one token", a)
		}
	}
	if got := strings.Join(s.RedisArgs(), " "); !strings.Contains(got, "--save 900 1 --save 300 10 --save 60 10000") {
		t.Errorf("save schedule: %s", got)
	}
}

func TestRenderWithoutSnapshots(t *testing.T) {
	c := goldenCases(t)[0]
	spec := bytes.Replace(c.spec, []byte("  save:                          # RDB snapshots: after 900 s if 1 change, 300 s if 10, 60 s if 10000\n    - [900, 1]\n    - [300, 10]\n    - [60, 10000]\n"), []byte("  save: []\n"), 1)
	if bytes.Equal(spec, c.spec) {
		t.Fatal("fixture edit did not apply; update the test to the spec's text")
	}
	out := string(render(t, filepath.Join("x", "stack.yaml"), spec, c.sealed))
	if !strings.Contains(out, "- --save\n      - \"\"\n") {
		t.Fatalf("an empty schedule must render --save \"\":\n%s", out)
	}
}

// TestDockerReadsValuesAsWritten: every "$" the renderer writes reaches Docker as a literal "$",
// whatever the deployer's environment holds: a constraint given with --constraint (the grammar allows
// "$") is what docker stack config prints back, with the variable it names set.
func TestDockerReadsValuesAsWritten(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal("the docker CLI is not on PATH (apt-get install -y docker.io): docker stack config is the judge here")
	}
	def, _ := stacks.FS.ReadFile(stacks.Default)
	sealed, _ := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	s, err := generator.ParseSpec("stack.yaml", def)
	if err != nil {
		t.Fatal(err)
	}
	const c = "node.labels.x == true$SUFFIX"
	if err := s.Apply([]generator.Override{{Flag: "--constraint", Value: c}}); err != nil {
		t.Fatal(err)
	}
	out, err := generator.Render(s, sealed)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(docker, "stack", "config", "-c", "-")
	cmd.Stdin = bytes.NewReader(out)
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent", "SUFFIX=_from_the_deployer")
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("docker stack config: %v", err)
	}
	var cfg struct {
		Services map[string]struct {
			Deploy struct {
				Placement struct {
					Constraints []string `yaml:"constraints"`
				} `yaml:"placement"`
			} `yaml:"deploy"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(got, &cfg); err != nil {
		t.Fatal(err)
	}
	if cons := cfg.Services["redis"].Deploy.Placement.Constraints; len(cons) != 1 || cons[0] != c {
		t.Fatalf("docker reads the constraints as %q, want [%q]\n%s", cons, c, out)
	}
}

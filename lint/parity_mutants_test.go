package lint

import (
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestDockerParityMutants: structured mutants of the real-world corpus and the rule fixtures (one
// node replaced by a value of another type, or by a key name that means something elsewhere),
// judged by docker/cli's loader and by stackgen. Byte-level fuzzing rarely produces valid YAML of
// the wrong type in the right place; this does, deterministically. PARITY_MUTANTS raises the count
// per file (8 by default; a few hundred thousand mutants have been run with no disagreement left).
func TestDockerParityMutants(t *testing.T) {
	files := corpusFiles(t)
	fixtures, _ := filepath.Glob("testdata/*/*.yaml")
	files = append(files, fixtures...)
	perFile := 8
	if n, err := strconv.Atoi(os.Getenv("PARITY_MUTANTS")); err == nil && n > 0 {
		perFile = n
	}
	values := []string{"true", "1", "-1", "1.5", "x", "null", "[]", "{}", "[a, a]", "{a: 1}", `"1"`, `""`,
		"5s", "3.8", "[1]", "{a: true}", "a:b", ":x", "${X:-1}", "${X}", ".inf"}
	keys := []string{"ports", "volumes", "deploy", "environment", "labels", "command", "healthcheck", "ulimits",
		"networks", "secrets", "configs", "external", "driver_opts", "replicas", "restart_policy", "max_attempts",
		"window", "resources", "limits", "memory", "cpus", "published", "target", "mode", "uid", "init", "shm_size",
		"tmpfs", "expose", "extra_hosts", "logging", "options", "build", "context", "x-a", "name", "file", "version",
		"image", "env_file", "depends_on", "test", "interval", "retries", "disable", "placement", "constraints",
		"preferences", "update_config", "order", "parallelism", "type", "source", "bind", "read_only", "size",
		"nocopy", "aliases", "ipam", "config", "subnet", "attachable", "internal", "entrypoint", "user",
		"privileged", "sysctls", "cap_add", "dns", "soft", "hard", "nofile", "endpoint_mode", "generic_resources",
		"credential_spec", "isolation", "stop_grace_period", "start_period", "template_driver", "pids",
		"oom_score_adj", "cgroupns_mode"}
	rng := rand.New(rand.NewSource(9))
	dir := t.TempDir()
	env := map[string]string{}
	mutants, rejected := 0, 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
			continue
		}
		var nodes []*yaml.Node
		var walk func(*yaml.Node)
		walk = func(n *yaml.Node) {
			nodes = append(nodes, n)
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(doc.Content[0])
		for range perFile {
			target := nodes[rng.Intn(len(nodes))]
			src := values[rng.Intn(len(values))]
			if target.Kind == yaml.ScalarNode && rng.Intn(2) == 0 {
				src = keys[rng.Intn(len(keys))]
			}
			var r yaml.Node
			if yaml.Unmarshal([]byte(src), &r) != nil || len(r.Content) == 0 {
				t.Fatalf("bad replacement %q", src)
			}
			saved := *target
			*target = *r.Content[0]
			out, err := yaml.Marshal(&doc)
			*target = saved
			if err != nil {
				continue
			}
			mutants++
			derr := dockerVerdictInProcess(out, dir, env)
			rejects, why := stackgenRejects(out, dir, env)
			if derr != nil {
				rejected++
			}
			switch {
			case derr != nil && !rejects:
				t.Errorf("mutant of %s: docker/cli rejects (%v), stackgen has no SW error:\n%s", file, derr, out)
			case derr == nil && rejects:
				t.Errorf("mutant of %s: docker/cli accepts, stackgen rejects (%s):\n%s", file, why, out)
			}
		}
	}
	if mutants == 0 || rejected == 0 || rejected == mutants {
		t.Fatalf("%d mutants, %d rejected by docker/cli: the comparison checked nothing useful", mutants, rejected)
	}
	t.Logf("%d mutants, %d rejected by docker/cli, all with the same verdict from stackgen", mutants, rejected)
}

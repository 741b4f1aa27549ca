package lint

import (
	"strings"
	"testing"
)

// TestShapeVersionEdges: keys and numbers at the edge of the version or range where docker/cli's
// loader starts or stops taking them. Each case states docker/cli's verdict (checked here against
// its own loader) and stackgen must agree; written against mutants gremlins left alive in shape.go.
func TestShapeVersionEdges(t *testing.T) {
	svc := func(v, body string) string {
		return "version: \"" + v + "\"\nservices:\n  a:\n    image: a:1\n" + body
	}
	for _, tc := range []struct {
		name, yml string
		reject    bool
		msg       string // when set, in stackgen's reason
	}{
		{"secret mode max", svc("3.8", "    secrets: [{source: s, mode: 4294967295}]\nsecrets:\n  s: {external: true}\n"), false, ""},
		{"secret mode zero", svc("3.8", "    secrets: [{source: s, mode: 0}]\nsecrets:\n  s: {external: true}\n"), false, ""},
		{"secret mode negative", svc("3.8", "    secrets: [{source: s, mode: -1}]\nsecrets:\n  s: {external: true}\n"), true, ""},
		{"long port at 3.2", svc("3.2", "    ports: [{target: 80}]\n"), false, ""},
		{"long port at 3.1", svc("3.1", "    ports: [{target: 80}]\n"), true, ""},
		{"port string with a dot", svc("3.8", "    ports: [\"8080.5\"]\n"), true, ""},
		{"port number with a dot", svc("3.8", "    ports: [8080.5]\n"), true, ""},
		{"port number 8080.0", svc("3.8", "    ports: [8080.0]\n"), true, ""},
		{"expose int and float alike", svc("3.8", "    expose: [80, 80.0]\n"), true, ""},
		{"expose int and string differ", svc("3.8", "    expose: [80, \"80\"]\n"), false, ""},
		{"number from a string", svc("3.8", "    deploy: {update_config: {max_failure_ratio: \"${R:-0.5}\"}}\n"), false, ""},
		{"number from a word", svc("3.8", "    deploy: {update_config: {max_failure_ratio: \"${R:-half}\"}}\n"), true, ""},
		{"secret mode wraps", svc("3.8", "    secrets: [{source: s, mode: 4294967296}]\nsecrets:\n  s: {external: true}\n"), false, ""},
		{"secret mode negative fraction", svc("3.8", "    secrets: [{source: s, mode: -0.5}]\nsecrets:\n  s: {external: true}\n"), true, "is negative"},
		{"secret mode minus zero", svc("3.8", "    secrets: [{source: s, mode: -0}]\nsecrets:\n  s: {external: true}\n"), false, ""},
		{"port target wraps", svc("3.8", "    ports: [{target: 4294967296, published: 80}]\n"), false, ""},
		{"port target negative", svc("3.8", "    ports: [{target: -1, published: 80}]\n"), true, "is negative"},
		{"replicas beyond uint64", svc("3.8", "    deploy: {replicas: 18446744073709551616}\n"), false, ""},
		{"replicas negative", svc("3.8", "    deploy: {replicas: -1}\n"), true, "is negative"},
		{"tmpfs size beyond int64", svc("3.8", "    volumes: [{type: tmpfs, target: /x, tmpfs: {size: 9223372036854775808}}]\n"), false, ""},
		{"tmpfs size negative", svc("3.8", "    volumes: [{type: tmpfs, target: /x, tmpfs: {size: -1}}]\n"), true, ""},
		{"max_replicas_per_node at 3.8", svc("3.8", "    deploy: {placement: {max_replicas_per_node: 1}}\n"), false, ""},
		{"max_replicas_per_node at 3.7", svc("3.7", "    deploy: {placement: {max_replicas_per_node: 1}}\n"), true, ""},
		{"x- in network at 3.7", svc("3.7", "networks:\n  n: {x-a: 1}\n"), false, ""},
		{"x- in network at 3.6", svc("3.6", "networks:\n  n: {x-a: 1}\n"), true, ""},
		{"build extra key at 3.11", svc("3.11", "    build: {context: ., nope: 1}\n"), false, ""},
		{"build extra key at 3.10", svc("3.10", "    build: {context: ., nope: 1}\n"), true, ""},
		{"duplicate volumes at 3.2", svc("3.2", "    volumes: [\"/a\", \"/a\"]\n"), false, ""},
		{"config driver and file", svc("3.8", "configs:\n  c: {file: ./c, driver: x}\n"), true, "config c: config.driver and config.file conflict"},
		{"secret driver and file", svc("3.8", "secrets:\n  c: {file: ./c, driver: x}\n"), true, "secret c: secret.driver and secret.file conflict"},
		{"volume with mode", svc("3.8", "    volumes: [\"/a:/b:ro\"]\n"), false, ""},
		{"volume with four parts", svc("3.8", "    volumes: [\"/a:/b:ro:x\"]\n"), true, "too many colons"},
		{"nan anywhere", svc("3.8", "x-a: .nan\n"), true, ""},
		{"float port", svc("3.8", "    ports: [80.5]\n"), true, ""},
		{"int port", svc("3.8", "    ports: [80]\n"), false, ""},
		{"float ulimit", svc("3.8", "    ulimits: {nofile: 1.5}\n"), true, "invalid type float64 for ulimits"},
		{"float soft ulimit", svc("3.8", "    ulimits: {nofile: {soft: 1.5, hard: 2}}\n"), true, "ulimits.nofile.soft: a float here makes docker's loader panic"},
		{"float hard ulimit", svc("3.8", "    ulimits: {nofile: {soft: 1, hard: 2.5}}\n"), true, ""},
		{"int ulimits", svc("3.8", "    ulimits: {nproc: 2, nofile: {soft: 1, hard: 2}}\n"), false, ""},
		{"duplicate volumes at 3.1", svc("3.1", "    volumes: [\"/a\", \"/a\"]\n"), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.yml)
			dir := t.TempDir()
			derr := dockerVerdictInProcess(data, dir, map[string]string{})
			if (derr != nil) != tc.reject {
				t.Fatalf("docker/cli's loader: %v; this case says reject=%v", derr, tc.reject)
			}
			got, why := stackgenRejects(data, dir, map[string]string{})
			if got != tc.reject {
				t.Errorf("stackgen rejects=%v (%s), want %v", got, why, tc.reject)
			}
			if !strings.Contains(why, tc.msg) {
				t.Errorf("stackgen's reason %q does not say %q", why, tc.msg)
			}
		})
	}
}

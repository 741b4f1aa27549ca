package generator_test

import (
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

// TestSpecErrors edits the default spec one defect at a time; each must fail with its exact message.
func TestSpecErrors(t *testing.T) {
	base, err := stacks.FS.ReadFile(stacks.Default)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown key", "service: redis\n", "service: redis\nreplicas: 2\n",
			`s.yaml:5:1: replicas: unknown key "replicas" (known keys: healthcheck, image, memory, network, password, placement, redis, restart, service, stack)`},
		{"unknown nested key", "  appendfsync: everysec", "  appendonly: no\n  appendfsync: everysec",
			`s.yaml:15:3: redis.appendonly: unknown key "appendonly" (known keys: appendfsync, maxmemory, maxmemory_policy, save)`},
		{"wrong type", "  retries: 3\n", "  retries: \"3\"\n",
			`s.yaml:34:12: healthcheck.retries: must be an integer, not a string: a positive integer`},
		{"bad memory unit", "limit: 512M ", "limit: 512MiB",
			`s.yaml:9:10: memory.limit: "512MiB" is not valid: expected a Docker memory size: a whole number with the suffix K, M or G (binary units), e.g. 512M`},
		{"decimal maxmemory", "maxmemory: 384mb", "maxmemory: 384m ",
			`s.yaml:13:14: redis.maxmemory: "384m" is not valid: expected a Redis memory size: a whole number with kb, mb or gb (binary units), e.g. 384mb; Redis reads m and g as decimal units`},
		{"maxmemory without headroom", "maxmemory: 384mb", "maxmemory: 512mb",
			`s.yaml:13:14: redis.maxmemory: 512mb leaves less than a quarter of memory.limit 512M as headroom for fork, client buffers and allocator overhead; use at most 384mb`},
		{"bad constraint", "- node.role == worker", "- node.role = worker",
			`s.yaml:23:7: placement.constraints.0: "node.role = worker" is not a constraint Swarm accepts: constraint expected one operator from ==, !=; write KEY == VALUE or KEY != VALUE, e.g. node.role == worker`},
		{"save as one token", "- [900, 1]", "- \"900 1\"",
			`s.yaml:17:7: redis.save.0: must be an array, not a string: a [seconds, changes] pair of positive integers, e.g. [900, 1]`},
		{"noeviction", "allkeys-lru ", "noeviction  ",
			`s.yaml:14:21: redis.maxmemory_policy: "noeviction" is not valid: expected an eviction policy for a cache`},
		{"latest image", "image: redis:6.2-alpine", "image: redis:latest",
			`s.yaml:5:8: image: "redis:latest" is not valid: expected an image reference with an explicit tag other than latest`},
		{"missing key", "network: app_main ", "# no network here",
			`s.yaml:3:1: missing required key "network": the name of an existing overlay network, e.g. app_main`},
		{"duplicate key", "service: redis\n", "service: redis\nservice: cache\n",
			`s.yaml:5:1: duplicate key "service"`},
		{"malformed yaml", "stack: wheel_analyzer ", "stack: [wheel_analyzer",
			`s.yaml:4:1: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 8)`},
		{"reservation above limit", "reservation: 256M", "reservation: 1G  ",
			`s.yaml:10:16: memory.reservation: 1G is above memory.limit 512M; a reservation cannot exceed the limit`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := strings.Replace(string(base), tc.old, tc.new, 1)
			if spec == string(base) {
				t.Fatalf("fixture edit %q did not apply", tc.old)
			}
			_, err := generator.ParseSpec("s.yaml", []byte(spec))
			if err == nil {
				t.Fatal("ParseSpec accepted a broken spec")
			}
			if got := err.Error(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSpecRejectsNonText(t *testing.T) {
	for name, data := range map[string]string{
		"empty":          "  \n",
		"binary":         "\xff\xfe\x00\x01",
		"two documents":  "stack: x\n---\nstack: y\n",
		"self reference": "a: &a [*a]\n",
	} {
		if _, err := generator.ParseSpec("s.yaml", []byte(data)); err == nil || !strings.HasPrefix(err.Error(), "s.yaml") {
			t.Errorf("%s: error %v, want one naming s.yaml", name, err)
		}
	}
}

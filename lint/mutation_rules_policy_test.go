package lint_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestPolicyRuleEdges: each case is one file and what one policy rule must say about it (want
// empty: nothing). Written against mutants gremlins left alive in rules_policy.go.
func TestPolicyRuleEdges(t *testing.T) {
	const head = "version: \"3.8\"\nservices:\n  a:\n    image: a:1\n"
	for _, tc := range []struct {
		name, yml, id, want string
	}{
		{"ports as a string", head + "    ports: \"80:80\"\n", "PL201", `5: service "a" publishes ports$`},
		{"ports empty", head + "    ports: []\n", "PL201", ""},
		{"reservation at the limit", head + "    deploy: {resources: {limits: {memory: 512M}, reservations: {memory: 512M}}}\n", "PL203", ""},
		{"reservation over the limit", head + "    deploy: {resources: {limits: {memory: 512M}, reservations: {memory: 513M}}}\n", "PL203", `reserves 513M, more than its 512M memory limit`},
		{"external false, bridge", head + "networks:\n  n:\n    external: false\n    driver: bridge\n", "PL204", `8: network "n" uses the bridge driver`},
		{"external true", head + "networks:\n  n:\n    external: true\n", "PL204", ""},
		{"external by name, attachable", head + "networks:\n  n:\n    external: {name: x}\n    attachable: true\n", "PL204", ""},
		{"attachable", head + "networks:\n  n:\n    attachable: true\n", "PL204", `7: network "n" is attachable`},
	} {
		t.Run(tc.name, func(t *testing.T) { expectRule(t, tc.yml, tc.id, tc.want) })
	}
}

// TestTypeHints: a scalar where docker wants a string gets the quoted form to write; a block does
// not (there is nothing to quote).
func TestTypeHints(t *testing.T) {
	const head = "version: \"3.8\"\nservices:\n  a:\n    image: a:1\n"
	if got := ruleMessages(t, head+"    hostname: 1.5\n", "SW105"); len(got) != 1 || !regexp.MustCompile(`hostname must be a string \(quote it: "1\.5"\)$`).MatchString(got[0]) {
		t.Errorf("SW105 for a number: %q", got)
	}
	if got := ruleMessages(t, head+"    hostname: {a: 1}\n", "SW105"); len(got) != 1 || !regexp.MustCompile(`hostname must be a string$`).MatchString(got[0]) {
		t.Errorf("SW105 for a mapping: %q", got)
	}
	// A block of the wrong type is reported at its key, where the reader looks.
	if got := ruleMessages(t, head+"    command:\n      a: 1\n", "SW105"); len(got) != 1 || !regexp.MustCompile(`^5: services.a.command must be a string or list$`).MatchString(got[0]) {
		t.Errorf("SW105 for a block command: %q", got)
	}
}

// TestSwarmRuleEdges: the Swarm rules at the edges gremlins found untested.
func TestSwarmRuleEdges(t *testing.T) {
	const head = "version: \"3.8\"\nservices:\n"
	name50, name51 := strings.Repeat("s", 50), strings.Repeat("s", 51)
	for _, tc := range []struct {
		name, yml, id, want string
	}{
		{"service name of 50", head + "  " + name50 + ":\n    image: a:1\n", "SW108", ""},
		{"service name of 51", head + "  " + name51 + ":\n    image: a:1\n", "SW108", `^3: service name "s{51}" makes Swarm service names`},
		{"empty second document", head + "  a:\n    image: a:1\n---\n", "SW110", `a second YAML document`},
		{"socket in long syntax", head + "  a:\n    image: a:1\n    volumes:\n      - type: bind\n        source: /var/run/docker.sock\n        target: /s\n", "GN404", `^7: .*mounts the Docker socket /var/run/docker.sock`},
	} {
		t.Run(tc.name, func(t *testing.T) { expectRule(t, tc.yml, tc.id, tc.want) })
	}
}

// expectRule: rule id says one message matching want about yml, or nothing when want is empty.
func expectRule(t *testing.T, yml, id, want string) {
	t.Helper()
	got := ruleMessages(t, yml, id)
	switch {
	case want == "" && len(got) > 0:
		t.Errorf("%s: %q, want nothing", id, got)
	case want != "" && (len(got) != 1 || !regexp.MustCompile(want).MatchString(got[0])):
		t.Errorf("%s: %q, want one matching %q", id, got, want)
	}
}

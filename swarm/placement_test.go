package swarm

import (
	"strings"
	"testing"

	"github.com/webvig/stackgen/failure"
)

func node(host, role, avail, state string, labels map[string]string) Node {
	var n Node
	n.ID = "id-" + host
	n.Description.Hostname = host
	n.Description.Platform.OS = "linux"
	n.Description.Platform.Architecture = "x86_64"
	n.Description.Engine.Labels = map[string]string{"zone": "a"}
	n.Spec.Role, n.Spec.Availability, n.Spec.Labels = role, avail, labels
	n.Status.State = state
	return n
}

func TestConstraintHolds(t *testing.T) {
	w := node("w1", "worker", "active", "ready", map[string]string{"wheel_analyzer.redis": "true", "empty": ""})
	tests := []struct {
		c    string
		want bool
	}{
		{"node.role == worker", true},
		{"node.role==worker", true},
		{"node.role == manager", false},
		{"node.role != manager", true},
		{"node.role != worker", false},
		{"node.hostname == w1", true},
		{"node.hostname == W1", true}, // swarmkit compares values case-insensitively
		{"node.id == id-w1", true},
		{"node.platform.os == linux", true},
		{"node.platform.arch == x86_64", true},
		{"node.labels.wheel_analyzer.redis == true", true},
		{"node.labels.wheel_analyzer.redis == false", false},
		{"node.labels.missing == true", false},
		{"node.labels.missing != true", true},
		{"node.labels.empty != x", true},
		{"node.labels.empty == ", false}, // not a constraint Swarm accepts
		{"engine.labels.zone == a", true},
		{"engine.labels.zone != a", false},
	}
	for _, tc := range tests {
		if got := constraintHolds(w, tc.c); got != tc.want {
			t.Errorf("%q on a worker: %v, want %v", tc.c, got, tc.want)
		}
	}
}

func TestPlacementFits(t *testing.T) {
	labelled := map[string]string{"wheel_analyzer.redis": "true"}
	seed := []string{"node.role == worker", "node.labels.wheel_analyzer.redis == true"}
	const pin = "node.labels.wheel_analyzer.redis"
	tests := []struct {
		name  string
		nodes []Node
		want  string   // "" when it fits; else a part of the error
		hints []string // parts of the hints, in order
	}{
		{"labelled worker", []Node{node("m", "manager", "active", "ready", nil), node("w", "worker", "active", "ready", labelled)}, "", nil},
		{"one manager only", []Node{node("vm", "manager", "active", "ready", labelled)},
			"vm (manager) fails node.role == worker", []string{"every node is a manager", "docker node update --label-add wheel_analyzer.redis=true NODE"}},
		{"worker without the label", []Node{node("m", "manager", "active", "ready", nil), node("w", "worker", "active", "ready", nil)},
			"w (worker) fails node.labels.wheel_analyzer.redis == true", []string{"docker node update --label-add wheel_analyzer.redis=true NODE"}},
		{"labelled worker drained", []Node{node("m", "manager", "active", "ready", nil), node("sg-wrk", "worker", "drain", "ready", labelled)},
			"sg-wrk is ready/drain", []string{"sg-wrk fits but is drain: docker node update --availability active sg-wrk"}},
		{"labelled worker paused", []Node{node("w", "worker", "pause", "ready", labelled)},
			"w is ready/pause", []string{"docker node update --availability active w"}},
		{"labelled worker down", []Node{node("m", "manager", "active", "ready", nil), node("w", "worker", "active", "down", labelled)},
			"w is down/active", []string{"w fits but is down: start its Docker engine"}},
		{"drained and unlabelled", []Node{node("w", "worker", "drain", "ready", nil)},
			"w is ready/drain and fails node.labels", []string{"docker node update --label-add"}},
		{"no nodes", nil, "no ready node satisfies", []string{"docker node update --label-add"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := placementFits(tc.nodes, seed, pin)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("does not fit: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			hints := failure.Hints(err)
			if len(hints) != len(tc.hints) {
				t.Fatalf("hints %q, want %d matching %q", hints, len(tc.hints), tc.hints)
			}
			for i, h := range tc.hints {
				if !strings.Contains(hints[i], h) {
					t.Errorf("hint %d %q, want it to contain %q", i, hints[i], h)
				}
			}
		})
	}
	if err := placementFits([]Node{node("w", "worker", "active", "ready", nil)}, nil, pin); err != nil {
		t.Fatalf("no constraints on a ready node: %v", err)
	}
}

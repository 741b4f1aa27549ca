package constraint

import "testing"

// The cases follow swarmkit's grammar (manager/constraint/constraint.go). Measured on Docker Engine
// 20.10.24 with docker service create --constraint: the daemon accepted "node.role==manager",
// "engine.labels.x == y", "node.labels.zone == eu west 1", "node.foo == bar" and
// "node.labels.re == ^a.*[b]$", and refused the others below with exactly these messages.
func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Constraint
		err  string
	}{
		{"node.role == worker", Constraint{"node.role", true, "worker"}, ""},
		{"node.role==manager", Constraint{"node.role", true, "manager"}, ""},
		{"  node.role   !=   manager  ", Constraint{"node.role", false, "manager"}, ""},
		{"engine.labels.x == y", Constraint{"engine.labels.x", true, "y"}, ""},
		{"node.labels.wheel_analyzer.redis == true", Constraint{"node.labels.wheel_analyzer.redis", true, "true"}, ""},
		{"node.ip == 10.0.0.0/24", Constraint{"node.ip", true, "10.0.0.0/24"}, ""},
		{"node.labels.zone == eu west 1", Constraint{"node.labels.zone", true, "eu west 1"}, ""},
		{"node.labels.re == ^a.*[b]$", Constraint{"node.labels.re", true, `^a.*[b]$`}, ""},
		{"NODE.ROLE == Worker", Constraint{"NODE.ROLE", true, "Worker"}, ""},
		{"node.foo == bar", Constraint{"node.foo", true, "bar"}, ""}, // parses; matches no node
		{"node.role = worker", Constraint{}, "constraint expected one operator from ==, !="},
		{"node.role", Constraint{}, "constraint expected one operator from ==, !="},
		{"node.role == ", Constraint{}, "value '' is invalid"},
		{"== worker", Constraint{}, "key '' is invalid"},
		{"n == worker", Constraint{}, "key 'n' is invalid"},
		{"1node == worker", Constraint{}, "key '1node' is invalid"},
		{"node.role == work=er", Constraint{}, "value 'work=er' is invalid"},
		{"node.role == a!=b", Constraint{}, "value 'a!=b' is invalid"},
		{"node.role != a==b", Constraint{}, "key 'node.role != a' is invalid"},
		{"node.labels.x == <5", Constraint{}, "value '<5' is invalid"},
		{"node.labels.x == é", Constraint{}, "value 'é' is invalid"},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Parse(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestMatches(t *testing.T) {
	n := Node{ID: "abc123", Hostname: "wrk-1", Addr: "10.214.0.2", Role: "worker", OS: "linux", Arch: "x86_64",
		Labels: map[string]string{"wheel_analyzer.redis": "true", "Zone": "a", "empty": ""}, EngineLabels: map[string]string{"disk": "ssd"}}
	tests := []struct {
		c    string
		want bool
	}{
		{"node.role == worker", true},
		{"node.role == WORKER", true},
		{"Node.Role == worker", true},
		{"node.role != worker", false},
		{"node.role != manager", true},
		{"node.id == abc123", true},
		{"node.hostname == wrk-1", true},
		{"node.hostname != wrk-1", false},
		{"node.platform.os == linux", true},
		{"node.platform.arch == x86_64", true},
		{"node.ip == 10.214.0.2", true},
		{"node.ip != 10.214.0.2", false},
		{"node.ip == 10.214.0.0/24", true},
		{"node.ip != 10.214.0.0/24", false},
		{"node.ip == 10.1.0.0/16", false},
		{"node.ip == not-an-ip", false},
		{"node.ip != not-an-ip", false},
		{"node.labels.wheel_analyzer.redis == true", true},
		{"node.labels.wheel_analyzer.redis == TRUE", true},
		{"NODE.LABELS.wheel_analyzer.redis == true", true},
		{"node.labels.WHEEL_ANALYZER.redis == true", false}, // label names are case-sensitive
		{"node.labels.Zone == a", true},
		{"node.labels.missing == true", false},
		{"node.labels.missing != true", true},
		{"node.labels.empty != x", true},
		{"engine.labels.disk == ssd", true},
		{"engine.labels.disk != ssd", false},
		{"node.foo == bar", false},
		{"node.foo != bar", false}, // an unknown key matches nothing, whatever the operator
	}
	for _, tc := range tests {
		c, err := Parse(tc.c)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.c, err)
		}
		if got := c.Matches(n); got != tc.want {
			t.Errorf("%q on %+v: %v, want %v", tc.c, n, got, tc.want)
		}
		if c.Known() == (tc.c == "node.foo == bar" || tc.c == "node.foo != bar") {
			t.Errorf("%q: Known() = %v", tc.c, c.Known())
		}
	}
	if c, _ := Parse("node.labels.x == y"); c.String() != "node.labels.x == y" {
		t.Errorf("String() = %q", c.String())
	}
	if c, _ := Parse("node.role!=manager"); c.String() != "node.role != manager" {
		t.Errorf("String() = %q", c.String())
	}
}

// TestNormal: equal Normal forms select the same nodes: attribute names and values fold case, label
// names do not. Measured on Engine 20.10.24 with docker service create --constraint on a one-node
// Swarm whose node is labelled zone=eu: the node was chosen for "node.labels.zone == EU",
// "NODE.LABELS.zone == eu" and "Node.Role == MANAGER", and none for "node.labels.ZONE == eu" ("no
// suitable node (scheduling constraints not satisfied on 1 node)").
func TestNormal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"node.role==worker", "node.role == worker"},
		{"NODE.ROLE == Worker", "node.role == worker"},
		{"Node.Hostname != Box-1", "node.hostname != box-1"},
		{"node.labels.zone == EU", "node.labels.zone == eu"},
		{"NODE.LABELS.zone == eu", "node.labels.zone == eu"},
		{"node.labels.ZONE == eu", "node.labels.ZONE == eu"},
		{"Engine.Labels.Disk == SSD", "engine.labels.Disk == ssd"},
		{"node.foo == Bar", "node.foo == bar"},
	} {
		c, err := Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Normal(); got != tc.want {
			t.Errorf("Parse(%q).Normal() = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Normal agrees with Matches: whatever two constraints' Normal forms say, a node tells the same.
	node := Node{Hostname: "box-1", Role: "worker", Labels: map[string]string{"zone": "eu", "ZONE": "us"}}
	pairs := [][2]string{
		{"node.labels.zone == EU", "node.labels.zone == eu"},
		{"node.labels.ZONE == eu", "node.labels.zone == eu"},
		{"NODE.ROLE == WORKER", "node.role == worker"},
	}
	for _, p := range pairs {
		a, _ := Parse(p[0])
		b, _ := Parse(p[1])
		if (a.Normal() == b.Normal()) != (a.Matches(node) == b.Matches(node)) {
			t.Errorf("%q and %q: Normal equal %v, but they match the node %v and %v", p[0], p[1], a.Normal() == b.Normal(), a.Matches(node), b.Matches(node))
		}
	}
}

func TestNodeLabel(t *testing.T) {
	for in, want := range map[string]string{"node.labels.a.b == true": "a.b", "NODE.LABELS.X == 1": "X", "node.role == worker": ""} {
		c, _ := Parse(in)
		if got, ok := c.NodeLabel(); got != want || ok != (want != "") {
			t.Errorf("NodeLabel(%q) = %q, %v", in, got, ok)
		}
	}
}

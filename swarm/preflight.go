package swarm

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/webvig/stackgen/generator"

	"github.com/webvig/stackgen/constraint"
	"github.com/webvig/stackgen/failure"
)

// Node is the part of `docker node inspect` that placement needs.
type Node struct {
	ID   string `json:"ID"`
	Spec struct {
		Role         string            `json:"Role"`
		Availability string            `json:"Availability"`
		Labels       map[string]string `json:"Labels"`
	} `json:"Spec"`
	Description struct {
		Hostname string `json:"Hostname"`
		Platform struct {
			OS           string `json:"OS"`
			Architecture string `json:"Architecture"`
		} `json:"Platform"`
		Engine struct {
			Labels map[string]string `json:"Labels"`
		} `json:"Engine"`
	} `json:"Description"`
	Status struct {
		State string `json:"State"`
		Addr  string `json:"Addr"`
	} `json:"Status"`
}

// Nodes lists the Swarm's nodes.
func Nodes(d *Docker) ([]Node, error) {
	ids, err := d.Run(nil, "node", "ls", "--format", "{{.ID}}")
	if err != nil {
		return nil, err
	}
	out, err := d.Run(nil, append([]string{"node", "inspect"}, strings.Fields(ids)...)...)
	if err != nil {
		return nil, err
	}
	var nodes []Node
	if err := json.Unmarshal([]byte(out), &nodes); err != nil {
		return nil, fmt.Errorf("docker node inspect: unexpected output: %v", err)
	}
	return nodes, nil
}

// Preflight checks everything a deploy of spec needs and changes nothing: a manager, the network
// (an overlay of swarm scope, or missing when createNetwork will make it), and a ready, active node
// that satisfies every placement constraint. Each failure says how to fix it.
func Preflight(d *Docker, spec *generator.Spec, createNetwork bool) error {
	if err := RequireManager(d); err != nil {
		return err
	}
	out, err := d.Run(nil, "network", "inspect", "--format", "{{.Driver}} {{.Scope}}", spec.Network)
	switch {
	case err != nil && !createNetwork:
		return failure.Errorf("network %q does not exist; the stack declares it external", spec.Network).
			Hint("docker network create --driver overlay --scope swarm %s", spec.Network).
			Hint("or run stackgen deploy --create-network")
	case err == nil && strings.TrimSpace(out) != "overlay swarm":
		return failure.Errorf("network %q is %q, not an overlay network of swarm scope", spec.Network, strings.TrimSpace(out)).
			Hint("remove it and run: docker network create --driver overlay --scope swarm %s", spec.Network)
	}
	nodes, err := Nodes(d)
	if err != nil {
		return err
	}
	return PlacementFits(nodes, spec.Placement.Constraints, "node.labels."+spec.Stack+"."+spec.Service)
}

// EnsureNetwork creates an overlay network of swarm scope unless one of that name exists; created
// says whether it did.
func EnsureNetwork(d *Docker, name string) (created bool, err error) {
	if _, err := d.Run(nil, "network", "inspect", "--format", "{{.ID}}", name); err == nil {
		return false, nil
	}
	if _, err := d.Run(nil, "network", "create", "--driver", "overlay", "--scope", "swarm", name); err != nil {
		return false, err
	}
	return true, nil
}

// ConstraintHolds evaluates one Swarm placement constraint against a node, as swarmkit does; a
// constraint that does not parse holds nowhere.
func ConstraintHolds(n Node, c string) bool {
	parsed, err := constraint.Parse(c)
	if err != nil {
		return false
	}
	return parsed.Matches(constraint.Node{ID: n.ID, Hostname: n.Description.Hostname, Addr: n.Status.Addr,
		Role: n.Spec.Role, OS: n.Description.Platform.OS, Arch: n.Description.Platform.Architecture,
		Labels: n.Spec.Labels, EngineLabels: n.Description.Engine.Labels})
}

// PlacementFits reports whether some ready, active node satisfies every constraint. It is pure: the
// error lists why each node fails, with the fix for each reason; pinLabel is the label constraint a
// one-node Swarm can use instead of node.role == worker.
func PlacementFits(nodes []Node, constraints []string, pinLabel string) error {
	var why []string
	var unavailable []string // nodes that would fit but are drained, paused or down
	for _, n := range nodes {
		var failed []string
		for _, c := range constraints {
			if !ConstraintHolds(n, c) {
				failed = append(failed, c)
			}
		}
		ready := n.Status.State == "ready" && n.Spec.Availability == "active"
		switch {
		case ready && len(failed) == 0:
			return nil
		case !ready && len(failed) == 0:
			why = append(why, fmt.Sprintf("%s is %s/%s", n.Description.Hostname, n.Status.State, n.Spec.Availability))
			unavailable = append(unavailable, n.Description.Hostname)
		case !ready:
			why = append(why, fmt.Sprintf("%s is %s/%s and fails %s", n.Description.Hostname, n.Status.State, n.Spec.Availability, strings.Join(failed, " and ")))
		default:
			why = append(why, fmt.Sprintf("%s (%s) fails %s", n.Description.Hostname, n.Spec.Role, strings.Join(failed, " and ")))
		}
	}
	xe := failure.Errorf("no ready node satisfies the placement constraints: %s", strings.Join(why, "; "))
	for _, host := range unavailable {
		if n := nodeByHost(nodes, host); n.Spec.Availability != "active" {
			xe.Hint("%s fits but is %s: docker node update --availability active %s", host, n.Spec.Availability, host)
		} else {
			xe.Hint("%s fits but is %s: start its Docker engine or bring its network back, then check docker node ls", host, n.Status.State)
		}
	}
	if len(unavailable) > 0 {
		return xe
	}
	onlyManagers := len(nodes) > 0
	for _, n := range nodes {
		onlyManagers = onlyManagers && n.Spec.Role == "manager"
	}
	for _, c := range constraints {
		key, value, _ := strings.Cut(c, "==")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case key == "node.role" && value == "worker" && onlyManagers:
			xe.Hint("every node is a manager, so node.role == worker never schedules; add a worker (docker swarm join), or deploy with --constraint to replace the list, e.g. --constraint '%s == true'", pinLabel)
		case strings.HasPrefix(key, "node.labels."):
			xe.Hint("label the node that keeps the data: docker node update --label-add %s=%s NODE", strings.TrimPrefix(key, "node.labels."), value)
		}
	}
	return xe
}

func nodeByHost(nodes []Node, host string) Node {
	for _, n := range nodes {
		if n.Description.Hostname == host {
			return n
		}
	}
	return Node{}
}

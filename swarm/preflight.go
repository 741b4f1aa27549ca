package swarm

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/webvig/stackgen/constraint"
	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
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
		return nil, fmt.Errorf("docker node inspect: unexpected output: %w", err)
	}
	return nodes, nil
}

// PreflightOptions are the deploy flags the preflight must know about.
type PreflightOptions struct {
	CreateNetwork bool   // a missing network will be created, so it is not an error
	ResolveImage  string // "never": no node asks a registry, so the image must already be there
}

// Preflight checks everything a deploy of spec needs and changes nothing: a manager, the network
// (an overlay of swarm scope, or missing when it will be created), a ready, active node that
// satisfies every placement constraint, and with --resolve-image never the image on that node. Each
// failure says how to fix it; warnings are what it could not check.
func Preflight(d *Docker, spec *generator.Spec, o PreflightOptions) (warnings []string, err error) {
	if err := RequireManager(d); err != nil {
		return nil, err
	}
	out, err := d.Run(nil, "network", "inspect", "--format", "{{.Driver}} {{.Scope}}", spec.Network)
	switch {
	case err != nil && !o.CreateNetwork:
		return nil, failure.Errorf("network %q does not exist; the stack declares it external", spec.Network).
			Hint("docker network create --driver overlay --scope swarm %s", spec.Network).
			Hint("or run stackgen deploy --create-network")
	case err == nil && strings.TrimSpace(out) != "overlay swarm":
		return nil, failure.Errorf("network %q is %q, not an overlay network of swarm scope", spec.Network, strings.TrimSpace(out)).
			Hint("remove it and run: docker network create --driver overlay --scope swarm %s", spec.Network)
	}
	nodes, err := Nodes(d)
	if err != nil {
		return nil, err
	}
	if err := placementFits(nodes, spec.Placement.Constraints, "node.labels."+spec.Stack+"."+spec.Service); err != nil {
		return nil, err
	}
	if o.ResolveImage != "never" {
		return nil, nil
	}
	return imageOnCandidates(d, spec.Image, candidates(nodes, spec.Placement.Constraints))
}

// imageOnCandidates checks that the image is on the node that will run the task. Docker shows only
// the images of the daemon it talks to, so a candidate elsewhere is a warning with the command that
// loads the image there.
func imageOnCandidates(d *Docker, image string, candidates []Node) ([]string, error) {
	self, err := d.Run(nil, "info", "--format", "{{.Swarm.NodeID}}")
	if err != nil {
		return nil, err
	}
	self = strings.TrimSpace(self)
	var warnings, elsewhere []string
	for _, n := range candidates {
		if n.ID != self {
			elsewhere = append(elsewhere, n.Description.Hostname)
			continue
		}
		if _, err := d.Run(nil, "image", "inspect", "--format", "{{.Id}}", image); err == nil {
			return nil, nil // this node can run it, and the scheduler prefers no node over another
		}
		if len(candidates) == 1 {
			return nil, failure.Errorf("image %s is not on %s, the only node the placement allows, and with --resolve-image never nothing pulls it there", image, n.Description.Hostname).
				Hint("docker pull %s, or load it from a machine that has it: docker save %s | docker -H ssh://%s load", image, image, n.Description.Hostname)
		}
		warnings = append(warnings, fmt.Sprintf("image %s is not on %s (this node); a task placed here will fail", image, n.Description.Hostname))
	}
	if len(elsewhere) > 0 {
		warnings = append(warnings, fmt.Sprintf("cannot see the images of %s from here; make sure %s is on them: docker save %s | docker -H ssh://NODE load",
			strings.Join(elsewhere, ", "), image, image))
	}
	return warnings, nil
}

// candidates are the ready, active nodes that satisfy every constraint: where the task may run.
func candidates(nodes []Node, constraints []string) []Node {
	var out []Node
	for _, n := range nodes {
		if n.Status.State != "ready" || n.Spec.Availability != "active" {
			continue
		}
		fits := true
		for _, c := range constraints {
			fits = fits && constraintHolds(n, c)
		}
		if fits {
			out = append(out, n)
		}
	}
	return out
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

// Satisfies reports whether the node meets every constraint, as swarmkit's scheduler judges it.
func (n Node) Satisfies(constraints []string) bool {
	for _, c := range constraints {
		if !constraintHolds(n, c) {
			return false
		}
	}
	return true
}

// constraintHolds evaluates one Swarm placement constraint against a node, as swarmkit does; a
// constraint that does not parse holds nowhere.
func constraintHolds(n Node, c string) bool {
	parsed, err := constraint.Parse(c)
	if err != nil {
		return false
	}
	return parsed.Matches(constraint.Node{ID: n.ID, Hostname: n.Description.Hostname, Addr: n.Status.Addr,
		Role: n.Spec.Role, OS: n.Description.Platform.OS, Arch: n.Description.Platform.Architecture,
		Labels: n.Spec.Labels, EngineLabels: n.Description.Engine.Labels})
}

// placementFits reports whether some ready, active node satisfies every constraint. It is pure: the
// error lists why each node fails, with the fix for each reason; pinLabel is the label constraint a
// one-node Swarm can use instead of node.role == worker.
func placementFits(nodes []Node, constraints []string, pinLabel string) error {
	var why []string
	var unavailable []string // nodes that would fit but are drained, paused or down
	for _, n := range nodes {
		var failed []string
		for _, c := range constraints {
			if !constraintHolds(n, c) {
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
		parsed, err := constraint.Parse(c)
		label, isLabel := parsed.NodeLabel()
		switch {
		case err != nil || !parsed.Equal:
		case parsed.Normal() == "node.role == worker" && onlyManagers:
			xe.Hint("every node is a manager, so node.role == worker never schedules; add a worker (docker swarm join), or deploy with --constraint to replace the list, e.g. --constraint '%s == true'", pinLabel)
		case isLabel:
			xe.Hint("label the node that keeps the data: docker node update --label-add %s=%s NODE", label, parsed.Value)
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

package plan

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/webvig/stackgen/swarm"
)

// State is what the Swarm holds that a deploy of the stack meets.
type State struct {
	Services map[string]*Current // by name: the stack's services, and any service a desired name collides with
	Networks map[string]Network  // by name
	Secrets  map[string]Named    // by name
	Configs  map[string]Named    // by name, with their data
	Nodes    map[string]swarm.Node
}

// Current is a service as the Swarm holds it.
type Current struct {
	ID    string
	Spec  obj    // docker service inspect's Spec (defaults inserted, as the daemon fills them)
	Stack string // its com.docker.stack.namespace label
	Tasks []Task // the tasks Swarm keeps running
	Job   bool
}

// Task is a running task with the spec it was created from.
type Task struct {
	ID     string
	NodeID string
	Spec   obj
}

// Network is a network as docker network ls shows it.
type Network struct {
	ID, Driver, Scope, Stack string
}

// Named is a secret or config: its ID and, for a config, its data.
type Named struct {
	ID   string
	Data []byte
}

// Read asks the Swarm, through the docker CLI, for what a deploy of names (the stack's services) as
// stack would meet. It changes nothing.
func Read(d *swarm.Docker, stack string, names []string) (*State, error) {
	st := &State{Services: map[string]*Current{}, Networks: map[string]Network{}, Secrets: map[string]Named{}, Configs: map[string]Named{}, Nodes: map[string]swarm.Node{}}
	out, err := d.Run(nil, "service", "ls", "-q", "--filter", "label="+LabelNamespace+"="+stack)
	if err != nil {
		return nil, err
	}
	ids := strings.Fields(out)
	// A desired name held by a service outside the stack makes deploy's create fail.
	for _, name := range names {
		ids = append(ids, name)
	}
	for _, id := range ids {
		svc, err := inspectService(d, id)
		if err != nil {
			return nil, err
		}
		if svc == nil {
			continue
		}
		name, _ := svc.Spec["Name"].(string)
		if _, seen := st.Services[name]; seen {
			continue
		}
		if svc.Tasks, err = runningTasks(d, svc.ID); err != nil {
			return nil, err
		}
		st.Services[name] = svc
	}
	nets, err := d.Run(nil, "network", "ls", "--no-trunc", "--format", "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}\t{{.Label \""+LabelNamespace+"\"}}")
	if err != nil {
		return nil, err
	}
	// Trimmed of newlines only: the last field (the label) is empty for most networks.
	for _, line := range strings.Split(strings.Trim(nets, "\n"), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 5 {
			st.Networks[f[1]] = Network{ID: f[0], Driver: f[2], Scope: f[3], Stack: f[4]}
		}
	}
	secrets, err := d.Run(nil, "secret", "ls", "--format", "{{.ID}}\t{{.Name}}")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(secrets), "\n") {
		if id, name, ok := strings.Cut(line, "\t"); ok {
			st.Secrets[name] = Named{ID: id}
		}
	}
	configs, err := d.Run(nil, "config", "ls", "-q")
	if err != nil {
		return nil, err
	}
	if cids := strings.Fields(configs); len(cids) > 0 {
		out, err := d.Run(nil, append([]string{"config", "inspect"}, cids...)...)
		if err != nil {
			return nil, err
		}
		var cs []struct {
			ID   string
			Spec struct {
				Name string
				Data []byte
			}
		}
		if err := json.Unmarshal([]byte(out), &cs); err != nil {
			return nil, fmt.Errorf("docker config inspect: unexpected output: %w", err)
		}
		for _, c := range cs {
			st.Configs[c.Spec.Name] = Named{ID: c.ID, Data: c.Spec.Data}
		}
	}
	nodes, err := swarm.Nodes(d)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		st.Nodes[n.ID] = n
	}
	return st, nil
}

// inspectService reads one service as JSON; nil when there is none.
func inspectService(d *swarm.Docker, id string) (*Current, error) {
	out, err := d.Run(nil, "service", "inspect", id)
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "no such service") {
			return nil, nil
		}
		return nil, err
	}
	var svcs []struct {
		ID        string
		Spec      obj
		JobStatus any
	}
	if err := json.Unmarshal([]byte(out), &svcs); err != nil || len(svcs) != 1 {
		return nil, fmt.Errorf("docker service inspect %s: unexpected output", id)
	}
	c := &Current{ID: svcs[0].ID, Spec: svcs[0].Spec, Job: svcs[0].JobStatus != nil}
	if labels, ok := svcs[0].Spec["Labels"].(obj); ok {
		c.Stack, _ = labels[LabelNamespace].(string)
	}
	return c, nil
}

// runningTasks are the service's tasks Swarm means to keep running, with their specs.
func runningTasks(d *swarm.Docker, serviceID string) ([]Task, error) {
	out, err := d.Run(nil, "service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", serviceID)
	if err != nil {
		return nil, err
	}
	ids := strings.Fields(out)
	if len(ids) == 0 {
		return nil, nil
	}
	out, err = d.Run(nil, append([]string{"inspect", "--type", "task"}, ids...)...)
	if err != nil {
		return nil, err
	}
	var ts []struct {
		ID     string
		NodeID string
		Spec   obj
	}
	if err := json.Unmarshal([]byte(out), &ts); err != nil {
		return nil, fmt.Errorf("docker inspect of tasks: unexpected output: %w", err)
	}
	tasks := make([]Task, len(ts))
	for i, t := range ts {
		tasks[i] = Task{ID: t.ID, NodeID: t.NodeID, Spec: t.Spec}
	}
	return tasks, nil
}

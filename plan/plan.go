package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/webvig/stackgen/memsize"
)

// Action is what a deploy does to a service.
type Action string

const (
	Create    Action = "create"
	Remove    Action = "remove"
	Unchanged Action = "unchanged"
	Update    Action = "update"  // the service changes, no task restarts
	Restart   Action = "restart" // the service changes and Swarm replaces tasks
	Fail      Action = "fail"    // deploy fails on this service
	Leave     Action = "leave"   // not in the file; left running (without --prune)
	Rerun     Action = "rerun"   // a job service: every deploy runs it again
)

// Service is the plan for one service.
type Service struct {
	Name     string   `json:"name"`
	Action   Action   `json:"action"`
	Why      string   `json:"why,omitempty"`      // a failure's cause, a restart's reason
	Restarts int      `json:"restarts,omitempty"` // running tasks Swarm replaces
	Running  int      `json:"running,omitempty"`  // running tasks now
	Replicas string   `json:"replicas,omitempty"` // "1 → 3": tasks added or removed, none restarted
	Changes  []Change `json:"changes,omitempty"`
}

// Change is one field that differs, in the stack file's terms.
type Change struct {
	Field    string `json:"field"`
	Old      string `json:"old,omitempty"`
	New      string `json:"new,omitempty"`
	Restarts bool   `json:"restarts"` // part of the task's spec or the endpoint: tasks restart for it
}

// Object is the plan for a network, secret or config.
type ObjectPlan struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Action string `json:"action"` // create, exists, external, fail
	Why    string `json:"why,omitempty"`
}

// Plan is what a deploy of a stack would do.
type Plan struct {
	Stack    string       `json:"stack"`
	Services []Service    `json:"services"`
	Objects  []ObjectPlan `json:"objects"`
	Notes    []string     `json:"notes,omitempty"`
}

// Options are the deploy flags that change what it does.
type Options struct {
	Prune        bool
	ResolveImage string // always, changed, never
	// Provided are the external networks and secrets that whoever deploys creates just before the
	// stack deploy (stackgen deploy: secret apply, --create-network), with why.
	Provided map[string]string
}

// Make plans a deploy of st onto the Swarm in state cur.
func Make(st *Stack, cur *State, o Options) *Plan {
	p := &Plan{Stack: st.Name}
	p.objects(st, cur, o.Provided)
	ids := p.ids(st, cur)
	names := make([]string, 0, len(st.Services))
	for name := range st.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p.Services = append(p.Services, p.service(name, st.Services[name], cur.Services[name], cur, ids, st.Name, o))
	}
	var gone []string
	for name, c := range cur.Services {
		if _, ok := st.Services[name]; !ok && c.Stack == st.Name {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		s := Service{Name: name, Action: Leave, Why: "not in the file; --prune removes it", Running: len(cur.Services[name].Tasks)}
		if o.Prune {
			s.Action, s.Why = Remove, ""
		}
		p.Services = append(p.Services, s)
	}
	if o.ResolveImage == "always" {
		p.Notes = append(p.Notes, "--resolve-image always: the registry's digest for each tag decides the image; "+
			"plan assumes a pinned tag still has its digest (if the tag moved, its tasks restart)")
	}
	return p
}

// objects plans the networks, secrets and configs, in the order deploy meets them
// (cli/command/stack/swarm/deploy_composefile.go).
func (p *Plan) objects(st *Stack, cur *State, provided map[string]string) {
	for _, n := range st.Networks {
		op := ObjectPlan{Kind: "network", Name: n.Name}
		have, exists := cur.Networks[n.Name]
		switch {
		case n.External && !exists && provided[n.Name] != "":
			op.Action, op.Why = "create", provided[n.Name]
		case n.External && hostLike(n.Name):
			op.Action = "exists"
		case n.External && !exists:
			op.Action, op.Why = "fail", fmt.Sprintf("network %q is declared as external, but could not be found", n.Name)
		case n.External && have.Scope != "swarm":
			op.Action, op.Why = "fail", fmt.Sprintf("network %q is declared as external, but it is not in the right scope: %q instead of \"swarm\"", n.Name, have.Scope)
		case n.External:
			op.Action = "exists"
		case exists && have.Stack == st.Name:
			op.Action = "exists"
			if d := n.Driver; d != "" && d != have.Driver {
				op.Why = fmt.Sprintf("its driver %s differs from the file's %s; deploy leaves an existing stack network as it is", have.Driver, d)
			}
		case exists:
			op.Action, op.Why = "fail", fmt.Sprintf("network with name %s already exists (not this stack's)", n.Name)
		default:
			op.Action = "create"
		}
		p.Objects = append(p.Objects, op)
	}
	for _, kind := range []string{"secret", "config"} {
		objs, have := st.Secrets, cur.Secrets
		if kind == "config" {
			objs, have = st.Configs, cur.Configs
		}
		for _, s := range objs {
			op := ObjectPlan{Kind: kind, Name: s.Name}
			h, exists := have[s.Name]
			switch {
			case s.External && !exists && provided[s.Name] != "":
				op.Action, op.Why = "create", provided[s.Name]
			case s.External && !exists:
				op.Action, op.Why = "fail", fmt.Sprintf("%s not found: %s", kind, s.Name)
			case s.External:
				op.Action = "exists"
			case !exists:
				op.Action = "create"
			case kind == "config" && s.Data != nil && !bytes.Equal(h.Data, s.Data):
				op.Action, op.Why = "fail", "its content differs under the same name: only updates to Labels are allowed (configs are immutable; rotate with a new name)"
			case kind == "secret":
				op.Action, op.Why = "exists", "Swarm never shows a secret's content: if "+s.File+" changed, deploy fails (secrets are immutable; rotate with a new name)"
			default:
				op.Action = "exists"
			}
			p.Objects = append(p.Objects, op)
		}
	}
}

// ids maps the names the stack refers to onto the Swarm's IDs; what deploy will create gets a
// placeholder (a new object is a new reference for every service that uses it).
func (p *Plan) ids(st *Stack, cur *State) map[string]string {
	ids := map[string]string{}
	for _, n := range st.Networks {
		if h, ok := cur.Networks[n.Name]; ok {
			ids["network:"+n.Name] = h.ID
		} else {
			ids["network:"+n.Name] = "(new network " + n.Name + ")"
		}
	}
	for kind, objs := range map[string][]Object{"secret": st.Secrets, "config": st.Configs} {
		have := cur.Secrets
		if kind == "config" {
			have = cur.Configs
		}
		for _, o := range objs {
			if h, ok := have[o.Name]; ok {
				ids[kind+":"+o.Name] = h.ID
			} else {
				ids[kind+":"+o.Name] = "(new " + kind + " " + o.Name + ")"
			}
		}
	}
	return ids
}

// service plans one service that the file has.
func (p *Plan) service(name string, want *Desired, have *Current, cur *State, ids map[string]string, stack string, o Options) Service {
	s := Service{Name: name}
	for _, op := range p.Objects {
		if op.Action == "fail" {
			s.Action, s.Why = Fail, "deploy stops before the services: "+op.Why
			return s
		}
	}
	spec := resolve(want.Spec, have, ids, o, want.Image)
	if have == nil {
		s.Action = Create
		return s
	}
	if have.Stack != stack {
		s.Action, s.Why = Fail, fmt.Sprintf("service %s already exists and is not this stack's", name)
		return s
	}
	s.Running = len(have.Tasks)
	if modeOf(spec) != modeOf(have.Spec) {
		s.Action, s.Why = Fail, fmt.Sprintf("service mode change is not allowed (%s → %s); remove the service first", modeOf(have.Spec), modeOf(spec))
		return s
	}
	s.Changes = changes(withDefaults(have.Spec), withDefaults(spec))
	// Swarm's decision, task by task (swarmkit manager/orchestrator/task.go IsTaskDirty): a task
	// whose spec differs is replaced, unless only the placement differs and its node still meets the
	// constraints; every task is replaced when the endpoint (ports, endpoint mode) differs.
	wantTask := canon(spec["TaskTemplate"], "TaskTemplate")
	endpoint := !reflect.DeepEqual(canon(spec["EndpointSpec"], "EndpointSpec"), canon(have.Spec["EndpointSpec"], "EndpointSpec"))
	constraints := constraintsOf(spec)
	for _, t := range have.Tasks {
		got := canon(t.Spec, "TaskTemplate")
		// The placement exception comes first in IsTaskDirty: it holds whatever the endpoint does.
		if placementOnly(wantTask, got) {
			if n, ok := cur.Nodes[t.NodeID]; ok && n.Satisfies(constraints) {
				continue
			}
		}
		if !endpoint && reflect.DeepEqual(wantTask, got) {
			continue
		}
		s.Restarts++
	}
	replicasNow, replicasWant := replicas(have.Spec), replicas(spec)
	if replicasNow != replicasWant {
		s.Replicas = fmt.Sprintf("%s → %s", replicasNow, replicasWant)
	}
	switch {
	case have.Job:
		s.Action, s.Why = Rerun, "a job service runs again on every deploy"
	case s.Restarts > 0:
		s.Action = Restart
	case len(s.Changes) > 0:
		s.Action = Update
	default:
		s.Action = Unchanged
	}
	return s
}

// resolve fills in what deploy fills in before it sends the spec: IDs for names, the image as the
// client library normalises (and, under --resolve-image changed or never, keeps) it, and the
// existing service's ForceUpdate (cli/command/stack/swarm/deploy_composefile.go deployServices).
func resolve(spec obj, have *Current, ids map[string]string, o Options, written string) obj {
	spec = deepCopy(spec).(obj)
	task := spec["TaskTemplate"].(obj)
	cs := task["ContainerSpec"].(obj)
	image := familiar(written)
	if have != nil {
		haveImage, _ := dig(have.Spec, "TaskTemplate", "ContainerSpec", "Image").(string)
		haveLabel, _ := dig(have.Spec, "Labels", LabelImage).(string)
		switch {
		case (o.ResolveImage == "changed" || o.ResolveImage == "never") && haveLabel == written:
			image = haveImage
		case o.ResolveImage == "always" && strings.HasPrefix(haveImage, image+"@"):
			image = haveImage // the registry is assumed to answer the same digest
		}
		if f, ok := dig(have.Spec, "TaskTemplate", "ForceUpdate").(float64); ok && f != 0 {
			task["ForceUpdate"] = f
		}
		if pl, ok := dig(have.Spec, "TaskTemplate", "Placement", "Platforms").([]any); ok && strings.Contains(image, "@") && image == haveImage && o.ResolveImage == "always" {
			placement, _ := task["Placement"].(obj)
			if placement == nil {
				placement = obj{}
				task["Placement"] = placement
			}
			placement["Platforms"] = pl
		}
	}
	cs["Image"] = image
	for _, kind := range []string{"Secrets", "Configs"} {
		field, key := "SecretName", "secret:"
		if kind == "Configs" {
			field, key = "ConfigName", "config:"
		}
		refs, _ := cs[kind].([]any)
		for _, r := range refs {
			ref := r.(obj)
			ref[strings.TrimSuffix(field, "Name")+"ID"] = ids[key+ref[field].(string)]
		}
	}
	nets, _ := task["Networks"].([]any)
	for _, n := range nets {
		att := n.(obj)
		if id, ok := ids["network:"+att["Target"].(string)]; ok {
			att["Target"] = id
		}
	}
	return spec
}

// familiar is an image reference as the client library sends it (imageWithTagString): the
// familiar name with :latest added when it has neither tag nor digest.
func familiar(image string) string {
	for _, prefix := range []string{"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"} {
		if rest, ok := strings.CutPrefix(image, prefix); ok {
			image = rest
			break
		}
	}
	name := image
	if i := strings.Index(name, "@"); i >= 0 {
		return image
	}
	if !strings.Contains(name[strings.LastIndex(name, "/")+1:], ":") {
		image += ":latest"
	}
	return image
}

func modeOf(spec obj) string {
	m, _ := spec["Mode"].(obj)
	for _, k := range []string{"Replicated", "Global", "ReplicatedJob", "GlobalJob"} {
		if _, ok := m[k]; ok {
			return strings.ToLower(k)
		}
	}
	return "replicated"
}

func replicas(spec obj) string {
	if r, ok := dig(spec, "Mode", "Replicated", "Replicas").(float64); ok {
		return fmt.Sprint(int64(r))
	}
	if r, ok := dig(spec, "Mode", "Replicated", "Replicas").(int64); ok {
		return fmt.Sprint(r)
	}
	return ""
}

func constraintsOf(spec obj) []string {
	var out []string
	cons, _ := dig(spec, "TaskTemplate", "Placement", "Constraints").([]any)
	for _, c := range cons {
		out = append(out, fmt.Sprint(c))
	}
	return out
}

// placementOnly reports whether two canonical task specs differ in their placement alone
// (IsTaskDirtyPlacementConstraintsOnly).
func placementOnly(want, got any) bool {
	w, _ := want.(obj)
	g, _ := got.(obj)
	if w == nil || g == nil || reflect.DeepEqual(w["Placement"], g["Placement"]) {
		return false
	}
	w2, g2 := obj{}, obj{}
	for k, v := range w {
		if k != "Placement" {
			w2[k] = v
		}
	}
	for k, v := range g {
		if k != "Placement" {
			g2[k] = v
		}
	}
	return reflect.DeepEqual(w2, g2)
}

func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(obj)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case obj:
		out := obj{}
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// canon is a value as the daemon stores and reads it back, with what is empty left out: numbers as
// float64 (JSON's), zero values and empty objects and lists dropped, and the daemon's read-back
// defaults (Isolation "default", Runtime "container", endpoint mode "vip", port protocol "tcp" and
// mode "ingress", update failure action "pause" and order "stop-first", restart condition "any")
// taken as the unset values they stand for. path is the value's field name, for those defaults.
func canon(v any, path string) any {
	switch x := v.(type) {
	case obj:
		out := obj{}
		for k, e := range x {
			c := canon(e, k)
			if c == nil || daemonDefault(path, k, c) {
				continue
			}
			out[k] = c
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case map[string]string:
		m := obj{}
		for k, e := range x {
			m[k] = e
		}
		return canon(m, path)
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canon(e, path)
			if out[i] == nil {
				out[i] = obj{}
			}
		}
		return out
	case []string:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case string:
		if x == "" {
			return nil
		}
		return x
	case bool:
		if !x {
			return nil
		}
		return x
	case int64:
		if x == 0 {
			return nil
		}
		return float64(x)
	case int:
		return canon(int64(x), path)
	case float64:
		if x == 0 {
			return nil
		}
		return x
	}
	return v
}

func daemonDefault(parent, key string, v any) bool {
	switch parent + "." + key {
	case "ContainerSpec.Isolation":
		return v == "default"
	case "TaskTemplate.Runtime":
		return v == "container"
	case "EndpointSpec.Mode":
		return v == "vip"
	case "Ports.Protocol":
		return v == "tcp"
	case "Ports.PublishMode":
		return v == "ingress"
	case "UpdateConfig.FailureAction", "RollbackConfig.FailureAction":
		return v == "pause"
	case "UpdateConfig.Order", "RollbackConfig.Order":
		return v == "stop-first"
	case "RestartPolicy.Condition":
		return v == "any"
	}
	return false
}

// withDefaults fills in what docker service inspect shows for what the spec leaves unset
// (swarmkit api/defaults InterpolateService), so that a service's spec and a desired one compare.
func withDefaults(spec obj) obj {
	spec = deepCopy(spec).(obj)
	task, _ := spec["TaskTemplate"].(obj)
	if task == nil {
		task = obj{}
		spec["TaskTemplate"] = task
	}
	if cs, _ := task["ContainerSpec"].(obj); cs != nil && cs["StopGracePeriod"] == nil {
		cs["StopGracePeriod"] = float64(10 * time.Second)
	}
	rp, _ := task["RestartPolicy"].(obj)
	if rp == nil {
		rp = obj{"Condition": "any"}
		task["RestartPolicy"] = rp
	}
	if canon(rp["Delay"], "") == nil {
		rp["Delay"] = float64(5 * time.Second)
	}
	for _, k := range []string{"UpdateConfig", "RollbackConfig"} {
		u, _ := spec[k].(obj)
		if u == nil {
			u = obj{"Parallelism": float64(1), "FailureAction": "pause", "Order": "stop-first"}
			spec[k] = u
		}
		if canon(u["Monitor"], "") == nil {
			u["Monitor"] = float64(5 * time.Second)
		}
	}
	return spec
}

// fields maps API paths onto the stack file's keys; the value says how to show a value.
var fields = []struct {
	path, field, show string
	restarts          bool
}{
	{"Labels", "deploy.labels", "map", false},
	{"Mode.Replicated.Replicas", "deploy.replicas", "", false},
	{"Mode", "deploy.mode", "", false},
	{"UpdateConfig", "deploy.update_config", "config", false},
	{"RollbackConfig", "deploy.rollback_config", "config", false},
	{"EndpointSpec.Mode", "deploy.endpoint_mode", "", true},
	{"EndpointSpec.Ports", "ports", "ports", true},
	{"TaskTemplate.ContainerSpec.Image", "image", "", true},
	{"TaskTemplate.ContainerSpec.Labels", "labels", "map", true},
	{"TaskTemplate.ContainerSpec.Command", "entrypoint", "list", true},
	{"TaskTemplate.ContainerSpec.Args", "command", "list", true},
	{"TaskTemplate.ContainerSpec.Env", "environment", "env", true},
	{"TaskTemplate.ContainerSpec.Mounts", "volumes", "mounts", true},
	{"TaskTemplate.ContainerSpec.Secrets", "secrets", "refs", true},
	{"TaskTemplate.ContainerSpec.Configs", "configs", "refs", true},
	{"TaskTemplate.ContainerSpec.Healthcheck", "healthcheck", "config", true},
	{"TaskTemplate.ContainerSpec.StopGracePeriod", "stop_grace_period", "duration", true},
	{"TaskTemplate.ContainerSpec.Hostname", "hostname", "", true},
	{"TaskTemplate.ContainerSpec.Dir", "working_dir", "", true},
	{"TaskTemplate.ContainerSpec.User", "user", "", true},
	{"TaskTemplate.ContainerSpec.StopSignal", "stop_signal", "", true},
	{"TaskTemplate.ContainerSpec.Hosts", "extra_hosts", "set", true},
	{"TaskTemplate.ContainerSpec.DNSConfig", "dns", "config", true},
	{"TaskTemplate.ContainerSpec.Init", "init", "", true},
	{"TaskTemplate.ContainerSpec.ReadOnly", "read_only", "", true},
	{"TaskTemplate.ContainerSpec.TTY", "tty", "", true},
	{"TaskTemplate.ContainerSpec.OpenStdin", "stdin_open", "", true},
	{"TaskTemplate.ContainerSpec.Sysctls", "sysctls", "map", true},
	{"TaskTemplate.ContainerSpec.CapabilityAdd", "cap_add", "set", true},
	{"TaskTemplate.ContainerSpec.CapabilityDrop", "cap_drop", "set", true},
	{"TaskTemplate.ContainerSpec.Ulimits", "ulimits", "", true},
	{"TaskTemplate.ContainerSpec.Isolation", "isolation", "", true},
	{"TaskTemplate.ContainerSpec.Privileges", "credential_spec", "config", true},
	{"TaskTemplate.ContainerSpec", "", "config", true},
	{"TaskTemplate.Resources.Limits.MemoryBytes", "deploy.resources.limits.memory", "bytes", true},
	{"TaskTemplate.Resources.Reservations.MemoryBytes", "deploy.resources.reservations.memory", "bytes", true},
	{"TaskTemplate.Resources.Limits.NanoCPUs", "deploy.resources.limits.cpus", "cpus", true},
	{"TaskTemplate.Resources.Reservations.NanoCPUs", "deploy.resources.reservations.cpus", "cpus", true},
	{"TaskTemplate.Resources", "deploy.resources", "config", true},
	{"TaskTemplate.RestartPolicy", "deploy.restart_policy", "config", true},
	{"TaskTemplate.Placement.Constraints", "deploy.placement.constraints", "set", true},
	{"TaskTemplate.Placement", "deploy.placement", "config", true},
	{"TaskTemplate.Networks", "networks", "networks", true},
	{"TaskTemplate.LogDriver", "logging", "config", true},
	{"TaskTemplate", "", "config", true},
}

// Changes lists what differs between two service specs as docker service inspect shows them, each
// under the most specific stack-file key that holds it; the Swarm end-to-end test reads what a
// deploy really changed with it.
func Changes(have, want map[string]any) []Change {
	return changes(withDefaults(have), withDefaults(want))
}

// changes lists what differs between two specs (both with the inspect defaults), each under the
// most specific stack-file key that holds it.
func changes(have, want obj) []Change {
	var out []Change
	seen := map[string]bool{}
	h, w := canon(have, ""), canon(want, "")
	for _, f := range fields {
		path := strings.Split(f.path, ".")
		hv, wv := dig(h, path...), dig(w, path...)
		if reflect.DeepEqual(hv, wv) || f.show != "config" && covered(seen, f.path) {
			continue
		}
		if f.show == "config" {
			// Descend: report each differing leaf of a block under its own key.
			for _, leaf := range leaves(hv, wv, f.path) {
				if covered(seen, leaf) {
					continue
				}
				seen[leaf] = true
				out = append(out, Change{Field: composeField(f.field, f.path, leaf), Old: show(dig(h, strings.Split(leaf, ".")...), ""), New: show(dig(w, strings.Split(leaf, ".")...), ""), Restarts: f.restarts})
			}
			continue
		}
		seen[f.path] = true
		switch f.show {
		case "map", "env":
			out = append(out, keyChanges(f.field, hv, wv, f.show == "env", f.restarts)...)
		default:
			c := Change{Field: f.field, Restarts: f.restarts}
			c.Old, c.New = showPair(hv, wv, f.show)
			out = append(out, c)
		}
	}
	return out
}

// keyChanges lists a mapping's (or an environment's) entries that differ, one change each. The
// stack's own labels are left out (image: shows the image); environment values are never shown,
// since they may hold secrets.
func keyChanges(field string, a, b any, env bool, restarts bool) []Change {
	am, bm := entries(a, env), entries(b, env)
	var out []Change
	for _, k := range unionKeys(am, bm) {
		if k == LabelNamespace || k == LabelImage {
			continue
		}
		av, aok := am[k]
		bv, bok := bm[k]
		if aok && bok && av == bv {
			continue
		}
		c := Change{Field: field + "." + k, Restarts: restarts}
		switch {
		case env && !aok:
			c.New = "added"
		case env && !bok:
			c.New = "removed"
		case env:
			c.New = "changed (values are not shown)"
		default:
			c.Old, c.New = av, bv
			if !aok {
				c.Old = "(none)"
			}
			if !bok {
				c.New = "(none)"
			}
		}
		out = append(out, c)
	}
	return out
}

// entries reads a mapping, or an environment list of "K=V", as key → value.
func entries(v any, env bool) map[string]string {
	out := map[string]string{}
	switch x := v.(type) {
	case obj:
		for k, e := range x {
			out[k] = fmt.Sprint(e)
		}
	case []any:
		for _, e := range x {
			k, val, ok := strings.Cut(fmt.Sprint(e), "=")
			if !ok {
				val = "\x00unset" // a name without a value differs from any value
			}
			out[k] = val
		}
	}
	return out
}

// covered reports whether path, an ancestor of it or one below it was already reported.
func covered(seen map[string]bool, path string) bool {
	for p := range seen {
		if p == path || strings.HasPrefix(p, path+".") || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// leaves lists the paths below prefix where two values differ.
func leaves(a, b any, prefix string) []string {
	am, aok := a.(obj)
	bm, bok := b.(obj)
	if !aok || !bok {
		return []string{prefix}
	}
	var out []string
	for _, k := range unionKeys(am, bm) {
		if !reflect.DeepEqual(am[k], bm[k]) {
			out = append(out, leaves(am[k], bm[k], prefix+"."+k)...)
		}
	}
	return out
}

// unionKeys are the keys of two maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// composeField names a leaf below a block in the file's terms: the block's key, then the API's
// field names in snake case.
func composeField(block, blockPath, leaf string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(leaf, blockPath), ".")
	if block == "" {
		return leaf
	}
	if rest == "" {
		return block
	}
	var parts []string
	for _, p := range strings.Split(rest, ".") {
		parts = append(parts, snake(p))
	}
	return block + "." + strings.Join(parts, ".")
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// showPair shows a change of one field: a value old → new, or a list's items removed and added.
func showPair(a, b any, how string) (string, string) {
	switch how {
	case "env", "refs", "networks", "mounts", "ports", "set", "map":
		as, bs := items(a, how), items(b, how)
		var gone, added []string
		for _, x := range as {
			if !contains(bs, x) {
				gone = append(gone, "-"+x)
			}
		}
		for _, x := range bs {
			if !contains(as, x) {
				added = append(added, "+"+x)
			}
		}
		if len(gone) == 0 && len(added) == 0 {
			return "", "reordered"
		}
		return "", strings.Join(append(added, gone...), " ")
	}
	return show(a, how), show(b, how)
}

// items are a list's (or mapping's) entries as shown: an environment variable by its name only
// (its value may be a secret), a secret or config by name and target, a network by name.
func items(v any, how string) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			switch how {
			case "env":
				k, _, _ := strings.Cut(fmt.Sprint(e), "=")
				out = append(out, k)
			case "refs":
				m, _ := e.(obj)
				name := fmt.Sprint(m["SecretName"])
				if m["SecretName"] == nil {
					name = fmt.Sprint(m["ConfigName"])
				}
				out = append(out, name)
			case "networks":
				m, _ := e.(obj)
				out = append(out, fmt.Sprint(m["Target"]))
			default:
				out = append(out, show(e, ""))
			}
		}
	case obj:
		for k, e := range x {
			out = append(out, k+"="+fmt.Sprint(e))
		}
		sort.Strings(out)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// show writes a value for a person: sizes and durations in their units, lists and blocks as JSON.
func show(v any, how string) string {
	if v == nil {
		return "(none)"
	}
	f, isNum := v.(float64)
	switch {
	case how == "bytes" && isNum:
		return dockerSize(int64(f))
	case how == "duration" && isNum:
		return time.Duration(f).String()
	case how == "cpus" && isNum:
		return fmt.Sprint(f / 1e9)
	case isNum:
		return fmt.Sprint(f)
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// dockerSize writes bytes the way a stack file would (512M), exactly.
func dockerSize(n int64) string {
	for _, u := range []struct {
		shift uint
		unit  string
	}{{30, "G"}, {20, "M"}, {10, "K"}} {
		if n > 0 && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d%s", n>>u.shift, u.unit)
		}
	}
	if b, err := memsize.Docker(fmt.Sprint(n)); err == nil {
		return fmt.Sprint(b)
	}
	return fmt.Sprint(n)
}

// Changed reports whether the deploy would change anything on the Swarm.
func (p *Plan) Changed() bool {
	for _, s := range p.Services {
		if s.Action != Unchanged && s.Action != Leave {
			return true
		}
	}
	for _, o := range p.Objects {
		if o.Action == "create" || o.Action == "fail" {
			return true
		}
	}
	return false
}

// Failing is the first thing the deploy would fail on, "" when none.
func (p *Plan) Failing() string {
	for _, o := range p.Objects {
		if o.Action == "fail" {
			return o.Kind + " " + o.Name + ": " + o.Why
		}
	}
	for _, s := range p.Services {
		if s.Action == Fail {
			return "service " + s.Name + ": " + s.Why
		}
	}
	return ""
}

// Summary is the one line of counts.
func (p *Plan) Summary() string {
	count := map[Action]int{}
	for _, s := range p.Services {
		count[s.Action]++
	}
	var parts []string
	for _, a := range []struct {
		a    Action
		text string
	}{{Create, "to create"}, {Restart, "to update (tasks restart)"}, {Update, "to update (no task restarts)"}, {Rerun, "jobs to run again"},
		{Remove, "to remove"}, {Fail, "failing"}, {Unchanged, "unchanged"}, {Leave, "left alone (not in the file)"}} {
		if n := count[a.a]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a.text))
		}
	}
	if len(parts) == 0 {
		return "no services"
	}
	return strings.Join(parts, ", ")
}

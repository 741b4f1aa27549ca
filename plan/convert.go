// Package plan predicts what `docker stack deploy` will do to a Swarm, changing nothing: which
// services it creates, removes (with --prune) or updates, and for an update whether Swarm replaces
// the running tasks, decided the way swarmkit decides it (manager/orchestrator/task.go IsTaskDirty).
//
// The stack file is converted into service specs as docker/cli converts it (cli/compose/convert), in
// the JSON shape the Docker API uses, and compared with what the Swarm holds: the running tasks'
// own specs for the restart decision, the service's spec for what changed.
package plan

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/memsize"
	"github.com/webvig/stackgen/yamlnode"
)

// obj is a JSON object in the Docker API's shape.
type obj = map[string]any

// Labels docker stack deploy puts on what it creates (cli/compose/convert).
const (
	LabelNamespace = "com.docker.stack.namespace"
	LabelImage     = "com.docker.stack.image"
)

// Stack is a stack file converted as docker stack deploy converts it.
type Stack struct {
	Name     string
	Services map[string]*Desired // by full service name (STACK_service)
	Networks []Object            // the networks the services use
	Secrets  []Object
	Configs  []Object
	Volumes  []Object // named volumes the services mount
}

// Desired is one service as deploy will send it: the spec, with the references to networks, secrets
// and configs by name (the IDs are the Swarm's).
type Desired struct {
	Key   string // the service's key in the file
	Spec  obj    // the ServiceSpec, names where the API has IDs
	Image string // the image as written (com.docker.stack.image)
}

// Object is a network, secret, config or volume the stack refers to.
type Object struct {
	Key      string // in the file
	Name     string // on the Swarm
	External bool
	Driver   string
	Data     []byte // a config's or secret's file content, read as deploy reads it (nil for external ones)
	File     string // where Data came from
}

// ReadFile reads a file a stack names (env_file, a secret's or config's file), relative to the
// stack file's directory; the command line gives it, with its bounds.
type ReadFile func(path string) ([]byte, error)

// Convert turns a judged stack document (lint has found no error in it) into the stack deploy
// would create as name.
func Convert(d *lint.Document, name string, read ReadFile) (*Stack, error) {
	c := &converter{d: d, stack: name, read: read, dir: "."}
	if files := d.Files(); len(files) > 0 && files[0] != "<stdin>" {
		c.dir = filepath.Dir(files[0])
	}
	st := &Stack{Name: name, Services: map[string]*Desired{}}
	var err error
	if st.Secrets, err = c.objects("secrets"); err != nil {
		return nil, err
	}
	if st.Configs, err = c.objects("configs"); err != nil {
		return nil, err
	}
	usedNets := map[string]bool{}
	usedVols := map[string]bool{}
	for _, s := range d.Services {
		spec, nets, vols, err := c.service(s)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", s.Name, err)
		}
		for _, n := range nets {
			usedNets[n] = true
		}
		for _, v := range vols {
			usedVols[v] = true
		}
		st.Services[c.scope(s.Name)] = &Desired{Key: s.Name, Spec: spec, Image: c.str(yamlnode.Get(s.Node, "image"))}
	}
	nets, err := c.objects("networks")
	if err != nil {
		return nil, err
	}
	if usedNets["default"] && !c.declared("networks", "default") {
		nets = append(nets, Object{Key: "default", Name: c.scope("default")})
	}
	for _, n := range nets {
		if usedNets[n.Key] {
			st.Networks = append(st.Networks, n)
		}
	}
	vols, err := c.objects("volumes")
	if err != nil {
		return nil, err
	}
	for _, v := range vols {
		if usedVols[v.Key] {
			st.Volumes = append(st.Volumes, v)
		}
	}
	return st, nil
}

type converter struct {
	d     *lint.Document
	stack string
	read  ReadFile
	dir   string
}

func (c *converter) scope(key string) string { return c.stack + "_" + key }

func (c *converter) str(n *yaml.Node) string { return c.d.Str(n) }

func (c *converter) get(n *yaml.Node, path ...string) *yaml.Node { return yamlnode.Get(n, path...) }

// has reports whether a key is present (a null value counts).
func (c *converter) has(n *yaml.Node, path ...string) bool {
	_, k := yamlnode.Find(n, path...)
	return k != nil
}

func (c *converter) declared(kind, key string) bool {
	return c.has(c.d.Root, kind, key)
}

// objects lists a top-level section: name: or STACK_key (external ones keep their key, or the old
// external.name), and for secrets and configs the file's content.
func (c *converter) objects(kind string) ([]Object, error) {
	var out []Object
	for _, kv := range yamlnode.Pairs(c.get(c.d.Root, kind)) {
		key, n := kv[0].Value, yamlnode.Deref(kv[1])
		o := Object{Key: key, Name: c.scope(key)}
		ext := c.get(n, "external")
		if ext != nil && (c.str(ext) == "true" || ext.Kind == yaml.MappingNode) {
			o.External, o.Name = true, key
			if en := c.str(c.get(ext, "name")); en != "" {
				o.Name = en
			}
		}
		if nm := c.str(c.get(n, "name")); nm != "" {
			o.Name = nm
		}
		o.Driver = c.str(c.get(n, "driver"))
		if file := c.str(c.get(n, "file")); file != "" && !o.External && (kind == "secrets" || kind == "configs") && o.Driver == "" {
			o.File = c.path(file)
			data, err := c.read(o.File)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.TrimSuffix(kind, "s"), key, err)
			}
			o.Data = data
		}
		out = append(out, o)
	}
	return out, nil
}

// path resolves a path the file names against the stack file's directory, as docker's loader does.
func (c *converter) path(p string) string {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "~") {
		return p
	}
	return filepath.Join(c.dir, p)
}

// service converts one service (cli/compose/convert/service.go Service) and lists the network and
// volume keys it uses.
func (c *converter) service(s *lint.Service) (obj, []string, []string, error) {
	n := s.Node
	image := c.str(c.get(n, "image"))
	labels := c.labels(c.get(n, "deploy", "labels"))
	labels[LabelNamespace] = c.stack
	labels[LabelImage] = image
	cs := obj{"Image": image}
	clabels := c.labels(c.get(n, "labels"))
	clabels[LabelNamespace] = c.stack
	cs["Labels"] = clabels
	if ep := c.get(n, "entrypoint"); ep != nil {
		cs["Command"] = c.d.Strs(ep)
	}
	if cmd := c.get(n, "command"); cmd != nil {
		cs["Args"] = c.d.Strs(cmd)
	}
	for key, field := range map[string]string{"hostname": "Hostname", "working_dir": "Dir", "user": "User", "stop_signal": "StopSignal", "isolation": "Isolation"} {
		if v := c.str(c.get(n, key)); v != "" {
			cs[field] = v
		}
	}
	for key, field := range map[string]string{"tty": "TTY", "stdin_open": "OpenStdin", "read_only": "ReadOnly"} {
		if c.boolean(c.get(n, key)) {
			cs[field] = true
		}
	}
	if v := c.get(n, "init"); v != nil {
		cs["Init"] = c.boolean(v)
	}
	env, err := c.environment(n)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(env) > 0 {
		cs["Env"] = env
	}
	if v := c.get(n, "stop_grace_period"); v != nil {
		cs["StopGracePeriod"] = c.duration(v)
	}
	if hc := c.healthcheck(c.get(n, "healthcheck")); hc != nil {
		cs["Healthcheck"] = hc
	}
	if hosts := c.extraHosts(c.get(n, "extra_hosts")); len(hosts) > 0 {
		cs["Hosts"] = hosts
	}
	dns, search := c.list(c.get(n, "dns")), c.list(c.get(n, "dns_search"))
	if len(dns) > 0 || len(search) > 0 {
		cs["DNSConfig"] = obj{"Nameservers": dns, "Search": search}
	}
	if m := c.labels(c.get(n, "sysctls")); len(m) > 0 {
		cs["Sysctls"] = m
	}
	if v := c.list(c.get(n, "cap_add")); len(v) > 0 {
		cs["CapabilityAdd"] = v
	}
	if v := c.list(c.get(n, "cap_drop")); len(v) > 0 {
		cs["CapabilityDrop"] = v
	}
	if u := c.ulimits(c.get(n, "ulimits")); len(u) > 0 {
		cs["Ulimits"] = u
	}
	mounts, vols := c.mounts(c.get(n, "volumes"))
	if len(mounts) > 0 {
		cs["Mounts"] = mounts
	}
	if refs := c.refs(c.get(n, "secrets"), "secrets", "SecretName", false); len(refs) > 0 {
		cs["Secrets"] = refs
	}
	if refs := c.refs(c.get(n, "configs"), "configs", "ConfigName", true); len(refs) > 0 {
		cs["Configs"] = refs
	}

	task := obj{"ContainerSpec": cs, "Runtime": "container"}
	deploy := c.get(n, "deploy")
	if res := c.resources(c.get(deploy, "resources")); len(res) > 0 {
		task["Resources"] = res
	}
	if rp := c.restartPolicy(n); rp != nil {
		task["RestartPolicy"] = rp
	}
	if pl := c.placement(c.get(deploy, "placement")); len(pl) > 0 {
		task["Placement"] = pl
	}
	nets, netKeys := c.networks(s)
	task["Networks"] = nets
	if lg := c.get(n, "logging"); lg != nil {
		task["LogDriver"] = obj{"Name": c.str(c.get(lg, "driver")), "Options": c.labels(c.get(lg, "options"))}
	}

	spec := obj{"Name": c.scope(s.Name), "Labels": labels, "TaskTemplate": task}
	mode := strings.ToLower(c.str(c.get(deploy, "mode")))
	switch mode {
	case "global":
		spec["Mode"] = obj{"Global": obj{}}
	case "replicated-job":
		r := c.uint(c.get(deploy, "replicas"), 1)
		spec["Mode"] = obj{"ReplicatedJob": obj{"MaxConcurrent": r, "TotalCompletions": r}}
	case "global-job":
		spec["Mode"] = obj{"GlobalJob": obj{}}
	default:
		spec["Mode"] = obj{"Replicated": obj{"Replicas": c.uint(c.get(deploy, "replicas"), 1)}}
	}
	for key, field := range map[string]string{"update_config": "UpdateConfig", "rollback_config": "RollbackConfig"} {
		if u := c.get(deploy, key); u != nil {
			spec[field] = c.updateConfig(u)
		}
	}
	ep := obj{}
	if m := strings.ToLower(c.str(c.get(deploy, "endpoint_mode"))); m != "" {
		ep["Mode"] = m
	}
	if ports := c.ports(c.get(n, "ports")); len(ports) > 0 {
		ep["Ports"] = ports
	}
	spec["EndpointSpec"] = ep
	return spec, netKeys, vols, nil
}

// labels reads a list ("K=V", "K") or mapping of strings, as docker reads labels, sysctls and
// deploy.labels.
func (c *converter) labels(n *yaml.Node) map[string]any {
	out := map[string]any{}
	n = yamlnode.Deref(n)
	if n == nil {
		return out
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, kv := range yamlnode.Pairs(n) {
			out[kv[0].Value] = c.str(kv[1])
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			k, v, _ := strings.Cut(c.str(it), "=")
			out[k] = v
		}
	}
	return out
}

// environment is the service's environment as docker's loader builds it: env_file values first,
// then environment:, sorted, "K" for a name without a value (convertEnvironment).
func (c *converter) environment(n *yaml.Node) ([]any, error) {
	vals := map[string]*string{}
	for _, f := range c.list(c.get(n, "env_file")) {
		data, err := c.read(c.path(f.(string)))
		if err != nil {
			return nil, fmt.Errorf("env_file %s: %w", f, err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimLeft(line, " \t")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue // docker looks the name up in its own environment; plan cannot
			}
			vals[k] = &v
		}
	}
	e := yamlnode.Deref(c.get(n, "environment"))
	if e != nil {
		switch e.Kind {
		case yaml.MappingNode:
			for _, kv := range yamlnode.Pairs(e) {
				v := yamlnode.Deref(kv[1])
				if v.Tag == "!!null" {
					vals[kv[0].Value] = nil
					continue
				}
				s := c.str(v)
				vals[kv[0].Value] = &s
			}
		case yaml.SequenceNode:
			for _, it := range e.Content {
				k, v, ok := strings.Cut(c.str(it), "=")
				if ok {
					vals[k] = &v
				} else {
					vals[k] = nil
				}
			}
		}
	}
	var out []any
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if vals[k] == nil {
			out = append(out, k)
		} else {
			out = append(out, k+"="+*vals[k])
		}
	}
	return out, nil
}

// list reads a string or a list of strings.
func (c *converter) list(n *yaml.Node) []any {
	n = yamlnode.Deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return nil
		}
		return []any{c.str(n)}
	}
	var out []any
	for _, it := range n.Content {
		out = append(out, c.str(it))
	}
	return out
}

func (c *converter) boolean(n *yaml.Node) bool {
	switch strings.ToLower(c.str(n)) {
	case "true", "yes", "y", "on":
		return true
	}
	return false
}

// uint reads an integer as docker's loader does: a YAML integer with YAML's prefixes (0400 is octal,
// as gopkg.in/yaml.v3 reads it), an interpolated one in base 10 (interpolate.go toInt).
func (c *converter) uint(n *yaml.Node, def int64) int64 {
	if n == nil {
		return def
	}
	base := 10
	if d := yamlnode.Deref(n); d.Tag == "!!int" && !strings.Contains(d.Value, "$") {
		base = 0
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(c.str(n), "_", ""), base, 64)
	if err != nil {
		return def
	}
	return v
}

func (c *converter) duration(n *yaml.Node) int64 {
	d, _ := time.ParseDuration(c.str(n))
	return int64(d)
}

// healthcheck follows convertHealthcheck: nil without one, NONE when disabled, else the test (a
// string is CMD-SHELL) and its durations.
func (c *converter) healthcheck(n *yaml.Node) obj {
	if n == nil {
		return nil
	}
	if c.boolean(c.get(n, "disable")) {
		return obj{"Test": []any{"NONE"}}
	}
	hc := obj{}
	if t := yamlnode.Deref(c.get(n, "test")); t != nil {
		if t.Kind == yaml.ScalarNode {
			hc["Test"] = []any{"CMD-SHELL", c.str(t)}
		} else {
			hc["Test"] = c.list(t)
		}
	}
	for key, field := range map[string]string{"interval": "Interval", "timeout": "Timeout", "start_period": "StartPeriod", "start_interval": "StartInterval"} {
		if v := c.get(n, key); v != nil {
			hc[field] = c.duration(v)
		}
	}
	if r := c.get(n, "retries"); r != nil {
		hc["Retries"] = c.uint(r, 0)
	}
	return hc
}

// extraHosts writes "host:ip" (or a mapping host: ip) as "ip host" (convertExtraHosts).
func (c *converter) extraHosts(n *yaml.Node) []any {
	var out []any
	for k, v := range c.labels(n) {
		if v == "" {
			if host, ip, ok := strings.Cut(k, ":"); ok {
				k, v = host, ip
			}
		}
		out = append(out, fmt.Sprintf("%s %s", v, k))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].(string) < out[j].(string) })
	return out
}

func (c *converter) ulimits(n *yaml.Node) []any {
	var out []any
	for _, kv := range yamlnode.Pairs(n) {
		v := yamlnode.Deref(kv[1])
		u := obj{"Name": kv[0].Value}
		if v.Kind == yaml.MappingNode {
			u["Soft"], u["Hard"] = c.uint(c.get(v, "soft"), 0), c.uint(c.get(v, "hard"), 0)
		} else {
			u["Soft"], u["Hard"] = c.uint(v, 0), c.uint(v, 0)
		}
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].(obj)["Name"].(string) < out[j].(obj)["Name"].(string) })
	return out
}

// mounts converts volumes: (cli/compose/convert/volume.go): a named volume's source is its name on
// the Swarm, with the stack's labels and the volume's driver unless it is external.
func (c *converter) mounts(n *yaml.Node) ([]any, []string) {
	var out []any
	var used []string
	for _, v := range seqItems(n) {
		m := obj{}
		var typ, src, dst string
		readOnly := false
		if v.Kind == yaml.ScalarNode {
			parts := splitVolume(c.str(v))
			switch len(parts) {
			case 1:
				dst = parts[0]
			default:
				src, dst = parts[0], parts[1]
				if len(parts) == 3 {
					for _, o := range strings.Split(parts[2], ",") {
						readOnly = readOnly || o == "ro"
					}
				}
			}
			switch {
			case src == "":
				typ = "volume"
			case strings.HasPrefix(src, "/") || strings.HasPrefix(src, ".") || strings.HasPrefix(src, "~"):
				typ = "bind"
			default:
				typ = "volume"
			}
		} else {
			typ, src, dst = c.str(c.get(v, "type")), c.str(c.get(v, "source")), c.str(c.get(v, "target"))
			readOnly = c.boolean(c.get(v, "read_only"))
		}
		m["Type"], m["Target"] = typ, dst
		if readOnly {
			m["ReadOnly"] = true
		}
		switch typ {
		case "volume":
			if src != "" {
				used = append(used, src)
				name, labels, driver := c.volume(src)
				m["Source"] = name
				vo := obj{}
				if labels != nil {
					vo["Labels"] = labels
				}
				if driver != nil {
					vo["DriverConfig"] = driver
				}
				if v.Kind == yaml.MappingNode && c.boolean(c.get(v, "volume", "nocopy")) {
					vo["NoCopy"] = true
				}
				m["VolumeOptions"] = vo
			}
		case "bind":
			if !strings.HasPrefix(src, "/") {
				src, _ = filepath.Abs(c.path(src))
			}
			m["Source"] = src
			if p := c.str(c.get(v, "bind", "propagation")); p != "" {
				m["BindOptions"] = obj{"Propagation": p}
			}
		case "tmpfs":
			if size := c.get(v, "tmpfs", "size"); size != nil {
				m["TmpfsOptions"] = obj{"SizeBytes": c.uint(size, 0)}
			}
		}
		out = append(out, m)
	}
	return out, used
}

// volume is a named volume's name on the node and, unless it is external, its labels and driver.
func (c *converter) volume(key string) (name string, labels map[string]any, driver obj) {
	n := yamlnode.Deref(c.get(c.d.Root, "volumes", key))
	name = c.scope(key)
	ext := c.get(n, "external")
	if ext != nil && (c.str(ext) == "true" || ext.Kind == yaml.MappingNode) {
		name = key
		if en := c.str(c.get(ext, "name")); en != "" {
			name = en
		}
		if nm := c.str(c.get(n, "name")); nm != "" {
			name = nm
		}
		return name, nil, nil
	}
	if nm := c.str(c.get(n, "name")); nm != "" {
		name = nm
	}
	labels = c.labels(c.get(n, "labels"))
	labels[LabelNamespace] = c.stack
	if d, opts := c.str(c.get(n, "driver")), c.labels(c.get(n, "driver_opts")); d != "" || len(opts) > 0 {
		driver = obj{"Name": d, "Options": opts}
	}
	return name, labels, driver
}

// splitVolume splits a short volume spec at its colons, a one-letter drive ("c:") kept whole, as
// docker/cli's ParseVolume reads it (cli/compose/loader/volume.go).
func splitVolume(spec string) []string {
	var parts []string
	cur := ""
	for i := 0; i < len(spec); i++ {
		if spec[i] == ':' && !(len(cur) == 1 && isLetter(cur[0]) && len(parts) == 0) {
			parts = append(parts, cur)
			cur = ""
			continue
		}
		cur += string(spec[i])
	}
	return append(parts, cur)
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// refs converts a service's secrets or configs (convertFileObject): the target defaults to the
// source, uid and gid to "0", the mode to 0444; sorted by name. IDs are filled in by the caller.
func (c *converter) refs(n *yaml.Node, kind, nameField string, config bool) []any {
	var out []any
	for _, r := range seqItems(n) {
		var source, target, uid, gid string
		mode := int64(0o444)
		if r.Kind == yaml.ScalarNode {
			source = c.str(r)
		} else {
			source, target = c.str(c.get(r, "source")), c.str(c.get(r, "target"))
			uid, gid = c.str(c.get(r, "uid")), c.str(c.get(r, "gid"))
			if m := c.get(r, "mode"); m != nil {
				mode = c.uint(m, mode)
			}
		}
		if target == "" {
			target = source
		}
		if uid == "" {
			uid = "0"
		}
		if gid == "" {
			gid = "0"
		}
		name := c.scope(source)
		for _, o := range c.mustObjects(kind) {
			if o.Key == source {
				name = o.Name
			}
		}
		out = append(out, obj{"File": obj{"Name": target, "UID": uid, "GID": gid, "Mode": mode}, nameField: name})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].(obj)[nameField].(string) < out[j].(obj)[nameField].(string) })
	return out
}

func (c *converter) mustObjects(kind string) []Object {
	saved := c.read
	c.read = func(string) ([]byte, error) { return nil, nil } // names only
	defer func() { c.read = saved }()
	objs, _ := c.objects(kind)
	return objs
}

// resources follows convertResources: limits and reservations, CPUs in nanoCPUs, memory in bytes.
func (c *converter) resources(n *yaml.Node) obj {
	out := obj{}
	for key, field := range map[string]string{"limits": "Limits", "reservations": "Reservations"} {
		r := c.get(n, key)
		if r == nil {
			continue
		}
		o := obj{}
		if cpus := c.str(c.get(r, "cpus")); cpus != "" {
			if f, err := strconv.ParseFloat(cpus, 64); err == nil {
				o["NanoCPUs"] = int64(f * 1e9)
			}
		}
		if mem := c.str(c.get(r, "memory")); mem != "" {
			if b, err := memsize.Docker(mem); err == nil {
				o["MemoryBytes"] = b
			}
		}
		if p := c.get(r, "pids"); p != nil {
			o["Pids"] = c.uint(p, 0)
		}
		out[field] = o
	}
	return out
}

// restartPolicy follows convertRestartPolicy: deploy.restart_policy as given, else the service's
// restart: (always and unless-stopped are any, on-failure[:N] is on-failure with N attempts, "no"
// and "" are no policy).
func (c *converter) restartPolicy(n *yaml.Node) obj {
	if rp := c.get(n, "deploy", "restart_policy"); rp != nil {
		o := obj{"Condition": c.str(c.get(rp, "condition"))}
		if v := c.get(rp, "delay"); v != nil {
			o["Delay"] = c.duration(v)
		}
		if v := c.get(rp, "max_attempts"); v != nil {
			o["MaxAttempts"] = c.uint(v, 0)
		}
		if v := c.get(rp, "window"); v != nil {
			o["Window"] = c.duration(v)
		}
		return o
	}
	restart := c.str(c.get(n, "restart"))
	switch {
	case restart == "always" || restart == "unless-stopped":
		return obj{"Condition": "any"}
	case strings.HasPrefix(restart, "on-failure"):
		o := obj{"Condition": "on-failure"}
		if _, n, ok := strings.Cut(restart, ":"); ok {
			if v, err := strconv.ParseInt(n, 10, 64); err == nil {
				o["MaxAttempts"] = v
			}
		}
		return o
	}
	return nil
}

func (c *converter) placement(n *yaml.Node) obj {
	out := obj{}
	if cons := c.list(c.get(n, "constraints")); len(cons) > 0 {
		out["Constraints"] = cons
	}
	var prefs []any
	for _, p := range seqItems(c.get(n, "preferences")) {
		prefs = append(prefs, obj{"Spread": obj{"SpreadDescriptor": c.str(c.get(p, "spread"))}})
	}
	if len(prefs) > 0 {
		out["Preferences"] = prefs
	}
	if m := c.get(n, "max_replicas_per_node"); m != nil {
		out["MaxReplicas"] = c.uint(m, 0)
	}
	return out
}

// networks follows convertServiceNetworks: each network by its name on the Swarm, with its aliases
// and the service's own name as one more; "default" when the service names none.
func (c *converter) networks(s *lint.Service) ([]any, []string) {
	n := yamlnode.Deref(c.get(s.Node, "networks"))
	type att struct {
		key     string
		aliases []any
		opts    map[string]any
	}
	var atts []att
	switch {
	case n == nil:
		atts = []att{{key: "default"}}
	case n.Kind == yaml.SequenceNode:
		for _, it := range n.Content {
			atts = append(atts, att{key: c.str(it)})
		}
	case n.Kind == yaml.MappingNode:
		for _, kv := range yamlnode.Pairs(n) {
			a := att{key: kv[0].Value}
			a.aliases = c.list(c.get(kv[1], "aliases"))
			if o := c.labels(c.get(kv[1], "driver_opts")); len(o) > 0 {
				a.opts = o
			}
			atts = append(atts, a)
		}
	}
	var out []any
	var keys []string
	nets := c.mustObjects("networks")
	for _, a := range atts {
		keys = append(keys, a.key)
		name := c.scope(a.key)
		external := false
		for _, o := range nets {
			if o.Key == a.key {
				name, external = o.Name, o.External
			}
		}
		m := obj{"Target": name}
		if !external || !hostLike(name) {
			m["Aliases"] = append(append([]any{}, a.aliases...), s.Name)
		}
		if a.opts != nil {
			m["DriverOpts"] = a.opts
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].(obj)["Target"].(string) < out[j].(obj)["Target"].(string) })
	return out, keys
}

// hostLike is a network that takes no aliases (container.NetworkMode.IsUserDefined is false).
func hostLike(name string) bool { return name == "host" || name == "bridge" || name == "none" }

// updateConfig follows convertUpdateConfig: parallelism 1 unless given, the rest as written.
func (c *converter) updateConfig(n *yaml.Node) obj {
	o := obj{"Parallelism": c.uint(c.get(n, "parallelism"), 1)}
	for key, field := range map[string]string{"delay": "Delay", "monitor": "Monitor"} {
		if v := c.get(n, key); v != nil {
			o[field] = c.duration(v)
		}
	}
	for key, field := range map[string]string{"failure_action": "FailureAction", "order": "Order"} {
		if v := c.str(c.get(n, key)); v != "" {
			o[field] = v
		}
	}
	if v := c.get(n, "max_failure_ratio"); v != nil {
		f, _ := strconv.ParseFloat(c.str(v), 64)
		o["MaxFailureRatio"] = f
	}
	return o
}

// ports converts short and long port syntax, sorted by published port (convertEndpointSpec).
func (c *converter) ports(n *yaml.Node) []any {
	var out []any
	for _, p := range seqItems(n) {
		if p.Kind == yaml.MappingNode {
			o := obj{"TargetPort": c.uint(c.get(p, "target"), 0)}
			if pub := c.get(p, "published"); pub != nil {
				o["PublishedPort"] = c.uint(pub, 0)
			}
			if v := c.str(c.get(p, "protocol")); v != "" {
				o["Protocol"] = v
			}
			if v := c.str(c.get(p, "mode")); v != "" {
				o["PublishMode"] = v
			}
			out = append(out, o)
			continue
		}
		out = append(out, shortPorts(c.str(p))...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := out[i].(obj)["PublishedPort"].(int64)
		b, _ := out[j].(obj)["PublishedPort"].(int64)
		return a < b
	})
	return out
}

// shortPorts reads "[IP:][PUBLISHED:]TARGET[/PROTO]" with ranges; the IP is dropped, as docker does.
func shortPorts(spec string) []any {
	proto := "tcp"
	if s, p, ok := strings.Cut(spec, "/"); ok {
		spec, proto = s, p
	}
	parts := strings.Split(spec, ":")
	target, published := parts[len(parts)-1], ""
	if len(parts) >= 2 {
		published = parts[len(parts)-2]
	}
	tLo, tHi := portRange(target)
	pLo, pHi := portRange(published)
	var out []any
	for i := int64(0); tLo+i <= tHi; i++ {
		o := obj{"TargetPort": tLo + i, "Protocol": proto, "PublishMode": "ingress"}
		if published != "" {
			pub := pLo + i
			if pHi == pLo {
				pub = pLo
			}
			o["PublishedPort"] = pub
		}
		out = append(out, o)
	}
	return out
}

func portRange(s string) (lo, hi int64) {
	a, b, ok := strings.Cut(s, "-")
	lo, _ = strconv.ParseInt(a, 10, 64)
	hi = lo
	if ok {
		hi, _ = strconv.ParseInt(b, 10, 64)
	}
	return lo, hi
}

func seqItems(n *yaml.Node) []*yaml.Node {
	n = yamlnode.Deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		out[i] = yamlnode.Deref(it)
	}
	return out
}

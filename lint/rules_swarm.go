package lint

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// What Docker's stack loader (Compose file format 3.x) knows. Keys outside these sets are rejected
// with "Additional property X is not allowed"; x- extensions are allowed except under deploy.
var (
	topLevelKeys = set("version", "services", "networks", "volumes", "secrets", "configs")
	serviceKeys  = set("build", "cap_add", "cap_drop", "cgroup_parent", "command", "configs", "container_name",
		"credential_spec", "depends_on", "deploy", "devices", "dns", "dns_search", "domainname", "entrypoint",
		"env_file", "environment", "expose", "external_links", "extra_hosts", "healthcheck", "hostname", "image",
		"init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "network_mode", "networks", "pid",
		"ports", "privileged", "read_only", "restart", "secrets", "security_opt", "shm_size", "stdin_open",
		"stop_grace_period", "stop_signal", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "volumes",
		"working_dir")
	deployKeys = set("mode", "replicas", "labels", "rollback_config", "update_config", "resources",
		"restart_policy", "placement", "endpoint_mode")
	// Docker refuses these outright: "Configuration contains forbidden properties".
	forbiddenKeys = set("extends", "volume_driver", "volumes_from", "cpu_quota", "cpu_shares", "cpuset",
		"mem_limit", "memswap_limit")
	// `docker stack deploy` accepts these and does nothing with them.
	ignoredKeys = map[string]string{
		"build":          "Ignoring unsupported options: build",
		"cgroup_parent":  "Ignoring unsupported options: cgroup_parent",
		"devices":        "Ignoring unsupported options: devices",
		"external_links": "Ignoring unsupported options: external_links",
		"links":          "Ignoring unsupported options: links",
		"network_mode":   "Ignoring unsupported options: network_mode",
		"privileged":     "Ignoring unsupported options: privileged",
		"restart":        "Ignoring unsupported options: restart; use deploy.restart_policy",
		"security_opt":   "Ignoring unsupported options: security_opt",
		"userns_mode":    "Ignoring unsupported options: userns_mode",
		"container_name": "container_name: Setting the container name is not supported",
		"depends_on":     "silently ignored: Swarm starts services in no particular order",
		"tmpfs":          "silently ignored by stack deploy; use a volume of type tmpfs",
	}
)

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func checkUnknownKeys(p *Pass) {
	for _, kv := range yamlnode.Pairs(p.Doc.Root) {
		k := kv[0].Value
		switch {
		case k == "name" || k == "include":
			p.Reportf(kv[0], "", "(root) Additional property %s is not allowed: docker stack deploy rejects it", k)
		case !topLevelKeys[k] && !strings.HasPrefix(k, "x-"):
			p.Reportf(kv[0], "", "(root) Additional property %s is not allowed", k)
		}
	}
	for _, s := range p.Doc.Services {
		if s.Node.Kind != yaml.MappingNode {
			p.Reportf(s.Key, s.Name, "services.%s must be a mapping", s.Name)
			continue
		}
		for _, kv := range yamlnode.Pairs(s.Node) {
			k := kv[0].Value
			if !serviceKeys[k] && !forbiddenKeys[k] && !strings.HasPrefix(k, "x-") {
				p.Reportf(kv[0], s.Name, "services.%s Additional property %s is not allowed", s.Name, k)
			}
		}
		_, dep := Field(s.Node, "deploy")
		for _, kv := range yamlnode.Pairs(dep) {
			if k := kv[0].Value; !deployKeys[k] {
				p.Reportf(kv[0], s.Name, "services.%s.deploy Additional property %s is not allowed", s.Name, k)
			}
		}
	}
}

func checkForbidden(p *Pass) {
	for _, s := range p.Doc.Services {
		for _, kv := range yamlnode.Pairs(s.Node) {
			if forbiddenKeys[kv[0].Value] {
				p.Reportf(kv[0], s.Name, "service %q uses %s: docker stack deploy fails with \"Configuration contains forbidden properties\"", s.Name, kv[0].Value)
			}
		}
	}
}

var versionRe = regexp.MustCompile(`^3(\.([0-9]|1[0-3]))?$`)

func checkVersion(p *Pass) {
	k, v := Field(p.Doc.Root, "version")
	if k == nil {
		return
	}
	switch {
	case v.Kind != yaml.ScalarNode || v.Tag != "!!str":
		p.Reportf(v, "", "version must be a string: quote it, version: \"%s\"", v.Value)
	case !versionRe.MatchString(v.Value):
		p.Reportf(v, "", "unsupported Compose file version: %s; docker stack deploy reads 3.0 to 3.13", v.Value)
	}
}

func checkVersionMissing(p *Pass) {
	if k, _ := Field(p.Doc.Root, "version"); k == nil {
		p.Reportf(p.Doc.Root, "", "no version: Docker CLIs before 23 reject the file; add version: \"3.8\"")
	}
}

// typeRules are the places where Docker's schema wants a string or a number and YAML's guess differs.
func checkTypes(p *Pass) {
	str := func(n *yaml.Node, svc, path string) {
		if n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!str" && n.Tag != "!!null" {
			p.Reportf(n, svc, "%s must be a string (quote it: %q)", path, n.Value)
		}
	}
	num := func(n *yaml.Node, svc, path, want string) {
		if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
			p.Reportf(n, svc, "%s must be a %s, not the string %q", path, want, n.Value)
		}
	}
	for _, s := range p.Doc.Services {
		base := "services." + s.Name
		for _, kind := range []string{"limits", "reservations"} {
			res := Get(s.Node, "deploy", "resources", kind)
			_, cpus := Field(res, "cpus")
			str(cpus, s.Name, base+".deploy.resources."+kind+".cpus")
			_, mem := Field(res, "memory")
			str(mem, s.Name, base+".deploy.resources."+kind+".memory")
		}
		for _, cfg := range []string{"restart_policy", "update_config", "rollback_config"} {
			for _, key := range []string{"delay", "window", "monitor"} {
				_, v := Field(Get(s.Node, "deploy", cfg), key)
				str(v, s.Name, base+".deploy."+cfg+"."+key)
			}
		}
		for _, key := range []string{"interval", "timeout", "start_period", "start_interval"} {
			_, v := Field(Get(s.Node, "healthcheck"), key)
			str(v, s.Name, base+".healthcheck."+key)
		}
		_, sgp := Field(s.Node, "stop_grace_period")
		str(sgp, s.Name, base+".stop_grace_period")
		_, ports := Field(s.Node, "ports")
		for i, port := range seqItems(ports) {
			for _, key := range []string{"published", "target"} {
				_, v := Field(port, key)
				num(v, s.Name, fmt.Sprintf("%s.ports.%d.%s", base, i, key), "integer")
			}
		}
		for _, kind := range []string{"secrets", "configs"} {
			_, list := Field(s.Node, kind)
			for i, ref := range seqItems(list) {
				_, mode := Field(ref, "mode")
				num(mode, s.Name, fmt.Sprintf("%s.%s.%d.mode", base, kind, i), "number (e.g. 0400)")
				for _, key := range []string{"uid", "gid"} {
					_, v := Field(ref, key)
					str(v, s.Name, fmt.Sprintf("%s.%s.%d.%s", base, kind, i, key))
				}
			}
		}
		for _, kind := range []string{"command", "entrypoint"} {
			_, list := Field(s.Node, kind)
			for i, item := range seqItems(list) {
				if item.Kind == yaml.ScalarNode && item.Tag != "!!str" {
					p.Reportf(item, s.Name, "%s.%s.%d must be a string (quote it: %q)", base, kind, i, item.Value)
				}
			}
		}
	}
	_, nets := Field(p.Doc.Root, "networks")
	for _, kv := range yamlnode.Pairs(nets) {
		for _, opt := range yamlnode.Pairs(Get(kv[1], "driver_opts")) {
			str(opt[1], "", "networks."+kv[0].Value+".driver_opts."+opt[0].Value)
		}
	}
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	n = yamlnode.Deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = yamlnode.Deref(c)
	}
	return out
}

func checkIgnored(p *Pass) {
	for _, s := range p.Doc.Services {
		for _, kv := range yamlnode.Pairs(s.Node) {
			if why, ok := ignoredKeys[kv[0].Value]; ok {
				p.Reportf(kv[0], s.Name, "service %q: %s is ignored by docker stack deploy (%s)", s.Name, kv[0].Value, why)
			}
		}
		_, ports := Field(s.Node, "ports")
		for _, port := range seqItems(ports) {
			if port.Kind == yaml.ScalarNode && strings.Count(p.Doc.Str(port), ":") >= 2 {
				p.Reportf(port, s.Name, "service %q: the host IP in %q is ignored: Swarm publishes on every node's ingress", s.Name, p.Doc.Str(port))
			}
		}
	}
}

// checkUndefined finds references to networks, volumes, secrets and configs the file does not declare.
func checkUndefined(p *Pass) {
	declared := func(kind string) map[string]bool {
		_, m := Field(p.Doc.Root, kind)
		out := map[string]bool{}
		for _, kv := range yamlnode.Pairs(m) {
			out[kv[0].Value] = true
		}
		return out
	}
	nets, vols, secrets, configs := declared("networks"), declared("volumes"), declared("secrets"), declared("configs")
	for _, s := range p.Doc.Services {
		_, netList := Field(s.Node, "networks")
		refs := map[*yaml.Node]string{}
		switch {
		case netList == nil:
		case netList.Kind == yaml.SequenceNode:
			for _, n := range netList.Content {
				refs[n] = p.Doc.Str(n)
			}
		case netList.Kind == yaml.MappingNode:
			for _, kv := range yamlnode.Pairs(netList) {
				refs[kv[0]] = kv[0].Value
			}
		}
		for n, name := range refs {
			if !nets[name] && name != "default" && name != "host" && name != "ingress" {
				p.Reportf(n, s.Name, "service %q uses network %q, which is not declared under networks:", s.Name, name)
			}
		}
		_, volList := Field(s.Node, "volumes")
		for _, v := range seqItems(volList) {
			typ, src, node := volumeSource(p.Doc, v)
			if typ == "volume" && src != "" && !vols[src] {
				p.Reportf(node, s.Name, "service %q mounts volume %q, which is not declared under volumes:", s.Name, src)
			}
		}
		for kind, decl := range map[string]map[string]bool{"secrets": secrets, "configs": configs} {
			_, list := Field(s.Node, kind)
			for _, ref := range seqItems(list) {
				name, node := refSource(p.Doc, ref)
				if name != "" && !decl[name] {
					p.Reportf(node, s.Name, "service %q: undefined %s %q (deploy fails at the daemon)", s.Name, strings.TrimSuffix(kind, "s"), name)
				}
			}
		}
	}
}

// volumeSource reads a service volume in short ("src:/dst[:ro]") or long syntax.
func volumeSource(d *Document, v *yaml.Node) (typ, source string, node *yaml.Node) {
	if v.Kind == yaml.ScalarNode {
		parts := strings.Split(d.Str(v), ":")
		if len(parts) < 2 {
			return "anonymous", "", v
		}
		src := parts[0]
		if strings.HasPrefix(src, "/") || strings.HasPrefix(src, ".") || strings.HasPrefix(src, "~") {
			return "bind", src, v
		}
		return "volume", src, v
	}
	_, t := Field(v, "type")
	_, s := Field(v, "source")
	typ = d.Str(t)
	if typ == "" {
		typ = "volume"
	}
	if s == nil {
		return typ, "", v
	}
	return typ, d.Str(s), s
}

func volumeTarget(d *Document, v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode {
		parts := strings.Split(d.Str(v), ":")
		if len(parts) >= 2 {
			return parts[1]
		}
		return parts[0]
	}
	_, t := Field(v, "target")
	return d.Str(t)
}

// refSource reads a secret/config reference in short ("name") or long ({source: name}) syntax.
func refSource(d *Document, ref *yaml.Node) (string, *yaml.Node) {
	if ref.Kind == yaml.ScalarNode {
		return d.Str(ref), ref
	}
	_, s := Field(ref, "source")
	return d.Str(s), s
}

// refTarget is where a secret reference is mounted: /run/secrets/<target>.
func refTarget(d *Document, ref *yaml.Node) string {
	if ref.Kind == yaml.ScalarNode {
		return d.Str(ref)
	}
	if _, t := Field(ref, "target"); t != nil {
		return d.Str(t)
	}
	_, s := Field(ref, "source")
	return d.Str(s)
}

var serviceName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

var swarmName = regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`)

func checkNames(p *Pass) {
	for _, kind := range []string{"secrets", "configs", "networks", "volumes"} {
		_, m := Field(p.Doc.Root, kind)
		for _, kv := range yamlnode.Pairs(m) {
			node, name := kv[0], kv[0].Value
			if k, n := Field(kv[1], "name"); k != nil {
				node, name = n, p.Doc.Str(n)
			}
			if strings.Contains(name, "$") {
				continue
			}
			if len(name) > 64 || !swarmName.MatchString(name) {
				p.Reportf(node, "", "%s name %q is refused by Swarm: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 64 characters", strings.TrimSuffix(kind, "s"), name)
			}
		}
	}
	for _, s := range p.Doc.Services {
		if len(s.Name) > 50 || !serviceName.MatchString(s.Name) {
			p.Reportf(s.Key, s.Name, "service name %q makes Swarm service names that are not DNS labels (letters, digits, '-', '_', '.'; STACK_SERVICE at most 63 characters)", s.Name)
		}
	}
}

func checkInterpolation(p *Pass) {
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		n = yamlnode.Deref(n)
		switch n.Kind {
		case yaml.ScalarNode:
			if !dockerInterpolation(n.Value) {
				p.Reportf(n, "", "invalid interpolation format for %s: %q; you may need to escape any $ with another $", path, n.Value)
			} else if _, err := p.Doc.interpolate(n); err != nil {
				p.Reportf(n, "", "%s: %s", path, err.Error())
			}
		case yaml.MappingNode:
			for _, kv := range yamlnode.Pairs(n) {
				if strings.HasPrefix(kv[0].Value, "x-") {
					continue
				}
				walk(kv[1], strings.TrimPrefix(path+"."+kv[0].Value, "."))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s.%d", path, i))
			}
		}
	}
	walk(p.Doc.Root, "")
}

func checkMultiDoc(p *Pass) {
	for _, d := range p.Doc.extraDo {
		if len(d.Content) > 0 {
			d = d.Content[0]
		}
		p.Reportf(d, "", "a second YAML document: docker stack deploy reads only the first and ignores this one")
	}
}

var dockerBraced = regexp.MustCompile(`^\{[_a-zA-Z][_a-zA-Z0-9]*(:?[-?][^}]*)?\}`)

// dockerInterpolation reports whether every "$" follows the grammar of Docker's stack loader: "$$",
// "$NAME", "${NAME}", "${NAME:-default}", "${NAME-default}", "${NAME:?err}" or "${NAME?err}".
func dockerInterpolation(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if i+1 >= len(s) {
			return false
		}
		switch c := s[i+1]; {
		case c == '$':
			i++
		case c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		case c == '{':
			m := dockerBraced.FindString(s[i+1:])
			if m == "" {
				return false
			}
			i += len(m)
		default:
			return false
		}
	}
	return true
}

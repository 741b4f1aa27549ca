package lint

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// The keys and types Docker's stack loader accepts are in shape.go; these are the keys it refuses
// before validating, and those it accepts and drops.
var (
	// Docker refuses these service keys before interpolation and the schema, with these descriptions
	// (cli/compose/types/types.go ForbiddenProperties).
	forbiddenKeys = map[string]string{
		"extends":       "Support for `extends` is not implemented yet.",
		"volume_driver": "Instead of setting the volume driver on the service, define a volume using the top-level `volumes` option and specify the driver there.",
		"volumes_from":  "To share a volume between services, define it using the top-level `volumes` option and reference it from each service that shares it using the service-level `volumes` option.",
		"cpu_quota":     "Set resource limits using deploy.resources",
		"cpu_shares":    "Set resource limits using deploy.resources",
		"cpuset":        "Set resource limits using deploy.resources",
		"mem_limit":     "Set resource limits using deploy.resources",
		"memswap_limit": "Set resource limits using deploy.resources",
	}
	// `docker stack deploy` accepts these and does nothing with them. docker/cli names the first
	// group in "Ignoring unsupported options: ..." (cli/compose/types/types.go UnsupportedProperties)
	// and the second in "Ignoring deprecated options: ..." (DeprecatedProperties). depends_on and
	// tmpfs are dropped without a word: cli/compose/convert/service.go never reads them into the
	// service spec, so a file that relies on start order or a tmpfs mount silently loses it.
	// restart is the one key of UnsupportedProperties that convert reads (checkRestartKey).
	ignoredKeys = map[string]ignoredKey{
		"build":          {why: "Ignoring unsupported options: build; build and push the image first"},
		"cgroupns_mode":  {why: "Ignoring unsupported options: cgroupns_mode"},
		"cgroup_parent":  {why: "Ignoring unsupported options: cgroup_parent"},
		"devices":        {why: "Ignoring unsupported options: devices"},
		"domainname":     {why: "Ignoring unsupported options: domainname"},
		"external_links": {why: "Ignoring unsupported options: external_links"},
		"ipc":            {why: "Ignoring unsupported options: ipc"},
		"links":          {why: "Ignoring unsupported options: links; give the linked service a network alias on a network both are on"},
		"mac_address":    {why: "Ignoring unsupported options: mac_address"},
		"network_mode":   {why: "Ignoring unsupported options: network_mode"},
		"pid":            {why: "Ignoring unsupported options: pid"},
		"privileged":     {why: "Ignoring unsupported options: privileged"},
		"restart":        {why: "Ignoring unsupported options: restart"}, // but converted: checkRestartKey
		"security_opt":   {why: "Ignoring unsupported options: security_opt"},
		"shm_size":       {why: "Ignoring unsupported options: shm_size"},
		"userns_mode":    {why: "Ignoring unsupported options: userns_mode"},
		"container_name": {why: "Ignoring deprecated options: setting the container name is not supported"},
		"expose":         {why: "Ignoring deprecated options: services on the same network reach each other on any port"},
		"depends_on":     {why: "silently: Swarm starts services in no particular order", silent: true},
		"tmpfs":          {why: "silently; use a volume of type tmpfs", silent: true},
		// The 3.13 schema takes oom_score_adj, but ServiceConfig.OomScoreAdj has no mapstructure tag
		// (cli/compose/types/types.go), so the loader never fills it and convert sends 0.
		"oom_score_adj": {why: "silently: docker's loader has no field for it, so it never reaches the service spec", silent: true},
	}
)

// ignoredKey is why docker stack deploy drops a service key; silent when docker does not say so.
type ignoredKey struct {
	why    string
	silent bool
}

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func checkUnknownKeys(p *Pass) {
	for _, kv := range yamlnode.Pairs(p.Doc.Root) {
		if k := kv[0].Value; k == "name" || k == "include" {
			p.Reportf(kv[0], "", "(root) Additional property %s is not allowed: docker stack deploy rejects it", k)
		}
	}
	checkNonStringKeys(p)
	for _, sp := range p.Doc.shapeProblems() {
		if sp.unknown && !strings.HasPrefix(sp.msg, "(root) Additional property name ") && !strings.HasPrefix(sp.msg, "(root) Additional property include ") {
			p.Reportf(sp.node, sp.service, "%s", sp.msg)
		}
	}
}

// checkNonStringKeys finds keys that are not strings anywhere in the document, x- extensions and
// values the schema leaves open included. docker/cli's ParseYAML (cli/compose/loader/loader.go)
// refuses a top level whose keys are not all strings ("top-level object must be a mapping"); below
// it, yaml.v3 makes such a mapping a map[interface{}]interface{}, which the schema validator's JSON
// encoding cannot take (cli/compose/schema/schema.go Validate, gojsonschema.NewGoLoader).
func checkNonStringKeys(p *Pass) {
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		n = yamlnode.Deref(n)
		if n == nil || depth > 10000 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for _, kv := range yamlnode.Pairs(n) {
				key := yamlnode.Deref(kv[0])
				if key.Kind != yaml.ScalarNode || key.Tag != "!!str" && key.Tag != "!!merge" {
					if path == "" {
						p.Reportf(kv[0], "", "non-string key %s at the top level: docker stack deploy fails with \"top-level object must be a mapping\"", key.Value)
					} else {
						p.Reportf(kv[0], serviceAt(p.Doc, path), "non-string key %s in %s: docker stack deploy fails with \"json: unsupported type: map[interface {}]interface {}\"", key.Value, path)
					}
					continue
				}
				walk(kv[1], strings.TrimPrefix(path+"."+key.Value, "."), depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s.%d", path, i), depth+1)
			}
		}
	}
	walk(p.Doc.Root, "", 0)
}

// serviceAt is the service a dotted path such as services.redis.deploy is in, if any.
func serviceAt(d *Document, path string) string {
	for _, s := range d.Services {
		if p := "services." + s.Name; path == p || strings.HasPrefix(path, p+".") {
			return s.Name
		}
	}
	return ""
}

// checkForbidden: docker/cli's loader returns a ForbiddenPropertiesError (cli/compose/loader/loader.go
// validateForbidden), which docker stack config prints as is and docker stack deploy rewrites with
// each key's description (cli/command/stack/loader/loader.go LoadComposefile, propertyWarnings).
func checkForbidden(p *Pass) {
	for _, s := range p.Doc.Services {
		for _, kv := range yamlnode.Pairs(s.Node) {
			if why, ok := forbiddenKeys[kv[0].Value]; ok {
				p.Reportf(kv[0], s.Name, "service %q uses %s: docker stack deploy fails with \"Compose file contains unsupported options: %s: %s\" (docker stack config: \"Configuration contains forbidden properties\")", s.Name, kv[0].Value, kv[0].Value, why)
			}
		}
	}
}

var versionRe = regexp.MustCompile(`^3(\.([0-9]|1[0-3]))?$`)

func checkVersion(p *Pass) {
	if p.Doc.versionMismatch != "" {
		p.Reportf(p.Doc.versionMismatchNode, "", "%s: docker stack deploy -c A -c B needs the same version in every file", p.Doc.versionMismatch)
	}
	k, v := yamlnode.Field(p.Doc.Root, "version")
	if k == nil {
		return
	}
	switch {
	case v.Kind != yaml.ScalarNode || v.Tag != "!!str":
		p.Reportf(v, "", "version must be a string: quote it, version: \"%s\"", v.Value)
	case !versionRe.MatchString(dockerVersion(p.Doc.Root)):
		p.Reportf(v, "", "unsupported Compose file version: %s; docker stack deploy reads 3.0 to 3.13", v.Value)
	}
}

func checkVersionMissing(p *Pass) {
	if k, _ := yamlnode.Field(p.Doc.Root, "version"); k == nil {
		p.Reportf(p.Doc.Root, "", "%s", versionMissing(p.Doc))
	}
}

// versionMissing is SW103's message: the version to add, the lowest whose schema has every key the
// file uses (lowestMinor), and what a CLI before 23 makes of the file.
func versionMissing(d *Document) string {
	minor, why := lowestMinor(d)
	msg := fmt.Sprintf("no version: a Docker CLI before 23 reads the file as version 1.0 and refuses it; add version: \"3.%d\"", minor)
	if why != "" {
		msg += fmt.Sprintf(" (%s needs it)", why)
	}
	if minor > 9 {
		msg += ", which only CLIs 23 and later read (20.10 reads up to 3.9)"
	}
	return msg
}

// checkTypes reports values of a type or format the 3.x schema refuses, after interpolation.
func checkTypes(p *Pass) {
	for _, sp := range p.Doc.shapeProblems() {
		if !sp.unknown {
			p.Reportf(sp.node, sp.service, "%s", sp.msg)
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
	minor, versionOK := composeMinor(p.Doc.Root)
	for _, s := range p.Doc.Services {
		for _, kv := range yamlnode.Pairs(s.Node) {
			key := kv[0].Value
			ig, ok := ignoredKeys[key]
			if !ok {
				continue
			}
			if pr, known := serviceShape.props[key]; known && versionOK && pr.since > minor {
				continue // the schema of this version refuses it (SW101): it is not ignored, it fails
			}
			if key == "restart" {
				checkRestartKey(p, s, kv[0])
				continue
			}
			p.Reportf(kv[0], s.Name, "service %q: %s is ignored by docker stack deploy (%s)", s.Name, key, ig.why)
		}
		_, ports := yamlnode.Field(s.Node, "ports")
		for _, port := range seqItems(ports) {
			if port.Kind == yaml.ScalarNode && strings.Count(p.Doc.Str(port), ":") >= 2 {
				p.Reportf(port, s.Name, "service %q: the host IP in %q is ignored: Swarm publishes on every node's ingress", s.Name, p.Doc.Str(port))
			}
		}
	}
}

// checkRestartKey: docker stack deploy says it ignores restart:, and does when the service has a
// deploy.restart_policy; without one it converts it (swarmRestart).
func checkRestartKey(p *Pass, s *Service, key *yaml.Node) {
	if _, rp := yamlnode.Find(s.Node, "deploy", "restart_policy"); rp != nil {
		p.Reportf(key, s.Name, "service %q: restart is ignored by docker stack deploy: deploy.restart_policy takes its place (docker prints \"Ignoring unsupported options: restart\")", s.Name)
		return
	}
	restart, ok := restartWithoutPolicy(p.Doc, s)
	if !ok {
		return // not a string: SW105
	}
	v := p.Doc.Str(restart)
	says := fmt.Sprintf("service %q: docker stack deploy prints \"Ignoring unsupported options: restart\" but", s.Name)
	cond, attempts, err := swarmRestart(v)
	switch {
	case err != nil:
		return // the deploy fails: SW117
	case cond == "":
		p.Reportf(key, s.Name, "%s reads restart: %q as no restart policy, so Swarm's default applies: condition any", says, v)
	case attempts > 0:
		p.Reportf(key, s.Name, "%s applies restart: %s as deploy.restart_policy condition %s with max_attempts %d", says, v, cond, attempts)
	default:
		p.Reportf(key, s.Name, "%s applies restart: %s as deploy.restart_policy condition %s", says, v, cond)
	}
}

// checkRestartConvert: a restart: that docker stack deploy converts (no deploy.restart_policy) and
// cannot (swarmRestart's error) fails the deploy in convert.
func checkRestartConvert(p *Pass) {
	for _, s := range p.Doc.Services {
		restart, ok := restartWithoutPolicy(p.Doc, s)
		if !ok {
			continue
		}
		if _, _, err := swarmRestart(p.Doc.Str(restart)); err != nil {
			p.Reportf(restart, s.Name, "service %q: docker stack config passes restart: %s, but docker stack deploy converts it and fails with \"service %s: %v\" after creating the stack's networks; write always, unless-stopped, on-failure[:N] or \"no\", or set deploy.restart_policy",
				s.Name, p.Doc.Str(restart), s.Name, err)
		}
	}
}

// checkUndefined finds references to networks, volumes, secrets and configs the file does not declare.
func checkUndefined(p *Pass) {
	declared := func(kind string) map[string]bool {
		_, m := yamlnode.Field(p.Doc.Root, kind)
		out := map[string]bool{}
		for _, kv := range yamlnode.Pairs(m) {
			out[kv[0].Value] = true
		}
		return out
	}
	nets, vols, secrets, configs := declared("networks"), declared("volumes"), declared("secrets"), declared("configs")
	// What docker stack deploy has done before convert fails (cli/command/stack/swarm/deploy_composefile.go
	// deployCompose): created the networks the services name, the stack's secrets and its configs.
	for _, s := range p.Doc.Services {
		for _, ref := range networkRefs(p.Doc, s) {
			name := ref.name
			if nets[name] || name == "default" {
				continue
			}
			fails := fmt.Sprintf("service %s: undefined network %q", s.Name, name)
			not := ""
			if name == "host" || name == "ingress" {
				not = fmt.Sprintf(" it does not join the node's %s network;", name)
			}
			p.Reportf(ref.node, s.Name, "service %q uses network %q, which is not declared under networks:%s docker stack deploy creates the stack's networks (an overlay STACK_%s among them), secrets and configs, then fails with %q", s.Name, name, not, name, fails)
		}
		_, volList := yamlnode.Field(s.Node, "volumes")
		for _, v := range seqItems(volList) {
			typ, src, node := volumeSource(p.Doc, v)
			if typ == "volume" && src != "" && !vols[src] {
				p.Reportf(node, s.Name, "service %q mounts volume %q, which is not declared under volumes: docker stack deploy creates the stack's networks, secrets and configs, then fails with %q", s.Name, src, fmt.Sprintf("service %s: undefined volume %q", s.Name, src))
			}
		}
		for kind, decl := range map[string]map[string]bool{"secrets": secrets, "configs": configs} {
			_, list := yamlnode.Field(s.Node, kind)
			what := strings.TrimSuffix(kind, "s")
			for _, ref := range seqItems(list) {
				name, node := refSource(p.Doc, ref)
				if name != "" && !decl[name] {
					p.Reportf(node, s.Name, "service %q: undefined %s %q: docker stack deploy creates the stack's networks, secrets and configs, then fails with %q", s.Name, what, name, fmt.Sprintf("service %s: undefined %s %q", s.Name, what, name))
				}
			}
		}
	}
}

// netRef is one network a service names, with the node to report at.
type netRef struct {
	node *yaml.Node
	name string
}

// networkRefs are the networks a service names, in the list form (values are interpolated) or the
// mapping form (keys are not), in file order.
func networkRefs(d *Document, s *Service) []netRef {
	_, list := yamlnode.Field(s.Node, "networks")
	var refs []netRef
	switch {
	case list == nil:
	case list.Kind == yaml.SequenceNode:
		for _, n := range list.Content {
			refs = append(refs, netRef{n, d.Str(n)})
		}
	case list.Kind == yaml.MappingNode:
		for _, kv := range yamlnode.Pairs(list) {
			refs = append(refs, netRef{kv[0], kv[0].Value})
		}
	}
	return refs
}

// externalName is the name of the existing object a top-level network, volume, secret or config
// declared external stands for: name:, else the 3.0-3.4 external: {name: ...}, else the key (an
// empty name is no name; cli/compose/loader/loader.go LoadNetworks, LoadVolumes,
// loadFileObjectConfig). ok is false for an object that is not declared or not external.
func (d *Document) externalName(kind, key string) (string, bool) {
	_, obj := yamlnode.Field(yamlnode.Get(d.Root, kind), key)
	ext, external := d.external(obj)
	if obj == nil || !external {
		return "", false
	}
	if _, n := yamlnode.Field(obj, "name"); d.Str(n) != "" {
		return d.Str(n), true
	}
	if _, n := yamlnode.Field(ext, "name"); d.Str(n) != "" {
		return d.Str(n), true
	}
	return key, true
}

// volumeSource reads a service volume in short ("src:/dst[:ro]", split as docker's ParseVolume
// does) or long syntax: its type ("anonymous" for a short volume without a source), source and the
// node to report at.
func volumeSource(d *Document, v *yaml.Node) (typ, source string, node *yaml.Node) {
	if v.Kind == yaml.ScalarNode {
		src, _, err := splitVolumeSpec(d.Str(v))
		switch {
		case err != nil || src == "":
			return "anonymous", "", v
		case volumeIsFilePath(src):
			return "bind", src, v
		}
		return "volume", src, v
	}
	_, t := yamlnode.Field(v, "type")
	_, s := yamlnode.Field(v, "source")
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
		_, target, _ := splitVolumeSpec(d.Str(v))
		return target
	}
	_, t := yamlnode.Field(v, "target")
	return d.Str(t)
}

// refSource reads a secret/config reference in short ("name") or long ({source: name}) syntax.
func refSource(d *Document, ref *yaml.Node) (string, *yaml.Node) {
	if ref.Kind == yaml.ScalarNode {
		return d.Str(ref), ref
	}
	_, s := yamlnode.Field(ref, "source")
	return d.Str(s), s
}

// refTarget is where a secret reference is mounted: /run/secrets/<target>.
func refTarget(d *Document, ref *yaml.Node) string {
	if ref.Kind == yaml.ScalarNode {
		return d.Str(ref)
	}
	if _, t := yamlnode.Field(ref, "target"); t != nil {
		return d.Str(t)
	}
	_, s := yamlnode.Field(ref, "source")
	return d.Str(s)
}

// nameRule is what the daemon takes as the name of one kind of object. Measured with Engine 20.10.24
// (docker secret, config and overlay network create on a one-node Swarm; docker volume create):
// secrets and configs refuse a 65th character and "a b" ("only 64 [a-zA-Z0-9-_.] characters
// allowed, and the start and end character must be [a-zA-Z0-9]"); networks refuse a 64th character
// ("name must be 63 characters or fewer"), "a.b", "ab-" and "a_" ("name must be valid as a DNS name
// component") and take "a_b", "a--b" and "a"; local volumes refuse "a" (too short), "_a" and "a b",
// take "a-" and "a.", and a 256th character ("file name too long").
type nameRule struct {
	whole *regexp.Regexp // a name used as written
	tail  *regexp.Regexp // a name that follows the stack's "STACK_" prefix
	max   int
	says  string
}

var (
	swarmObjectName = nameRule{regexp.MustCompile(`^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$`), regexp.MustCompile(`^[a-zA-Z0-9-_.]*[a-zA-Z0-9]$`), 64,
		"letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 64 characters"}
	nameRules = map[string]nameRule{
		"secrets": swarmObjectName,
		"configs": swarmObjectName,
		"networks": {regexp.MustCompile(`^[a-zA-Z0-9](?:[-_]*[a-zA-Z0-9]+)*$`), regexp.MustCompile(`^(?:[-_]*[a-zA-Z0-9]+)+$`), 63,
			"letters and digits, with '-' or '_' only between them (no '.'), at most 63 characters"},
		"volumes": {regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`), regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`), 255,
			"a letter or digit, then one or more letters, digits, '_', '.' or '-', at most 255 characters"},
	}
)

// checkNames judges the name the object gets: name: or an external object's key as written, else
// "STACK_" and the key (docker/cli cli/compose/convert: only external objects and name: escape the
// stack's namespace). lint does not know the stack's name, so a prefixed key must leave room for at
// least "s_".
func checkNames(p *Pass) {
	for _, kind := range []string{"secrets", "configs", "networks", "volumes"} {
		rule := nameRules[kind]
		what := strings.TrimSuffix(kind, "s")
		_, m := yamlnode.Field(p.Doc.Root, kind)
		for _, kv := range yamlnode.Pairs(m) {
			node, name, exact := kv[0], kv[0].Value, false
			if ext, external := p.Doc.external(kv[1]); external {
				exact = true
				// the 3.0-3.4 form, external: {name: ...}; an empty name is no name (loader.go)
				if _, n := yamlnode.Field(ext, "name"); p.Doc.Str(n) != "" {
					node, name = n, p.Doc.Str(n)
				}
			}
			// An empty name, such as an unset ${VAR}, is no name: the loader and convert fall back to
			// the key (cli/compose/loader/loader.go LoadNetworks, LoadVolumes, loadFileObjectConfig;
			// cli/compose/convert/compose.go Networks, fileObjectConfig; convert/volume.go).
			if _, n := yamlnode.Field(kv[1], "name"); p.Doc.Str(n) != "" {
				node, name, exact = n, p.Doc.Str(n), true
			}
			if _, drv := yamlnode.Field(kv[1], "driver"); kind == "volumes" && !localDriver(p.Doc, drv) {
				continue // another driver has its own rules
			}
			if strings.Contains(name, "$") {
				continue
			}
			if kind == "volumes" {
				checkVolumeName(p, node, name, exact, rule)
				continue
			}
			switch {
			case exact && (len(name) > rule.max || !rule.whole.MatchString(name)):
				p.Reportf(node, "", "%s name %q is refused by the daemon: %s", what, name, rule.says)
			case !exact && !rule.tail.MatchString(name):
				p.Reportf(node, "", "%s name %q is refused by the daemon once stack deploy names it STACK_%s: %s", what, name, name, rule.says)
			case !exact && len(name)+2 > rule.max:
				p.Reportf(node, "", "%s name %q is too long: stack deploy names it STACK_%s, over %d characters", what, name, name, rule.max)
			}
		}
	}
	// A service is named STACK_SERVICE, and swarmkit takes only a DNS name component of at most 63
	// characters (manager/controlapi/common.go validateAnnotations, isValidDNSName), the same rule as
	// an overlay network's. docker stack deploy creates services one by one in no fixed order, after
	// the stack's networks, secrets and configs (cli/command/stack/swarm/deploy_composefile.go).
	dns := nameRules["networks"]
	for _, s := range p.Doc.Services {
		switch {
		case !dns.tail.MatchString(s.Name):
			p.Reportf(s.Key, s.Name, "service name %q is refused by the daemon once stack deploy names it STACK_%s (\"name must be valid as a DNS name component\": %s); the stack's networks, secrets and configs, and maybe some of its services, are created by then", s.Name, s.Name, dns.says)
		case len(s.Name)+2 > dns.max:
			p.Reportf(s.Key, s.Name, "service name %q is too long: stack deploy names it STACK_%s, over 63 characters (\"name must be 63 characters or fewer\"); the stack's networks, secrets and configs, and maybe some of its services, are created by then", s.Name, s.Name)
		}
	}
}

// checkVolumeName: the manager takes any volume name; a node creates the volume when it starts a
// task that mounts it and refuses the name there (docker/docker volume/local/local.go
// validateName), so every task is rejected and Swarm keeps retrying with the same result.
func checkVolumeName(p *Pass, node *yaml.Node, name string, exact bool, rule nameRule) {
	full := name
	if !exact {
		full = "STACK_" + name
	}
	if exact && rule.whole.MatchString(name) && len(name) <= rule.max || !exact && rule.tail.MatchString(name) && len(full) <= rule.max {
		return
	}
	as := ""
	if !exact {
		as = fmt.Sprintf(" (%s once stack deploy names it)", full)
	}
	p.Reportf(node, "", "volume name %q%s passes docker stack deploy but not the node: every task that mounts it is rejected (%q) and its service never runs a replica; a local volume name is %s", name, as, volumeRefusal(name, exact), rule.says)
}

// volumeRefusal is the error the node's local volume driver gives for a name
// (docker/docker volume/local/local.go validateName; a name too long for the file system fails
// when its directory is made).
func volumeRefusal(name string, exact bool) string {
	switch {
	case exact && len(name) == 1:
		return "volume name is too short, names should be at least two alphanumeric characters"
	case exact && len(name) > 255 || !exact && len(name)+2 > 255:
		return "file name too long"
	}
	return "includes invalid characters for a local volume name"
}

func checkInterpolation(p *Pass) {
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		n = yamlnode.Deref(n)
		switch n.Kind {
		case yaml.ScalarNode:
			if _, err := p.Doc.interpolate(n); err != nil {
				tmpl := n.Value
				if e, ok := err.(*errInvalidTemplate); ok {
					tmpl = e.template
				}
				p.Reportf(n, "", "invalid interpolation format for %s: %q; you may need to escape any $ with another $", path, tmpl)
			}
		case yaml.MappingNode:
			for _, kv := range yamlnode.Pairs(n) {
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

// checkImageRef is docker stack deploy's own check before it contacts the daemon
// (cli/command/stack/loader/loader.go): every service has an image, and it parses as a reference.
func checkImageRef(p *Pass) {
	for _, s := range p.Doc.Services {
		if s.Node.Kind != yaml.MappingNode {
			continue
		}
		k, img := yamlnode.Field(s.Node, "image")
		name := p.Doc.Str(img)
		switch {
		case k == nil:
			p.Reportf(s.Key, s.Name, "invalid image reference for service %s: no image specified (build: is ignored by docker stack deploy)", s.Name)
		case img.Kind != yaml.ScalarNode:
		case name == "":
			p.Reportf(img, s.Name, "invalid image reference for service %s: no image specified", s.Name)
		default:
			if err := parseImageRef(name); err != nil {
				p.Reportf(img, s.Name, "invalid image reference for service %s: %v (image %q)", s.Name, err, name)
			}
		}
	}
}

// checkEnvFile: docker's loader reads every env_file on the client and fails on a missing one.
func checkEnvFile(p *Pass) {
	if p.Doc.FileExists == nil {
		return
	}
	for _, s := range p.Doc.Services {
		_, ef := yamlnode.Field(s.Node, "env_file")
		if ef == nil {
			continue
		}
		items := seqItems(ef)
		if ef.Kind == yaml.ScalarNode {
			items = []*yaml.Node{ef}
		}
		for _, it := range items {
			if it.Kind != yaml.ScalarNode || it.Tag != "!!str" {
				continue
			}
			if f := p.Doc.Str(it); !p.Doc.FileExists(f) {
				// docker names the path it opened: joined to the stack file's directory, which lint
				// does not know, and cleaned.
				opened := f
				if !filepath.IsAbs(f) {
					opened = "…/" + filepath.ToSlash(filepath.Clean(f))
				}
				p.Reportf(it, s.Name, "service %q: env_file %q does not exist: docker stack deploy fails with \"open %s: no such file or directory\"", s.Name, f, opened)
			}
		}
	}
}

// checkRestartBudget: max_attempts without window is counted over the life of the service's spec,
// and so is the count of restart: on-failure:N, which docker stack deploy converts to max_attempts N
// without a window when the service has no deploy.restart_policy.
func checkRestartBudget(p *Pass) {
	for _, s := range p.Doc.Services {
		if restart, ok := restartWithoutPolicy(p.Doc, s); ok {
			v := p.Doc.Str(restart)
			if cond, n, err := swarmRestart(v); err == nil && cond == "on-failure" && n > 0 {
				p.Reportf(restart, s.Name, "service %q: restart: %s becomes restart_policy condition on-failure with max_attempts %d and no window, a lifetime budget: after %d restarts its task is never restarted again until the service is updated", s.Name, v, n, n)
			}
		}
		rp := yamlnode.Get(s.Node, "deploy", "restart_policy")
		_, ma := yamlnode.Field(rp, "max_attempts")
		if ma == nil || ma.Kind != yaml.ScalarNode {
			continue
		}
		n, err := strconv.Atoi(p.Doc.Str(ma))
		if err != nil || n <= 0 {
			continue // 0 is no limit
		}
		if _, w := yamlnode.Field(rp, "window"); w != nil {
			if d, err := time.ParseDuration(p.Doc.Str(w)); err != nil || d > 0 {
				continue
			}
		}
		p.Reportf(ma, s.Name, "service %q: max_attempts %d without window is a lifetime budget: after %d restarts its task is never restarted again until the service is updated", s.Name, n, n)
	}
}

// localDrivers are the built-in network drivers whose networks docker stack deploy creates local to
// the node it runs on (libnetwork's drivers declare DataScope local; stack deploy asks for no
// scope), which the daemon then refuses to attach a service to (docker/docker
// daemon/cluster/networks.go populateNetworkID).
var localDrivers = map[string]bool{"bridge": true, "macvlan": true, "ipvlan": true}

// usedNetworks are the stack networks some service names, default for a service that names none: the
// networks docker stack deploy creates (cli/compose/convert/compose.go Networks).
func usedNetworks(d *Document) map[string]bool {
	used := map[string]bool{}
	for _, s := range d.Services {
		refs := networkRefs(d, s)
		if len(refs) == 0 {
			used["default"] = true
		}
		for _, r := range refs {
			used[r.name] = true
		}
	}
	return used
}

// checkLocalNetworks: a stack network with a local driver that a service uses fails the deploy after
// the network was created. A network no service names is never created (convert/compose.go Networks).
func checkLocalNetworks(p *Pass) {
	used := usedNetworks(p.Doc)
	_, nets := yamlnode.Field(p.Doc.Root, "networks")
	for _, kv := range yamlnode.Pairs(nets) {
		key, n := kv[0].Value, yamlnode.Deref(kv[1])
		_, driver := yamlnode.Field(n, "driver")
		if _, external := p.Doc.external(n); external || !used[key] || !localDrivers[p.Doc.Str(driver)] {
			continue
		}
		name := "STACK_" + key
		if _, nm := yamlnode.Field(n, "name"); p.Doc.Str(nm) != "" {
			name = p.Doc.Str(nm)
		}
		p.Reportf(driver, "", "network %q uses the %s driver: docker stack deploy creates it on its node, then fails with \"The network %s cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver.\" and leaves the network behind", key, p.Doc.Str(driver), name)
	}
}

// checkDriveVolumes finds short volume specs that docker/cli's ParseVolume (cli/compose/loader/volume.go)
// splits otherwise than the file means: a letter followed by ':' is a Windows drive to it, so v:/data
// is an anonymous volume at the target "v:/data", not the volume v at /data. docker stack deploy
// takes it; each node's executor then rejects the task (docker/docker
// daemon/cluster/executor/container/validate.go validateMounts: a Linux path must be absolute).
func checkDriveVolumes(p *Pass) {
	for _, s := range p.Doc.Services {
		_, vols := yamlnode.Field(s.Node, "volumes")
		for _, v := range seqItems(vols) {
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
				continue
			}
			spec := p.Doc.Str(v)
			src, target, err := splitVolumeSpec(spec)
			if err != nil || !windowsDrive(src) && !windowsDrive(target) {
				continue
			}
			read := fmt.Sprintf("an anonymous volume at %q", target)
			if src != "" {
				read = fmt.Sprintf("a bind mount of %q at %q", src, target)
			}
			refusal := "invalid mount target, must be an absolute path: " + target
			if strings.HasPrefix(target, "/") {
				refusal = "invalid bind mount source, must be an absolute path: " + src
			}
			p.Reportf(v, s.Name, "service %q: docker reads the volume %q as %s (a letter before ':' is a Windows drive to it): docker stack deploy takes it, then every task is rejected on a Linux node (%q) and the service never runs a replica", s.Name, spec, read, refusal)
		}
	}
}

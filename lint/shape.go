package lint

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/docker/go-connections/nat"
	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// The shape of a Compose file format 3.x stack file, as docker stack deploy validates it after
// interpolation: which keys exist from which 3.x minor version, and which YAML types their values
// take. Written from the facts of docker/cli's cli/compose/schema/data/config_schema_v3.0.json to
// config_schema_v3.13.json (the CLI embeds one schema per minor version and validates against the
// file's own version, 3.13 when the file has none) and of cli/compose/loader/interpolate.go, which
// casts an interpolated string to a number or a boolean at a few paths before validation.

// kind is a set of JSON Schema types.
type kind uint8

const (
	kStr kind = 1 << iota
	kInt
	kNum // any number, integer or not
	kBool
	kNull
	kMap
	kSeq
)

// human names a set of types the way docker's schema errors do ("must be a string, number or null").
func (k kind) human() string {
	var names []string
	for _, p := range []struct {
		k kind
		s string
	}{{kStr, "string"}, {kNum, "number"}, {kInt, "integer"}, {kBool, "boolean"}, {kMap, "mapping"}, {kSeq, "list"}, {kNull, "null"}} {
		if k&p.k != 0 && !(p.k == kInt && k&kNum != 0) {
			names = append(names, p.s)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// shape is one schema node. A mapping shape lists its properties; pattern, when set, is the shape of
// any other key matching keyRe (open: keys that match nothing are allowed too).
type shape struct {
	kinds    kind
	props    map[string]prop
	pattern  *shape
	keyRe    *regexp.Regexp
	open     bool // additional properties allowed
	openFrom int  // additional properties allowed from this minor version on
	since    int  // as a oneOf alternative: available from this minor version on
	// uniqueBelow: items must be unique only in versions before this one (0: in all, when unique)
	uniqueBelow int
	xSince      int // minor version from which x- keys are allowed; 0: never
	items       *shape
	unique      bool
	oneOf       []*shape
	format      string // "duration" or "ports"
	required    []string
	enum        []string
	cast        kind // an interpolated string here is cast to this type first
	// unsigned: the loader decodes the number into an unsigned integer, so a negative value
	// fails ("cannot parse 'Secrets[0].Mode', -1 overflows uint"). A value too large for the
	// field is not refused: it wraps (a secret's mode 4294967296 becomes 0; measured with
	// docker stack config, CLI 20.10.24).
	unsigned bool
}

type prop struct {
	since int // the 3.x minor version that introduced the key
	s     *shape
}

func typ(k kind) *shape                  { return &shape{kinds: k} }
func castTo(k kind) *shape               { return &shape{kinds: k, cast: k} }
func withFormat(k kind, f string) *shape { return &shape{kinds: k, format: f} }
func unsigned(s *shape) *shape           { c := *s; c.unsigned = true; return &c }
func list(items *shape) *shape           { return &shape{kinds: kSeq, items: items} }
func uniqueList(items *shape) *shape     { return &shape{kinds: kSeq, items: items, unique: true} }
func oneOf(s ...*shape) *shape           { return &shape{oneOf: s} }

// obj is a closed mapping of keys available since 3.0 unless given as "key@minor".
func obj(k kind, props map[string]*shape) *shape {
	s := &shape{kinds: k, props: map[string]prop{}}
	for name, p := range props {
		since := 0
		if n, v, ok := strings.Cut(name, "@"); ok {
			since, _ = strconv.Atoi(v)
			name = n
		}
		s.props[name] = prop{since, p}
	}
	return s
}

func (s *shape) withPattern(re string, p *shape, open bool) *shape {
	s.keyRe, s.pattern, s.open = regexp.MustCompile(re), p, open
	return s
}

func (s *shape) ext(since int) *shape { s.xSince = since; return s }

func (s *shape) withItems(items *shape) *shape { s.items = items; return s }

var (
	str           = typ(kStr)
	duration      = withFormat(kStr, "duration")
	listOfStrings = uniqueList(str)
	stringOrList  = oneOf(str, listOfStrings)
	scalarValues  = typ(kStr | kNum | kNull)
	listOrDict    = oneOf((&shape{kinds: kMap}).withPattern(`.+`, scalarValues, false), listOfStrings)
	driverOpts    = (&shape{kinds: kMap}).withPattern(`^.+$`, typ(kStr|kNum), true)
	// external is cast to a boolean after interpolation for all four kinds (interpolate.go).
	externalShape = func() *shape { s := obj(kBool|kMap, map[string]*shape{"name": str}); s.cast = kBool; return s }()
	externalOpen  = func() *shape { s := *externalShape; s.open = true; return &s }()
	ref           = oneOf(str, func() *shape {
		s := obj(kMap, map[string]*shape{"source": str, "target": str, "uid": str, "gid": str, "mode": unsigned(&shape{kinds: kNum, cast: kInt})})
		s.open = true
		return s
	}())
	nameRe         = `^[a-zA-Z0-9._-]+$`
	ulimitNames    = `^[a-z]+$` // the schema's; the loader converts other names too (loader.go)
	updateConfig   = obj(kMap, map[string]*shape{"parallelism": unsigned(castTo(kInt)), "delay": duration, "failure_action": str, "monitor": duration, "max_failure_ratio": castTo(kNum), "order@4": {kinds: kStr, enum: []string{"start-first", "stop-first"}}})
	rollbackConfig = obj(kMap, map[string]*shape{"parallelism": unsigned(castTo(kInt)), "delay": duration, "failure_action": str, "monitor": duration, "max_failure_ratio": castTo(kNum), "order": {kinds: kStr, enum: []string{"start-first", "stop-first"}}})
)

var deployShape = obj(kMap|kNull, map[string]*shape{
	"mode": str, "endpoint_mode@2": str, "replicas": unsigned(castTo(kInt)), "labels": listOrDict,
	"rollback_config@7": rollbackConfig,
	"update_config":     updateConfig,
	"resources": obj(kMap, map[string]*shape{
		"limits":       obj(kMap, map[string]*shape{"cpus": str, "memory": str, "pids@9": typ(kInt)}),
		"reservations": obj(kMap, map[string]*shape{"cpus": str, "memory": str, "generic_resources@5": list(obj(kMap, map[string]*shape{"discrete_resource_spec": obj(kMap, map[string]*shape{"kind": str, "value": typ(kNum)})}))}),
	}),
	"restart_policy": obj(kMap, map[string]*shape{"condition": str, "delay": duration, "max_attempts": unsigned(castTo(kInt)), "window": duration}),
	"placement": obj(kMap, map[string]*shape{"constraints": list(str), "preferences@3": list(obj(kMap, map[string]*shape{"spread": str})),
		"max_replicas_per_node@8": unsigned(castTo(kInt))}),
})

var serviceShape = obj(kMap, map[string]*shape{
	"deploy": deployShape,
	"build": oneOf(str, func() *shape {
		s := obj(kMap, map[string]*shape{"context": str, "dockerfile": str, "args": listOrDict, "cache_from@2": listOfStrings,
			"labels@3": listOrDict, "network@4": str, "target@4": str, "shm_size@5": typ(kInt | kStr), "extra_hosts@9": listOrDict})
		s.openFrom = 11
		return s
	}()),
	"cap_add": listOfStrings, "cap_drop": listOfStrings, "cgroupns_mode@9": str, "cgroup_parent": str,
	"command": oneOf(str, list(str)), "configs@3": list(ref), "container_name": str,
	"credential_spec@3": obj(kMap, map[string]*shape{"config@8": str, "file": str, "registry": str}),
	"depends_on":        listOfStrings, "devices": listOfStrings, "dns": stringOrList, "dns_search": stringOrList,
	"domainname": str, "entrypoint": oneOf(str, list(str)), "env_file": stringOrList, "environment": listOrDict,
	"expose": uniqueList(typ(kStr | kNum)), "external_links": listOfStrings, "extra_hosts": listOrDict,
	"healthcheck": obj(kMap, map[string]*shape{"disable": castTo(kBool), "interval": duration, "retries": unsigned(&shape{kinds: kNum, cast: kInt}),
		"test": oneOf(str, list(str)), "timeout": duration, "start_period@4": duration, "start_interval@12": duration}),
	"hostname": str, "image": str, "init@7": typ(kBool), "ipc": str, "isolation@5": str, "labels": listOrDict,
	"links":       listOfStrings,
	"logging":     obj(kMap, map[string]*shape{"driver": str, "options": (&shape{kinds: kMap}).withPattern(`^.+$`, scalarValues, true)}),
	"mac_address": str, "network_mode": str,
	"networks": oneOf(listOfStrings, (&shape{kinds: kMap}).withPattern(nameRe, oneOf(
		obj(kMap, map[string]*shape{"aliases": listOfStrings, "driver_opts@13": driverOpts, "ipv4_address": str, "ipv6_address": str}),
		typ(kNull)), false)),
	"oom_score_adj@13": castTo(kInt), "pid": typ(kStr | kNull),
	"ports": uniqueList(oneOf(withFormat(kNum, "ports"), withFormat(kStr, "ports"), func() *shape {
		s := obj(kMap, map[string]*shape{"mode": str, "target": unsigned(castTo(kInt)), "published": unsigned(castTo(kInt)), "protocol": str})
		s.since = 2
		return s
	}())),
	"privileged": castTo(kBool), "read_only": castTo(kBool), "restart": str, "secrets@1": list(ref),
	"security_opt": listOfStrings, "shm_size": typ(kNum | kStr), "sysctls": listOrDict, "stdin_open": castTo(kBool),
	"stop_grace_period": duration, "stop_signal": str, "tmpfs": stringOrList, "tty": castTo(kBool),
	"ulimits": (&shape{kinds: kMap}).withPattern(ulimitNames, oneOf(castTo(kInt),
		func() *shape {
			s := obj(kMap, map[string]*shape{"hard": castTo(kInt), "soft": castTo(kInt)})
			s.required = []string{"soft", "hard"}
			return s
		}()), true),
	"user": str, "userns_mode": str,
	"volumes": (&shape{kinds: kSeq, unique: true, uniqueBelow: 2}).withItems(oneOf(str, func() *shape {
		s := obj(kMap, map[string]*shape{"type": str, "source": str, "target": str, "read_only": castTo(kBool),
			"consistency": str, "bind": obj(kMap, map[string]*shape{"propagation": str}),
			"volume":  obj(kMap, map[string]*shape{"nocopy": castTo(kBool)}),
			"tmpfs@6": obj(kMap, map[string]*shape{"size": unsigned(typ(kInt))})})
		s.required = []string{"type"}
		for _, k := range []string{"bind", "volume", "tmpfs"} {
			s.props[k].s.open = true
		}
		s.since = 2
		return s
	}())),
	"working_dir": str,
}).ext(7)

var networkShape = obj(kMap|kNull, map[string]*shape{
	"name@5": str, "driver": str, "driver_opts": driverOpts,
	"ipam":     obj(kMap, map[string]*shape{"driver": str, "config": list(obj(kMap, map[string]*shape{"subnet": str}))}),
	"external": externalShape, "internal": castTo(kBool), "attachable@2": castTo(kBool), "labels": listOrDict,
}).ext(7)

var volumeShape = obj(kMap|kNull, map[string]*shape{
	"name@4": str, "driver": str, "driver_opts": driverOpts, "external": externalShape, "labels": listOrDict,
	"x-cluster-spec@10": {kinds: kMap, open: true},
}).ext(7)

var secretShape = obj(kMap, map[string]*shape{
	"name@5": str, "file": str, "external": externalOpen, "labels": listOrDict,
	"driver@8": str, "driver_opts@8": driverOpts, "template_driver@8": str,
}).ext(7)

var configShape = obj(kMap, map[string]*shape{
	"name@5": str, "file": str, "external": externalOpen, "labels": listOrDict, "template_driver@8": str,
}).ext(7)

func named(s *shape, closed bool) *shape {
	return (&shape{kinds: kMap}).withPattern(nameRe, s, !closed)
}

var rootShape = obj(kMap, map[string]*shape{
	"version":   str,
	"services":  named(serviceShape, true),
	"networks":  named(networkShape, false),
	"volumes":   named(volumeShape, true),
	"secrets@1": named(secretShape, true),
	"configs@3": named(configShape, true),
}).ext(4)

// shapeProblem is one place where the file does not have the shape docker's schema wants.
type shapeProblem struct {
	node    *yaml.Node
	service string // the service it is in, if any
	unknown bool   // an additional property (SW101), else a type or format (SW105)
	msg     string
}

// composeMinor is the 3.x minor version docker validates the file against, and false when the version
// is one docker has no schema for (SW102 reports it).
func composeMinor(root *yaml.Node) (int, bool) {
	s := dockerVersion(root)
	if !versionRe.MatchString(s) {
		return 0, false
	}
	minor, _ := strconv.Atoi(strings.TrimPrefix(s, "3."))
	return minor, true
}

// shapeProblems validates the document once and caches the result for SW101 and SW105.
func (d *Document) shapeProblems() []shapeProblem {
	if d.shape != nil {
		return *d.shape
	}
	var out []shapeProblem
	if minor, ok := composeMinor(d.Root); ok {
		c := &shapeChecker{d: d, minor: minor, out: &out}
		c.check(d.Root, rootShape, "", 0, nil)
		c.loaderChecks()
	}
	d.shape = &out
	return out
}

type shapeChecker struct {
	d     *Document
	minor int
	out   *[]shapeProblem
}

func (c *shapeChecker) report(n *yaml.Node, unknown bool, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	service := ""
	if rest, ok := strings.CutPrefix(msg, "services."); ok {
		for _, s := range c.d.Services {
			if strings.HasPrefix(rest, s.Name+".") || strings.HasPrefix(rest, s.Name+" ") || strings.HasPrefix(rest, s.Name+":") {
				service = s.Name
			}
		}
	}
	*c.out = append(*c.out, shapeProblem{n, service, unknown, msg})
}

// kindOf is a value's JSON type after interpolation and docker's casts.
func (c *shapeChecker) kindOf(n *yaml.Node, s *shape) kind {
	switch n.Kind {
	case yaml.MappingNode:
		return kMap
	case yaml.SequenceNode:
		return kSeq
	}
	switch n.Tag {
	case "!!null":
		return kNull
	case "!!bool":
		return kBool
	case "!!int":
		return kInt | kNum
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && f == math.Trunc(f) && !math.IsInf(f, 0) {
			return kInt | kNum
		}
		return kNum
	}
	if s.cast != 0 && strings.Contains(n.Value, "$") {
		v := c.d.Str(n)
		if v != n.Value {
			switch s.cast {
			case kInt:
				if _, err := strconv.Atoi(v); err == nil {
					return kInt | kNum
				}
			case kNum:
				if _, err := strconv.ParseFloat(v, 64); err == nil {
					return kNum
				}
			case kBool:
				switch strings.ToLower(v) {
				case "true", "false", "yes", "no", "on", "off", "y", "n":
					return kBool
				}
			}
			return 0 // the cast fails: "failed to cast to expected type"
		}
	}
	return kStr
}

func (c *shapeChecker) check(n *yaml.Node, s *shape, path string, depth int, key *yaml.Node) {
	n = yamlnode.Deref(n)
	at := n
	if n.Kind != yaml.ScalarNode && key != nil {
		at = key // a mapping or list is reported at its key, where the reader looks
	}
	if depth > 64 {
		return
	}
	if len(s.oneOf) > 0 {
		c.checkOneOf(n, s, path, depth, key)
		return
	}
	k := c.kindOf(n, s)
	if k&s.kinds == 0 {
		if k == 0 {
			c.report(at, false, "%s: failed to cast %q to %s", path, c.d.Str(n), s.cast.human())
			return
		}
		c.report(at, false, "%s must be a %s%s", path, s.kinds.human(), quoteHint(n, s.kinds))
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		c.checkScalar(n, s, path)
	case yaml.MappingNode:
		c.checkMapping(n, s, path, depth, at)
	case yaml.SequenceNode:
		seen := map[string]bool{}
		for i, item := range n.Content {
			if s.items != nil {
				c.check(item, s.items, fmt.Sprintf("%s.%d", path, i), depth+1, nil)
			}
			if s.unique && (s.uniqueBelow == 0 || c.minor < s.uniqueBelow) {
				key := c.canonical(item)
				if seen[key] {
					c.report(item, false, "%s contains duplicate items: docker stack deploy rejects them", path)
				}
				seen[key] = true
			}
		}
	}
}

func (c *shapeChecker) checkScalar(n *yaml.Node, s *shape, path string) {
	v := c.d.Str(n)
	if s.unsigned && n.Tag != "!!null" {
		if f, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64); err == nil && f < 0 {
			c.report(n, false, "%s: %s is negative; docker's loader takes only a number >= 0 (\"overflows uint\", or \"Must be greater than or equal to 0\")", path, v)
			return
		}
	}
	switch {
	case len(s.enum) > 0 && n.Tag == "!!str":
		for _, e := range s.enum {
			if v == e {
				return
			}
		}
		c.report(n, false, "%s must be one of the following: %s", path, strings.Join(quoteAll(s.enum), ", "))
	case s.format == "duration" && n.Tag == "!!str":
		if _, err := time.ParseDuration(v); err != nil {
			c.report(n, false, "%s Does not match format 'duration': %q is not a Go duration such as 5s or 1m30s", path, v)
		}
	case s.format == "ports" && (n.Tag == "!!str" || n.Tag == "!!int" || n.Tag == "!!float"):
		spec := v
		if n.Tag != "!!str" {
			spec, _, _ = strings.Cut(n.Value, ".")
		}
		if _, err := nat.ParsePortSpec(spec); err != nil {
			c.report(n, false, "%s Does not match format 'ports': %v", path, err)
		}
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}

func (c *shapeChecker) checkMapping(n *yaml.Node, s *shape, path string, depth int, at *yaml.Node) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	where := path
	if where == "" {
		where = "(root)"
	}
	have := map[string]bool{}
	for _, kv := range yamlnode.Pairs(n) {
		key := kv[0]
		have[key.Value] = true
		if key.Tag != "!!str" && key.Tag != "!!merge" {
			continue // SW101 reports every non-string key, wherever it is (checkNonStringKeys)
		}
		name := key.Value
		if path == "" && name == "version" {
			continue // SW102 owns the version
		}
		if _, forbidden := forbiddenKeys[name]; s == serviceShape && forbidden {
			continue // SW104 owns the forbidden properties
		}
		if p, ok := s.props[name]; ok && p.since <= c.minor {
			c.check(kv[1], p.s, join(name), depth+1, key)
			continue
		}
		if s.xSince > 0 && s.xSince <= c.minor && strings.HasPrefix(name, "x-") {
			continue
		}
		if s.keyRe != nil && s.keyRe.MatchString(name) {
			c.check(kv[1], s.pattern, join(name), depth+1, key)
			continue
		}
		if s.open || (s.openFrom > 0 && c.minor >= s.openFrom) {
			continue
		}
		if p, ok := s.props[name]; ok {
			c.report(key, true, "%s Additional property %s is not allowed: it needs version \"3.%d\" or later", where, name, p.since)
			continue
		}
		c.report(key, true, "%s Additional property %s is not allowed", where, name)
	}
	for _, r := range s.required {
		if !have[r] {
			c.report(at, false, "%s %s is required", path, r)
		}
	}
}

// checkOneOf takes the first alternative whose type matches; when none does, the value's type is wrong.
func (c *shapeChecker) checkOneOf(n *yaml.Node, s *shape, path string, depth int, key *yaml.Node) {
	var want kind
	for _, alt := range s.oneOf {
		if alt.since > c.minor {
			continue
		}
		if len(alt.oneOf) > 0 {
			for _, a := range alt.oneOf {
				want |= a.kinds
			}
		} else {
			want |= alt.kinds
		}
		k := c.kindOf(n, alt)
		if len(alt.oneOf) > 0 {
			for _, a := range alt.oneOf {
				if c.kindOf(n, a)&a.kinds != 0 {
					c.check(n, alt, path, depth, key)
					return
				}
			}
			continue
		}
		if k&alt.kinds != 0 {
			c.check(n, alt, path, depth, key)
			return
		}
	}
	at := n
	if n.Kind != yaml.ScalarNode && key != nil {
		at = key
	}
	c.report(at, false, "%s must be a %s%s", path, want.human(), quoteHint(n, want))
}

// quoteHint shows a scalar where only a string will do in the quoted form to write.
func quoteHint(n *yaml.Node, want kind) string {
	if n.Kind == yaml.ScalarNode && want == kStr {
		return fmt.Sprintf(" (quote it: %q)", n.Value)
	}
	return ""
}

// canonical is a value's identity for uniqueItems: its type and its interpolated value.
func (c *shapeChecker) canonical(n *yaml.Node) string {
	n = yamlnode.Deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		switch c.kindOf(n, &shape{}) {
		case kStr:
			return "s" + c.d.Str(n)
		case kNull:
			return "null"
		}
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return "n" + strconv.FormatFloat(f, 'g', -1, 64)
		}
		return n.Tag + n.Value
	case yaml.MappingNode:
		var b strings.Builder
		b.WriteString("{")
		for _, kv := range yamlnode.Pairs(n) {
			b.WriteString(strconv.Quote(kv[0].Value) + ":" + c.canonical(kv[1]) + ",")
		}
		return b.String() + "}"
	case yaml.SequenceNode:
		var b strings.Builder
		b.WriteString("[")
		for _, it := range n.Content {
			b.WriteString(c.canonical(it) + ",")
		}
		return b.String() + "]"
	}
	return ""
}

// lowestMinor is the lowest 3.x minor version whose schema refuses nothing in the document that
// the newest (3.13, what docker reads a file without version: as) accepts, from the per-key since
// versions above; why is the first key or form that rules out the version below it ("" for 3.0).
func lowestMinor(d *Document) (minor int, why string) {
	type at struct {
		n       *yaml.Node
		unknown bool
	}
	problems := func(minor int) []shapeProblem {
		var out []shapeProblem
		c := &shapeChecker{d: d, minor: minor, out: &out}
		c.check(d.Root, rootShape, "", 0, nil)
		return out
	}
	// A file without version: is read at 3.13, whose problems shapeProblems has already found for
	// SW101 and SW105 (its loader checks do not depend on the version, so they rule out nothing).
	base := d.shapeProblems
	if m, ok := composeMinor(d.Root); !ok || m != 13 {
		base = func() []shapeProblem { return problems(13) }
	}
	newest := map[at]bool{}
	for _, p := range base() {
		newest[at{p.node, p.unknown}] = true
	}
	for m := 0; m < 13; m++ {
		var extra *shapeProblem
		for _, p := range problems(m) {
			if !newest[at{p.node, p.unknown}] {
				extra = &p
				break
			}
		}
		if extra == nil {
			return m, why
		}
		why = extra.node.Value
		if !extra.unknown || extra.node.Kind != yaml.ScalarNode {
			why, _, _ = strings.Cut(extra.msg, " ")
		}
	}
	return 13, why
}

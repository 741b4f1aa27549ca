package lint

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/docker/go-connections/nat"
	units "github.com/docker/go-units"
	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// This file merges stack files the way `docker stack deploy -c a.yml -c b.yml` does. docker/cli
// (v28.2.2) loads each file on its own (interpolation, schema validation against the first file's
// version, conversion to its types in cli/compose/loader/loader.go Load) and then merges the typed
// configs with cli/compose/loader/merge.go: mergo.Merge with WithOverride and WithAppendSlice plus a
// few transformers for services, and a replacement by name for top-level volumes, networks,
// secrets and configs. Here the same merge runs on the YAML trees: each rule below names the
// docker/cli or mergo behaviour it follows, and where docker converts a value before merging it
// (short and long port syntax, a list or a mapping of environment variables, a string or a list
// command) the value is converted the same way first. The merged tree is built from the files' own
// nodes, so that findings keep each file's line and column; the few nodes a merge has to make (a
// merged mapping, a converted list item) record the file and position they stand for.
//
// Two things docker's merge does cannot be held by one file, and the merged tree differs there:
//   - docker reads each file's env_file before the merge (LoadService's resolveEnvironment) and
//     merges the variables into environment; lint never opens files, so the merged tree keeps both
//     env_file lists and each file's environment, and where an override's env_file sets a variable
//     the base's environment sets too, docker takes the file's value and the merged tree the base's;
//   - docker appends lists whose items the schema wants unique (cap_add, dns, expose, ...) and may
//     hold an item twice; one file cannot (see appendList).
//
// And docker validates each file before the merge: a value the schema refuses in one file stops
// the deploy even when a later file replaces it, while the merged tree no longer holds it.

// mergeRule says how docker's merge treats one key of a service.
type mergeRule int

const (
	// hScalar: mergo WithOverride sets a field (or what a pointer field points to) only when the
	// override's value is not the zero value, so `read_only: false` or `image: ""` change nothing.
	hScalar mergeRule = iota
	// hAlways: *uint64 fields (replicas, parallelism, max_attempts, retries) go through merge.go's
	// mergeUint64, which takes any value the override sets, 0 included.
	hAlways
	// hAppend: slices without a transformer are appended (mergo WithAppendSlice).
	hAppend
	// hStruct: a nested struct (or pointer to one) is merged field by field.
	hStruct
	// hStrMap: map[string]string (Labels, Mapping): the override's entries win, empty ones too.
	hStrMap
	// hEnv: MappingWithEquals (map[string]*string): see kvMerge.
	hEnv
	// hKeyed: ports, secrets, configs and volumes, merged by key (merge.go mergeSlice).
	hKeyed
	// hCommand: merge.go mergeShellCommand.
	hCommand
	// hLogging: merge.go mergeLoggingConfig.
	hLogging
	// hNetworks: a service's networks, merge.go mergeServiceNetworkConfig.
	hNetworks
	// hUlimits: merge.go mergeUlimitsConfig.
	hUlimits
	// hExtras: x- keys, merged as mergo merges map[string]any.
	hExtras
	// hReplace: a key docker's schema does not know; the file is refused whatever the merge, and
	// the override's value is kept so that its findings show.
	hReplace
)

// zeroKind is the type of a scalar field, which decides what its zero value is.
type zeroKind int

const (
	zStr zeroKind = iota
	zBool
	zInt
	zFloat
	zDuration
	zBytes
)

// listForm is what a non-list value of an appended field converts to (loader.go's transformers).
type listForm int

const (
	lList         listForm = iota // a list only
	lStringOrList                 // transformStringList: a string is a one-item list
	lHealthTest                   // transformHealthCheckTest: a string s is ["CMD-SHELL", s]
	lHosts                        // transformHostsList: a mapping is its sorted "host:ip" entries
)

// listKeyKind is what ports, secrets, configs and volumes are keyed and sorted by.
type listKeyKind int

const (
	byPublished listKeyKind = iota // toServicePortConfigsMap: the published port
	bySource                       // toServiceSecretConfigsMap, toServiceConfigObjConfigsMap: the source
	byTarget                       // toServiceVolumeConfigsMap: the target
)

type mergeSpec struct {
	rule   mergeRule
	zero   zeroKind
	list   listForm
	unique bool // the schema wants unique items; see appendList
	key    listKeyKind
	lookup bool // hEnv: resolveEnvironment fills empty values from the environment
	build  bool // hStruct: a string s means {context: s} (transformBuildConfig)
	fields map[string]*mergeSpec
}

func (s *mergeSpec) field(name string) *mergeSpec {
	if f, ok := s.fields[name]; ok {
		return f
	}
	if s == serviceSpec && strings.HasPrefix(name, "x-") {
		return &mergeSpec{rule: hExtras}
	}
	return &mergeSpec{rule: hReplace}
}

var (
	mStr       = &mergeSpec{rule: hScalar, zero: zStr}
	mBool      = &mergeSpec{rule: hScalar, zero: zBool}
	mInt       = &mergeSpec{rule: hScalar, zero: zInt}
	mDur       = &mergeSpec{rule: hScalar, zero: zDuration}
	mAlways    = &mergeSpec{rule: hAlways}
	mStrMap    = &mergeSpec{rule: hStrMap}
	mAppend    = &mergeSpec{rule: hAppend}
	mUniqueStr = &mergeSpec{rule: hAppend, list: lStringOrList, unique: true}
	mUniqueSeq = &mergeSpec{rule: hAppend, unique: true}
	mHosts     = &mergeSpec{rule: hAppend, list: lHosts, unique: true}
	mUpdate    = &mergeSpec{rule: hStruct, fields: map[string]*mergeSpec{
		"parallelism": mAlways, "delay": mDur, "failure_action": mStr, "monitor": mDur,
		"max_failure_ratio": {rule: hScalar, zero: zFloat}, "order": mStr,
	}}
)

// serviceSpec is docker/cli's types.ServiceConfig as merge.go's mergeServices sees it.
var serviceSpec = &mergeSpec{rule: hStruct, fields: map[string]*mergeSpec{
	"build": {rule: hStruct, build: true, fields: map[string]*mergeSpec{
		"context": mStr, "dockerfile": mStr, "args": {rule: hEnv}, "labels": mStrMap,
		"cache_from": mUniqueStr, "extra_hosts": mHosts, "network": mStr, "target": mStr,
	}},
	"cap_add": mUniqueSeq, "cap_drop": mUniqueSeq, "cgroupns_mode": mStr, "cgroup_parent": mStr,
	"command": {rule: hCommand}, "configs": {rule: hKeyed, key: bySource}, "container_name": mStr,
	"credential_spec": {rule: hStruct, fields: map[string]*mergeSpec{"config": mStr, "file": mStr, "registry": mStr}},
	"depends_on":      mUniqueSeq,
	"deploy": {rule: hStruct, fields: map[string]*mergeSpec{
		"mode": mStr, "replicas": mAlways, "labels": mStrMap, "update_config": mUpdate, "rollback_config": mUpdate,
		"resources": {rule: hStruct, fields: map[string]*mergeSpec{
			"limits": {rule: hStruct, fields: map[string]*mergeSpec{"cpus": mStr, "memory": {rule: hScalar, zero: zBytes}, "pids": mInt}},
			"reservations": {rule: hStruct, fields: map[string]*mergeSpec{
				"cpus": mStr, "memory": {rule: hScalar, zero: zBytes}, "generic_resources": mAppend}},
		}},
		"restart_policy": {rule: hStruct, fields: map[string]*mergeSpec{
			"condition": mStr, "delay": mDur, "max_attempts": mAlways, "window": mDur}},
		"placement": {rule: hStruct, fields: map[string]*mergeSpec{
			"constraints": mAppend, "preferences": mAppend, "max_replicas_per_node": mInt}},
		"endpoint_mode": mStr,
	}},
	"devices": mUniqueSeq, "dns": mUniqueStr, "dns_search": mUniqueStr, "domainname": mStr,
	"entrypoint": {rule: hCommand}, "environment": {rule: hEnv, lookup: true}, "env_file": mUniqueStr,
	"expose": mUniqueSeq, "external_links": mUniqueSeq, "extra_hosts": mHosts, "hostname": mStr,
	"healthcheck": {rule: hStruct, fields: map[string]*mergeSpec{
		"test": {rule: hAppend, list: lHealthTest}, "timeout": mDur, "interval": mDur,
		"retries": mAlways, "start_period": mDur, "start_interval": mDur, "disable": mBool,
	}},
	"image": mStr, "init": mBool, "ipc": mStr, "isolation": mStr, "labels": mStrMap, "links": mUniqueSeq,
	"logging": {rule: hLogging}, "mac_address": mStr, "network_mode": mStr, "networks": {rule: hNetworks},
	"pid": mStr, "ports": {rule: hKeyed, key: byPublished}, "privileged": mBool, "read_only": mBool,
	"restart": mStr, "secrets": {rule: hKeyed, key: bySource}, "security_opt": mUniqueSeq, "shm_size": mStr,
	"stdin_open": mBool, "stop_grace_period": mDur, "stop_signal": mStr, "sysctls": mStrMap,
	"tmpfs": mUniqueStr, "tty": mBool, "ulimits": {rule: hUlimits}, "user": mStr, "oom_score_adj": mInt,
	"userns_mode": mStr, "volumes": {rule: hKeyed, key: byTarget}, "working_dir": mStr,
}}

// merger merges the files' trees in order, as merge.go's merge does with the loaded configs.
type merger struct {
	env    Env
	files  []string
	origin map[*yaml.Node]int    // every node of every file, with its file's index
	made   map[*yaml.Node]madeAt // nodes the merge made, with the file and position they stand for
}

type madeAt struct{ file, line, col int }

func newMerger(files []string, roots []*yaml.Node, env Env) *merger {
	m := &merger{env: env, files: files, origin: map[*yaml.Node]int{}, made: map[*yaml.Node]madeAt{}}
	for i, r := range roots {
		var walk func(*yaml.Node)
		walk = func(n *yaml.Node) {
			if _, seen := m.origin[n]; seen {
				return
			}
			m.origin[n] = i
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(r)
	}
	return m
}

// mergeAll merges the roots in order. The result shares the files' nodes; none is changed.
func (m *merger) mergeAll(roots []*yaml.Node) (*yaml.Node, error) {
	out := roots[0]
	for _, r := range roots[1:] {
		var err error
		if out, err = m.top(out, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (m *merger) at(n *yaml.Node) madeAt {
	if p, ok := m.made[n]; ok {
		return p
	}
	return madeAt{m.origin[n], n.Line, n.Column}
}

// node makes a node standing for from: the same file and position.
func (m *merger) node(kind yaml.Kind, from *yaml.Node) *yaml.Node {
	p := m.at(from)
	n := &yaml.Node{Kind: kind, Line: p.line, Column: p.col}
	if kind == yaml.MappingNode {
		n.Tag = "!!map"
	} else if kind == yaml.SequenceNode {
		n.Tag = "!!seq"
	}
	m.made[n] = p
	return n
}

// text makes a string scalar standing for from.
func (m *merger) text(s string, from *yaml.Node) *yaml.Node {
	n := m.node(yaml.ScalarNode, from)
	n.Tag, n.Value, n.Style = "!!str", s, yaml.DoubleQuotedStyle
	return n
}

func (m *merger) errorf(n *yaml.Node, format string, args ...any) error {
	p := m.at(n)
	return &InputError{File: m.files[p.file], Line: p.line, Column: p.col, Msg: "cannot merge: " + fmt.Sprintf(format, args...)}
}

// mapPairs are a mapping's pairs with "<<" merges expanded, one per key (the first, as YAML's merge
// keys want), indexed by key; none for anything but a mapping.
type mapPairs struct {
	list [][2]*yaml.Node
	at   map[string]int
}

func mapPairsOf(n *yaml.Node) mapPairs {
	all := yamlnode.Pairs(n)
	p := mapPairs{at: make(map[string]int, len(all))}
	for _, kv := range all {
		if _, dup := p.at[kv[0].Value]; !dup {
			p.at[kv[0].Value] = len(p.list)
			p.list = append(p.list, kv)
		}
	}
	return p
}

func (p mapPairs) get(key string) (k, v *yaml.Node) {
	if i, ok := p.at[key]; ok {
		return p.list[i][0], p.list[i][1]
	}
	return nil, nil
}

// union is a mapping made for at: each of b's pairs as pair makes it (ok and ov nil when o lacks
// the key), then o's other pairs, but those keep says no to.
func (m *merger) union(at, b, o *yaml.Node, keep func(key string) bool,
	pair func(bk, bv, ok, ov *yaml.Node) (k, v *yaml.Node, err error)) (*yaml.Node, error) {
	out := m.node(yaml.MappingNode, at)
	bp, op := mapPairsOf(b), mapPairsOf(o)
	for _, kv := range bp.list {
		ok, ov := op.get(kv[0].Value)
		k, v, err := pair(kv[0], kv[1], ok, ov)
		if err != nil {
			return nil, err
		}
		out.Content = append(out.Content, k, v)
	}
	for _, kv := range op.list {
		if _, in := bp.at[kv[0].Value]; !in && (keep == nil || keep(kv[0].Value)) {
			out.Content = append(out.Content, kv[0], kv[1])
		}
	}
	return out, nil
}

// overrideWins is union's pair for keys the override's value replaces.
func overrideWins(bk, bv, ok, ov *yaml.Node) (*yaml.Node, *yaml.Node, error) {
	if ok == nil {
		return bk, bv, nil
	}
	return ok, ov, nil
}

func nullNode(n *yaml.Node) bool {
	n = yamlnode.Deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindIs(n *yaml.Node, k yaml.Kind) bool {
	n = yamlnode.Deref(n)
	return n != nil && n.Kind == k
}

// top merges one file into the merge so far, as merge.go's merge does with two configs: services
// merged by name, top-level volumes, networks, secrets and configs replaced by name. The version is
// the first file's (Load refuses files whose versions differ; loader.go checks it apart), and so are
// the top-level x- keys: merge never touches Config.Extras, so an override's are dropped.
func (m *merger) top(b, o *yaml.Node) (*yaml.Node, error) {
	notFirstOnly := func(key string) bool { return key != "version" && !strings.HasPrefix(key, "x-") }
	pair := func(bk, bv, ok, ov *yaml.Node) (*yaml.Node, *yaml.Node, error) {
		switch {
		case ok == nil || !notFirstOnly(bk.Value):
			return bk, bv, nil
		case bk.Value == "services":
			nv, err := m.services(bv, ov)
			return ok, nv, err
		case bk.Value == "volumes" || bk.Value == "networks" || bk.Value == "secrets" || bk.Value == "configs":
			nv, err := m.objects(bk.Value, bv, ov)
			return ok, nv, err
		}
		return ok, ov, nil // not in docker's schema, which refuses the file
	}
	return m.union(o, b, o, notFirstOnly, pair)
}

// mappings checks that b and o can be merged key by key; a null is nothing (mapstructure decodes
// it to the zero value).
func (m *merger) mappings(what string, b, o *yaml.Node) error {
	for _, n := range []*yaml.Node{o, b} {
		if !nullNode(n) && !kindIs(n, yaml.MappingNode) {
			return m.errorf(n, "%s is not a mapping", what)
		}
	}
	return nil
}

// services merges by name (merge.go mergeServices: mapByName, then mergo.Merge per service).
func (m *merger) services(b, o *yaml.Node) (*yaml.Node, error) {
	if err := m.mappings("services", b, o); err != nil {
		return nil, err
	}
	if nullNode(o) {
		return b, nil
	}
	if nullNode(b) {
		return o, nil
	}
	return m.union(o, b, o, nil, func(bk, bv, ok, ov *yaml.Node) (*yaml.Node, *yaml.Node, error) {
		if ok == nil {
			return bk, bv, nil
		}
		what := fmt.Sprintf("service %q", bk.Value)
		if err := m.mappings(what, bv, ov); err != nil {
			return nil, nil, err
		}
		nv, err := m.mapping(serviceSpec, what, bv, ok, ov)
		return ok, nv, err
	})
}

// objects replaces top-level volumes, networks, secrets or configs by name (merge.go mergeVolumes
// and the others: mergo.Map WithOverride over map[string]T, where T is a struct, sets the
// override's whole value; without WithAppendSlice nothing in it can fail).
func (m *merger) objects(section string, b, o *yaml.Node) (*yaml.Node, error) {
	if err := m.mappings(section, b, o); err != nil {
		return nil, err
	}
	if nullNode(o) {
		return b, nil
	}
	if nullNode(b) {
		return o, nil
	}
	return m.union(o, b, o, nil, overrideWins)
}

// mapping merges two mappings field by field, as mergo merges two structs. A key only the base has
// is kept, except that the base's ports, secrets, configs and volumes are still keyed (mergo calls
// the transformer whenever the base's slice is not nil).
func (m *merger) mapping(s *mergeSpec, what string, b, ok, o *yaml.Node) (*yaml.Node, error) {
	return m.union(ok, b, o, nil, func(bk, bv, fk, fv *yaml.Node) (*yaml.Node, *yaml.Node, error) {
		return m.field(s.field(bk.Value), what+"."+bk.Value, bk, bv, fk, fv)
	})
}

// field merges one key both files have (ok is nil when only the base has it).
func (m *merger) field(f *mergeSpec, what string, bk, bv, ok, ov *yaml.Node) (*yaml.Node, *yaml.Node, error) {
	switch {
	case f.rule == hExtras && ok != nil:
		nv, err := m.deep(bv, ov)
		return ok, nv, err
	case f.rule == hKeyed && !nullNode(bv) && nullNode(ov):
		nv, err := m.keyed(f, what, bv, nil, bk)
		return bk, nv, err
	case ok == nil || nullNode(ov):
		return bk, bv, nil
	case nullNode(bv):
		return ok, ov, nil
	}
	switch f.rule {
	case hScalar:
		if m.isZero(f.zero, ov) {
			return bk, bv, nil
		}
	case hStruct:
		b, o := bv, ov
		if f.build {
			b, o = m.buildMapping(bv), m.buildMapping(ov)
		}
		if err := m.mappings(what, b, o); err != nil {
			return nil, nil, err
		}
		nv, err := m.mapping(f, what, b, ok, o)
		return ok, nv, err
	case hAppend:
		nv, err := m.appendList(f, what, bv, ov, ok)
		return ok, nv, err
	case hStrMap, hEnv:
		nv, err := m.kvMerge(f, what, bv, ov, ok)
		return ok, nv, err
	case hKeyed:
		nv, err := m.keyed(f, what, bv, ov, ok)
		return ok, nv, err
	case hCommand:
		if m.emptyCommand(ov) {
			return bk, bv, nil
		}
	case hLogging:
		nv, err := m.logging(what, bv, ov, ok)
		return ok, nv, err
	case hNetworks:
		nv, err := m.networks(what, bv, ov, ok)
		return ok, nv, err
	case hUlimits:
		nv, err := m.ulimits(what, bv, ov, ok)
		return ok, nv, err
	}
	return ok, ov, nil
}

// buildMapping is transformBuildConfig: a string is the build context.
func (m *merger) buildMapping(n *yaml.Node) *yaml.Node {
	if d := yamlnode.Deref(n); d.Kind == yaml.ScalarNode && !nullNode(d) {
		out := m.node(yaml.MappingNode, n)
		out.Content = []*yaml.Node{m.text("context", n), n}
		return out
	}
	return n
}

// str is a scalar as docker reads it after interpolation (loader.go interpolateConfig).
func (m *merger) str(n *yaml.Node) string {
	n = yamlnode.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	if n.Tag != "!!str" || !strings.Contains(n.Value, "$") {
		return n.Value
	}
	v, err := dockerSubstitute(n.Value, func(name string) (string, bool) {
		if m.env == nil {
			return "", false
		}
		return m.env(name)
	})
	if err != nil {
		return n.Value
	}
	return v
}

// isZero says whether the value is the zero value of its field once docker has converted it, so
// that mergo WithOverride keeps the base's value (an int, a bool, a string, a time.Duration, a
// UnitBytes, or what a *bool or *Duration points to).
func (m *merger) isZero(z zeroKind, n *yaml.Node) bool {
	d := yamlnode.Deref(n)
	if nullNode(d) {
		return true
	}
	if d.Kind != yaml.ScalarNode {
		return false
	}
	s := m.str(d)
	switch z {
	case zStr:
		return s == ""
	case zBool:
		if d.Tag == "!!bool" {
			v, _ := strconv.ParseBool(strings.ToLower(s))
			return !v
		}
		v, err := dockerBool(s)
		return err == nil && !v
	case zInt:
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
		return err == nil && i == 0
	case zFloat:
		f, err := strconv.ParseFloat(s, 64)
		return err == nil && f == 0
	case zDuration:
		v, err := time.ParseDuration(s)
		return err == nil && v == 0
	case zBytes:
		if d.Tag == "!!int" {
			i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
			return err == nil && i == 0
		}
		v, err := units.RAMInBytes(s)
		return err == nil && v == 0
	}
	return false
}

// dockerBool is cli/compose/loader/interpolate.go's cast for boolean fields.
func dockerBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "y", "yes", "true", "on":
		return true, nil
	case "n", "no", "false", "off":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean: %s", s)
}

// emptyCommand: mergeShellCommand keeps the base's command when the override's has no words
// (transformShellCommand splits a string with github.com/google/shlex, for which blanks and
// comment lines are nothing).
func (m *merger) emptyCommand(n *yaml.Node) bool {
	d := yamlnode.Deref(n)
	switch d.Kind {
	case yaml.SequenceNode:
		return len(d.Content) == 0
	case yaml.ScalarNode:
		s := m.str(d)
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case ' ', '\t', '\r', '\n':
			case '#':
				for i < len(s) && s[i] != '\n' {
					i++
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}

// dockerString is what loader.go's toString (fmt.Sprint) makes of a scalar gopkg.in/yaml.v3 decoded;
// null is nil.
func dockerString(n *yaml.Node) (string, bool) {
	n = yamlnode.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	if n.Tag == "!!str" {
		return n.Value, true
	}
	if n.Tag == "!!float" || n.Tag == "!!int" {
		// yaml.v3 reads "-0" as the int 0; go.yaml.in/yaml/v4 as the float -0.
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
	}
	var v any
	if err := n.Decode(&v); err != nil || v == nil {
		return n.Value, true
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return fmt.Sprint(v), true
}

// canonical is a list item's identity for the schema's uniqueItems: its type and value after
// interpolation.
func (m *merger) canonical(n *yaml.Node) string {
	d := yamlnode.Deref(n)
	if d.Kind != yaml.ScalarNode {
		return fmt.Sprintf("%p", d)
	}
	switch d.Tag {
	case "!!str":
		return "s" + m.str(d)
	case "!!null":
		return "null"
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(d.Value, "_", ""), 64); err == nil {
			return "n" + strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	return d.Tag + d.Value
}

// appendList appends the override's items to the base's (mergo WithAppendSlice), after converting
// a string or a mapping as docker does. docker's merge keeps both copies of an item the two files
// share (cap_add: [NET_ADMIN] in both gives it twice), but one file cannot hold them: the schema
// wants these lists' items unique, and docker validates each file before the merge, never the
// merge. The merged tree keeps one copy, which is what the list means to Swarm.
func (m *merger) appendList(f *mergeSpec, what string, b, o, ok *yaml.Node) (*yaml.Node, error) {
	bi, err := m.items(f, what, b)
	if err != nil {
		return nil, err
	}
	oi, err := m.items(f, what, o)
	if err != nil {
		return nil, err
	}
	out := m.node(yaml.SequenceNode, ok)
	seen := map[string]bool{}
	for _, it := range append(bi, oi...) {
		if f.unique {
			c := m.canonical(it)
			if seen[c] {
				continue
			}
			seen[c] = true
		}
		out.Content = append(out.Content, it)
	}
	return out, nil
}

func (m *merger) items(f *mergeSpec, what string, n *yaml.Node) ([]*yaml.Node, error) {
	d := yamlnode.Deref(n)
	switch {
	case d.Kind == yaml.SequenceNode:
		return d.Content, nil
	case d.Kind == yaml.ScalarNode && f.list == lStringOrList:
		return []*yaml.Node{n}, nil
	case d.Kind == yaml.ScalarNode && f.list == lHealthTest:
		return []*yaml.Node{m.text("CMD-SHELL", n), n}, nil
	case d.Kind == yaml.MappingNode && f.list == lHosts:
		// transformListOrMapping: "host:ip" for each entry with a value, sorted. A host with "="
		// cannot be written so (docker reads a list item's host up to its first "="), and the
		// merged file then differs; no real host name has one.
		var out []*yaml.Node
		var keys []string
		for _, kv := range mapPairsOf(d).list {
			v, ok := dockerString(kv[1])
			if !ok {
				continue
			}
			out = append(out, m.text(escapeDollar(kv[0].Value)+":"+v, kv[0]))
			keys = append(keys, kv[0].Value+":"+v)
		}
		sort.Sort(nodesByKey{keys, out})
		return out, nil
	}
	return nil, m.errorf(n, "%s is not a list", what)
}

type nodesByKey struct {
	keys  []string
	nodes []*yaml.Node
}

func (s nodesByKey) Len() int           { return len(s.keys) }
func (s nodesByKey) Less(i, j int) bool { return s.keys[i] < s.keys[j] }
func (s nodesByKey) Swap(i, j int) {
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.nodes[i], s.nodes[j] = s.nodes[j], s.nodes[i]
}

// escapeDollar keeps a mapping key literal where it becomes part of a list item, which docker
// interpolates (it never interpolates keys).
func escapeDollar(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// kvEntry is one entry of a list_or_dict (environment, labels, sysctls, build args).
type kvEntry struct {
	key    string
	k, v   *yaml.Node // the mapping form's nodes
	item   *yaml.Node // the list form's item
	val    string
	hasVal bool // false: nil (a list item without "=", or a null)
}

// kvEntries reads a list_or_dict as loader.go's transformMappingOrList does: a list item is split
// at its first "=" after interpolation; a mapping's values are fmt.Sprint'ed. A later entry for the
// same key wins.
func (m *merger) kvEntries(what string, n *yaml.Node) ([]kvEntry, bool, error) {
	d := yamlnode.Deref(n)
	var out []kvEntry
	at := map[string]int{}
	add := func(e kvEntry) {
		if i, ok := at[e.key]; ok {
			out[i] = e
			return
		}
		at[e.key] = len(out)
		out = append(out, e)
	}
	switch d.Kind {
	case yaml.SequenceNode:
		for _, it := range d.Content {
			k, v, has := strings.Cut(m.str(it), "=")
			add(kvEntry{key: k, item: it, val: v, hasVal: has})
		}
		return out, true, nil
	case yaml.MappingNode:
		for _, kv := range mapPairsOf(d).list {
			v, has := dockerString(kv[1])
			if yamlnode.Deref(kv[1]).Tag == "!!str" {
				v = m.str(kv[1])
			}
			add(kvEntry{key: kv[0].Value, k: kv[0], v: kv[1], val: v, hasVal: has})
		}
		return out, false, nil
	}
	return nil, false, m.errorf(n, "%s is neither a list nor a mapping", what)
}

// resolved is an environment value as LoadService leaves it: resolveEnvironment gives an empty or
// missing value the process environment's, when it has the variable.
func (m *merger) resolved(f *mergeSpec, e kvEntry) (string, bool) {
	if f.lookup && (!e.hasVal || e.val == "") && m.env != nil {
		if v, ok := m.env(e.key); ok {
			return v, true
		}
	}
	return e.val, e.hasVal
}

// kvMerge merges two list_or_dicts by key. For a map[string]string (labels, sysctls) mergo sets
// every override entry; for a MappingWithEquals (environment, build args: map[string]*string)
// mergo's map merge sets an override entry only when it is not empty, or when the base's is
// missing or empty: so `FOO=` in an override keeps the base's FOO=bar. The result keeps the two
// files' form when they agree and is a list otherwise (a mapping key with "=" makes it a mapping).
func (m *merger) kvMerge(f *mergeSpec, what string, b, o, ok *yaml.Node) (*yaml.Node, error) {
	be, bList, err := m.kvEntries(what, b)
	if err != nil {
		return nil, err
	}
	oe, oList, err := m.kvEntries(what, o)
	if err != nil {
		return nil, err
	}
	win := make([]kvEntry, 0, len(be)+len(oe))
	at := map[string]int{}
	for _, e := range be {
		at[e.key] = len(win)
		win = append(win, e)
	}
	for _, e := range oe {
		i, inBase := at[e.key]
		if !inBase {
			at[e.key] = len(win)
			win = append(win, e)
			continue
		}
		if f.rule == hEnv {
			ov, oset := m.resolved(f, e)
			bv, bset := m.resolved(f, win[i])
			if !(oset && ov != "") && bset && bv != "" {
				continue
			}
		}
		win[i] = e
	}
	asList := bList || oList
	for _, e := range win {
		asList = asList && (e.item != nil || !strings.Contains(e.key, "="))
	}
	if !asList {
		// Both mappings, or a mapping key with "=", which a list item cannot hold.
		out := m.node(yaml.MappingNode, ok)
		for _, e := range win {
			if e.item == nil {
				out.Content = append(out.Content, e.k, e.v)
				continue
			}
			v := m.node(yaml.ScalarNode, e.item)
			v.Tag, v.Value = "!!null", "null"
			if e.hasVal {
				// The item's text after its first "=" is the value, unless interpolation moves
				// that "=" (a variable before it); then the value docker read, kept literal.
				v = m.text(escapeDollar(e.val), e.item)
				if k, rest, found := strings.Cut(yamlnode.Deref(e.item).Value, "="); found && !strings.Contains(k, "$") {
					v.Value = rest
				}
			}
			out.Content = append(out.Content, m.text(e.key, e.item), v)
		}
		return out, nil
	}
	out := m.node(yaml.SequenceNode, ok)
	for _, e := range win {
		if e.item != nil {
			out.Content = append(out.Content, e.item)
			continue
		}
		s := escapeDollar(e.key)
		if v := yamlnode.Deref(e.v); v.Tag == "!!str" {
			s += "=" + v.Value
		} else if e.hasVal {
			s += "=" + e.val
		}
		out.Content = append(out.Content, m.text(s, e.k))
	}
	return out, nil
}

// listKey orders ports by published port and secrets, configs and volumes by source or target, as
// merge.go's to*Slice functions sort them. An item docker could not convert (it refuses the file)
// keeps a key of its own, after the others.
type listKey struct {
	num uint32
	str string
	bad int
}

func (a listKey) less(b listKey) bool {
	if a.bad != b.bad {
		return a.bad < b.bad
	}
	if a.num != b.num {
		return a.num < b.num
	}
	return a.str < b.str
}

type keyedItem struct {
	key  listKey
	node *yaml.Node
}

// keyed is merge.go's mergeSlice: both lists become maps by key (the last item of a key wins), the
// override's items replace the base's, and the result is sorted by key. It runs whenever the base
// has the list, even when the override has none (o nil).
func (m *merger) keyed(f *mergeSpec, what string, b, o, at *yaml.Node) (*yaml.Node, error) {
	byKey := map[listKey]*yaml.Node{}
	bad := 0
	for _, n := range []*yaml.Node{b, o} {
		if n == nil {
			continue
		}
		d := yamlnode.Deref(n)
		if d.Kind != yaml.SequenceNode {
			return nil, m.errorf(n, "%s is not a list", what)
		}
		for _, it := range d.Content {
			for _, ki := range m.keyItems(f.key, it) {
				if ki.key.bad != 0 {
					bad++
					ki.key.bad = bad
				}
				byKey[ki.key] = ki.node
			}
		}
	}
	keys := make([]listKey, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	out := m.node(yaml.SequenceNode, at)
	for _, k := range keys {
		out.Content = append(out.Content, byKey[k])
	}
	if d := yamlnode.Deref(b); o == nil && len(d.Content) == len(out.Content) {
		same := true
		for i, n := range d.Content {
			same = same && n == out.Content[i]
		}
		if same {
			delete(m.made, out)
			return b, nil
		}
	}
	return out, nil
}

// keyItems is the key of a list item; a short port that maps several ports (a range) is one
// item for each, written in the long syntax with what toServicePortConfigs makes of it.
func (m *merger) keyItems(k listKeyKind, it *yaml.Node) []keyedItem {
	d := yamlnode.Deref(it)
	bad := []keyedItem{{listKey{bad: 1}, it}}
	switch k {
	case bySource, byTarget:
		field := "source"
		if k == byTarget {
			field = "target"
		}
		switch d.Kind {
		case yaml.ScalarNode:
			s := m.str(d)
			if k == byTarget {
				t, err := volumeSpecTarget(s)
				if err != nil {
					return bad
				}
				s = t
			}
			return []keyedItem{{listKey{str: s}, it}}
		case yaml.MappingNode:
			_, v := yamlnode.Field(d, field)
			return []keyedItem{{listKey{str: m.str(v)}, it}}
		}
		return bad
	}
	switch d.Kind {
	case yaml.MappingNode:
		_, v := yamlnode.Field(d, "published")
		v = yamlnode.Deref(v)
		var p uint64
		var err error
		switch {
		case v == nil || nullNode(v):
		case v.Tag == "!!int":
			p, err = strconv.ParseUint(strings.ReplaceAll(v.Value, "_", ""), 0, 32)
		case v.Tag == "!!str" && m.str(v) != v.Value:
			// interpolate.go casts an interpolated published port with strconv.Atoi
			p, err = strconv.ParseUint(m.str(v), 10, 32)
		default:
			return bad
		}
		if err != nil {
			return bad
		}
		return []keyedItem{{listKey{num: uint32(p)}, it}}
	case yaml.ScalarNode:
		spec := m.str(d)
		if d.Tag == "!!int" {
			i, err := strconv.ParseInt(strings.ReplaceAll(d.Value, "_", ""), 0, 64)
			if err != nil {
				return bad
			}
			spec = strconv.FormatInt(i, 10)
		} else if d.Tag != "!!str" {
			return bad
		}
		confs, err := dockerPortConfigs(spec)
		if err != nil {
			return bad
		}
		if len(confs) == 1 {
			return []keyedItem{{listKey{num: confs[0].published}, it}}
		}
		out := make([]keyedItem, 0, len(confs))
		for _, c := range confs {
			n := m.node(yaml.MappingNode, it)
			for _, kv := range [][2]string{{"mode", c.mode}, {"target", fmt.Sprint(c.target)}, {"published", fmt.Sprint(c.published)}, {"protocol", c.protocol}} {
				v := m.node(yaml.ScalarNode, it)
				v.Tag, v.Value = "!!str", kv[1]
				if kv[0] == "target" || kv[0] == "published" {
					v.Tag = "!!int"
				}
				n.Content = append(n.Content, m.text(kv[0], it), v)
			}
			out = append(out, keyedItem{listKey{num: c.published}, n})
		}
		return out
	}
	return bad
}

type portConfig struct {
	mode              string
	target, published uint32
	protocol          string
}

// dockerPortConfigs is loader.go's toServicePortConfigs: nat.ParsePortSpecs, then for each port (in the
// order of their "port/proto" strings) cli/opts/swarmopts ConvertPortToPortConfig, which makes one
// config for each host port of a binding's range.
func dockerPortConfigs(spec string) ([]portConfig, error) {
	ports, bindings, err := nat.ParsePortSpecs([]string{spec})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(ports))
	for p := range ports {
		keys = append(keys, string(p))
	}
	sort.Strings(keys)
	var out []portConfig
	for _, key := range keys {
		port := nat.Port(key)
		for _, b := range bindings[port] {
			start, end, err := nat.ParsePortRange(b.HostPort)
			if err != nil && b.HostPort != "" {
				return nil, fmt.Errorf("invalid hostport binding (%s) for port (%s)", b.HostPort, port.Port())
			}
			for i := start; i <= end; i++ {
				out = append(out, portConfig{mode: "ingress", target: uint32(port.Int()), published: uint32(i), protocol: strings.ToLower(port.Proto())})
			}
		}
	}
	return out, nil
}

// volumeSpecTarget is the target cli/compose/loader/volume.go's ParseVolume reads from a short
// volume: the second field, or the only one (an anonymous volume), where a letter and a colon
// starting a field is a Windows drive.
func volumeSpecTarget(spec string) (string, error) {
	switch len(spec) {
	case 0:
		return "", fmt.Errorf("invalid empty volume spec")
	case 1, 2:
		return spec, nil
	}
	var fields []string
	var buf []rune
	for _, r := range append([]rune(spec), 0) {
		switch {
		case r == ':' && len(buf) == 1 && unicode.IsLetter(buf[0]):
			buf = append(buf, r)
		case r == ':' || r == 0:
			if len(buf) == 0 {
				return "", fmt.Errorf("empty section between colons")
			}
			if len(fields) == 2 && r == ':' {
				return "", fmt.Errorf("too many colons")
			}
			fields = append(fields, string(buf))
			buf = nil
		default:
			buf = append(buf, r)
		}
	}
	if len(fields) == 1 {
		return fields[0], nil
	}
	return fields[1], nil
}

// logging is merge.go's mergeLoggingConfig: with the same driver, or either one unset, the driver
// is the one set and the options are merged, but only into options the base already has (mergo
// merges into a copy of a nil map, which is lost); with two different drivers the override's
// logging replaces the base's.
func (m *merger) logging(what string, b, o, ok *yaml.Node) (*yaml.Node, error) {
	if err := m.mappings(what, b, o); err != nil {
		return nil, err
	}
	bp, op := mapPairsOf(b), mapPairsOf(o)
	bdk, bd := bp.get("driver")
	odk, od := op.get("driver")
	bs, os := m.str(bd), m.str(od)
	if bs != os && bs != "" && os != "" {
		return o, nil
	}
	out := m.node(yaml.MappingNode, ok)
	switch {
	case bs == "" && odk != nil:
		out.Content = append(out.Content, odk, od)
	case bdk != nil:
		out.Content = append(out.Content, bdk, bd)
	}
	bok, bo := bp.get("options")
	ook, oo := op.get("options")
	switch {
	case bok == nil || nullNode(bo):
	case ook == nil || nullNode(oo):
		out.Content = append(out.Content, bok, bo)
	default:
		if err := m.mappings(what+".options", bo, oo); err != nil {
			return nil, err
		}
		merged, err := m.union(ook, bo, oo, nil, overrideWins)
		if err != nil {
			return nil, err
		}
		out.Content = append(out.Content, ook, merged)
	}
	return out, nil
}

// netEntry is one of a service's networks, from a list (no settings) or a mapping.
type netEntry struct {
	name string
	k, v *yaml.Node // mapping form; v may be a null
	item *yaml.Node // list form
}

func (m *merger) netEntries(what string, n *yaml.Node) ([]netEntry, bool, error) {
	d := yamlnode.Deref(n)
	var out []netEntry
	switch d.Kind {
	case yaml.SequenceNode:
		for _, it := range d.Content {
			out = append(out, netEntry{name: m.str(it), item: it})
		}
		return out, true, nil
	case yaml.MappingNode:
		for _, kv := range mapPairsOf(d).list {
			out = append(out, netEntry{name: kv[0].Value, k: kv[0], v: kv[1]})
		}
		return out, false, nil
	}
	return nil, false, m.errorf(n, "%s is neither a list nor a mapping", what)
}

// networks merges a service's networks by name (a map[string]*ServiceNetworkConfig in mergo's map
// merge): a network only one file names is kept; when the base's has no settings (a list item or
// null) the override's entry is taken; when the override's has none the base's stays; otherwise
// merge.go's mergeServiceNetworkConfig sets the override's aliases (even none) and its IPv4 and IPv6
// addresses when set, and keeps the base's driver_opts.
func (m *merger) networks(what string, b, o, ok *yaml.Node) (*yaml.Node, error) {
	be, bList, err := m.netEntries(what, b)
	if err != nil {
		return nil, err
	}
	oe, oList, err := m.netEntries(what, o)
	if err != nil {
		return nil, err
	}
	win := append([]netEntry(nil), be...)
	at := map[string]int{}
	for i, e := range be {
		at[e.name] = i
	}
	for _, e := range oe {
		i, inBase := at[e.name]
		switch {
		case !inBase:
			at[e.name] = len(win)
			win = append(win, e)
		case win[i].v == nil || nullNode(win[i].v):
			win[i] = e
		case e.v == nil || nullNode(e.v):
		default:
			if err := m.mappings(what+"."+e.name, win[i].v, e.v); err != nil {
				return nil, err
			}
			win[i] = netEntry{name: e.name, k: e.k, v: m.networkConfig(win[i].v, e.v, e.k)}
		}
	}
	if bList && oList {
		out := m.node(yaml.SequenceNode, ok)
		for _, e := range win {
			out.Content = append(out.Content, e.item)
		}
		return out, nil
	}
	out := m.node(yaml.MappingNode, ok)
	for _, e := range win {
		if e.item != nil {
			null := m.node(yaml.ScalarNode, e.item)
			null.Tag, null.Value = "!!null", "null"
			out.Content = append(out.Content, m.text(e.name, e.item), null)
			continue
		}
		out.Content = append(out.Content, e.k, e.v)
	}
	return out, nil
}

func (m *merger) networkConfig(b, o, ok *yaml.Node) *yaml.Node {
	out := m.node(yaml.MappingNode, ok)
	bp, op := mapPairsOf(b), mapPairsOf(o)
	if k, v := op.get("aliases"); k != nil {
		out.Content = append(out.Content, k, v)
	}
	for _, name := range []string{"ipv4_address", "ipv6_address"} {
		k, v := op.get(name)
		if k == nil || m.str(v) == "" {
			k, v = bp.get(name)
		}
		if k != nil {
			out.Content = append(out.Content, k, v)
		}
	}
	if k, v := bp.get("driver_opts"); k != nil {
		out.Content = append(out.Content, k, v)
	}
	return out
}

// ulimits replaces each limit the override sets (merge.go mergeUlimitsConfig).
func (m *merger) ulimits(what string, b, o, ok *yaml.Node) (*yaml.Node, error) {
	if err := m.mappings(what, b, o); err != nil {
		return nil, err
	}
	return m.union(ok, b, o, nil, func(bk, bv, ok, ov *yaml.Node) (*yaml.Node, *yaml.Node, error) {
		if ok == nil || nullNode(ov) {
			return bk, bv, nil
		}
		return ok, ov, nil
	})
}

// deep merges x- values as mergo merges map[string]any values (merge.go passes WithOverride and
// WithAppendSlice): a null or a scalar replaces; a mapping is merged key by key into a base mapping
// that has keys, and replaces anything else; a list is appended to a base list, replaces a missing
// or null one, and cannot meet anything else: mergo fails with "cannot append two slices with
// different type", and so does docker stack deploy.
func (m *merger) deep(b, o *yaml.Node) (*yaml.Node, error) {
	d := yamlnode.Deref(o)
	switch d.Kind {
	case yaml.MappingNode:
		if !kindIs(b, yaml.MappingNode) || len(mapPairsOf(b).list) == 0 {
			return o, nil
		}
		return m.union(o, b, d, nil, func(bk, bv, ok, ov *yaml.Node) (*yaml.Node, *yaml.Node, error) {
			if ok == nil {
				return bk, bv, nil
			}
			nv, err := m.deep(bv, ov)
			return ok, nv, err
		})
	case yaml.SequenceNode:
		if b == nil || nullNode(b) {
			return o, nil
		}
		if !kindIs(b, yaml.SequenceNode) {
			return nil, m.errorf(o, "docker cannot append this list to the %s the base file has here (\"cannot append two slices with different type\")", yamlKindName(b))
		}
		out := m.node(yaml.SequenceNode, o)
		out.Content = append(append(out.Content, yamlnode.Deref(b).Content...), d.Content...)
		return out, nil
	}
	return o, nil
}

func yamlKindName(n *yaml.Node) string {
	d := yamlnode.Deref(n)
	if d.Kind == yaml.MappingNode {
		return "mapping"
	}
	switch d.Tag {
	case "!!int", "!!float":
		if f, err := strconv.ParseFloat(d.Value, 64); err == nil && !math.IsNaN(f) {
			return "number"
		}
	case "!!bool":
		return "boolean"
	}
	return "string"
}

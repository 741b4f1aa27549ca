package lint

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/memsize"
	"github.com/webvig/stackgen/yamlnode"
)

// What `stackgen lint --fix` rewrites: only what Swarm can be told with exactly the author's meaning
// (docs/lint.md "Moving a Compose file to Swarm"). Edits are spliced into the source text at the
// nodes' positions, so every line a fix does not touch stays byte for byte as it was. A fix that
// cannot be spliced safely (flow style, anchors, merge keys, a value over several lines, a comment in
// the way) is not made: its finding stays and says what is wrong.

// Change is one fix --fix made, or (Note) something it reports without an edit, about the key on
// Line of the original file. Fixes made together (a service's keys moved into one deploy: block)
// are one change per key; the first of them carries the edits of all.
type Change struct {
	Line  int
	Rule  string
	Msg   string
	Note  bool
	Edits []Edit
}

// Edit is a splice: the original lines From to To (1-based, inclusive; To = From-1 for an
// insertion before From) replaced by Added new lines.
type Edit struct{ From, To, Added int }

// FixResult is a fixed file and what was changed. Override, with FixOptions.DevOverride, is the
// Compose override file that keeps for docker compose what the fixes took out (nil when nothing was).
type FixResult struct {
	Data     []byte
	Changes  []Change
	Override []byte
}

// FixOptions say how Fix works beyond lint's own options.
type FixOptions struct {
	Env     Env
	MaxSize int // bytes; MaxFileSize when 0
	// DevOverride moves the keys only docker compose reads (build, container_name, profiles, develop,
	// cpu_shares, cpu_quota, cpuset, memswap_limit) into FixResult.Override, which also keeps the
	// original of each key a fix changed that compose reads otherwise (restart, a long depends_on, links, a
	// top-level name, a bridge driver): docker compose -f FILE -f OVERRIDE then means what FILE meant.
	// The override's path, named in its header; "" writes none.
	DevOverride string
	// AddVersion writes version: "3.N" into a file that has none (SW103), for Docker CLIs before 23.
	// Off by default: files deployed together (docker stack deploy -c A -c B) must carry the same
	// version, a file without one counting as the newest 3.x, so adding one to a single file makes
	// docker refuse the pair ("version mismatched between two composefiles", cli/compose/loader/loader.go).
	AddVersion bool
}

// Fix rewrites one file so that what can be said to Swarm is said to Swarm. The file is loaded
// as lint loads it (a file lint cannot load is an *InputError and nothing is fixed). env resolves
// ${VAR} as for lint; maxSize bounds the file (MaxFileSize when 0).
func Fix(name string, data []byte, env Env, maxSize int) (*FixResult, error) {
	return FixWith(name, data, FixOptions{Env: env, MaxSize: maxSize})
}

// FixWith is Fix with options.
func FixWith(name string, data []byte, o FixOptions) (*FixResult, error) {
	d, err := load(name, data, o.Env, o.MaxSize)
	if err != nil {
		return nil, err
	}
	f := newFixer(d, data)
	f.dev = o.DevOverride != "" && f.topLevelAtColumnOne()
	f.overrideName = o.DevOverride
	f.addVer = o.AddVersion
	f.plan()
	out, changes := f.apply()
	return &FixResult{Data: out, Changes: changes, Override: f.override()}, nil
}

type fixer struct {
	addVer bool // FixOptions.AddVersion
	d      *Document
	lines  []string // the original lines, each with its line ending
	eol    string
	noEOL  bool // the file does not end with a line ending
	units  []*fixUnit
	minor  int  // the file's 3.x minor version
	bump   bool // the version: can be raised (a 3.x string on its own line)
	dev    bool // write a Compose override (FixOptions.DevOverride)
	// overrideName is the override's path.
	overrideName string
	// versionLine is the version: line as the fixed file has it, for the override.
	versionLine string
}

// fixUnit is a set of edits made all together or not at all.
type fixUnit struct {
	edits    []edit
	needs    int // the 3.x minor version its keys need
	msgs     []fixMsg
	notes    []Change
	accepted bool
	// What the override keeps when the unit is made: a service's lines, top-level lines, a
	// network's lines (each block as written in the original, its key line first).
	ovService  *Service
	ovLines    []string
	ovTop      []string
	ovNetLines []string
	// ovMore is what the override keeps of other services than ovService (a links: block).
	ovMore []ovBlock
}

// ovBlock is lines of a service that the override keeps.
type ovBlock struct {
	s     *Service
	lines []string
}

type fixMsg struct {
	line      int
	rule, msg string
}

// edit replaces the original lines [from, to) (0-based) with lines (without line endings).
type edit struct {
	from, to int
	lines    []string
}

func newFixer(d *Document, data []byte) *fixer {
	f := &fixer{d: d, eol: "\n"}
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		f.eol = "\r\n"
	}
	s := string(data)
	if !strings.HasSuffix(s, "\n") {
		f.noEOL = true
		s += f.eol
	}
	f.lines = strings.SplitAfter(s, "\n")
	f.lines = f.lines[:len(f.lines)-1] // the empty string after the last line ending
	f.minor, _ = composeMinor(d.Root)
	return f
}

// text is line i (0-based) without its line ending.
func (f *fixer) text(i int) string {
	return strings.TrimRight(f.lines[i], "\r\n")
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// ownsLine reports whether node n (a key) is the first thing on its line, in block style.
func (f *fixer) ownsLine(n *yaml.Node) bool {
	if n == nil || n.Line < 1 || n.Line > len(f.lines) {
		return false
	}
	t := f.text(n.Line - 1)
	ind := indentOf(t)
	return n.Column-1 == ind && ind < len(t)
}

// entryEnd is the last line (0-based) of the mapping entry whose key is on line k: the lines that
// follow it indented deeper (or, for a sequence value, "- " items at the key's own indentation).
// Comment and blank lines after its last content line are not part of it.
func (f *fixer) entryEnd(k int, seq bool) int {
	keyInd := indentOf(f.text(k))
	end := k
	for i := k + 1; i < len(f.lines); i++ {
		t := f.text(i)
		trimmed := strings.TrimLeft(t, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := len(t) - len(trimmed)
		if ind > keyInd || seq && ind == keyInd && (trimmed == "-" || strings.HasPrefix(trimmed, "- ")) {
			end = i
			continue
		}
		break
	}
	return end
}

// scalarToken splits the text of a one-line scalar at column col (1-based, in runes) of line i into
// the token as written (quotes included) and what follows it (spaces and a comment). ok is false
// when the token cannot be found there.
func (f *fixer) scalarToken(n *yaml.Node) (tok, rest string, ok bool) {
	t := f.text(n.Line - 1)
	r := []rune(t)
	if n.Column-1 >= len(r) || n.Column < 1 {
		return "", "", false
	}
	s := string(r[n.Column-1:])
	end := -1
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
			} else if s[i] == '"' {
				end = i + 1
				break
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				end = i + 1
				break
			}
		}
	case n.Style == 0:
		// A plain scalar on one line is written as its value, escapes and all.
		if strings.HasPrefix(s, n.Value) {
			end = len(n.Value)
		}
	}
	if end <= 0 {
		return "", "", false
	}
	rest = s[end:]
	if r := strings.TrimLeft(rest, " \t"); r != "" && !strings.HasPrefix(r, "#") {
		return "", "", false // something else on the line: flow style
	}
	return s[:end], rest, true
}

// splice is the line of scalar n with its token tok replaced by newTok.
func (f *fixer) splice(n *yaml.Node, tok, newTok string) string {
	r := []rune(f.text(n.Line - 1))
	start := n.Column - 1
	return string(r[:start]) + newTok + spaced(string(r[start+len([]rune(tok)):]))
}

// spaced puts a space before a comment that follows a token directly ("no"#c), which would
// otherwise become part of a plain scalar written in the token's place.
func spaced(rest string) string {
	if strings.HasPrefix(rest, "#") {
		return " " + rest
	}
	return rest
}

// simpleValue reports whether key: value sits alone on one line, the value a plain or quoted scalar
// without anchor or tag, and returns its token and any trailing comment.
func (f *fixer) simpleValue(k, v *yaml.Node) (tok, comment string, ok bool) {
	if k == nil || v == nil || v.Kind != yaml.ScalarNode || v.Anchor != "" || v.Style&(yaml.TaggedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.FlowStyle) != 0 {
		return "", "", false
	}
	if !f.ownsLine(k) || v.Line != k.Line || f.entryEnd(k.Line-1, false) != k.Line-1 || k.Anchor != "" {
		return "", "", false
	}
	tok, rest, ok := f.scalarToken(v)
	if !ok || strings.Contains(v.Value, "\n") {
		return "", "", false
	}
	return tok, rest, true
}

// ownPair is key's key and value in mapping m, only when written in m itself (not merged in by
// "<<" and not through an alias).
func ownPair(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// blockMapping reports whether m is a mapping written in block style, without anchor or merge
// key, whose keys each start their own line: one new keys can be inserted into.
func (f *fixer) blockMapping(m *yaml.Node) bool {
	if m == nil || m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || m.Anchor != "" || len(m.Content) == 0 {
		return false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag == "!!merge" || !f.ownsLine(m.Content[i]) {
			return false
		}
	}
	return true
}

// deletion removes a one-line key: value, keeping its comment on a line of its own.
func (f *fixer) deletion(k *yaml.Node, comment string) edit {
	e := edit{from: k.Line - 1, to: k.Line}
	if c := strings.TrimLeft(comment, " \t"); c != "" {
		e.lines = []string{strings.Repeat(" ", k.Column-1) + c}
	}
	return e
}

// addition is one key the fix writes under a service: its path below the service, its value as
// written, and a comment carried over from the key it replaces.
type addition struct {
	path    []string
	value   string
	comment string
}

// newTree is the keys to write under one existing mapping, in order.
type newTree struct {
	key      string
	value    string
	comment  string
	children []*newTree
}

func (t *newTree) child(key string) *newTree {
	for _, c := range t.children {
		if c.key == key {
			return c
		}
	}
	c := &newTree{key: key}
	t.children = append(t.children, c)
	return c
}

func (t *newTree) render(indent, step int, out *[]string) {
	for _, c := range t.children {
		line := strings.Repeat(" ", indent) + c.key + ":"
		if c.value != "" {
			line += " " + c.value
		}
		line += spaced(c.comment)
		*out = append(*out, line)
		c.render(indent+step, step, out)
	}
}

var digits = regexp.MustCompile(`^[1-9][0-9]*$|^0$`)

func (f *fixer) plan() {
	f.planVersion()
	for _, s := range f.d.Services {
		f.planService(s)
	}
	f.planLinks()
	f.planTopName()
	f.planNetworks()
}

func (f *fixer) planVersion() {
	k, v := ownPair(f.d.Root, "version")
	if k == nil {
		f.minor, f.bump = 13, false // no version: the newest 3.x, nothing to raise
		return
	}
	if _, ok := composeMinor(f.d.Root); !ok || v.Tag != "!!str" || strings.Contains(v.Value, "$") {
		f.minor = -1 // SW102's; no key that needs a version is written
		return
	}
	_, _, ok := f.simpleValue(k, v)
	f.bump = ok
}

// serviceEditable reports whether a service's own entry can be edited: written in a block-style
// services: mapping, not merged in or aliased.
func (f *fixer) serviceEditable(s *Service) bool {
	_, services := ownPair(f.d.Root, "services")
	if services == nil || services.Kind != yaml.MappingNode || services.Style&yaml.FlowStyle != 0 {
		return false
	}
	k, v := ownPair(services, s.Name)
	return k == s.Key && v == s.Node && f.blockMapping(s.Node)
}

func (f *fixer) planService(s *Service) {
	if !f.serviceEditable(s) {
		return
	}
	step := s.Node.Content[0].Column - s.Key.Column
	if step <= 0 {
		return
	}
	u := &fixUnit{}
	var adds []addition
	var moved []*yaml.Node // keys removed, in file order
	has := func(path ...string) bool { return yamlnode.Get(s.Node, path...) != nil }
	move := func(k *yaml.Node, comment string, rule, msg string, a ...addition) {
		moved = append(moved, k)
		if f.dev {
			// docker compose reads restart: before deploy.restart_policy, and Compose 1 reads no
			// deploy: at all; the override keeps the key as it was (equal values agree in Compose 2).
			u.ovLines = append(u.ovLines, f.text(k.Line-1))
		}
		if len(a) > 0 {
			a[0].comment = comment
		}
		adds = append(adds, a...)
		u.msgs = append(u.msgs, fixMsg{k.Line, rule, msg})
	}
	var mode string
	if m := yamlnode.Get(s.Node, "deploy", "mode"); m != nil {
		mode = f.d.Str(m)
	}

	if k, v := ownPair(s.Node, "restart"); k != nil && !has("deploy", "restart_policy") {
		if tok, c, ok := f.simpleValue(k, v); ok && v.Tag == "!!str" && !strings.Contains(v.Value, "$") && v.Value != "" {
			cond, attempts, err := swarmRestart(v.Value)
			if err == nil {
				rule := "SW106"
				if cond == "" {
					cond, rule = "none", "GN403"
				}
				a := []addition{{path: []string{"deploy", "restart_policy", "condition"}, value: cond}}
				what := "condition " + cond
				if attempts > 0 {
					a = append(a, addition{path: []string{"deploy", "restart_policy", "max_attempts"}, value: strconv.Itoa(attempts)})
					what += fmt.Sprintf(", max_attempts %d", attempts)
				}
				move(k, c, rule, fmt.Sprintf("service %q: restart: %s is now deploy.restart_policy %s", s.Name, tok, what), a...)
			}
		}
	}
	memory := func(key string, path []string, rule string) {
		k, v := ownPair(s.Node, key)
		if k == nil || has(path...) {
			return
		}
		tok, c, ok := f.simpleValue(k, v)
		if !ok || strings.Contains(v.Value, "$") {
			return
		}
		switch v.Tag {
		case "!!int":
			if !digits.MatchString(v.Value) {
				return
			}
			tok = strconv.Quote(v.Value)
		case "!!str":
		default:
			return
		}
		if _, err := memsize.Docker(v.Value); err != nil {
			return
		}
		move(k, c, rule, fmt.Sprintf("service %q: %s is now %s", s.Name, key, strings.Join(path, ".")), addition{path: path, value: tok})
	}
	memory("mem_limit", []string{"deploy", "resources", "limits", "memory"}, "SW104")
	memory("mem_reservation", []string{"deploy", "resources", "reservations", "memory"}, "SW101")
	if k, v := ownPair(s.Node, "cpus"); k != nil && !has("deploy", "resources", "limits", "cpus") {
		if tok, c, ok := f.simpleValue(k, v); ok && !strings.Contains(v.Value, "$") {
			ok = true
			switch v.Tag {
			case "!!int", "!!float":
				if x, err := strconv.ParseFloat(v.Value, 64); err != nil || x <= 0 {
					ok = false
				}
				tok = strconv.Quote(v.Value)
			case "!!str":
				if x, err := strconv.ParseFloat(v.Value, 64); err != nil || x <= 0 {
					ok = false
				}
			default:
				ok = false
			}
			if ok {
				move(k, c, "SW101", fmt.Sprintf("service %q: cpus is now deploy.resources.limits.cpus", s.Name), addition{path: []string{"deploy", "resources", "limits", "cpus"}, value: tok})
			}
		}
	}
	if k, v := ownPair(s.Node, "pids_limit"); k != nil && !has("deploy", "resources", "limits", "pids") && (f.minor >= 9 || f.bump && f.minor >= 0) {
		if tok, c, ok := f.simpleValue(k, v); ok && v.Tag == "!!int" && digits.MatchString(v.Value) && v.Value != "0" {
			u.needs = 9
			move(k, c, "SW101", fmt.Sprintf("service %q: pids_limit is now deploy.resources.limits.pids", s.Name), addition{path: []string{"deploy", "resources", "limits", "pids"}, value: tok})
		}
	}
	if k, v := ownPair(s.Node, "scale"); k != nil && !has("deploy", "replicas") && (mode == "" || mode == "replicated") {
		if tok, c, ok := f.simpleValue(k, v); ok && v.Tag == "!!int" && digits.MatchString(v.Value) {
			move(k, c, "SW101", fmt.Sprintf("service %q: scale is now deploy.replicas", s.Name), addition{path: []string{"deploy", "replicas"}, value: tok})
		}
	}
	if len(adds) > 0 && !f.placeAdditions(s, u, step, adds, moved) {
		u = &fixUnit{}
	}
	f.planPorts(s, u)
	f.planBooleans(s, u)
	f.planDependsOn(s, u)
	if f.dev {
		f.planDevKeys(s, u)
	}
	if len(u.edits) > 0 {
		u.ovService = s
		f.units = append(f.units, u)
	}
}

// placeAdditions writes the additions: into the deepest mapping of their path that exists, after
// its last entry, or (with no deploy: at all) as a new deploy: block where the first moved key was.
// The moved keys' lines are removed.
func (f *fixer) placeAdditions(s *Service, u *fixUnit, step int, adds []addition, moved []*yaml.Node) bool {
	sort.SliceStable(moved, func(i, j int) bool { return moved[i].Line < moved[j].Line })
	type target struct {
		m    *yaml.Node
		key  *yaml.Node // m's key
		tree *newTree
	}
	var targets []*target
	byNode := map[*yaml.Node]*target{}
	for _, a := range adds {
		m, mk := s.Node, s.Key
		i := 0
		for ; i < len(a.path)-1; i++ {
			k, v := ownPair(m, a.path[i])
			if k == nil {
				if yamlnode.Get(m, a.path[i]) != nil {
					return false // merged in from elsewhere
				}
				break
			}
			if !f.blockMapping(v) {
				return false
			}
			m, mk = v, k
		}
		t := byNode[m]
		if t == nil {
			t = &target{m: m, key: mk, tree: &newTree{}}
			byNode[m] = t
			targets = append(targets, t)
		}
		n := t.tree
		for _, p := range a.path[i:] {
			n = n.child(p)
		}
		n.value, n.comment = a.value, a.comment
	}
	replaced := map[*yaml.Node]bool{}
	at := map[int][][]string{} // insertion point: the blocks to insert there
	var points []int
	for _, t := range targets {
		var lines []string
		if t.m == s.Node {
			// A new deploy: block where the first moved key was.
			first := moved[0]
			t.tree.render(first.Column-1, step, &lines)
			u.edits = append(u.edits, edit{from: first.Line - 1, to: first.Line, lines: lines})
			replaced[first] = true
			continue
		}
		lastKey := t.m.Content[len(t.m.Content)-2]
		lastVal := yamlnode.Deref(t.m.Content[len(t.m.Content)-1])
		end := f.entryEnd(lastKey.Line-1, lastVal != nil && lastVal.Kind == yaml.SequenceNode)
		// Deeper levels are indented as this mapping is below its key.
		if inner := t.m.Content[0].Column - t.key.Column; inner > 0 {
			step = inner
		}
		t.tree.render(t.m.Content[0].Column-1, step, &lines)
		if at[end+1] == nil {
			points = append(points, end+1)
		}
		at[end+1] = append(at[end+1], lines)
	}
	for _, p := range points {
		// Mappings nested in one another can end on the same line: the deepest one's keys go
		// first, inside it, then each enclosing one's.
		blocks := at[p]
		sort.SliceStable(blocks, func(i, j int) bool { return indentOf(blocks[i][0]) > indentOf(blocks[j][0]) })
		var lines []string
		for _, b := range blocks {
			lines = append(lines, b...)
		}
		u.edits = append(u.edits, edit{from: p, to: p, lines: lines})
	}
	for _, k := range moved {
		if !replaced[k] {
			// The comment went with the value to its new line.
			u.edits = append(u.edits, f.deletion(k, ""))
		}
	}
	return true
}

// planPorts writes a quoted published or target port of the long syntax as the integer the
// schema wants (docker casts only what a ${VAR} gave).
func (f *fixer) planPorts(s *Service, u *fixUnit) {
	_, ports := ownPair(s.Node, "ports")
	if ports == nil || ports.Kind != yaml.SequenceNode {
		return
	}
	for _, p := range ports.Content {
		if p.Kind != yaml.MappingNode || p.Anchor != "" {
			continue
		}
		for _, key := range []string{"published", "target"} {
			k, v := ownPair(p, key)
			if k == nil || v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 || !digits.MatchString(v.Value) || v.Anchor != "" {
				continue
			}
			if n, err := strconv.Atoi(v.Value); err != nil || n > 65535 {
				continue
			}
			tok, _, ok := f.scalarToken(v)
			if !ok || v.Line != k.Line {
				continue
			}
			line := f.splice(v, tok, v.Value)
			u.edits = append(u.edits, edit{from: v.Line - 1, to: v.Line, lines: []string{line}})
			u.msgs = append(u.msgs, fixMsg{v.Line, "SW105", fmt.Sprintf("service %q: ports %s %s is now an integer", s.Name, key, tok)})
		}
	}
}

// planBooleans quotes a boolean label or environment value, which the schema refuses ("must be a
// string, number or null"); docker compose passes it on as the string "true" or "false", which is
// what is written.
func (f *fixer) planBooleans(s *Service, u *fixUnit) {
	for _, path := range [][]string{{"labels"}, {"deploy", "labels"}, {"environment"}} {
		m := s.Node
		for _, p := range path {
			if _, m = ownPair(m, p); m == nil {
				break
			}
		}
		if m == nil || m.Kind != yaml.MappingNode || m.Anchor != "" {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Tag == "!!merge" || v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Style != 0 || v.Anchor != "" || v.Line != k.Line {
				continue
			}
			b, err := strconv.ParseBool(strings.ToLower(v.Value))
			tok, _, ok := f.scalarToken(v)
			if err != nil || !ok {
				continue
			}
			newTok := strconv.Quote(strconv.FormatBool(b))
			u.edits = append(u.edits, edit{from: v.Line - 1, to: v.Line, lines: []string{f.splice(v, tok, newTok)}})
			u.msgs = append(u.msgs, fixMsg{v.Line, "SW105", fmt.Sprintf("service %q: %s %s: %s is now the string %s", s.Name, strings.Join(path, "."), k.Value, tok, newTok)})
		}
	}
}

// planDependsOn turns depends_on's long form, which the 3.x schema refuses, into the list form;
// the conditions are lost (Swarm starts services in no order) and said so in a note.
func (f *fixer) planDependsOn(s *Service, u *fixUnit) {
	k, v := ownPair(s.Node, "depends_on")
	if k == nil || v.Kind != yaml.MappingNode || !f.blockMapping(v) || !f.ownsLine(k) || v.Line == k.Line {
		return
	}
	end := f.entryEnd(k.Line-1, false)
	for i := k.Line; i <= end; i++ {
		if strings.HasPrefix(strings.TrimLeft(f.text(i), " "), "#") {
			return
		}
	}
	if hasComments(v, 0) {
		return
	}
	var lines []string
	ind := strings.Repeat(" ", v.Content[0].Column-1)
	for i := 0; i+1 < len(v.Content); i += 2 {
		name, dep := v.Content[i], yamlnode.Deref(v.Content[i+1])
		if name.Tag != "!!str" || name.Style != 0 || dep == nil || dep.Anchor != "" || dep.Kind != yaml.MappingNode && dep.Tag != "!!null" {
			return
		}
		lines = append(lines, ind+"- "+name.Value)
		var lost []string
		for _, kv := range yamlnode.Pairs(dep) {
			lost = append(lost, kv[0].Value+": "+f.d.Str(kv[1]))
		}
		if len(lost) > 0 {
			u.notes = append(u.notes, Change{Line: name.Line, Rule: "SW106", Note: true,
				Msg: fmt.Sprintf("service %q: depends_on %q lost %s: docker stack deploy ignores depends_on, and Swarm starts services in no order", s.Name, name.Value, strings.Join(lost, ", "))})
		}
	}
	u.edits = append(u.edits, edit{from: k.Line, to: end + 1, lines: lines})
	u.msgs = append(u.msgs, fixMsg{k.Line, "SW105", fmt.Sprintf("service %q: depends_on is now a list", s.Name)})
	for i := k.Line - 1; i <= end; i++ {
		u.ovLines = append(u.ovLines, f.text(i)) // the conditions, for docker compose
	}
}

func hasComments(n *yaml.Node, depth int) bool {
	if n == nil || depth > 100 {
		return n != nil
	}
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		return true
	}
	for _, c := range n.Content {
		if hasComments(c, depth+1) {
			return true
		}
	}
	return false
}

// planTopName removes a top-level name:, which the 3.x schema refuses: the stack's name is the
// argument of docker stack deploy.
func (f *fixer) planTopName() {
	k, v := ownPair(f.d.Root, "name")
	if sk, _ := ownPair(f.d.Root, "services"); k == nil || sk == nil || f.d.Root.Style&yaml.FlowStyle != 0 {
		return
	}
	_, c, ok := f.simpleValue(k, v)
	if !ok {
		return
	}
	f.units = append(f.units, &fixUnit{edits: []edit{f.deletion(k, c)}, ovTop: []string{f.text(k.Line - 1)},
		msgs: []fixMsg{{k.Line, "SW101", fmt.Sprintf("top-level name: %s removed: the stack's name is docker stack deploy's argument", v.Value)}}})
}

// planNetworks makes a bridge network that a service uses an overlay network (SW115).
func (f *fixer) planNetworks() {
	used := usedNetworks(f.d)
	_, nets := ownPair(f.d.Root, "networks")
	if nets == nil || nets.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(nets.Content); i += 2 {
		key, n := nets.Content[i], yamlnode.Deref(nets.Content[i+1])
		if n == nil || n.Kind != yaml.MappingNode || !used[key.Value] {
			continue
		}
		if _, external := f.d.external(n); external {
			continue
		}
		if k, _ := yamlnode.Field(n, "driver_opts"); k != nil {
			continue // options of the bridge driver
		}
		dk, dv := ownPair(n, "driver")
		if dk == nil || f.d.Str(dv) != "bridge" {
			continue
		}
		tok, _, ok := f.simpleValue(dk, dv)
		if !ok || strings.Count(tok, "bridge") != 1 {
			continue
		}
		newTok := strings.Replace(tok, "bridge", "overlay", 1)
		line := f.splice(dv, tok, newTok)
		f.units = append(f.units, &fixUnit{edits: []edit{{from: dv.Line - 1, to: dv.Line, lines: []string{line}}},
			ovNetLines: []string{strings.Repeat(" ", key.Column-1) + key.Value + ":", f.text(dv.Line - 1)},
			msgs:       []fixMsg{{dv.Line, "SW115", fmt.Sprintf("network %q: driver %s is now %s", key.Value, tok, newTok)}}})
	}
}

// editsOverlap reports whether two edits touch the same lines, or insert at the same point or
// inside each other's lines.
func editsOverlap(e, o edit) bool {
	if e.from == e.to && o.from == o.to && e.from == o.from {
		return true
	}
	if e.from < o.to && o.from < e.to {
		return true
	}
	return e.from == e.to && o.from < e.from && e.from < o.to || o.from == o.to && e.from < o.from && o.from < e.to
}

// apply makes the units whose edits do not overlap those of an earlier one, raises the version
// when a key written needs it, and returns the new text and the changes.
func (f *fixer) apply() ([]byte, []Change) {
	var done []edit
	overlaps := func(e edit) bool {
		for _, o := range done {
			if editsOverlap(e, o) {
				return true
			}
		}
		return false
	}
	needs := 0
	var changes []Change
	if k, _ := ownPair(f.d.Root, "version"); k != nil && f.ownsLine(k) {
		f.versionLine = f.text(k.Line - 1)
	}
	accept := func(u *fixUnit) {
		for _, e := range u.edits {
			if overlaps(e) {
				return
			}
		}
		done = append(done, u.edits...)
		u.accepted = true
		needs = max(needs, u.needs)
	}
	for _, u := range f.units {
		accept(u)
	}
	if needs > f.minor && f.bump {
		k, v := ownPair(f.d.Root, "version")
		tok, _, _ := f.scalarToken(v)
		newTok := strings.Replace(tok, v.Value, fmt.Sprintf("3.%d", needs), 1)
		line := f.splice(v, tok, newTok)
		f.versionLine = line
		u := &fixUnit{edits: []edit{{from: k.Line - 1, to: k.Line, lines: []string{line}}},
			msgs: []fixMsg{{k.Line, "SW101", fmt.Sprintf("version: %s is now %s: deploy.resources.limits.pids needs 3.%d", tok, newTok, needs)}}}
		accept(u)
		f.units = append(f.units, u)
	}
	for _, u := range f.units {
		if !u.accepted {
			continue
		}
		var edits []Edit
		for _, e := range u.edits {
			edits = append(edits, Edit{From: e.from + 1, To: e.to, Added: len(e.lines)})
		}
		for i, m := range u.msgs {
			c := Change{Line: m.line, Rule: m.rule, Msg: m.msg}
			if i == 0 {
				c.Edits = edits
			}
			changes = append(changes, c)
		}
		changes = append(changes, u.notes...)
	}
	sort.SliceStable(done, func(i, j int) bool {
		if done[i].from != done[j].from {
			return done[i].from < done[j].from
		}
		return done[i].to < done[j].to
	})
	var b strings.Builder
	next := 0
	for _, e := range done {
		for ; next < e.from; next++ {
			b.WriteString(f.lines[next])
		}
		for _, l := range e.lines {
			b.WriteString(l)
			b.WriteString(f.eol)
		}
		next = max(next, e.to)
	}
	for ; next < len(f.lines); next++ {
		b.WriteString(f.lines[next])
	}
	out := b.String()
	if c := f.addVersion(&out); c != nil {
		changes = append(changes, *c)
	}
	if f.noEOL {
		out = strings.TrimSuffix(out, f.eol)
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Line < changes[j].Line })
	return []byte(out), changes
}

// devKeys are the service keys only docker compose reads, which --dev-override moves out of the
// stack file, with the rule that reports them there.
var plainName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)

var devKeys = map[string]string{"build": "SW106", "container_name": "SW106", "profiles": "SW101", "develop": "SW101",
	"cpu_shares": "SW104", "cpu_quota": "SW104", "cpuset": "SW104", "memswap_limit": "SW104"}

// topLevelAtColumnOne reports whether the file's top-level keys start their lines, as the
// override's are written.
func (f *fixer) topLevelAtColumnOne() bool {
	if f.d.Root.Style&yaml.FlowStyle != 0 {
		return false
	}
	for i := 0; i+1 < len(f.d.Root.Content); i += 2 {
		if k := f.d.Root.Content[i]; k.Column != 1 || k.Tag == "!!merge" || !f.ownsLine(k) {
			return false
		}
	}
	return true
}

// planDevKeys moves the keys only docker compose reads, each a block of whole lines with no anchor
// or alias, out of the service and into the override.
func (f *fixer) planDevKeys(s *Service, u *fixUnit) {
	for i := 0; i+1 < len(s.Node.Content); i += 2 {
		k, v := s.Node.Content[i], s.Node.Content[i+1]
		rule, ok := devKeys[k.Value]
		if !ok || !f.ownsLine(k) || k.Anchor != "" || hasAnchors(v, 0) {
			continue
		}
		end := f.entryEnd(k.Line-1, v.Kind == yaml.SequenceNode)
		u.edits = append(u.edits, edit{from: k.Line - 1, to: end + 1})
		for l := k.Line - 1; l <= end; l++ {
			u.ovLines = append(u.ovLines, f.text(l))
		}
		u.msgs = append(u.msgs, fixMsg{k.Line, rule, fmt.Sprintf("service %q: %s moved to the Compose override", s.Name, k.Value)})
	}
}

func hasAnchors(n *yaml.Node, depth int) bool {
	if n == nil || depth > 100 {
		return n != nil
	}
	if n.Anchor != "" || n.Kind == yaml.AliasNode || n.Tag == "!!merge" {
		return true
	}
	for _, c := range n.Content {
		if hasAnchors(c, depth+1) {
			return true
		}
	}
	return false
}

// override is the Compose override file of the units made, or nil.
func (f *fixer) override() []byte {
	if !f.dev {
		return nil
	}
	var top, services, networks []string
	// Each service once, in the file's order, with the lines of every unit that keeps some.
	kept := map[*Service][]string{}
	for _, u := range f.units {
		if !u.accepted {
			continue
		}
		top = append(top, u.ovTop...)
		if u.ovService != nil {
			kept[u.ovService] = append(kept[u.ovService], u.ovLines...)
		}
		for _, b := range u.ovMore {
			kept[b.s] = append(kept[b.s], b.lines...)
		}
		networks = append(networks, u.ovNetLines...)
	}
	for _, s := range f.d.Services {
		if len(kept[s]) == 0 {
			continue
		}
		name := s.Name
		if !plainName.MatchString(name) {
			name = strconv.Quote(name)
		}
		services = append(services, strings.Repeat(" ", s.Key.Column-1)+name+":")
		services = append(services, kept[s]...)
	}
	if len(top)+len(services)+len(networks) == 0 {
		return nil
	}
	lines := []string{"# Written by stackgen lint --fix: what docker stack deploy does not read, kept for docker compose.",
		"# docker compose -f " + f.d.files[0] + " -f " + f.overrideName + " means what " + f.d.files[0] + " meant before the fix."}
	if f.versionLine != "" {
		lines = append(lines, f.versionLine)
	}
	lines = append(lines, top...)
	if len(services) > 0 {
		lines = append(append(lines, "services:"), services...)
	}
	if len(networks) > 0 {
		lines = append(append(lines, "networks:"), networks...)
	}
	return []byte(strings.Join(lines, f.eol) + f.eol)
}

const bom = "\ufeff"

// addVersion writes version: "3.N" as the first key of a file that has none (SW103): a Docker CLI
// before 23 reads a missing version as 1.0 and refuses the file. N is the lowest 3.x version whose
// schema has every key of the fixed file (lowestMinor), so the other fixes come first: pids,
// written from pids_limit, needs 3.9. The line goes just before the first key, after any leading
// comments, directives and BOM, indented as that key.
func (f *fixer) addVersion(out *string) *Change {
	if k, _ := yamlnode.Field(f.d.Root, "version"); !f.addVer || k != nil || len(f.d.files) != 1 || f.d.Root.Style&yaml.FlowStyle != 0 || f.d.Root.Anchor != "" {
		return nil
	}
	d, err := load(f.d.files[0], []byte(*out), f.d.env, len(*out)+1)
	if err != nil || len(d.Root.Content) == 0 || d.Root.Style&yaml.FlowStyle != 0 {
		return nil
	}
	first := d.Root.Content[0]
	orig, _ := ownPair(f.d.Root, first.Value)
	if orig == nil || first.Tag == "!!merge" || first.Column < 1 {
		return nil
	}
	lines := strings.SplitAfter(*out, "\n")
	i := first.Line - 1
	if i >= len(lines) {
		return nil
	}
	t := strings.TrimRight(lines[i], "\r\n")
	mark := ""
	if i == 0 && strings.HasPrefix(t, bom) {
		mark, t = bom, t[len(bom):]
	}
	if ind := indentOf(t); ind != first.Column-1 || ind >= len(t) {
		return nil // not the first thing on its line
	}
	minor, why := lowestMinor(d)
	line := fmt.Sprintf("%sversion: \"3.%d\"", strings.Repeat(" ", first.Column-1), minor)
	f.versionLine = line
	e := Edit{From: orig.Line, To: orig.Line - 1, Added: 1}
	if mark != "" {
		// The BOM stays the file's first character: the first line is rewritten.
		lines[0] = lines[0][len(bom):]
		line = mark + line
		e = Edit{From: orig.Line, To: orig.Line, Added: 2}
	}
	lines = append(lines[:i], append([]string{line + f.eol}, lines[i:]...)...)
	*out = strings.Join(lines, "")
	msg := fmt.Sprintf("version: \"3.%d\" added: a Docker CLI before 23 reads a file without one as version 1.0 and refuses it", minor)
	if why != "" {
		msg += fmt.Sprintf("; %s needs 3.%d", why, minor)
	}
	return &Change{Line: orig.Line, Rule: "SW103", Msg: msg, Edits: []Edit{e}}
}

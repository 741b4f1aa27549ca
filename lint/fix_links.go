package lint

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// links: [db:database] on service web lets web reach db as "database" under docker compose;
// docker stack deploy ignores links (cli/compose/types/types.go UnsupportedProperties). Swarm's
// equivalent is a network alias of db on a network both services are on, which
// convertServiceNetworks (cli/compose/convert/service.go) passes to the service's network
// attachment. --fix writes it only where that network is plain to see and the alias can be
// spliced in; then it removes the link. A link without an alias is removed too: Swarm ignores
// it, and db's service name resolves on every network the two share.

// linkEntry is one item of a service's links: that --fix can convert.
type linkEntry struct {
	from    *Service
	item    *yaml.Node
	target  *Service
	alias   string // "" for none (or the target's own name)
	network string // the network the alias goes on
	ok      bool
}

// aliasSpot is where a target service's aliases on one network are written.
type aliasSpot struct {
	target  *Service
	network string
	aliases []string
	entries []*linkEntry
}

func (f *fixer) planLinks() {
	byName := map[string]*Service{}
	for _, s := range f.d.Services {
		byName[s.Name] = s
	}
	type block struct {
		s       *Service
		k       *yaml.Node
		entries []*linkEntry
		all     int // items in the list
	}
	var blocks []*block
	for _, s := range f.d.Services {
		if !f.serviceEditable(s) {
			continue
		}
		k, v := ownPair(s.Node, "links")
		if k == nil || !f.ownsLine(k) || k.Anchor != "" || v.Kind != yaml.SequenceNode || v.Style&yaml.FlowStyle != 0 ||
			v.Anchor != "" || len(v.Content) == 0 || v.Line <= k.Line {
			continue
		}
		if rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimLeft(f.text(k.Line-1), " "), "links:")); rest != "" && !strings.HasPrefix(rest, "#") {
			continue // links: written otherwise than as a plain key
		}
		b := &block{s: s, k: k, all: len(v.Content)}
		line := 0
		for _, item := range v.Content {
			if item.Line == line {
				b = nil // two items on one line
				break
			}
			line = item.Line
			if e := f.linkEntry(s, item, byName); e != nil {
				b.entries = append(b.entries, e)
			}
		}
		if b != nil && len(b.entries) > 0 {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 {
		return
	}
	// An alias two links give to different services would name both on the network: not fixed.
	targets := map[string]*Service{}
	clash := map[string]bool{}
	for _, b := range blocks {
		for _, e := range b.entries {
			if e.alias == "" {
				continue
			}
			if t, seen := targets[e.alias]; seen && t != e.target {
				clash[e.alias] = true
			}
			targets[e.alias] = e.target
		}
	}
	u := &fixUnit{}
	var spots []*aliasSpot
	for _, b := range blocks {
		for _, e := range b.entries {
			if e.alias == "" {
				e.ok = true
				continue
			}
			if clash[e.alias] {
				continue
			}
			if e.network = f.sharedNetwork(e.from, e.target); e.network == "" {
				continue
			}
			var spot *aliasSpot
			for _, sp := range spots {
				if sp.target == e.target && sp.network == e.network {
					spot = sp
				}
			}
			if spot == nil {
				spot = &aliasSpot{target: e.target, network: e.network}
				spots = append(spots, spot)
			}
			spot.entries = append(spot.entries, e)
			if !contains(spot.aliases, e.alias) {
				spot.aliases = append(spot.aliases, e.alias)
			}
		}
	}
	for _, sp := range spots {
		e, ok := f.aliasEdit(sp)
		if !ok {
			continue
		}
		if e.to >= e.from {
			u.edits = append(u.edits, e)
		}
		for _, le := range sp.entries {
			le.ok = true
		}
	}
	for _, b := range blocks {
		var done []*linkEntry
		for _, e := range b.entries {
			if e.ok {
				done = append(done, e)
			}
		}
		if len(done) == 0 {
			continue
		}
		if len(done) == b.all && !f.keepsAKey(b.s) {
			continue // the service would be left empty, which the schema refuses
		}
		end := f.entryEnd(b.k.Line-1, true)
		if len(done) == b.all {
			_, comment, _ := strings.Cut(f.text(b.k.Line-1), "links:")
			u.edits = append(u.edits, f.deletion(b.k, comment))
		}
		for _, e := range done {
			_, rest, _ := f.scalarToken(e.item)
			del := f.deletion(e.item, rest)
			if len(del.lines) > 0 {
				// The comment keeps its line: where the item's dash was, or the key's when the key goes.
				ind := indentOf(f.text(e.item.Line - 1))
				if len(done) == b.all {
					ind = b.k.Column - 1
				}
				del.lines[0] = strings.Repeat(" ", ind) + strings.TrimLeft(rest, " \t")
			}
			u.edits = append(u.edits, del)
			link := e.target.Name
			if e.alias != "" {
				link += ":" + e.alias
				u.msgs = append(u.msgs, fixMsg{e.item.Line, "SW106", fmt.Sprintf("service %q: links %s removed: service %q has the network alias %q on network %q instead, which both services are on",
					b.s.Name, link, e.target.Name, e.alias, e.network)})
				u.notes = append(u.notes, Change{Line: e.item.Line, Rule: "SW106", Note: true,
					Msg: fmt.Sprintf("service %q: the alias %q of service %q is seen by every service on network %q, not only by %q: a link's alias was private to the service that declared it",
						b.s.Name, e.alias, e.target.Name, e.network, b.s.Name)})
				continue
			}
			if len(e.item.Value) > len(link) {
				link = e.item.Value // db:db
			}
			u.msgs = append(u.msgs, fixMsg{e.item.Line, "SW106", fmt.Sprintf("service %q: links %s removed: docker stack deploy ignores links, and %q resolves by its service name on any network the two services share",
				b.s.Name, link, e.target.Name)})
		}
		if f.dev {
			// docker compose reads the links; the override keeps them as written.
			var lines []string
			for i := b.k.Line - 1; i <= end; i++ {
				lines = append(lines, f.text(i))
			}
			u.ovMore = append(u.ovMore, ovBlock{b.s, lines})
		}
	}
	if len(u.msgs) > 0 {
		f.units = append(f.units, u)
	}
}

// keepsAKey reports whether service s has a key that stays when its links: goes: one --fix does
// not move away (with --dev-override, the keys only docker compose reads go).
func (f *fixer) keepsAKey(s *Service) bool {
	for i := 0; i+1 < len(s.Node.Content); i += 2 {
		k := s.Node.Content[i].Value
		if _, dev := devKeys[k]; k != "links" && !(f.dev && dev) {
			return true
		}
	}
	return false
}

// linkEntry reads one item of service s's links: "SERVICE" or "SERVICE:ALIAS", a service of the
// file other than s, on a line of its own. nil when --fix leaves it.
func (f *fixer) linkEntry(s *Service, item *yaml.Node, byName map[string]*Service) *linkEntry {
	if item.Kind != yaml.ScalarNode || item.Tag != "!!str" || item.Anchor != "" || strings.Contains(item.Value, "$") {
		return nil
	}
	if _, _, ok := f.scalarToken(item); !ok {
		return nil
	}
	t := f.text(item.Line - 1)
	trimmed := strings.TrimLeft(t, " ")
	if !strings.HasPrefix(trimmed, "- ") || strings.TrimLeft(trimmed[1:], " ") != string([]rune(t)[item.Column-1:]) {
		return nil // not "- item" alone on its line
	}
	name, alias, _ := strings.Cut(item.Value, ":")
	target := byName[name]
	if target == nil || target == s || !plainName.MatchString(name) || alias != "" && !plainName.MatchString(alias) {
		return nil
	}
	if alias == name {
		alias = ""
	}
	if other := byName[alias]; other != nil {
		return nil // the alias is another service's name
	}
	return &linkEntry{from: s, item: item, target: target, alias: alias}
}

// sharedNetwork is the network an alias of target seen from s goes on: default, when target has
// no networks: and s is on default; else the first network of target's networks: mapping (block
// style, no anchor) that s is on. "" when there is none.
func (f *fixer) sharedNetwork(s, target *Service) string {
	on := map[string]bool{}
	refs := networkRefs(f.d, s)
	if len(refs) == 0 {
		on["default"] = true
	}
	for _, r := range refs {
		on[r.name] = true
	}
	if !f.serviceEditable(target) {
		return ""
	}
	k, v := ownPair(target.Node, "networks")
	if k == nil {
		if yamlnode.Get(target.Node, "networks") != nil || !on["default"] {
			return ""
		}
		return "default"
	}
	if !f.blockMapping(v) || hasAnchors(v, 0) || k.Anchor != "" {
		return ""
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		if nk := v.Content[i]; nk.Tag == "!!str" && !strings.Contains(nk.Value, "$") && on[nk.Value] {
			return nk.Value
		}
	}
	return ""
}

// aliasEdit writes sp's aliases: a new networks: {default: {aliases: [...]}} block in block style
// (the target had no networks:, so it stays on default alone), or the aliases added under the
// network's entry. An edit with to < from has nothing to write (every alias is there already).
func (f *fixer) aliasEdit(sp *aliasSpot) (edit, bool) {
	s := sp.target
	step := s.Node.Content[0].Column - s.Key.Column
	if step <= 0 {
		return edit{}, false
	}
	k, nets := ownPair(s.Node, "networks")
	if k == nil {
		ind := s.Node.Content[0].Column - 1
		lines := []string{strings.Repeat(" ", ind) + "networks:", strings.Repeat(" ", ind+step) + "default:", strings.Repeat(" ", ind+2*step) + "aliases:"}
		for _, a := range sp.aliases {
			lines = append(lines, strings.Repeat(" ", ind+3*step)+"- "+yamlString(a))
		}
		// After the service's last entry, or, where a fix of the service itself writes there, before
		// its first.
		lastK, lastV := s.Node.Content[len(s.Node.Content)-2], yamlnode.Deref(s.Node.Content[len(s.Node.Content)-1])
		for _, at := range []int{f.entryEnd(lastK.Line-1, lastV != nil && lastV.Kind == yaml.SequenceNode) + 1, s.Node.Content[0].Line - 1} {
			if e := (edit{from: at, to: at, lines: lines}); f.free(e) {
				return e, true
			}
		}
		return edit{}, false
	}
	nk, nv := ownPair(nets, sp.network)
	netStep := nets.Content[0].Column - k.Column
	if nk == nil || !f.ownsLine(nk) || netStep <= 0 {
		return edit{}, false
	}
	var e edit
	switch {
	case nv.Kind == yaml.ScalarNode && nv.Tag == "!!null" && nv.Value == "" && nv.Style == 0:
		// "shared:" alone: the aliases go below it.
		ind := nk.Column - 1 + netStep
		lines := []string{strings.Repeat(" ", ind) + "aliases:"}
		for _, a := range sp.aliases {
			lines = append(lines, strings.Repeat(" ", ind+netStep)+"- "+yamlString(a))
		}
		e = edit{from: nk.Line, to: nk.Line, lines: lines}
	case nv.Kind == yaml.MappingNode && f.blockMapping(nv) && nv.Line > nk.Line:
		ak, av := ownPair(nv, "aliases")
		ind := nv.Content[0].Column - 1
		if ak == nil {
			lines := []string{strings.Repeat(" ", ind) + "aliases:"}
			for _, a := range sp.aliases {
				lines = append(lines, strings.Repeat(" ", ind+netStep)+"- "+yamlString(a))
			}
			at := f.entryEnd(nk.Line-1, false) + 1
			e = edit{from: at, to: at, lines: lines}
			break
		}
		if av.Kind != yaml.SequenceNode || av.Style&yaml.FlowStyle != 0 || len(av.Content) == 0 || av.Line <= ak.Line || !f.ownsLine(ak) {
			return edit{}, false
		}
		dash := indentOf(f.text(av.Content[0].Line - 1))
		var have []string
		for _, it := range av.Content {
			if it.Kind != yaml.ScalarNode {
				return edit{}, false
			}
			have = append(have, it.Value)
		}
		var lines []string
		for _, a := range sp.aliases {
			if !contains(have, a) {
				lines = append(lines, strings.Repeat(" ", dash)+"- "+yamlString(a))
			}
		}
		if len(lines) == 0 {
			return edit{from: 1, to: 0}, true // nothing to write
		}
		at := f.entryEnd(ak.Line-1, true) + 1
		e = edit{from: at, to: at, lines: lines}
	default:
		return edit{}, false
	}
	return e, f.free(e)
}

// free reports whether no unit planned so far edits where e does.
func (f *fixer) free(e edit) bool {
	for _, u := range f.units {
		for _, o := range u.edits {
			if editsOverlap(e, o) {
				return false
			}
		}
	}
	return true
}

// yamlString is s as a YAML string: plain when YAML reads it back as that string, else quoted.
func yamlString(s string) string {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err == nil && len(n.Content) == 1 && n.Content[0].Tag == "!!str" && n.Content[0].Value == s {
		return s
	}
	return strconv.Quote(s)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Package yamlnode parses YAML into node trees that keep every position, walks them (aliases and
// "<<" merge keys followed), converts them to plain values for validation within a node budget, and
// reports problems as positioned errors. The stack spec, the policy file and lint all read YAML
// through it.
package yamlnode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Error is one problem in a YAML document. Line and Column are 1-based; Path is the dotted path of the
// offending value, e.g. "redis.maxmemory" or "placement.constraints.1".
type Error struct {
	Line, Column int
	Path         string
	Msg          string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Column, e.Path, e.Msg)
}

// InFile prefixes each of a joined list of positioned errors with the file name, keeping one problem
// per line: "FILE:LINE:COL: ...".
func InFile(file string, err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = fmt.Errorf("%s:%w", file, e)
	}
	return errors.Join(out...)
}

// Lookup walks a mapping/sequence tree and returns the value node at path and, for a mapping entry,
// its key node (nil at the root or in a sequence). A path that leaves the tree stops at the last node
// reached, so a problem is never reported without a position.
func Lookup(root *yaml.Node, path []string) (value, key *yaml.Node) {
	n := root
	for _, tok := range path {
		n = deref(n)
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for _, kv := range mappingPairs(n) {
				if kv[0].Value == tok {
					key, n, found = kv[0], kv[1], true
					break
				}
			}
			if !found {
				return n, key
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return n, key
			}
			n, key = n.Content[i], nil
		default:
			return n, key
		}
	}
	return n, key
}

// Find follows path (mapping keys, and sequence indices in decimal) from root and returns the value
// node and, for a mapping entry, its key node; both are nil when any step is missing. Lookup is the
// forgiving walk for error positions; Find is for reading.
func Find(root *yaml.Node, path ...string) (value, key *yaml.Node) {
	n := root
	for _, tok := range path {
		n = deref(n)
		if n == nil {
			return nil, nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			if key, n = Field(n, tok); key == nil {
				return nil, nil
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, nil
			}
			n, key = n.Content[i], nil
		default:
			return nil, nil
		}
	}
	return n, key
}

// Get is Find's value alone.
func Get(root *yaml.Node, path ...string) *yaml.Node {
	v, _ := Find(root, path...)
	return v
}

// Pairs lists a mapping's key/value pairs with "<<" merge keys expanded; explicit keys come first.
func Pairs(m *yaml.Node) [][2]*yaml.Node {
	if m == nil {
		return nil
	}
	if m = deref(m); m.Kind != yaml.MappingNode {
		return nil
	}
	return mappingPairs(m)
}

// Field returns the key and value nodes of key in mapping m, following aliases and merge keys, or
// nils when m is not a mapping or has no such key.
func Field(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil {
		return nil, nil
	}
	m = deref(m)
	if m.Kind != yaml.MappingNode {
		return nil, nil
	}
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Value == key && k.Tag != "!!merge" {
			return k, deref(m.Content[i+1])
		}
		merges = merges || m.Content[i].Tag == "!!merge"
	}
	if !merges {
		return nil, nil
	}
	for _, kv := range mappingPairs(m) {
		if kv[0].Value == key {
			return kv[0], deref(kv[1])
		}
	}
	return nil, nil
}

// Deref follows an alias to the node it names.
func Deref(n *yaml.Node) *yaml.Node { return deref(n) }

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// mappingPairs lists a mapping's key/value pairs with "<<" merge keys expanded; explicit keys come
// first so that they win over merged ones, as in YAML's merge semantics. Merges that loop back on
// themselves (possible with anchors on ancestors) are followed once.
func mappingPairs(m *yaml.Node) [][2]*yaml.Node {
	return pairsOnce(m, map[*yaml.Node]bool{})
}

func pairsOnce(m *yaml.Node, seen map[*yaml.Node]bool) [][2]*yaml.Node {
	seen[m] = true
	var own, merged [][2]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			v = deref(v)
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			for _, src := range srcs {
				if src = deref(src); src.Kind == yaml.MappingNode && !seen[src] && len(seen) < 64 {
					merged = append(merged, pairsOnce(src, seen)...)
				}
			}
			continue
		}
		own = append(own, [2]*yaml.Node{k, v})
	}
	return append(own, merged...)
}

// maxNodes bounds how many nodes Plain visits, so that an alias bomb ("billion laughs") fails fast
// instead of expanding into gigabytes.
const maxNodes = 1 << 18

// Plain converts a YAML node tree into the plain values JSON Schema validation works on: maps with
// string keys, slices, strings, int64, float64, bool and nil. Duplicate keys are an error, as are
// non-scalar keys; aliases and merge keys are followed.
func Plain(n *yaml.Node) (any, error) {
	budget := maxNodes
	return plain(n, &budget, 0)
}

func plain(n *yaml.Node, budget *int, depth int) (any, error) {
	*budget--
	if *budget < 0 {
		return nil, &Error{Line: n.Line, Column: n.Column, Msg: "document has more than 262144 nodes once anchors and aliases are expanded (an alias bomb?); a Compose file has far fewer"}
	}
	if depth > 1000 {
		return nil, &Error{Line: n.Line, Column: n.Column, Msg: "document is nested more than 1000 levels deep"}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return plain(n.Content[0], budget, depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, &Error{Line: n.Line, Column: n.Column, Msg: "alias to an unknown anchor"}
		}
		return plain(n.Alias, budget, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := plain(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		own := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
				if own[k.Value] {
					return nil, &Error{Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("duplicate key %q", k.Value)}
				}
				own[k.Value] = true
			}
		}
		for _, kv := range mappingPairs(n) {
			k := kv[0]
			if k.Kind != yaml.ScalarNode {
				return nil, &Error{Line: k.Line, Column: k.Column, Msg: "mapping keys must be plain strings"}
			}
			if _, dup := out[k.Value]; dup {
				continue // a merged key never overrides an explicit one
			}
			v, err := plain(kv[1], budget, depth+1)
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	}
	return nil, &Error{Line: n.Line, Column: n.Column, Msg: "unsupported YAML node"}
}

func scalar(n *yaml.Node) any {
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return i
		}
		if strings.HasPrefix(n.Value, "0o") {
			if i, err := strconv.ParseInt(n.Value[2:], 8, 64); err == nil {
				return i
			}
		}
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return n.Value
}

// yamlMark finds the positions in the YAML library's messages: "yaml: [CONTEXT at line A, column B: ]
// [line L[, column C]: ]MESSAGE".
var yamlMark = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: `)

// ParseYAML parses one YAML document into a node tree. Syntax errors become *Error values with the
// line and column the parser reported, so that they read like every other stackgen error.
// A second document is an error: readers that take only the first would silently drop it.
func ParseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return &yaml.Node{Kind: yaml.DocumentNode}, nil
	}
	if err == nil {
		if err = dec.Decode(&next); errors.Is(err, io.EOF) {
			return &doc, nil
		}
		if err == nil {
			return nil, &Error{Line: next.Line, Column: next.Column, Msg: "a second YAML document; only one is read, so remove it or split the file"}
		}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{Line: 1, Column: 1, Msg: msg}
	// The parser (not the scanner) of this YAML version prints 0-based lines.
	zeroBased := strings.HasSuffix(fmt.Sprintf("%T", err), ".ParserError")
	msg = yamlMark.ReplaceAllStringFunc(msg, func(m string) string {
		if !zeroBased {
			return m
		}
		sub := yamlMark.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		return strings.Replace(m, sub[1], strconv.Itoa(n+1), 1)
	})
	if ms := yamlMark.FindAllStringSubmatchIndex(msg, -1); len(ms) > 0 {
		m := ms[len(ms)-1]
		e.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
		if m[4] >= 0 {
			e.Column, _ = strconv.Atoi(msg[m[4]:m[5]])
		}
		e.Msg = msg[m[1]:]
		ctx := strings.TrimSuffix(strings.TrimSpace(msg[:m[0]]), ":")
		ctx = strings.TrimSuffix(strings.ReplaceAll(ctx, " at <unknown position>", ""), " at")
		if ctx != "" {
			e.Msg += " (" + ctx + ")"
		}
	}
	return nil, e
}

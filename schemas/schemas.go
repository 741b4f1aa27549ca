// Package schemas holds stackgen's JSON Schemas, embedded, and the one validator that checks a YAML
// document against them and reports each problem at the line and column of the offending node.
package schemas

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"
	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

//go:embed *.schema.json
var files embed.FS

// Schema is one compiled JSON Schema plus its raw form, which supplies the descriptions that turn a
// validation failure into a message that says what a valid value looks like.
type Schema struct {
	name     string
	raw      map[string]any
	compiled *gojsonschema.Schema

	mu   sync.Mutex
	defs map[string]*gojsonschema.Schema
}

var (
	stackOnce  = sync.OnceValue(func() *Schema { return mustLoad("stack.schema.json") })
	policyOnce = sync.OnceValue(func() *Schema { return mustLoad("policy.schema.json") })
)

// Stack is the schema of a stack spec (stacks/*/stack.yaml).
func Stack() *Schema { return stackOnce() }

// Policy is the schema of a lint policy file (.stackgen.yaml).
func Policy() *Schema { return policyOnce() }

func mustLoad(name string) *Schema {
	data, err := files.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: a missing file is a build defect
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		panic(fmt.Sprintf("schemas: %s: %v", name, err))
	}
	compiled, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(data))
	if err != nil {
		panic(fmt.Sprintf("schemas: %s: %v", name, err))
	}
	return &Schema{name: name, raw: raw, compiled: compiled, defs: map[string]*gojsonschema.Schema{}}
}

// Validate checks the document node against the schema. It returns nil or a list of *yamlnode.Error sorted by
// position, joined with errors.Join.
func (s *Schema) Validate(doc *yaml.Node) error {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	value, err := yamlnode.Plain(root)
	if err != nil {
		return err
	}
	res, err := s.compiled.Validate(gojsonschema.NewGoLoader(value))
	if err != nil {
		return fmt.Errorf("schemas: %s: %w", s.name, err)
	}
	if res.Valid() {
		return nil
	}
	var list []*yamlnode.Error
	seen := map[string]bool{}
	for _, re := range res.Errors() {
		e := s.explain(root, re)
		if e == nil {
			continue
		}
		key := e.Error()
		if seen[key] {
			continue
		}
		seen[key] = true
		list = append(list, e)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Line != list[j].Line {
			return list[i].Line < list[j].Line
		}
		return list[i].Column < list[j].Column
	})
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// ValidateDef checks one value against a definition of the schema ("memory", "image", ...), for
// values that come from flags rather than from a file.
func (s *Schema) ValidateDef(def string, value any) error {
	s.mu.Lock()
	compiled, ok := s.defs[def]
	if !ok {
		defs, _ := s.raw["definitions"].(map[string]any)
		d, found := defs[def]
		if !found {
			s.mu.Unlock()
			return fmt.Errorf("schemas: %s: no definition %q", s.name, def)
		}
		var err error
		compiled, err = gojsonschema.NewSchema(gojsonschema.NewGoLoader(d))
		if err != nil {
			s.mu.Unlock()
			return fmt.Errorf("schemas: %s: definition %q: %w", s.name, def, err)
		}
		s.defs[def] = compiled
	}
	s.mu.Unlock()
	res, err := compiled.Validate(gojsonschema.NewGoLoader(value))
	if err != nil {
		return err
	}
	if res.Valid() {
		return nil
	}
	desc, _ := s.raw["definitions"].(map[string]any)[def].(map[string]any)["description"].(string)
	return fmt.Errorf("%s is not valid: expected %s", quote(value), desc)
}

// explain turns one gojsonschema error into a positioned message; nil drops summary errors of
// combinators, whose causes are reported on their own.
func (s *Schema) explain(root *yaml.Node, re gojsonschema.ResultError) *yamlnode.Error {
	path := fieldPath(re.Context().String())
	switch re.Type() {
	case "number_any_of", "number_one_of", "number_all_of":
		return nil
	}
	node, keyNode := yamlnode.Lookup(root, path)
	e := &yamlnode.Error{Path: strings.Join(path, ".")}
	switch re.Type() {
	case "additional_property_not_allowed":
		prop, _ := re.Details()["property"].(string)
		_, k := yamlnode.Lookup(root, append(append([]string{}, path...), prop))
		if k != nil {
			node = k
		}
		e.Path = strings.Join(append(append([]string{}, path...), prop), ".")
		e.Msg = fmt.Sprintf("unknown key %q", prop)
		if allowed := s.keys(path); len(allowed) > 0 {
			e.Msg += " (known keys: " + strings.Join(allowed, ", ") + ")"
		}
	case "required":
		prop, _ := re.Details()["property"].(string)
		if keyNode != nil {
			node = keyNode
		}
		e.Msg = fmt.Sprintf("missing required key %q", prop)
		if d := s.description(append(append([]string{}, path...), prop)); d != "" {
			e.Msg += ": " + d
		}
	case "invalid_type":
		e.Msg = fmt.Sprintf("must be %s, not %s", article(re.Details()["expected"]), article(re.Details()["given"]))
		if d := s.description(path); d != "" {
			e.Msg += ": " + d
		}
	default:
		if d := s.description(path); d != "" {
			e.Msg = fmt.Sprintf("%s is not valid: expected %s", quote(re.Value()), d)
		} else {
			e.Msg = strings.ToLower(re.Description()[:1]) + re.Description()[1:]
		}
	}
	if node != nil {
		e.Line, e.Column = node.Line, node.Column
	}
	return e
}

func article(v any) string {
	s := fmt.Sprint(v)
	switch s {
	case "integer", "object", "array":
		return "an " + s
	case "null":
		return "empty"
	}
	return "a " + s
}

func quote(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case nil:
		return "empty value"
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}

// fieldPath splits gojsonschema's "(root).a.b.0" context. Keys of a valid spec never contain dots;
// an unknown key that does is reported through the "property" detail, not through this path.
func fieldPath(ctx string) []string {
	ctx = strings.TrimPrefix(ctx, "(root)")
	ctx = strings.TrimPrefix(ctx, ".")
	if ctx == "" {
		return nil
	}
	return strings.Split(ctx, ".")
}

// resolve follows local "$ref"s in the raw schema.
func (s *Schema) resolve(n map[string]any) map[string]any {
	for i := 0; i < 10; i++ {
		ref, ok := n["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#/") {
			return n
		}
		cur := any(s.raw)
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[tok]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return n
		}
		n = next
	}
	return n
}

// subschema finds the schema that governs path, or nil.
func (s *Schema) subschema(path []string) map[string]any {
	n := s.resolve(s.raw)
	for _, tok := range path {
		if _, err := strconv.Atoi(tok); err == nil {
			if items, ok := n["items"].(map[string]any); ok {
				n = s.resolve(items)
				continue
			}
		}
		props, _ := n["properties"].(map[string]any)
		next, ok := props[tok].(map[string]any)
		if !ok {
			if next, ok = n["additionalProperties"].(map[string]any); !ok {
				return nil
			}
		}
		n = s.resolve(next)
	}
	return n
}

func (s *Schema) description(path []string) string {
	d, _ := s.subschema(path)["description"].(string)
	return d
}

func (s *Schema) keys(path []string) []string {
	props, _ := s.subschema(path)["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// MaxFileSize is the default limit on one linted file.
const MaxFileSize = 4 << 20

// InputError is a file that cannot be linted at all (not YAML, too big, ...): exit status 2.
type InputError struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Env is how ${VAR} is resolved: the process environment, as Docker's stack loader does, plus
// --env-file values when asked.
type Env func(name string) (string, bool)

// load parses one file. maxSize bounds it (MaxFileSize when 0).
func load(file string, data []byte, env Env, maxSize int) (*Document, error) {
	root, extra, err := parse(file, data, maxSize)
	if err != nil {
		return nil, err
	}
	d := &Document{Root: root, files: []string{file}, extraDo: extra, env: env}
	d.ignores = parseIgnores(file, data)
	d.index()
	return d, nil
}

func parse(file string, data []byte, maxSize int) (*yaml.Node, []*yaml.Node, error) {
	if maxSize <= 0 {
		maxSize = MaxFileSize
	}
	if len(data) > maxSize {
		return nil, nil, &InputError{File: file, Msg: fmt.Sprintf("file is larger than the %d-byte limit; raise it with --max-size if this is really a stack file", maxSize)}
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, nil, &InputError{File: file, Msg: "not UTF-8 text; a Compose file is YAML"}
	}
	if line, col, ok := c1Control(data); ok {
		// go.yaml.in/yaml/v4 reads DEL and C1 controls (YAML 1.2); docker's gopkg.in/yaml.v3 refuses them.
		return nil, nil, &InputError{File: file, Line: line, Column: col, Msg: "control characters are not allowed (docker's YAML parser refuses DEL and U+0080 to U+009F)"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &InputError{File: file, Msg: "file is empty; nothing to lint"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(docs) > 0 {
				break // Docker never reads past the first document
			}
			_, perr := yamlnode.ParseYAML(data)
			var se *yamlnode.Error
			if errors.As(perr, &se) {
				return nil, nil, &InputError{File: file, Line: se.Line, Column: se.Column, Msg: se.Msg}
			}
			return nil, nil, &InputError{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
		}
		docs = append(docs, &n)
	}
	if len(docs) == 0 || len(docs[0].Content) == 0 {
		return nil, nil, &InputError{File: file, Msg: "file holds no YAML document"}
	}
	// Expanding the tree once bounds alias bombs, depth and duplicate keys before any rule walks it.
	if _, err := yamlnode.Plain(docs[0]); err != nil {
		var se *yamlnode.Error
		if errors.As(err, &se) {
			return nil, nil, &InputError{File: file, Line: se.Line, Column: se.Column, Msg: se.Msg}
		}
		return nil, nil, &InputError{File: file, Msg: err.Error()}
	}
	if err := dockerYAML(docs[0], 0); err != nil {
		return nil, nil, &InputError{File: file, Line: err.Line, Column: err.Column, Msg: err.Msg}
	}
	root := docs[0].Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, &InputError{File: file, Line: root.Line, Column: root.Column, Msg: "the top level must be a mapping (version:, services:, ...)"}
	}
	return root, docs[1:], nil
}

// merge loads several files and merges them the way docker stack deploy -c A -c B does (merge.go).
// Each node of the result keeps the file and position that defined it.
func merge(files []string, datas [][]byte, env Env, maxSize int) (*Document, error) {
	var roots []*yaml.Node
	var ignores []*ignore
	for i, file := range files {
		root, _, err := parse(file, datas[i], maxSize)
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
		ignores = append(ignores, parseIgnores(file, datas[i])...)
	}
	m := newMerger(files, roots, env)
	root, err := m.mergeAll(roots)
	if err != nil {
		return nil, err
	}
	d := &Document{Root: root, files: files, env: env, ignores: ignores}
	d.annotate(m, root)
	d.index()
	// docker/cli's loader.Load takes the first file's version and refuses any other.
	first := dockerVersion(roots[0])
	for _, r := range roots[1:] {
		if v := dockerVersion(r); v != first {
			d.versionMismatch = fmt.Sprintf("version mismatched between two composefiles : %s and %s", first, v)
			_, d.versionMismatchNode = yamlnode.Field(d.Root, "version")
			if d.versionMismatchNode == nil {
				d.versionMismatchNode = d.Root
			}
			break
		}
	}
	return d, nil
}

// annotate gives every node the file and position that defined it: the files' own nodes their
// own, a node the merge made the one it stands for, and a mapping or list under a key the key's.
func (d *Document) annotate(m *merger, root *yaml.Node) {
	d.fileOf, d.posOf = m.origin, map[*yaml.Node][2]int{}
	for n, p := range m.made {
		d.fileOf[n], d.posOf[n] = p.file, [2]int{p.line, p.col}
	}
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k, v := n.Content[i], n.Content[i+1]; v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
					p, ok := d.posOf[k]
					if !ok {
						p = [2]int{k.Line, k.Column}
					}
					d.fileOf[v], d.posOf[v] = d.fileOf[k], p
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
}

// dockerVersion is the version docker/cli reads from a file (cli/compose/schema/schema.go Version):
// the value as printed, "3.13" when it is missing, empty or "3".
func dockerVersion(root *yaml.Node) string {
	_, v := yamlnode.Field(root, "version")
	if v == nil {
		return "3.13"
	}
	v = yamlnode.Deref(v)
	s := v.Value
	switch {
	case v.Kind != yaml.ScalarNode:
		return "(not a scalar)"
	case v.Tag == "!!null":
		return "<nil>"
	case v.Tag == "!!float":
		if f, err := strconv.ParseFloat(v.Value, 64); err == nil {
			s = strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	if s == "" || s == "3" {
		return "3.13"
	}
	return s
}

// c1Control finds the first DEL or C1 control character other than NEL, which YAML 1.1 parsers
// such as docker/cli's gopkg.in/yaml.v3 refuse.
func c1Control(data []byte) (line, col int, ok bool) {
	line, col = 1, 1
	for _, r := range string(data) {
		if r >= 0x7f && r <= 0x9f && r != 0x85 {
			return line, col, true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return 0, 0, false
}

// dockerYAML makes the tree mean what it means to docker's gopkg.in/yaml.v3 decoder. Explicit tags:
// a local tag (!foo) leaves a scalar a string, and a standard tag that does not fit the value
// (!!int abc) is an error ("cannot decode !!str `abc` as a !!int"). Merge keys: "<<" takes a
// mapping, an alias of one, or a list of those; measured with docker stack config (CLI 20.10.24),
// null, 1, [a], an alias of a scalar and a list holding one are refused with "map merge requires map
// or sequence of maps as the value", while {}, [], [{image: x}] and [*map] are taken.
func dockerYAML(n *yaml.Node, depth int) *yamlnode.Error {
	if n == nil || depth > 10000 {
		return nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "" {
		switch {
		case !strings.HasPrefix(n.Tag, "!!"):
			n.Tag = "!!str"
		case n.Style&yaml.TaggedStyle != 0 && n.Tag != "!!str" && n.Tag != "!!binary" && n.Tag != "!!merge":
			var plain yaml.Node
			implicit := "!!str"
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
				if yaml.Unmarshal([]byte(n.Value), &plain) == nil && len(plain.Content) == 1 && plain.Content[0].Kind == yaml.ScalarNode {
					implicit = plain.Content[0].Tag
				}
			}
			if implicit != n.Tag && !(n.Tag == "!!float" && implicit == "!!int") {
				return &yamlnode.Error{Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("cannot decode %s `%s` as a %s", implicit, n.Value, n.Tag)}
			}
		}
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k, v := n.Content[i], n.Content[i+1]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" && !mergeable(v) {
				return &yamlnode.Error{Line: v.Line, Column: v.Column,
					Msg: "a \"<<\" merge takes a mapping, an alias of one, or a list of those; docker refuses this value (\"map merge requires map or sequence of maps as the value\")"}
			}
		}
	}
	for _, c := range n.Content {
		if err := dockerYAML(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func mergeable(v *yaml.Node) bool {
	isMap := func(n *yaml.Node) bool {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		return n != nil && n.Kind == yaml.MappingNode
	}
	if v.Kind != yaml.SequenceNode {
		return isMap(v)
	}
	for _, item := range v.Content {
		if !isMap(item) {
			return false
		}
	}
	return true
}

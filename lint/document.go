package lint

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// Document is one Compose/stack file (or several merged as docker stack deploy merges them) with every
// node's position kept for findings.
type Document struct {
	Root     *yaml.Node // the top-level mapping
	Services []*Service

	files   []string              // the files it came from
	fileOf  map[*yaml.Node]int    // for merged documents: the file (index in files) that defined each node
	posOf   map[*yaml.Node][2]int // for merged documents: where, for a node not at its own position
	extraDo []*yaml.Node          // documents after the first (Docker reads only the first)
	ignores []*ignore
	env     func(string) (string, bool)
	interp  map[*yaml.Node]interpolated
	// fromEnv maps each value a variable lookup returned to the ${NAME} it came from: findings
	// show the file's text, never what the environment put in (a CI runner's tokens).
	fromEnv map[string]string
	redis   map[*Service]redisResult
	shape   *[]shapeProblem
	// versionMismatch is docker's error for merged files whose versions differ, with the node of the
	// first version that differs.
	versionMismatch     string
	versionMismatchNode *yaml.Node

	// FileExists, when set, says whether a file a service reads on the client (env_file) exists;
	// the path is as written in the stack file, relative to the stack file's directory. The caller
	// sets it because lint never opens files itself; nil means unknown and nothing is reported.
	FileExists func(path string) bool
}

type redisResult struct {
	args *redisArgv
	ok   bool
}

type interpolated struct {
	value string
	err   error
}

// Service is one entry under services:.
type Service struct {
	Name string
	Key  *yaml.Node
	Node *yaml.Node // the service's mapping
}

func (d *Document) index() {
	d.interp = map[*yaml.Node]interpolated{}
	_, services := yamlnode.Field(d.Root, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return
	}
	for _, kv := range yamlnode.Pairs(services) {
		d.Services = append(d.Services, &Service{Name: kv[0].Value, Key: kv[0], Node: yamlnode.Deref(kv[1])})
	}
	sort.SliceStable(d.Services, func(i, j int) bool { return d.Services[i].Key.Line < d.Services[j].Key.Line })
}

func (d *Document) pos(n *yaml.Node) (string, int, int) {
	if n == nil {
		return d.files[0], 1, 1
	}
	if f, ok := d.fileOf[n]; ok {
		if p, ok := d.posOf[n]; ok {
			return d.files[f], p[0], p[1]
		}
		return d.files[f], n.Line, n.Column
	}
	return d.files[0], n.Line, n.Column
}

// Files are the files the document came from, in merge order.
func (d *Document) Files() []string { return d.files }

// Str is a scalar's value after ${VAR} interpolation and $$ unescaping, as Docker would see it.
// Non-scalars give "".
func (d *Document) Str(n *yaml.Node) string {
	v, _ := d.interpolate(n)
	return v
}

func (d *Document) interpolate(n *yaml.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	n = yamlnode.Deref(n)
	if n.Kind != yaml.ScalarNode {
		return "", nil
	}
	if r, ok := d.interp[n]; ok {
		return r.value, r.err
	}
	v := n.Value
	var err error
	if strings.Contains(v, "$") {
		v, err = dockerSubstitute(v, func(name string) (string, bool) {
			if d.env == nil {
				return "", false
			}
			val, ok := d.env(name)
			if ok && val != "" {
				if d.fromEnv == nil {
					d.fromEnv = map[string]string{}
				}
				d.fromEnv[val] = "${" + name + "}"
			}
			return val, ok
		})
		if err != nil {
			v = n.Value
		}
	}
	d.interp[n] = interpolated{v, err}
	return v, err
}

// redact shows every value the environment gave as the ${NAME} that asked for it, longest values
// first, so that no output of lint carries what the environment holds.
func (d *Document) redact(msg string) string {
	if len(d.fromEnv) == 0 {
		return msg
	}
	vals := make([]string, 0, len(d.fromEnv))
	for v := range d.fromEnv {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		return len(vals[i]) > len(vals[j]) || len(vals[i]) == len(vals[j]) && vals[i] < vals[j]
	})
	for _, v := range vals {
		msg = strings.ReplaceAll(msg, v, d.fromEnv[v])
	}
	return msg
}

// Strs is a list of scalars (or one scalar, split like a shell would) after interpolation.
func (d *Document) Strs(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	n = yamlnode.Deref(n)
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, d.Str(c))
		}
		return out
	case yaml.ScalarNode:
		return shellWords(d.Str(n))
	}
	return nil
}

// shellWords splits a command string the way Compose does for a string command: on whitespace,
// honouring single and double quotes and backslashes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i] // bytes, not runes: multi-byte UTF-8 passes through untouched
		if quote == 0 && (c == ' ' || c == '\t' || c == '\n') {
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		} else if quote == 0 && (c == '\'' || c == '"') {
			quote, inWord = c, true
		} else if quote != 0 && c == quote {
			quote = 0
		} else if c == '\\' && quote != '\'' && i+1 < len(s) {
			i++
			cur.WriteByte(s[i])
			inWord = true
		} else {
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// walkScalars calls fn on every scalar value (not keys) under n.
func walkScalars(n *yaml.Node, fn func(*yaml.Node)) {
	n = yamlnode.Deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		fn(n)
	case yaml.MappingNode:
		for _, kv := range yamlnode.Pairs(n) {
			walkScalars(kv[1], fn)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			walkScalars(c, fn)
		}
	}
}

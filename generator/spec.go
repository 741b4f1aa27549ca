// Package generator turns a stack spec into the stack file that `docker stack deploy` accepts. It is
// pure: the same spec and the same sealed password file always give the same bytes, and it does no I/O.
package generator

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/constraint"
	"github.com/webvig/stackgen/memsize"
	"github.com/webvig/stackgen/schemas"
	"github.com/webvig/stackgen/yamlnode"
)

// Spec is a stack spec (schemas/stack.schema.json) after validation and defaults.
type Spec struct {
	Stack     string    `yaml:"stack"`
	Service   string    `yaml:"service"`
	Image     string    `yaml:"image"`
	Network   string    `yaml:"network"`
	Memory    Memory    `yaml:"memory"`
	Redis     Redis     `yaml:"redis"`
	Placement Placement `yaml:"placement"`
	Restart   Restart   `yaml:"restart"`
	Health    Health    `yaml:"healthcheck"`
	Password  Password  `yaml:"password"`
	File      string    `yaml:"-"` // where the spec came from, for messages
	// Arg is the SPEC argument that reproduces this render ("" when the default rule finds it); the
	// render's header names it with the overrides, so that its command reproduces the file.
	Arg     string `yaml:"-"`
	applied []Override
	root    *yaml.Node // for positions of semantic errors
	flags   map[string]string
}

type Memory struct {
	Limit       string `yaml:"limit"`
	Reservation string `yaml:"reservation"`
}

type Redis struct {
	MaxMemory       string  `yaml:"maxmemory"`
	MaxMemoryPolicy string  `yaml:"maxmemory_policy"`
	AppendFsync     string  `yaml:"appendfsync"`
	Save            [][]int `yaml:"save"`
}

type Placement struct {
	Constraints []string `yaml:"constraints"`
}

type Restart struct {
	Condition   string `yaml:"condition"`
	Delay       string `yaml:"delay"`
	MaxAttempts *int   `yaml:"max_attempts"`
	Window      string `yaml:"window"`
}

type Health struct {
	Interval    string `yaml:"interval"`
	Timeout     string `yaml:"timeout"`
	Retries     int    `yaml:"retries"`
	StartPeriod string `yaml:"start_period"`
}

type Password struct {
	File       string   `yaml:"file"`
	Recipients []string `yaml:"recipients"`
}

// MaxSpecSize bounds a spec file; a stack spec is a few hundred bytes.
const MaxSpecSize = 1 << 20

// ParseSpec validates a spec's bytes against the schema and applies defaults. Errors name the file,
// line and column: "FILE:LINE:COL: PATH: reason".
func ParseSpec(file string, data []byte) (*Spec, error) {
	if len(data) > MaxSpecSize {
		return nil, fmt.Errorf("%s: file is larger than %d bytes; a stack spec is a short YAML file", file, MaxSpecSize)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not UTF-8 text; a stack spec is a YAML file", file)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: file is empty; see stacks/wheel_analyzer/stack.yaml for an example", file)
	}
	doc, err := yamlnode.ParseYAML(data)
	if err != nil {
		return nil, yamlnode.InFile(file, err)
	}
	if err := schemas.Stack().Validate(doc); err != nil {
		return nil, yamlnode.InFile(file, err)
	}
	s := &Spec{
		Service: "redis",
		// No attempt limit: swarmkit counts max_attempts over the life of the service spec (or per
		// window), and a slot that spent it is never restarted until the next update (swarmkit
		// manager/orchestrator/restart/restart.go, shouldRestart). A cache must always come back; the
		// delay bounds a crash loop to one start every 5 s.
		Restart: Restart{Condition: "any", Delay: "5s"},
		Health:  Health{Interval: "10s", Timeout: "3s", Retries: 3},
	}
	if err := doc.Decode(s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	s.File, s.root = file, doc
	if err := s.Check(); err != nil {
		return nil, err
	}
	return s, nil
}

// Override sets one knob from a flag. The value is checked against the same schema definition as the
// spec's own value; errors name the flag.
type Override struct {
	Flag  string // "--maxmemory"
	Value string
}

// Apply applies overrides in order and re-checks the spec.
func (s *Spec) Apply(overrides []Override) error {
	if s.flags == nil {
		s.flags = map[string]string{}
	}
	var constraints []string
	for _, o := range overrides {
		def, path, set := s.knob(o.Flag)
		if set == nil {
			return fmt.Errorf("%s: unknown override", o.Flag)
		}
		if err := schemas.Stack().ValidateDef(def, o.Value); err != nil {
			return fmt.Errorf("%s: %w", o.Flag, err)
		}
		if o.Flag == "--constraint" {
			constraints = append(constraints, o.Value)
			s.Placement.Constraints = constraints
		} else {
			set(o.Value)
		}
		s.flags[path] = o.Flag
		s.applied = append(s.applied, o)
	}
	return s.Check()
}

func (s *Spec) knob(flag string) (def, path string, set func(string)) {
	switch flag {
	case "--stack":
		return "stack", "stack", func(v string) { s.Stack = v }
	case "--image":
		return "image", "image", func(v string) { s.Image = v }
	case "--maxmemory":
		return "maxmemory", "redis.maxmemory", func(v string) { s.Redis.MaxMemory = v }
	case "--memory-limit":
		return "memory", "memory.limit", func(v string) { s.Memory.Limit = v }
	case "--memory-reservation":
		return "memory", "memory.reservation", func(v string) { s.Memory.Reservation = v }
	case "--constraint":
		return "constraint", "placement.constraints", func(string) {}
	}
	return "", "", nil
}

// Check enforces what the schema cannot say: relations between values.
func (s *Spec) Check() error {
	limit, _ := memsize.Docker(s.Memory.Limit)
	reservation, _ := memsize.Docker(s.Memory.Reservation)
	maxmemory, _, _ := memsize.Redis(s.Redis.MaxMemory)
	if reservation > limit {
		return s.Errorf("memory.reservation", "%s is above memory.limit %s; a reservation cannot exceed the limit",
			s.Memory.Reservation, s.Memory.Limit)
	}
	if !memsize.Fits(maxmemory, limit, memsize.DefaultRatio) {
		return s.Errorf("redis.maxmemory", "%s leaves less than a quarter of memory.limit %s as headroom for fork, "+
			"client buffers and allocator overhead; use at most %s", s.Redis.MaxMemory, s.Memory.Limit,
			memsize.FormatRedis(memsize.MaxMemory(limit, memsize.DefaultRatio)))
	}
	for i, c := range s.Placement.Constraints {
		if _, err := constraint.Parse(c); err != nil {
			at := fmt.Sprintf("placement.constraints.%d", i)
			if _, ok := s.flags["placement.constraints"]; ok {
				at = "placement.constraints"
			}
			return s.Errorf(at, "%q is not a constraint Swarm accepts: %v; write KEY == VALUE or KEY != VALUE, e.g. node.role == worker", c, err)
		}
	}
	if n := len(s.SecretName(nil)); n > 64 {
		return s.Errorf("stack", "stack %q and service %q make secret names of %d characters; Swarm allows 64",
			s.Stack, s.Service, n)
	}
	// The service name STACK_SERVICE must be a DNS label of at most 63 characters; the secret name
	// above is that plus 23 characters, so its 64-character limit is the stricter one.
	return nil
}

// Errorf reports a semantic error at the value's position in the spec or at the flag that set it.
func (s *Spec) Errorf(path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if flag, ok := s.flags[path]; ok {
		return fmt.Errorf("%s: %s", flag, msg)
	}
	line, col := 1, 1
	if s.root != nil {
		root := s.root
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		n, _ := yamlnode.Lookup(root, strings.Split(path, "."))
		line, col = n.Line, n.Column
	}
	return fmt.Errorf("%s:%d:%d: %s: %s", s.File, line, col, path, msg)
}

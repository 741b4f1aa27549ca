package lint

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/webvig/stackgen/schemas"
	"github.com/webvig/stackgen/yamlnode"
)

// Policy is a team's lint policy (.stackgen.yaml, schemas/policy.schema.json).
type Policy struct {
	Rules  map[string]string `yaml:"rules"`
	Memory struct {
		Limit       string `yaml:"limit"`
		Reservation string `yaml:"reservation"`
		Exact       *bool  `yaml:"exact"`
	} `yaml:"memory"`
	Redis struct {
		MaxMemoryRatio float64 `yaml:"maxmemory_ratio"`
		AppendFsync    string  `yaml:"appendfsync"`
	} `yaml:"redis"`
	Images     []string    `yaml:"images"`
	Placement  []string    `yaml:"placement"`
	Exemptions []Exemption `yaml:"exemptions"`

	File string `yaml:"-"` // where it came from, "" for the default
}

// Exemption excuses one service from some rules, for a stated reason.
type Exemption struct {
	Service string   `yaml:"service"`
	Rules   []string `yaml:"rules"`
	Reason  string   `yaml:"reason"`
}

// DefaultPolicy is the design card's: 512M / 256M exactly, maxmemory at most 3/4 of the limit, AOF
// fsync every second.
func DefaultPolicy() *Policy {
	p := &Policy{}
	p.defaults()
	return p
}

func (p *Policy) defaults() {
	if p.Memory.Limit == "" {
		p.Memory.Limit = "512M"
	}
	if p.Memory.Reservation == "" {
		p.Memory.Reservation = "256M"
	}
	if p.Memory.Exact == nil {
		t := true
		p.Memory.Exact = &t
	}
	if p.Redis.MaxMemoryRatio == 0 {
		p.Redis.MaxMemoryRatio = 0.75
	}
	if p.Redis.AppendFsync == "" {
		p.Redis.AppendFsync = "everysec"
	}
}

// ParsePolicy validates a policy file against its schema. Errors carry file:line:col.
func ParsePolicy(file string, data []byte) (*Policy, error) {
	doc, err := yamlnode.ParseYAML(data)
	if err != nil {
		return nil, yamlnode.InFile(file, err)
	}
	if len(doc.Content) == 0 {
		p := DefaultPolicy()
		p.File = file
		return p, nil
	}
	if err := schemas.Policy().Validate(doc); err != nil {
		return nil, yamlnode.InFile(file, err)
	}
	p := &Policy{}
	if err := doc.Decode(p); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p.File = file
	root := doc.Content[0]
	check := func(keyPath []string, pattern string) error {
		for _, r := range Rules {
			if matchRule(pattern, r) {
				return nil
			}
		}
		n, k := yamlnode.Lookup(root, keyPath)
		if k != nil {
			n = k
		}
		return fmt.Errorf("%s:%d:%d: %s: %q matches no rule; see stackgen lint --list-rules", file, n.Line, n.Column, strings.Join(keyPath[:len(keyPath)-1], "."), pattern)
	}
	keys := make([]string, 0, len(p.Rules))
	for k := range p.Rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := check([]string{"rules", k}, k); err != nil {
			return nil, err
		}
	}
	for i, ex := range p.Exemptions {
		for j, r := range ex.Rules {
			if err := check([]string{"exemptions", fmt.Sprint(i), "rules", fmt.Sprint(j)}, r); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range []string{p.Memory.Limit, p.Memory.Reservation} {
		if _, ok := dockerBytes(m); m != "" && !ok {
			return nil, fmt.Errorf("%s: memory: %q is not a Docker memory size", file, m)
		}
	}
	p.defaults()
	return p, nil
}

// severity is the rule's severity under this policy: the most specific matching entry wins
// (an exact ID over a glob over a category); 0 turns the rule off.
func (p *Policy) severity(r *Rule) Severity {
	best, bestRank := r.Severity, 0
	for pattern, s := range p.Rules {
		rank := 0
		switch {
		case pattern == r.ID:
			rank = 3
		case strings.ContainsAny(pattern, "*?[") && matchRule(pattern, r):
			rank = 2
		case pattern == r.Category():
			rank = 1
		}
		if rank > bestRank {
			sev, _ := ParseSeverity(s)
			best, bestRank = sev, rank
		}
	}
	return best
}

// exempt drops findings of exempted services.
func (p *Policy) exempt(fs []Finding) []Finding {
	if len(p.Exemptions) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if !p.exempted(f) {
			out = append(out, f)
		}
	}
	return out
}

func (p *Policy) exempted(f Finding) bool {
	r := RuleByID(f.Rule)
	for _, ex := range p.Exemptions {
		if ex.Service != f.Service || r == nil {
			continue
		}
		for _, pat := range ex.Rules {
			if matchRule(pat, r) {
				return true
			}
		}
	}
	return false
}

// imageAllowed reports whether an image matches one of the policy's patterns (any, when none).
func (p *Policy) imageAllowed(image string) bool {
	if len(p.Images) == 0 {
		return true
	}
	for _, pat := range p.Images {
		if ok, _ := path.Match(pat, image); ok {
			return true
		}
	}
	return false
}

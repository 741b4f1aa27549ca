package lint

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/webvig/stackgen/memsize"
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
	Exclude    []string    `yaml:"exclude"`
	Nested     bool        `yaml:"nested"`

	File string `yaml:"-"` // where it came from, "" for the default

	enable, disable []string // --enable and --disable from the command line
}

// Select turns rules on (at their own severity) or off from the command line, over what the file
// says; where both match a rule, --disable wins. A pattern (ID, glob or category) that matches no
// rule is an error.
func (p *Policy) Select(enable, disable []string) error {
	for _, list := range []struct {
		flag     string
		patterns []string
	}{{"--enable", enable}, {"--disable", disable}} {
		for _, pat := range list.patterns {
			if !matchesAny(pat) {
				return fmt.Errorf("%s %s: matches no rule; see stackgen lint --list-rules", list.flag, pat)
			}
		}
	}
	p.enable, p.disable = enable, disable
	return nil
}

func matchesAny(pattern string) bool {
	for _, r := range Rules {
		if matchRule(pattern, r) {
			return true
		}
	}
	return false
}

// Exemption excuses one service from some rules, for a stated reason.
type Exemption struct {
	Service string   `yaml:"service"`
	Rules   []string `yaml:"rules"`
	Reason  string   `yaml:"reason"`
}

// DefaultPolicy is what any Swarm team would accept: every service declares a memory limit and a
// reservation, the reservation no larger than the limit; maxmemory at most 3/4 of the limit (fork
// headroom is physics, not taste); AOF fsync every second. A team's own numbers (the Wheel Analyzer's
// 512M / 256M) belong in its .stackgen.yaml.
func DefaultPolicy() *Policy {
	p := &Policy{}
	p.defaults()
	return p
}

func (p *Policy) defaults() {
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
		if p.Rules[k] == "off" && (k == "stackgen" || strings.HasPrefix(k, "SG") && !strings.ContainsAny(k, "*?[")) {
			_, key := yamlnode.Lookup(root, []string{"rules", k})
			return nil, fmt.Errorf("%s:%d:%d: rules.%s: the stackgen rules (SG) judge inline ignores and no policy can turn them off", file, key.Line, key.Column, k)
		}
	}
	for i, pat := range p.Exclude {
		if _, err := path.Match(pat, ""); err != nil {
			n, _ := yamlnode.Lookup(root, []string{"exclude", fmt.Sprint(i)})
			return nil, fmt.Errorf("%s:%d:%d: exclude.%d: %q is not a glob: %w", file, n.Line, n.Column, i, pat, err)
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
		if _, err := memsize.Docker(m); m != "" && err != nil {
			return nil, fmt.Errorf("%s: memory: %q is not a Docker memory size", file, m)
		}
	}
	p.defaults()
	return p, nil
}

// severity is the rule's severity under this policy: the most specific matching entry wins
// (an exact ID over a glob over a category); 0 turns the rule off.
func (p *Policy) severity(r *Rule) Severity {
	for _, pat := range p.disable {
		if matchRule(pat, r) {
			return 0
		}
	}
	for _, pat := range p.enable {
		if matchRule(pat, r) {
			return r.Severity
		}
	}
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
	if best == 0 && r.Category() == "stackgen" {
		return r.Severity // no policy switches off the rules about ignores: a gate must not be disabled from the checkout
	}
	return best
}

// Excluded reports whether a file is excluded by the policy's exclude globs. rel is the file's path
// relative to the policy file's directory, slash-separated; a glob that matches one of its
// directories excludes it too.
func (p *Policy) Excluded(rel string) bool {
	for _, pat := range p.Exclude {
		for cur := rel; cur != "." && cur != "/" && cur != ""; cur = path.Dir(cur) {
			if ok, _ := path.Match(pat, cur); ok {
				return true
			}
		}
	}
	return false
}

// exempts reports whether the policy excuses service from rule r.
func (p *Policy) exempts(r *Rule, service string) bool {
	for _, ex := range p.Exemptions {
		if ex.Service != service {
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

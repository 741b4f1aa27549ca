// Package lint checks Compose and stack files against what `docker stack deploy`, Swarm and Redis
// really do, and against a team's policy. It works on loaded bytes and never opens files itself.
package lint

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Severity orders findings; --fail-on picks the lowest one that fails a run.
type Severity int

const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// ParseSeverity reads "error", "warning", "info" (and "off" for policy files, as 0).
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "info":
		return Info, nil
	case "off":
		return 0, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// Rule is one check. IDs are stable and never reused; the letters name the category.
type Rule struct {
	ID       string
	Title    string // lowercase, no final period
	Severity Severity
	// Doc says why, then shows a bad and a good snippet; it feeds --explain, --list-rules and
	// docs/rules.md. Bad and Good are YAML.
	Doc, Bad, Good string
	Check          func(p *Pass)
}

// Category is the rule's category name, from its ID's letters.
func (r *Rule) Category() string {
	return categories[strings.TrimRight(r.ID, "0123456789")]
}

var categories = map[string]string{
	"SG": "stackgen",
	"SW": "swarm",
	"PL": "policy",
	"RD": "redis",
	"GN": "general",
}

// Finding is one problem at a position. Line and Column are 1-based.
type Finding struct {
	Rule      string   `json:"rule"`
	Severity  Severity `json:"-"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"end_line"`
	EndColumn int      `json:"end_column"`
	Message   string   `json:"message"`
	Service   string   `json:"service"`
}

// Pass is what a rule's Check sees: one document, the policy, and a way to report.
type Pass struct {
	Doc    *Document
	Policy *Policy
	rule   *Rule
	sev    Severity
	out    *collector
}

// Reportf reports a finding at node n (never nil: a missing key is reported at its parent). The
// message is built only for a finding that is kept, and any value the environment put into it is
// shown as the ${NAME} the file wrote.
func (p *Pass) Reportf(n *yaml.Node, service string, format string, args ...any) {
	file, line, col := p.Doc.pos(n)
	endLine, endCol := line, col
	if n != nil && n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && n.Style == 0 {
		endCol = col + len(n.Value)
	}
	if n != nil && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && p.Doc.fileOf == nil {
		endLine = blockEnd(n, 0) // a finding about a block spans it: an ignore on any of its lines counts
	}
	f := Finding{Rule: p.rule.ID, Severity: p.sev, File: file, Line: line, Column: col,
		EndLine: endLine, EndColumn: endCol, Service: service}
	if p.Policy.exempts(p.rule, service) || !p.out.noInline && p.Doc.ignored(f) {
		return
	}
	p.out.keep(f, func() string { return p.Doc.redact(fmt.Sprintf(format, args...)) })
}

// collector keeps a document's findings up to a limit and counts the rest by rule, so that no input
// makes the linter hold or print more than the limit.
type collector struct {
	noInline bool
	limit    int
	kept     []Finding
	omitted  map[string]*Omitted
}

func (c *collector) keep(f Finding, message func() string) {
	if len(c.kept) < c.limit {
		f.Message = message()
		c.kept = append(c.kept, f)
		return
	}
	o := c.omitted[f.Rule]
	if o == nil {
		o = &Omitted{File: f.File, Rule: f.Rule}
		c.omitted[f.Rule] = o
	}
	o.Count++
	o.Severity = max(o.Severity, f.Severity)
}

// Omitted counts the findings of one rule in one file that were over the limit and not kept.
type Omitted struct {
	File     string   `json:"file"`
	Rule     string   `json:"rule"`
	Count    int      `json:"count"`
	Severity Severity `json:"-"`
}

// Limits bound what a run keeps: findings per file and in all. Past them findings are counted by
// rule (Result.Omitted), not kept. 1,000 findings is far more than a person acts on; a file with
// more is a generated or hostile one.
const (
	MaxFindingsPerFile = 1000
	MaxFindings        = 10000
)

// blockEnd is the last line a block node's own content reaches (aliases are not followed).
func blockEnd(n *yaml.Node, depth int) int {
	last := n.Line
	if depth > 100 {
		return last
	}
	for _, c := range n.Content {
		last = max(last, blockEnd(c, depth+1))
	}
	return last
}

// Result is the outcome of linting some documents.
type Result struct {
	Findings []Finding
	Omitted  []Omitted // findings over the limits, counted by file and rule
	Files    int
}

// lint checks the document with every rule the policy leaves on, at the policy's severities, less
// the findings of exempted services and those an inline ignore covers (none with noInline), then
// the findings about the ignores themselves. At most limit findings are kept; the rest are counted.
func (d *Document) lint(pol *Policy, noInline bool, limit int) ([]Finding, []Omitted) {
	c := &collector{noInline: noInline, limit: limit, omitted: map[string]*Omitted{}}
	for _, r := range Rules {
		sev := pol.severity(r)
		if sev == 0 || r.Check == nil {
			continue
		}
		r.Check(&Pass{Doc: d, Policy: pol, rule: r, sev: sev, out: c})
	}
	for _, f := range d.ignoreFindings(pol, noInline) {
		c.keep(f, func() string { return f.Message })
	}
	var omitted []Omitted
	for _, r := range Rules {
		if o := c.omitted[r.ID]; o != nil {
			omitted = append(omitted, *o)
		}
	}
	return c.kept, omitted
}

// sortFindings orders findings by file, line, column and rule.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Rule < b.Rule
	})
}

// Worst is the highest severity among findings, those over the limits included; 0 when there are
// none.
func (r *Result) Worst() Severity {
	var w Severity
	for _, f := range r.Findings {
		w = max(w, f.Severity)
	}
	for _, o := range r.Omitted {
		w = max(w, o.Severity)
	}
	return w
}

// RuleByID finds a rule.
func RuleByID(id string) *Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// matchRule reports whether a pattern (an ID, a category name, or a glob over IDs such as "RD*")
// selects rule r.
func matchRule(pattern string, r *Rule) bool {
	if pattern == r.ID || pattern == r.Category() {
		return true
	}
	ok, _ := path.Match(pattern, r.ID)
	return ok
}

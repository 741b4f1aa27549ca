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
	out    *[]Finding
}

// Reportf reports a finding at node n (never nil: a missing key is reported at its parent).
func (p *Pass) Reportf(n *yaml.Node, service string, format string, args ...any) {
	file, line, col := p.Doc.pos(n)
	endLine, endCol := line, col
	if n != nil && n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && n.Style == 0 {
		endCol = col + len(n.Value)
	}
	if n != nil && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && p.Doc.fileOf == nil {
		endLine = blockEnd(n, 0) // a finding about a block spans it: an ignore on any of its lines counts
	}
	*p.out = append(*p.out, Finding{
		Rule: p.rule.ID, Severity: p.rule.Severity, File: file, Line: line, Column: col,
		EndLine: endLine, EndColumn: endCol, Message: fmt.Sprintf(format, args...), Service: service,
	})
}

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
	Files    int
}

// lint checks the document with every rule the policy leaves on, applies the policy's severities
// and exemptions and the inline ignores (refused with noInline), and returns the findings.
func (d *Document) lint(pol *Policy, noInline bool) []Finding {
	var found []Finding
	for _, r := range Rules {
		sev := pol.severity(r)
		if sev == 0 || r.Check == nil {
			continue
		}
		var local []Finding
		p := &Pass{Doc: d, Policy: pol, rule: r, out: &local}
		r.Check(p)
		for i := range local {
			local[i].Severity = sev
		}
		found = append(found, local...)
	}
	found = pol.exempt(found)
	return append(found, d.applyIgnores(&found, pol, noInline)...)
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

// Worst is the highest severity among findings, 0 when there are none.
func (r *Result) Worst() Severity {
	var w Severity
	for _, f := range r.Findings {
		w = max(w, f.Severity)
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

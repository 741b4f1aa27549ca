package lint

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// Tests of the runner and the rule type (lint.go): where a finding points and how far it spans,
// sorting, severities, rule lookup.

func TestReportfEnd(t *testing.T) {
	d, err := load("f.yml", []byte("a: abc\nb: \"q\"\nc: |\n  x\nd: [1]\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{limit: MaxFindingsPerFile, omitted: map[string]*Omitted{}}
	p := &Pass{Doc: d, Policy: DefaultPolicy(), rule: &Rule{ID: "XX1"}, sev: Warning, out: c}
	for _, k := range []string{"a", "b", "c", "d"} {
		_, v := yamlnode.Field(d.Root, k)
		p.Reportf(v, "svc", "key %q", k)
	}
	p.Reportf(nil, "", "top")
	out := c.kept
	want := [][4]int{{1, 4, 1, 7}, {2, 4, 2, 4}, {3, 4, 3, 4}, {5, 4, 5, 4}, {1, 1, 1, 1}}
	for i, f := range out {
		got := [4]int{f.Line, f.Column, f.EndLine, f.EndColumn}
		if got != want[i] {
			t.Errorf("finding %d (%s) at %v, want %v", i, f.Message, got, want[i])
		}
	}
	if out[0].Message != `key "a"` || out[0].Rule != "XX1" || out[0].Service != "svc" || out[0].Severity != Warning || out[0].File != "f.yml" {
		t.Errorf("finding %+v", out[0])
	}
}

// TestReportfBlockSpan: a finding about a block mapping or sequence spans the block's lines (so an
// ignore on any of them counts), in one file; in merged files a node's lines are the merged
// document's, so the finding stays on one line there (its key's, in the file that set it).
func TestReportfBlockSpan(t *testing.T) {
	data := []byte("m:\n  x: 1\n  y:\n    - 2\ns:\n  - a\n  - b: 1\n    c: 2\n")
	d, err := load("f.yml", data, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	merged, err := merge([]string{"f.yml", "g.yml"}, [][]byte{data, []byte("z: 1\n")}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc      *Document
		key      string
		from, to int
	}{
		{d, "m", 2, 4}, {d, "s", 6, 8}, {merged, "m", 1, 1}, {merged, "s", 5, 5},
	} {
		c := &collector{limit: MaxFindingsPerFile, omitted: map[string]*Omitted{}}
		p := &Pass{Doc: tc.doc, Policy: DefaultPolicy(), rule: &Rule{ID: "XX1"}, sev: Warning, out: c}
		_, v := yamlnode.Field(tc.doc.Root, tc.key)
		p.Reportf(v, "", "block")
		if f := c.kept[0]; f.Line != tc.from || f.EndLine != tc.to {
			t.Errorf("%s (merged %v): lines %d-%d, want %d-%d", tc.key, tc.doc == merged, f.Line, f.EndLine, tc.from, tc.to)
		}
	}
}

// TestBlockEnd: the walk stops 100 levels down (a finding's span is a convenience, not a reason to
// walk a hostile file's depth).
func TestBlockEnd(t *testing.T) {
	n := &yaml.Node{Kind: yaml.ScalarNode, Line: 104}
	for line := 103; line >= 1; line-- {
		n = &yaml.Node{Kind: yaml.SequenceNode, Line: line, Content: []*yaml.Node{n}}
	}
	// Depth 0 is line 1; the node at depth 101 is line 102 and is not looked into.
	if got := blockEnd(n, 0); got != 102 {
		t.Errorf("blockEnd = %d, want 102", got)
	}
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{File: "b", Line: 1, Column: 1, Rule: "A"},
		{File: "a", Line: 2, Column: 1, Rule: "A"},
		{File: "a", Line: 1, Column: 2, Rule: "A"},
		{File: "a", Line: 1, Column: 1, Rule: "B"},
		{File: "a", Line: 1, Column: 1, Rule: "A"},
		{File: "a", Line: 1, Column: 1, Rule: "A", Message: "second"},
	}
	sortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.File+":"+string(rune('0'+f.Line))+":"+string(rune('0'+f.Column))+":"+f.Rule+f.Message)
	}
	want := []string{"a:1:1:A", "a:1:1:Asecond", "a:1:1:B", "a:1:2:A", "a:2:1:A", "b:1:1:A"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

func TestWorstAndRuleByID(t *testing.T) {
	r := &Result{Findings: []Finding{{Severity: Info}, {Severity: Error}, {Severity: Warning}}}
	if r.Worst() != Error {
		t.Errorf("Worst = %v", r.Worst())
	}
	if (&Result{}).Worst() != 0 {
		t.Error("Worst of nothing is not 0")
	}
	last := Rules[len(Rules)-1]
	if RuleByID(last.ID) != last || RuleByID(Rules[0].ID) != Rules[0] || RuleByID("ZZ999") != nil {
		t.Error("RuleByID")
	}
	rd := RuleByID("RD301")
	if rd == nil {
		t.Fatal("no RD301")
	}
	for pat, want := range map[string]bool{"RD301": true, "redis": true, "RD*": true, "RD3?1": true, "SW*": false, "swarm": false, "RD30": false, "[": false} {
		if got := matchRule(pat, rd); got != want {
			t.Errorf("matchRule(%q, RD301) = %v", pat, got)
		}
	}
	if (&Rule{ID: "XY1"}).Category() != "" || rd.Category() != "redis" {
		t.Error("Category")
	}
}

// TestRunSeverityAndFiles: Run gives each finding its policy severity, skips rules turned off and
// retired rules, and counts the files of merged documents.
func TestRunSeverityAndFiles(t *testing.T) {
	yml := []byte("version: \"3.8\"\nservices:\n  a:\n    image: redis\n")
	d, err := load("f.yml", yml, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := ParsePolicy("p", []byte("rules:\n  GN401: error\n"))
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Findings: lintAll(d, pol)}
	found := false
	for _, f := range res.Findings {
		if f.Rule == "GN401" {
			found = true
			if f.Severity != Error {
				t.Errorf("GN401 at %v, policy says error", f.Severity)
			}
		}
	}
	if !found {
		t.Fatal("no GN401")
	}
	off, _ := ParsePolicy("p", []byte("rules:\n  GN401: off\n"))
	for _, f := range lintAll(d, off) {
		if f.Rule == "GN401" {
			t.Error("GN401 reported while off")
		}
	}
	res, _, err = Check(Files(File{"a.yml", yml}, File{"b.yml", yml}), Options{Merge: true})
	if err != nil || res.Files != 2 {
		t.Errorf("Files = %d (%v), want 2", res.Files, err)
	}
}

func TestSeverityNames(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		if p, err := ParseSeverity(s.String()); err != nil || p != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, p, err)
		}
	}
	if p, err := ParseSeverity("off"); err != nil || p != 0 || Severity(0).String() != "off" {
		t.Errorf("off: %v, %v", p, err)
	}
	if Info != 1 {
		t.Errorf("Info = %d: 0 is off in policies", Info)
	}
}

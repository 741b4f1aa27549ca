package lint

import (
	"reflect"
	"strings"
	"testing"
)

// Tests of the inline-ignore parser and of how ignores apply to findings made by hand (ignore.go);
// what ignores do to real findings is in testdata/ignore and testdata/noinline.

func TestParseIgnores(t *testing.T) {
	data := "a: 1 # stackgen:ignore GN401, RD301 -- why # more\n" +
		"# stackgen:ignore SW101\n" +
		"b: \"x#stackgen:ignore GN401 -- quoted\"\n" +
		"\t# stackgen:ignore\tPL201 --  r  \n"
	igs := parseIgnores("f", []byte(data))
	if len(igs) != 3 {
		t.Fatalf("%d ignores, want 3", len(igs))
	}
	type got struct {
		line, col  int
		ids        []string
		reason     string
		standalone bool
	}
	want := []got{{1, 6, []string{"GN401", "RD301"}, "why", false}, {2, 1, []string{"SW101"}, "", true}, {4, 2, []string{"PL201"}, "r", true}}
	for i, ig := range igs {
		if g := (got{ig.line, ig.column, ig.ids, ig.reason, ig.standalone}); !reflect.DeepEqual(g, want[i]) {
			t.Errorf("ignore %d = %+v, want %+v", i, g, want[i])
		}
	}
	if parseIgnores("f", []byte("a: 1\n")) != nil {
		t.Error("ignores without the word")
	}
}

func TestApplyIgnores(t *testing.T) {
	yml := "services:\n" +
		"  a:\n" +
		"    image: redis # stackgen:ignore GN401 -- pinned by digest elsewhere\n" +
		"  b:\n" +
		"    # stackgen:ignore GN401 -- test\n" +
		"    image: redis\n" +
		"  c:\n" +
		"    image: redis # stackgen:ignore GN401\n" +
		"  d:\n" +
		"    image: x:1 # stackgen:ignore GN401 -- nothing here\n" +
		"    # stackgen:ignore ZZ999 -- unknown\n" +
		"    # stackgen:ignore -- no id\n" +
		"    image2: x # stackgen:ignore GN401 -- trailing covers only its line\n" +
		"  e:\n" +
		"    image: redis\n"
	d, err := load("f.yml", []byte(yml), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	pol := DefaultPolicy()
	found := []Finding{
		{Rule: "GN401", File: "f.yml", Line: 3}, {Rule: "GN401", File: "f.yml", Line: 6}, {Rule: "GN401", File: "f.yml", Line: 8},
		{Rule: "GN401", File: "f.yml", Line: 14}, {Rule: "GN401", File: "f.yml", Line: 15}, {Rule: "GN401", File: "other.yml", Line: 3},
		{Rule: "RD301", File: "f.yml", Line: 3},
	}
	var kept []int
	for _, f := range found {
		if !d.ignored(f) {
			kept = append(kept, f.Line)
		}
	}
	meta := d.ignoreFindings(pol, false)
	if !reflect.DeepEqual(kept, []int{8, 14, 15, 3, 3}) {
		t.Errorf("kept findings on lines %v", kept)
	}
	var got []string
	for _, f := range meta {
		got = append(got, f.Rule+"@"+string(rune('0'+f.Line/10))+string(rune('0'+f.Line%10))+": "+f.Message)
	}
	want := []string{
		`SG001@08: stackgen:ignore without a reason; add " -- why this is safe"`,
		`SG002@10: stackgen:ignore "GN401" matches no finding on this line or the next; remove it`,
		`SG003@11: stackgen:ignore names unknown rule "ZZ999"`,
		`SG001@12: stackgen:ignore names no rule; write "# stackgen:ignore ID -- reason"`,
		`SG002@13: stackgen:ignore "GN401" matches no finding on this line or the next; remove it`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("meta findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range meta {
		if f.Column < 1 || f.EndLine != f.Line || f.EndColumn != f.Column || f.Severity == 0 {
			t.Errorf("meta finding %+v", f)
		}
	}
	// disabled: every ignore is SG004
	d2, _ := load("f.yml", []byte(yml), nil, 0)
	meta2 := d2.ignoreFindings(pol, true)
	if len(meta2) != 7 || meta2[0].Rule != "SG004" {
		t.Errorf("disabled: %d meta (%v)", len(meta2), meta2)
	}
	// no policy file can turn SG002 off (nor a glob or category: they leave SG alone); the command
	// line's --disable can
	for _, rules := range []string{"SG002: off", "stackgen: off"} {
		if _, err := ParsePolicy("p", []byte("rules:\n  "+rules+"\n")); err == nil || !strings.Contains(err.Error(), "no policy can turn them off") {
			t.Errorf("policy %q: %v", rules, err)
		}
	}
	all, err := ParsePolicy("p", []byte("rules:\n  \"*\": off\n"))
	if err != nil || all.severity(RuleByID("SG002")) != Warning || all.severity(RuleByID("GN401")) != 0 {
		t.Errorf("a glob turning everything off: %v, SG002 at %v", err, all.severity(RuleByID("SG002")))
	}
	off := DefaultPolicy()
	if err := off.Select(nil, []string{"SG002"}); err != nil {
		t.Fatal(err)
	}
	d3, _ := load("f.yml", []byte(yml), nil, 0)
	for _, f := range d3.ignoreFindings(off, false) {
		if f.Rule == "SG002" {
			t.Errorf("SG002 while off: %+v", f)
		}
	}
}

// TestParseIgnoresEdges: which "#" starts an ignore, a note right after the word, and a file that is
// one long line.
func TestParseIgnoresEdges(t *testing.T) {
	for _, tc := range []struct {
		line string
		ids  []string // nil: no ignore parsed
	}{
		{"b: x# stackgen:ignore GN401 -- r", nil},                // "#" inside a plain scalar
		{"b: 1\t#stackgen:ignore GN401 -- r", []string{"GN401"}}, // after a tab
		{"#stackgen:ignore GN401 -- r", []string{"GN401"}},       // at line start
		{"b: 1 # stackgen:ignore # only a note", []string{}},     // a further comment at once
	} {
		igs := parseIgnores("f", []byte(tc.line+"\n"))
		switch {
		case tc.ids == nil && len(igs) != 0:
			t.Errorf("%q: parsed %+v, want no ignore", tc.line, igs[0])
		case tc.ids != nil && (len(igs) != 1 || len(igs[0].ids) != len(tc.ids) || (len(tc.ids) > 0 && igs[0].ids[0] != tc.ids[0])):
			t.Errorf("%q: parsed %d ignores %+v, want IDs %q", tc.line, len(igs), igs, tc.ids)
		}
	}
	long := "a: " + strings.Repeat("x", 70000) + " # stackgen:ignore GN401 -- long line, no final newline"
	if igs := parseIgnores("f", []byte(long)); len(igs) != 1 {
		t.Errorf("a %d-byte single line: %d ignores, want 1", len(long), len(igs))
	}
}

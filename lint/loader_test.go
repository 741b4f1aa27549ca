package lint

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// Tests of load and merge (loader.go): the size and character limits, the errors a file that
// cannot be linted gets, the version and tags docker reads, further documents, and where merged
// nodes point.

func TestParseLimits(t *testing.T) {
	ok := "a: 1\n"
	for _, tc := range []struct {
		name string
		data string
		max  int
		want string // "" when the file loads
	}{
		{"exactly the limit", ok, len(ok), ""},
		{"one byte over", ok, len(ok) - 1, "larger than the 4-byte limit"},
		{"NUL first", "\x00a: 1\n", 0, "not UTF-8"},
		{"NUL later", "a: \x001\n", 0, "not UTF-8"},
		{"DEL", "a: b\n\x7f: 1\n", 0, "2:1: control characters"},
		{"C1 0x9f", "a: \u009f\n", 0, "1:4: control characters"},
		{"C1 0x80", "ab: c\u0080\n", 0, "1:6: control characters"},
		{"NEL is fine", "a: \"x\u0085y\"\n", 0, ""},
		{"just below DEL", "a: ~\n", 0, ""},
		{"just above C1", "a: \u00a0x\n", 0, ""},
		{"blank", " \n\t\n", 0, "file is empty"},
		{"no document", "# only a comment\n", 0, "holds no YAML document"},
		{"list", "- a\n", 0, "1:1: the top level must be a mapping"},
		{"syntax", "a: [\n", 0, "f.yml:"},
		{"bad tag", "a: !!int abc\n", 0, "1:4: cannot decode !!str `abc` as a !!int"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load("f.yml", []byte(tc.data), nil, tc.max)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Load: %v, want an error containing %q", err, tc.want)
			}
			var ie *InputError
			if err != nil && !errors.As(err, &ie) {
				t.Fatalf("%T is not an *InputError", err)
			}
		})
	}
}

func TestDefaultMaxSize(t *testing.T) {
	big := "a: \"" + strings.Repeat("x", MaxFileSize) + "\"\n"
	if _, err := load("f.yml", []byte(big), nil, 0); err == nil || !strings.Contains(err.Error(), "4194304-byte limit") {
		t.Fatalf("Load of %d bytes with the default limit: %v", len(big), err)
	}
	if _, err := load("f.yml", []byte(big), nil, -1); err == nil {
		t.Fatal("a negative limit is not the default")
	}
}

func TestSyntaxErrorHasPosition(t *testing.T) {
	_, err := load("f.yml", []byte("a: 1\nb: [\n"), nil, 0)
	ie, ok := err.(*InputError)
	if !ok || ie.Line < 2 || ie.Column < 1 || strings.Contains(ie.Msg, "no YAML document") {
		t.Fatalf("Load of broken YAML = %#v, want a syntax error with its position", err)
	}
}

func TestInputErrorText(t *testing.T) {
	if got := (&InputError{File: "f", Line: 1, Column: 2, Msg: "m"}).Error(); got != "f:1:2: m" {
		t.Errorf("got %q", got)
	}
	if got := (&InputError{File: "f", Msg: "m"}).Error(); got != "f: m" {
		t.Errorf("got %q", got)
	}
}

func TestSecondDocumentIgnoredAfterError(t *testing.T) {
	d, err := load("f.yml", []byte("a: 1\n---\nb: 2\n---\n[\n"), nil, 0)
	if err != nil {
		t.Fatalf("a broken third document must not stop the first: %v", err)
	}
	if len(d.extraDo) != 1 {
		t.Errorf("%d extra documents, want 1", len(d.extraDo))
	}
}

// TestEmptySecondDocument: an empty document after "---" is a second document too (SW110). Not a
// fixture: the finding is on the line after the file's last, where no "# want" can sit.
func TestEmptySecondDocument(t *testing.T) {
	d, err := load("f.yml", []byte("version: \"3.8\"\nservices:\n  a:\n    image: a:1\n---\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lintAll(d, DefaultPolicy()) {
		if f.Rule == "SW110" {
			got = append(got, f.Message)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "a second YAML document") {
		t.Errorf("SW110: %q, want one message about a second YAML document", got)
	}
}

func TestDockerVersion(t *testing.T) {
	for in, want := range map[string]string{
		"services: {}\n":          "3.13",
		"version: \"\"\n":         "3.13",
		"version: \"3\"\n":        "3.13",
		"version: 3\n":            "3.13",
		"version: 3.80\n":         "3.8",
		"version: \"3.80\"\n":     "3.80",
		"version: ~\n":            "<nil>",
		"version: [3]\n":          "(not a scalar)",
		"version: \"3.7\"\n":      "3.7",
		"version: !!float 3.50\n": "3.5",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
			t.Fatal(err)
		}
		if got := dockerVersion(doc.Content[0]); got != want {
			t.Errorf("dockerVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDockerTags(t *testing.T) {
	for in, want := range map[string]string{
		"a: !foo 1\n":             "",
		"a: !!str 1\n":            "",
		"a: !!float 1\n":          "",
		"a: !!int 1.5\n":          "cannot decode !!float `1.5` as a !!int",
		"a: !!int \"1\"\n":        "cannot decode !!str `1` as a !!int",
		"a: !!bool yes\n":         "cannot decode !!str `yes` as a !!bool",
		"a: !!binary aGk=\n":      "",
		"a: [b, !!int x]\n":       "1:8: cannot decode !!str `x` as a !!int",
		"a: {b: {c: !!null x}}\n": "cannot decode !!str `x` as a !!null",
		"a: !!int 1\n":            "",
		"a: !!map {}\n":           "",
	} {
		_, err := load("f.yml", []byte(in), nil, 0)
		if (err == nil) != (want == "") || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("load(%q) = %v, want %q", in, err, want)
		}
	}
	d, err := load("f.yml", []byte("a: !foo 1\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, v := yamlnode.Field(d.Root, "a"); v.Tag != "!!str" {
		t.Errorf("a local tag leaves %q, want !!str", v.Tag)
	}
	deep := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "x", Style: yaml.TaggedStyle}
	for i := 0; i < 10002; i++ {
		deep = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{deep}}
	}
	if err := dockerYAML(deep, 0); err != nil {
		t.Errorf("dockerYAML walks past its depth bound: %v", err)
	}
	if err := dockerYAML(deep.Content[0].Content[0], 0); err == nil {
		t.Error("dockerYAML stops short of depth 10000")
	}
}

// TestMergePositions: each merged node points at the file and position that defined it, a mapping
// or list at its key, and a node the merge made at the one it stands for.
func TestMergePositions(t *testing.T) {
	base := []byte("version: \"3.8\"\nservices:\n  a:\n    image: a:1\n    ports: [\"1:1\"]\n")
	over := []byte("services:\n  a:\n    image: a:2\n    ports: [\"2:2\", \"5-6:5\"]\n  b:\n    image: b:1\n")
	d, err := merge([]string{"base.yml", "over.yml"}, [][]byte{base, over}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	check := func(n *yaml.Node, file string, line, col int) {
		t.Helper()
		if n == nil {
			t.Fatal("no node")
		}
		if f, l, c := d.pos(n); f != file || l != line || c != col {
			t.Errorf("node %q at %s:%d:%d, want %s:%d:%d", n.Value, f, l, c, file, line, col)
		}
	}
	check(yamlnode.Get(d.Root, "services", "a", "image"), "over.yml", 3, 12)
	check(yamlnode.Get(d.Root, "version"), "base.yml", 1, 10)
	check(yamlnode.Get(d.Root, "services", "b"), "over.yml", 5, 3)
	check(yamlnode.Get(d.Root, "services", "a"), "over.yml", 2, 3)
	ports := yamlnode.Get(d.Root, "services", "a", "ports")
	// docker keys ports by published port and sorts them: 1 (base), 2, 5 and 6 (over.yml's range,
	// one long-syntax port each, made at the range's position).
	if ports == nil || len(ports.Content) != 4 {
		t.Fatalf("merged ports %v", ports)
	}
	check(ports, "over.yml", 4, 5)
	check(ports.Content[0], "base.yml", 5, 13)
	check(ports.Content[1], "over.yml", 4, 13)
	check(ports.Content[3], "over.yml", 4, 20)
	check(yamlnode.Get(ports.Content[3], "published"), "over.yml", 4, 20)
	k, _ := yamlnode.Field(yamlnode.Get(d.Root, "services"), "b")
	check(k, "over.yml", 5, 3)
	if d.versionMismatch != "version mismatched between two composefiles : 3.8 and 3.13" || d.versionMismatchNode != yamlnode.Get(d.Root, "version") {
		t.Errorf("version mismatch %q at %v", d.versionMismatch, d.versionMismatchNode)
	}
	// no version key in the merge: the mismatch is reported at the root
	d2, err := merge([]string{"a.yml", "b.yml", "c.yml"}, [][]byte{[]byte("services: {}\n"), []byte("services: {}\n"), []byte("version: \"3.7\"\n")}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d2.versionMismatch != "version mismatched between two composefiles : 3.13 and 3.7" {
		t.Errorf("mismatch %q", d2.versionMismatch)
	}
	same, _ := merge([]string{"a.yml", "b.yml"}, [][]byte{[]byte("version: \"3.8\"\n"), []byte("version: \"3.8\"\n")}, nil, 0)
	if same.versionMismatch != "" {
		t.Errorf("same versions mismatch: %q", same.versionMismatch)
	}
	if _, err := merge([]string{"a.yml", "b.yml"}, [][]byte{[]byte("a: 1\n"), []byte("- x\n")}, nil, 0); err == nil || !strings.Contains(err.Error(), "b.yml") {
		t.Errorf("Merge with a bad second file: %v", err)
	}
}

// TestMergeThreeFiles: files merge in order, each node keeping its own file, and a middle file's
// value survives a last file that does not touch it.
func TestMergeThreeFiles(t *testing.T) {
	files := []string{"a.yml", "b.yml", "c.yml"}
	datas := [][]byte{
		[]byte("services:\n  a:\n    image: a:1\n    ports: [\"1:1\"]\n"),
		[]byte("services:\n  a:\n    ports:\n      - \"2:2\"\n"),
		[]byte("services:\n  b:\n    image: b:1\n"),
	}
	d, err := merge(files, datas, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ports := yamlnode.Get(d.Root, "services", "a", "ports")
	if ports == nil || len(ports.Content) != 2 {
		t.Fatalf("merged ports %v", ports)
	}
	if f, l, c := d.pos(ports.Content[1]); f != "b.yml" || l != 4 || c != 9 {
		t.Errorf("second port at %s:%d:%d, want b.yml:4:9", f, l, c)
	}
	if f, l, c := d.pos(yamlnode.Get(d.Root, "services", "b")); f != "c.yml" || l != 2 || c != 3 {
		t.Errorf("service b at %s:%d:%d, want c.yml:2:3", f, l, c)
	}
}

// TestMergeErrors: what docker's merge itself refuses, and values that cannot be merged at all,
// are input errors at the override's position.
func TestMergeErrors(t *testing.T) {
	for _, tc := range []struct{ name, base, over, want string }{
		{"x- list over a string", "services:\n  a:\n    image: a:1\n    x-m: s\n", "services:\n  a:\n    x-m: [1]\n",
			`b.yml:3:10: cannot merge: docker cannot append this list to the string the base file has here`},
		{"services not a mapping", "services:\n  a:\n    image: a:1\n", "services: [a]\n",
			`b.yml:1:11: cannot merge: services is not a mapping`},
		{"a service not a mapping", "services:\n  a:\n    image: a:1\n", "services:\n  a: x\n",
			`b.yml:2:6: cannot merge: service "a" is not a mapping`},
		{"ports not a list", "services:\n  a:\n    image: a:1\n    ports: [\"1:1\"]\n", "services:\n  a:\n    ports: \"2:2\"\n",
			`b.yml:3:12: cannot merge: service "a".ports is not a list`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := merge([]string{"a.yml", "b.yml"}, [][]byte{[]byte(tc.base), []byte(tc.over)}, nil, 0)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want an input error %q", err, tc.want)
			}
		})
	}
}

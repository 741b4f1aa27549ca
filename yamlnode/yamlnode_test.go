package yamlnode_test

import (
	"testing"

	"github.com/webvig/stackgen/yamlnode"
)

func TestPlainLimits(t *testing.T) {
	for name, src := range map[string]string{
		"duplicate key":  "a: 1\na: 2\n",
		"self alias":     "a: &a [*a]\n",
		"non-scalar key": "? [a]\n: 1\n",
	} {
		doc, err := yamlnode.ParseYAML([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := yamlnode.Plain(doc); err == nil {
			t.Errorf("%s: Plain accepted it", name)
		}
	}
	doc, _ := yamlnode.ParseYAML([]byte("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n"))
	v, err := yamlnode.Plain(doc)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)["m"].(map[string]any)
	if m["x"] != int64(1) || m["y"] != int64(3) {
		t.Fatalf("merge: %v (explicit keys must win over merged ones)", m)
	}
}

// TestFind: keys through aliases and merges, sequence indices; any missing step is nil, nil.
func TestFind(t *testing.T) {
	doc, err := yamlnode.ParseYAML([]byte("base: &b {x: 1}\na:\n  <<: *b\n  list: [p, q]\n  m: {k: v}\n"))
	if err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	for _, tc := range []struct {
		path []string
		want string // the value's text, "" for nil
		key  bool
	}{
		{[]string{"a", "x"}, "1", true},
		{[]string{"a", "list", "1"}, "q", false},
		{[]string{"a", "m", "k"}, "v", true},
		{[]string{"a", "list", "2"}, "", false},
		{[]string{"a", "list", "-1"}, "", false},
		{[]string{"a", "list", "x"}, "", false},
		{[]string{"a", "nope", "k"}, "", false},
		{[]string{"a", "x", "deeper"}, "", false},
	} {
		v, k := yamlnode.Find(root, tc.path...)
		got := ""
		if v != nil {
			got = v.Value
		}
		if got != tc.want || (k != nil) != tc.key || (tc.want == "" && k != nil) {
			t.Errorf("Find(%q) = %v, %v; want %q, key %v", tc.path, v, k, tc.want, tc.key)
		}
	}
	if v, k := yamlnode.Find(root); v != root || k != nil {
		t.Errorf("Find(root) = %v, %v", v, k)
	}
}

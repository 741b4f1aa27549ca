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

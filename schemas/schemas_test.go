package schemas_test

import (
	"strings"
	"testing"

	"github.com/webvig/stackgen/schemas"
)

func TestValidatePositions(t *testing.T) {
	doc, err := schemas.ParseYAML([]byte("rules:\n  PL201: fatal\nmemory: {limit: 512 M}\nbogus: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = schemas.Policy().Validate(doc)
	if err == nil {
		t.Fatal("invalid policy accepted")
	}
	want := []string{
		`2:10: rules.PL201: "fatal" is not valid: expected one of error, warning, info or off`,
		`3:17: memory.limit: "512 M" is not valid: expected a Docker memory size such as 512M`,
		`4:1: bogus: unknown key "bogus" (known keys: exemptions, images, memory, placement, redis, rules)`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	if err := schemas.InFile("p.yaml", err); !strings.HasPrefix(err.Error(), "p.yaml:2:10: ") || strings.Count(err.Error(), "p.yaml:") != 3 {
		t.Fatalf("InFile: %v", err)
	}
}

func TestValidateDef(t *testing.T) {
	if err := schemas.Stack().ValidateDef("memory", "512M"); err != nil {
		t.Fatal(err)
	}
	err := schemas.Stack().ValidateDef("memory", "512MiB")
	if err == nil || !strings.HasPrefix(err.Error(), `"512MiB" is not valid: expected a Docker memory size`) {
		t.Fatalf("error %v", err)
	}
	if err := schemas.Stack().ValidateDef("nope", "x"); err == nil {
		t.Fatal("unknown definition accepted")
	}
}

func TestPlainLimits(t *testing.T) {
	for name, src := range map[string]string{
		"duplicate key":  "a: 1\na: 2\n",
		"self alias":     "a: &a [*a]\n",
		"non-scalar key": "? [a]\n: 1\n",
	} {
		doc, err := schemas.ParseYAML([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := schemas.Plain(doc); err == nil {
			t.Errorf("%s: Plain accepted it", name)
		}
	}
	doc, _ := schemas.ParseYAML([]byte("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n"))
	v, err := schemas.Plain(doc)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)["m"].(map[string]any)
	if m["x"] != int64(1) || m["y"] != int64(3) {
		t.Fatalf("merge: %v (explicit keys must win over merged ones)", m)
	}
}

package schemas_test

import (
	"strings"
	"testing"

	"github.com/webvig/stackgen/schemas"
	"github.com/webvig/stackgen/yamlnode"
)

func TestValidatePositions(t *testing.T) {
	doc, err := yamlnode.ParseYAML([]byte("rules:\n  PL201: fatal\nmemory: {limit: 512 M}\nbogus: 1\n"))
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
		`4:1: bogus: unknown key "bogus" (known keys: exclude, exemptions, images, memory, nested, placement, redis, rules)`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
	if err := yamlnode.InFile("p.yaml", err); !strings.HasPrefix(err.Error(), "p.yaml:2:10: ") || strings.Count(err.Error(), "p.yaml:") != 3 {
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

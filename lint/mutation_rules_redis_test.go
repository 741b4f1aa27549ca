package lint_test

import (
	"strconv"
	"testing"

	"github.com/webvig/stackgen/lint"
)

// ruleMessages lints one stack file with the default policy and returns the messages of rule id,
// each prefixed by its line.
func ruleMessages(t *testing.T, yml, id string) []string {
	t.Helper()
	res, err := lintOne("f.yml", []byte(yml), lint.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var out []string
	for _, f := range res.Findings {
		if f.Rule == id {
			out = append(out, strconv.Itoa(f.Line)+": "+f.Message)
		}
	}
	return out
}

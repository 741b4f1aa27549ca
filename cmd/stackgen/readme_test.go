package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeShowsExamples: the README shows the example files verbatim, so what it shows is what the
// readme.txtar script runs.
func TestReadmeShowsExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"../../docs/examples/policy.yaml", "../../docs/examples/seed-stack.lint.txt"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), string(data)) {
			t.Errorf("README.md does not show %s verbatim", f)
		}
	}
	for _, cmd := range []string{"go run ./cmd/stackgen render", "make test"} {
		if !strings.Contains(string(readme), cmd) {
			t.Errorf("README.md lacks the Quick start command %q", cmd)
		}
	}
}

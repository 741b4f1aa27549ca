package lint

import (
	"strings"
	"testing"
)

// Tests of Docker's variable substitution (interpolate.go), which every rule reads values through.

func TestDockerSubstitute(t *testing.T) {
	env := map[string]string{"A": "a", "E": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for in, want := range map[string]string{
		"$$":         "$",
		"x$A":        "xa",
		"${A}y":      "ay",
		"${U}":       "",
		"${U:-d}":    "d",
		"${E:-d}":    "d",
		"${A:-d}":    "a",
		"${U-d}":     "d",
		"${E-d}":     "",
		"${A-d}":     "a",
		"$U-b":       "b",
		"${E?m}":     "",
		"${A:?m}":    "a",
		"${A:-${B}}": "a}",
		"${U:-${B}}": "${B}",
		"$$A ${A}":   "$A a",
	} {
		got, err := dockerSubstitute(in, lookup)
		if err != nil || got != want {
			t.Errorf("dockerSubstitute(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"${U:?m}": "required variable U is missing a value: m",
		"${E:?m}": "required variable E is missing a value: m",
		"${U?m}":  "required variable U is missing a value: m",
		"$ x":     `invalid template: "$ x"`,
		"${1}":    `invalid template: "${1}"`,
	} {
		_, err := dockerSubstitute(in, lookup)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("dockerSubstitute(%q) error %v, want %q", in, err, msg)
		}
	}
	// a later variable clears an earlier error, as in docker/cli
	if _, err := dockerSubstitute("${U:?m} $A", lookup); err != nil {
		t.Errorf("later variable: %v", err)
	}
	for in, want := range map[string]bool{"$A ${B:-x} $$": true, "a $ b": false, "$A $ b": false, "${}": false, "x": true} {
		// every variable set: only the grammar can fail
		if _, err := dockerSubstitute(in, func(string) (string, bool) { return "v", true }); (err == nil) != want {
			t.Errorf("dockerSubstitute(%q) with every variable set: error %v, want valid %v", in, err, want)
		}
	}
}

package lint

import (
	"strings"
	"testing"
)

// Tests of the rules' Markdown (format.go).

func TestAnchorSlug(t *testing.T) {
	if got := anchorSlug("Port 6379: a-z_Z (09) ~"); got != "port-6379-a-zz-09-" {
		t.Errorf("anchorSlug = %q", got)
	}
	r := &Rule{ID: "XX1", Title: "t", Severity: Info, Doc: "d"}
	if got := Markdown(r); strings.Contains(got, "Bad:") || strings.Contains(got, "Good:") {
		t.Errorf("Markdown without snippets: %q", got)
	}
}

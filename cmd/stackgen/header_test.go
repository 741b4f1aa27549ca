package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var deployLine = regexp.MustCompile(`(?m)^# Deploy: (stackgen render.*) \| docker stack deploy -c - --prune (\S+)$`)

// shellSplit reads the words of a command line that uses only plain words and single quotes (as
// RenderCommand writes them).
func shellSplit(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted, in = !quoted, true
		case c == '\\' && !quoted && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case c == ' ' && !quoted:
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestHeaderReproducesTheFile runs the command the render's header names and gets the same bytes.
func TestHeaderReproducesTheFile(t *testing.T) {
	dir := t.TempDir()
	spaced := filepath.Join(dir, "the team's spec dir", "stack.yaml")
	os.MkdirAll(filepath.Dir(spaced), 0o755)
	data, _ := os.ReadFile("../../stacks/wheel_analyzer/stack.yaml")
	sealed, _ := os.ReadFile("../../stacks/wheel_analyzer/redis_password.age")
	os.WriteFile(spaced, data, 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(spaced), "redis_password.age"), sealed, 0o644)
	for _, args := range [][]string{
		{"render"},
		{"render", "--stack", "shop", "--maxmemory", "256mb", "--constraint", "node.labels.wheel_analyzer.redis == true", "--constraint", "node.labels.zone == eu west 1"},
		{"render", "--image", "redis:7.0.15", spaced},
	} {
		code, out, errs := stackgen("", args...)
		if code != 0 {
			t.Fatalf("%q: exit %d\n%s", args, code, errs)
		}
		m := deployLine.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("%q: no Deploy line in the header:\n%s", args, out)
		}
		again := shellSplit(t, m[1])
		if again[0] != "stackgen" {
			t.Fatalf("header command %q", m[1])
		}
		code, out2, errs := stackgen("", again[1:]...)
		if code != 0 || out2 != out {
			t.Fatalf("the header's command %q (from %q) gives exit %d and different bytes:\n%s", m[1], args, code, errs)
		}
	}
}

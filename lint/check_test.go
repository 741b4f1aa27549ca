package lint_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/webvig/stackgen/lint"
)

// TestCheck: Check resolves env_file paths against each file's directory (the working directory for
// stdin), keeps checking after a file that cannot be loaded, stops at a policy error, and sorts.
func TestCheck(t *testing.T) {
	envFile := []byte("version: \"3.8\"\nservices:\n  a:\n    image: a:1\n    env_file: [x.env, /abs/y.env]\n")
	var asked []string
	exists := func(p string) bool { asked = append(asked, p); return false }
	def := func(string) (*lint.Policy, error) { return lint.DefaultPolicy(), nil }
	noEnv := func(string) (string, bool) { return "", false }

	t.Run("paths", func(t *testing.T) {
		asked = nil
		res, inErrs, err := lint.Check(lint.Files(lint.File{Name: "dir/sub/s.yml", Data: envFile}, lint.File{Name: "<stdin>", Data: envFile}),
			lint.Options{Policy: def, Env: noEnv, FileExists: exists})
		if err != nil || inErrs != nil {
			t.Fatal(err, inErrs)
		}
		want := []string{"dir/sub/x.env", "/abs/y.env", "x.env", "/abs/y.env"}
		if !reflect.DeepEqual(asked, want) {
			t.Errorf("FileExists asked %q, want %q", asked, want)
		}
		if res.Files != 2 {
			t.Errorf("Files = %d, want 2", res.Files)
		}
		var sw112 []string
		for _, f := range res.Findings {
			if f.Rule == "SW112" {
				sw112 = append(sw112, f.File)
			}
		}
		// sorted by file: "<stdin>" < "dir/..."
		if !reflect.DeepEqual(sw112, []string{"<stdin>", "<stdin>", "dir/sub/s.yml", "dir/sub/s.yml"}) {
			t.Errorf("SW112 findings in files %q", sw112)
		}
	})
	t.Run("no FileExists", func(t *testing.T) {
		res, _, err := lint.Check(lint.Files(lint.File{Name: "s.yml", Data: envFile}),
			lint.Options{Policy: def, Env: noEnv})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.Rule == "SW112" {
				t.Errorf("SW112 without a FileExists: %+v", f)
			}
		}
	})
	t.Run("bad input then good", func(t *testing.T) {
		res, inErrs, err := lint.Check(lint.Files(lint.File{Name: "bad.yml", Data: []byte("a: [")}, lint.File{Name: "s.yml", Data: envFile}),
			lint.Options{Policy: def, Env: noEnv, FileExists: exists})
		if err != nil || len(inErrs) != 1 || !strings.Contains(inErrs[0].Error(), "bad.yml") {
			t.Fatalf("err %v, input errors %v; want one naming bad.yml", err, inErrs)
		}
		if res.Files != 1 || len(res.Findings) == 0 {
			t.Errorf("the good file was not checked: %+v", res)
		}
	})
	t.Run("policy error stops", func(t *testing.T) {
		boom := errors.New("boom")
		calls := 0
		_, _, err := lint.Check(lint.Files(lint.File{Name: "a.yml", Data: envFile}, lint.File{Name: "b.yml", Data: envFile}),
			lint.Options{Policy: func(string) (*lint.Policy, error) { calls++; return nil, boom }, Env: noEnv})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("err %v after %d policy calls, want boom after 1", err, calls)
		}
		_, _, err = lint.Check(lint.Files(lint.File{Name: "a.yml", Data: envFile}),
			lint.Options{Merge: true, Policy: func(string) (*lint.Policy, error) { return nil, boom }, Env: noEnv})
		if !errors.Is(err, boom) {
			t.Errorf("merge: err %v, want boom", err)
		}
	})
	t.Run("merge", func(t *testing.T) {
		var policyFile string
		over := []byte("version: \"3.8\"\nservices:\n  a:\n    env_file: z.env\n")
		asked = nil
		res, inErrs, err := lint.Check(lint.Files(lint.File{Name: "d/base.yml", Data: envFile}, lint.File{Name: "e/over.yml", Data: over}),
			lint.Options{Merge: true, Policy: func(f string) (*lint.Policy, error) { policyFile = f; return lint.DefaultPolicy(), nil }, Env: noEnv, FileExists: exists})
		if err != nil || inErrs != nil {
			t.Fatal(err, inErrs)
		}
		if policyFile != "d/base.yml" || res.Files != 2 {
			t.Errorf("policy for %q, %d files; want d/base.yml, 2", policyFile, res.Files)
		}
		if len(asked) == 0 || !strings.HasPrefix(asked[0], "d/") {
			t.Errorf("env_file resolved as %q, want against d/", asked)
		}
		_, inErrs, err = lint.Check(lint.Files(lint.File{Name: "a.yml", Data: envFile}, lint.File{Name: "bad.yml", Data: []byte("a: [")}),
			lint.Options{Merge: true, Policy: def, Env: noEnv})
		if err != nil || len(inErrs) != 1 {
			t.Errorf("merge with bad input: err %v, input errors %v; want one input error", err, inErrs)
		}
	})
}

package lint

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixGolden: each lint/testdata/fix/NAME.yml fixed is NAME.golden (go test -run TestFixGolden
// -update rewrites them; review the diff). A golden is stable (fixing it changes nothing), and
// docker/cli's own loader accepts it whenever it accepted the original.
func TestFixGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/fix/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fix fixtures: %v", err)
	}
	dir := t.TempDir()
	env := map[string]string{}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// The version* fixtures are fixed with AddVersion, the others without.
			o := FixOptions{Env: noEnv, AddVersion: strings.HasPrefix(filepath.Base(file), "version")}
			res, err := FixWith(file, data, o)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(file, ".yml") + ".golden"
			if updating() {
				if err := os.WriteFile(golden, res.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -run TestFixGolden -update writes it)", err)
			}
			if !bytes.Equal(res.Data, want) {
				t.Errorf("fixed file differs from %s:\n%s", golden, res.Data)
			}
			again, err := FixWith(golden, want, o)
			if err != nil {
				t.Fatalf("the golden cannot be loaded: %v", err)
			}
			if !bytes.Equal(again.Data, want) || len(again.Changes) > 0 {
				t.Errorf("fixing %s again changes it: %v", golden, again.Changes)
			}
			if _, _, problems := changedLines(data, res.Data, res.Changes); len(problems) > 0 {
				t.Errorf("lines changed outside the fixes' edits: %v", problems)
			}
			if dockerVerdictInProcess(data, dir, env) == nil {
				if err := dockerVerdictInProcess(res.Data, dir, env); err != nil {
					t.Errorf("docker/cli's loader accepts the original and refuses the fixed file: %v", err)
				}
			}
		})
	}
}

func noEnv(string) (string, bool) { return "", false }

// updating is the -update flag, which lint's external tests define (one test binary holds both).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestFixWhatStays: a fix that cannot be made leaves its finding, and the finding says why.
func TestFixWhatStays(t *testing.T) {
	for _, tc := range []struct {
		name, yml, rule string
	}{
		{"restart already has a policy", "services:\n  a:\n    image: a:1\n    restart: always\n    deploy:\n      restart_policy:\n        condition: none\n", "SW106"},
		{"flow-style service", "services:\n  a: {image: a:1, mem_limit: 1g}\n", "SW104"},
		{"memory in both places", "services:\n  a:\n    image: a:1\n    mem_limit: 1g\n    deploy:\n      resources:\n        limits:\n          memory: 2g\n", "SW104"},
		{"build only", "services:\n  a:\n    build: .\n", "SW111"},
		{"host IP on a published port", "services:\n  a:\n    image: a:1\n    ports: [\"127.0.0.1:8001:8001\"]\n", "SW106"},
		{"password in the environment", "services:\n  a:\n    image: redis:7.2\n    command: [redis-server, --requirepass, hunter2hunter2]\n", "RD308"},
		{"links with an alias and no shared network", "services:\n  a:\n    image: a:1\n    networks: [front]\n    links:\n      - b:db\n  b:\n    image: b:1\nnetworks:\n  front:\n", "SW106"},
		{"links on db's list-form networks", "services:\n  a:\n    image: a:1\n    links:\n      - b:db\n  b:\n    image: b:1\n    networks: [default]\n", "SW106"},
		{"links the service's only key", "services:\n  a:\n    links:\n      - b\n  b:\n    image: b:1\n", "SW106"},
		{"pids with a version that cannot be raised", "version: 3.7\nservices:\n  a:\n    image: a:1\n    pids_limit: 10\n", "SW101"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Fix("f.yml", []byte(tc.yml), noEnv, 0)
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := Check(Files(File{Name: "f.yml", Data: res.Data}), Options{Env: noEnv})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range r.Findings {
				if f.Rule == tc.rule {
					return
				}
			}
			t.Errorf("no %s finding left after --fix:\n%s\nfindings: %v", tc.rule, res.Data, r.Findings)
		})
	}
}

// TestFixUnloadable: a file lint cannot load is an input error and nothing is fixed.
func TestFixUnloadable(t *testing.T) {
	for _, yml := range []string{"services: [\n", "", "a: 1\na: 2\n"} {
		if res, err := Fix("f.yml", []byte(yml), noEnv, 0); err == nil {
			t.Errorf("%q: fixed into %q, want an input error", yml, res.Data)
		} else if _, ok := err.(*InputError); !ok {
			t.Errorf("%q: %T %v, want an *InputError", yml, err, err)
		}
	}
}

// TestDevOverrideGolden: lint/testdata/devoverride/NAME.yml fixed with --dev-override is
// NAME.golden, and its override NAME.override.golden (-update rewrites both). Fixing the result
// again changes nothing and writes no override.
func TestDevOverrideGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/devoverride/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no dev-override fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := FixWith(file, data, FixOptions{Env: noEnv, DevOverride: "compose.override.yml"})
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(file, ".yml")
			for _, g := range []struct {
				path string
				got  []byte
			}{{base + ".golden", res.Data}, {base + ".override.golden", res.Override}} {
				if updating() {
					if err := os.WriteFile(g.path, g.got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(g.path)
				if err != nil {
					t.Fatalf("%v (go test -run TestDevOverrideGolden -update writes it)", err)
				}
				if !bytes.Equal(g.got, want) {
					t.Errorf("differs from %s:\n%s", g.path, g.got)
				}
			}
			again, err := FixWith(file, res.Data, FixOptions{Env: noEnv, DevOverride: "compose.override.yml"})
			if err != nil || !bytes.Equal(again.Data, res.Data) || again.Override != nil {
				t.Errorf("a second fix changes the file or writes an override: %v\n%s", err, again.Override)
			}
			// Every comment of the original is in the fixed file or in the override.
			both := string(res.Data) + string(res.Override)
			for _, c := range commentsOf(data) {
				if !strings.Contains(both, c) {
					t.Errorf("comment %q lost", c)
				}
			}
		})
	}
}

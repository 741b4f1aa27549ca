package main

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
)

func TestParseRender(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want renderConfig
		err  string
	}{
		{"default", nil, renderConfig{}, ""},
		{"spec and output", []string{"-o", "x.yml", "s.yaml"}, renderConfig{spec: "s.yaml", output: "x.yml"}, ""},
		{"long output", []string{"--output=x.yml"}, renderConfig{output: "x.yml"}, ""},
		{"overrides in a fixed order", []string{"--constraint", "a", "--maxmemory", "1mb", "--constraint", "b", "--stack", "s"},
			renderConfig{overrides: []generator.Override{
				{Flag: "--stack", Value: "s"}, {Flag: "--maxmemory", Value: "1mb"},
				{Flag: "--constraint", Value: "a"}, {Flag: "--constraint", Value: "b"},
			}}, ""},
		{"two specs", []string{"a", "b"}, renderConfig{}, "render: takes at most one SPEC, got 2"},
		{"unknown flag", []string{"--nope"}, renderConfig{}, "render: unknown flag: --nope"},
		{"missing value", []string{"-o"}, renderConfig{}, "render: flag needs an argument: 'o' in -o"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRender(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				var stderr strings.Builder
				if code := exitCode(err, &stderr); code != 2 {
					t.Fatalf("error %v gives exit status %d, want 2", err, code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	if _, err := parseRender([]string{"--help"}); !errors.Is(err, errHelp) {
		t.Fatalf("--help: %v, want errHelp", err)
	}
}

// TestRunTakesItsEnvironment: run reads the environment it is given, not the process's: lint's
// ${VAR} interpolation decides verdicts from it.
func TestRunTakesItsEnvironment(t *testing.T) {
	file := "version: \"3.8\"\nservices:\n  a:\n    image: \"redis:${STACKGEN_TEST_TAG}\"\n"
	for _, tc := range []struct {
		environ []string
		gn401   bool
	}{
		{[]string{"STACKGEN_TEST_TAG=latest"}, true},
		{[]string{"STACKGEN_TEST_TAG=6.2"}, false},
		{[]string{"STACKGEN_TEST_TAG=latest", "STACKGEN_TEST_TAG=6.2"}, false}, // the last one wins
	} {
		var out, errb strings.Builder
		run([]string{"lint", "--enable", "GN401", "-"}, tc.environ, strings.NewReader(file), &out, &errb)
		if got := strings.Contains(out.String(), "(GN401)"); got != tc.gn401 {
			t.Errorf("environment %q: GN401 reported %v, want %v\n%s%s", tc.environ, got, tc.gn401, out.String(), errb.String())
		}
	}
}

// TestParseSecretAndDeploy: each subcommand takes its own flags and no other's.
func TestParseSecretAndDeploy(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"seal", "-r", "age1x", "-R", "f", "--generate", "--allow-test-key", "--allow-weak-password", "s.yaml"}, ""},
		{[]string{"seal", "-i", "k"}, "secret seal: unknown shorthand flag: 'i' in -i"},
		{[]string{"seal", "--stack", "x"}, "secret seal: unknown flag: --stack"},
		{[]string{"apply", "-i", "k", "--prune", "--allow-test-key", "--stack", "x", "s.yaml"}, ""},
		{[]string{"apply", "-o", "f"}, "secret apply: unknown shorthand flag: 'o' in -o"},
		{[]string{"env", "-i", "k", "-o", "f", "--maxmemory", "1mb"}, ""},
		{[]string{"env", "--prune"}, "secret env: unknown flag: --prune"},
		{[]string{"names", "--stack", "x"}, ""},
		{[]string{"names", "-i", "k"}, "secret names: unknown shorthand flag: 'i' in -i"},
		{[]string{"rotate"}, `unknown secret subcommand "rotate"`},
		{nil, "secret: missing subcommand"},
	} {
		_, err := parseSecret(tc.args)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("parseSecret(%q) = %v, want %q", tc.args, err, tc.err)
		}
	}
	for _, tc := range []struct {
		cmd  string
		args []string
		err  string
	}{
		{"deploy", []string{"-i", "k", "--create-network", "--resolve-image", "never", "--wait", "5s", "--constraint", "a==b"}, ""},
		{"deploy", []string{"--restart-test"}, "deploy: unknown flag: --restart-test"},
		{"deploy", []string{"--resolve-image", "sometimes"}, `--resolve-image "sometimes"`},
		{"verify", []string{"--restart-test", "--wait", "1m", "--stack", "x"}, ""},
		{"verify", []string{"-i", "k"}, "verify: unknown shorthand flag: 'i' in -i"},
		{"verify", []string{"--wait", "0s"}, "verify: --wait must be positive"},
	} {
		_, err := parseDeploy(tc.cmd, tc.args)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("parseDeploy(%s, %q) = %v, want %q", tc.cmd, tc.args, err, tc.err)
		}
	}
}

func TestParseLintFix(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		fix, diff bool
		err       string
	}{
		{"plain lint", []string{"a.yml"}, false, false, ""},
		{"fix", []string{"--fix", "a.yml"}, true, false, ""},
		{"diff implies fix", []string{"--diff", "a.yml"}, true, true, ""},
		{"both", []string{"--fix", "--diff", "-"}, true, true, ""},
		{"with merge", []string{"--fix", "--merge", "a.yml", "b.yml"}, false, false, "lint: --fix and --merge cannot go together"},
		{"no file", []string{"--fix"}, false, false, "lint: no FILE, DIR or - given"},
		{"dev override", []string{"--fix", "--dev-override", "o.yml", "a.yml"}, true, false, ""},
		{"dev override without fix", []string{"--dev-override", "o.yml", "a.yml"}, false, false, "--dev-override needs --fix"},
		{"add version", []string{"--fix", "--add-version", "a.yml"}, true, false, ""},
		{"add version with diff", []string{"--diff", "--add-version", "a.yml"}, true, true, ""},
		{"add version without fix", []string{"--add-version", "a.yml"}, false, false, "--add-version needs --fix or --diff"},
		{"dev override with diff", []string{"--diff", "--dev-override", "o.yml", "a.yml"}, false, false, "--dev-override needs --fix"},
		{"dev override on stdin", []string{"--fix", "--dev-override", "o.yml", "-"}, false, false, "--dev-override needs --fix"},
		{"dev override, two files", []string{"--fix", "--dev-override", "o.yml", "a.yml", "b.yml"}, false, false, "--dev-override needs --fix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseLint(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || c.fix != tc.fix || c.diff != tc.diff || c.addVersion != slices.Contains(tc.args, "--add-version") {
				t.Fatalf("fix %v diff %v add-version %v err %v, want fix %v diff %v", c.fix, c.diff, c.addVersion, err, tc.fix, tc.diff)
			}
		})
	}
}

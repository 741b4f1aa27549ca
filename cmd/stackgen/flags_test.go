package main

import (
	"errors"
	"reflect"
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

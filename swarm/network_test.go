package swarm

import (
	"strings"
	"testing"
)

// TestEnsureNetwork: an existing network is left alone; a missing one is created as an overlay of
// swarm scope; a refused create is an error and not reported as created.
func TestEnsureNetwork(t *testing.T) {
	create := "network create --driver overlay --scope swarm app_main"
	tests := []struct {
		name        string
		script      []answer
		created     bool
		err         string
		wantCreated bool // a create was attempted
	}{
		{"exists", []answer{{Re: `^network inspect`, Stdout: "abc\n"}}, false, "", false},
		{"missing", []answer{{Re: `^network inspect`, Stderr: "Error: No such network: app_main\n", Exit: 1}, {Re: `^network create`, Stdout: "id\n"}}, true, "", true},
		{"create refused", []answer{{Re: `^network inspect`, Exit: 1}, {Re: `^network create`, Stderr: "Error response from daemon: this node is not a swarm manager\n", Exit: 1}},
			false, "docker network create: Error response from daemon: this node is not a swarm manager", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, tc.script)
			created, err := EnsureNetwork(s.d, "app_main")
			if created != tc.created || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Fatalf("EnsureNetwork = %v, %v; want %v, %q", created, err, tc.created, tc.err)
			}
			calls := strings.Join(s.calls(), "\n")
			if strings.Contains(calls, create) != tc.wantCreated {
				t.Fatalf("calls:\n%s\nwant a create: %v", calls, tc.wantCreated)
			}
		})
	}
}

// TestPreflightCannotListNodes: a failing or garbled node listing stops the preflight with an error.
func TestPreflightCannotListNodes(t *testing.T) {
	spec, _ := defaultSpec(t)
	for _, tc := range []struct {
		name   string
		script []answer
		want   string
	}{
		{"node ls fails", []answer{{Re: `^info `, Stdout: "active true\n"}, {Re: `^network inspect`, Stdout: "overlay swarm\n"},
			{Re: `^node ls`, Stderr: "Error response from daemon: rpc error\n", Exit: 1}}, "docker node ls: Error response from daemon: rpc error"},
		{"node inspect fails", []answer{{Re: `^info `, Stdout: "active true\n"}, {Re: `^network inspect`, Stdout: "overlay swarm\n"},
			{Re: `^node ls`, Stdout: "m1\n"}, {Re: `^node inspect m1$`, Stderr: "Error: no such node: m1\n", Exit: 1}}, "docker node inspect: Error: no such node: m1"},
		{"node inspect garbled", []answer{{Re: `^info `, Stdout: "active true\n"}, {Re: `^network inspect`, Stdout: "overlay swarm\n"},
			{Re: `^node ls`, Stdout: "m1\n"}, {Re: `^node inspect m1$`, Stdout: "not json"}}, "docker node inspect: unexpected output: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStandIn(t, tc.script)
			if _, err := Preflight(s.d, spec, PreflightOptions{}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

package swarm

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestServiceDecodesOnce: one decode gives the fields and keeps the spec's bytes, for telling
// whether anything at all changed; a spec of the wrong shape is an error.
func TestServiceDecodesOnce(t *testing.T) {
	raw := `{"Name":"s","EndpointSpec":{"Mode":"dnsrr"},"TaskTemplate":{"ContainerSpec":{"Image":"redis:7"}}}`
	var svc Service
	if err := json.Unmarshal([]byte(`{"ID":"x","Spec":`+raw+`}`), &svc); err != nil {
		t.Fatal(err)
	}
	if string(svc.Spec.Raw) != raw || svc.Spec.TaskTemplate.ContainerSpec.Image != "redis:7" || svc.EndpointMode() != "dnsrr" {
		t.Errorf("decoded %+v, raw %s", svc.Spec, svc.Spec.Raw)
	}
	if (&Service{}).EndpointMode() != "vip" {
		t.Error("no endpoint spec is vip, Swarm's default")
	}
	if err := json.Unmarshal([]byte(`{"Spec":{"TaskTemplate":[]}}`), &svc); err == nil {
		t.Error("a spec of the wrong shape decoded")
	}
}

func TestParseTasks(t *testing.T) {
	got := parseTasks("t1\tRunning\tRunning 2 seconds ago\t\nt2\tShutdown\tFailed 1 minute ago\t task: non-zero exit (1) \nt3\tRunning\tPending\nbroken\n")
	want := []Task{{ID: "t1", Desired: "Running", Current: "Running 2 seconds ago"}, {ID: "t2", Desired: "Shutdown", Current: "Failed 1 minute ago", Err: "task: non-zero exit (1)"},
		{ID: "t3", Desired: "Running", Current: "Pending"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseTasks = %+v", got)
	}
}

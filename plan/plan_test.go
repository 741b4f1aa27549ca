package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/swarm"
)

func TestFamiliar(t *testing.T) {
	for in, want := range map[string]string{
		"redis": "redis:latest", "redis:6.2": "redis:6.2", "docker.io/library/redis:7": "redis:7",
		"docker.io/me/app": "me/app:latest", "reg:5000/app": "reg:5000/app:latest", "reg:5000/app:1": "reg:5000/app:1",
		"redis@sha256:ab": "redis@sha256:ab",
	} {
		if got := familiar(in); got != want {
			t.Errorf("familiar(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShortPortsAndVolumes(t *testing.T) {
	got := shortPorts("127.0.0.1:8000-8001:80-81/udp")
	want := []any{
		obj{"TargetPort": int64(80), "PublishedPort": int64(8000), "Protocol": "udp", "PublishMode": "ingress"},
		obj{"TargetPort": int64(81), "PublishedPort": int64(8001), "Protocol": "udp", "PublishMode": "ingress"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shortPorts = %v", got)
	}
	for in, want := range map[string][]string{"data:/data:ro": {"data", "/data", "ro"}, "c:/x:/y": {"c:/x", "/y"}, "/data": {"/data"}} {
		if got := splitVolume(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitVolume(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCanon: what the daemon reads back for an unset value compares equal to the unset value.
func TestCanon(t *testing.T) {
	sent := obj{"ContainerSpec": obj{"Image": "a:1", "Isolation": "", "Labels": obj{}}, "Runtime": "container", "Resources": obj{}}
	stored := obj{"ContainerSpec": obj{"Image": "a:1", "Isolation": "default"}, "Runtime": "container", "ForceUpdate": float64(0)}
	if a, b := canon(sent, "TaskTemplate"), canon(stored, "TaskTemplate"); !reflect.DeepEqual(a, b) {
		t.Errorf("canon differs: %v vs %v", a, b)
	}
	if reflect.DeepEqual(canon(obj{"Replicas": int64(2)}, ""), canon(obj{"Replicas": float64(3)}, "")) {
		t.Error("different numbers compare equal")
	}
}

func TestPlacementOnly(t *testing.T) {
	a := canon(obj{"ContainerSpec": obj{"Image": "a"}, "Placement": obj{"Constraints": []any{"node.role == manager"}}}, "TaskTemplate")
	b := canon(obj{"ContainerSpec": obj{"Image": "a"}}, "TaskTemplate")
	c := canon(obj{"ContainerSpec": obj{"Image": "b"}}, "TaskTemplate")
	if !placementOnly(a, b) || placementOnly(a, c) || placementOnly(b, b) {
		t.Error("placementOnly")
	}
}

// TestMake: the verdicts from a stack file and a Swarm's state built by hand, as plan.Read would
// return them.
func TestMake(t *testing.T) {
	file := "version: \"3.8\"\nservices:\n  web:\n    image: app:1\n    environment: {A: \"1\"}\n  new:\n    image: app:1\n"
	var doc *lint.Document
	_, inErrs, err := lint.Check(lint.Files(lint.File{Name: "s.yml", Data: []byte(file)}), lint.Options{Judged: func(d *lint.Document) { doc = d }})
	if err != nil || inErrs != nil {
		t.Fatal(err, inErrs)
	}
	st, err := Convert(doc, "s", func(string) ([]byte, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	web := resolve(st.Services["s_web"].Spec, nil, map[string]string{"network:s_default": "N1"}, Options{ResolveImage: "never"}, "app:1")
	asTask := func(spec obj) obj { return deepCopy(spec["TaskTemplate"]).(obj) }
	changedEnv := deepCopy(web).(obj)
	changedEnv["TaskTemplate"].(obj)["ContainerSpec"].(obj)["Env"] = []any{"A=2"}
	state := func(current obj) *State {
		return &State{
			Services: map[string]*Current{
				"s_web": {ID: "1", Spec: current, Stack: "s", Tasks: []Task{{ID: "t1", NodeID: "n1", Spec: asTask(current)}}},
				"s_old": {ID: "2", Spec: obj{"Name": "s_old"}, Stack: "s"},
			},
			Networks: map[string]Network{"s_default": {ID: "N1", Driver: "overlay", Scope: "swarm", Stack: "s"}},
			Nodes:    map[string]swarm.Node{"n1": {ID: "n1"}},
		}
	}
	verdicts := func(p *Plan) string {
		var out []string
		for _, s := range p.Services {
			out = append(out, strings.TrimPrefix(s.Name, "s_")+"="+string(s.Action))
		}
		return strings.Join(out, " ")
	}
	if got := verdicts(Make(st, state(web), Options{ResolveImage: "never"})); got != "new=create web=unchanged old=leave" {
		t.Errorf("same spec: %s", got)
	}
	p := Make(st, state(changedEnv), Options{ResolveImage: "never", Prune: true})
	if got := verdicts(p); got != "new=create web=restart old=remove" {
		t.Errorf("environment changed, --prune: %s", got)
	}
	if c := p.Services[1].Changes; len(c) != 1 || c[0].Field != "environment.A" || strings.Contains(c[0].New+c[0].Old, "1") {
		t.Errorf("changes %+v: want environment.A, no value shown", c)
	}
	if p.Summary() != "1 to create, 1 to update (tasks restart), 1 to remove" || !p.Changed() {
		t.Errorf("summary %q", p.Summary())
	}
}

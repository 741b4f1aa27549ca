package lint

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// Tests of the document model (document.go): shell words, plain values after interpolation, walks,
// positions and the order of services.

func TestShellWords(t *testing.T) {
	for in, want := range map[string][]string{
		"":             nil,
		"a  b\tc\nd":   {"a", "b", "c", "d"},
		`'a b' "c d"`:  {"a b", "c d"},
		`''`:           {""},
		`a\ b`:         {"a b"},
		`'a\b'`:        {`a\b`},
		`"a\"b"`:       {`a"b`},
		`a\`:           {`a\`},
		`"it's"`:       {"it's"},
		`x'y'z`:        {"xyz"},
		"a \\\n b":     {"a", "\n", "b"},
		" lead trail ": {"lead", "trail"},
	} {
		if got := shellWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("shellWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStrsAndStr(t *testing.T) {
	d, err := load("f.yml", []byte("a: [\"$X\", y]\nb: \"p $X 'q r'\"\nc: {k: v}\nd: \"${Y:?boom}\"\ne: &e \"$X\"\nf: *e\n"), func(k string) (string, bool) {
		if k == "X" {
			return "1", true
		}
		return "", false
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) *yaml.Node { _, v := yamlnode.Field(d.Root, k); return v }
	if got := d.Strs(get("a")); !reflect.DeepEqual(got, []string{"1", "y"}) {
		t.Errorf("Strs(a) = %q", got)
	}
	if got := d.Strs(get("b")); !reflect.DeepEqual(got, []string{"p", "1", "q r"}) {
		t.Errorf("Strs(b) = %q", got)
	}
	if got := d.Strs(get("c")); got != nil {
		t.Errorf("Strs(mapping) = %q", got)
	}
	if got := d.Strs(nil); got != nil {
		t.Errorf("Strs(nil) = %q", got)
	}
	if got := d.Str(get("c")); got != "" {
		t.Errorf("Str(mapping) = %q", got)
	}
	if got := d.Str(get("f")); got != "1" {
		t.Errorf("Str(alias) = %q", got)
	}
	v, err := d.interpolate(get("d"))
	if err == nil || v != "${Y:?boom}" {
		t.Errorf("interpolate of a failing substitution = %q, %v; want the raw value and an error", v, err)
	}
	if v2, err2 := d.interpolate(get("d")); v2 != v || err2 == nil {
		t.Errorf("second interpolate = %q, %v", v2, err2)
	}
	nd, _ := load("f.yml", []byte("a: \"$X\"\n"), nil, 0)
	_, a := yamlnode.Field(nd.Root, "a")
	if got := nd.Str(a); got != "" {
		t.Errorf("Str with no env = %q, want empty", got)
	}
}

func TestGetAndWalk(t *testing.T) {
	d, err := load("f.yml", []byte("a:\n  b:\n    c: 1\n  l: [x, {y: z}]\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := yamlnode.Get(d.Root, "a", "b", "c"); n == nil || n.Value != "1" {
		t.Errorf("Get a.b.c = %v", n)
	}
	if n := yamlnode.Get(d.Root, "a", "x", "c"); n != nil {
		t.Errorf("Get a.x.c = %v", n)
	}
	var vals []string
	walkScalars(d.Root, func(n *yaml.Node) { vals = append(vals, n.Value) })
	if !reflect.DeepEqual(vals, []string{"1", "x", "z"}) {
		t.Errorf("walkScalars = %q", vals)
	}
}

func TestPos(t *testing.T) {
	d, err := load("f.yml", []byte("a:\n  b: 1\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f, l, c := d.pos(nil); f != "f.yml" || l != 1 || c != 1 {
		t.Errorf("pos(nil) = %s:%d:%d", f, l, c)
	}
	if f, l, c := d.pos(yamlnode.Get(d.Root, "a", "b")); f != "f.yml" || l != 2 || c != 6 {
		t.Errorf("pos(b) = %s:%d:%d", f, l, c)
	}
}

func TestServicesOrder(t *testing.T) {
	d, err := load("f.yml", []byte("services:\n  z: {image: a}\n  a: {image: b}\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Services) != 2 || d.Services[0].Name != "z" || d.Services[1].Name != "a" {
		t.Errorf("services %v, want z then a (file order)", d.Services)
	}
	// one line (flow style): file order is column order, kept by the stable sort
	d, err = load("f.yml", []byte("services: {z: {image: a}, a: {image: b}, m: {image: c}}\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Services) != 3 || d.Services[0].Name != "z" || d.Services[1].Name != "a" || d.Services[2].Name != "m" {
		t.Errorf("flow services %v, want z, a, m", d.Services)
	}
	if d, _ := load("f.yml", []byte("services: [a]\n"), nil, 0); len(d.Services) != 0 {
		t.Error("services as a list has services")
	}
}

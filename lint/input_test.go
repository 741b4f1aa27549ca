package lint

import (
	"reflect"
	"testing"
	"testing/fstest"
)

// Tests of what the command line finds and reads its input with (input.go): compose file names,
// discovery, env files.

func TestComposeNameAndDiscover(t *testing.T) {
	for name, want := range map[string]bool{
		"docker-compose.yml": true, "Compose.YAML": true, "stack.yml": true, "docker-x.yaml": true,
		"compose.json": false, "app.yml": false, "mydocker-x.yml": false, "compose.yml.bak": false,
	} {
		if got := composeName(name); got != want {
			t.Errorf("composeName(%q) = %v", name, got)
		}
	}
	fsys := fstest.MapFS{
		"r/b/stack.yml":                {},
		"r/a/compose.yaml":             {},
		"r/.git/compose.yml":           {},
		"r/node_modules/x/compose.yml": {},
		"r/vendor/compose.yml":         {},
		"r/.compose.yml":               {},
		"r/app.yml":                    {},
	}
	got, err := Discover(fsys, "r")
	if err != nil || !reflect.DeepEqual(got, []string{"r/a/compose.yaml", "r/b/stack.yml"}) {
		t.Errorf("Discover = %q, %v", got, err)
	}
	if got, err := Discover(fstest.MapFS{".h/compose.yml": {}}, ".h"); err != nil || len(got) != 1 {
		t.Errorf("Discover of a dot-directory named on the command line = %q, %v", got, err)
	}
	if _, err := Discover(fsys, "missing"); err == nil {
		t.Error("Discover of a missing directory gives no error")
	}
}

func TestIsCompose(t *testing.T) {
	for in, want := range map[string]bool{
		"services:\n": true, "\"services\" :\n": true, "x: 1\nservices:\n": true,
		"  {\"services\": {}}": true, "x:\n  services:\n": false, "name: x\n": false,
	} {
		if got := IsCompose([]byte(in)); got != want {
			t.Errorf("IsCompose(%q) = %v", in, got)
		}
	}
}

func TestParseEnvFile(t *testing.T) {
	got, err := ParseEnvFile("e", []byte("# c\n\n A = \"1\" \nB='x=y'\nC=\n"))
	if err != nil || !reflect.DeepEqual(got, map[string]string{"A": "1", "B": "x=y", "C": ""}) {
		t.Errorf("ParseEnvFile = %v, %v", got, err)
	}
	if _, err := ParseEnvFile("e", []byte("A=1\n\nnope\n")); err == nil || err.Error() != "e:3:1: want KEY=VALUE" {
		t.Errorf("ParseEnvFile error = %v", err)
	}
}

package lint

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// Tests of the command line's helpers (summary, rule list, discovery, env files), written against
// mutants gremlins found unreached: cmd/stackgen's tests exercise them, but not per mutant.

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		sevs  []Severity
		files int
		want  string
	}{
		{nil, 0, "no findings in 0 files"},
		{nil, 1, "no findings in 1 file"},
		{[]Severity{Info}, 2, "1 info in 2 files"},
		{[]Severity{Warning, Error, Error, Info, Info}, 1, "2 errors, 1 warning, 2 infos in 1 file"},
	} {
		r := &Result{Files: tc.files}
		for _, s := range tc.sevs {
			r.Findings = append(r.Findings, Finding{Severity: s})
		}
		if got := r.Summary(); got != tc.want {
			t.Errorf("Summary = %q, want %q", got, tc.want)
		}
	}
}

func TestWriteRules(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRules(&b, "text"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(Rules) || lines[0] != Rules[0].ID+"\t"+padRight(Rules[0].Severity.String(), 7)+"\t"+padRight(Rules[0].Category(), 8)+"\t"+Rules[0].Title {
		t.Errorf("text: %d lines, first %q", len(lines), lines[0])
	}
	b.Reset()
	if err := WriteRules(&b, "json"); err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || len(out) != len(Rules) {
		t.Fatalf("json: %v, %d rules", err, len(out))
	}
	if out[0]["id"] != Rules[0].ID || out[0]["doc"] != Rules[0].Doc || out[0]["category"] != Rules[0].Category() {
		t.Errorf("json first rule %v", out[0])
	}
	if err := WriteRules(&b, "xml"); err == nil || !strings.Contains(err.Error(), "not xml") {
		t.Errorf("xml: %v", err)
	}
	if err := WriteRules(failWriter{}, "text"); err == nil {
		t.Error("a failing writer gives no error")
	}
}

func padRight(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len(s))) }

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestComposeNameAndDiscover(t *testing.T) {
	for name, want := range map[string]bool{
		"docker-compose.yml": true, "Compose.YAML": true, "stack.yml": true, "docker-x.yaml": true,
		"compose.json": false, "app.yml": false, "mydocker-x.yml": false, "compose.yml.bak": false,
	} {
		if got := composeName(name); got != want {
			t.Errorf("ComposeName(%q) = %v", name, got)
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

func TestAnchorSlug(t *testing.T) {
	if got := anchorSlug("Port 6379: a-z_Z (09) ~"); got != "port-6379-a-zz-09-" {
		t.Errorf("anchorSlug = %q", got)
	}
	r := &Rule{ID: "XX1", Title: "t", Severity: Info, Doc: "d"}
	if got := Markdown(r); strings.Contains(got, "Bad:") || strings.Contains(got, "Good:") {
		t.Errorf("Markdown without snippets: %q", got)
	}
}

func TestSeverityNames(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		if p, err := ParseSeverity(s.String()); err != nil || p != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, p, err)
		}
	}
	if p, err := ParseSeverity("off"); err != nil || p != 0 || Severity(0).String() != "off" {
		t.Errorf("off: %v, %v", p, err)
	}
	if Info != 1 {
		t.Errorf("Info = %d: 0 is off in policies", Info)
	}
}

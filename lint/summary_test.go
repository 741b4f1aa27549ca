package lint

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Tests of the summary line and the rule list (summary.go).

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

package lint

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Tests of the rules' Markdown (format.go).

func TestAnchorSlug(t *testing.T) {
	if got := anchorSlug("Port 6379: a-z_Z (09) ~"); got != "port-6379-a-z_z-09-" {
		t.Errorf("anchorSlug = %q", got)
	}
	r := &Rule{ID: "XX1", Title: "t", Severity: Info, Doc: "d"}
	if got := Markdown(r); strings.Contains(got, "Bad:") || strings.Contains(got, "Good:") {
		t.Errorf("Markdown without snippets: %q", got)
	}
}

// FuzzWrite: whatever a file name and a message hold, every format stays well-formed: GitHub output
// is one workflow command per finding with nothing the input could end early, text output has no
// control character but its newlines, and JSON and SARIF decode back to the same name and message.
func FuzzWrite(f *testing.F) {
	f.Add("docker-compose.yml", "service \"a\" publishes port 80")
	f.Add("a\n::add-mask::x", "m\r\n::error file=x::y")
	f.Add("a,b:c%d", "\x1b]0;t\a\u202e")
	github := regexp.MustCompile(`^::error file=[^,:\r\n]*,line=1,col=1,endLine=1,endColumn=1,title=PL201::[^\r\n]*$`)
	f.Fuzz(func(t *testing.T, file, msg string) {
		r := &Result{Findings: []Finding{{Rule: "PL201", Severity: Error, File: file, Line: 1, Column: 1, EndLine: 1, EndColumn: 1, Message: msg}}, Files: 1}
		for _, format := range Formats {
			var b strings.Builder
			if err := Write(&b, format, r, "test"); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			switch format {
			case "github":
				if !github.MatchString(strings.TrimSuffix(out, "\n")) {
					t.Fatalf("github output %q is not one workflow command", out)
				}
			case "text":
				if strings.Count(out, "\n") != 1 || strings.ContainsFunc(strings.TrimSuffix(out, "\n"), unprintable) {
					t.Fatalf("text output %q holds a control character", out)
				}
			case "json":
				var got struct{ Findings []Finding }
				err := json.Unmarshal([]byte(out), &got)
				valid := utf8.ValidString(file) && utf8.ValidString(msg) // the encoder turns invalid bytes into U+FFFD
				if err != nil || len(got.Findings) != 1 || valid && (got.Findings[0].File != file || got.Findings[0].Message != msg) {
					t.Fatalf("json output %q does not give back the finding (%v)", out, err)
				}
			}
		}
	})
}

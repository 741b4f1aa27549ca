package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Formats are the output formats of Write.
var Formats = []string{"text", "json", "sarif", "github"}

// Write prints a result in one of Formats. Whatever an input controls (file names, messages that
// quote keys and values) is escaped for the format: JSON and SARIF by their encoder, GitHub
// workflow commands as GitHub specifies, text with control characters shown as escapes, so that no
// file can write a workflow command or a terminal escape of its choosing.
func Write(w io.Writer, format string, r *Result, version string) error {
	switch format {
	case "text":
		for _, f := range r.Findings {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s (%s)\n", Printable(f.File), f.Line, f.Column, f.Severity, Printable(f.Message), f.Rule); err != nil {
				return err
			}
		}
		for _, o := range r.Omitted {
			if _, err := fmt.Fprintf(w, "%s: %s\n", Printable(o.File), omittedText(o)); err != nil {
				return err
			}
		}
		return nil
	case "json":
		type jf struct {
			Finding
			Severity string `json:"severity"`
		}
		out := struct {
			Findings []jf      `json:"findings"`
			Omitted  []Omitted `json:"omitted"`
			Files    int       `json:"files"`
		}{Findings: []jf{}, Omitted: r.Omitted, Files: r.Files}
		for _, f := range r.Findings {
			out.Findings = append(out.Findings, jf{f, f.Severity.String()})
		}
		if out.Omitted == nil {
			out.Omitted = []Omitted{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "sarif":
		return writeSARIF(w, r, version)
	case "github":
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "notice"}
		for _, f := range r.Findings {
			if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
				level[f.Severity], githubProperty(f.File), f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, githubData(f.Message)); err != nil {
				return err
			}
		}
		for _, o := range r.Omitted {
			if _, err := fmt.Fprintf(w, "::%s file=%s,title=%s::%s\n", level[o.Severity], githubProperty(o.File), o.Rule, githubData(omittedText(o))); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// omittedText says what a limit left out.
func omittedText(o Omitted) string {
	return fmt.Sprintf("... and %d more %s findings of %s, not shown (a run keeps %d findings per file and %d in all)",
		o.Count, o.Severity, o.Rule, MaxFindingsPerFile, MaxFindings)
}

// Printable shows control characters (C0, DEL, C1) and the bidirectional-text controls as Go
// escapes (\x1b, \u202e), so that a name or value cannot move the cursor, recolour or hide text in
// a terminal or a log.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if unprintable(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unprintable(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

func unprintable(r rune) bool {
	return r < 0x20 || r >= 0x7f && r < 0xa0 || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e ||
		r >= 0x2066 && r <= 0x2069 || r == utf8.RuneError
}

// githubData escapes a workflow command's message: %, CR and LF (GitHub's "Workflow commands for
// GitHub Actions", escaping data); other control characters as Printable does.
func githubData(s string) string {
	return Printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

// githubProperty escapes a workflow command's property value: data's escapes plus ":" and ",",
// which would otherwise end the property or the command's property list.
func githubProperty(s string) string {
	return Printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}

func writeSARIF(w io.Writer, r *Result, version string) error {
	type msg struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	type rule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     msg            `json:"shortDescription"`
		FullDescription      msg            `json:"fullDescription"`
		Help                 msg            `json:"help"`
		DefaultConfiguration map[string]any `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region region `json:"region"`
		} `json:"physicalLocation"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		RuleIndex int        `json:"ruleIndex"`
		Level     string     `json:"level"`
		Message   msg        `json:"message"`
		Locations []location `json:"locations"`
	}
	level := map[Severity]string{Error: "error", Warning: "warning", Info: "note"}
	var rules []rule
	index := map[string]int{}
	for i, rl := range Rules {
		index[rl.ID] = i
		rules = append(rules, rule{
			ID: rl.ID, Name: rl.Title,
			ShortDescription:     msg{Text: rl.Title},
			FullDescription:      msg{Text: rl.Doc},
			Help:                 msg{Text: rl.Doc, Markdown: Markdown(rl)},
			DefaultConfiguration: map[string]any{"level": level[rl.Severity]},
			Properties:           map[string]any{"category": rl.Category()},
		})
	}
	results := []result{}
	for _, f := range r.Findings {
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = (&url.URL{Path: filepath.ToSlash(f.File)}).String()
		loc.PhysicalLocation.Region = region{f.Line, f.Column, f.EndLine, max(f.EndColumn, f.Column)}
		results = append(results, result{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level[f.Severity],
			Message: msg{Text: f.Message}, Locations: []location{loc}})
	}
	notes := []any{}
	for _, o := range r.Omitted {
		notes = append(notes, map[string]any{"level": level[o.Severity], "message": msg{Text: o.File + ": " + omittedText(o)},
			"associatedRule": map[string]any{"id": o.Rule, "index": index[o.Rule]}})
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "stackgen", "version": version, "informationUri": "https://github.com/webvig/stackgen",
				"rules": rules,
			}},
			"results": results,
			"invocations": []any{map[string]any{
				"executionSuccessful":        true,
				"toolExecutionNotifications": notes,
			}},
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// Markdown is a rule's documentation: title, why, bad and good.
func Markdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s: %s\n\nSeverity: %s. Category: %s.\n\n%s\n", r.ID, r.Title, r.Severity, r.Category(), r.Doc)
	if r.Bad != "" {
		fmt.Fprintf(&b, "\nBad:\n\n```yaml\n%s```\n", r.Bad)
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "\nGood:\n\n```yaml\n%s```\n", r.Good)
	}
	return b.String()
}

// RulesMarkdown is docs/rules.md.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("# stackgen lint rules\n\nGenerated from the rules' own documentation by `go test ./lint -update`; do not edit.\n\n")
	b.WriteString("| ID | severity | title |\n|---|---|---|\n")
	for _, r := range Rules {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.ID, strings.ToLower(r.ID+"-"+anchorSlug(r.Title)), r.Severity, r.Title)
	}
	for _, r := range Rules {
		b.WriteString("\n" + Markdown(r))
	}
	return b.String()
}

// anchorSlug spells a heading's anchor as GitHub does for these titles (github-slugger): lowercase,
// blanks to -, punctuation dropped except - and _.
func anchorSlug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteRune(c)
		} else if c == ' ' {
			b.WriteByte('-')
		}
	}
	return b.String()
}

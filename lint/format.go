package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats are the output formats of Write.
var Formats = []string{"text", "json", "sarif", "github"}

// Write prints a result in one of Formats.
func Write(w io.Writer, format string, r *Result, version string) error {
	switch format {
	case "text":
		for _, f := range r.Findings {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s (%s)\n", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule); err != nil {
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
			Findings []jf `json:"findings"`
			Files    int  `json:"files"`
		}{Findings: []jf{}, Files: r.Files}
		for _, f := range r.Findings {
			out.Findings = append(out.Findings, jf{f, f.Severity.String()})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "sarif":
		return writeSARIF(w, r, version)
	case "github":
		level := map[Severity]string{Error: "error", Warning: "warning", Info: "notice"}
		for _, f := range r.Findings {
			msg := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(f.Message)
			if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
				level[f.Severity], f.File, f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, msg); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
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
		loc.PhysicalLocation.ArtifactLocation.URI = f.File
		loc.PhysicalLocation.Region = region{f.Line, f.Column, f.EndLine, max(f.EndColumn, f.Column)}
		results = append(results, result{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level[f.Severity],
			Message: msg{Text: f.Message}, Locations: []location{loc}})
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

func anchorSlug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteRune(c)
		} else if c == ' ' {
			b.WriteByte('-')
		}
	}
	return b.String()
}

package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Summary is the one line after text findings: "3 errors, 1 warning in 2 files".
func (r *Result) Summary() string {
	count := map[Severity]int{}
	for _, f := range r.Findings {
		count[f.Severity]++
	}
	for _, o := range r.Omitted {
		count[o.Severity] += o.Count
	}
	var parts []string
	for _, s := range []Severity{Error, Warning, Info} {
		if n := count[s]; n > 0 {
			parts = append(parts, plural(n, s.String()))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no findings"}
	}
	return strings.Join(parts, ", ") + " in " + plural(r.Files, "file")
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteRules lists every rule: text is one tab-separated line per rule, json an array of
// {id, severity, category, title, doc}.
func WriteRules(w io.Writer, format string) error {
	switch format {
	case "text":
		for _, r := range Rules {
			if _, err := fmt.Fprintf(w, "%s\t%-7s\t%-8s\t%s\n", r.ID, r.Severity, r.Category(), r.Title); err != nil {
				return err
			}
		}
		return nil
	case "json":
		type rule struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
			Category string `json:"category"`
			Title    string `json:"title"`
			Doc      string `json:"doc"`
		}
		out := []rule{}
		for _, r := range Rules {
			out = append(out, rule{r.ID, r.Severity.String(), r.Category(), r.Title, r.Doc})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return fmt.Errorf("--list-rules prints text or json, not %s", format)
}

package lint

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// An inline ignore: "# stackgen:ignore ID[,ID] -- reason" on the offending line or the line above.
type ignore struct {
	file         string
	line, column int
	ids          []string
	reason       string
	standalone   bool // a comment on its own line covers the next line; a trailing one only its own
	used         map[string]bool
}

var ignoreRe = regexp.MustCompile(`#\s*stackgen:ignore\b(.*)$`)

func parseIgnores(file string, data []byte) []*ignore {
	if !bytes.Contains(data, []byte("stackgen:ignore")) {
		return nil
	}
	var out []*ignore
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		loc := ignoreRe.FindStringSubmatchIndex(line)
		if loc == nil {
			continue
		}
		// A "#" inside a quoted scalar is not a comment; only one at line start or after a blank is.
		if loc[0] > 0 && line[loc[0]-1] != ' ' && line[loc[0]-1] != '\t' {
			continue
		}
		rest := line[loc[2]:loc[3]]
		if i := strings.Index(rest, " #"); i >= 0 {
			rest = rest[:i] // a further comment on the line is not part of the ignore
		}
		idPart, reason, _ := strings.Cut(rest, "--")
		ig := &ignore{file: file, line: n, column: loc[0] + 1, reason: strings.TrimSpace(reason), used: map[string]bool{},
			standalone: strings.TrimSpace(line[:loc[0]]) == ""}
		ig.ids = strings.FieldsFunc(idPart, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		out = append(out, ig)
	}
	return out
}

// ignoreFindings are the findings about the inline ignores themselves, once every rule has run (and
// ignored has marked the ignores it used): no reason, no rule ID, unknown IDs, ignores that matched
// nothing, and with ignores disabled, every ignore.
func (d *Document) ignoreFindings(pol *Policy, disabled bool) []Finding {
	var meta []Finding
	report := func(id string, ig *ignore, format string, args ...string) {
		r := RuleByID(id)
		sev := pol.severity(r)
		if sev == 0 {
			return
		}
		msg := format
		for _, a := range args {
			msg = strings.Replace(msg, "%q", `"`+a+`"`, 1)
		}
		meta = append(meta, Finding{Rule: id, Severity: sev, File: ig.file, Line: ig.line, Column: ig.column,
			EndLine: ig.line, EndColumn: ig.column, Message: msg})
	}
	if disabled {
		for _, ig := range d.ignores {
			report("SG004", ig, "inline ignores are disabled here (--no-inline-ignores); fix the finding or use a policy exemption")
		}
		return meta
	}
	for _, ig := range d.ignores {
		if len(ig.ids) == 0 {
			report("SG001", ig, "stackgen:ignore names no rule; write \"# stackgen:ignore ID -- reason\"")
			continue
		}
		if ig.reason == "" {
			report("SG001", ig, "stackgen:ignore without a reason; add \" -- why this is safe\"")
		}
		for _, id := range ig.ids {
			switch {
			case RuleByID(id) == nil:
				report("SG003", ig, "stackgen:ignore names unknown rule %q", id)
			case !ig.used[id] && ig.reason != "":
				report("SG002", ig, "stackgen:ignore %q matches no finding on this line or the next; remove it", id)
			}
		}
	}
	return meta
}

// ignored reports whether an ignore with a reason covers the finding: one on any line the finding
// spans (its own line for a scalar, the whole block for a long-syntax item), or one on its own line
// just above.
func (d *Document) ignored(f Finding) bool {
	for _, ig := range d.ignores {
		inside := ig.line >= f.Line && ig.line <= max(f.Line, f.EndLine)
		if ig.file != f.File || ig.reason == "" || !(inside || ig.standalone && ig.line == f.Line-1) {
			continue
		}
		for _, id := range ig.ids {
			if id == f.Rule {
				ig.used[id] = true
				return true
			}
		}
	}
	return false
}

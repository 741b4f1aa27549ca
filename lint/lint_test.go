package lint_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/stacks"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md")

var wantRe = regexp.MustCompile(`# want ((?:"(?:[^"\\]|\\.)*"\s*)+)$`)
var wantArg = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)

func noEnv(string) (string, bool) { return "", false }

// lintFixture lints one fixture with the policy of its directory (.stackgen.yaml), if any.
func lintFixture(t *testing.T, file string) *lint.Result {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pol := lint.DefaultPolicy()
	if pdata, err := os.ReadFile(filepath.Join(filepath.Dir(file), ".stackgen.yaml")); err == nil {
		if pol, err = lint.ParsePolicy(".stackgen.yaml", pdata); err != nil {
			t.Fatal(err)
		}
	}
	res, err := lintOne(file, data, lint.Options{
		Policy: func(string) (*lint.Policy, error) { return pol, nil },
		FileExists: func(p string) bool {
			_, err := os.Stat(p)
			return err == nil
		},
		// Fixtures under noinline/ run as a central CI would, with inline ignores refused.
		NoInlineIgnores: filepath.Base(filepath.Dir(file)) == "noinline",
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return res
}

// lintOne lints one file's bytes as the command line does, with no environment unless o gives
// one; err is the file's input error, if it could not be linted at all.
func lintOne(name string, data []byte, o lint.Options) (*lint.Result, error) {
	if o.Env == nil {
		o.Env = noEnv
	}
	res, inErrs, err := lint.Check(lint.Files(lint.File{Name: name, Data: data}), o)
	if err == nil && len(inErrs) > 0 {
		err = inErrs[0]
	}
	return res, err
}

// want is one expectation: a rule ID and a regexp searched in the message.
type want struct {
	id string
	re *regexp.Regexp
}

// wants reads `# want "ID: regexp" ...` comments: line -> expectations.
func wants(t *testing.T, file string) map[int][]*want {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]*want{}
	for i, line := range strings.Split(string(data), "\n") {
		m := wantRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, a := range wantArg.FindAllStringSubmatch(m[1], -1) {
			id, pattern, ok := strings.Cut(strings.ReplaceAll(a[1], `\"`, `"`), ": ")
			if !ok {
				t.Fatalf("%s:%d: want %q is not \"ID: regexp\"", file, i+1, a[1])
			}
			out[i+1] = append(out[i+1], &want{id, regexp.MustCompile(pattern)})
		}
	}
	return out
}

func fixtures(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob("testdata/*/*.yaml")
	var files []string
	for _, f := range all {
		if !strings.HasPrefix(filepath.Base(f), ".") {
			files = append(files, f)
		}
	}
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	return files
}

// TestFixtures: every finding is wanted on its line and every want is met by exactly one finding,
// analysistest-style, so a rule that reports the same problem twice fails too.
func TestFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, file := range fixtures(t) {
		t.Run(file, func(t *testing.T) {
			res := lintFixture(t, file)
			w := wants(t, file)
			met := map[*want]bool{}
			for _, f := range res.Findings {
				text := f.Rule + ": " + f.Message
				ok := false
				for _, wt := range w[f.Line] {
					if !met[wt] && wt.id == f.Rule && wt.re.MatchString(f.Message) {
						met[wt], ok = true, true
						seen[f.Rule] = true
						break
					}
				}
				if !ok {
					t.Errorf("%s:%d:%d: unexpected finding %s", file, f.Line, f.Column, text)
				}
				if f.Line < 1 || f.Column < 1 {
					t.Errorf("finding without a position: %+v", f)
				}
			}
			for line, ws := range w {
				for _, wt := range ws {
					if !met[wt] {
						t.Errorf("%s:%d: no %s finding matched %q", file, line, wt.id, wt.re)
					}
				}
			}
		})
	}
	for _, r := range lint.Rules {
		if r.Check != nil || strings.HasPrefix(r.ID, "SG") {
			if !seen[r.ID] {
				t.Errorf("rule %s has no fixture that triggers it", r.ID)
			}
		}
	}
}

func TestRuleList(t *testing.T) {
	ids := map[string]bool{}
	for i, r := range lint.Rules {
		if ids[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		ids[r.ID] = true
		if i > 0 && lint.Rules[i-1].ID >= r.ID {
			t.Errorf("rules are not sorted: %s after %s", r.ID, lint.Rules[i-1].ID)
		}
		if r.Category() == "" {
			t.Errorf("%s: unknown category", r.ID)
		}
		if r.Doc == "" || r.Bad == "" || r.Good == "" {
			t.Errorf("%s: empty doc, bad or good snippet", r.ID)
		}
		if r.Title == "" || r.Title != strings.ToLower(r.Title[:1])+r.Title[1:] || strings.HasSuffix(r.Title, ".") {
			t.Errorf("%s: title %q must be lowercase without a final period", r.ID, r.Title)
		}
	}
}

func TestDocsUpToDate(t *testing.T) {
	const file = "../docs/rules.md"
	want := lint.RulesMarkdown()
	if *update {
		if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != want {
		t.Fatalf("docs/rules.md is stale: run go test ./lint -update")
	}
}

// TestDefaultRenderIsClean: the stack stackgen renders passes its own linter with no finding at all.
func TestDefaultRenderIsClean(t *testing.T) {
	specData, _ := stacks.FS.ReadFile(stacks.Default)
	sealed, _ := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	spec, err := generator.ParseSpec("stack.yaml", specData)
	if err != nil {
		t.Fatal(err)
	}
	out, err := generator.Render(spec, sealed)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lintOne("render.yml", out, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) > 0 {
		var b strings.Builder
		_ = lint.Write(&b, "text", res, "test")
		t.Fatalf("the default render has findings:\n%s", b.String())
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"unknown key", "rulez: {}\n", `p.yaml:1:1: rulez: unknown key "rulez"`},
		{"bad severity", "rules: {PL201: fatal}\n", `p.yaml:1:16: rules.PL201: "fatal" is not valid`},
		{"unknown rule", "rules: {PL999: off}\n", `p.yaml:1:9: rules: "PL999" matches no rule`},
		{"exemption without reason", "exemptions:\n  - service: a\n    rules: [PL201]\n", `p.yaml:2:5: exemptions.0: missing required key "reason"`},
		{"malformed", "rules: [\n", `p.yaml:2:1: did not find expected node content`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lint.ParsePolicy("p.yaml", []byte(tc.data))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	res := lintFixture(t, "testdata/redis/seed.yaml")
	if len(res.Findings) == 0 {
		t.Fatal("fixture has no findings")
	}
	for _, format := range lint.Formats {
		var b strings.Builder
		if err := lint.Write(&b, format, res, "test"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "RD303") {
			t.Errorf("%s output lacks RD303:\n%s", format, b.String())
		}
	}
}

// TestSARIF checks the parts of SARIF 2.1.0 that code scanning reads: version, the driver's rules with
// help, and each result's rule index and region.
func TestSARIF(t *testing.T) {
	res := lintFixture(t, "testdata/redis/seed.yaml")
	var b bytes.Buffer
	if err := lint.Write(&b, "sarif", res, "test"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID   string `json:"id"`
						Help struct {
							Text string `json:"text"`
						} `json:"help"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || doc.Runs[0].Tool.Driver.Name != "stackgen" {
		t.Fatalf("bad SARIF envelope: %+v", doc)
	}
	run := doc.Runs[0]
	if len(run.Tool.Driver.Rules) != len(lint.Rules) || len(run.Results) != len(res.Findings) {
		t.Fatalf("%d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
	}
	for _, r := range run.Results {
		rule := run.Tool.Driver.Rules[r.RuleIndex]
		if rule.ID != r.RuleID || rule.Help.Text == "" {
			t.Errorf("result %s points at rule %s", r.RuleID, rule.ID)
		}
		reg := r.Locations[0].PhysicalLocation.Region
		if reg.StartLine < 1 || reg.StartColumn < 1 || reg.EndLine < reg.StartLine || r.Message.Text == "" ||
			(r.Level != "error" && r.Level != "warning" && r.Level != "note") {
			t.Errorf("bad result %+v", r)
		}
	}
}

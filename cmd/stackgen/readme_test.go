package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The docs (README.md and docs/*.md) show only what is real: example files verbatim, console
// transcripts that a test reproduces, and links that lead somewhere. The transcripts under
// docs/examples/*.txt, and the pages' copies of every shown file, are refreshed with
//
//	go test ./cmd/stackgen -run TestReadme -update
//
// and the Swarm transcripts under docs/examples/swarm/ by TestEndToEndSwarm with -update.

var update = flag.Bool("update", false, "rewrite the docs' transcripts from real runs, and the pages' copies of the files they show")

const repoRoot = "../.."

// docPages are the pages a person reads: README.md and every docs/*.md.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{filepath.Join(repoRoot, "README.md")}, pages...)
	if len(pages) < 2 {
		t.Fatalf("found only %v: the docs pages are missing", pages)
	}
	return pages
}

func readPage(t *testing.T, page string) string {
	t.Helper()
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// block is a fenced code block of a page.
type block struct {
	info    string // the fence's info string: console, yaml, ...
	body    string // the lines between the fences, each with its newline
	line    int    // the opening fence's line, 1-based
	showing string // the docs/examples file a "<!-- shows FILE -->" line right above names, if any
}

var showsMarker = regexp.MustCompile(`^<!-- shows (docs/examples/\S+) -->$`)

// blocks returns a page's fenced code blocks (``` fences; the docs use no other kind).
func blocks(text string) []block {
	var out []block
	lines := strings.SplitAfter(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\n")
		if !strings.HasPrefix(l, "```") {
			continue
		}
		b := block{info: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: i + 1}
		if i > 0 {
			if m := showsMarker.FindStringSubmatch(strings.TrimSpace(lines[i-1])); m != nil {
				b.showing = m[1]
			}
		}
		var body strings.Builder
		for i++; i < len(lines) && strings.TrimRight(lines[i], "\n") != "```"; i++ {
			body.WriteString(lines[i])
		}
		b.body = body.String()
		out = append(out, b)
	}
	return out
}

// TestReadmeTranscripts runs every command of every docs/examples/*.txt transcript with the built
// binary in the repository's root, as a person would type it there, and compares what a terminal
// would show (stdout and stderr in the order written; "echo $?" prints the last exit status). No
// Docker daemon is reachable: docker is a stub that refuses. It comes before TestReadmeShowsExamples,
// so that one -update rewrites a transcript and then the pages that show it.
func TestReadmeTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "docs", "examples", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts under docs/examples/: the test checked nothing")
	}
	tools := t.TempDir()
	bin := filepath.Join(tools, "stackgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	stub := "#!/bin/sh\necho \"docker stub: the docs' transcripts never reach a Docker daemon ($*)\" >&2\nexit 97\n"
	if err := os.WriteFile(filepath.Join(tools, "docker"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{"PATH=" + tools + string(os.PathListSeparator) + "/usr/bin:/bin", "HOME=" + t.TempDir(),
		"XDG_CONFIG_HOME=" + t.TempDir(), "DOCKER_HOST=unix:///nonexistent/stackgen-docs.sock", "LANG=C.UTF-8"}
	for _, f := range files {
		rel, _ := filepath.Rel(repoRoot, f)
		t.Run(filepath.Base(f), func(t *testing.T) {
			old, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := replay(t, string(old), bin, root, environ)
			if got == string(old) {
				return
			}
			if *update {
				if err := os.WriteFile(f, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("rewrote %s", rel)
				return
			}
			t.Errorf("%s is not what the commands print now (go test ./cmd/stackgen -run TestReadmeTranscripts -update refreshes it; "+
				"then check the pages that show it):\n--- want (the file)\n%s--- got\n%s", rel, old, got)
		})
	}
}

// TestReadmeShowsExamples: the README keeps the Quick start commands (a hook greps for them), every
// "<!-- shows docs/examples/FILE -->" line is followed by a block holding FILE verbatim, every file
// under docs/examples/ is shown by some page, and every console block whose first command runs
// without a Docker daemon (stackgen lint, render, secret names) is one of the transcripts
// TestReadmeTranscripts reproduces.
func TestReadmeShowsExamples(t *testing.T) {
	readme := readPage(t, filepath.Join(repoRoot, "README.md"))
	for _, cmd := range []string{"go run ./cmd/stackgen render", "make test"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md lacks the Quick start command %q", cmd)
		}
	}
	shown := map[string]bool{}
	markers := 0
	for _, page := range docPages(t) {
		text := readPage(t, page)
		name, _ := filepath.Rel(repoRoot, page)
		if *update {
			synced := syncShown(t, text)
			if synced != text {
				if err := os.WriteFile(page, []byte(synced), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("rewrote the shown blocks of %s", name)
				text = synced
			}
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "<!-- shows") {
				markers++
			}
		}
		for _, b := range blocks(text) {
			if b.showing != "" {
				markers--
				data, err := os.ReadFile(filepath.Join(repoRoot, b.showing))
				if err != nil {
					t.Errorf("%s:%d: says it shows %s: %v", name, b.line, b.showing, err)
					continue
				}
				if b.body != string(data) {
					t.Errorf("%s:%d: does not show %s verbatim (copy the file into the block)", name, b.line, b.showing)
				}
				shown[b.showing] = true
			}
			if b.info != "console" {
				continue
			}
			first := firstCommand(b.body)
			if !daemonless(first) {
				continue
			}
			if !strings.HasPrefix(b.showing, "docs/examples/") || !strings.HasSuffix(b.showing, ".txt") {
				t.Errorf("%s:%d: the console block of %q is not a transcript a test reproduces: put it in docs/examples/NAME.txt, "+
					"run go test ./cmd/stackgen -run TestReadmeTranscripts -update, and show it with <!-- shows docs/examples/NAME.txt -->", name, b.line, first)
			}
		}
	}
	if markers != 0 {
		t.Errorf("%d <!-- shows ... --> line(s) are not right above a code block, or are malformed", markers)
	}
	err := filepath.WalkDir(filepath.Join(repoRoot, "docs", "examples"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		if !shown[filepath.ToSlash(rel)] {
			t.Errorf("%s is shown by no page: show it (<!-- shows %s --> above a block holding it) or remove it", rel, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) == 0 {
		t.Fatal("no page shows any docs/examples file: the check checked nothing")
	}
}

// TestReadmeCIJobIsCI: the CI job docs/lint.md gives runs the lint command this repository's own CI
// (.ci/run) runs on itself, which names its policy and refuses inline ignores.
func TestReadmeCIJobIsCI(t *testing.T) {
	ci := readPage(t, filepath.Join(repoRoot, ".ci", "run"))
	m := regexp.MustCompile(`(?m)\bstackgen lint [^\n]*$`).FindString(ci)
	if m == "" || !strings.Contains(m, "--policy .stackgen.yaml") || !strings.Contains(m, "--no-inline-ignores") {
		t.Fatalf(".ci/run runs no stackgen lint --policy .stackgen.yaml --no-inline-ignores command: %q", m)
	}
	if page := readPage(t, filepath.Join(repoRoot, "docs", "lint.md")); !strings.Contains(page, "- run: "+m+"\n") {
		t.Errorf("docs/lint.md's CI job does not run %q, the command .ci/run runs", m)
	}
}

// syncShown puts each "<!-- shows FILE -->" file's content into the block right below it (-update).
func syncShown(t *testing.T, text string) string {
	t.Helper()
	lines := strings.SplitAfter(text, "\n")
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		out.WriteString(lines[i])
		m := showsMarker.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(repoRoot, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(lines[i+1])
		j := i + 2
		for j < len(lines) && strings.TrimRight(lines[j], "\n") != "```" {
			j++
		}
		if j == len(lines) {
			t.Fatalf("the block below %q has no closing fence", strings.TrimSpace(lines[i]))
		}
		out.Write(data)
		i = j - 1 // the closing fence is written next
	}
	return out.String()
}

// firstCommand is the first "$ " line of a console block, without the prompt.
func firstCommand(body string) string {
	for _, l := range strings.Split(body, "\n") {
		if cmd, ok := strings.CutPrefix(l, "$ "); ok {
			return cmd
		}
	}
	return ""
}

// daemonless reports whether a command's output comes without a Docker daemon, so that a test can
// reproduce it here.
func daemonless(cmd string) bool {
	for _, p := range []string{"stackgen lint", "stackgen render", "stackgen secret names"} {
		if cmd == p || strings.HasPrefix(cmd, p+" ") {
			return true
		}
	}
	return false
}

// replay runs the "$ " lines of a transcript and returns the transcript with each command's output
// as it is now.
func replay(t *testing.T, transcript, bin, dir string, environ []string) string {
	t.Helper()
	var out strings.Builder
	status, commands := 0, 0
	for _, l := range strings.Split(transcript, "\n") {
		cmd, ok := strings.CutPrefix(l, "$ ")
		if !ok {
			continue
		}
		commands++
		fmt.Fprintf(&out, "$ %s\n", cmd)
		if cmd == "echo $?" {
			fmt.Fprintf(&out, "%d\n", status)
			continue
		}
		line, head := cmd, -1
		if m := headPipe.FindStringSubmatch(cmd); m != nil {
			line, head = m[1], atoi(t, m[2])
		}
		args, err := shellWords(line)
		if err != nil {
			t.Fatalf("%q: %v", cmd, err)
		}
		if len(args) == 0 || args[0] != "stackgen" {
			t.Fatalf("%q: a transcript runs stackgen commands (optionally | head -n N) and echo $? only", cmd)
		}
		c := exec.Command(bin, args[1:]...)
		c.Dir, c.Env = dir, environ
		var both, stdout bytes.Buffer
		c.Stdout, c.Stderr = &both, &both // one pipe: the order a terminal shows
		if head >= 0 {
			c.Stdout = &stdout
		}
		err = c.Run()
		status = c.ProcessState.ExitCode()
		if status < 0 {
			t.Fatalf("%q: %v", cmd, err)
		}
		s := both.String()
		if head >= 0 {
			// stderr reaches the terminal, stdout only through head, whose status the shell reports.
			lines := strings.SplitAfter(stdout.String(), "\n")
			s = strings.Join(lines[:min(head, len(lines))], "") + s
			status = 0
		}
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		out.WriteString(s)
	}
	if commands == 0 {
		t.Fatal("the transcript has no \"$ \" command line")
	}
	return out.String()
}

// headPipe is the one pipe a transcript may use: the first N lines of a long output.
var headPipe = regexp.MustCompile(`^(.*) \| head -n ([0-9]+)$`)

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// shellWords splits a command line as sh would for the words the docs use: blanks separate, single
// and double quotes group (no expansion inside single quotes; none is used inside double). Anything
// that would need a shell (pipes, redirections, variables, globs) is refused.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			if quote == '"' && strings.ContainsRune("$`\\", r) {
				return nil, fmt.Errorf("%q inside double quotes needs a shell", r)
			}
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case strings.ContainsRune("|&;<>()$`\\*?[#~", r):
			return nil, fmt.Errorf("%q needs a shell; a transcript holds plain commands", r)
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

func TestReadmeShellWords(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		err      bool
	}{
		{"plain", "stackgen lint a.yml", []string{"stackgen", "lint", "a.yml"}, false},
		{"single quotes", "stackgen render --constraint 'node.role = worker'", []string{"stackgen", "render", "--constraint", "node.role = worker"}, false},
		{"double quotes", `stackgen lint "a b.yml"`, []string{"stackgen", "lint", "a b.yml"}, false},
		{"empty quoted word", "stackgen lint ''", []string{"stackgen", "lint", ""}, false},
		{"pipe", "stackgen render | stackgen lint -", nil, true},
		{"variable", "stackgen lint $F", nil, true},
		{"glob", "stackgen lint *.yml", nil, true},
		{"unterminated", "stackgen lint 'a", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := shellWords(tc.in)
			if (err != nil) != tc.err || !tc.err && strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Errorf("shellWords(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

// TestReadmeLinks: every relative link in README.md and docs/*.md names a file or directory that
// exists, and a link with #anchor names a heading (or an id) that exists in the page it leads to,
// as GitHub spells heading anchors.
func TestReadmeLinks(t *testing.T) {
	checked := 0
	for _, page := range docPages(t) {
		name, _ := filepath.Rel(repoRoot, page)
		for _, l := range links(readPage(t, page)) {
			target := l.target
			if regexp.MustCompile(`^[a-z][a-z0-9+.-]*:`).MatchString(target) {
				continue // https:, mailto:
			}
			checked++
			path, anchor, _ := strings.Cut(target, "#")
			file := page
			if path != "" {
				file = filepath.Join(filepath.Dir(page), filepath.FromSlash(path))
				if _, err := os.Stat(file); err != nil {
					t.Errorf("%s:%d: link to %q: %s does not exist", name, l.line, target, path)
					continue
				}
			}
			if anchor == "" {
				continue
			}
			if !strings.HasSuffix(file, ".md") {
				t.Errorf("%s:%d: link to %q: an anchor in a file that is not Markdown", name, l.line, target)
				continue
			}
			if !anchors(readPage(t, file))[anchor] {
				t.Errorf("%s:%d: link to %q: no heading or id %q in %s", name, l.line, target, anchor, path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no relative link found: the check checked nothing")
	}
}

type link struct {
	target string
	line   int
}

var (
	inlineLink = regexp.MustCompile(`\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	refLink    = regexp.MustCompile(`^\s*\[[^\]]+\]:\s*(\S+)`)
	codeSpan   = regexp.MustCompile("`[^`]*`")
)

// links are the targets of a page's Markdown links, outside code blocks and code spans.
func links(text string) []link {
	var out []link
	fenced := false
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		l = codeSpan.ReplaceAllString(l, "")
		for _, m := range inlineLink.FindAllStringSubmatch(l, -1) {
			out = append(out, link{m[1], i + 1})
		}
		if m := refLink.FindStringSubmatch(l); m != nil {
			out = append(out, link{m[1], i + 1})
		}
	}
	return out
}

var explicitID = regexp.MustCompile(`<a (?:id|name)="([^"]+)"`)

// anchors are the anchors a page offers: its headings as GitHub spells them (lowercase; punctuation
// other than - and _ dropped; blanks to -; a repeat gets -1, -2, ...) and explicit <a id> names.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range explicitID.FindAllStringSubmatch(l, -1) {
			out[m[1]] = true
		}
		h := strings.TrimLeft(l, "#")
		if h == l || !strings.HasPrefix(h, " ") || len(l)-len(h) > 6 {
			continue
		}
		slug := headingSlug(h)
		if n := seen[slug]; n > 0 {
			out[slug+"-"+strconv.Itoa(n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

var mdLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

func headingSlug(h string) string {
	h = mdLink.ReplaceAllString(strings.TrimSpace(h), "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestReadmeHeadingSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GN403: restart: that Swarm's default contradicts", "gn403-restart-that-swarms-default-contradicts"},
		{"RD311: redis-server by absolute path through docker-entrypoint.sh", "rd311-redis-server-by-absolute-path-through-docker-entrypointsh"},
		{"`stackgen lint` on pull requests", "stackgen-lint-on-pull-requests"},
		{"Limits and errors", "limits-and-errors"},
		{"The [plan](plan.md) of a deploy", "the-plan-of-a-deploy"},
	} {
		if got := headingSlug(tc.in); got != tc.want {
			t.Errorf("headingSlug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	got := anchors("# A\n## A\n```\n# not a heading\n```\n#not\n<a id=\"x\"></a>\n")
	want := []string{"a", "a-1", "x"}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("anchors = %q, want %q", keys, want)
	}
}

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/internal/readfile"
	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/stacks"
)

type lintConfig struct {
	paths           []string
	format          string
	failOn          lint.Severity
	policy          string
	merge           bool
	envFiles        []string
	noInlineIgnores bool
	forceExclude    bool
	enable, disable []string
	maxSize         int
	listRules       bool
	explain         string
	fix, diff       bool
	devOverride     string
	addVersion      bool
}

// parseLint is the pure flag parser of `stackgen lint`.
func parseLint(args []string) (lintConfig, error) {
	c := lintConfig{format: "text", maxSize: lint.MaxFileSize}
	var failOn string
	fs := newFlags("lint")
	fs.StringVar(&c.format, "format", "text", "")
	fs.StringVar(&failOn, "fail-on", "error", "")
	fs.StringVar(&c.policy, "policy", "", "")
	fs.BoolVar(&c.merge, "merge", false, "")
	fs.StringArrayVar(&c.envFiles, "env-file", nil, "")
	fs.BoolVar(&c.noInlineIgnores, "no-inline-ignores", false, "")
	fs.BoolVar(&c.forceExclude, "force-exclude", false, "")
	fs.StringArrayVar(&c.enable, "enable", nil, "")
	fs.StringArrayVar(&c.disable, "disable", nil, "")
	fs.IntVar(&c.maxSize, "max-size", lint.MaxFileSize, "")
	fs.BoolVar(&c.listRules, "list-rules", false, "")
	fs.StringVar(&c.explain, "explain", "", "")
	fs.BoolVar(&c.fix, "fix", false, "")
	fs.BoolVar(&c.diff, "diff", false, "")
	fs.StringVar(&c.devOverride, "dev-override", "", "")
	fs.BoolVar(&c.addVersion, "add-version", false, "")
	if err := fs.Parse(args); err != nil {
		return c, parseError("lint", err)
	}
	c.paths = fs.Args()
	ok := false
	for _, f := range lint.Formats {
		ok = ok || f == c.format
	}
	if !ok {
		return c, failf("lint: --format %q: want %s", c.format, strings.Join(lint.Formats, ", "))
	}
	sev, err := lint.ParseSeverity(failOn)
	if err != nil || sev == 0 {
		return c, failf("lint: --fail-on %q: want error, warning or info", failOn)
	}
	c.failOn = sev
	if c.maxSize <= 0 {
		return c, failf("lint: --max-size must be positive")
	}
	if c.explain == "" && !c.listRules && len(c.paths) == 0 {
		return c, failf("lint: no FILE, DIR or - given").Hint("stackgen lint docker-stack.yml, or stackgen render | stackgen lint -")
	}
	if err := lint.DefaultPolicy().Select(c.enable, c.disable); err != nil {
		return c, failf("lint: %w", err)
	}
	if c.diff {
		c.fix = true // --diff shows what --fix would write
	}
	if c.devOverride != "" && (!c.fix || c.diff || len(c.paths) != 1 || c.paths[0] == "-") {
		return c, failf("lint: --dev-override needs --fix and one FILE (not --diff, not -)")
	}
	if c.addVersion && !c.fix {
		return c, failf("lint: --add-version needs --fix or --diff")
	}
	if c.fix && c.merge {
		return c, failf("lint: --fix and --merge cannot go together: each file is fixed on its own")
	}
	if c.merge && len(c.paths) < 2 {
		return c, failf("lint: --merge needs at least two files")
	}
	return c, nil
}

func cmdLint(e *env, args []string) error {
	c, err := parseLint(args)
	if err != nil {
		return err
	}
	if c.listRules {
		if err := lint.WriteRules(e.stdout, c.format); err != nil {
			return failf("lint: %w", err)
		}
		return nil
	}
	if c.explain != "" {
		r := lint.RuleByID(strings.ToUpper(c.explain))
		if r == nil {
			return failf("lint: --explain: no rule %q", c.explain).Hint("stackgen lint --list-rules lists them")
		}
		fmt.Fprint(e.stdout, lint.Markdown(r))
		return nil
	}

	envLookup, err := lintEnv(e, c.envFiles)
	if err != nil {
		return err
	}
	pols := &policies{explicit: c.policy, enable: c.enable, disable: c.disable}
	if c.policy != "" {
		// An explicit policy is checked before any file, so its errors are never hidden.
		if _, err := pols.forDir("."); err != nil {
			return err
		}
	}
	in := &inputs{e: e, c: c, pols: pols, tree: workTree(), outside: map[string]bool{}}
	opts := lint.Options{Policy: pols.forFile, Env: envLookup,
		MaxSize: c.maxSize, Merge: c.merge, NoInlineIgnores: c.noInlineIgnores, FileExists: in.envFileExists}
	if c.fix {
		return lintFix(e, c, in, opts)
	}
	result, inputErrs, err := lint.Check(in.files(), opts)
	if err == nil {
		err = in.err
	}
	if err != nil {
		return err
	}
	return in.report(e.stdout, result, inputErrs)
}

// report writes the findings to out and returns the run's outcome: the input errors (exit 2), or
// exit 1 for findings at or above --fail-on.
func (in *inputs) report(out io.Writer, result *lint.Result, inputErrs []error) error {
	c := in.c
	in.withhold(result, inputErrs)
	w := bufio.NewWriter(out)
	if err := lint.Write(w, c.format, result, version()); err != nil {
		return failf("lint: %w", err)
	}
	if c.format == "text" && (len(result.Findings) > 0 || len(result.Omitted) > 0) {
		fmt.Fprintln(w, result.Summary())
	}
	if err := w.Flush(); err != nil {
		return failf("lint: %w", err)
	}
	if len(inputErrs) > 0 {
		return errors.Join(inputErrs...)
	}
	if result.Worst() >= c.failOn {
		return failure.Exit(1)
	}
	return nil
}

// workTree is what lint treats as the checkout: the repository holding the working directory, else
// the working directory. Discovery never leaves it, and a file named on the command line that
// resolves outside it is linted with its findings' details withheld.
func workTree() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if root := stacks.Root(wd); root != "" {
		wd = root
	}
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		return real
	}
	return wd
}

// inside reports whether path, symlinks followed, is in the work tree.
func inside(tree, path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	if real, err = filepath.Abs(real); err != nil {
		return false
	}
	rel, err := filepath.Rel(tree, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// inputs yields the files to lint one at a time: standard input for "-", each named file, and the
// Compose files discovery finds under each named directory. Discovery reads only regular files
// named like Compose files, never follows a symbolic link, never opens a FIFO, socket or device,
// and skips what the policy in force excludes; named files are read wherever they lead (and
// excluded only with --force-exclude).
type inputs struct {
	e       *env
	c       lintConfig
	pols    *policies
	tree    string
	outside map[string]bool // named files that resolve outside the work tree
	err     error           // stops the run once the sequence ends (nothing found under a directory)
}

func (in *inputs) files() iter.Seq2[lint.File, error] {
	return func(yield func(lint.File, error) bool) {
		for _, p := range in.c.paths {
			if !in.path(p, yield) {
				return
			}
		}
	}
}

// path yields the files of one command-line argument; false stops the sequence.
func (in *inputs) path(p string, yield func(lint.File, error) bool) bool {
	if p == "-" {
		data, err := io.ReadAll(io.LimitReader(in.e.stdin, int64(in.c.maxSize)+1))
		switch {
		case err != nil:
			return yield(lint.File{}, failf("lint: read standard input: %w", err))
		case len(strings.TrimSpace(string(data))) == 0:
			return yield(lint.File{}, failf("lint: standard input is empty: nothing to lint"))
		}
		return yield(lint.File{Name: "<stdin>", Data: data}, nil)
	}
	st, err := os.Stat(p)
	if err != nil {
		return yield(lint.File{}, failf("lint: %s: %s", p, readfile.Describe(err)))
	}
	if !st.IsDir() {
		if excluded, err := in.excluded(p); err != nil || excluded && in.c.forceExclude {
			return err == nil || yield(lint.File{}, err)
		}
		if !inside(in.tree, p) {
			in.outside[p] = true
		}
		data, err := readfile.Read(p, int64(in.c.maxSize), readfile.Options{})
		if err != nil {
			return yield(lint.File{}, in.readError(p, err))
		}
		return yield(lint.File{Name: p, Data: data}, nil)
	}
	names, err := lint.Discover(os.DirFS(p), ".")
	if err != nil {
		return yield(lint.File{}, failf("lint: %s: %w", p, err))
	}
	var found, excludedN int
	var skipped []string // named like Compose files, but without services:
	for _, name := range names {
		name = filepath.Join(p, filepath.FromSlash(name))
		excluded, err := in.excluded(name)
		if err != nil {
			return yield(lint.File{}, err)
		}
		if excluded {
			excludedN++
			continue
		}
		// O_NOFOLLOW: a file that became a link since the walk is refused, not followed.
		data, err := readfile.Read(name, int64(in.c.maxSize), readfile.Options{NoFollow: true})
		if errors.Is(err, readfile.ErrNotRegular) {
			continue
		}
		if err != nil {
			if !yield(lint.File{}, in.readError(name, err)) {
				return false
			}
			found++
			continue
		}
		if !lint.IsCompose(data) {
			skipped = append(skipped, name) // a spec, a policy or other YAML
			continue
		}
		found++
		if !yield(lint.File{Name: name, Data: data}, nil) {
			return false
		}
	}
	if found == 0 && excludedN > 0 {
		// Everything here is excluded by a reviewed policy: not a silent pass, but said.
		fmt.Fprintf(in.e.stderr, "stackgen: %s: nothing to lint; %d file(s) excluded by the policy's exclude list\n", p, excludedN)
		return true
	}
	if found == 0 && in.err == nil {
		xe := failf("lint: %s: no Compose or stack files found (*compose*.y*ml, *stack*.y*ml or docker-*.y*ml with services:)", p)
		if len(skipped) > 0 {
			xe.Hint("named like one but without services: %s", strings.Join(skipped, ", "))
		}
		in.err = xe
	}
	return true
}

func (in *inputs) readError(name string, err error) error {
	var tl *readfile.TooLargeError
	if errors.As(err, &tl) {
		return failf("lint: %s: file is larger than the %d-byte limit", name, tl.Max).Hint("raise it with --max-size if this is really a stack file")
	}
	return failf("lint: %s: %s", name, readfile.Describe(err))
}

// excluded reports whether the policy in force for file excludes it.
func (in *inputs) excluded(file string) (bool, error) {
	pol, err := in.pols.forFile(file)
	if err != nil || pol.File == "" || len(pol.Exclude) == 0 {
		return false, err
	}
	base, err := filepath.Abs(filepath.Dir(pol.File))
	if err != nil {
		return false, nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return false, nil
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false, nil
	}
	return pol.Excluded(filepath.ToSlash(rel)), nil
}

// envFileExists says whether an env_file docker would read exists. It looks only inside the work
// tree: an absolute path or one that leads out of it counts as present, so that lint never tells a
// pull request which files the runner has.
func (in *inputs) envFileExists(path string) bool {
	if !inside(in.tree, filepath.Dir(path)) {
		return true
	}
	if st, err := os.Lstat(path); err == nil && st.Mode()&fs.ModeSymlink != 0 && !inside(in.tree, path) {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// withhold replaces what the findings and errors of files outside the work tree say with their
// rule's title: such a file was named on the command line, and its content (a key, a password
// hash) must not be printed back.
func (in *inputs) withhold(res *lint.Result, inputErrs []error) {
	if len(in.outside) == 0 {
		return
	}
	for i, f := range res.Findings {
		if in.outside[f.File] {
			title := ""
			if r := lint.RuleByID(f.Rule); r != nil {
				title = r.Title
			}
			res.Findings[i].Message = title + " (details withheld: " + f.File + " resolves outside " + in.tree + ")"
		}
	}
	for _, err := range inputErrs {
		var ie *lint.InputError
		if errors.As(err, &ie) && in.outside[ie.File] {
			ie.Msg = "cannot be linted (details withheld: the file resolves outside " + in.tree + ")"
		}
	}
}

// lintEnv resolves ${VAR} from the environment, then --env-file values (KEY=VALUE lines).
func lintEnv(e *env, files []string) (lint.Env, error) {
	vals := map[string]string{}
	for _, f := range files {
		data, err := readfile.Read(f, maxSmallFile, readfile.Options{})
		if err != nil {
			return nil, failf("--env-file %s: %s", f, readfile.Describe(err))
		}
		got, err := lint.ParseEnvFile(f, data)
		if err != nil {
			return nil, err
		}
		maps.Copy(vals, got)
	}
	return func(name string) (string, bool) {
		if v, ok := e.lookupEnv(name); ok {
			return v, true
		}
		v, ok := vals[name]
		return v, ok
	}, nil
}

// maxSmallFile bounds the files a person writes by hand: a policy, an env file, a recipients list.
const maxSmallFile = 1 << 20

// policies finds and loads the policy of each linted file once: --policy alone when given; else the
// nearest .stackgen.yaml at or above the file's directory, not above the repository root; else the
// built-in default. A .stackgen.yaml below the root counts only when the root's own says nested:
// true, so that a pull request cannot plant one that turns a gate off. --enable and --disable go
// over each.
type policies struct {
	explicit        string
	enable, disable []string
	cache           map[string]*lint.Policy
}

func (ps *policies) forFile(file string) (*lint.Policy, error) {
	if file == "<stdin>" {
		return ps.forDir(".")
	}
	return ps.forDir(filepath.Dir(file))
}

// forDir is the policy of the files in dir.
func (ps *policies) forDir(dir string) (*lint.Policy, error) {
	path := ps.explicit
	if path == "" {
		path = stacks.FindUp(dir, ".stackgen.yaml")
	}
	p, err := ps.load(path)
	if err != nil || ps.explicit != "" || path == "" {
		return p, err
	}
	root := stacks.Root(dir)
	if root == "" || sameFile(filepath.Dir(path), root) {
		return p, nil
	}
	rootPath := filepath.Join(root, ".stackgen.yaml")
	rp, err := ps.load(stacks.FindUp(root, ".stackgen.yaml"))
	if err != nil {
		return nil, err
	}
	if rp.File == "" || !rp.Nested {
		return nil, failf("%s: a policy below the repository root counts only when %s says nested: true", path, rootPath).
			Hint("move its settings into %s, or add nested: true there if each directory may set its own policy", rootPath).
			Hint("a CI gate should name its policy: stackgen lint --policy .stackgen.yaml")
	}
	return p, nil
}

// load reads and validates one policy file ("" is the built-in default), once.
func (ps *policies) load(path string) (*lint.Policy, error) {
	if p, ok := ps.cache[path]; ok {
		return p, nil
	}
	p := lint.DefaultPolicy()
	if path != "" {
		data, err := readfile.Read(path, maxSmallFile, readfile.Options{})
		if err != nil {
			return nil, failf("--policy %s: %s", path, readfile.Describe(err))
		}
		if p, err = lint.ParsePolicy(path, data); err != nil {
			return nil, failf("%w", err)
		}
	}
	if err := p.Select(ps.enable, ps.disable); err != nil {
		return nil, failf("lint: %w", err)
	}
	if ps.cache == nil {
		ps.cache = map[string]*lint.Policy{}
	}
	ps.cache[path] = p
	return p, nil
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

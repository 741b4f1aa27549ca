package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/webvig/stackgen/lint"
)

const lintUsage = `Usage:
    stackgen lint [OPTIONS] [FILE|DIR|-]...

Check Compose and stack files against what docker stack deploy, Swarm and Redis really do, and
against the team's policy. Directories are searched for *compose*.y*ml, *stack*.y*ml and
docker-*.y*ml; "-" reads standard input (stackgen render | stackgen lint -).

Options:
        --format FORMAT       text (default), json, sarif or github.
        --fail-on SEVERITY    Exit 1 when a finding is at or above error (default), warning or info.
        --policy FILE         Policy file (default: .stackgen.yaml found upward from each file).
        --merge               Merge the files in order, as Compose merges overrides, and lint the result.
        --env-file FILE       Read ${VAR} values from FILE too (repeatable); the environment always counts.
        --no-inline-ignores   Do not honour "# stackgen:ignore" comments (for a central CI).
        --max-size BYTES      Refuse files larger than this (default 4194304).
        --list-rules          Print every rule and exit.
        --explain ID          Print a rule's documentation and exit.

Suppress one finding on its line or the line above, with a reason:
    # stackgen:ignore PL201 -- metrics port scraped from the host only

Exit status: 0 no findings at or above --fail-on, 1 such findings, 2 usage or unreadable input.

Examples:
    $ stackgen lint docker-stack.yml
    $ stackgen render | stackgen lint --fail-on warning -
    $ stackgen lint --format sarif . > stackgen.sarif
`

type lintConfig struct {
	paths           []string
	format          string
	failOn          lint.Severity
	policy          string
	merge           bool
	envFiles        []string
	noInlineIgnores bool
	maxSize         int
	listRules       bool
	explain         string
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
	fs.IntVar(&c.maxSize, "max-size", lint.MaxFileSize, "")
	fs.BoolVar(&c.listRules, "list-rules", false, "")
	fs.StringVar(&c.explain, "explain", "", "")
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
		return c, failf("lint: no FILE, DIR or - given").hint("stackgen lint docker-stack.yml, or stackgen render | stackgen lint -")
	}
	if c.merge && len(c.paths) < 2 {
		return c, failf("lint: --merge needs at least two files")
	}
	return c, nil
}

func cmdLint(e *env, args []string) error {
	c, err := parseLint(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(e.stdout, lintUsage)
		return nil
	}
	if err != nil {
		return err
	}
	if c.listRules {
		w := bufio.NewWriter(e.stdout)
		for _, r := range lint.Rules {
			fmt.Fprintf(w, "%s\t%-7s\t%-8s\t%s\n", r.ID, r.Severity, r.Category(), r.Title)
		}
		return w.Flush()
	}
	if c.explain != "" {
		r := lint.RuleByID(strings.ToUpper(c.explain))
		if r == nil {
			return failf("lint: --explain: no rule %q", c.explain).hint("stackgen lint --list-rules lists them")
		}
		fmt.Fprint(e.stdout, lint.Markdown(r))
		return nil
	}

	envLookup, err := lintEnv(c.envFiles)
	if err != nil {
		return err
	}
	inputs, err := collectInputs(e, c)
	if err != nil {
		return err
	}
	policies := map[string]*lint.Policy{}
	policyFor := func(file string) (*lint.Policy, error) {
		path := c.policy
		if path == "" {
			dir := "."
			if file != "<stdin>" {
				dir = filepath.Dir(file)
			}
			path = findPolicy(dir)
		}
		if p, ok := policies[path]; ok {
			return p, nil
		}
		p := lint.DefaultPolicy()
		if path != "" {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, failf("--policy %s: %s", path, describeOpenError(err))
			}
			if p, err = lint.ParsePolicy(path, data); err != nil {
				return nil, failf("%w", err)
			}
		}
		policies[path] = p
		return p, nil
	}

	if c.policy != "" {
		// An explicit policy is checked before any file, so its errors are never hidden.
		if _, err := policyFor(""); err != nil {
			return err
		}
	}
	var inputErrs []error
	result := &lint.Result{}
	run := func(d *lint.Document, file string) error {
		pol, err := policyFor(file)
		if err != nil {
			return err
		}
		// docker reads env_file relative to the (first) stack file's directory, stdin's from here.
		dir := "."
		if file != "<stdin>" {
			dir = filepath.Dir(file)
		}
		d.FileExists = func(p string) bool {
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			st, err := os.Stat(p)
			return err == nil && st.Mode().IsRegular()
		}
		r := lint.Run([]*lint.Document{d}, lint.Options{Policy: pol, NoInlineIgnores: c.noInlineIgnores})
		result.Findings = append(result.Findings, r.Findings...)
		result.Files += r.Files
		return nil
	}
	if c.merge {
		names := make([]string, len(inputs))
		datas := make([][]byte, len(inputs))
		for i, in := range inputs {
			names[i], datas[i] = in.name, in.data
		}
		d, err := lint.Merge(names, datas, envLookup, c.maxSize)
		if err != nil {
			return failf("%v", err)
		}
		if err := run(d, names[0]); err != nil {
			return err
		}
	} else {
		for _, in := range inputs {
			d, err := lint.Load(in.name, in.data, envLookup, c.maxSize)
			if err != nil {
				inputErrs = append(inputErrs, err)
				continue
			}
			if err := run(d, in.name); err != nil {
				return err
			}
		}
	}
	lint.SortFindings(result.Findings)
	w := bufio.NewWriter(e.stdout)
	if err := lint.Write(w, c.format, result, version()); err != nil {
		return failf("lint: %v", err)
	}
	if err := w.Flush(); err != nil {
		return failf("lint: %v", err)
	}
	if len(inputErrs) > 0 {
		return &exitError{code: 2, err: errors.Join(inputErrs...)}
	}
	if result.Worst() >= c.failOn {
		return &exitError{code: 1}
	}
	return nil
}

type lintInput struct {
	name string
	data []byte
}

// collectInputs reads the named files, the matching files under directories, and stdin for "-".
// Finding nothing, or empty stdin, is an error: a linter never passes silently.
func collectInputs(e *env, c lintConfig) ([]lintInput, error) {
	var out []lintInput
	for _, p := range c.paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(e.stdin, int64(c.maxSize)+1))
			if err != nil {
				return nil, failf("lint: read standard input: %v", err)
			}
			if len(strings.TrimSpace(string(data))) == 0 {
				return nil, failf("lint: standard input is empty: nothing to lint")
			}
			out = append(out, lintInput{"<stdin>", data})
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, failf("lint: %s: %s", p, describeOpenError(err))
		}
		if !st.IsDir() {
			data, err := readFile(p, c.maxSize)
			if err != nil {
				return nil, err
			}
			out = append(out, lintInput{p, data})
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "vendor") {
					return filepath.SkipDir
				}
				return nil
			}
			if !composeName(d.Name()) {
				return nil
			}
			data, err := readFile(path, c.maxSize)
			if err != nil {
				return err
			}
			found++
			out = append(out, lintInput{path, data})
			return nil
		})
		if err != nil {
			var xe *exitError
			if errors.As(err, &xe) {
				return nil, xe
			}
			return nil, failf("lint: %s: %v", p, err)
		}
		if found == 0 {
			return nil, failf("lint: %s: no *compose*.y*ml, *stack*.y*ml or docker-*.y*ml files found", p)
		}
	}
	return out, nil
}

func composeName(name string) bool {
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ".yml") && !strings.HasSuffix(lower, ".yaml") {
		return false
	}
	return strings.Contains(lower, "compose") || strings.Contains(lower, "stack") || strings.HasPrefix(lower, "docker-")
}

func readFile(path string, maxSize int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, failf("lint: %s: %s", path, describeOpenError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(maxSize)+1))
	if err != nil {
		return nil, failf("lint: %s: %v", path, err)
	}
	return data, nil
}

// findPolicy looks for .stackgen.yaml in dir and its parents.
func findPolicy(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(abs, ".stackgen.yaml")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			if rel, err := filepath.Rel(".", p); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
			return p
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs = parent
	}
}

// lintEnv resolves ${VAR} from the environment, then --env-file values (KEY=VALUE lines).
func lintEnv(files []string) (lint.Env, error) {
	vals := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, failf("--env-file %s: %s", f, describeOpenError(err))
		}
		for n, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, failf("--env-file %s:%d: want KEY=VALUE", f, n+1)
			}
			vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return func(name string) (string, bool) {
		if v, ok := os.LookupEnv(name); ok {
			return v, true
		}
		v, ok := vals[name]
		return v, ok
	}, nil
}

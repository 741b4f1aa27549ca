package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
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
	enable, disable []string
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
	fs.StringArrayVar(&c.enable, "enable", nil, "")
	fs.StringArrayVar(&c.disable, "disable", nil, "")
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
		return c, failf("lint: no FILE, DIR or - given").Hint("stackgen lint docker-stack.yml, or stackgen render | stackgen lint -")
	}
	if err := lint.DefaultPolicy().Select(c.enable, c.disable); err != nil {
		return c, failf("lint: %w", err)
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
	inputs, err := collectInputs(e, c)
	if err != nil {
		return err
	}
	pols := &policies{explicit: c.policy, enable: c.enable, disable: c.disable}
	policyFor := pols.forFile
	if c.policy != "" {
		// An explicit policy is checked before any file, so its errors are never hidden.
		if _, err := policyFor(""); err != nil {
			return err
		}
	}
	result, inputErrs, err := lint.Check(lint.Files(inputs...), lint.Options{Policy: policyFor, Env: envLookup,
		MaxSize: c.maxSize, Merge: c.merge, NoInlineIgnores: c.noInlineIgnores, FileExists: regularFile})
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	if err := lint.Write(w, c.format, result, version()); err != nil {
		return failf("lint: %w", err)
	}
	if c.format == "text" && len(result.Findings) > 0 {
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

// collectInputs reads the named files, the matching files under directories, and stdin for "-".
// Finding nothing, or empty stdin, is an error: a linter never passes silently.
func collectInputs(e *env, c lintConfig) ([]lint.File, error) {
	var out []lint.File
	for _, p := range c.paths {
		if p == "-" {
			data, err := io.ReadAll(io.LimitReader(e.stdin, int64(c.maxSize)+1))
			if err != nil {
				return nil, failf("lint: read standard input: %w", err)
			}
			if len(strings.TrimSpace(string(data))) == 0 {
				return nil, failf("lint: standard input is empty: nothing to lint")
			}
			out = append(out, lint.File{Name: "<stdin>", Data: data})
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, failf("lint: %s: %s", p, readfile.Describe(err))
		}
		if !st.IsDir() {
			data, err := readFile(p, c.maxSize)
			if err != nil {
				return nil, err
			}
			out = append(out, lint.File{Name: p, Data: data})
			continue
		}
		names, err := lint.Discover(os.DirFS(p), ".")
		if err != nil {
			return nil, failf("lint: %s: %w", p, err)
		}
		var skipped []string
		for _, name := range names {
			name = filepath.Join(p, filepath.FromSlash(name))
			data, err := readFile(name, c.maxSize)
			if err != nil {
				return nil, err
			}
			if !lint.IsCompose(data) {
				skipped = append(skipped, name) // named like one, but a spec, a policy or other YAML
				continue
			}
			out = append(out, lint.File{Name: name, Data: data})
		}
		if len(names) == len(skipped) {
			xe := failf("lint: %s: no Compose or stack files found (*compose*.y*ml, *stack*.y*ml or docker-*.y*ml with services:)", p)
			if len(skipped) > 0 {
				xe.Hint("named like one but without services: %s", strings.Join(skipped, ", "))
			}
			return nil, xe
		}
	}
	return out, nil
}

func readFile(path string, maxSize int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, failf("lint: %s: %s", path, readfile.Describe(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(maxSize)+1))
	if err != nil {
		return nil, failf("lint: %s: %w", path, err)
	}
	return data, nil
}

// lintEnv resolves ${VAR} from the environment, then --env-file values (KEY=VALUE lines).
func lintEnv(e *env, files []string) (lint.Env, error) {
	vals := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
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

// policies finds and loads the policy of each linted file once: --policy, else .stackgen.yaml found
// upward from the file, else the built-in default; --enable and --disable go over each.
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
	if p, ok := ps.cache[path]; ok {
		return p, nil
	}
	p := lint.DefaultPolicy()
	if path != "" {
		data, err := os.ReadFile(path)
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

// regularFile reports whether path names a regular file (an env_file docker would read).
func regularFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

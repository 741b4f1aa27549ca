package main

import (
	"bytes"
	"errors"
	"fmt"

	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/webvig/stackgen/lint"
)

// lintFix is `stackgen lint --fix`: each file is fixed (lint.Fix) and written back in place, or
// shown as a unified diff with --diff, or written to standard output when it came from standard
// input; then lint runs on the results, and the exit status is that of the findings that remain.
// A file lint cannot load is not touched: its error is the usual input error (exit 2).
func lintFix(e *env, c lintConfig, in *inputs, opts lint.Options) error {
	var results []lint.File
	var errs []error
	// Findings go where the file or the diff does not.
	findingsOut := e.stdout
	var stdout bytes.Buffer
	for f, ferr := range in.files() {
		if ferr != nil {
			errs = append(errs, ferr)
			continue
		}
		if f.Name == "<stdin>" || c.diff {
			findingsOut = e.stderr
		}
		res, err := lint.FixWith(f.Name, f.Data, lint.FixOptions{Env: opts.Env, MaxSize: opts.MaxSize, DevOverride: c.devOverride, AddVersion: c.addVersion})
		if err != nil {
			results = append(results, f) // Check reports why it cannot be loaded
			continue
		}
		changed := !bytes.Equal(res.Data, f.Data)
		if changed && in.outside[f.Name] {
			// Neither rewritten nor shown: lint never prints such a file's content.
			errs = append(errs, failf("lint: --fix: %s resolves outside %s; it is not rewritten", f.Name, in.tree))
			results = append(results, f)
			continue
		}
		switch {
		case c.diff:
			if changed {
				stdout.Write(diff.Diff(f.Name+".orig", f.Data, f.Name, res.Data))
			}
		case f.Name == "<stdin>":
			stdout.Write(res.Data)
		case changed:
			if err := in.writeFixed(f.Name, res.Data, c.devOverride, res.Override); err != nil {
				errs = append(errs, err)
				results = append(results, f)
				continue
			}
		}
		for _, ch := range res.Changes {
			what := "fixed"
			if ch.Note {
				what = "note"
			} else if c.diff || f.Name == "<stdin>" {
				what = "fix"
			}
			fmt.Fprintf(e.stderr, "%s:%d: %s: %s (%s)\n", f.Name, ch.Line, what, ch.Msg, ch.Rule)
		}
		results = append(results, lint.File{Name: f.Name, Data: res.Data})
	}
	if err := in.err; err != nil {
		return err
	}
	if _, err := e.stdout.Write(stdout.Bytes()); err != nil {
		return failf("lint: %w", err)
	}
	result, inputErrs, err := lint.Check(lint.Files(results...), opts)
	if err != nil {
		return err
	}
	err = in.report(findingsOut, result, append(errs, inputErrs...))
	return err
}

// writeFixed replaces a named file with its fixed bytes, atomically and with its mode kept. A file
// nobody may write, or in a directory nobody may write, is refused (even for root, who could); a
// file that resolves outside the work tree is never rewritten, as lint never prints its content.
// A symbolic link inside the tree is kept: its target is rewritten.
func (in *inputs) writeFixed(name string, data []byte, overrideName string, override []byte) error {
	real, err := filepath.EvalSymlinks(name)
	if err != nil {
		return failf("%s: %w", name, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return failf("%s: %w", name, err)
	}
	if st.Mode().Perm()&0o222 == 0 {
		return failf("%s: the file is read-only; not fixed", name)
	}
	dir, err := os.Stat(filepath.Dir(real))
	if err != nil {
		return failf("%s: %w", name, err)
	}
	if dir.Mode().Perm()&0o222 == 0 {
		return failf("%s: its directory %s is read-only; not fixed", name, filepath.Dir(real))
	}
	if override != nil {
		// Written first, and never over an existing file: the stack file is rewritten only once
		// what it loses is kept.
		if _, err := os.Lstat(overrideName); err == nil {
			return failf("%s: the override %s exists; not fixed", name, overrideName).Hint("remove it, or name another with --dev-override")
		}
		if err := writeFileAtomic(overrideName, override, 0o644); err != nil {
			return failf("%s: %s; not fixed", overrideName, err)
		}
	}
	if err := writeFileAtomic(real, data, st.Mode().Perm()); err != nil {
		if override != nil {
			os.Remove(overrideName)
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return failf("%s: %s; not fixed", name, strings.TrimPrefix(err.Error(), "open "))
	}
	return nil
}

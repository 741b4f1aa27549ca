package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/internal/readfile"
	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/stacks"
)

type renderConfig struct {
	spec      string // "" for the embedded default
	output    string
	overrides []generator.Override
}

// overrideFlags are the render knobs that every command rendering a stack accepts.
var overrideFlags = []string{"stack", "image", "maxmemory", "memory-limit", "memory-reservation", "constraint"}

// parseRender is the pure flag parser of `stackgen render`.
func parseRender(args []string) (renderConfig, error) {
	var c renderConfig
	fs := newFlags("render")
	fs.StringVarP(&c.output, "output", "o", "", "")
	defineOverrides(fs)
	if err := fs.Parse(args); err != nil {
		return c, parseError("render", err)
	}
	if fs.NArg() > 1 {
		return c, failf("render: takes at most one SPEC, got %d", fs.NArg()).Hint(`run "stackgen render --help" for usage`)
	}
	c.spec = fs.Arg(0)
	c.overrides = collectOverrides(fs)
	return c, nil
}

func defineOverrides(fs *pflag.FlagSet) {
	for _, name := range overrideFlags {
		if name == "constraint" {
			fs.StringArray(name, nil, "")
		} else {
			fs.String(name, "", "")
		}
	}
}

// collectOverrides lists the override flags that were set, in a fixed order.
func collectOverrides(fs *pflag.FlagSet) []generator.Override {
	var out []generator.Override
	for _, name := range overrideFlags {
		if !fs.Changed(name) {
			continue
		}
		if name == "constraint" {
			vals, _ := fs.GetStringArray(name)
			for _, v := range vals {
				out = append(out, generator.Override{Flag: "--" + name, Value: v})
			}
			continue
		}
		v, _ := fs.GetString(name)
		out = append(out, generator.Override{Flag: "--" + name, Value: v})
	}
	return out
}

func cmdRender(e *env, args []string) error {
	c, err := parseRender(args)
	if err != nil {
		return err
	}
	spec, sealed, src, err := e.loadSpec(c.spec, c.overrides)
	if err != nil {
		return err
	}
	out, err := e.renderChecked(spec, sealed, src)
	if err != nil {
		return err
	}
	if c.output == "" {
		_, err := e.stdout.Write(out)
		return err
	}
	if err := writeFileAtomic(c.output, out, 0o644); err != nil {
		return failf("render: %w", err)
	}
	return nil
}

// loadSpec reads the spec (stacks.Resolve says which) and its sealed password, and says on stderr
// when it falls back to the copy built into stackgen.
func (e *env) loadSpec(arg string, overrides []generator.Override) (*generator.Spec, []byte, *stacks.Source, error) {
	spec, sealed, src, err := stacks.Load(arg, overrides)
	if err == nil {
		spec.Arg = arg
	}
	if err == nil && src.Embedded {
		fmt.Fprintf(e.stderr, "stackgen: no %s here or in a parent directory; using the copy built into stackgen\n", stacks.DefaultPath)
	}
	return spec, sealed, src, err
}

// renderChecked renders the spec and lints the result with the policy in force where the spec lives
// (.stackgen.yaml found upward, else the built-in default): an error finding refuses it, exit 1 with
// the findings on stderr; warnings are shown and let it pass.
func (e *env) renderChecked(spec *generator.Spec, sealed []byte, src *stacks.Source) ([]byte, error) {
	out, err := generator.Render(spec, sealed)
	if err != nil {
		return nil, err
	}
	name := "render of " + spec.File
	dir := src.Dir
	if src.Embedded {
		dir = "."
	}
	pols := &policies{}
	pol, err := pols.forDir(dir)
	if err != nil {
		return nil, err
	}
	res, inputErrs, err := lint.Check(lint.Files(lint.File{Name: name, Data: out}), lint.Options{
		Policy: func(string) (*lint.Policy, error) { return pol, nil }, Env: func(string) (string, bool) { return "", false }})
	if err == nil && len(inputErrs) > 0 {
		err = errors.Join(inputErrs...)
	}
	if err != nil {
		return nil, err
	}
	if len(res.Findings) > 0 {
		if err := lint.Write(e.stderr, "text", res, version()); err != nil {
			return nil, err
		}
	}
	if res.Worst() >= lint.Error {
		policy := "the built-in default policy"
		if pol.File != "" {
			policy = pol.File
		}
		return nil, failf("the rendered stack breaks %s; nothing was rendered", policy).WithStatus(1)
	}
	return out, nil
}

// writeFileAtomic writes data to a temporary file beside name and renames it into place, so a reader
// never sees a half-written file and a failure leaves the old one untouched. It refuses to replace
// anything but a regular file (a device, a FIFO, a symbolic link such as /dev/stdout), and removes
// the temporary file if SIGINT or SIGTERM arrives before the rename: it may hold a password.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	if err := checkOutput(name); err != nil {
		return err
	}
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	defer removeOnSignal(tmp.Name())()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	beforeRename()
	return os.Rename(tmp.Name(), name)
}

// checkOutput refuses an output path that exists and is not a regular file.
func checkOutput(name string) error {
	if st, err := os.Lstat(name); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("%s is %s, not a regular file; give a path to a file", name, readfile.Kind(st.Mode()))
	}
	return nil
}

// beforeRename is a seam for the test that interrupts a write between the write and the rename.
var beforeRename = func() {}

// removeOnSignal removes path if SIGINT or SIGTERM arrives before the returned stop is called, then
// lets the signal end the process as it would have.
func removeOnSignal(path string) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			os.Remove(path)
			signal.Reset(sig)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/internal/readfile"
	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/plan"
	"github.com/webvig/stackgen/swarm"
)

type planConfig struct {
	files         []string // -c: a stack file mode
	stack         string
	spec          string // without -c: the stack spec mode
	prune         bool
	createNetwork bool
	detailed      bool
	resolveImage  string
	format        string
	envFiles      []string
	overrides     []generator.Override
}

// parsePlan is the pure flag parser of `stackgen plan`.
func parsePlan(args []string) (planConfig, error) {
	c := planConfig{resolveImage: "always", format: "text"}
	fs := newFlags("plan")
	fs.StringArrayVarP(&c.files, "compose-file", "c", nil, "")
	fs.BoolVar(&c.prune, "prune", false, "")
	fs.BoolVar(&c.createNetwork, "create-network", false, "")
	fs.BoolVar(&c.detailed, "detailed-exitcode", false, "")
	fs.StringVar(&c.resolveImage, "resolve-image", "always", "")
	fs.StringVar(&c.format, "format", "text", "")
	fs.StringArrayVar(&c.envFiles, "env-file", nil, "")
	defineOverrides(fs)
	if err := fs.Parse(args); err != nil {
		return c, parseError("plan", err)
	}
	switch c.resolveImage {
	case "always", "changed", "never":
	default:
		return c, failf("plan: --resolve-image %q: want always, changed or never", c.resolveImage)
	}
	if c.format != "text" && c.format != "json" {
		return c, failf("plan: --format %q: want text or json", c.format)
	}
	c.overrides = collectOverrides(fs)
	if len(c.files) > 0 {
		if fs.NArg() != 1 {
			return c, failf("plan: -c FILE needs the stack's name, as docker stack deploy does").Hint("stackgen plan -c docker-stack.yml STACK")
		}
		if len(c.overrides) > 0 || c.createNetwork {
			return c, failf("plan: the render overrides and --create-network go with a stack spec, not with -c")
		}
		c.stack = fs.Arg(0)
		return c, nil
	}
	if fs.NArg() > 1 {
		return c, failf("plan: takes at most one SPEC, got %d", fs.NArg()).Hint(`run "stackgen plan --help" for usage`)
	}
	if c.prune {
		return c, failf("plan: --prune goes with -c; stackgen deploy always prunes, and so does its plan")
	}
	c.spec = fs.Arg(0)
	return c, nil
}

func cmdPlan(e *env, args []string) error {
	c, err := parsePlan(args)
	if err != nil {
		return err
	}
	p, err := e.makePlan(c, nil)
	if err != nil {
		return err
	}
	if err := writePlan(e.stdout, c.format, p); err != nil {
		return err
	}
	if err := planFailure(p); err != nil {
		return err
	}
	if c.detailed && p.Changed() {
		return failure.Exit(1)
	}
	return nil
}

// planFailure is the error of a plan whose deploy would fail: exit status 2, nothing changed.
func planFailure(p *plan.Plan) error {
	if f := p.Failing(); f != "" {
		return failf("the deploy would fail: %s", f).Hint("nothing was changed")
	}
	return nil
}

// makePlan converts the stack (the -c files, or the spec's render) and plans its deploy on the Swarm
// the docker CLI talks to. d is the driver to use, nil to find one.
func (e *env) makePlan(c planConfig, d *swarm.Docker) (*plan.Plan, error) {
	var files []lint.File
	stack := c.stack
	opts := plan.Options{Prune: c.prune, ResolveImage: c.resolveImage, Provided: map[string]string{}}
	if len(c.files) > 0 {
		for _, f := range c.files {
			if f == "-" {
				data, err := io.ReadAll(io.LimitReader(e.stdin, lint.MaxFileSize+1))
				if err != nil {
					return nil, failf("plan: read standard input: %w", err)
				}
				files = append(files, lint.File{Name: "<stdin>", Data: data})
				continue
			}
			data, err := readfile.Read(f, lint.MaxFileSize, readfile.Options{})
			if err != nil {
				return nil, failf("plan: %s: %s", f, readfile.Describe(err))
			}
			files = append(files, lint.File{Name: f, Data: data})
		}
	} else {
		spec, sealed, src, err := e.loadSpec(c.spec, c.overrides)
		if err != nil {
			return nil, err
		}
		out, err := e.renderChecked(spec, sealed, src)
		if err != nil {
			return nil, err
		}
		files = []lint.File{{Name: "render of " + spec.File, Data: out}}
		stack, opts = spec.Stack, deployPlanOptions(spec, sealed, c.createNetwork, c.resolveImage)
	}
	return e.planFiles(files, stack, opts, c.envFiles, d)
}

// deployPlanOptions are what stackgen deploy does around docker stack deploy: --prune, the secrets
// secret apply creates first, and the network --create-network creates.
func deployPlanOptions(spec *generator.Spec, sealed []byte, createNetwork bool, resolveImage string) plan.Options {
	opts := plan.Options{Prune: true, ResolveImage: resolveImage, Provided: map[string]string{}}
	const applied = "stackgen deploy creates it first (stackgen secret apply)"
	opts.Provided[spec.SecretName(sealed)] = applied
	opts.Provided[spec.URLSecretName(sealed)] = applied
	if createNetwork {
		opts.Provided[spec.Network] = "stackgen deploy --create-network creates it first"
	}
	return opts
}

// planFiles plans the deploy of files (merged when several) as stack.
func (e *env) planFiles(files []lint.File, stack string, opts plan.Options, envFiles []string, d *swarm.Docker) (*plan.Plan, error) {
	doc, err := e.judge(files, envFiles)
	if err != nil {
		return nil, err
	}
	st, err := plan.Convert(doc, stack, func(path string) ([]byte, error) {
		return readfile.Read(path, 1<<20, readfile.Options{})
	})
	if err != nil {
		return nil, failf("plan: %w", err)
	}
	if d == nil {
		if d, err = swarm.Find(e.environ); err != nil {
			return nil, err
		}
		if err := swarm.RequireManager(d); err != nil {
			return nil, err
		}
	}
	var names []string
	for name := range st.Services {
		names = append(names, name)
	}
	cur, err := plan.Read(d, stack, names)
	if err != nil {
		return nil, err
	}
	return plan.Make(st, cur, opts), nil
}

// judge lints the files (merged as docker merges -c files) for what Docker would refuse, and returns
// the document: an error finding is exit status 2, with the findings on stderr.
func (e *env) judge(files []lint.File, envFiles []string) (*lint.Document, error) {
	envLookup, err := lintEnv(e, envFiles)
	if err != nil {
		return nil, err
	}
	pol := lint.DefaultPolicy()
	if err := pol.Select(nil, []string{"policy", "redis", "general", "stackgen"}); err != nil {
		return nil, err
	}
	var doc *lint.Document
	res, inputErrs, err := lint.Check(lint.Files(files...), lint.Options{
		Policy: func(string) (*lint.Policy, error) { return pol, nil }, Env: envLookup, Merge: len(files) > 1,
		Judged: func(d *lint.Document) { doc = d }})
	if err == nil && len(inputErrs) > 0 {
		err = inputErrs[0]
	}
	if err != nil {
		return nil, err
	}
	if res.Worst() >= lint.Error {
		errs := &lint.Result{Files: res.Files}
		for _, f := range res.Findings {
			if f.Severity >= lint.Error {
				errs.Findings = append(errs.Findings, f)
			}
		}
		if err := lint.Write(e.stderr, "text", errs, version()); err != nil {
			return nil, err
		}
		return nil, failf("plan: docker stack deploy would refuse the stack file (%d error(s) above); nothing was planned", len(errs.Findings))
	}
	return doc, nil
}

// writePlan prints a plan as text (one line a service and object, its changes indented, the
// summary last) or as JSON.
func writePlan(w io.Writer, format string, p *plan.Plan) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			return failf("plan: %w", err)
		}
		return nil
	}
	var b strings.Builder
	for _, o := range p.Objects {
		fmt.Fprintf(&b, "%s %s: %s", o.Kind, lint.Printable(o.Name), o.Action)
		if o.Why != "" {
			fmt.Fprintf(&b, " (%s)", lint.Printable(o.Why))
		}
		b.WriteString("\n")
	}
	for _, s := range p.Services {
		fmt.Fprintf(&b, "%s %s: %s", mark[s.Action], lint.Printable(s.Name), verdict(s))
		if s.Why != "" && s.Action != plan.Restart {
			fmt.Fprintf(&b, " (%s)", lint.Printable(s.Why))
		}
		b.WriteString("\n")
		if s.Replicas != "" {
			fmt.Fprintf(&b, "    deploy.replicas: %s (tasks added or removed; the others keep running)\n", s.Replicas)
		}
		for _, ch := range s.Changes {
			if ch.Field == "deploy.replicas" {
				continue
			}
			if ch.Old == "" {
				fmt.Fprintf(&b, "    %s: %s\n", ch.Field, lint.Printable(ch.New))
			} else {
				fmt.Fprintf(&b, "    %s: %s → %s\n", ch.Field, lint.Printable(ch.Old), lint.Printable(ch.New))
			}
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	fmt.Fprintln(&b, p.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

var mark = map[plan.Action]string{plan.Create: "+", plan.Remove: "-", plan.Unchanged: "=", plan.Update: "~",
	plan.Restart: "!", plan.Fail: "x", plan.Leave: "?", plan.Rerun: "~"}

// verdict is a service's line: what deploy does and whether tasks restart.
func verdict(s plan.Service) string {
	switch s.Action {
	case plan.Restart:
		return fmt.Sprintf("update: tasks restart (%d of %d running)", s.Restarts, s.Running)
	case plan.Update:
		return "update (no task restarts)"
	case plan.Leave:
		return "not in the file, left running"
	case plan.Rerun:
		return "update: the job runs again"
	}
	return string(s.Action)
}

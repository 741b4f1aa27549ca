package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/lint"
	"github.com/webvig/stackgen/plan"
	"github.com/webvig/stackgen/swarm"
)

type deployConfig struct {
	spec          string
	identities    []string
	allowTestKey  bool
	wait          time.Duration
	createNetwork bool
	dryRun        bool
	resolveImage  string
	restartTest   bool
	overrides     []generator.Override
}

// parseDeploy is the pure flag parser of `stackgen deploy` and `stackgen verify`.
func parseDeploy(cmd string, args []string) (deployConfig, error) {
	c := deployConfig{wait: 2 * time.Minute, resolveImage: "always"}
	fs := newFlags(cmd)
	fs.DurationVar(&c.wait, "wait", 2*time.Minute, "")
	deployFlags[cmd](fs, &c)
	defineOverrides(fs)
	if err := fs.Parse(args); err != nil {
		return c, parseError(cmd, err)
	}
	if fs.NArg() > 1 {
		return c, failf("%s: takes at most one SPEC, got %d", cmd, fs.NArg()).Hint(`run "stackgen %s --help" for usage`, cmd)
	}
	switch c.resolveImage {
	case "always", "changed", "never":
	default:
		return c, failf("%s: --resolve-image %q: want always, changed or never", cmd, c.resolveImage)
	}
	if c.wait <= 0 {
		return c, failf("%s: --wait must be positive", cmd)
	}
	c.spec = fs.Arg(0)
	c.overrides = collectOverrides(fs)
	return c, nil
}

// deployFlags are the flags deploy and verify do not share.
var deployFlags = map[string]func(fs *pflag.FlagSet, c *deployConfig){
	"deploy": func(fs *pflag.FlagSet, c *deployConfig) {
		identityFlags(fs, &c.identities, &c.allowTestKey)
		fs.BoolVar(&c.createNetwork, "create-network", false, "")
		fs.StringVar(&c.resolveImage, "resolve-image", "always", "")
		fs.BoolVar(&c.dryRun, "dry-run", false, "")
	},
	"verify": func(fs *pflag.FlagSet, c *deployConfig) { fs.BoolVar(&c.restartTest, "restart-test", false, "") },
}

func cmdDeploy(e *env, args []string) error {
	c, err := parseDeploy("deploy", args)
	if err != nil {
		return err
	}
	// Decrypting first proves the key before anything on the Swarm changes.
	spec, sealed, pw, src, err := unsealSpec(e, secretConfig{spec: c.spec, overrides: c.overrides,
		identities: c.identities, allowTestKey: c.allowTestKey})
	if err != nil {
		return err
	}
	defer clear(pw)
	rendered, err := e.renderChecked(spec, sealed, src)
	if err != nil {
		return err
	}
	d, err := swarm.Find(e.environ)
	if err != nil {
		return err
	}
	warnings, err := swarm.Preflight(d, spec, swarm.PreflightOptions{CreateNetwork: c.createNetwork, ResolveImage: c.resolveImage})
	if err != nil {
		return err
	}
	e.warn(warnings)
	// What the deploy will change, before it changes anything: the same plan as stackgen plan.
	p, err := e.planFiles([]lint.File{{Name: "render of " + spec.File, Data: rendered}}, spec.Stack,
		deployPlanOptions(spec, sealed, c.createNetwork, c.resolveImage), nil, d)
	if err != nil {
		return err
	}
	if c.dryRun {
		if err := writePlan(e.stdout, "text", p); err != nil {
			return err
		}
		return planFailure(p)
	}
	var shown strings.Builder
	if err := writePlan(&shown, "text", p); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSuffix(shown.String(), "\n"), "\n") {
		fmt.Fprintf(e.stderr, "stackgen: plan: %s\n", line)
	}
	if err := planFailure(p); err != nil {
		return err
	}
	for _, s := range p.Services {
		if s.Name == spec.ServiceName() && s.Action == plan.Restart {
			// Measured in the multi-node end-to-end test: 16 to 39 s from the old task's stop to
			// the new one's passing health check.
			fmt.Fprintf(e.stderr, "stackgen: %s restarts: the cache is unavailable until the new task is healthy, about 15-40 s\n", s.Name)
		}
	}
	if err := applySecrets(e, d, spec, sealed, pw, false); err != nil {
		return err
	}
	if c.createNetwork {
		created, err := swarm.EnsureNetwork(d, spec.Network)
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintf(e.stderr, "stackgen: created overlay network %s\n", spec.Network)
		}
	}
	service := spec.ServiceName()
	before, _ := swarm.InspectService(d, service)
	fmt.Fprintf(e.stderr, "stackgen: deploying stack %s\n", spec.Stack)
	warnings, err = swarm.Deploy(d, spec.Stack, rendered, c.resolveImage)
	e.warn(warnings) // docker's own, e.g. an image no registry could resolve
	if err != nil {
		return err
	}
	if err := swarm.Wait(d, service, before, c.wait, e.progress); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "deployed %s: running and healthy\n", service)
	return nil
}

// warn prints warnings on stderr.
func (e *env) warn(lines []string) {
	for _, l := range lines {
		fmt.Fprintf(e.stderr, "stackgen: warning: %s\n", l)
	}
}

// progress prints a line of a long-running step on stderr.
func (e *env) progress(line string) { fmt.Fprintf(e.stderr, "stackgen: %s\n", line) }

func cmdVerify(e *env, args []string) error {
	c, err := parseDeploy("verify", args)
	if err != nil {
		return err
	}
	spec, sealed, _, err := e.loadSpec(c.spec, c.overrides)
	if err != nil {
		return err
	}
	d, err := swarm.Find(e.environ)
	if err != nil {
		return err
	}
	if err := swarm.RequireManager(d); err != nil {
		return err
	}
	checks, err := swarm.Verify(d, spec, sealed)
	if err != nil {
		return err
	}
	printChecks(e, checks)
	if c.restartTest {
		more := swarm.RestartTest(d, spec, c.wait, e.progress)
		printChecks(e, more)
		checks = append(checks, more...)
	}
	failed := 0
	for _, ch := range checks {
		if !ch.OK {
			failed++
		}
	}
	if failed > 0 {
		return failf("%d of %d checks failed", failed, len(checks)).WithStatus(1)
	}
	return nil
}

// printChecks prints one line per check: "ok" or "FAIL", what, and what was observed.
func printChecks(e *env, checks []swarm.Check) {
	for _, ch := range checks {
		status := "ok  "
		if !ch.OK {
			status = "FAIL"
		}
		fmt.Fprintf(e.stdout, "%s  %s  (%s)\n", status, ch.What, ch.Observed)
	}
}

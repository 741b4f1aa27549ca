// Command stackgen renders, seals, lints, deploys and verifies a Redis cache on Docker Swarm.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/swarm"
)

const usage = `stackgen makes a Redis cache on Docker Swarm correct by construction.

Usage:
    stackgen render [-o FILE] [OVERRIDES] [SPEC]
    stackgen secret seal|apply|env|names [OPTIONS] [SPEC]
    stackgen lint [OPTIONS] [FILE|DIR|-]...
    stackgen deploy [OPTIONS] [SPEC]
    stackgen verify [--restart-test] [SPEC]
    stackgen version
    stackgen help

Commands:
    render      Print the stack file for SPEC (default: the embedded Wheel Analyzer spec).
    secret      Seal the Redis password with age; create its Swarm secrets.
    lint        Check Compose/stack files against Swarm, Redis and the team's policy.
    deploy      Preflight, create the secrets, deploy the stack and wait until it is healthy.
    verify      Check the live service: auth, persistence, limits, network, volume, health.
    version     Print stackgen's version.

Run "stackgen COMMAND --help" for a command's options.

Exit status:
    0   success, no findings at or above --fail-on
    1   findings at or above --fail-on (lint), or a deployment that did not converge
    2   usage, input, decryption or I/O error; nothing was changed

Examples:
    $ stackgen render | docker stack deploy -c - wheel_analyzer
    $ stackgen render --maxmemory 256mb -o stack.yml stacks/wheel_analyzer/stack.yaml
`

// exitError is an exit status other than 2 (findings, a failed check), or a failure with no message.
type exitError struct {
	code int
	err  error // nil: nothing to print
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// failf is a status-2 error: bad usage or input, or a failure that changed nothing.
var failf = failure.Errorf

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// env is what a command may touch outside its arguments; tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// ui is how the vault asks for passphrases: on the controlling terminal, messages on stderr.
func (e *env) ui() terminalUI { return terminalUI{stderr: e.stderr} }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	err := dispatch(e, args)
	if err == nil {
		return 0
	}
	return exitCode(err, stderr)
}

// exitCode prints err (one "stackgen: error:" line per problem, then its hints) and returns the exit
// status it means: 2 by default, 1 for findings, failed checks and deployments that did not converge.
func exitCode(err error, stderr io.Writer) int {
	code, msg := 2, err.Error()
	var xe *exitError
	switch {
	case errors.As(err, &xe):
		code = xe.code
		if xe.err == nil {
			msg = ""
		}
	case errors.Is(err, swarm.ErrNotConverged):
		code = 1
	}
	if msg != "" {
		// A joined error carries one problem per line; each gets its own prefix.
		for _, line := range strings.Split(msg, "\n") {
			fmt.Fprintf(stderr, "stackgen: error: %s\n", line)
		}
	}
	for _, h := range failure.Hints(err) {
		fmt.Fprintf(stderr, "stackgen: hint: %s\n", h)
	}
	return code
}

func dispatch(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return failf("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "render":
		return cmdRender(e, rest)
	case "secret":
		return cmdSecret(e, rest)
	case "lint":
		return cmdLint(e, rest)
	case "deploy":
		return cmdDeploy(e, rest)
	case "verify":
		return cmdVerify(e, rest)
	case "version", "--version":
		fmt.Fprintf(e.stdout, "stackgen %s\n", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	return failf("unknown command %q", cmd).Hint(`run "stackgen help" for the list of commands`)
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "-" + s.Value[:12]
			}
		}
	}
	return v + " " + info.GoVersion
}

// newFlags makes a subcommand's FlagSet: errors are returned, never printed or fatal.
func newFlags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

// parseError turns a pflag error into a status-2 error pointing at --help; errHelp is nil.
func parseError(cmd string, err error) error {
	if errors.Is(err, pflag.ErrHelp) {
		return errHelp
	}
	return failf("%s: %v", cmd, err).Hint(`run "stackgen %s --help" for usage`, cmd)
}

// errHelp asks the command to print its usage on stdout and exit 0.
var errHelp = errors.New("help requested")

// Command stackgen renders, seals, lints, deploys and verifies a Redis cache on Docker Swarm.
package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/webvig/stackgen/failure"
)

// failf is a status-2 error: bad usage or input, or a failure that changed nothing.
var failf = failure.Errorf

// The usage texts, hand-written, one per command (stackgen COMMAND --help, stackgen help COMMAND).
var (
	//go:embed usage/stackgen.txt
	usage string
	//go:embed usage/render.txt
	renderUsage string
	//go:embed usage/secret.txt
	secretUsage string
	//go:embed usage/deploy.txt
	deployUsage string
	//go:embed usage/lint.txt
	lintUsage string
	//go:embed usage/plan.txt
	planUsage string
)

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr))
}

// env is what a command may touch outside its arguments; tests give their own.
type env struct {
	environ        []string // KEY=VALUE, as os.Environ
	stdin          io.Reader
	stdout, stderr io.Writer
}

// lookupEnv is os.LookupEnv over the command's environment; the last assignment of a name wins.
func (e *env) lookupEnv(name string) (string, bool) {
	for i := len(e.environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e.environ[i], "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

func (e *env) getenv(name string) string {
	v, _ := e.lookupEnv(name)
	return v
}

// ui is how the vault asks for passphrases: on the controlling terminal, messages on stderr.
func (e *env) ui() terminalUI { return terminalUI{stderr: e.stderr} }

func run(args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{environ: environ, stdin: stdin, stdout: stdout, stderr: stderr}
	err := dispatch(e, args)
	if err == nil {
		return 0
	}
	return exitCode(err, stderr)
}

// exitCode prints err (one "stackgen: error:" line per problem, then its hints) and returns the exit
// status it means (failure.Status): 2 by default, 1 for findings, failed checks and deployments that
// did not converge.
func exitCode(err error, stderr io.Writer) int {
	if msg := err.Error(); msg != "" {
		// A joined error carries one problem per line; each gets its own prefix.
		for _, line := range strings.Split(msg, "\n") {
			fmt.Fprintf(stderr, "stackgen: error: %s\n", line)
		}
	}
	for _, h := range failure.Hints(err) {
		fmt.Fprintf(stderr, "stackgen: hint: %s\n", h)
	}
	return failure.Status(err)
}

// command is a top-level command: its help text, and what runs it. A command returns errHelp for
// -h/--help, and dispatch prints its usage.
type command struct {
	usage string
	run   func(e *env, args []string) error // nil for help, which reads this table
}

var commands = map[string]command{
	"render": {renderUsage, cmdRender},
	"secret": {secretUsage, cmdSecret},
	"lint":   {lintUsage, cmdLint},
	"deploy": {deployUsage, cmdDeploy},
	"plan":   {planUsage, cmdPlan},
	"verify": {deployUsage, cmdVerify},
	"version": {"Usage:\n    stackgen version\n\nPrint stackgen's module version, VCS revision and Go version.\n",
		func(e *env, _ []string) error { fmt.Fprintf(e.stdout, "stackgen %s\n", version()); return nil }},
	"help": {"Usage:\n    stackgen help [COMMAND]\n\nPrint the usage of stackgen or of one command.\n", nil},
}

func dispatch(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return failf("no command given")
	}
	name, rest := args[0], args[1:]
	switch name {
	case "--version":
		name = "version"
	case "-h", "--help":
		name = "help"
	}
	cmd, ok := commands[name]
	if !ok {
		return unknown("command", name, commandNames())
	}
	if cmd.run == nil {
		return help(e, rest)
	}
	err := cmd.run(e, rest)
	if errors.Is(err, errHelp) {
		fmt.Fprint(e.stdout, cmd.usage)
		return nil
	}
	return err
}

func help(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok || len(args) > 1 {
		return unknown("command", strings.Join(args, " "), commandNames())
	}
	fmt.Fprint(e.stdout, cmd.usage)
	return nil
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// unknown is a status-2 error for a name that is not one of known, suggesting the nearest.
func unknown(what, name string, known []string) error {
	err := failf("unknown %s %q", what, name)
	best, dist := "", 3 // suggest only what is at most two edits away
	for _, k := range known {
		if d := editDistance(name, k); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		err.Hint("did you mean %s?", best)
	}
	return err.Hint("known %ss: %s", what, strings.Join(known, ", "))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// version is the module version, the VCS revision it was built from and the Go version, from the
// build information the go command stamps into the binary.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		v += " revision " + rev
		if settings["vcs.modified"] == "true" {
			v += " (modified)"
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
	return failf("%s: %w", cmd, err).Hint(`run "stackgen %s --help" for usage`, cmd)
}

// errHelp asks the command to print its usage on stdout and exit 0.
var errHelp = errors.New("help requested")

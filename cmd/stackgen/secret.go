package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/internal/readfile"
	"github.com/webvig/stackgen/stacks"
	"github.com/webvig/stackgen/swarm"
	"github.com/webvig/stackgen/vault"
)

type secretConfig struct {
	sub          string
	spec         string
	recipients   []string
	recipFiles   []string
	identities   []string
	generate     bool
	prune        bool
	allowTestKey bool
	allowWeak    bool
	output       string
	overrides    []generator.Override
}

// parseSecret is the pure flag parser of `stackgen secret SUB`.
func parseSecret(args []string) (secretConfig, error) {
	var c secretConfig
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return c, errHelp
		}
		return c, failf("secret: missing subcommand (seal, apply, env or names)").Hint(`run "stackgen secret --help" for usage`)
	}
	c.sub = args[0]
	flags, ok := secretFlags[c.sub]
	if !ok {
		return c, unknown("secret subcommand", c.sub, []string{"seal", "apply", "env", "names"})
	}
	fs := newFlags("secret " + c.sub)
	flags(fs, &c)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return c, errHelp
		}
		return c, failf("secret %s: %w", c.sub, err).Hint(`run "stackgen secret --help" for usage`)
	}
	if fs.NArg() > 1 {
		return c, failf("secret %s: takes at most one SPEC, got %d", c.sub, fs.NArg()).Hint(`run "stackgen secret --help" for usage`)
	}
	c.spec = fs.Arg(0)
	c.overrides = collectOverrides(fs)
	return c, nil
}

// secretFlags defines each subcommand's flags.
var secretFlags = map[string]func(fs *pflag.FlagSet, c *secretConfig){
	"seal": func(fs *pflag.FlagSet, c *secretConfig) {
		fs.StringArrayVarP(&c.recipients, "recipient", "r", nil, "")
		fs.StringArrayVarP(&c.recipFiles, "recipients-file", "R", nil, "")
		fs.BoolVar(&c.generate, "generate", false, "")
		fs.BoolVar(&c.allowTestKey, "allow-test-key", false, "")
		fs.BoolVar(&c.allowWeak, "allow-weak-password", false, "")
	},
	"apply": func(fs *pflag.FlagSet, c *secretConfig) {
		identityFlags(fs, &c.identities, &c.allowTestKey)
		fs.BoolVar(&c.prune, "prune", false, "")
		defineOverrides(fs)
	},
	"env": func(fs *pflag.FlagSet, c *secretConfig) {
		identityFlags(fs, &c.identities, &c.allowTestKey)
		fs.StringVarP(&c.output, "output", "o", "", "")
		defineOverrides(fs)
	},
	"names": func(fs *pflag.FlagSet, c *secretConfig) { defineOverrides(fs) },
}

// identityFlags are -i/--identity and --allow-test-key, for every command that decrypts.
func identityFlags(fs *pflag.FlagSet, identities *[]string, allowTestKey *bool) {
	fs.StringArrayVarP(identities, "identity", "i", nil, "")
	fs.BoolVar(allowTestKey, "allow-test-key", false, "")
}

func cmdSecret(e *env, args []string) error {
	c, err := parseSecret(args)
	if err != nil {
		return err
	}
	switch c.sub {
	case "seal":
		return secretSeal(e, c)
	case "apply":
		return secretApply(e, c)
	case "env":
		return secretEnv(e, c)
	}
	return secretNames(e, c)
}

func secretNames(e *env, c secretConfig) error {
	spec, sealed, _, err := e.loadSpec(c.spec, c.overrides)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n%s\n", spec.SecretName(sealed), spec.URLSecretName(sealed))
	return nil
}

func secretSeal(e *env, c secretConfig) error {
	specArg := stacks.Resolve(c.spec)
	if specArg == "" {
		wd, _ := os.Getwd()
		return failf("no %s in %s or a parent directory, and seal writes the password file beside the spec", stacks.DefaultPath, wd).
			Hint("run it in your repository, or give the spec: stackgen secret seal path/to/stack.yaml")
	}
	spec, src, err := stacks.Open(specArg, nil)
	if err != nil {
		return err
	}
	// Where it will write is checked before anything is asked.
	target, err := src.SealedPath(spec)
	if err != nil {
		return err
	}
	ropts := vault.RecipientOptions{Flags: c.recipients, SpecRecipients: spec.Password.Recipients,
		SpecFile: spec.File, AllowTestKey: c.allowTestKey, UI: e.ui()}
	for _, f := range c.recipFiles {
		data, err := readfile.Read(f, maxSmallFile, readfile.Options{})
		if err != nil {
			return failf("-R/--recipients-file %s: %s", f, readfile.Describe(err))
		}
		ropts.Files = append(ropts.Files, vault.RecipientFile{Name: f, Data: data})
	}
	recipients, err := vault.Recipients(ropts)
	if err != nil {
		return err
	}
	noCoreDumps()
	var pw []byte
	switch f, ok := e.stdin.(*os.File); {
	case c.generate:
		pw = vault.Generate()
	case ok && term.IsTerminal(int(f.Fd())):
		pw, err = vault.AskPassword(e.ui())
	default:
		pw, err = vault.ReadPassword(e.stdin)
	}
	if err != nil {
		return err
	}
	defer clear(pw)
	if err := vault.CheckPassword(pw); err != nil {
		return failf("%w", err).Hint("nothing was written")
	}
	if err := vault.CheckStrength(pw, c.allowWeak); err != nil {
		return err
	}
	sealedData, err := vault.Seal(pw, recipients)
	if err != nil {
		return fmt.Errorf("seal: %w", err) // the vault's hint, if any, is printed through the wrap
	}
	if err := writeFileAtomic(target, sealedData, 0o644); err != nil {
		return failf("seal: %w", err)
	}
	fmt.Fprintf(e.stderr, "stackgen: sealed %s for %d recipient(s); the stack now uses the secret %s\n",
		target, len(recipients), spec.SecretName(sealedData))
	return nil
}

// noCoreDumps sets RLIMIT_CORE to 0 for a command about to hold the plaintext password, so that a
// crash cannot write it into a core file. A failure changes nothing that matters: it is best effort.
func noCoreDumps() {
	_ = syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{Cur: 0, Max: 0})
}

// unsealSpec loads the spec and its sealed file and decrypts the password; the caller clears pw.
func unsealSpec(e *env, c secretConfig) (spec *generator.Spec, sealed, pw []byte, src *stacks.Source, err error) {
	noCoreDumps()
	if spec, sealed, src, err = e.loadSpec(c.spec, c.overrides); err != nil {
		return nil, nil, nil, nil, err
	}
	pw, err = vault.Decrypt(spec.Password.File, sealed, vault.DecryptOptions{
		Identities: c.identities, AllowTestKey: c.allowTestKey, Getenv: e.getenv, UI: e.ui()})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return spec, sealed, pw, src, nil
}

func secretApply(e *env, c secretConfig) error {
	spec, sealed, pw, _, err := unsealSpec(e, c)
	if err != nil {
		return err
	}
	defer clear(pw)
	d, err := swarm.Find(e.environ)
	if err != nil {
		return err
	}
	if err := swarm.RequireManager(d); err != nil {
		return err
	}
	return applySecrets(e, d, spec, sealed, pw, c.prune)
}

// applySecrets creates the stack's secrets and prints what it did; see swarm.ApplySecrets.
func applySecrets(e *env, d *swarm.Docker, spec *generator.Spec, sealed, pw []byte, prune bool) error {
	results, err := swarm.ApplySecrets(d, spec, sealed, pw)
	for _, r := range results {
		if r.Created {
			fmt.Fprintf(e.stdout, "created %s\n", r.Name)
		} else {
			fmt.Fprintf(e.stdout, "exists  %s\n", r.Name)
		}
	}
	if err != nil || !prune {
		return err
	}
	removed, err := swarm.PruneSecrets(d, spec.Stack, []string{spec.SecretName(sealed), spec.URLSecretName(sealed)})
	for _, name := range removed {
		fmt.Fprintf(e.stdout, "removed %s\n", name)
	}
	return err
}

func secretEnv(e *env, c secretConfig) error {
	// Check the destination first: a refusal must not cost a decryption or a passphrase prompt.
	if c.output == "" {
		if err := checkEnvStdout(e.stdout); err != nil {
			return err
		}
	} else if err := checkOutput(c.output); err != nil {
		return failf("secret env: %w", err)
	} else if st, err := os.Stat(c.output); err == nil && st.Mode().Perm()&0o077 != 0 {
		return failf("%s exists with mode %04o; the URL holds the password", c.output, st.Mode().Perm()).
			Hint("chmod 600 %s, or remove it", c.output)
	}
	spec, _, pw, _, err := unsealSpec(e, c)
	if err != nil {
		return err
	}
	defer clear(pw)
	line := []byte("REDIS_URL=" + spec.RedisURL(pw) + "\n")
	defer clear(line)
	if c.output == "" {
		_, err := e.stdout.Write(line)
		return err
	}
	if err := writeFileAtomic(c.output, line, 0o600); err != nil {
		return failf("secret env: %w", err)
	}
	return nil
}

// checkEnvStdout refuses to print the URL to a terminal or into a file that others can read.
func checkEnvStdout(w io.Writer) error {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if term.IsTerminal(int(f.Fd())) {
		return failf("refusing to print the connection URL, which holds the password, to a terminal").
			Hint("write it to a file: stackgen secret env -o .env.docker")
	}
	st, err := f.Stat()
	if err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		return failf("standard output is a file with mode %04o; the URL holds the password", st.Mode().Perm()).
			Hint("use -o FILE, which creates it with mode 0600")
	}
	return nil
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/webvig/stackgen/generator"
)

const secretUsage = `Usage:
    stackgen secret seal [-r RECIPIENT]... [-R FILE]... [--generate] [SPEC]
    stackgen secret apply [-i IDENTITY]... [--prune] [--allow-test-key] [OVERRIDES] [SPEC]
    stackgen secret env [-i IDENTITY]... [-o FILE] [OVERRIDES] [SPEC]
    stackgen secret names [OVERRIDES] [SPEC]

The Redis password lives in the repository encrypted with age, beside the spec (password.file).
The plaintext exists only in stackgen's memory and on the stdin of "docker secret create".

seal    Encrypt a password read from stdin (on a terminal: asked twice, not echoed; one trailing
        newline is removed), or a generated one, to every recipient, and replace the password file
        atomically. Recipients: -r/--recipient, -R/--recipients-file, else password.recipients in
        SPEC. SPEC defaults to stacks/wheel_analyzer/stack.yaml in the current directory.
apply   Decrypt the password file and create the Swarm secrets the rendered stack references, the
        password and the app's REDIS_URL, through the docker CLI. An existing secret is left alone.
env     Print REDIS_URL=... for an .env file; refuses a terminal and files others can read.
names   Print the names of the two secrets: password, then URL.

Options:
    -r, --recipient RECIPIENT        age1..., age1pq1..., ssh-ed25519 ... or ssh-rsa ... (repeatable)
    -R, --recipients-file FILE       One recipient per line (repeatable).
        --generate                   Seal a new random password (32 random bytes, URL-safe); print nothing of it.
    -i, --identity FILE              age identity file, SSH private key, or passphrase-protected
                                     identity (repeatable). Default: $STACKGEN_AGE_KEY_FILE, else
                                     $SOPS_AGE_KEY_FILE, else $XDG_CONFIG_HOME/stackgen/age/keys.txt.
        --prune                      (apply) Remove older generations of this stack's secrets that no
                                     service uses.
        --allow-test-key             Accept the committed test key (stacks/testdata/TEST-ONLY-age-identity.txt),
                                     for a test Swarm only.
    -o, --output FILE                (env) Write to FILE, created with mode 0600.
    OVERRIDES                        --stack and the other render overrides, so names match the render.

Exit status: 0 done, 2 usage, key, decryption or docker error (nothing created).

Examples:
    $ age-keygen -o ~/.config/stackgen/age/keys.txt
    $ stackgen secret seal --generate -r age1...
    $ stackgen secret apply
    $ stackgen render | docker stack deploy -c - wheel_analyzer
`

type secretConfig struct {
	sub          string
	spec         string
	recipients   []string
	recipFiles   []string
	identities   []string
	generate     bool
	prune        bool
	allowTestKey bool
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
		return c, failf("secret: missing subcommand (seal, apply, env or names)").hint(`run "stackgen secret --help" for usage`)
	}
	c.sub = args[0]
	fs := newFlags("secret " + c.sub)
	switch c.sub {
	case "seal":
		fs.StringArrayVarP(&c.recipients, "recipient", "r", nil, "")
		fs.StringArrayVarP(&c.recipFiles, "recipients-file", "R", nil, "")
		fs.BoolVar(&c.generate, "generate", false, "")
		fs.BoolVar(&c.allowTestKey, "allow-test-key", false, "")
	case "apply", "env", "names":
		if c.sub != "names" {
			fs.StringArrayVarP(&c.identities, "identity", "i", nil, "")
			fs.BoolVar(&c.allowTestKey, "allow-test-key", false, "")
		}
		if c.sub == "apply" {
			fs.BoolVar(&c.prune, "prune", false, "")
		}
		if c.sub == "env" {
			fs.StringVarP(&c.output, "output", "o", "", "")
		}
		defineOverrides(fs)
	default:
		return c, failf("secret: unknown subcommand %q (want seal, apply, env or names)", c.sub).hint(`run "stackgen secret --help" for usage`)
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return c, errHelp
		}
		return c, failf("secret %s: %v", c.sub, err).hint(`run "stackgen secret --help" for usage`)
	}
	if fs.NArg() > 1 {
		return c, failf("secret %s: takes at most one SPEC, got %d", c.sub, fs.NArg()).hint(`run "stackgen secret --help" for usage`)
	}
	c.spec = fs.Arg(0)
	if c.sub != "seal" {
		c.overrides = collectOverrides(fs)
	}
	return c, nil
}

func cmdSecret(e *env, args []string) error {
	c, err := parseSecret(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(e.stdout, secretUsage)
		return nil
	}
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
	spec, sealed, err := loadSpec(c.spec, c.overrides)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n%s\n", spec.SecretName(sealed), spec.URLSecretName(sealed))
	return nil
}

func secretSeal(e *env, c secretConfig) error {
	specArg := c.spec
	if specArg == "" {
		specArg = filepath.Join("stacks", "wheel_analyzer", "stack.yaml")
	}
	spec, src, err := openSpec(specArg, nil)
	if err != nil {
		return err
	}
	recipients, err := sealRecipients(e, c, spec)
	if err != nil {
		return err
	}
	var pw []byte
	if c.generate {
		pw = generatePassword()
	} else if pw, err = readPassword(e); err != nil {
		return err
	}
	defer clear(pw)
	if err := checkPassword(pw); err != nil {
		return failf("%v", err).hint("nothing was written")
	}
	if n := utf8.RuneCount(pw); n < 16 {
		fmt.Fprintf(e.stderr, "stackgen: warning: the password has only %d characters; use 16 or more, or --generate\n", n)
	}
	sealedData, err := seal(pw, recipients)
	if err != nil {
		return failf("seal: %v", err)
	}
	target := filepath.Join(src.dir, filepath.FromSlash(spec.Password.File))
	if err := writeFileAtomic(target, sealedData, 0o644); err != nil {
		return failf("seal: %v", err)
	}
	fmt.Fprintf(e.stderr, "stackgen: sealed %s for %d recipient(s); the stack now uses the secret %s\n",
		target, len(recipients), spec.SecretName(sealedData))
	return nil
}

func sealRecipients(e *env, c secretConfig, spec *generator.Spec) ([]age.Recipient, error) {
	ui := pluginUI(e)
	lines := c.recipients
	from := "-r/--recipient"
	if len(c.recipients) == 0 && len(c.recipFiles) == 0 {
		lines, from = spec.Password.Recipients, spec.File+": password.recipients"
	}
	var out []age.Recipient
	test := testRecipient()
	for _, l := range lines {
		if strings.TrimSpace(l) == test && !c.allowTestKey {
			return nil, failf("%s: %s is the committed test key; a password sealed to it is public", from, test).
				hint("%s", "seal to your team's keys; --allow-test-key is for test Swarms only")
		}
		r, err := parseRecipient(l, ui)
		if err != nil {
			return nil, failf("%s: %q: %v", from, l, err)
		}
		out = append(out, r)
	}
	for _, f := range c.recipFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, failf("-R/--recipients-file %s: %s", f, describeOpenError(err))
		}
		if bytes.Contains(data, []byte(test)) && !c.allowTestKey {
			return nil, failf("%s lists the committed test key %s; a password sealed to it is public", f, test)
		}
		rs, err := parseRecipientsFile(f, data, ui)
		if err != nil {
			return nil, failf("%v", err)
		}
		out = append(out, rs...)
	}
	if len(out) == 0 {
		return nil, failf("no recipients to seal to").
			hint("give -r/--recipient or -R/--recipients-file, or list password.recipients in %s", spec.File)
	}
	return out, nil
}

// readPassword reads the password from stdin: asked twice without echo on a terminal, else read to
// the end with one trailing newline removed.
func readPassword(e *env) ([]byte, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Redis password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return nil, failf("read password: %v", err)
		}
		fmt.Fprint(e.stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return nil, failf("read password: %v", err)
		}
		defer clear(b)
		if !bytes.Equal(a, b) {
			clear(a)
			return nil, failf("the two passwords differ; nothing was written")
		}
		return a, nil
	}
	pw, err := io.ReadAll(io.LimitReader(e.stdin, 64<<10+1))
	if err != nil {
		return nil, failf("read password from stdin: %v", err)
	}
	if len(pw) > 64<<10 {
		return nil, failf("the password on stdin is longer than 64 KiB")
	}
	pw = bytes.TrimSuffix(pw, []byte("\n"))
	return pw, nil
}

// decryptPassword finds the keys, decrypts the spec's password file and checks the result.
func decryptPassword(e *env, c secretConfig, spec *generator.Spec, sealed []byte) ([]byte, error) {
	name := spec.Password.File
	if pw, err := unseal(name, sealed, []age.Identity{testIdentity()}); err == nil {
		if !c.allowTestKey {
			clear(pw)
			return nil, failf("%s is sealed to the committed test key; its password is public", name).
				hint("seal a real password: stackgen secret seal --generate -r YOUR_RECIPIENT").
				hint("for a test Swarm only, pass --allow-test-key")
		}
		return pw, checkDecrypted(name, pw)
	}
	sources, tried := identitySources(c.identities, os.Getenv)
	if len(sources) == 0 {
		return nil, failf("no age identity to decrypt %s; tried %s", name, strings.Join(tried, ", ")).
			hint("give -i/--identity FILE, or set STACKGEN_AGE_KEY_FILE")
	}
	ids, err := loadIdentities(e, sources)
	if err != nil {
		return nil, failf("%v", err)
	}
	pw, err := unseal(name, sealed, ids)
	if err != nil {
		var paths []string
		for _, s := range sources {
			paths = append(paths, s.path+" ("+s.from+")")
		}
		xe := failf("%v", err).hint("keys tried: %s", strings.Join(paths, ", "))
		if strings.Contains(err.Error(), "no identity matched") {
			return nil, xe.hint("ask someone who can decrypt it to re-seal it to your public key too (stackgen secret seal -r ...)")
		}
		return nil, xe.hint("restore %s from version control, or seal a new password: stackgen secret seal", name)
	}
	return pw, checkDecrypted(name, pw)
}

func checkDecrypted(name string, pw []byte) error {
	if err := checkPassword(pw); err != nil {
		return failf("%s: %v", name, err).hint("re-seal it with stackgen secret seal")
	}
	return nil
}

// Labels on the secrets stackgen creates, so that old generations can be found and pruned.
const (
	labelStack = "com.stackgen.stack"
	labelSpec  = "com.stackgen.spec"
	labelKind  = "com.stackgen.kind"
)

// unsealSpec loads the spec and its sealed file and decrypts the password; the caller clears pw.
func unsealSpec(e *env, c secretConfig) (spec *generator.Spec, sealed, pw []byte, err error) {
	if spec, sealed, err = loadSpec(c.spec, c.overrides); err != nil {
		return nil, nil, nil, err
	}
	if pw, err = decryptPassword(e, c, spec, sealed); err != nil {
		return nil, nil, nil, err
	}
	return spec, sealed, pw, nil
}

func secretApply(e *env, c secretConfig) error {
	spec, sealed, pw, err := unsealSpec(e, c)
	if err != nil {
		return err
	}
	defer clear(pw)
	d, err := findDocker()
	if err != nil {
		return err
	}
	if err := d.requireManager(); err != nil {
		return err
	}
	return applySecrets(e, d, spec, sealed, pw, c.prune)
}

// pruneSecrets removes this stack's stackgen secrets that are neither current nor used by a service.
func pruneSecrets(e *env, d *docker, spec *generator.Spec, keep []string) error {
	out, err := d.run(nil, "secret", "ls", "--filter", "label="+labelStack+"="+spec.Stack, "--format", "{{.Name}}")
	if err != nil {
		return failf("%v", err)
	}
	used := map[string]bool{}
	for _, k := range keep {
		used[k] = true
	}
	services, err := d.run(nil, "service", "ls", "--format", "{{.Name}}")
	if err != nil {
		return failf("%v", err)
	}
	if names := strings.Fields(services); len(names) > 0 {
		refs, err := d.run(nil, append([]string{"service", "inspect", "--format",
			`{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}} {{end}}`}, names...)...)
		if err != nil {
			return failf("%v", err)
		}
		for _, r := range strings.Fields(refs) {
			used[r] = true
		}
	}
	var stale []string
	for _, name := range strings.Fields(out) {
		if !used[name] {
			stale = append(stale, name)
		}
	}
	sort.Strings(stale)
	for _, name := range stale {
		if _, err := d.run(nil, "secret", "rm", name); err != nil {
			return failf("%v", err)
		}
		fmt.Fprintf(e.stdout, "removed %s\n", name)
	}
	return nil
}

func secretEnv(e *env, c secretConfig) error {
	// Check the destination first: a refusal must not cost a decryption or a passphrase prompt.
	if c.output == "" {
		if err := checkEnvStdout(e.stdout); err != nil {
			return err
		}
	} else if st, err := os.Stat(c.output); err == nil && st.Mode().Perm()&0o077 != 0 {
		return failf("%s exists with mode %04o; the URL holds the password", c.output, st.Mode().Perm()).
			hint("chmod 600 %s, or remove it", c.output)
	}
	spec, _, pw, err := unsealSpec(e, c)
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
		return failf("secret env: %v", err)
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
			hint("write it to a file: stackgen secret env -o .env.docker")
	}
	st, err := f.Stat()
	if err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		return failf("standard output is a file with mode %04o; the URL holds the password", st.Mode().Perm()).
			hint("use -o FILE, which creates it with mode 0600")
	}
	return nil
}

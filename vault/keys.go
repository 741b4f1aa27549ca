package vault

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/plugin"
	"golang.org/x/crypto/ssh"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/internal/readfile"
)

// parseRecipient reads one recipient: age X25519, post-quantum hybrid, plugin, or an SSH public key.
func parseRecipient(s string, ui UI) (age.Recipient, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "ssh-"):
		return agessh.ParseRecipient(s)
	case strings.HasPrefix(s, "age1pq1"):
		return age.ParseHybridRecipient(s)
	case strings.HasPrefix(s, "age1"):
		if r, err := age.ParseX25519Recipient(s); err == nil {
			return r, nil
		}
		if _, _, err := plugin.ParseRecipient(s); err == nil {
			return plugin.NewRecipient(s, pluginUI(ui))
		}
		return age.ParseX25519Recipient(s)
	case strings.HasPrefix(s, "AGE-SECRET-KEY"):
		return nil, errors.New("this is a private key, not a recipient; give its public key (age-keygen -y)")
	}
	return nil, errors.New("unknown recipient type (want age1, age1pq1, ssh-ed25519 or ssh-rsa)")
}

// parseRecipientsFile reads one recipient per line; blank lines and # comments are skipped.
func parseRecipientsFile(name string, data []byte, ui UI) ([]age.Recipient, error) {
	var out []age.Recipient
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseRecipient(line, ui)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no recipients in the file", name)
	}
	return out, nil
}

// RecipientFile is a recipients file's name and bytes (-R/--recipients-file).
type RecipientFile struct {
	Name string
	Data []byte
}

// RecipientOptions are the places seal takes recipients from: flags first, else the spec's list.
type RecipientOptions struct {
	Flags          []string        // -r/--recipient
	Files          []RecipientFile // -R/--recipients-file
	SpecRecipients []string        // password.recipients
	SpecFile       string
	AllowTestKey   bool
	UI             UI
}

// Recipients resolves the recipients to seal to. It refuses the committed test key, whose password
// would be public, unless AllowTestKey says this is a test Swarm.
func Recipients(o RecipientOptions) ([]age.Recipient, error) {
	lines, from := o.Flags, "-r/--recipient"
	if len(o.Flags) == 0 && len(o.Files) == 0 {
		lines, from = o.SpecRecipients, o.SpecFile+": password.recipients"
	}
	test := TestRecipient()
	var out []age.Recipient
	for _, l := range lines {
		if strings.TrimSpace(l) == test && !o.AllowTestKey {
			return nil, failure.Errorf("%s: %s is the committed test key; a password sealed to it is public", from, test).
				Hint("seal to your team's keys; --allow-test-key is for test Swarms only")
		}
		r, err := parseRecipient(l, o.UI)
		if err != nil {
			return nil, failure.Errorf("%s: %q: %w", from, l, err)
		}
		out = append(out, r)
	}
	for _, f := range o.Files {
		if bytes.Contains(f.Data, []byte(test)) && !o.AllowTestKey {
			return nil, failure.Errorf("%s lists the committed test key %s; a password sealed to it is public", f.Name, test).
				Hint("seal to your team's keys; --allow-test-key is for test Swarms only")
		}
		rs, err := parseRecipientsFile(f.Name, f.Data, o.UI)
		if err != nil {
			return nil, failure.Wrap(err)
		}
		out = append(out, rs...)
	}
	if len(out) == 0 {
		return nil, failure.Errorf("no recipients to seal to").
			Hint("give -r/--recipient or -R/--recipients-file, or list password.recipients in %s", o.SpecFile)
	}
	return out, nil
}

// IdentitySource is a file identities may come from, and what named it.
type IdentitySource struct {
	Path, From string
}

// identitySources lists where keys come from: -i flags, else the first of $STACKGEN_AGE_KEY_FILE and
// $SOPS_AGE_KEY_FILE that is set, else $XDG_CONFIG_HOME/stackgen/age/keys.txt (~/.config/...) when it
// exists. tried says what was looked at, for an error that finds none.
func identitySources(flags []string, getenv func(string) string) (chosen []IdentitySource, tried []string) {
	if len(flags) > 0 {
		for _, f := range flags {
			chosen = append(chosen, IdentitySource{f, "-i/--identity"})
		}
		return chosen, nil
	}
	for _, v := range []string{"STACKGEN_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"} {
		if p := getenv(v); p != "" {
			return []IdentitySource{{p, "$" + v}}, nil
		}
		tried = append(tried, "$"+v+" (unset)")
	}
	cfg := getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		if home := getenv("HOME"); home != "" {
			cfg = filepath.Join(home, ".config")
		}
	}
	if cfg != "" {
		p := filepath.Join(cfg, "stackgen", "age", "keys.txt")
		if _, err := os.Stat(p); err == nil {
			return []IdentitySource{{p, "default"}}, nil
		}
		tried = append(tried, p+" (not found)")
	}
	return nil, tried
}

// maxKeyFile bounds an identity, recipients or .pub file: keys are a few kilobytes at most.
const maxKeyFile = 1 << 20

// loadIdentities reads identity files. It warns about key files that others can read.
func loadIdentities(sources []IdentitySource, ui UI) ([]age.Identity, error) {
	var ids []age.Identity
	for _, src := range sources {
		data, err := readfile.Read(src.Path, maxKeyFile, readfile.Options{})
		if err != nil {
			return nil, failure.Errorf("identity %s (from %s): %s", src.Path, src.From, readfile.Describe(err))
		}
		if st, err := os.Stat(src.Path); err == nil && st.Mode().Perm()&0o077 != 0 {
			ui.Warn(fmt.Sprintf("identity %s is readable by others (mode %04o); chmod 600 %s", src.Path, st.Mode().Perm(), src.Path))
		}
		got, err := parseIdentityFile(src.Path, data, ui)
		if err != nil {
			return nil, failure.Wrap(err)
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// parseIdentityFile accepts what age's own CLI accepts: native and post-quantum keys, plugin
// identities, SSH private keys (asking for the passphrase of an encrypted one only when it is needed)
// and passphrase-encrypted age identity files.
func parseIdentityFile(name string, data []byte, ui UI) ([]age.Identity, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) || bytes.HasPrefix(data, []byte("age-encryption.org/")):
		pass, err := ui.ReadSecret(fmt.Sprintf("Enter passphrase for identity file %q:", name))
		if err != nil {
			return nil, fmt.Errorf("identity %s is passphrase-protected: %w", name, err)
		}
		id, err := age.NewScryptIdentity(string(pass))
		if err != nil {
			return nil, err
		}
		inner, err := unseal(name, data, []age.Identity{id})
		if err != nil {
			return nil, fmt.Errorf("identity %s: wrong passphrase or corrupt file", name)
		}
		return parseIdentityFile(name, inner, ui)
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN")):
		return parseSSHIdentity(name, trimmed, ui)
	}
	var ids []age.Identity
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "AGE-PLUGIN-") {
			id, err := plugin.NewIdentity(line, pluginUI(ui))
			if err != nil {
				return nil, fmt.Errorf("identity %s:%d: %w", name, n, err)
			}
			ids = append(ids, id)
			continue
		}
		got, err := age.ParseIdentities(strings.NewReader(line))
		if err != nil {
			// age's messages never include key material, but ours need not risk it.
			return nil, fmt.Errorf("identity %s:%d: not an age identity (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1..., AGE-PLUGIN-...)", name, n)
		}
		ids = append(ids, got...)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("identity %s: no keys in the file", name)
	}
	return ids, nil
}

func parseSSHIdentity(name string, pem []byte, ui UI) ([]age.Identity, error) {
	id, err := agessh.ParseIdentity(pem)
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		if err != nil {
			return nil, fmt.Errorf("identity %s: not a usable SSH private key: %w", name, err)
		}
		return []age.Identity{id}, nil
	}
	pub := missing.PublicKey
	if pub == nil {
		pubData, perr := readfile.Read(name+".pub", maxKeyFile, readfile.Options{})
		if perr != nil {
			return nil, fmt.Errorf("identity %s is an encrypted SSH key and %s.pub is missing", name, name)
		}
		if pub, _, _, _, perr = ssh.ParseAuthorizedKey(pubData); perr != nil {
			return nil, fmt.Errorf("identity %s.pub: %w", name, perr)
		}
	}
	enc, err := agessh.NewEncryptedSSHIdentity(pub, pem, func() ([]byte, error) {
		return ui.ReadSecret(fmt.Sprintf("Enter passphrase for SSH key %q:", name))
	})
	if err != nil {
		return nil, fmt.Errorf("identity %s: %w", name, err)
	}
	return []age.Identity{enc}, nil
}

// pluginUI lets age plugins talk to the person through the vault's UI.
func pluginUI(ui UI) *plugin.ClientUI {
	return &plugin.ClientUI{
		DisplayMessage: func(name, message string) error {
			ui.Message(fmt.Sprintf("%s plugin: %s", name, message))
			return nil
		},
		RequestValue: func(name, prompt string, secret bool) (string, error) {
			if secret {
				v, err := ui.ReadSecret(prompt)
				return string(v), err
			}
			return ui.ReadPublic(prompt)
		},
		Confirm: func(name, prompt, yes, no string) (bool, error) {
			choices := yes
			if no != "" {
				choices += "/" + no
			}
			answer, err := ui.ReadPublic(fmt.Sprintf("%s [%s]", prompt, choices))
			return err == nil && strings.EqualFold(strings.TrimSpace(answer), yes), err
		},
		WaitTimer: func(name string) { ui.Message(fmt.Sprintf("waiting on %s plugin...", name)) },
	}
}

package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
	"filippo.io/age/plugin"
	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/webvig/stackgen/stacks"
)

// maxSealed bounds a sealed password file: a few recipients' stanzas and a short payload.
const maxSealed = 1 << 20

// checkPassword refuses what Redis or the wrapper cannot use. Messages never quote the password.
func checkPassword(pw []byte) error {
	switch {
	case len(pw) == 0:
		return errors.New("the password is empty; Redis would start without authentication")
	case bytes.IndexByte(pw, 0) >= 0:
		return errors.New("the password contains a NUL byte")
	case bytes.ContainsAny(pw, "\r\n"):
		return errors.New("the password contains a line break (CR or LF)")
	case bytes.HasPrefix(pw, []byte("--")):
		return errors.New(`the password starts with "--"; Redis 6.2 reads it as an option and refuses to start`)
	case !utf8.Valid(pw):
		return errors.New("the password is not valid UTF-8")
	}
	return nil
}

// generatePassword makes 32 random bytes, URL-safe base64 (43 characters, no padding).
func generatePassword() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := make([]byte, base64.RawURLEncoding.EncodedLen(len(b)))
	base64.RawURLEncoding.Encode(out, b)
	return out
}

// parseRecipient reads one recipient: age X25519, post-quantum hybrid, plugin, or an SSH public key.
func parseRecipient(s string, ui *plugin.ClientUI) (age.Recipient, error) {
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
			return plugin.NewRecipient(s, ui)
		}
		return age.ParseX25519Recipient(s)
	case strings.HasPrefix(s, "AGE-SECRET-KEY"):
		return nil, errors.New("this is a private key, not a recipient; give its public key (age-keygen -y)")
	}
	return nil, errors.New("unknown recipient type (want age1, age1pq1, ssh-ed25519 or ssh-rsa)")
}

// parseRecipientsFile reads one recipient per line; blank lines and # comments are skipped.
func parseRecipientsFile(name string, data []byte, ui *plugin.ClientUI) ([]age.Recipient, error) {
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

// testRecipient is the public key of the committed test identity.
func testRecipient() string {
	ids, err := age.ParseIdentities(strings.NewReader(stacks.TestIdentity))
	if err != nil || len(ids) != 1 {
		panic("stacks: the embedded test identity does not parse")
	}
	return ids[0].(*age.X25519Identity).Recipient().String()
}

func testIdentity() age.Identity {
	ids, _ := age.ParseIdentities(strings.NewReader(stacks.TestIdentity))
	return ids[0]
}

// seal encrypts pw to the recipients, ASCII-armored so that a change shows up in review.
func seal(pw []byte, recipients []age.Recipient) ([]byte, error) {
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, recipients...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(pw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unseal decrypts an armored or binary age file. Errors say what is wrong with the file, never
// what it holds.
func unseal(name string, sealed []byte, ids []age.Identity) ([]byte, error) {
	var r io.Reader = bytes.NewReader(sealed)
	trimmed := bytes.TrimLeft(sealed, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN AGE ENCRYPTED FILE-----")):
		r = armor.NewReader(bytes.NewReader(trimmed))
	case bytes.HasPrefix(sealed, []byte("age-encryption.org/")):
	default:
		return nil, fmt.Errorf("%s is not an age file; seal a password with stackgen secret seal", name)
	}
	dr, err := age.Decrypt(r, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, fmt.Errorf("%s: no identity matched: the file is not sealed to any of the given keys", name)
		}
		return nil, fmt.Errorf("%s: cannot decrypt (tampered, truncated or corrupt): %v", name, err)
	}
	pw, err := io.ReadAll(io.LimitReader(dr, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot decrypt (tampered, truncated or corrupt): %v", name, err)
	}
	return pw, nil
}

// identitySource is a place identities may come from, for the "tried" list of an error.
type identitySource struct {
	path, from string
}

// identitySources lists where keys come from: -i flags, else the first of the environment variables
// and the XDG default that is set.
func identitySources(flags []string, getenv func(string) string) (chosen []identitySource, tried []string) {
	if len(flags) > 0 {
		for _, f := range flags {
			chosen = append(chosen, identitySource{f, "-i/--identity"})
		}
		return chosen, nil
	}
	for _, v := range []string{"STACKGEN_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"} {
		if p := getenv(v); p != "" {
			return []identitySource{{p, "$" + v}}, nil
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
			return []identitySource{{p, "default"}}, nil
		}
		tried = append(tried, p+" (not found)")
	}
	return nil, tried
}

// loadIdentities reads identity files. It warns about key files that others can read.
func loadIdentities(e *env, sources []identitySource) ([]age.Identity, error) {
	var ids []age.Identity
	for _, src := range sources {
		st, err := os.Stat(src.path)
		if err != nil {
			return nil, fmt.Errorf("identity %s (from %s): %s", src.path, src.from, describeOpenError(err))
		}
		if st.IsDir() {
			return nil, fmt.Errorf("identity %s (from %s): is a directory", src.path, src.from)
		}
		if st.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(e.stderr, "stackgen: warning: identity %s is readable by others (mode %04o); chmod 600 %s\n",
				src.path, st.Mode().Perm(), src.path)
		}
		data, err := os.ReadFile(src.path)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %s", src.path, describeOpenError(err))
		}
		got, err := parseIdentityFile(e, src.path, data)
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// parseIdentityFile accepts what age's own CLI accepts: native and post-quantum keys, plugin
// identities, SSH private keys (with a passphrase prompt when encrypted) and passphrase-encrypted
// age identity files.
func parseIdentityFile(e *env, name string, data []byte) ([]age.Identity, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) || bytes.HasPrefix(data, []byte("age-encryption.org/")):
		pass, err := readTerminalSecret(fmt.Sprintf("Enter passphrase for identity file %q:", name))
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
		return parseIdentityFile(e, name, inner)
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN")):
		id, err := agessh.ParseIdentity(trimmed)
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			pub := missing.PublicKey
			if pub == nil {
				pubData, perr := os.ReadFile(name + ".pub")
				if perr != nil {
					return nil, fmt.Errorf("identity %s is an encrypted SSH key and %s.pub is missing", name, name)
				}
				if pub, _, _, _, perr = ssh.ParseAuthorizedKey(pubData); perr != nil {
					return nil, fmt.Errorf("identity %s.pub: %v", name, perr)
				}
			}
			return []age.Identity{mustEncryptedSSH(pub, trimmed, name)}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("identity %s: not a usable SSH private key: %v", name, err)
		}
		return []age.Identity{id}, nil
	}
	var ids []age.Identity
	ui := pluginUI(e)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "AGE-PLUGIN-") {
			id, err := plugin.NewIdentity(line, ui)
			if err != nil {
				return nil, fmt.Errorf("identity %s:%d: %v", name, n, err)
			}
			ids = append(ids, id)
			continue
		}
		got, err := age.ParseIdentities(strings.NewReader(line))
		if err != nil {
			// age's messages never include key material.
			return nil, fmt.Errorf("identity %s:%d: not an age identity (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1..., AGE-PLUGIN-...)", name, n)
		}
		ids = append(ids, got...)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("identity %s: no keys in the file", name)
	}
	return ids, nil
}

func mustEncryptedSSH(pub ssh.PublicKey, pem []byte, name string) age.Identity {
	id, err := agessh.NewEncryptedSSHIdentity(pub, pem, func() ([]byte, error) {
		return readTerminalSecret(fmt.Sprintf("Enter passphrase for SSH key %q:", name))
	})
	if err != nil {
		return errIdentity{fmt.Errorf("identity %s: %v", name, err)}
	}
	return id
}

// errIdentity reports a key that could not be set up when (and only if) it is needed.
type errIdentity struct{ err error }

func (i errIdentity) Unwrap([]*age.Stanza) ([]byte, error) { return nil, i.err }

func pluginUI(e *env) *plugin.ClientUI {
	return plugin.NewTerminalUI(
		func(format string, v ...any) { fmt.Fprintf(e.stderr, "stackgen: "+format+"\n", v...) },
		func(format string, v ...any) { fmt.Fprintf(e.stderr, "stackgen: warning: "+format+"\n", v...) },
	)
}

// readTerminalSecret prompts on the controlling terminal, never on stdin/stdout, without echo.
func readTerminalSecret(prompt string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, errors.New("no terminal to ask for it")
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt+" ")
	defer fmt.Fprintln(tty)
	return term.ReadPassword(int(tty.Fd()))
}

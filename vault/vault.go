// Package vault keeps the Redis password sealed with age: it seals and unseals the password file,
// parses recipients and identities, finds keys where operators keep them, and holds the rules a
// password must meet. The plaintext only ever lives in memory; the package talks to a person only
// through the UI it is given, and never opens a terminal itself.
package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/stacks"
)

// UI is how the vault asks a person for a passphrase or a plugin's input. The command line implements
// it on the controlling terminal; tests script it.
type UI interface {
	// ReadSecret asks for a value without echoing it.
	ReadSecret(prompt string) ([]byte, error)
	// ReadPublic asks for a value that may be echoed.
	ReadPublic(prompt string) (string, error)
	// Message and Warn show a line to the person (on standard error).
	Message(text string)
	Warn(text string)
}

// ErrNoTerminal is what a UI returns when there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to ask for it")

// askLog is a UI that remembers which key's passphrase could not be asked for: age wraps the prompt's
// error with %v (agessh's EncryptedSSHIdentity.Unwrap), so Decrypt cannot see it in the chain.
type askLog struct {
	UI
	unasked string // the prompt that met ErrNoTerminal
}

func (a *askLog) ReadSecret(prompt string) ([]byte, error) {
	b, err := a.UI.ReadSecret(prompt)
	if errors.Is(err, ErrNoTerminal) && a.unasked == "" {
		a.unasked = prompt
	}
	return b, err
}

// TestRecipient is the public key of the committed test identity.
func TestRecipient() string {
	return testIdentity().(*age.X25519Identity).Recipient().String()
}

// testIdentity is the committed, throwaway identity that decrypts the sample password.
func testIdentity() age.Identity {
	ids, err := age.ParseIdentities(strings.NewReader(stacks.TestIdentity))
	if err != nil || len(ids) != 1 {
		panic("stacks: the embedded test identity does not parse")
	}
	return ids[0]
}

// Seal encrypts pw to the recipients, ASCII-armored so that a change shows up in review.
func Seal(pw []byte, recipients []age.Recipient) ([]byte, error) {
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, recipients...)
	if err != nil {
		if strings.Contains(err.Error(), "post-quantum") {
			// age refuses a file a classic key could open while a post-quantum one is listed.
			return nil, failure.Wrap(err).Hint("seal to post-quantum recipients (age1pq1...) only, or to classic ones (age1..., ssh-...) only")
		}
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

// errNoMatch marks a file that none of the given keys can open.
var errNoMatch = errors.New("no identity matched")

// unseal decrypts an armored or binary age file. Errors name the file and say what is wrong with it,
// never what it holds.
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
			return nil, fmt.Errorf("%s: %w: the file is not sealed to any of the given keys", name, errNoMatch)
		}
		return nil, fmt.Errorf("%s: cannot decrypt (tampered, truncated or corrupt): %w", name, err)
	}
	pw, err := io.ReadAll(io.LimitReader(dr, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot decrypt (tampered, truncated or corrupt): %w", name, err)
	}
	return pw, nil
}

// DecryptOptions say where keys come from for Decrypt.
type DecryptOptions struct {
	Identities   []string // -i/--identity files; empty: the environment and the XDG default
	AllowTestKey bool     // accept a file sealed to the committed test key
	Getenv       func(string) string
	UI           UI
}

// Decrypt finds the keys, decrypts the password file name (its bytes are sealed) and checks the
// result. The caller clears the returned password.
func Decrypt(name string, sealed []byte, o DecryptOptions) ([]byte, error) {
	if pw, err := unseal(name, sealed, []age.Identity{testIdentity()}); err == nil {
		if !o.AllowTestKey {
			clear(pw)
			return nil, failure.Errorf("%s is sealed to the committed test key; its password is public", name).
				Hint("seal a real password: stackgen secret seal --generate -r YOUR_RECIPIENT").
				Hint("for a test Swarm only, pass --allow-test-key")
		}
		return checked(name, pw)
	}
	sources, tried := identitySources(o.Identities, o.Getenv)
	if len(sources) == 0 {
		return nil, failure.Errorf("no age identity to decrypt %s; tried %s", name, strings.Join(tried, ", ")).
			Hint("give -i/--identity FILE, or set STACKGEN_AGE_KEY_FILE")
	}
	asked := &askLog{UI: o.UI}
	ids, err := loadIdentities(sources, asked)
	if err != nil {
		return nil, err
	}
	pw, err := unseal(name, sealed, ids)
	if err != nil && asked.unasked != "" {
		return nil, failure.Errorf("%s: a key needs a passphrase (%s) and there is no terminal to ask for it", name, strings.TrimSuffix(asked.unasked, ":")).
			Hint("run stackgen where it can open /dev/tty, or give -i/--identity a key without a passphrase that the file is sealed to")
	}
	if err != nil {
		var paths []string
		for _, s := range sources {
			paths = append(paths, s.Path+" ("+s.From+")")
		}
		xe := failure.Wrap(err).Hint("keys tried: %s", strings.Join(paths, ", "))
		if errors.Is(err, errNoMatch) {
			return nil, xe.Hint("ask someone who can decrypt it to re-seal it to your public key too (stackgen secret seal -r ...)")
		}
		return nil, xe.Hint("restore %s from version control, or seal a new password: stackgen secret seal", name)
	}
	return checked(name, pw)
}

// checked passes a decrypted password on only if it meets CheckPassword; a refused one is cleared.
func checked(name string, pw []byte) ([]byte, error) {
	if err := CheckPassword(pw); err != nil {
		clear(pw)
		return nil, failure.Errorf("%s: %w", name, err).Hint("re-seal it with stackgen secret seal")
	}
	return pw, nil
}

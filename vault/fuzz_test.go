package vault

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"filippo.io/age"

	"github.com/webvig/stackgen/stacks"
)

// FuzzUnseal: the password file reader takes any bytes; it either decrypts with the test key or
// fails with an error that names the file. What it decrypts is either refused by CheckPassword or
// meets every rule CheckPassword states, checked here independently.
func FuzzUnseal(f *testing.F) {
	sample, _ := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	f.Add(sample)
	f.Add([]byte("age-encryption.org/v1\n-> X25519 abc\n--- def\n"))
	f.Add([]byte("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n"))
	ids := []age.Identity{testIdentity()}
	f.Fuzz(func(t *testing.T, data []byte) {
		pw, err := unseal("p.age", data, ids)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "p.age") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := CheckPassword(pw); err == nil {
			usable := len(pw) > 0 && len(pw) <= maxPassword && utf8.Valid(pw) &&
				!bytes.ContainsAny(pw, "\x00\r\n")
			if !usable {
				t.Fatalf("CheckPassword accepted an unusable password of %d bytes", len(pw))
			}
		}
	})
}

// messages is every fixed text an unseal or password error can hold, so that a fuzzed password that
// is merely a piece of it is not mistaken for a leak.
const messages = "p.age is not an age file; seal a password with stackgen secret seal " +
	"p.age: no identity matched: the file is not sealed to any of the given keys " +
	"p.age: cannot decrypt (tampered, truncated or corrupt): " +
	"the password is empty; Redis would start without authentication the password contains a NUL byte " +
	"the password contains a line break (CR or LF) the password is not valid UTF-8 the password is bytes; Redis refuses " +
	"an AUTH longer than 16384 bytes before login, so nothing could connect"

// FuzzSealedTampered seals a password to the test key, splices bytes into the sealed file, and
// unseals it: an error never holds the password, and neither does CheckPassword's verdict on
// whatever decrypts.
func FuzzSealedTampered(f *testing.F) {
	f.Add([]byte("a password that must not leak"), uint16(0), []byte{})
	f.Add([]byte("a password that must not leak"), uint16(200), []byte("AAAA"))
	f.Add([]byte("--leading dashes"), uint16(0), []byte{})
	f.Add([]byte("line\nbreak inside"), uint16(0), []byte{})
	recipient := testIdentity().(*age.X25519Identity).Recipient()
	ids := []age.Identity{testIdentity()}
	f.Fuzz(func(t *testing.T, pw []byte, at uint16, patch []byte) {
		if len(pw) == 0 || len(pw) > 1024 {
			return
		}
		sealed, err := Seal(pw, []age.Recipient{recipient})
		if err != nil {
			t.Fatal(err)
		}
		i := int(at) % (len(sealed) + 1)
		tampered := append(append(append([]byte{}, sealed[:i]...), patch...), sealed[min(len(sealed), i+len(patch)):]...)
		leaks := func(msg string) bool {
			return len(pw) >= 6 && !strings.Contains(messages, string(pw)) && strings.Contains(msg, string(pw))
		}
		got, err := unseal("p.age", tampered, ids)
		if err != nil {
			if leaks(err.Error()) {
				t.Fatalf("the unseal error holds the password: %v", err)
			}
			return
		}
		if err := CheckPassword(got); err != nil && leaks(err.Error()) {
			t.Fatalf("CheckPassword's error holds the password: %v", err)
		}
		if len(patch) == 0 && !bytes.Equal(got, pw) {
			t.Fatalf("an untouched file decrypted to %q, sealed %q", got, pw)
		}
	})
}

package vault

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"github.com/webvig/stackgen/failure"
)

// scriptedUI answers prompts from a list and records what it was asked and told.
type scriptedUI struct {
	answers  [][]byte
	prompts  []string
	messages []string
}

func (u *scriptedUI) ReadSecret(prompt string) ([]byte, error) {
	u.prompts = append(u.prompts, prompt)
	if len(u.answers) == 0 {
		return nil, ErrNoTerminal
	}
	a := u.answers[0]
	u.answers = u.answers[1:]
	return append([]byte{}, a...), nil
}

func (u *scriptedUI) ReadPublic(prompt string) (string, error) {
	b, err := u.ReadSecret(prompt)
	return string(b), err
}
func (u *scriptedUI) Message(text string) { u.messages = append(u.messages, text) }
func (u *scriptedUI) Warn(text string)    { u.messages = append(u.messages, "warning: "+text) }

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, pw, want string
	}{
		{"ordinary", "correct horse battery staple", ""},
		{"one byte", "x", ""}, // length is CheckStrength's business
		{"exactly the limit", strings.Repeat("a", maxPassword), ""},
		{"one over the limit", strings.Repeat("a", maxPassword+1), "the password is 16385 bytes; Redis refuses an AUTH longer than 16384 bytes"},
		{"empty", "", "the password is empty"},
		{"NUL", "abc\x00def", "NUL"},
		{"LF", "abc\ndef", "line break"},
		{"CR", "abc\rdef", "line break"},
		{"dash dash", "--requirepass x", ""},
		{"not UTF-8", "abc\xffdef", "not valid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword([]byte(tc.pw))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if len(tc.pw) > 3 && strings.Contains(err.Error(), tc.pw[1:]) {
				t.Fatalf("the error quotes the password: %v", err)
			}
		})
	}
}

func TestCheckStrength(t *testing.T) {
	if err := CheckStrength([]byte("0123456789abcdef"), false); err != nil {
		t.Fatalf("16 characters refused: %v", err)
	}
	if err := CheckStrength([]byte("ünïcödé-ünïcödé!"), false); err != nil {
		t.Fatalf("16 characters (more bytes) refused: %v", err)
	}
	err := CheckStrength([]byte("0123456789abcde"), false)
	if err == nil || err.Error() != "the password has 15 characters; the minimum is 16" ||
		!strings.Contains(strings.Join(failure.Hints(err), " "), "--allow-weak-password") {
		t.Fatalf("15 characters: %v %q", err, failure.Hints(err))
	}
	if err := CheckStrength([]byte("-"), true); err != nil {
		t.Fatalf("--allow-weak-password: %v", err)
	}
}

func TestGenerate(t *testing.T) {
	a, b := Generate(), Generate()
	if len(a) != 43 || bytes.Equal(a, b) || CheckPassword(a) != nil || CheckStrength(a, false) != nil {
		t.Fatalf("generated %d bytes, twice the same: %v", len(a), bytes.Equal(a, b))
	}
}

func TestReadAndAskPassword(t *testing.T) {
	got, err := ReadPassword(strings.NewReader("with trailing newline\n\n"))
	if err != nil || string(got) != "with trailing newline\n" {
		t.Fatalf("ReadPassword %q, %v: only one trailing newline goes", got, err)
	}
	if _, err := ReadPassword(bytes.NewReader(make([]byte, maxRead+1))); err == nil {
		t.Fatal("an over-long stdin was read")
	}
	ui := &scriptedUI{answers: [][]byte{[]byte("same one"), []byte("same one")}}
	if got, err := AskPassword(ui); err != nil || string(got) != "same one" || len(ui.prompts) != 2 {
		t.Fatalf("AskPassword %q %v, prompts %q", got, err, ui.prompts)
	}
	ui = &scriptedUI{answers: [][]byte{[]byte("one"), []byte("two")}}
	if _, err := AskPassword(ui); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Fatalf("two different passwords: %v", err)
	}
}

func TestRecipients(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	mine := x.Recipient().String()
	test := TestRecipient()
	tests := []struct {
		name string
		o    RecipientOptions
		n    int    // recipients on success
		want string // error part
	}{
		{"flag", RecipientOptions{Flags: []string{mine}}, 1, ""},
		{"spec list when no flags", RecipientOptions{SpecRecipients: []string{mine, mine}, SpecFile: "s.yaml"}, 2, ""},
		{"flags win over the spec", RecipientOptions{Flags: []string{mine}, SpecRecipients: []string{"junk"}}, 1, ""},
		{"file", RecipientOptions{Files: []RecipientFile{{"team.txt", []byte("# team\n\n" + mine + "\n")}}}, 1, ""},
		{"test key by flag", RecipientOptions{Flags: []string{test}}, 0, "-r/--recipient: " + test + " is the committed test key"},
		{"test key in the spec", RecipientOptions{SpecRecipients: []string{test}, SpecFile: "s.yaml"}, 0, "s.yaml: password.recipients: " + test + " is the committed test key"},
		{"test key in a -R file", RecipientOptions{Files: []RecipientFile{{"team.txt", []byte(mine + "\n" + test + "\n")}}}, 0, "team.txt lists the committed test key"},
		{"test key allowed", RecipientOptions{Flags: []string{test}, AllowTestKey: true}, 1, ""},
		{"test key in a -R file allowed", RecipientOptions{Files: []RecipientFile{{"t", []byte(test)}}, AllowTestKey: true}, 1, ""},
		{"private key", RecipientOptions{Flags: []string{x.String()}}, 0, "this is a private key, not a recipient"},
		{"garbage", RecipientOptions{Flags: []string{"age1nope"}}, 0, `-r/--recipient: "age1nope"`},
		{"bad line in a file", RecipientOptions{Files: []RecipientFile{{"team.txt", []byte(mine + "\nnope\n")}}}, 0, "team.txt:2: unknown recipient type"},
		{"empty file", RecipientOptions{Files: []RecipientFile{{"team.txt", []byte("# nobody\n")}}}, 0, "team.txt: no recipients in the file"},
		{"none", RecipientOptions{SpecFile: "s.yaml"}, 0, "no recipients to seal to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.UI = &scriptedUI{}
			got, err := Recipients(tc.o)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil || len(got) != tc.n {
				t.Fatalf("%d recipients, %v; want %d", len(got), err, tc.n)
			}
		})
	}
}

func TestIdentitySources(t *testing.T) {
	dir := t.TempDir()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	got, tried := identitySources([]string{"a", "b"}, env(map[string]string{"STACKGEN_AGE_KEY_FILE": "x"}))
	if len(got) != 2 || got[0] != (IdentitySource{"a", "-i/--identity"}) || tried != nil {
		t.Fatalf("flags: %v %v", got, tried)
	}
	got, _ = identitySources(nil, env(map[string]string{"STACKGEN_AGE_KEY_FILE": "s", "SOPS_AGE_KEY_FILE": "o"}))
	if len(got) != 1 || got[0] != (IdentitySource{"s", "$STACKGEN_AGE_KEY_FILE"}) {
		t.Fatalf("STACKGEN_AGE_KEY_FILE first: %v", got)
	}
	got, _ = identitySources(nil, env(map[string]string{"SOPS_AGE_KEY_FILE": "o"}))
	if len(got) != 1 || got[0] != (IdentitySource{"o", "$SOPS_AGE_KEY_FILE"}) {
		t.Fatalf("SOPS_AGE_KEY_FILE: %v", got)
	}
	got, tried = identitySources(nil, env(map[string]string{"XDG_CONFIG_HOME": dir}))
	keys := filepath.Join(dir, "stackgen", "age", "keys.txt")
	if len(got) != 0 || strings.Join(tried, ", ") != "$STACKGEN_AGE_KEY_FILE (unset), $SOPS_AGE_KEY_FILE (unset), "+keys+" (not found)" {
		t.Fatalf("nothing: %v %q", got, tried)
	}
	os.MkdirAll(filepath.Dir(keys), 0o700)
	os.WriteFile(keys, []byte("x"), 0o600)
	if got, _ = identitySources(nil, env(map[string]string{"XDG_CONFIG_HOME": dir})); len(got) != 1 || got[0].Path != keys {
		t.Fatalf("XDG: %v", got)
	}
	if got, _ = identitySources(nil, env(map[string]string{"HOME": filepath.Dir(dir)})); len(got) != 0 {
		t.Fatalf("HOME without .config/stackgen: %v", got)
	}
}

func TestDecrypt(t *testing.T) {
	dir := t.TempDir()
	x, _ := age.GenerateX25519Identity()
	key := filepath.Join(dir, "key.txt")
	os.WriteFile(key, []byte(x.String()+"\n"), 0o600)
	wide := filepath.Join(dir, "wide.txt")
	os.WriteFile(wide, []byte(x.String()+"\n"), 0o644)
	const pw = "a decrypted password"
	sealed, err := Seal([]byte(pw), []age.Recipient{x.Recipient()})
	if err != nil {
		t.Fatal(err)
	}
	testSealed, _ := Seal([]byte(pw), []age.Recipient{testIdentity().(*age.X25519Identity).Recipient()})
	tooLong, _ := Seal([]byte(strings.Repeat("a", maxPassword+1)), []age.Recipient{x.Recipient()})
	noEnv := func(string) string { return "" }
	tests := []struct {
		name   string
		sealed []byte
		o      DecryptOptions
		want   string
	}{
		{"by -i", sealed, DecryptOptions{Identities: []string{key}}, ""},
		{"wide key file warns", sealed, DecryptOptions{Identities: []string{wide}}, ""},
		{"test key refused", testSealed, DecryptOptions{}, "is sealed to the committed test key"},
		{"test key allowed", testSealed, DecryptOptions{AllowTestKey: true}, ""},
		{"no key anywhere", sealed, DecryptOptions{}, "no age identity to decrypt p.age; tried $STACKGEN_AGE_KEY_FILE (unset)"},
		{"wrong key", sealed, DecryptOptions{Identities: []string{filepath.Join(dir, "other.txt")}}, "no such file"},
		{"unusable password inside", tooLong, DecryptOptions{Identities: []string{key}}, "p.age: the password is 16385 bytes"},
	}
	os.WriteFile(filepath.Join(dir, "other.txt"), nil, 0o600)
	os.Remove(filepath.Join(dir, "other.txt"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ui := &scriptedUI{}
			tc.o.UI, tc.o.Getenv = ui, noEnv
			got, err := Decrypt("p.age", tc.sealed, tc.o)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
					t.Fatalf("error %v (password returned: %v), want %q", err, got != nil, tc.want)
				}
				return
			}
			if err != nil || string(got) != pw {
				t.Fatalf("got %q, %v", got, err)
			}
			if strings.Contains(tc.name, "wide") != (len(ui.messages) == 1 && strings.Contains(ui.messages[0], "readable by others (mode 0644)")) {
				t.Fatalf("warnings %q", ui.messages)
			}
		})
	}
	other, _ := age.GenerateX25519Identity()
	otherKey := filepath.Join(dir, "other.txt")
	os.WriteFile(otherKey, []byte(other.String()+"\n"), 0o600)
	_, err = Decrypt("p.age", sealed, DecryptOptions{Identities: []string{otherKey}, Getenv: noEnv, UI: &scriptedUI{}})
	if err == nil || !strings.Contains(err.Error(), "p.age: no identity matched") ||
		!strings.Contains(strings.Join(failure.Hints(err), "\n"), "re-seal it to your public key") {
		t.Fatalf("wrong key: %v %q", err, failure.Hints(err))
	}
}

func TestPassphraseProtectedIdentity(t *testing.T) {
	dir := t.TempDir()
	x, _ := age.GenerateX25519Identity()
	scrypt, _ := age.NewScryptRecipient("a passphrase for the key")
	scrypt.SetWorkFactor(10)
	wrapped, err := Seal([]byte(x.String()+"\n"), []age.Recipient{scrypt})
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "key.age")
	os.WriteFile(key, wrapped, 0o600)
	sealed, _ := Seal([]byte("the password inside"), []age.Recipient{x.Recipient()})
	ui := &scriptedUI{answers: [][]byte{[]byte("a passphrase for the key")}}
	got, err := Decrypt("p.age", sealed, DecryptOptions{Identities: []string{key}, Getenv: func(string) string { return "" }, UI: ui})
	if err != nil || string(got) != "the password inside" || len(ui.prompts) != 1 || !strings.Contains(ui.prompts[0], "Enter passphrase for identity file") {
		t.Fatalf("got %q, %v, prompts %q", got, err, ui.prompts)
	}
	ui = &scriptedUI{answers: [][]byte{[]byte("wrong")}}
	if _, err := Decrypt("p.age", sealed, DecryptOptions{Identities: []string{key}, Getenv: func(string) string { return "" }, UI: ui}); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	ui = &scriptedUI{} // no terminal
	if _, err := Decrypt("p.age", sealed, DecryptOptions{Identities: []string{key}, Getenv: func(string) string { return "" }, UI: ui}); err == nil || !strings.Contains(err.Error(), "passphrase-protected: no terminal") {
		t.Fatalf("no terminal: %v", err)
	}
}

func TestSealRefusesMixingPostQuantumAndClassic(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Seal([]byte("a password of some length"), []age.Recipient{x.Recipient(), pq.Recipient()})
	if err == nil || !strings.Contains(strings.Join(failure.Hints(err), ""), "post-quantum recipients (age1pq1...) only") {
		t.Fatalf("error %v, hints %q", err, failure.Hints(err))
	}
}

// TestEncryptedSSHKeyWithoutTerminal: a passphrase-protected SSH key with no terminal to ask on says
// so, instead of calling the file tampered; with the passphrase it decrypts.
func TestEncryptedSSHKeyWithoutTerminal(t *testing.T) {
	dir := t.TempDir()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("key passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "id_ed25519")
	os.WriteFile(key, pem.EncodeToMemory(block), 0o600)
	sshPub, _ := ssh.NewPublicKey(pub)
	os.WriteFile(key+".pub", ssh.MarshalAuthorizedKey(sshPub), 0o644)
	r, err := agessh.NewEd25519Recipient(sshPub)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := Seal([]byte("the password inside"), []age.Recipient{r})
	opts := DecryptOptions{Identities: []string{key}, Getenv: func(string) string { return "" }}

	opts.UI = &scriptedUI{} // no terminal
	_, err = Decrypt("p.age", sealed, opts)
	if err == nil || !strings.Contains(err.Error(), "p.age: a key needs a passphrase (Enter passphrase for SSH key") ||
		!strings.Contains(err.Error(), "there is no terminal to ask for it") || strings.Contains(err.Error(), "tampered") {
		t.Fatalf("no terminal: %v", err)
	}
	opts.UI = &scriptedUI{answers: [][]byte{[]byte("key passphrase")}}
	if got, err := Decrypt("p.age", sealed, opts); err != nil || string(got) != "the password inside" {
		t.Fatalf("with the passphrase: %q, %v", got, err)
	}
}

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
	"filippo.io/age/plugin"
	"golang.org/x/crypto/ssh"
)

// TestParseRecipientKinds: a plugin recipient is taken as one (its plugin runs only when sealing),
// and a malformed age1 string gets age's own X25519 error.
func TestParseRecipientKinds(t *testing.T) {
	ui := &scriptedUI{}
	r, err := parseRecipient(plugin.EncodeRecipient("example", []byte{1, 2, 3}), ui)
	if err != nil {
		t.Fatalf("plugin recipient: %v", err)
	}
	if _, ok := r.(*plugin.Recipient); !ok {
		t.Fatalf("plugin recipient parsed as %T", r)
	}
	_, want := age.ParseX25519Recipient("age1nope")
	if _, err := parseRecipient("age1nope", ui); err == nil || err.Error() != want.Error() {
		t.Fatalf("age1nope: error %v, want %v", err, want)
	}
}

// TestIdentitySourcesHome: without $XDG_CONFIG_HOME the default key file is under $HOME/.config;
// with it, $HOME is not looked at.
func TestIdentitySourcesHome(t *testing.T) {
	home, xdg := t.TempDir(), t.TempDir()
	keys := filepath.Join(home, ".config", "stackgen", "age", "keys.txt")
	if err := os.MkdirAll(filepath.Dir(keys), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keys, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	got, _ := identitySources(nil, env(map[string]string{"HOME": home}))
	if len(got) != 1 || got[0] != (IdentitySource{keys, "default"}) {
		t.Fatalf("HOME only: %v", got)
	}
	got, tried := identitySources(nil, env(map[string]string{"HOME": home, "XDG_CONFIG_HOME": xdg}))
	if len(got) != 0 || len(tried) != 3 || tried[2] != filepath.Join(xdg, "stackgen", "age", "keys.txt")+" (not found)" {
		t.Fatalf("XDG set, key only under HOME: %v %q", got, tried)
	}
	if got, tried := identitySources(nil, env(map[string]string{})); len(got) != 0 || len(tried) != 2 {
		t.Fatalf("neither HOME nor XDG: %v %q", got, tried)
	}
}

// TestParseIdentityFileLines: errors name the line, counting blank and comment lines; plugin
// identities are accepted without running the plugin.
func TestParseIdentityFileLines(t *testing.T) {
	ui := &scriptedUI{}
	x, _ := age.GenerateX25519Identity()
	_, err := parseIdentityFile("k.txt", []byte("# keys\n\n"+x.String()+"\nAGE-SECRET-KEY-1BAD\n"), ui)
	if err == nil || err.Error() != "identity k.txt:4: not an age identity (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1..., AGE-PLUGIN-...)" {
		t.Fatalf("bad line 4: %v", err)
	}
	ids, err := parseIdentityFile("k.txt", []byte("# a plugin key\n"+plugin.EncodeIdentity("example", []byte{1, 2, 3})+"\n"+x.String()+"\n"), ui)
	if err != nil || len(ids) != 2 {
		t.Fatalf("plugin and native identity: %d, %v", len(ids), err)
	}
	if _, ok := ids[0].(*plugin.Identity); !ok {
		t.Fatalf("plugin identity parsed as %T", ids[0])
	}
	_, err = parseIdentityFile("k.txt", []byte("\nAGE-PLUGIN-NOPE\n"), ui)
	if err == nil || !strings.HasPrefix(err.Error(), "identity k.txt:2: ") {
		t.Fatalf("malformed plugin identity: %v", err)
	}
	if _, err := parseIdentityFile("k.txt", []byte("# nothing\n"), ui); err == nil || err.Error() != "identity k.txt: no keys in the file" {
		t.Fatalf("empty: %v", err)
	}
}

// TestEncryptedSSHIdentity: a passphrase-protected SSH key asks for its passphrase only when it is
// needed, through the UI, and decrypts; a wrong passphrase does not.
func TestEncryptedSSHIdentity(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("ssh key passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := ssh.NewPublicKey(pub)
	dir := t.TempDir()
	key := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(key, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := parseRecipient(string(ssh.MarshalAuthorizedKey(sp)), &scriptedUI{})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := Seal([]byte("sealed to an ssh key"), []age.Recipient{r})
	if err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }
	ui := &scriptedUI{answers: [][]byte{[]byte("ssh key passphrase")}}
	got, err := Decrypt("p.age", sealed, DecryptOptions{Identities: []string{key}, Getenv: noEnv, UI: ui})
	if err != nil || string(got) != "sealed to an ssh key" {
		t.Fatalf("got %q, %v", got, err)
	}
	if len(ui.prompts) != 1 || ui.prompts[0] != `Enter passphrase for SSH key "`+key+`":` {
		t.Fatalf("prompts %q", ui.prompts)
	}
	ui = &scriptedUI{answers: [][]byte{[]byte("wrong")}}
	if _, err := Decrypt("p.age", sealed, DecryptOptions{Identities: []string{key}, Getenv: noEnv, UI: ui}); err == nil {
		t.Fatal("a wrong SSH passphrase decrypted")
	}
	// A key that is not SSH at all says so.
	if _, err := parseIdentityFile(key, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), ui); err == nil ||
		!strings.HasPrefix(err.Error(), "identity "+key+": not a usable SSH private key: ") {
		t.Fatalf("garbage SSH key: %v", err)
	}
}

// TestReadPasswordLimit: exactly maxRead bytes are read; one more is refused.
func TestReadPasswordLimit(t *testing.T) {
	got, err := ReadPassword(bytes.NewReader(bytes.Repeat([]byte("a"), maxRead)))
	if err != nil || len(got) != maxRead {
		t.Fatalf("exactly %d bytes: %d, %v", maxRead, len(got), err)
	}
	if _, err := ReadPassword(bytes.NewReader(bytes.Repeat([]byte("a"), maxRead+1))); err == nil {
		t.Fatalf("%d bytes read", maxRead+1)
	}
}

package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/webvig/stackgen/stacks"
	"github.com/webvig/stackgen/vault"
)

// passwords that shells, YAML, URLs and Redis could each mangle.
var hostilePasswords = []string{
	`with spaces and "double" and 'single' quotes`,
	"dollar $HOME ${X} $(id) `backticks` \\backslash\\ end\\",
	"non-ASCII: é € 🔑 ünïcödé 日本語 / ? # @ : % +",
	"--requirepass -leading dashes\tand a tab",
}

// fakeDocker is a stand-in docker CLI (the real engine is exercised by the deploy tests): it appends
// its argv to $FAKE/argv, keeps created secrets as files in $FAKE/secrets, and answers info, secret
// inspect/create/ls/rm and service ls/inspect from those files.
const fakeDocker = `#!/bin/sh
printf '%s\n' "$*" >> "$FAKE/argv"
mkdir -p "$FAKE/secrets"
last=; prev=
for a in "$@"; do prev=$last; last=$a; done
case "$1 $2" in
"info "*) echo "${FAKE_SWARM:-active true}" ;;
"secret inspect")
	[ -f "$FAKE/secrets/$last" ] && { echo x; exit 0; }
	echo "Error response from daemon: secret $last not found" >&2; exit 1 ;;
"secret create")
	[ -n "$FAKE_FAIL_CREATE" ] && { echo "Error response from daemon: rpc error: boom" >&2; exit 1; }
	cat > "$FAKE/secrets/$prev" ;;
"secret ls") ls "$FAKE/secrets" ;;
"secret rm") rm "$FAKE/secrets/$3" ;;
"service ls") cat "$FAKE/services" 2>/dev/null ;;
"service inspect")
	if [ "$3" = --format ]; then cat "$FAKE/service-secrets" 2>/dev/null; exit 0; fi
	echo "Status: Error: no such service: $last, Code: 1" >&2; exit 1 ;;
"network inspect")
	[ -f "$FAKE/network" ] && { cat "$FAKE/network"; exit 0; }
	echo "Error response from daemon: network $last not found" >&2; exit 1 ;;
"node ls") echo node1 ;;
"node inspect") echo '[{"ID":"node1","Spec":{"Role":"manager","Availability":"active","Labels":{}},"Description":{"Hostname":"vm"},"Status":{"State":"ready"}}]' ;;
*) echo "fake docker: unexpected $*" >&2; exit 3 ;;
esac
`

type secretFixture struct {
	t              *testing.T
	dir, spec, key string
	fake           string
}

// newSecretFixture makes a spec directory (a copy of the default spec), an X25519 key file, and a
// fake docker on PATH.
func newSecretFixture(t *testing.T) *secretFixture {
	t.Helper()
	dir := t.TempDir()
	f := &secretFixture{t: t, dir: dir, spec: filepath.Join(dir, "stack.yaml"), key: filepath.Join(dir, "key.txt"), fake: filepath.Join(dir, "fake")}
	spec, err := stacks.FS.ReadFile(stacks.Default)
	if err != nil {
		t.Fatal(err)
	}
	write(t, f.spec, spec, 0o644)
	writeKeyPair(t, f.key)
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(bin, "docker"), []byte(fakeDocker), 0o755)
	if err := os.MkdirAll(f.fake, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("FAKE", f.fake)
	for _, v := range []string{"STACKGEN_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE", "FAKE_SWARM", "FAKE_FAIL_CREATE"} {
		t.Setenv(v, "")
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	return f
}

// writeKeyPair writes a new age identity to path (mode 0600) and its recipient to path.pub.
func writeKeyPair(t *testing.T, path string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, []byte(id.String()+"\n"), 0o600)
	write(t, path+".pub", []byte(id.Recipient().String()+"\n"), 0o644)
}

func write(t *testing.T, name string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, data, mode); err != nil {
		t.Fatal(err)
	}
}

func (f *secretFixture) recipient() string {
	data, err := os.ReadFile(f.key + ".pub")
	if err != nil {
		f.t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// stackgen runs the CLI in-process and returns status, stdout and stderr.
func stackgen(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, os.Environ(), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func (f *secretFixture) mustRun(stdin string, args ...string) string {
	f.t.Helper()
	code, out, errs := stackgen(stdin, args...)
	if code != 0 {
		f.t.Fatalf("stackgen %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return out
}

// names returns the two secret names the render of the fixture's spec references.
func (f *secretFixture) names() (string, string) {
	out := f.mustRun("", "secret", "names", f.spec)
	lines := strings.Fields(out)
	if len(lines) != 2 {
		f.t.Fatalf("secret names printed %q", out)
	}
	render := f.mustRun("", "render", f.spec)
	for _, n := range lines {
		if !strings.Contains(render, n) {
			f.t.Fatalf("render does not mention %q:\n%s", n, render)
		}
	}
	return lines[0], lines[1]
}

func (f *secretFixture) argv() string {
	data, _ := os.ReadFile(filepath.Join(f.fake, "argv"))
	return string(data)
}

// wroteOutside lists every file under dir (but the fake docker's own records) holding needle.
func wroteOutside(t *testing.T, dir, skip, needle string) []string {
	t.Helper()
	var hits []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasPrefix(p, skip) {
			return nil
		}
		if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(needle)) {
			hits = append(hits, p)
		}
		return nil
	})
	return hits
}

func TestSealApplyRoundTrip(t *testing.T) {
	for _, pw := range hostilePasswords {
		t.Run(pw[:10], func(t *testing.T) {
			f := newSecretFixture(t)
			code, out, errs := stackgen(pw+"\n", "secret", "seal", "-r", f.recipient(), f.spec)
			if code != 0 {
				t.Fatalf("seal: %d %s", code, errs)
			}
			if strings.Contains(out+errs, pw) {
				t.Fatal("seal printed the password")
			}
			pwName, urlName := f.names()

			code, out, errs = stackgen("", "secret", "apply", "-i", f.key, f.spec)
			if code != 0 {
				t.Fatalf("apply: %d %s", code, errs)
			}
			if want := "created " + pwName + "\ncreated " + urlName + "\n"; out != want {
				t.Errorf("apply stdout %q, want %q", out, want)
			}
			got, err := os.ReadFile(filepath.Join(f.fake, "secrets", pwName))
			if err != nil {
				t.Fatalf("no secret %s created: %v\nargv:\n%s", pwName, err, f.argv())
			}
			if string(got) != pw {
				t.Errorf("secret holds %q, want the exact password", got)
			}
			rawURL, err := os.ReadFile(filepath.Join(f.fake, "secrets", urlName))
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(string(rawURL))
			if err != nil {
				t.Fatalf("URL secret does not parse: %v", err)
			}
			if p, _ := u.User.Password(); p != pw || u.Host != "wheel_analyzer_redis:6379" || u.Path != "/0" || u.Scheme != "redis" {
				t.Errorf("URL parses back to password %q, host %q, path %q", p, u.Host, u.Path)
			}
			for _, bad := range []string{pw, url.QueryEscape(pw)} {
				if strings.Contains(f.argv(), bad) || strings.Contains(out+errs, bad) {
					t.Fatalf("the password reached argv or stackgen's output:\n%s", f.argv())
				}
			}
			if hits := wroteOutside(t, f.dir, f.fake, pw); len(hits) > 0 {
				t.Fatalf("the plaintext is in files stackgen wrote: %v", hits)
			}
			if !strings.Contains(f.argv(), "secret create --label com.stackgen.stack=wheel_analyzer --label com.stackgen.spec="+f.spec+" --label com.stackgen.kind=password "+pwName+" -") {
				t.Errorf("unexpected create call:\n%s", f.argv())
			}

			// A second apply creates nothing.
			before := strings.Count(f.argv(), "secret create")
			out = f.mustRun("", "secret", "apply", "-i", f.key, f.spec)
			if strings.Count(f.argv(), "secret create") != before || !strings.HasPrefix(out, "exists  "+pwName) {
				t.Errorf("second apply: %q\n%s", out, f.argv())
			}

			// secret env writes REDIS_URL=... with mode 0600.
			envFile := filepath.Join(t.TempDir(), ".env.docker")
			f.mustRun("", "secret", "env", "-i", f.key, "-o", envFile, f.spec)
			st, err := os.Stat(envFile)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("env file: %v, mode %v", err, st.Mode())
			}
			line, _ := os.ReadFile(envFile)
			if string(line) != "REDIS_URL="+string(rawURL)+"\n" {
				t.Errorf("env file %q", line)
			}
		})
	}
}

func TestResealRollsTheSecretName(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("same password, twice", "secret", "seal", "-r", f.recipient(), f.spec)
	a, _ := f.names()
	f.mustRun("same password, twice", "secret", "seal", "-r", f.recipient(), f.spec)
	b, _ := f.names()
	if a == b {
		t.Fatalf("re-sealing kept the secret name %s: age encryption is randomized, so it must change", a)
	}
}

func TestKeyTypesRoundTrip(t *testing.T) {
	hybrid, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	x, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sshKey := func(priv any, pub any) (string, []byte) {
		sp, err := ssh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		block, err := ssh.MarshalPrivateKey(priv, "")
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))), pem.EncodeToMemory(block)
	}
	edRecipient, edPEM := sshKey(edPriv, edPub)
	rsaRecipient, rsaPEM := sshKey(rsaPriv, &rsaPriv.PublicKey)
	tests := []struct {
		name, recipient string
		identity        []byte
	}{
		{"x25519", x.Recipient().String(), []byte(x.String() + "\n")},
		{"hybrid post-quantum", hybrid.Recipient().String(), []byte(hybrid.String() + "\n")},
		{"ssh-ed25519", edRecipient, edPEM},
		{"ssh-rsa", rsaRecipient, rsaPEM},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newSecretFixture(t)
			write(t, f.key, tc.identity, 0o600)
			pw := hostilePasswords[1]
			f.mustRun(pw, "secret", "seal", "-r", tc.recipient, f.spec)
			envFile := filepath.Join(t.TempDir(), "env")
			f.mustRun("", "secret", "env", "-i", f.key, "-o", envFile, f.spec)
			if got := envPassword(t, envFile); got != pw {
				t.Fatalf("round trip with -i gave %q", got)
			}
			// The key from the environment works the same as -i.
			t.Setenv("SOPS_AGE_KEY_FILE", f.key)
			os.Remove(envFile)
			f.mustRun("", "secret", "env", "-o", envFile, f.spec)
			if got := envPassword(t, envFile); got != pw {
				t.Fatalf("round trip with $SOPS_AGE_KEY_FILE gave %q", got)
			}
		})
	}
}

// envPassword reads a file written by `secret env -o` and returns the password in its REDIS_URL.
func envPassword(t *testing.T, name string) string {
	t.Helper()
	line, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := strings.CutPrefix(string(line), "REDIS_URL=")
	if !ok || !strings.HasSuffix(rest, "\n") {
		t.Fatalf("%s holds %q, want one REDIS_URL= line", name, line)
	}
	u, err := url.Parse(strings.TrimSuffix(rest, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	pw, ok := u.User.Password()
	if !ok {
		t.Fatalf("URL %s has no password", u.Redacted())
	}
	return pw
}

func TestSecretErrorsCreateNothing(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("a good long password", "secret", "seal", "-r", f.recipient(), f.spec)
	other, _ := age.GenerateX25519Identity()
	otherKey := filepath.Join(f.dir, "other.txt")
	write(t, otherKey, []byte(other.String()+"\n"), 0o600)
	sealed := filepath.Join(f.dir, "redis_password.age")
	good, _ := os.ReadFile(sealed)

	tests := []struct {
		name  string
		setup func()
		args  []string
		want  string
	}{
		{"wrong key", nil, []string{"-i", otherKey},
			"redis_password.age: no identity matched: the file is not sealed to any of the given keys"},
		{"tampered", func() {
			bad := bytes.Replace(good, []byte("\n"), []byte("\nAAAA"), 3)
			write(t, sealed, bad, 0o644)
		}, []string{"-i", f.key}, "redis_password.age: cannot decrypt (tampered, truncated or corrupt)"},
		{"truncated", func() { write(t, sealed, good[:len(good)/2], 0o644) }, []string{"-i", f.key},
			"redis_password.age: cannot decrypt (tampered, truncated or corrupt)"},
		{"not age", func() { write(t, sealed, []byte("hunter2\n"), 0o644) }, []string{"-i", f.key},
			"redis_password.age is not an age file"},
		{"missing file", func() { os.Remove(sealed) }, []string{"-i", f.key},
			"password.file: redis_password.age: no such file"},
		{"no key anywhere", nil, nil, "no age identity to decrypt redis_password.age; tried $STACKGEN_AGE_KEY_FILE (unset), $SOPS_AGE_KEY_FILE (unset), " + filepath.Join(f.dir, "xdg", "stackgen", "age", "keys.txt") + " (not found)"},
		{"missing key file", nil, []string{"-i", filepath.Join(f.dir, "nope.txt")}, "identity " + filepath.Join(f.dir, "nope.txt") + " (from -i/--identity): no such file"},
		{"not a manager", func() { t.Setenv("FAKE_SWARM", "active false") }, []string{"-i", f.key},
			"this Docker daemon is a Swarm worker, not a manager"},
		{"docker fails", func() { t.Setenv("FAKE_FAIL_CREATE", "1") }, []string{"-i", f.key},
			"docker secret create: Error response from daemon: rpc error: boom"},
		{"no docker", func() { t.Setenv("PATH", f.dir) }, []string{"-i", f.key}, "docker is not on PATH"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write(t, sealed, good, 0o644)
			t.Setenv("FAKE_SWARM", "")
			t.Setenv("FAKE_FAIL_CREATE", "")
			if tc.setup != nil {
				tc.setup()
			}
			code, out, errs := stackgen("", append(append([]string{"secret", "apply"}, tc.args...), f.spec)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s", code, errs)
			}
			if first := strings.SplitN(errs, "\n", 2)[0]; !strings.Contains(first, tc.want) || !strings.HasPrefix(first, "stackgen: error: ") {
				t.Errorf("stderr %q\nwant it to contain %q", errs, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if entries, _ := os.ReadDir(filepath.Join(f.fake, "secrets")); len(entries) > 0 {
				t.Errorf("%d secrets were created", len(entries))
			}
			if strings.Contains(errs, "a good long password") {
				t.Error("the password is in the error")
			}
		})
	}
}

func TestSealRefusals(t *testing.T) {
	f := newSecretFixture(t)
	sealed := filepath.Join(f.dir, "redis_password.age")
	before, _ := os.ReadFile(sealed)
	tests := []struct{ name, stdin, want string }{
		{"empty", "\n", "the password is empty"},
		{"NUL", "abc\x00defghijklmnopq", "the password contains a NUL byte"},
		{"CR", "abcdefghijklmnopq\r\n", "the password contains a line break"},
		{"LF", "abcdefgh\nijklmnopq", "the password contains a line break"},
		{"one byte over what Redis accepts", strings.Repeat("x", 16385), "the password is 16385 bytes; Redis refuses an AUTH longer than 16384 bytes before login"},
		{"far too long for stdin", strings.Repeat("x", 70000), "the password on stdin is longer than 65536 bytes; Redis accepts at most 16384"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := stackgen(tc.stdin, "secret", "seal", "-r", f.recipient(), f.spec)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
			if after, _ := os.ReadFile(sealed); !bytes.Equal(after, before) {
				t.Fatal("the password file changed after a refused seal")
			}
		})
	}
	code, _, errs := stackgen("short", "secret", "seal", "-r", f.recipient(), f.spec)
	if code != 2 || !strings.Contains(errs, "stackgen: error: the password has 5 characters; the minimum is 16") ||
		!strings.Contains(errs, "--allow-weak-password") {
		t.Fatalf("short password: exit %d, %q", code, errs)
	}
	if after, _ := os.ReadFile(sealed); !bytes.Equal(after, before) {
		t.Fatal("the password file changed after a refused weak password")
	}
	code, _, errs = stackgen("short", "secret", "seal", "--allow-weak-password", "-r", f.recipient(), f.spec)
	if code != 0 {
		t.Fatalf("short password with --allow-weak-password: exit %d, %q", code, errs)
	}
	code, _, errs = stackgen("", "secret", "seal", f.spec)
	if code != 2 || !strings.Contains(errs, "no recipients to seal to") {
		t.Fatalf("no recipients: exit %d, %q", code, errs)
	}
	code, _, errs = stackgen("", "secret", "seal", "--generate", "-r", vault.TestRecipient(), f.spec)
	if code != 2 || !strings.Contains(errs, "is the committed test key") {
		t.Fatalf("test recipient: exit %d, %q", code, errs)
	}
}

func TestSealGenerateAndSpecRecipients(t *testing.T) {
	f := newSecretFixture(t)
	spec, _ := os.ReadFile(f.spec)
	spec = bytes.Replace(spec, []byte("  file: redis_password.age"), []byte("  recipients: ["+f.recipient()+"]\n  file: redis_password.age"), 1)
	write(t, f.spec, spec, 0o644)
	code, out, errs := stackgen("", "secret", "seal", "--generate", f.spec)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	envFile := filepath.Join(t.TempDir(), "env")
	f.mustRun("", "secret", "env", "-i", f.key, "-o", envFile, f.spec)
	line, _ := os.ReadFile(envFile)
	u, _ := url.Parse(strings.TrimSpace(strings.TrimPrefix(string(line), "REDIS_URL=")))
	pw, _ := u.User.Password()
	if len(pw) != 43 || strings.Contains(errs, pw) {
		t.Fatalf("generated password has %d characters (want 43) or was printed", len(pw))
	}
}

func TestApplyRefusesTheTestKey(t *testing.T) {
	newSecretFixture(t) // fake docker
	code, _, errs := stackgen("", "secret", "apply")
	if code != 2 || !strings.Contains(errs, "is sealed to the committed test key") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	code, out, errs := stackgen("", "secret", "apply", "--allow-test-key")
	if code != 0 || !strings.Contains(out, "created wheel_analyzer_redis_password_") {
		t.Fatalf("--allow-test-key: exit %d, %q %q", code, out, errs)
	}
}

func TestPrune(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("first password here", "secret", "seal", "-r", f.recipient(), f.spec)
	oldPw, oldURL := f.names()
	f.mustRun("", "secret", "apply", "-i", f.key, f.spec)
	f.mustRun("second password here", "secret", "seal", "-r", f.recipient(), f.spec)
	newPw, newURL := f.names()
	// A running service still uses the old password secret; nothing uses the old URL secret.
	write(t, filepath.Join(f.fake, "services"), []byte("wheel_analyzer_redis\n"), 0o644)
	write(t, filepath.Join(f.fake, "service-secrets"), []byte(oldPw+" \n"), 0o644)
	out := f.mustRun("", "secret", "apply", "--prune", "-i", f.key, f.spec)
	want := "created " + newPw + "\ncreated " + newURL + "\nremoved " + oldURL + "\n"
	if out != want {
		t.Fatalf("apply --prune:\n%s\nwant:\n%s", out, want)
	}
}

func TestEnvRefusesWideFiles(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("a good long password", "secret", "seal", "-r", f.recipient(), f.spec)
	wide := filepath.Join(f.dir, ".env.docker")
	write(t, wide, []byte("OLD=1\n"), 0o644)
	code, _, errs := stackgen("", "secret", "env", "-i", f.key, "-o", wide, f.spec)
	if code != 2 || !strings.Contains(errs, "exists with mode 0644") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if data, _ := os.ReadFile(wide); string(data) != "OLD=1\n" {
		t.Fatal("the refused file was changed")
	}
	// Standard output redirected into a file that others can read.
	out, err := os.OpenFile(filepath.Join(f.dir, "redirected"), os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var errb bytes.Buffer
	if code := run([]string{"secret", "env", "-i", f.key, f.spec}, os.Environ(), strings.NewReader(""), out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "standard output is a file with mode 0644") {
		t.Fatalf("exit %d, %q", code, errb.String())
	}
}

func TestEnvFollowsStackOverride(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("a good long password", "secret", "seal", "-r", f.recipient(), f.spec)
	envFile := filepath.Join(t.TempDir(), "env")
	f.mustRun("", "secret", "env", "-i", f.key, "--stack", "other", "-o", envFile, f.spec)
	line, _ := os.ReadFile(envFile)
	if !strings.Contains(string(line), "@other_redis:6379/0") {
		t.Fatalf("env line %q does not name the overridden stack's service", line)
	}
}

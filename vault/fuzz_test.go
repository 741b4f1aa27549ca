package vault

import (
	"bytes"
	"testing"

	"filippo.io/age"

	"github.com/webvig/stackgen/stacks"
)

// FuzzUnseal: the password file reader takes any bytes; it either decrypts with the test key or fails
// with an error that names the file and holds none of the input.
func FuzzUnseal(f *testing.F) {
	sample, _ := stacks.FS.ReadFile("wheel_analyzer/redis_password.age")
	f.Add(sample)
	f.Add([]byte("age-encryption.org/v1\n-> X25519 abc\n--- def\n"))
	f.Add([]byte("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n"))
	ids := []age.Identity{TestIdentity()}
	f.Fuzz(func(t *testing.T, data []byte) {
		pw, err := Unseal("p.age", data, ids)
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("p.age")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		_ = CheckPassword(pw)
	})
}

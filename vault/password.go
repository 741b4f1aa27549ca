package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
)

const (
	// maxPassword is the longest password anyone could log in with: Redis refuses an unauthenticated
	// request whose bulk argument is longer than 16 KiB ("ERR Protocol error: unauthenticated bulk
	// length", src/networking.c), and AUTH is unauthenticated by definition. The generator's runtime
	// tests measure the boundary on the real redis-server.
	maxPassword = generator.MaxPasswordBytes
	// minPassword is the fewest characters seal accepts without --allow-weak-password.
	minPassword = 16
)

// CheckPassword refuses what Redis or the wrapper cannot use. Messages never quote the password.
// A leading "--" is fine: the wrapper writes the password on redis-server's stdin in config-file
// syntax (src/config.c, loadServerConfig), where it is an ordinary quoted value, never in argv, where
// Redis 6.2 would read "--x" as an option's name (src/server.c, main).
func CheckPassword(pw []byte) error {
	switch {
	case len(pw) == 0:
		return errors.New("the password is empty; Redis would start without authentication")
	case len(pw) > maxPassword:
		return fmt.Errorf("the password is %d bytes; Redis refuses an AUTH longer than %d bytes before login, so nothing could connect", len(pw), maxPassword)
	case bytes.IndexByte(pw, 0) >= 0:
		return errors.New("the password contains a NUL byte")
	case bytes.ContainsAny(pw, "\r\n"):
		return errors.New("the password contains a line break (CR or LF)")
	case !utf8.Valid(pw):
		return errors.New("the password is not valid UTF-8")
	}
	return nil
}

// CheckStrength refuses a password shorter than MinPassword characters unless allowWeak.
func CheckStrength(pw []byte, allowWeak bool) error {
	if n := utf8.RuneCount(pw); n < minPassword && !allowWeak {
		return failure.Errorf("the password has %d characters; the minimum is %d", n, minPassword).
			Hint("use --generate for 43 random characters, or --allow-weak-password to seal it anyway")
	}
	return nil
}

// Generate makes 32 random bytes, URL-safe base64 (43 characters, no padding).
func Generate() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := make([]byte, base64.RawURLEncoding.EncodedLen(len(b)))
	base64.RawURLEncoding.Encode(out, b)
	return out
}

// maxRead bounds what ReadPassword takes in: enough to say how far over MaxPassword a pasted file is.
const maxRead = 64 << 10

// ReadPassword reads a password piped on stdin: everything up to EOF, one trailing newline removed.
func ReadPassword(r io.Reader) ([]byte, error) {
	pw, err := io.ReadAll(io.LimitReader(r, maxRead+1))
	if err != nil {
		return nil, fmt.Errorf("read password from stdin: %w", err)
	}
	if len(pw) > maxRead {
		clear(pw)
		return nil, fmt.Errorf("the password on stdin is longer than %d bytes; Redis accepts at most %d", maxRead, maxPassword)
	}
	return bytes.TrimSuffix(pw, []byte("\n")), nil
}

// AskPassword asks for a new password twice, without echo, and refuses two that differ.
func AskPassword(ui UI) ([]byte, error) {
	a, err := ui.ReadSecret("Redis password:")
	if err != nil {
		return nil, fmt.Errorf("read password: %w", err)
	}
	b, err := ui.ReadSecret("Again:")
	defer clear(b)
	if err != nil {
		clear(a)
		return nil, fmt.Errorf("read password: %w", err)
	}
	if !bytes.Equal(a, b) {
		clear(a)
		return nil, errors.New("the two passwords differ; nothing was written")
	}
	return a, nil
}

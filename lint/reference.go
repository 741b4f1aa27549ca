package lint

import (
	"errors"
	"strings"
)

// Image references as docker stack deploy checks them before it contacts the daemon
// (cli/command/stack/loader/loader.go calls github.com/distribution/reference ParseAnyReference).
// The grammar is that package's (regexp.go, reference.go, normalize.go) and go-digest's
// (Digest.Validate), written as plain code: the package builds its regexps in its init, which cost a
// one-file lint half its instructions whether or not it has an image to check. FuzzImageReference
// holds the two equal, error text included.

var (
	errRefInvalidFormat  = errors.New("invalid reference format")
	errRefUppercase      = errors.New("repository name must be lowercase")
	errRefNameTooLong    = errors.New("repository name must not be more than 255 characters")
	errDigestFormat      = errors.New("invalid checksum digest format")
	errDigestLength      = errors.New("invalid checksum digest length")
	errDigestUnsupported = errors.New("unsupported digest algorithm")
)

// parseImageRef reports whether s is an image reference docker accepts, with distribution/reference's
// error when it is not.
func parseImageRef(s string) error {
	if isIdentifier(s) || validDigest(s) == nil {
		return nil // a bare image ID, or a digest alone
	}
	domain, remainder := splitDockerDomain(s)
	remote := remainder
	if i := strings.IndexByte(remainder, ':'); i >= 0 {
		remote = remainder[:i]
	}
	if strings.ToLower(remote) != remote {
		return errors.New("invalid reference format: repository name (" + remote + ") must be lowercase")
	}
	return parseReference(domain + "/" + remainder)
}

// splitDockerDomain is distribution/reference's: a first component is a domain when it is
// localhost, holds "." or ":", or has an upper-case letter; docker.io names get library/.
func splitDockerDomain(name string) (domain, remote string) {
	first, rest, ok := strings.Cut(name, "/")
	if !ok {
		return "docker.io", "library/" + name
	}
	switch {
	case first == "localhost":
		domain, remote = first, rest
	case first == "index.docker.io":
		domain, remote = "docker.io", rest
	case strings.ContainsAny(first, ".:"), strings.ToLower(first) != first:
		domain, remote = first, rest
	default:
		domain, remote = "docker.io", name
	}
	if domain == "docker.io" && !strings.Contains(remote, "/") {
		remote = "library/" + remote
	}
	return domain, remote
}

// parseReference is distribution/reference's Parse: name[:tag][@digest].
func parseReference(s string) error {
	if !matchReference(s) {
		if matchReference(strings.ToLower(s)) {
			return errRefUppercase
		}
		return errRefInvalidFormat
	}
	name, digest := s, ""
	if at := strings.IndexByte(s, '@'); at >= 0 {
		name, digest = s[:at], s[at+1:]
	}
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name = name[:i]
	}
	path := name
	if first, rest, ok := strings.Cut(name, "/"); ok && validDomain(first) && validRemote(rest) {
		path = rest
	}
	if len(path) > 255 {
		return errRefNameTooLong
	}
	if digest != "" {
		return validDigest(digest)
	}
	return nil
}

// matchReference is ReferenceRegexp: [domain/]remote-name, then :tag, then @digest.
func matchReference(s string) bool {
	if strings.Count(s, "@") > 1 {
		return false
	}
	if at := strings.IndexByte(s, '@'); at >= 0 {
		if !matchDigest(s[at+1:]) {
			return false
		}
		s = s[:at]
	}
	// A ":" after the last "/" can only start the tag: the name holds ":" in its domain's port only.
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		if !validTag(s[i+1:]) {
			return false
		}
		s = s[:i]
	}
	if validRemote(s) {
		return true
	}
	first, rest, ok := strings.Cut(s, "/")
	return ok && validDomain(first) && validRemote(rest)
}

// validRemote is remote-name: path components of lower-case letters and digits joined by ".", "_",
// "__" or runs of "-", separated by "/".
func validRemote(s string) bool {
	for _, c := range strings.Split(s, "/") {
		if !validPathComponent(c) {
			return false
		}
	}
	return true
}

func validPathComponent(c string) bool {
	i := 0
	for {
		start := i
		for i < len(c) && (c[i] >= 'a' && c[i] <= 'z' || c[i] >= '0' && c[i] <= '9') {
			i++
		}
		if i == start {
			return false
		}
		if i == len(c) {
			return true
		}
		sep := i
		for i < len(c) && (c[i] == '.' || c[i] == '_' || c[i] == '-') {
			i++
		}
		switch s := c[sep:i]; {
		case s == ".", s == "_", s == "__", strings.Trim(s, "-") == "":
		default:
			return false
		}
	}
}

// validDomain is host[:port], host a DNS name or a bracketed IPv6 address.
func validDomain(d string) bool {
	host := d
	if strings.HasPrefix(d, "[") {
		end := strings.IndexByte(d, ']')
		if end < 2 || strings.Trim(d[1:end], "0123456789abcdefABCDEF:") != "" {
			return false
		}
		host, d = d[:end+1], d[end+1:]
		return d == "" || validPort(d)
	}
	if i := strings.IndexByte(d, ':'); i >= 0 {
		host = d[:i]
		if !validPort(d[i:]) {
			return false
		}
	}
	for _, c := range strings.Split(host, ".") {
		if c == "" || !alnum(c[0]) || !alnum(c[len(c)-1]) || strings.Trim(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	return len(p) > 1 && p[0] == ':' && strings.Trim(p[1:], "0123456789") == ""
}

func alnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// validTag is [\w][\w.-]{0,127}.
func validTag(t string) bool {
	if t == "" || len(t) > 128 || t[0] == '.' || t[0] == '-' {
		return false
	}
	return strings.Trim(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == ""
}

// matchDigest is the digest grammar: algorithm components of letters and digits (each starting with
// a letter) joined by "-", "_", "+" or ".", a ":", and at least 32 hex digits.
func matchDigest(d string) bool {
	alg, hex, ok := strings.Cut(d, ":")
	if !ok || len(hex) < 32 || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
		return false
	}
	start := true
	for i := 0; i < len(alg); i++ {
		c := alg[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			start = false
		case c >= '0' && c <= '9' && !start:
		case (c == '-' || c == '_' || c == '+' || c == '.') && !start:
			start = true
		default:
			return false
		}
	}
	return !start
}

// validDigest is go-digest's Parse: a known algorithm with its exact length of lower-case hex.
func validDigest(d string) error {
	i := strings.IndexByte(d, ':')
	if i <= 0 || i+1 == len(d) {
		return errDigestFormat
	}
	size := map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}[d[:i]]
	if size == 0 {
		if !goDigestGrammar(d[:i], d[i+1:]) {
			return errDigestFormat
		}
		return errDigestUnsupported
	}
	hex := d[i+1:]
	if len(hex) != size {
		return errDigestLength
	}
	if strings.Trim(hex, "0123456789abcdef") != "" {
		return errDigestFormat
	}
	return nil
}

// goDigestGrammar is go-digest's own DigestRegexp, stricter than the reference grammar's: lower-case
// algorithm components of letters and digits joined by ".", "+", "_" or "-", then letters, digits,
// "=", "_" or "-".
func goDigestGrammar(alg, encoded string) bool {
	if encoded == "" || strings.Trim(encoded, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=_-") != "" {
		return false
	}
	prev := byte('.')
	for i := 0; i < len(alg); i++ {
		c := alg[i]
		sep := c == '.' || c == '+' || c == '_' || c == '-'
		if !sep && !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') || sep && isSep(prev) {
			return false
		}
		prev = c
	}
	return !isSep(prev)
}

func isSep(c byte) bool { return c == '.' || c == '+' || c == '_' || c == '-' }

// isIdentifier is a 64-digit lower-case hex image ID.
func isIdentifier(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

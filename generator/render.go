package generator

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Inside the container the secret is always mounted under this name, whatever the spec is called.
const (
	SecretFile   = "redis_password"
	SecretTarget = "/run/secrets/" + SecretFile
	volumeKey    = "redis_data"
	dataDir      = "/data"
	// LockFile is the file in the data directory that the running Redis holds an exclusive flock on.
	LockFile = dataDir + "/.stackgen.lock"
)

// MaxPasswordBytes is the longest password Redis can ever accept from a client that is not yet
// authenticated: it refuses a bulk argument over 16,384 bytes before AUTH runs (src/networking.c,
// processMultibulkBuffer; measured on 7.0.15: 16,384 bytes authenticate, 16,385 get "ERR Protocol
// error: unauthenticated bulk length"). A longer password locks out every client and the health check.
const MaxPasswordBytes = 16384

// SecretName is the Swarm secret that holds the password: content-addressed by the sealed file, so
// rendering needs no key, names reveal nothing, and a re-sealed password rolls the service.
func (s *Spec) SecretName(sealed []byte) string {
	sum := sha256.Sum256(sealed)
	return fmt.Sprintf("%s_%s_password_%x", s.Stack, s.Service, sum[:6])
}

// URLSecretName is the Swarm secret that holds the application's connection URL, named the same
// content-addressed way as the password's.
func (s *Spec) URLSecretName(sealed []byte) string {
	sum := sha256.Sum256(sealed)
	return fmt.Sprintf("%s_%s_url_%x", s.Stack, s.Service, sum[:6])
}

// RedisURL is the connection URL from a container on the stack's network. Every byte of the password
// but letters, digits and - . _ ~ is percent-encoded (RFC 3986 unreserved), which URL readers
// decode (Go's net/url, redis-py's from_url): the URL then holds nothing a shell or docker's env-file
// reader would read differently, so "REDIS_URL=" + it is the same bytes to both.
func (s *Spec) RedisURL(password []byte) string {
	var b strings.Builder
	b.WriteString("redis://:")
	for _, c := range password {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	b.WriteString("@" + s.ServiceName() + ":6379/0")
	return b.String()
}

// ServiceName is the Swarm service's name once deployed as stack s.Stack.
func (s *Spec) ServiceName() string { return s.Stack + "_" + s.Service }

// VolumeName is the named volume that holds /data.
func (s *Spec) VolumeName() string { return s.Stack + "_" + s.Service + "_data" }

// RedisArgs are redis-server's arguments, each its own argv element: "--save", "900", "1", never
// "900 1" (Redis 6.2 reads that as one token and silently turns RDB snapshots off).
func (s *Spec) RedisArgs() []string {
	args := []string{
		"--appendonly", "yes",
		"--appendfsync", s.Redis.AppendFsync,
	}
	if len(s.Redis.Save) == 0 {
		args = append(args, "--save", "")
	}
	for _, p := range s.Redis.Save {
		args = append(args, "--save", strconv.Itoa(p[0]), strconv.Itoa(p[1]))
	}
	return append(args,
		"--maxmemory", s.Redis.MaxMemory,
		"--maxmemory-policy", s.Redis.MaxMemoryPolicy,
	)
}

// EntrypointScript reads the password from the secret and hands it to Redis on standard input, never
// in a process's arguments, which any local user can read in /proc/PID/cmdline. "redis-server -"
// reads config-file syntax from stdin before it applies the options that follow (src/server.c main,
// src/config.c loadServerConfig). The chain is sh, docker-entrypoint.sh with its id and find children,
// su-exec or gosu, then redis-server; none of them gets the password as an argument:
//
//   - The assignment form with "|| exit 1" and the emptiness test make a missing or empty secret
//     fatal: Redis never starts without a password.
//   - sed reads the password from a here-document, not from its arguments, and escapes it for the
//     double-quoted string of Redis's config parser (src/sds.c sdssplitargs): each backslash and
//     double quote gets a backslash and an embedded newline becomes the two characters \n, so text
//     such as \x41 reaches Redis unchanged. The command substitutions strip trailing newlines, as
//     $(cat) does in the health check, so both read the same password.
//   - The second here-document is Redis's stdin. exec keeps the shell's PID, so Redis is PID 1 and gets
//     docker stop's SIGTERM. docker-entrypoint.sh gets "redis-server" by name, so it fixes /data's owner
//     and drops to user redis; su-exec and gosu exec in place, so stdin passes through.
//
// A here-document in dash 0.5.12 and busybox ash 1.35 is a pipe, never a temp file: checked with
// `strace -f -e trace=openat,pipe2,clone,execve,write` on both, with a 6-byte and a 16 KiB password.
// Both call pipe2 and open no file for it; the shell writes a short document itself and forks a
// child (with the shell's own argv) to write a long one. bash 5.2 also uses a pipe up to the pipe's
// capacity but a file in /tmp above it (seen with 70,000 bytes), hence /bin/sh and the 16 KiB limit.
// The writer child of a long document outlives the exec as a zombie child of Redis; Redis reaps it
// after its first BGSAVE and logs "Warning, detected child with unmatched pid" once (seen with a
// 16 KiB password under both shells). Harmless, and a password under 4 KiB never has one.
//
// At most one Redis uses a data directory at a time. stop-first orders rolling updates only: when a
// node that was cut off comes back, Swarm may start a replacement task on it while the old container
// still runs, and both would append to one AOF. So the wrapper takes an exclusive flock(2) on LockFile
// (fd 9, opened for append so nothing is truncated) and execs with it open: docker-entrypoint.sh, gosu
// or su-exec and redis-server inherit fd 9 (none sets close-on-exec on it), so the lock lives exactly as
// long as Redis and its BGSAVE children, and the kernel drops it when they die, however they die. A
// second wrapper on the same directory says so once and blocks in "flock 9" until the first is gone.
// The lock is per host, which is where a local volume lives. flock is a busybox applet in the Alpine
// images (CONFIG_FLOCK=y in alpinelinux/aports main/busybox/busyboxconfig; redis:6.2-alpine is FROM
// alpine:3.20) and util-linux's /usr/bin/flock in the Debian ones (util-linux is Essential in
// bookworm; redis:6.2 is FROM debian:bookworm-slim, docker-library/redis 6.2/debian/Dockerfile). An
// image without it makes the wrapper refuse to start: never unlocked.
//
// Dollars are literal here; the renderer doubles them (str) so that Docker's interpolation leaves them.
func EntrypointScript() string {
	return `pw="$(cat ` + SecretTarget + `)" || exit 1
if [ -z "$pw" ]; then
  echo "stackgen: ` + SecretTarget + ` is empty; refusing to start Redis without a password" >&2
  exit 1
fi
pw="$(sed -e ':a' -e '$!{N;ba' -e '}' -e 's/[\\"]/\\&/g' -e 's/\n/\\n/g' <<EOF
$pw
EOF
)" || exit 1
if ! command -v flock >/dev/null 2>&1; then
  echo "stackgen: flock is not in this image; refusing to start Redis without the lock on ` + LockFile + `" >&2
  exit 1
fi
exec 9>>` + LockFile + ` || exit 1
if ! flock -n 9; then
  echo "stackgen: another Redis holds ` + LockFile + `; waiting for it to exit" >&2
  flock 9 || exit 1
  echo "stackgen: ` + LockFile + ` is ours now; starting Redis" >&2
fi
exec docker-entrypoint.sh redis-server - "$@" <<EOF
requirepass "$pw"
EOF`
}

// healthScript authenticates through REDISCLI_AUTH (never argv), sends a read-only PING and compares
// the reply: redis-cli exits 0 on NOAUTH, so its exit code alone proves nothing.
func healthScript() string {
	return RedisCLIAuth(SecretTarget) + `[ "$(redis-cli -h 127.0.0.1 -p 6379 ping)" = PONG ]`
}

// RedisCLIAuth is the start of every shell script that runs redis-cli for stackgen: the password
// from the secret file into REDISCLI_AUTH, which redis-cli reads (redis-facts.md: never -a, which
// puts it in argv and the service spec), or exit 1 when the file cannot be read.
func RedisCLIAuth(secretFile string) string {
	return `REDISCLI_AUTH="$(cat ` + secretFile + `)" || exit 1
export REDISCLI_AUTH
`
}

// Render writes the stack file for spec s; sealed is the password file's bytes, hashed for the
// secret's name and never decrypted here.
func Render(s *Spec, sealed []byte) ([]byte, error) {
	secret := s.SecretName(sealed)

	svc := mapping(
		"image", str(s.Image),
		"entrypoint", strs(Entrypoint()...),
		"command", strs(s.RedisArgs()...),
		"networks", strs(s.Network),
		"volumes", seq(mapping(
			"type", str("volume"),
			"source", str(volumeKey),
			"target", str(dataDir),
		)),
		"secrets", seq(mapping(
			"source", str(SecretFile),
			"target", str(SecretFile),
			"mode", raw("!!int", fmt.Sprintf("0%o", SecretMode)),
		)),
		"healthcheck", healthcheck(s),
		"deploy", deploy(s),
	)
	top := mapping(
		"version", quoted("3.8"),
		"services", mapping(s.Service, svc),
		"networks", mapping(s.Network, mapping("external", raw("!!bool", "true"))),
		"volumes", mapping(volumeKey, mapping("name", str(s.VolumeName()))),
		"secrets", mapping(SecretFile, mapping(
			"external", raw("!!bool", "true"),
			"name", str(secret),
		)),
	)
	top.HeadComment = strings.Join([]string{
		"Generated by stackgen from " + s.File + "; edit the spec, not this file.",
		"Deploy: " + s.RenderCommand() + " | docker stack deploy -c - --prune " + s.Stack,
		"Needs the overlay network " + strconv.Quote(s.Network) + " and the secret " + strconv.Quote(secret) +
			" (stackgen secret apply).",
		"The app's REDIS_URL is in the secret " + strconv.Quote(s.URLSecretName(sealed)) + ".",
	}, "\n")

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top}}); err != nil {
		return nil, fmt.Errorf("generator: encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("generator: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func healthcheck(s *Spec) *yaml.Node {
	kv := []any{
		"test", strs(HealthTest()...),
		"interval", str(s.Health.Interval),
		"timeout", str(s.Health.Timeout),
		"retries", raw("!!int", strconv.Itoa(s.Health.Retries)),
	}
	if s.Health.StartPeriod != "" {
		kv = append(kv, "start_period", str(s.Health.StartPeriod))
	}
	return mapping(kv...)
}

func deploy(s *Spec) *yaml.Node {
	restart := []any{"condition", str(s.Restart.Condition), "delay", str(s.Restart.Delay)}
	if s.Restart.MaxAttempts != nil {
		restart = append(restart, "max_attempts", raw("!!int", strconv.Itoa(*s.Restart.MaxAttempts)))
	}
	if s.Restart.Window != "" {
		restart = append(restart, "window", str(s.Restart.Window))
	}
	kv := []any{
		"mode", str("replicated"),
		"replicas", raw("!!int", "1"),
		"resources", mapping(
			"limits", mapping("memory", str(s.Memory.Limit)),
			"reservations", mapping("memory", str(s.Memory.Reservation)),
		),
		// DNS round robin: the service name resolves to the task's own address, with no IPVS virtual
		// IP in between. A VIP forgets an idle connection after IPVS's 900 s timeout (moby/moby#31208,
		// #37466) and does not answer at all on a kernel without ip_vs; a single-replica cache gains
		// nothing from the VIP's balancing. Clients re-resolve the name when they reconnect.
		"endpoint_mode", str("dnsrr"),
		"restart_policy", mapping(restart...),
		// Two tasks must never share one AOF: stop the old one before the new one starts.
		"update_config", mapping("order", str("stop-first")),
		"rollback_config", mapping("order", str("stop-first")),
	}
	if len(s.Placement.Constraints) > 0 {
		kv = append(kv, "placement", mapping("constraints", strs(s.Placement.Constraints...)))
	}
	return mapping(kv...)
}

// RenderCommand is the stackgen command line that renders this file again: the SPEC argument and
// the overrides, each value quoted for a POSIX shell where it needs it.
func (s *Spec) RenderCommand() string {
	parts := []string{"stackgen", "render"}
	for _, o := range s.applied {
		parts = append(parts, o.Flag, shellQuote(o.Value))
	}
	if s.Arg != "" {
		parts = append(parts, shellQuote(s.Arg))
	}
	return strings.Join(parts, " ")
}

// shellQuote leaves plain words alone and single-quotes the rest.
func shellQuote(v string) string {
	if v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,:/@=+") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// Entrypoint is the service's entrypoint as the container receives it: the wrapper script run by sh,
// with "--" as its $0 so that the command's arguments arrive as "$@".
func Entrypoint() []string { return []string{"/bin/sh", "-c", EntrypointScript(), "--"} }

// HealthTest is the health check's test as Swarm runs it.
func HealthTest() []string { return []string{"CMD", "/bin/sh", "-c", healthScript()} }

// SecretMode is the mount mode of the password secret: readable by root, the wrapper, only.
const SecretMode = 0o400

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, key(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// key is a mapping key: quoted where a YAML 1.1 reader would not take it as a string, but never
// escaped, since Docker does not interpolate keys.
func key(k string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}
	if yaml11.MatchString(k) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func strs(items ...string) *yaml.Node {
	n := seq()
	for _, it := range items {
		n.Content = append(n.Content, str(it))
	}
	return n
}

func raw(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

func quoted(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.DoubleQuotedStyle}
}

// yaml11 matches plain scalars that a YAML 1.1 reader (older Docker CLIs) would not read as a string.
var yaml11 = regexp.MustCompile(`^(?i:y|n|yes|no|on|off|true|false|null|~|[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.inf|\.nan)$|^$`)

// str is a string value as Docker must read it back: every "$" doubled, since docker stack deploy
// substitutes $NAME from the deployer's environment in every value (a wrapper script's "$pw", or a
// --constraint carrying "$SUFFIX", would otherwise change under the deploy).
func str(v string) *yaml.Node {
	v = strings.ReplaceAll(v, "$", "$$")
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if yaml11.MatchString(v) {
		n.Style = yaml.DoubleQuotedStyle
	} else if strings.Contains(v, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

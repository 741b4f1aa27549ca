package lint

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// redisOption is one "--name value..." group of redis-server's argv, with the node it came from.
type redisOption struct {
	name      string // without the leading "--"
	values    []string
	node      *yaml.Node   // the option's own element, or the string/script holding it
	valueNode []*yaml.Node // each value's element
}

// at is where a problem with the option's value is reported: its last value, else the option.
func (o *redisOption) at() *yaml.Node {
	if len(o.valueNode) > 0 {
		return o.valueNode[len(o.valueNode)-1]
	}
	return o.node
}

// redisArgv is what a service passes to redis-server, as far as the file shows it.
type redisArgv struct {
	options    []*redisOption
	configFile bool // a config file argument: settings may live where the linter cannot see them
	script     *yaml.Node
	scriptText string // a "sh -c" wrapper's script, if any
}

func (a *redisArgv) get(name string) []*redisOption {
	var out []*redisOption
	for _, o := range a.options {
		if o.name == name {
			out = append(out, o)
		}
	}
	return out
}

// last is the option that wins (Redis applies argv in order).
func (a *redisArgv) last(name string) *redisOption {
	opts := a.get(name)
	if len(opts) == 0 {
		return nil
	}
	return opts[len(opts)-1]
}

// token is an argv element and the node it came from.
type token struct {
	s string
	n *yaml.Node
}

func (d *Document) tokens(n *yaml.Node) []token {
	if n == nil {
		return nil
	}
	var out []token
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			out = append(out, token{d.Str(c), c})
		}
		return out
	}
	for _, w := range d.Strs(n) {
		out = append(out, token{w, n})
	}
	return out
}

// isRedisServer matches "redis-server" by name or path.
func isRedisServer(s string) bool {
	return s == "redis-server" || strings.HasSuffix(s, "/redis-server")
}

// shellScript returns the script of a "sh -c SCRIPT ..." argv, and the tokens after it.
func shellScript(toks []token) (*token, []token) {
	for i := 0; i+2 < len(toks); i++ {
		base := toks[i].s[strings.LastIndex(toks[i].s, "/")+1:]
		if (base == "sh" || base == "bash" || base == "ash" || base == "dash") && toks[i+1].s == "-c" {
			return &toks[i+2], toks[i+3:]
		}
	}
	return nil, nil
}

// redisArgs collects redis-server's options from a service's entrypoint and command, including
// those written inside a "sh -c" wrapper script. ok is false for a service that does not run Redis.
func (d *Document) redisArgs(s *Service) (args *redisArgv, ok bool) {
	_, ep := yamlnode.Field(s.Node, "entrypoint")
	_, cmd := yamlnode.Field(s.Node, "command")
	epToks, cmdToks := d.tokens(ep), d.tokens(cmd)
	args = &redisArgv{}
	var argv []token
	var stdin *hereDoc // the here-document on redis-server's command line, if any
	if script, rest := shellScript(append(append([]token{}, epToks...), cmdToks...)); script != nil {
		args.script, args.scriptText = script.n, script.s
		// Line by line, here-document bodies set aside: a body is data, and a quote in another
		// command's line (a sed script, say) must not swallow the redis-server line.
		lines, docs := splitHereDocs(script.s)
	scan:
		for li, line := range lines {
			words := shellWords(line)
			for i, w := range words {
				if isRedisServer(w) {
					for _, x := range words[i+1:] {
						if x == "$@" || x == "${@}" {
							argv = append(argv, restAfterPlaceholder(rest)...)
							continue
						}
						argv = append(argv, token{x, script.n})
					}
					if doc, found := docs[li]; found {
						stdin = &doc
					}
					ok = true
					break scan
				}
			}
		}
		if !ok && !strings.Contains(script.s, "docker-entrypoint.sh") {
			return args, false // the script runs something else
		}
		if !ok {
			argv = restAfterPlaceholder(rest)
			ok = d.imageIsRedis(s) && entrypointRunsServer(argv)
		}
	} else {
		all := append(append([]token{}, epToks...), cmdToks...)
		start := -1
		for i, t := range all {
			if isRedisServer(t.s) {
				start = i + 1
				break
			}
		}
		switch {
		case start >= 0:
			argv, ok = all[start:], true
		case d.imageIsRedis(s) && (len(epToks) == 0 || strings.HasSuffix(epToks[0].s, "docker-entrypoint.sh")) && entrypointRunsServer(cmdToks):
			argv, ok = cmdToks, true
		default:
			return args, false // what runs is not redis-server (redis-cli, a worker, an unknown wrapper)
		}
	}
	for i, t := range argv {
		// "-", first or last, reads config-file syntax from stdin (src/server.c main) before the
		// options; a here-document there is read like argv, anything else is out of sight.
		if t.s == "-" && (i == 0 || i == len(argv)-1) {
			if stdin == nil {
				args.configFile = true
				continue
			}
			args.options = append(stdinOptions(stdin.body, t.n), args.options...)
			continue
		}
		if i == 0 && !strings.HasPrefix(t.s, "--") && t.s != "" {
			args.configFile = true
			continue
		}
		if strings.HasPrefix(t.s, "--") && len(t.s) > 2 {
			args.options = append(args.options, &redisOption{name: strings.ToLower(t.s[2:]), node: t.n})
			continue
		}
		if len(args.options) > 0 {
			o := args.options[len(args.options)-1]
			o.values = append(o.values, t.s)
			o.valueNode = append(o.valueNode, t.n)
		}
	}
	return args, ok
}

// hereDoc is a here-document's body, as the shell hands it to the command's stdin (expansions
// left unexpanded).
type hereDoc struct{ body string }

// hereDocOp is a "<<" or "<<-" redirection of stdin and its delimiter, quoted or not; "<<<" and
// other descriptors ("3<<") are left alone.
var hereDocOp = regexp.MustCompile(`(^|[^<0-9])(0?)<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|\\?([A-Za-z0-9_]+))`)

// splitHereDocs returns the script's command lines (with "\" continuations joined and here-document
// operators removed) and, by line index, the body of the here-document each line opens. An operator
// whose delimiter never comes is left in place: it is probably not a here-document.
func splitHereDocs(script string) (lines []string, docs map[int]hereDoc) {
	docs = map[int]hereDoc{}
	raw := strings.Split(script, "\n")
	for i := 0; i < len(raw); i++ {
		line := raw[i]
		for strings.HasSuffix(line, "\\") && !strings.HasSuffix(line, "\\\\") && i+1 < len(raw) {
			i++
			line = line[:len(line)-1] + raw[i]
		}
		m := hereDocOp.FindStringSubmatchIndex(line)
		if m == nil {
			lines = append(lines, line)
			continue
		}
		delim := ""
		for g := 4; g <= 6; g++ {
			if m[2*g] >= 0 {
				delim = line[m[2*g]:m[2*g+1]]
			}
		}
		tabs := m[7] > m[6] // "<<-" strips leading tabs
		var body []string
		end := -1
		for j := i + 1; j < len(raw); j++ {
			l := raw[j]
			if tabs {
				l = strings.TrimLeft(l, "\t")
			}
			if l == delim {
				end = j
				break
			}
			body = append(body, l)
		}
		if end < 0 {
			lines = append(lines, line)
			continue
		}
		docs[len(lines)] = hereDoc{body: strings.Join(body, "\n")}
		lines = append(lines, line[:m[3]]+" "+line[m[1]:])
		i = end
	}
	return lines, docs
}

// stdinOptions reads config-file lines ("requirepass \"$pw\"") as options; Redis applies them before
// argv's.
func stdinOptions(body string, n *yaml.Node) []*redisOption {
	var out []*redisOption
	for _, line := range strings.Split(body, "\n") {
		words := shellWords(line)
		if len(words) == 0 || strings.HasPrefix(words[0], "#") {
			continue
		}
		o := &redisOption{name: strings.ToLower(words[0]), node: n, values: words[1:]}
		for range o.values {
			o.valueNode = append(o.valueNode, n)
		}
		out = append(out, o)
	}
	return out
}

// restAfterPlaceholder drops the "$0" placeholder argument of "sh -c SCRIPT NAME ARGS...".
func restAfterPlaceholder(rest []token) []token {
	if len(rest) > 0 {
		return rest[1:]
	}
	return nil
}

// entrypointRunsServer is what the official image's docker-entrypoint.sh does with its arguments: no
// command runs the image's CMD (redis-server); a first argument that is an option ("-...") or a
// config file ("*.conf") is prefixed with redis-server; anything else runs as given, so an image
// named redis whose command is redis-cli, sentinel scripts or a worker is not a Redis server.
func entrypointRunsServer(argv []token) bool {
	if len(argv) == 0 {
		return true
	}
	first := argv[0].s
	return strings.HasPrefix(first, "-") || strings.HasSuffix(first, ".conf") || isRedisServer(first)
}

func (d *Document) imageIsRedis(s *Service) bool {
	name, _ := d.imageRepoTag(s)
	return name == "redis" || strings.HasPrefix(name, "redis-stack")
}

// imageRepoTag splits a service's image into its last path element and its tag ("" when none), with
// any digest dropped: "docker.io/library/redis:7.0-alpine@sha256:..." is "redis", "7.0-alpine".
func (d *Document) imageRepoTag(s *Service) (repo, tag string) {
	_, img := yamlnode.Field(s.Node, "image")
	name := d.Str(img)
	if i := strings.Index(name, "@"); i >= 0 {
		name = name[:i]
	}
	repo, tag, _ = strings.Cut(name[strings.LastIndex(name, "/")+1:], ":")
	return repo, tag
}

// redisMajor is the major version in a redis image's tag ("redis:7.0-alpine" is 7), 0 when the tag
// does not show one (no tag, latest, alpine, a digest only).
func (d *Document) redisMajor(s *Service) int {
	_, tag := d.imageRepoTag(s)
	major := 0
	for i := 0; i < len(tag) && tag[i] >= '0' && tag[i] <= '9' && major < 1000; i++ {
		major = major*10 + int(tag[i]-'0')
	}
	return major
}

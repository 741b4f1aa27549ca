package lint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/constraint"
	"github.com/webvig/stackgen/memsize"
	"github.com/webvig/stackgen/yamlnode"
)

// forRedis runs fn for every service that runs redis-server and whose settings are all in the file.
func forRedis(p *Pass, fn func(s *Service, a *redisArgv)) {
	for _, s := range p.Doc.Services {
		a, ok := p.Doc.redisOf(s)
		if ok {
			fn(s, a)
		}
	}
}

// redisOf is redisArgs, computed once per service for all the rules that need it.
func (d *Document) redisOf(s *Service) (*redisArgv, bool) {
	if d.redis == nil {
		d.redis = map[*Service]redisResult{}
	}
	r, ok := d.redis[s]
	if !ok {
		r.args, r.ok = d.redisArgs(s)
		d.redis[s] = r
	}
	return r.args, r.ok
}

// anchor is where to report a missing option: the command, else the entrypoint, else the service key.
func anchor(s *Service, a *redisArgv) *yaml.Node {
	if k, _ := yamlnode.Field(s.Node, "command"); k != nil {
		return k
	}
	if a.script != nil {
		return a.script
	}
	if k, _ := yamlnode.Field(s.Node, "entrypoint"); k != nil {
		return k
	}
	return s.Key
}

func lastValue(o *redisOption) string {
	if o == nil || len(o.values) == 0 {
		return ""
	}
	return o.values[len(o.values)-1]
}

func checkAppendOnly(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("appendonly")
		switch {
		case o == nil && !a.configFile:
			p.Reportf(anchor(s, a), s.Name, "redis service %q does not turn on AOF persistence: add --appendonly yes", s.Name)
		case o != nil && strings.ToLower(lastValue(o)) != "yes":
			p.Reportf(o.at(), s.Name, "redis service %q runs with --appendonly %s: a crash loses every write since the last RDB snapshot", s.Name, lastValue(o))
		}
	})
}

func checkAppendFsync(p *Pass) {
	want := p.Policy.Redis.AppendFsync
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("appendfsync")
		got := "everysec" // Redis's default
		if o != nil {
			got = strings.ToLower(lastValue(o))
		} else if a.configFile {
			return
		}
		if got != want {
			at := anchor(s, a)
			if o != nil {
				at = o.at()
			}
			p.Reportf(at, s.Name, "redis service %q uses appendfsync %s; the policy wants --appendfsync %s", s.Name, got, want)
		}
	})
}

func checkSave(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		for _, o := range a.get("save") {
			if len(o.values) == 1 && o.values[0] == "" {
				continue // --save "" turns snapshots off on purpose
			}
			for _, v := range o.values {
				// Redis 7 splits a "900 1" value itself (measured on 7.0.15); 6.2 and an image whose
				// version the file does not show get the finding.
				if strings.ContainsAny(v, " \t") {
					if p.Doc.redisMajor(s) < 7 {
						p.Reportf(o.node, s.Name, "redis service %q passes --save %q as one argument: Redis 6.2 silently turns RDB snapshots off; pass each number as its own element", s.Name, v)
					}
					return
				}
			}
			ok := len(o.values) > 0 && len(o.values)%2 == 0
			for _, v := range o.values {
				if n, err := strconv.Atoi(v); err != nil || n < 0 {
					ok = false
				}
			}
			if !ok {
				p.Reportf(o.node, s.Name, "redis service %q: --save %s is not pairs of integers (seconds changes): 6.2 turns snapshots off, 7.x refuses to start", s.Name, strings.Join(o.values, " "))
			}
		}
	})
}

func checkMaxMemoryMissing(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		if a.last("maxmemory") == nil && !a.configFile {
			p.Reportf(anchor(s, a), s.Name, "redis service %q sets no --maxmemory: it grows until the container's limit OOM-kills it", s.Name)
		}
	})
}

func checkMaxMemoryUnits(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("maxmemory")
		if o == nil {
			return
		}
		v := lastValue(o)
		n, decimal, ok := memsize.Redis(v)
		switch {
		case !ok || len(o.values) != 1:
			p.Reportf(o.at(), s.Name, "redis service %q: --maxmemory %q is not a size Redis accepts (bytes or kb, mb, gb): Redis refuses to start", s.Name, strings.Join(o.values, " "))
		case decimal:
			p.Reportf(o.at(), s.Name, "redis service %q: --maxmemory %s is decimal (%d bytes); use binary units: %s", s.Name, v, n, binaryHint(v))
		}
	})
}

func binaryHint(v string) string {
	l := strings.ToLower(v)
	return l + "b"
}

func checkMaxMemoryHeadroom(p *Pass) {
	ratio := p.Policy.Redis.MaxMemoryRatio
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("maxmemory")
		_, limNode := yamlnode.Field(yamlnode.Get(s.Node, "deploy", "resources", "limits"), "memory")
		if o == nil || limNode == nil {
			return
		}
		n, _, ok := memsize.Redis(lastValue(o))
		limit, err := memsize.Docker(p.Doc.Str(limNode))
		if !ok || err != nil || limit == 0 {
			return
		}
		if !memsize.Fits(n, limit, ratio) {
			p.Reportf(o.at(), s.Name, "redis service %q: --maxmemory %s is %.0f%% of the %s memory limit; keep it at most %.0f%% (%s) to leave room for fork, buffers and overhead",
				s.Name, lastValue(o), 100*float64(n)/float64(limit), p.Doc.Str(limNode), 100*ratio, memsize.FormatRedis(memsize.MaxMemory(limit, ratio)))
		}
	})
}

func checkMaxMemoryPolicy(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("maxmemory-policy")
		switch {
		case o == nil && !a.configFile && a.last("maxmemory") != nil:
			p.Reportf(anchor(s, a), s.Name, "redis service %q sets maxmemory without --maxmemory-policy: the default noeviction makes writes fail when the cache is full", s.Name)
		case o != nil && strings.ToLower(lastValue(o)) == "noeviction":
			p.Reportf(o.at(), s.Name, "redis service %q uses maxmemory-policy noeviction: a full cache fails writes; use allkeys-lru", s.Name)
		}
	})
}

var (
	credURL      = regexp.MustCompile(`(?i)\b(rediss?|redis\+sentinel)://[^:@/\s]*:[^@\s]+@`)
	passwordName = regexp.MustCompile(`(?i)(PASSWORD|PASSWD|REQUIREPASS|_PASS$|^PASS$|AUTH_TOKEN)`)
	// Names about a password rather than holding one: where it is (_FILE, _PATH), the realm of an
	// htpasswd file, or a switch such as MYSQL_RANDOM_ROOT_PASSWORD and MYSQL_ALLOW_EMPTY_PASSWORD.
	notAPassword = regexp.MustCompile(`(?i)(_FILE|_PATH|_REALM|_DIR|_LENGTH|_POLICY)$|RANDOM_|ALLOW_EMPTY|EMPTY_PASSWORD|GENERATE_`)
	// A switch's value, not a secret.
	flagValue = regexp.MustCompile(`(?i)^(1|0|yes|no|true|false|on|off)$`)
)

// literal reports whether a raw YAML value is a literal, not a ${VAR} or $var reference.
func literal(raw string) bool { return raw != "" && !strings.Contains(raw, "$") }

func checkLiteralPassword(p *Pass) {
	for _, s := range p.Doc.Services {
		a, isRedis := p.Doc.redisOf(s)
		if isRedis {
			for _, o := range a.get("requirepass") {
				if len(o.values) > 0 && literal(o.values[0]) {
					p.Reportf(o.at(), s.Name, "service %q has a literal password in --requirepass: it is visible in the service spec; read it from a secret", s.Name)
				}
			}
		}
		for _, key := range []string{"command", "entrypoint"} {
			_, n := yamlnode.Field(s.Node, key)
			checkCLIPassword(p, s, key, p.Doc.tokensRaw(n))
		}
		_, test := yamlnode.Field(yamlnode.Get(s.Node, "healthcheck"), "test")
		checkCLIPassword(p, s, "healthcheck", p.Doc.tokensRaw(test))
		_, env := yamlnode.Field(s.Node, "environment")
		for _, kv := range envPairs(env) {
			name, val := kv.name, kv.value
			if passwordName.MatchString(name) && !notAPassword.MatchString(name) && !flagValue.MatchString(val.Value) && literal(val.Value) {
				p.Reportf(val, s.Name, "service %q sets %s to a literal password in environment; use a secret (%s_FILE=/run/secrets/...)", s.Name, name, name)
			}
			if credURL.MatchString(val.Value) && !strings.Contains(credURL.FindString(val.Value), "$") {
				p.Reportf(val, s.Name, "service %q: %s holds a URL with a literal password; mount it as a secret", s.Name, name)
			}
		}
	}
}

// tokensRaw lists argv elements as written (before interpolation), so "$VAR" stays visible.
func (d *Document) tokensRaw(n *yaml.Node) []token {
	if n == nil {
		return nil
	}
	n = yamlnode.Deref(n)
	var out []token
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			c = yamlnode.Deref(c)
			if strings.Contains(c.Value, " ") || strings.Contains(c.Value, "\n") {
				for _, w := range shellWords(c.Value) {
					out = append(out, token{w, c})
				}
				continue
			}
			out = append(out, token{c.Value, c})
		}
		return out
	}
	for _, w := range shellWords(n.Value) {
		out = append(out, token{w, n})
	}
	return out
}

func checkCLIPassword(p *Pass, s *Service, where string, toks []token) {
	for i, t := range toks {
		if (t.s == "-a" || t.s == "--pass" || t.s == "--requirepass") && i+1 < len(toks) && literal(toks[i+1].s) {
			if where == "entrypoint" || where == "command" {
				if t.s == "--requirepass" {
					continue // reported with the Redis options
				}
			}
			p.Reportf(toks[i+1].n, s.Name, "service %q has a literal password after %s in %s; use REDISCLI_AUTH from a secret", s.Name, t.s, where)
		}
		if credURL.MatchString(t.s) && !strings.Contains(credURL.FindString(t.s), "$") {
			p.Reportf(t.n, s.Name, "service %q has a URL with a literal password in %s", s.Name, where)
		}
	}
}

type envPair struct {
	name  string
	value *yaml.Node
}

// envPairs reads environment in map or list ("NAME=value") form.
func envPairs(n *yaml.Node) []envPair {
	if n == nil {
		return nil
	}
	var out []envPair
	switch n.Kind {
	case yaml.MappingNode:
		for _, kv := range yamlnode.Pairs(n) {
			out = append(out, envPair{kv[0].Value, yamlnode.Deref(kv[1])})
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			c = yamlnode.Deref(c)
			name, val, _ := strings.Cut(c.Value, "=")
			out = append(out, envPair{name, &yaml.Node{Kind: yaml.ScalarNode, Value: val, Line: c.Line, Column: c.Column}})
		}
	}
	return out
}

func checkRequirePass(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("requirepass")
		switch {
		case o == nil && !a.configFile:
			p.Reportf(anchor(s, a), s.Name, "redis service %q has no --requirepass: any container on its network can read and write the cache", s.Name)
		case o != nil && (len(o.values) == 0 || o.values[0] == "" || o.values[0] == `""`):
			p.Reportf(o.at(), s.Name, "redis service %q: --requirepass \"\" starts Redis without authentication", s.Name)
		}
	})
}

var guardedRead = `%s="?\$\(cat [^)]+\)"?\s*\|\|\s*(exit|\{)`

func checkWrapper(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		script := a.scriptText
		if script == "" || !strings.Contains(script, "/run/secrets/") {
			return
		}
		// The script's own requirepass, from its exec line or the here-document Redis reads on stdin.
		var o *redisOption
		for _, x := range a.get("requirepass") {
			if x.node == a.script && len(x.values) > 0 {
				o = x
				break
			}
		}
		if o == nil {
			return
		}
		v := o.values[0]
		if strings.Contains(v, "$(") || strings.Contains(v, "`") {
			p.Reportf(a.script, s.Name, "redis service %q reads the secret inside the exec line or its here-document: if the file is missing, cat fails, the password is empty and Redis starts without one", s.Name)
			return
		}
		name := strings.Trim(strings.TrimPrefix(v, "$"), "{}")
		if name == v || name == "" {
			return
		}
		re := regexp.MustCompile(fmt.Sprintf(guardedRead, regexp.QuoteMeta(name)))
		empty := regexp.MustCompile(`-[zn] "?\$\{?` + regexp.QuoteMeta(name) + `\b`)
		if !re.MatchString(script) || !empty.MatchString(script) {
			p.Reportf(a.script, s.Name, "redis service %q: the wrapper does not stop when the secret is missing or empty; use %s=\"$(cat FILE)\" || exit 1 and [ -n \"$%s\" ] || exit 1", s.Name, name, name)
		}
	})
}

func checkAbsoluteServer(p *Pass) {
	for _, s := range p.Doc.Services {
		var toks []token
		for _, key := range []string{"entrypoint", "command"} {
			_, n := yamlnode.Field(s.Node, key)
			toks = append(toks, p.Doc.tokensRaw(n)...)
		}
		for i, t := range toks {
			if !strings.HasSuffix(t.s, "docker-entrypoint.sh") || i+1 >= len(toks) {
				continue
			}
			if next := toks[i+1].s; strings.HasPrefix(next, "/") && isRedisServer(next) {
				p.Reportf(toks[i+1].n, s.Name, "service %q passes %s to docker-entrypoint.sh by path: the entrypoint then skips the chown and the switch to user redis, so Redis runs as root; write redis-server", s.Name, next)
			}
		}
	}
}

var writeCommands = set("incr", "incrby", "decr", "set", "setex", "del", "lpush", "rpush", "hset", "expire", "append", "flushall", "flushdb")

func checkHealthcheck(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		k, test := yamlnode.Field(yamlnode.Get(s.Node, "healthcheck"), "test")
		if k == nil {
			return
		}
		toks := healthWords(test)
		usesCLI, auth, compares := false, false, false
		for _, t := range toks {
			if strings.HasSuffix(t, "redis-cli") {
				usesCLI = true
			}
			if t == "-a" || t == "--pass" || t == "--user" || strings.Contains(t, "REDISCLI_AUTH") || strings.EqualFold(t, "auth") {
				auth = true
			}
			if strings.Contains(t, "PONG") || t == "-e" || strings.Contains(t, "grep") {
				compares = true
			}
			if usesCLI && writeCommands[strings.ToLower(strings.Trim(t, `"')`))] {
				p.Reportf(test, s.Name, "redis service %q: the healthcheck runs %s, a write: every check changes the dataset and grows the AOF; use PING", s.Name, strings.ToUpper(strings.Trim(t, `"')`)))
				return
			}
		}
		if !usesCLI {
			return
		}
		if a.last("requirepass") != nil && !auth {
			p.Reportf(test, s.Name, "redis service %q: the healthcheck does not authenticate: redis-cli prints NOAUTH and exits 0, so the check always passes", s.Name)
			return
		}
		if !compares {
			p.Reportf(test, s.Name, "redis service %q: the healthcheck trusts redis-cli's exit code, which is 0 on NOAUTH and other errors; compare the reply with PONG", s.Name)
		}
	})
}

// healthWords is what a health check runs, as words: the argv of [CMD, ...]; the script's words for
// [CMD-SHELL, SCRIPT], a string test, or an exec form that runs a shell ([CMD, /bin/sh, -c, SCRIPT]),
// with the commands inside $(...) and `...` split out too.
func healthWords(test *yaml.Node) []string {
	var out []string
	for _, w := range healthArgv(test) {
		if strings.Contains(w, "$(") || strings.Contains(w, "`") {
			out = append(out, strings.Fields(substitution.Replace(w))...)
			continue
		}
		out = append(out, w)
	}
	return out
}

var substitution = strings.NewReplacer("$(", " ", ")", " ", "`", " ")

func healthArgv(test *yaml.Node) []string {
	test = yamlnode.Deref(test)
	if test.Kind == yaml.ScalarNode {
		return shellWords(test.Value)
	}
	var argv []string
	for _, c := range test.Content {
		argv = append(argv, yamlnode.Deref(c).Value)
	}
	switch {
	case len(argv) > 0 && argv[0] == "CMD-SHELL":
		return shellWords(strings.Join(argv[1:], " "))
	case len(argv) > 0 && argv[0] == "CMD":
		argv = argv[1:]
	}
	if len(argv) >= 3 && argv[1] == "-c" && isShell(argv[0]) {
		return shellWords(argv[2])
	}
	return argv
}

func isShell(s string) bool {
	switch s[strings.LastIndex(s, "/")+1:] {
	case "sh", "bash", "ash", "dash":
		return true
	}
	return false
}

func checkUnusedSecret(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		_, list := yamlnode.Field(s.Node, "secrets")
		var texts []string
		for _, key := range []string{"entrypoint", "command", "healthcheck", "environment"} {
			if _, n := yamlnode.Field(s.Node, key); n != nil {
				walkScalars(n, func(x *yaml.Node) { texts = append(texts, x.Value) })
			}
		}
		all := strings.Join(texts, "\n")
		for _, ref := range seqItems(list) {
			target := refTarget(p.Doc, ref)
			if target == "" {
				continue
			}
			path := target
			if !strings.HasPrefix(target, "/") {
				path = "/run/secrets/" + target
			}
			if !strings.Contains(all, path) {
				p.Reportf(ref, s.Name, "redis service %q mounts secret %q at %s but nothing reads it; the redis image does not", s.Name, target, path)
			}
		}
	})
}

func dataDir(a *redisArgv) string {
	if o := a.last("dir"); o != nil && lastValue(o) != "" {
		return lastValue(o)
	}
	return "/data"
}

func checkAOFVolume(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		o := a.last("appendonly")
		if o == nil || strings.ToLower(lastValue(o)) != "yes" {
			return
		}
		dir := dataDir(a)
		anonymous, tmpfs := false, false
		_, vols := yamlnode.Field(s.Node, "volumes")
		for _, v := range seqItems(vols) {
			if volumeTarget(p.Doc, v) != dir {
				continue
			}
			switch typ, src, _ := volumeSource(p.Doc, v); {
			case typ == "anonymous" || typ == "volume" && src == "":
				anonymous = true
			case typ == "tmpfs":
				tmpfs = true
			default:
				return
			}
		}
		// A Swarm task is never restarted in place: a new task gets a new container, and the old
		// container is removed with its anonymous volumes (docker/docker
		// daemon/cluster/executor/container/adapter.go: RemoveVolume).
		switch {
		case tmpfs:
			p.Reportf(o.node, s.Name, "redis service %q writes its AOF to a tmpfs at %s: memory, gone with the task, so every restart starts empty", s.Name, dir)
		case anonymous:
			p.Reportf(o.node, s.Name, "redis service %q writes its AOF to an anonymous volume at %s: each task gets a new one, removed with the task, so every restart starts empty", s.Name, dir)
		case dir == "/data":
			p.Reportf(o.node, s.Name, "redis service %q writes its AOF to /data but mounts no named volume there: the redis image's VOLUME /data gives each task a new anonymous volume, removed with the task, so every restart starts empty", s.Name)
		default:
			p.Reportf(o.node, s.Name, "redis service %q writes its AOF to %s but no volume is mounted there: it lives in the container's writable layer, removed with the task, so every restart starts empty", s.Name, dir)
		}
	})
}

// pins reports whether a constraint keeps a task on one node: == on node.hostname, node.id or a node
// label (swarmkit's grammar, via package constraint).
func pins(c string) bool {
	parsed, err := constraint.Parse(c)
	key := strings.ToLower(parsed.Key)
	_, label := parsed.NodeLabel()
	return err == nil && parsed.Equal && (key == "node.hostname" || key == "node.id" || label)
}

func checkStateful(p *Pass) {
	forRedis(p, func(s *Service, a *redisArgv) {
		dir := dataDir(a)
		var vol *yaml.Node
		_, vols := yamlnode.Field(s.Node, "volumes")
		for _, v := range seqItems(vols) {
			if typ, src, _ := volumeSource(p.Doc, v); typ == "volume" && src != "" && volumeTarget(p.Doc, v) == dir && localVolume(p.Doc, src) {
				vol = v
			}
		}
		if vol == nil {
			return
		}
		dep := yamlnode.Get(s.Node, "deploy")
		depKey, _ := yamlnode.Field(s.Node, "deploy")
		if depKey == nil {
			depKey = s.Key
		}
		if _, mode := yamlnode.Field(dep, "mode"); mode != nil && p.Doc.Str(mode) == "global" {
			p.Reportf(mode, s.Name, "redis service %q keeps data on a node-local volume but runs in global mode: one Redis per node, each with its own data", s.Name)
		}
		if _, rep := yamlnode.Field(dep, "replicas"); rep != nil && p.Doc.Str(rep) != "1" {
			p.Reportf(rep, s.Name, "redis service %q keeps data on a node-local volume with replicas: %s; independent servers do not share data, use 1", s.Name, p.Doc.Str(rep))
		}
		if _, order := yamlnode.Field(yamlnode.Get(dep, "update_config"), "order"); order != nil && p.Doc.Str(order) == "start-first" {
			p.Reportf(order, s.Name, "redis service %q updates start-first: two servers would write one AOF; use stop-first", s.Name)
		}
		_, cons := yamlnode.Field(yamlnode.Get(dep, "placement"), "constraints")
		for _, c := range seqItems(cons) {
			if pins(p.Doc.Str(c)) {
				return
			}
		}
		p.Reportf(depKey, s.Name, "redis service %q keeps data on a node-local volume but no placement constraint pins it to one node: a rescheduled task starts empty", s.Name)
	})
}

// localVolume reports whether a declared volume uses the local driver (node-local data).
func localVolume(d *Document, name string) bool {
	_, v := yamlnode.Field(yamlnode.Get(d.Root, "volumes"), name)
	_, drv := yamlnode.Field(v, "driver")
	return localDriver(d, drv)
}

// localDriver: a volume without a driver, or with an empty one, is local (the engine's default).
func localDriver(d *Document, drv *yaml.Node) bool {
	return drv == nil || d.Str(drv) == "" || d.Str(drv) == "local"
}

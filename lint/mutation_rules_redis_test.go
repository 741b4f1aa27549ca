package lint_test

import (
	"strconv"
	"testing"

	"github.com/webvig/stackgen/lint"
)

// ruleMessages lints one stack file with the default policy and returns the messages of rule id,
// each prefixed by its line.
func ruleMessages(t *testing.T, yml, id string) []string {
	t.Helper()
	res, err := lintOne("f.yml", []byte(yml), lint.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var out []string
	for _, f := range res.Findings {
		if f.Rule == id {
			out = append(out, strconv.Itoa(f.Line)+": "+f.Message)
		}
	}
	return out
}

// TestRedisRuleEdges: each case is one redis service and what one rule must say about it (want
// empty: nothing). Written against mutants gremlins left alive in the Redis rules.
func TestRedisRuleEdges(t *testing.T) {
	const head = "version: \"3.8\"\nservices:\n  r:\n    image: redis:6.2\n"
	for _, tc := range []struct {
		name, svc, id, want string
	}{
		{"save off", `    command: [redis-server, --save, ""]`, "RD303", ""},
		{"save one arg", `    command: [redis-server, --save, "900 1"]`, "RD303", `5: .*--save "900 1" as one argument`},
		{"save pairs", `    command: [redis-server, --save, "900", "1", "300", "10"]`, "RD303", ""},
		{"save odd", `    command: [redis-server, --save, "900", "1", "300"]`, "RD303", `not pairs of integers`},
		{"save negative", `    command: [redis-server, --save, "-1", "1"]`, "RD303", `not pairs`},
		{"save zero", `    command: [redis-server, --save, "0", "0"]`, "RD303", ""},
		{"save word", `    command: [redis-server, --save, "x", "1"]`, "RD303", `not pairs`},
		{"save bare", `    command: [redis-server, --save]`, "RD303", `not pairs`},
		{"save tab", "    command: [redis-server, --save, \"900\\t1\"]", "RD303", `one argument`},
		{"aof on", `    command: [redis-server, --appendonly, "YES"]`, "RD301", ""},
		{"aof off", `    command: [redis-server, --appendonly, "no"]`, "RD301", `5: .*--appendonly no`},
		{"aof missing", `    command: [redis-server]`, "RD301", `5: .*does not turn on AOF`},
		{"aof conf", `    command: [redis-server, /r.conf]`, "RD301", ""},
		{"fsync default", `    command: [redis-server]`, "RD302", ""},
		{"fsync always", `    command: [redis-server, --appendfsync, Always]`, "RD302", `5: .*appendfsync always; the policy wants --appendfsync everysec`},
		{"fsync conf", `    command: [redis-server, /r.conf]`, "RD302", ""},
		{"maxmemory missing", `    command: [redis-server]`, "RD304", `5: .*sets no --maxmemory`},
		{"maxmemory conf", `    command: [redis-server, /r.conf]`, "RD304", ""},
		{"units decimal", `    command: [redis-server, --maxmemory, 100m]`, "RD305", `decimal \(100000000 bytes\); use binary units: 100mb`},
		{"units binary", `    command: [redis-server, --maxmemory, 100mb]`, "RD305", ""},
		{"units bad", `    command: [redis-server, --maxmemory, 1.5gb]`, "RD305", `--maxmemory "1.5gb" is not a size`},
		{"units two", `    command: [redis-server, --maxmemory, 1gb, 2gb]`, "RD305", `"1gb 2gb" is not a size`},
		{"headroom over", "    command: [redis-server, --maxmemory, 769mb]\n    deploy: {resources: {limits: {memory: 1G}}}", "RD306", `769mb is 75% of the 1G memory limit; keep it at most 75% \(768mb\)`},
		{"headroom at", "    command: [redis-server, --maxmemory, 768mb]\n    deploy: {resources: {limits: {memory: 1G}}}", "RD306", ""},
		{"headroom no limit", "    command: [redis-server, --maxmemory, 2gb]", "RD306", ""},
		{"headroom zero limit", "    command: [redis-server, --maxmemory, 2gb]\n    deploy: {resources: {limits: {memory: \"0\"}}}", "RD306", ""},
		{"headroom bad limit", "    command: [redis-server, --maxmemory, 2gb]\n    deploy: {resources: {limits: {memory: lots}}}", "RD306", ""},
		{"headroom bad maxmemory", "    command: [redis-server, --maxmemory, x]\n    deploy: {resources: {limits: {memory: 1M}}}", "RD306", ""},
		{"policy missing", `    command: [redis-server, --maxmemory, 1mb]`, "RD307", `5: .*without --maxmemory-policy`},
		{"policy no maxmemory", `    command: [redis-server]`, "RD307", ""},
		{"policy noeviction", `    command: [redis-server, --maxmemory, 1mb, --maxmemory-policy, NoEviction]`, "RD307", `uses maxmemory-policy noeviction`},
		{"policy lru", `    command: [redis-server, --maxmemory, 1mb, --maxmemory-policy, allkeys-lru]`, "RD307", ""},
		{"policy conf", `    command: [redis-server, /r.conf, --maxmemory, 1mb]`, "RD307", ""},
		{"requirepass missing", `    command: [redis-server]`, "RD309", `5: .*has no --requirepass`},
		{"requirepass empty", `    command: [redis-server, --requirepass, ""]`, "RD309", `--requirepass "" starts Redis without authentication`},
		{"requirepass quotes", `    command: [redis-server, --requirepass, '""']`, "RD309", `without authentication`},
		{"requirepass bare", `    command: [redis-server, --requirepass]`, "RD309", `without authentication`},
		{"requirepass var", `    command: [redis-server, --requirepass, "$${PW}"]`, "RD309", ""},
		{"requirepass conf", `    command: [redis-server, /r.conf]`, "RD309", ""},
		{"literal requirepass", `    command: [redis-server, --requirepass, hunter2]`, "RD308", `literal password in --requirepass`},
		{"cli -a", "    command: [redis-server, --requirepass, \"$$P\"]\n    healthcheck: {test: [CMD, redis-cli, -a, hunter2, ping]}", "RD308", `literal password after -a in healthcheck`},
		{"cli -a var", "    command: [redis-server, --requirepass, \"$$P\"]\n    healthcheck: {test: [CMD, redis-cli, -a, \"$$P\", ping]}", "RD308", ""},
		{"cli -a last", "    command: [redis-server, --requirepass, \"$$P\"]\n    healthcheck: {test: [CMD, redis-cli, ping, -a]}", "RD308", ""},
		{"cli url", "    command: [redis-server, --requirepass, \"$$P\"]\n    healthcheck: {test: \"redis-cli -u redis://:pw@localhost ping\"}", "RD308", `URL with a literal password in healthcheck`},
		{"env password", "    command: [redis-server, --requirepass, \"$$P\"]\n    environment: {REDIS_PASSWORD: pw, X_PASSWORD_FILE: /run/s, ALLOW_EMPTY_PASSWORD: \"yes\", Y_PASSWORD: \"$${V}\"}", "RD308", `sets REDIS_PASSWORD to a literal password`},
		{"entrypoint requirepass", `    entrypoint: [redis-server, --requirepass, hunter2]`, "RD308", `5: .*literal password in --requirepass`},
		{"cli -a on its own line", "    command: [redis-server, --requirepass, \"$$P\"]\n    healthcheck:\n      test:\n        - CMD\n        - redis-cli\n        - -a\n        - hunter2\n        - ping", "RD308", `^11: .*literal password after -a in healthcheck`},
		{"wrapper requirepass without value", `    entrypoint: [/bin/sh, -c, 'pw="$$(cat /run/secrets/pw)" || exit 1; exec redis-server --requirepass', --]`, "RD310", ""},
		{"entrypoint alone", `    entrypoint: [docker-entrypoint.sh]`, "RD311", ""},
		{"server by path", "    entrypoint:\n      - docker-entrypoint.sh\n      - /usr/local/bin/redis-server", "RD311", `^7: .*passes /usr/local/bin/redis-server to docker-entrypoint.sh by path`},
		{"aof in dir", "    command: [redis-server, --appendonly, \"yes\", --dir, /var/lib/redis]\n    volumes: [\"d:/data\"]", "RD314", `writes its AOF to /var/lib/redis but no volume`},
		{"aof in dir with volume", "    command: [redis-server, --appendonly, \"yes\", --dir, /var/lib/redis]\n    volumes: [\"d:/var/lib/redis\"]", "RD314", ""},
		{"aof on tmpfs", "    command: [redis-server, --appendonly, \"yes\"]\n    volumes: [{type: tmpfs, target: /data}]", "RD314", `writes its AOF to /data but no volume`},
		{"secret at its target", "    entrypoint: [/bin/sh, -c, 'cat /run/secrets/redis_pw; exec redis-server']\n    secrets: [{source: pw, target: redis_pw}]", "RD313", ""},
		{"secret not read", "    entrypoint: [/bin/sh, -c, 'cat /run/secrets/pw; exec redis-server']\n    secrets: [{source: pw, target: redis_pw}]", "RD313", `mounts secret "redis_pw" at /run/secrets/redis_pw but nothing reads it`},
		{"pinned by hostname", "    command: [redis-server, --appendonly, \"yes\"]\n    volumes: [\"d:/data\"]\n    deploy: {placement: {constraints: [node.hostname == n1]}}\nvolumes:\n  d:", "RD315", ""},
		{"pinned by node id", "    command: [redis-server, --appendonly, \"yes\"]\n    volumes: [\"d:/data\"]\n    deploy: {placement: {constraints: [node.id == abc]}}\nvolumes:\n  d:", "RD315", ""},
		{"local driver unpinned", "    command: [redis-server, --appendonly, \"yes\"]\n    volumes: [\"d:/data\"]\nvolumes:\n  d: {driver: local}", "RD315", `keeps data on a node-local volume but no placement constraint pins it`},
		{"env list", "    command: [redis-server, --requirepass, \"$$P\"]\n    environment: [\"URL=redis://u:pw@h:6379\", \"A=1\"]", "RD308", `URL holds a URL with a literal password`},
	} {
		t.Run(tc.name, func(t *testing.T) { expectRule(t, head+tc.svc+"\n", tc.id, tc.want) })
	}
}

package lint

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Tests of how lint reads redis-server's argv (redis.go): the fixtures judge whole rules, these pin
// the parts they share.

func TestImageIsRedis(t *testing.T) {
	for img, want := range map[string]bool{
		"redis": true, "redis:7": true, "docker.io/library/redis:7@sha256:ab": true, "redis@sha256:ab": true,
		"redis-stack-server:7": true, "redis-stack": true, "myredis:7": false, "redis-cli:1": false,
		"reg:5000/redis:7": true, "": false, "${IMG}": false,
	} {
		d, err := load("f.yml", []byte(fmt.Sprintf("services:\n  a:\n    image: %q\n", img)), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.imageIsRedis(d.Services[0]); got != want {
			t.Errorf("imageIsRedis(%q) = %v", img, got)
		}
	}
}

func TestEntrypointRunsServer(t *testing.T) {
	tok := func(ss ...string) []token {
		var out []token
		for _, s := range ss {
			out = append(out, token{s: s})
		}
		return out
	}
	for _, tc := range []struct {
		argv []string
		want bool
	}{
		{nil, true}, {[]string{"--port", "1"}, true}, {[]string{"/r.conf"}, true},
		{[]string{"/usr/bin/redis-server"}, true}, {[]string{"redis-cli"}, false}, {[]string{"sh"}, false},
	} {
		if got := entrypointRunsServer(tok(tc.argv...)); got != tc.want {
			t.Errorf("entrypointRunsServer(%q) = %v", tc.argv, got)
		}
	}
	if got := restAfterPlaceholder(tok("$0", "a", "b")); len(got) != 2 || got[0].s != "a" {
		t.Errorf("restAfterPlaceholder = %v", got)
	}
	if got := restAfterPlaceholder(nil); got != nil {
		t.Errorf("restAfterPlaceholder(nil) = %v", got)
	}
	for _, tc := range []struct {
		argv   []string
		script string
		rest   int
	}{
		{[]string{"sh", "-c", "x", "$0", "a"}, "x", 2},
		{[]string{"/bin/bash", "-c", "y"}, "y", 0},
		{[]string{"env", "dash", "-c", "z"}, "z", 0},
		{[]string{"ash", "-c"}, "", 0},
		{[]string{"zsh", "-c", "x"}, "", 0},
		{[]string{"sh", "-e", "x"}, "", 0},
	} {
		s, rest := shellScript(tok(tc.argv...))
		got := ""
		if s != nil {
			got = s.s
		}
		if got != tc.script || len(rest) != tc.rest {
			t.Errorf("shellScript(%q) = %q, %d more; want %q, %d", tc.argv, got, len(rest), tc.script, tc.rest)
		}
	}
}

func TestSplitHereDocs(t *testing.T) {
	lines, docs := splitHereDocs("a \\\nb\nredis-server - <<EOF\nport 1\nEOF\ncat <<-'X'\n\tq\n\tX\nnever <<Z\nz\n")
	want := []string{"a b", "redis-server -  ", "cat  ", "never <<Z", "z", ""}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %q, want %q", lines, want)
	}
	if !reflect.DeepEqual(docs, map[int]hereDoc{1: {"port 1"}, 2: {"q"}}) {
		t.Errorf("docs %v", docs)
	}
	if lines, _ := splitHereDocs("a \\\\\nb"); len(lines) != 2 {
		t.Errorf("an escaped backslash joined lines: %q", lines)
	}
	if lines, _ := splitHereDocs("a \\"); len(lines) != 1 || lines[0] != "a \\" {
		t.Errorf("a final backslash: %q", lines)
	}
	if _, docs := splitHereDocs("x <<\"E\"\n1\n2\nE\n"); docs[0].body != "1\n2" {
		t.Errorf("double-quoted delimiter: %v", docs)
	}
	// Only "<<-" strips tabs: under "<<" a tab-indented delimiter is a body line.
	if _, docs := splitHereDocs("x <<E\n\tE\nE\n"); docs[0].body != "\tE" {
		t.Errorf("<< stripped tabs: %q", docs[0].body)
	}
}

// TestRedisMajor: the major version is the tag's leading digits (capped, so a hostile tag cannot
// overflow it); the repository and tag drop any registry path and digest.
func TestRedisMajor(t *testing.T) {
	for _, tc := range []struct {
		image, repo, tag string
		major            int
	}{
		{"redis:7", "redis", "7", 7},
		{"redis:9.0", "redis", "9.0", 9},
		{"redis:10-alpine", "redis", "10-alpine", 10},
		{"redis:6.2.16@sha256:0123", "redis", "6.2.16", 6},
		{"registry.example:5000/cache/redis:7.0", "redis", "7.0", 7},
		{"@sha256:0123", "", "", 0},
		{"redis:alpine", "redis", "alpine", 0},
		{"redis", "redis", "", 0},
		{"redis:0999", "redis", "0999", 999},
		{"redis:1000", "redis", "1000", 1000},
		{"redis:10005", "redis", "10005", 1000},
		{"redis:123456789012345678901234567890", "redis", "123456789012345678901234567890", 1234},
	} {
		d, err := load("f.yml", []byte("services:\n  r:\n    image: \""+tc.image+"\"\n"), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		s := d.Services[0]
		if repo, tag := d.imageRepoTag(s); repo != tc.repo || tag != tc.tag {
			t.Errorf("imageRepoTag(%q) = %q, %q; want %q, %q", tc.image, repo, tag, tc.repo, tc.tag)
		}
		if m := d.redisMajor(s); m != tc.major {
			t.Errorf("redisMajor(%q) = %d, want %d", tc.image, m, tc.major)
		}
	}
}

func TestStdinOptions(t *testing.T) {
	opts := stdinOptions("# c\n\nRequirePass \"a b\"\nsave 900 1\n", nil)
	if len(opts) != 2 || opts[0].name != "requirepass" || !reflect.DeepEqual(opts[0].values, []string{"a b"}) ||
		opts[1].name != "save" || len(opts[1].valueNode) != 2 {
		t.Errorf("stdinOptions = %+v", opts)
	}
}

// TestRedisArgs: what redisArgs reads from a service's entrypoint and command.
func TestRedisArgs(t *testing.T) {
	for _, tc := range []struct {
		name, svc string
		ok        bool
		conf      bool
		opts      string // name=values;...
	}{
		{"exec form", `image: x
    command: [redis-server, --Port, "1", --save, "", --appendonly, "yes"]`, true, false, "port=1;save=;appendonly=yes"},
		{"string form", `command: redis-server /etc/r.conf --port 1`, true, true, "port=1"},
		{"conf file only first", `command: redis-server --port 1 /x.conf`, true, false, "port=1 /x.conf"},
		{"dash first", `command: redis-server - --port 1`, true, true, "port=1"},
		{"dash last", `command: redis-server --port 1 -`, true, true, "port=1"},
		{"dash middle", `command: redis-server --port - 1`, true, false, "port=- 1"},
		{"empty first", `command: [redis-server, "", --port, "1"]`, true, false, "port=1"},
		{"bare --", `command: [redis-server, --, x]`, true, false, ""},
		{"not redis", `command: [redis-cli, ping]`, false, false, ""},
		{"image default", `image: redis:7`, true, false, ""},
		{"image with options", `image: redis:7
    command: [--port, "2"]`, true, false, "port=2"},
		{"image runs cli", `image: redis:7
    command: [redis-cli]`, false, false, ""},
		{"own entrypoint", `image: redis:7
    entrypoint: [/start]
    command: [--port, "2"]`, false, false, ""},
		{"official entrypoint", `image: redis:7
    entrypoint: [/usr/local/bin/docker-entrypoint.sh]
    command: [--port, "2"]`, true, false, "port=2"},
		{"sh -c", `command: [sh, -c, "echo hi; redis-server --port 3 \"$$@\"", x, --save, "1 1"]`, true, false, "port=3;save=1 1"},
		{"sh -c braces", `command: [sh, -c, "redis-server ${@}", x, --save, "1 1"]`, true, false, "save=1 1"},
		{"sh -c other", `command: [sh, -c, "exec worker"]`, false, false, ""},
		{"sh -c entrypoint", `image: redis:7
    command: [sh, -c, "exec docker-entrypoint.sh \"$$@\"", x, --port, "4"]`, true, false, "port=4"},
		{"sh -c entrypoint not redis", `image: app:1
    command: [sh, -c, "exec docker-entrypoint.sh \"$$@\"", x, --port, "4"]`, false, false, ""},
		{"here-doc", "command:\n      - sh\n      - -c\n      - |\n        redis-server - <<EOF\n        requirepass x\n        EOF\n", true, false, "requirepass=x"},
		{"here-doc before argv", "command:\n      - sh\n      - -c\n      - |\n        redis-server --port 5 - <<EOF\n        port 6\n        EOF\n", true, false, "port=6;port=5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := load("f.yml", []byte("services:\n  a:\n    "+tc.svc+"\n"), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			args, ok := d.redisArgs(d.Services[0])
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			var got []string
			for _, o := range args.options {
				got = append(got, o.name+"="+strings.Join(o.values, " "))
			}
			if strings.Join(got, ";") != tc.opts || args.configFile != tc.conf {
				t.Errorf("options %q, config file %v; want %q, %v", strings.Join(got, ";"), args.configFile, tc.opts, tc.conf)
			}
		})
	}
}

func TestRedisOptionAt(t *testing.T) {
	d, err := load("f.yml", []byte("services:\n  a:\n    command: [redis-server, --save, \"1\", \"2\", --port, --save, \"3\"]\n"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := d.redisArgs(d.Services[0])
	if o := args.last("save"); o == nil || o.at().Value != "3" {
		t.Errorf("last save at %v", o)
	}
	if o := args.get("save")[0]; o.at().Value != "2" {
		t.Errorf("first save at %q", o.at().Value)
	}
	if o := args.last("port"); o == nil || o.at().Value != "--port" {
		t.Errorf("port without a value at %v", o)
	}
	if args.last("nope") != nil {
		t.Error("last of a missing option")
	}
}

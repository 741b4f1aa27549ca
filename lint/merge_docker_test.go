package lint

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/cli/cli/compose/loader"
	composetypes "github.com/docker/cli/cli/compose/types"
	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// The oracle of merge.go: docker/cli's own loader.Load given several ConfigFiles (what
// `docker stack deploy -c a.yml -c b.yml` runs) must give the same config as loader.Load of the one
// file that merge's tree marshals to.

// mergeEnv is the environment both sides interpolate with.
var mergeEnv = map[string]string{"PORT": "8080", "TAG": "7", "EMPTY": "", "FROMENV": "env-value"}

// dockerLoad runs docker/cli's loader.Load on the files, as docker stack deploy -c ... -c ... does.
// validate false skips the schema validation, which costs most of a load's 4 ms; compareMerge
// skips it only where each file has passed it alone (Load validates each file on its own, against
// the first file's version, which must be the same).
func dockerLoad(dir string, env map[string]string, validate bool, datas ...[]byte) (cfg *composetypes.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("docker/cli loader panics: %v", r)
		}
	}()
	var files []composetypes.ConfigFile
	for i, data := range datas {
		dict, err := loader.ParseYAML(data)
		if err != nil {
			return nil, err
		}
		files = append(files, composetypes.ConfigFile{Filename: fmt.Sprintf("file%d.yml", i), Config: dict})
	}
	return loader.Load(composetypes.ConfigDetails{WorkingDir: dir, ConfigFiles: files, Environment: env},
		func(o *loader.Options) { o.SkipValidation = !validate })
}

// mergeOutcome is what one comparison found.
type mergeOutcome int

const (
	mergeSkipped    mergeOutcome = iota // docker (or lint) refuses one of the files alone
	mergeCompared                       // both loaded; the configs were compared
	mergeBothRefuse                     // docker refuses the merge, and so does merge (or it reports the version mismatch)
)

// loadsAlone remembers which files docker and lint each load alone.
var loadsAlone sync.Map

// compareMerge merges datas with docker/cli and with merge and returns what it found, whether
// docker's merge held two copies of an item of a list the schema wants unique (see appendList; the
// comparison reads them as one), and a description of any disagreement.
func compareMerge(dir string, env map[string]string, datas ...[]byte) (outcome mergeOutcome, folded bool, diff string) {
	names := make([]string, len(datas))
	for i, data := range datas {
		names[i] = fmt.Sprintf("file%d.yml", i)
		ok, seen := loadsAlone.Load(string(data))
		if !seen {
			_, derr := dockerLoad(dir, env, true, data)
			_, lerr := load(names[i], data, nil, 1<<20)
			ok = derr == nil && lerr == nil
			loadsAlone.Store(string(data), ok)
		}
		if !ok.(bool) {
			return mergeSkipped, false, ""
		}
	}
	lookupEnv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	want, derr := dockerLoad(dir, env, false, datas...)
	d, merr := merge(names, datas, lookupEnv, 1<<20)
	switch {
	case derr != nil && strings.Contains(derr.Error(), "version mismatched"):
		if merr != nil || d.versionMismatch == "" {
			return mergeCompared, false, fmt.Sprintf("docker: %v; merge: %v, no version mismatch", derr, merr)
		}
		return mergeBothRefuse, false, ""
	case derr != nil:
		if merr == nil {
			return mergeCompared, false, fmt.Sprintf("docker refuses the merge (%v), merge does not", derr)
		}
		return mergeBothRefuse, false, ""
	case merr != nil:
		return mergeCompared, false, fmt.Sprintf("docker merges, merge refuses: %v", merr)
	case d.versionMismatch != "":
		return mergeCompared, false, "docker merges, merge reports " + d.versionMismatch
	}
	out, err := yaml.Marshal(plainTree(d.Root, 0))
	if err != nil {
		return mergeCompared, false, fmt.Sprintf("marshal: %v", err)
	}
	got, err := dockerLoad(dir, env, true, out)
	if err != nil {
		return mergeCompared, false, fmt.Sprintf("docker refuses the merged file: %v\nmerged file:\n%s", err, out)
	}
	folded = foldUnique(want)
	foldUnique(got)
	w, g := configDump(want), configDump(got)
	if !reflect.DeepEqual(w, g) {
		return mergeCompared, folded, fmt.Sprintf("configs differ at %s\nmerged file:\n%s", firstDiff(w, g, ""), out)
	}
	return mergeCompared, folded, ""
}

// plainTree copies a tree with aliases replaced by what they name, so that it marshals to a file
// of its own (an override's anchors may sit in its dropped x- keys).
func plainTree(n *yaml.Node, depth int) *yaml.Node {
	n = yamlnode.Deref(n)
	c := *n
	c.Anchor, c.Alias, c.Content = "", nil, nil
	if c.Kind == yaml.ScalarNode && c.Tag == "!!null" {
		c.Value = "null" // go.yaml.in/yaml/v4 writes an empty null in a flow mapping as ''
	}
	if depth > 1000 {
		return &c
	}
	for _, ch := range n.Content {
		c.Content = append(c.Content, plainTree(ch, depth+1))
	}
	return &c
}

// foldUnique keeps the first copy of each item of the lists whose items the schema wants unique,
// and says whether it dropped any.
func foldUnique(cfg *composetypes.Config) bool {
	folded := false
	fold := func(s []string) []string {
		seen := map[string]bool{}
		var out []string
		for _, v := range s {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		folded = folded || len(out) != len(s)
		return out
	}
	for i := range cfg.Services {
		s := &cfg.Services[i]
		s.CapAdd, s.CapDrop, s.DependsOn, s.Devices = fold(s.CapAdd), fold(s.CapDrop), fold(s.DependsOn), fold(s.Devices)
		s.DNS, s.DNSSearch, s.EnvFile, s.Expose = fold(s.DNS), fold(s.DNSSearch), fold(s.EnvFile), fold(s.Expose)
		s.ExternalLinks, s.ExtraHosts, s.Links = fold(s.ExternalLinks), fold(s.ExtraHosts), fold(s.Links)
		s.SecurityOpt, s.Tmpfs = fold(s.SecurityOpt), fold(s.Tmpfs)
		s.Build.CacheFrom, s.Build.ExtraHosts = fold(s.Build.CacheFrom), fold(s.Build.ExtraHosts)
	}
	return folded
}

// configDump is a config as plain values, services by name, without file names: what the two
// loads must agree on. A set pointer counts even when it points to a zero value (replicas: 0);
// empty slices, maps and zero scalars do not (mergo does not tell them from missing ones).
func configDump(cfg *composetypes.Config) any {
	c := *cfg
	c.Filename = ""
	services := map[string]composetypes.ServiceConfig{}
	for _, s := range c.Services {
		services[s.Name] = s
	}
	c.Services = nil
	d, _ := plainDump(reflect.ValueOf(c))
	m, _ := d.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	sd, _ := plainDump(reflect.ValueOf(services))
	m["Services"] = sd
	return m
}

func plainDump(v reflect.Value) (any, bool) {
	if t, ok := v.Interface().(time.Time); ok {
		return t.String(), true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		d, _ := plainDump(v.Elem())
		return d, true
	case reflect.Struct:
		out := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				if d, ok := plainDump(v.Field(i)); ok {
					out[v.Type().Field(i).Name] = d
				}
			}
		}
		return out, len(out) > 0
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return nil, false
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i], _ = plainDump(v.Index(i))
		}
		return out, true
	case reflect.Map:
		if v.Len() == 0 {
			return nil, false
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[fmt.Sprint(k.Interface())], _ = plainDump(v.MapIndex(k))
		}
		return out, true
	}
	return v.Interface(), !v.IsZero()
}

func firstDiff(a, b any, path string) string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if !reflect.DeepEqual(am[k], bm[k]) {
				return firstDiff(am[k], bm[k], path+"."+k)
			}
		}
	}
	as, _ := json.Marshal(a)
	bs, _ := json.Marshal(b)
	return fmt.Sprintf("%s: docker -c -c gives %s, the merged file %s", path, as, bs)
}

// mergeCases are hand-written pairs (or triples), one or more for each rule of merge.go's merge.
var mergeCases = []struct {
	name  string
	files []string
	want  mergeOutcome
}{
	{"ports by published port", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"8080:80\", \"9090:90\"]\n",
		"services:\n  a:\n    ports: [\"8080:81\", \"7070:70/udp\"]\n"}, mergeCompared},
	{"short and long port syntax keyed alike", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"8080:80\", {target: 90, published: 9090, mode: host}]\n",
		"services:\n  a:\n    ports: [{target: 81, published: 8080}, \"9090:91/udp\"]\n"}, mergeCompared},
	{"unpublished ports share key 0", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"80\", \"443\", 53]\n",
		"services:\n  a:\n    ports: [\"8080:80\"]\n"}, mergeCompared},
	{"port ranges split", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"8000-8002:80-82\", \"9000-9001:90\"]\n",
		"services:\n  a:\n    ports: [\"8001:81\"]\n"}, mergeCompared},
	{"base ports keyed even when the override has none", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"9:9\", \"1:1\", \"1:2\", \"80\", \"81\"]\n    volumes: [\"/z:/z\", \"/a:/a\"]\n    secrets: [b, a]\n",
		"services:\n  a:\n    image: a:2\n"}, mergeCompared},
	{"interpolated ports", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"${PORT}:80\", {target: 81, published: \"${PORT}\"}]\n",
		"services:\n  a:\n    ports: [\"8080:82\"]\n"}, mergeCompared},
	{"secrets and configs by source", []string{
		"services:\n  a:\n    image: a:1\n    secrets: [s1, {source: s2, target: two}]\n    configs: [c2, c1]\n" +
			"secrets:\n  s1: {external: true}\n  s2: {external: true}\n  s3: {external: true}\nconfigs:\n  c1: {external: true}\n  c2: {external: true}\n",
		"services:\n  a:\n    secrets: [{source: s1, target: one, mode: 0400}, s3]\n    configs: [{source: c2, target: /c2}]\n"}, mergeCompared},
	{"volumes by target", []string{
		"services:\n  a:\n    image: a:1\n    volumes: [\"data:/data\", \"/host:/etc/x:ro\", \"/anon\", \"C:\\\\x:/win\"]\nvolumes:\n  data: {}\n  other: {}\n",
		"services:\n  a:\n    volumes: [{type: volume, source: other, target: /data}, \"/h2:/etc/x\", \"/more:/more:rw\"]\n"}, mergeCompared},
	{"ulimits replaced per limit", []string{
		"services:\n  a:\n    image: a:1\n    ulimits:\n      nofile: {soft: 1, hard: 2}\n      nproc: 3\n",
		"services:\n  a:\n    ulimits:\n      nofile: 10\n      core: {soft: 0, hard: 0}\n"}, mergeCompared},
	{"command and entrypoint replaced", []string{
		"services:\n  a:\n    image: a:1\n    command: redis-server --appendonly yes\n    entrypoint: [\"/bin/sh\", \"-c\"]\n",
		"services:\n  a:\n    command: [\"redis-server\", \"--save\", \"\"]\n    entrypoint: /entry.sh\n"}, mergeCompared},
	{"empty command keeps the base's", []string{
		"services:\n  a:\n    image: a:1\n    command: [\"a\", \"b\"]\n    entrypoint: x y\n",
		"services:\n  a:\n    command: \"\"\n    entrypoint: []\n"}, mergeCompared},
	{"comment-only command keeps the base's", []string{
		"services:\n  a:\n    image: a:1\n    command: run\n",
		"services:\n  a:\n    command: \"  # nothing\"\n"}, mergeCompared},
	{"environment as mappings", []string{
		"services:\n  a:\n    image: a:1\n    environment:\n      A: \"1\"\n      B: two\n      C:\n      D: \"\"\n      N: 1.50\n",
		"services:\n  a:\n    environment:\n      A: \"\"\n      B: three\n      C: set\n      D:\n      E: new\n"}, mergeCompared},
	{"environment as lists", []string{
		"services:\n  a:\n    image: a:1\n    environment: [A=1, B=two, C, D=, X=a=b]\n",
		"services:\n  a:\n    environment: [A=, B=three, C=set, D, E]\n"}, mergeCompared},
	{"environment list over mapping", []string{
		"services:\n  a:\n    image: a:1\n    environment:\n      A: \"1\"\n      B: 2.0\n      C: 3.25\n      D:\n      \"$K\": v\n      F: ${TAG}\n",
		"services:\n  a:\n    environment: [A=, B=3, \"G=${TAG}\"]\n"}, mergeCompared},
	{"environment mapping over list", []string{
		"services:\n  a:\n    image: a:1\n    environment: [A=1, B=2, FROMENV, EMPTY=]\n",
		"services:\n  a:\n    environment:\n      A:\n      B: 0x10\n      C: 1e3\n"}, mergeCompared},
	{"environment values from the environment", []string{
		"services:\n  a:\n    image: a:1\n    environment: [FROMENV=base, EMPTY=x, TAG=base]\n",
		"services:\n  a:\n    environment: [FROMENV, EMPTY, TAG=]\n"}, mergeCompared},
	{"labels as maps and lists", []string{
		"services:\n  a:\n    image: a:1\n    labels: [a=1, b=2, c]\n    deploy:\n      labels:\n        x: \"1\"\n        y: \"2\"\n",
		"services:\n  a:\n    labels:\n      a: \"\"\n      d: 4\n    deploy:\n      labels: [x=, z=3]\n"}, mergeCompared},
	{"a mapping key with = meets a list", []string{
		"services:\n  a:\n    image: a:1\n    labels:\n      \"x=y\": v\n      w: \"1\"\n    environment:\n      \"A=B\": c\n",
		"services:\n  a:\n    labels: [z=1, \"w=${TAG}\", \"${TAG}=t\", \"${EMPTY}k=${TAG}\", q]\n    environment: [D=1, E]\n"}, mergeCompared},
	{"labels both mappings, sysctls both lists", []string{
		"services:\n  a:\n    image: a:1\n    labels: {a: \"1\", b: \"2\"}\n    sysctls: [net.core.somaxconn=1024, a.b=1]\n",
		"services:\n  a:\n    labels: {b: \"\", c: \"3\"}\n    sysctls: [net.core.somaxconn=511]\n"}, mergeCompared},
	{"networks with and without aliases", []string{
		"services:\n  a:\n    image: a:1\n    networks:\n      front:\n        aliases: [one]\n        ipv4_address: 10.0.0.2\n        driver_opts: {o: \"1\"}\n      back:\n      mid:\n        aliases: [m]\n" +
			"networks:\n  front: {}\n  back: {}\n  mid: {}\n  extra: {}\n",
		"services:\n  a:\n    networks:\n      front:\n        aliases: [two]\n        driver_opts: {p: \"2\"}\n        ipv6_address: \"::2\"\n      back:\n        aliases: [b]\n      mid:\n      extra: {}\n"}, mergeCompared},
	{"networks as lists", []string{
		"services:\n  a:\n    image: a:1\n    networks: [front, back]\nnetworks:\n  front: {}\n  back: {}\n  extra: {}\n",
		"services:\n  a:\n    networks: [extra, front]\n"}, mergeCompared},
	{"network list over mapping", []string{
		"services:\n  a:\n    image: a:1\n    networks:\n      front:\n        aliases: [x]\nnetworks:\n  front: {}\n  back: {}\n",
		"services:\n  a:\n    networks: [back, front]\n"}, mergeCompared},
	{"network mapping over list", []string{
		"services:\n  a:\n    image: a:1\n    networks: [front, back]\nnetworks:\n  front: {}\n  back: {}\n",
		"services:\n  a:\n    networks:\n      front:\n        aliases: [y]\n"}, mergeCompared},
	{"empty network settings clear aliases", []string{
		"services:\n  a:\n    image: a:1\n    networks:\n      front:\n        aliases: [x]\n        ipv6_address: \"::1\"\nnetworks:\n  front: {}\n",
		"services:\n  a:\n    networks:\n      front: {}\n"}, mergeCompared},
	{"logging driver change replaces", []string{
		"services:\n  a:\n    image: a:1\n    logging:\n      driver: json-file\n      options: {max-size: 10m, max-file: \"3\"}\n",
		"services:\n  a:\n    logging:\n      driver: syslog\n      options: {tag: a}\n"}, mergeCompared},
	{"logging options-only change merges", []string{
		"services:\n  a:\n    image: a:1\n    logging:\n      driver: json-file\n      options: {max-size: 10m, max-file: \"3\"}\n",
		"services:\n  a:\n    logging:\n      options: {max-size: 20m, compress: \"true\"}\n"}, mergeCompared},
	{"logging options dropped without base options", []string{
		"services:\n  a:\n    image: a:1\n    logging:\n      driver: json-file\n",
		"services:\n  a:\n    logging:\n      driver: json-file\n      options: {max-size: 20m}\n"}, mergeCompared},
	{"logging driver from the override", []string{
		"services:\n  a:\n    image: a:1\n    logging:\n      options: {max-size: 10m}\n",
		"services:\n  a:\n    logging:\n      driver: local\n      options: {max-file: \"2\"}\n"}, mergeCompared},
	{"deploy sub-keys", []string{
		"services:\n  a:\n    image: a:1\n    deploy:\n      mode: replicated\n      replicas: 3\n      endpoint_mode: vip\n" +
			"      update_config: {parallelism: 2, delay: 10s, order: start-first, max_failure_ratio: 0.5}\n" +
			"      resources:\n        limits: {cpus: \"0.5\", memory: 512M}\n        reservations: {memory: 128M}\n" +
			"      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 1m}\n" +
			"      placement:\n        constraints: [node.role == manager]\n        preferences: [{spread: node.labels.zone}]\n        max_replicas_per_node: 2\n",
		"services:\n  a:\n    deploy:\n      replicas: 0\n      update_config: {parallelism: 0, delay: 0s, max_failure_ratio: 0}\n" +
			"      resources:\n        limits: {memory: 1G, pids: 100}\n        reservations: {cpus: \"0.25\"}\n" +
			"      restart_policy: {max_attempts: 0, window: 0s}\n" +
			"      placement:\n        constraints: [node.labels.redis == true]\n        max_replicas_per_node: 0\n      rollback_config: {order: stop-first}\n"}, mergeCompared},
	{"deploy null", []string{
		"services:\n  a:\n    image: a:1\n    deploy:\n      replicas: 2\n",
		"services:\n  a:\n    deploy:\n"}, mergeCompared},
	{"zero values keep the base's", []string{
		"services:\n  a:\n    image: a:1\n    read_only: true\n    init: true\n    tty: true\n    user: redis\n    stop_grace_period: 30s\n    oom_score_adj: 5\n    privileged: true\n",
		"services:\n  a:\n    image: \"\"\n    read_only: false\n    init: false\n    tty: false\n    user: \"\"\n    stop_grace_period: 0s\n    oom_score_adj: 0\n    privileged: false\n"}, mergeCompared},
	{"zero values set where the base has none", []string{
		"services:\n  a:\n    image: a:1\n",
		"services:\n  a:\n    init: false\n    read_only: \"${EMPTY:-false}\"\n    stop_grace_period: 0s\n"}, mergeCompared},
	{"healthcheck test appended", []string{
		"services:\n  a:\n    image: a:1\n    healthcheck:\n      test: redis-cli ping\n      interval: 10s\n      retries: 3\n      disable: false\n",
		"services:\n  a:\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 0s\n      timeout: 2s\n      retries: 0\n"}, mergeCompared},
	{"healthcheck lists appended", []string{
		"services:\n  a:\n    image: a:1\n    healthcheck:\n      test: [\"CMD\", \"a\"]\n",
		"services:\n  a:\n    healthcheck:\n      test: b\n      start_period: 5s\n"}, mergeCompared},
	{"appended lists", []string{
		"services:\n  a:\n    image: a:1\n    cap_add: [NET_ADMIN, SYS_TIME]\n    dns: 8.8.8.8\n    dns_search: [a.example]\n    tmpfs: /run\n    expose: [\"80\", 81]\n    security_opt: [no-new-privileges]\n    depends_on: [b]\n  b:\n    image: b:1\n",
		"services:\n  a:\n    cap_add: [NET_ADMIN, SYS_NICE]\n    dns: [1.1.1.1, 8.8.8.8]\n    dns_search: b.example\n    tmpfs: [/tmp, /run]\n    expose: [80, \"81\", \"82\"]\n    security_opt: [no-new-privileges]\n    depends_on: [b]\n"}, mergeCompared},
	{"extra_hosts as lists and mappings", []string{
		"services:\n  a:\n    image: a:1\n    extra_hosts:\n      db: 10.0.0.1\n      cache: \"10.0.0.2\"\n      v6: \"::1\"\n",
		"services:\n  a:\n    extra_hosts: [\"db:10.0.0.3\", \"web=10.0.0.4\", \"cache:10.0.0.2\"]\n"}, mergeCompared},
	{"build string and mapping", []string{
		"services:\n  a:\n    image: a:1\n    build: ./dir\n",
		"services:\n  a:\n    build:\n      dockerfile: Dockerfile.dev\n      args: [A=1, B=]\n      cache_from: [x]\n"}, mergeCompared},
	{"build args", []string{
		"services:\n  a:\n    image: a:1\n    build:\n      context: .\n      args: {A: \"1\", B: \"2\"}\n      labels: [l=1]\n",
		"services:\n  a:\n    build:\n      args: {A: \"\", C: \"3\"}\n      labels: {l: \"\"}\n"}, mergeCompared},
	{"credential spec and strings", []string{
		"services:\n  a:\n    image: a:1\n    hostname: h1\n    working_dir: /w\n    credential_spec: {file: a.json}\n    stop_signal: SIGTERM\n",
		"services:\n  a:\n    hostname: h2\n    credential_spec: {registry: r}\n    stop_signal: \"\"\n"}, mergeCompared},
	{"top-level objects replaced by name", []string{
		"services:\n  a:\n    image: a:1\nvolumes:\n  data:\n    driver: local\n    driver_opts: {type: tmpfs, device: tmpfs}\n  keep: {}\n" +
			"networks:\n  net:\n    driver: overlay\n    attachable: true\n    labels: [a=1]\nsecrets:\n  s:\n    file: ./s.txt\n    labels: {a: \"1\"}\nconfigs:\n  c:\n    file: ./c.txt\n",
		"volumes:\n  data:\n    labels: {b: \"2\"}\n  new:\n    external: true\nnetworks:\n  net:\n    labels: [b=2]\nsecrets:\n  s:\n    external: true\nconfigs:\n  c:\n    name: cc\n    file: ./c2.txt\n"}, mergeCompared},
	{"x- keys", []string{
		"x-common: &common\n  image: a:1\n  environment: {A: \"1\"}\nservices:\n  a:\n    <<: *common\n    x-meta:\n      owner: ops\n      tags: [a]\n      nested: {k: v}\n      gone: 1\n      scalar: s\n",
		"x-override: &o {B: \"2\"}\nservices:\n  a:\n    environment: *o\n    x-meta:\n      tags: [b]\n      nested: {k2: v2}\n      gone:\n      scalar: {now: map}\n    x-new: 1\n"}, mergeCompared},
	{"x- list meets a string", []string{
		"services:\n  a:\n    image: a:1\n    x-meta: s\n",
		"services:\n  a:\n    x-meta: [1]\n"}, mergeBothRefuse},
	{"x- list meets a nested string", []string{
		"services:\n  a:\n    image: a:1\n    x-meta: {k: s}\n",
		"services:\n  a:\n    x-meta: {k: [1]}\n"}, mergeBothRefuse},
	{"x- list meets a string in secrets", []string{
		"services:\n  a:\n    image: a:1\nsecrets:\n  s:\n    external: true\n    x-k: s\n",
		"secrets:\n  s:\n    external: true\n    x-k: [1]\n"}, mergeCompared},
	{"x- list on an internal volume", []string{
		"services:\n  a:\n    image: a:1\nvolumes:\n  v:\n    x-k: s\n",
		"volumes:\n  v:\n    x-k: [1]\n"}, mergeCompared},
	{"services only in the override", []string{
		"version: \"3.8\"\nservices:\n  a:\n    image: a:1\n",
		"version: \"3.8\"\nservices:\n  b:\n    image: b:1\n    ports: [\"80:80\"]\n  c:\n    image: c:1\n"}, mergeCompared},
	{"version mismatch", []string{
		"version: \"3.8\"\nservices:\n  a:\n    image: a:1\n",
		"version: \"3.7\"\nservices:\n  a:\n    image: a:2\n"}, mergeBothRefuse},
	{"three files", []string{
		"services:\n  a:\n    image: a:1\n    ports: [\"1:1\"]\n    environment: [A=1]\n    cap_add: [X]\n",
		"services:\n  a:\n    ports: [\"2:2\"]\n    environment: {B: \"2\"}\n    cap_add: [X]\n  b:\n    image: b:1\n",
		"services:\n  a:\n    ports: [\"1:3\"]\n    environment: [A=, B=3]\n    cap_add: [X, Y]\n"}, mergeCompared},
	{"merge keys in both files", []string{
		"x-d: &d\n  deploy: {replicas: 2, labels: {a: \"1\"}}\nservices:\n  a:\n    <<: *d\n    image: a:1\n",
		"x-e: &e\n  deploy: {labels: {b: \"2\"}}\nservices:\n  a:\n    <<: [*e]\n"}, mergeCompared},
}

// TestMergeMatchesDocker: each hand-written pair merges as docker stack deploy -c -c merges it.
func TestMergeMatchesDocker(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range mergeCases {
		t.Run(tc.name, func(t *testing.T) {
			datas := make([][]byte, len(tc.files))
			for i, f := range tc.files {
				datas[i] = []byte(f)
			}
			got, _, diff := compareMerge(dir, mergeEnv, datas...)
			if diff != "" {
				t.Fatal(diff)
			}
			if got != tc.want {
				t.Fatalf("outcome %d, want %d (0: a file alone is refused, 1: compared, 2: both refuse)", got, tc.want)
			}
		})
	}
}

// corpusMutations are the overrides TestMergeCorpus applies to each service of a real-world file.
var corpusMutations = []struct {
	name string
	fn   func(svc *yaml.Node)
}{
	{"image", func(s *yaml.Node) { setField(s, "image", yamlStr("mutated/image:2")) }},
	{"port", func(s *yaml.Node) { setField(s, "ports", yamlSeq(yamlStr("18080:80"))) }},
	{"env map", func(s *yaml.Node) { setField(s, "environment", yamlMap("MUTATED", yamlStr("1"))) }},
	{"env list", func(s *yaml.Node) { setField(s, "environment", yamlSeq(yamlStr("MUTATED=1"), yamlStr("PATH="))) }},
	{"command", func(s *yaml.Node) { setField(s, "command", yamlStr("sh -c 'echo mutated'")) }},
	{"labels", func(s *yaml.Node) { setField(s, "labels", yamlSeq(yamlStr("mutated=1"))) }},
	{"deploy", func(s *yaml.Node) {
		setField(s, "deploy", yamlMap("replicas", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"},
			"resources", yamlMap("limits", yamlMap("memory", yamlStr("64M")))))
	}},
}

func yamlStr(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
func yamlSeq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}
func yamlMap(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, yamlStr(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}
func setField(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, yamlStr(key), v)
}

// corpusOverrides are the files TestMergeCorpus merges over a real-world file: the file itself, a
// copy with every mutation applied to every service, and one small override per mutation holding
// only the changed key of one service (the services taken in turn).
func corpusOverrides(data []byte) [][]byte {
	out := [][]byte{data}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	root := plainTree(doc.Content[0], 0)
	services := yamlnode.Get(root, "services")
	if services == nil || services.Kind != yaml.MappingNode || len(services.Content) == 0 {
		return out
	}
	for i := 1; i < len(services.Content); i += 2 {
		if services.Content[i].Kind != yaml.MappingNode {
			return out
		}
	}
	whole := plainTree(root, 0)
	ws := yamlnode.Get(whole, "services")
	for i := 1; i < len(ws.Content); i += 2 {
		for _, mu := range corpusMutations {
			mu.fn(ws.Content[i])
		}
	}
	if b, err := yaml.Marshal(whole); err == nil {
		out = append(out, b)
	}
	for j, mu := range corpusMutations {
		name := services.Content[2*(j%(len(services.Content)/2))].Value
		svc := yamlMap()
		mu.fn(svc)
		over := yamlMap("services", yamlMap(name, svc))
		if v := yamlnode.Get(root, "version"); v != nil {
			over.Content = append([]*yaml.Node{yamlStr("version"), v}, over.Content...)
		}
		if b, err := yaml.Marshal(over); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// TestMergeCorpus: every real-world file docker loads, merged with the overrides corpusOverrides
// makes of it (and under the mutated copy), merges as docker merges it.
func TestMergeCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.yml"))
	if len(files) == 0 {
		t.Skipf("no corpus at %s", corpusDir)
	}
	dir := t.TempDir()
	type job struct {
		file  string
		pair  [][]byte
		index int
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var bases, pairs, refused, folded, failed int
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				got, fold, diff := compareMerge(dir, mergeEnv, j.pair...)
				mu.Lock()
				switch {
				case diff != "":
					failed++
					if failed <= 5 {
						t.Errorf("%s with override %d: %s", filepath.Base(j.file), j.index, diff)
					}
				case got == mergeCompared:
					pairs++
				case got == mergeBothRefuse:
					refused++
				}
				if fold {
					folded++
				}
				mu.Unlock()
			}
		}()
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dockerLoad(dir, mergeEnv, true, data); err != nil {
			continue
		}
		bases++
		for i, over := range corpusOverrides(data) {
			jobs <- job{file, [][]byte{data, over}, i}
			if i == 1 {
				jobs <- job{file, [][]byte{over, data}, -1}
			}
		}
	}
	close(jobs)
	wg.Wait()
	t.Logf("%d of %d corpus files load in docker; %d pairs compared equal, %d refused by both, %d disagreements; "+
		"docker's merge held a duplicate item of a unique list in %d", bases, len(files), pairs, refused, failed, folded)
	if pairs == 0 {
		t.Fatal("no corpus pair was compared")
	}
}

// mergeValues are values of service keys, the edge cases of merge.go's rules among them;
// TestMergeGenerated draws services from them.
var mergeValues = map[string][]string{
	"build":   {".", "{context: ., args: [A=1]}", "{args: {A: \"\"}}"},
	"cap_add": {"[A]", "[A, B]", "[]"},
	"command": {"\"\"", "a b", "[a, b]", "[]", "\"# c\"", "[\"\"]"},
	"configs": {"[c1]", "[{source: c1, target: /c, mode: 0440}]", "[{source: c1, uid: \"1\"}]"},
	"deploy": {"{replicas: 0}", "{replicas: 2, resources: {limits: {memory: \"0\"}}}", "{update_config: {delay: 0s, parallelism: 0}}",
		"{placement: {constraints: [a==b]}}", "{labels: [a=1]}", "{restart_policy: {max_attempts: 0, delay: 1s}}",
		"{resources: {reservations: {memory: 1M, cpus: \"0\"}}}", "", "{mode: global}", "{endpoint_mode: dnsrr, resources: {limits: {cpus: \"0.5\"}}}"},
	"dns":        {"a", "[a, b]"},
	"entrypoint": {"x", "[y]"},
	"environment": {"[A=1, B]", "{A: \"\", B: x}", "{A:, C: 1.0}", "[A=, C=3]", "[FROMENV]", "{FROMENV: \"\"}", "{EMPTY: v}", "[EMPTY]", "{}",
		"{\"K$$\": v}", "[\"K$$=w\"]", "[\"K=${TAG}\"]"},
	"expose":            {"[80]", "[\"80\", 81]"},
	"extra_hosts":       {"{h: 1.1.1.1}", "[\"h:1.1.1.1\", \"g=2.2.2.2\"]", "{h: \"::1\", i: 3.3.3.3}"},
	"healthcheck":       {"{test: a}", "{test: [CMD, b], retries: 0}", "{interval: 0s, disable: true}", "{timeout: 1s, start_period: 0s}", "{test: [NONE]}"},
	"hostname":          {"h", "\"\""},
	"image":             {"a:1", "\"\"", "b:2", "${TAG:-x}"},
	"init":              {"true", "false"},
	"labels":            {"[a=1, b]", "{a: \"\", c: 2}", "[a=]", "{}"},
	"logging":           {"{driver: json-file}", "{options: {a: b}}", "{driver: syslog, options: {c: d}}", "{driver: json-file, options: {}}", "{driver: \"\"}"},
	"networks":          {"[n1]", "[n1, n2]", "{n1: {aliases: [x]}}", "{n1: , n2: {ipv4_address: 10.0.0.1}}", "{n1: {}}", "{n2: {driver_opts: {a: b}, aliases: []}}"},
	"read_only":         {"true", "false", "\"${EMPTY:-true}\""},
	"secrets":           {"[s1]", "[{source: s1, target: t}]", "[s2, s1]", "[]"},
	"stop_grace_period": {"0s", "1m"},
	"stop_signal":       {"SIGINT"},
	"sysctls":           {"[a=1]", "{a: 2}"},
	"tmpfs":             {"/t", "[/t, /u]"},
	"ulimits":           {"{nofile: 1}", "{nofile: {soft: 1, hard: 2}, nproc: 3}"},
	"user":              {"\"\"", "u"},
	"x-m":               {"{a: [1]}", "{a: {b: 1}}", "[1]", "s", "", "{a: }"},
	"ports": {"[\"80:80\"]", "[\"80\", \"443\"]", "[8080]", "[\"8000-8001:80\"]", "[{target: 80, published: 8080}]", "[\"${PORT}:81\"]",
		"[{target: 81}]", "[\"53:53/udp\", \"53:53\"]", "[]", "[{target: 80, published: \"${PORT}\"}]", "[\"127.0.0.1:8080:80\"]"},
	"volumes": {"[\"/a:/a\"]", "[\"v:/a:ro\", /b]", "[{type: bind, source: /x, target: /a}]", "[]",
		"[{type: volume, source: v, target: /a, volume: {nocopy: true}}]"},
}

// generatedFile is a stack file with services a (always, in a base) and b, each with a third of
// mergeValues' keys, and top-level objects for them to use.
func generatedFile(r *rand.Rand, base bool) string {
	keys := make([]string, 0, len(mergeValues))
	for k := range mergeValues {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("services:\n")
	for _, name := range []string{"a", "b"} {
		if name == "b" && r.IntN(3) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s:\n", name)
		if base {
			b.WriteString("    image: i:1\n")
		}
		for _, k := range keys {
			if r.IntN(3) == 0 && !(base && k == "image") {
				vals := mergeValues[k]
				fmt.Fprintf(&b, "    %s: %s\n", k, vals[r.IntN(len(vals))])
			}
		}
	}
	if base || r.IntN(2) == 0 {
		b.WriteString("x-top: {a: 1}\nnetworks: {n1: {}, n2: {}}\nsecrets: {s1: {external: true}, s2: {external: true}}\n" +
			"configs: {c1: {external: true}}\nvolumes: {v: {}}\n")
	} else {
		b.WriteString("x-top: {b: 2}\nnetworks: {n1: {driver: overlay}}\nsecrets: {s2: {file: ./x}}\nvolumes: {v: {driver: local}}\n")
	}
	return b.String()
}

// generatedPairs sets how many pairs TestMergeGenerated compares (about 10 ms each).
var generatedPairs = flag.Int("merge.pairs", 300, "pairs of generated files TestMergeGenerated compares")

// TestMergeGenerated: pairs of files drawn from mergeValues merge as docker merges them.
func TestMergeGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	counts := map[mergeOutcome]int{}
	for i := 0; i < *generatedPairs; i++ {
		a, b := generatedFile(r, true), generatedFile(r, false)
		got, _, diff := compareMerge(dir, mergeEnv, []byte(a), []byte(b))
		if diff != "" {
			t.Fatalf("%s\nbase:\n%s\noverride:\n%s", diff, a, b)
		}
		counts[got]++
	}
	t.Logf("%d pairs compared equal, %d refused by both, %d with a file docker refuses alone",
		counts[mergeCompared], counts[mergeBothRefuse], counts[mergeSkipped])
	if counts[mergeCompared] < *generatedPairs/2 {
		t.Fatalf("only %d of %d generated pairs compared", counts[mergeCompared], *generatedPairs)
	}
}

// FuzzDockerMerge: for any two files docker/cli loads, merge's tree loads to the config docker's
// merge of the two gives.
func FuzzDockerMerge(f *testing.F) {
	for _, tc := range mergeCases {
		if len(tc.files) == 2 {
			f.Add([]byte(tc.files[0]), []byte(tc.files[1]))
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		f.Add([]byte(generatedFile(r, true)), []byte(generatedFile(r, false)))
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.yml"))
	for i, file := range files {
		if i%10 != 0 {
			continue
		}
		if data, err := os.ReadFile(file); err == nil {
			overs := corpusOverrides(data)
			f.Add(data, overs[len(overs)-1])
		}
	}
	dir, err := os.MkdirTemp("", "merge")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if _, _, diff := compareMerge(dir, mergeEnv, a, b); diff != "" {
			t.Fatalf("%s\nbase:\n%s\noverride:\n%s", diff, a, b)
		}
	})
}

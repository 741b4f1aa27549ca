package lint

import (
	"os"
	"testing"
)

// TestDockerParityCases: hand-written corners of docker/cli's loader, judged by the same oracle as
// FuzzDockerParity, so each runs on every `go test` and not only while fuzzing.
func TestDockerParityCases(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PATH": os.Getenv("PATH")}
	for name, yml := range parityCases {
		t.Run(name, func(t *testing.T) {
			derr := dockerVerdictInProcess([]byte(yml), dir, env)
			rejects, why := stackgenRejects([]byte(yml), dir, env)
			t.Logf("docker: %v; stackgen rejects: %v", derr, rejects)
			switch {
			case derr != nil && !rejects:
				t.Errorf("docker/cli rejects (%v), stackgen has no SW error", derr)
			case derr == nil && rejects:
				t.Errorf("docker/cli accepts, stackgen rejects: %s", why)
			}
		})
	}
}

// parityCases also seed FuzzDockerParity.
var parityCases = map[string]string{
	"ulimit without hard":                    "version: \"3.8\"\nservices:\n  a:\n    image: a:1\n    ulimits:\n      nofile: {soft: 1}\n",
	"too many port colons":                   "services:\n  a:\n    image: a:1\n    ports: [\"1:2:3:4\"]\n",
	"memory size":                            "services:\n  a:\n    image: a:1\n    deploy: {resources: {limits: {memory: 1.5.5g}}}\n",
	"memory size ok":                         "services:\n  a:\n    image: a:1\n    deploy: {resources: {limits: {memory: 1.5g}}}\n",
	"non-string service name":                "services:\n  1:\n    image: a:1\n",
	"healthcheck test number":                "services:\n  a:\n    image: a:1\n    healthcheck: {test: 5}\n",
	"external name and name":                 "services:\n  a: {image: a:1}\nvolumes:\n  v:\n    external: {name: x}\n    name: y\n",
	"duplicate environment":                  "services:\n  a:\n    image: a:1\n    environment: [A=1, A=1]\n",
	"x- key in 3.0":                          "version: \"3.0\"\nx-a: 1\nservices:\n  a: {image: a:1}\n",
	"x- key in 3.4":                          "version: \"3.4\"\nx-a: 1\nservices:\n  a: {image: a:1}\n",
	"x- in service in 3.6":                   "version: \"3.6\"\nservices:\n  a: {image: a:1, x-a: 1}\n",
	"no services":                            "version: \"3.8\"\n",
	"null services":                          "services:\n",
	"null service":                           "services:\n  a:\n",
	"null deploy":                            "services:\n  a:\n    image: a:1\n    deploy:\n",
	"null network":                           "services:\n  a: {image: a:1}\nnetworks:\n  n:\n",
	"null secret":                            "services:\n  a: {image: a:1}\nsecrets:\n  s:\n",
	"published from variable":                "services:\n  a:\n    image: a:1\n    ports: [{target: 80, published: \"${P:-8080}\"}]\n",
	"published string":                       "services:\n  a:\n    image: a:1\n    ports: [{target: 80, published: \"8080\"}]\n",
	"replicas bad variable":                  "services:\n  a:\n    image: a:1\n    deploy: {replicas: \"${R:-x}\"}\n",
	"bool label":                             "services:\n  a:\n    image: a:1\n    labels: {x: true}\n",
	"float integer":                          "services:\n  a:\n    image: a:1\n    deploy: {replicas: 1.0}\n",
	"float replicas":                         "services:\n  a:\n    image: a:1\n    deploy: {replicas: 1.5}\n",
	"order enum":                             "services:\n  a:\n    image: a:1\n    deploy: {update_config: {order: first}}\n",
	"bind without source":                    "services:\n  a:\n    image: a:1\n    volumes: [{type: bind, target: /x}]\n",
	"volume without type":                    "services:\n  a:\n    image: a:1\n    volumes: [{target: /x}]\n",
	"windows drive volume":                   "services:\n  a:\n    image: a:1\n    volumes: [\"c:\\\\data:/data\"]\n",
	"two-char volume":                        "services:\n  a:\n    image: a:1\n    volumes: [\"ab\"]\n",
	"secret driver and file":                 "version: \"3.8\"\nservices:\n  a: {image: a:1}\nsecrets:\n  s: {driver: d, file: ./f}\n",
	"merge of null":                          "services:\n  a:\n    <<: null\n    image: a:1\n",
	"merge of a scalar alias":                "x-s: &s hi\nservices:\n  a:\n    <<: [*s]\n    image: a:1\n",
	"merge of inline maps":                   "services:\n  a:\n    <<: [{image: a:1}, {}]\n",
	"merge in deploy":                        "services:\n  a:\n    image: a:1\n    deploy:\n      <<: 1\n",
	"image from unset":                       "services:\n  a:\n    image: ${IMG}\n",
	"image digest only":                      "services:\n  a:\n    image: sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
	"version 3":                              "version: \"3\"\nservices:\n  a: {image: a:1, init: true}\n",
	"version 3.14":                           "version: \"3.14\"\nservices:\n  a: {image: a:1}\n",
	"second document broken":                 "services:\n  a: {image: a:1}\n---\n[\n",
	"network key pattern":                    "services:\n  a: {image: a:1}\nnetworks:\n  \"a b\": {}\n",
	"service network null":                   "services:\n  a:\n    image: a:1\n    networks: {n: }\nnetworks:\n  n: {}\n",
	"duplicate ports":                        "services:\n  a:\n    image: a:1\n    ports: [\"80\", \"80\"]\n",
	"duplicate ports number":                 "services:\n  a:\n    image: a:1\n    ports: [80, \"80\"]\n",
	"expose number":                          "services:\n  a:\n    image: a:1\n    expose: [80, \"81\"]\n",
	"top-level mapping list":                 "- a\n",
	"build only with context":                "services:\n  a:\n    build: {context: .}\n",
	"interpolation default":                  "services:\n  a:\n    image: \"${I:-redis:6}\"\n",
	"required variable":                      "services:\n  a:\n    image: \"${I:?set I}\"\n",
	"x- in service interpolated":             "version: \"3.8\"\nservices:\n  a: {image: a:1, x-a: \"$(b)\"}\n",
	"top-level x- not interpolated":          "version: \"3.8\"\nx-a: \"$(b)\"\nservices:\n  a: {image: a:1}\n",
	"plus modifier":                          "services:\n  a:\n    image: \"${I:+x}\"\n",
	"nested default":                         "services:\n  a:\n    image: \"${I:-${J:-redis}}\"\n",
	"unclosed brace":                         "services:\n  a:\n    image: \"${I\"\n",
	"dollar at end":                          "services:\n  a:\n    image: a:1\n    command: \"echo $\"\n",
	"forbidden with dotted name":             "services:\n  a.b:\n    image: a:1\n    mem_limit: 1g\n",
	"env_file missing":                       "services:\n  a:\n    image: a:1\n    env_file: nope.env\n",
	"env_file directory":                     "services:\n  a:\n    image: a:1\n    env_file: /etc\n",
	"retries from a float variable":          "services:\n  a:\n    image: a:1\n    healthcheck: {retries: \"${R:-1.5}\"}\n",
	"boolean from a variable":                "services:\n  a:\n    image: a:1\n    read_only: \"${RO:-on}\"\n",
	"unbraced default":                       "services:\n  a:\n    image: $IMG-redis:6\n",
	"error cleared by a later variable":      "services:\n  a:\n    image: a:1\n    command: \"${A:?x} $B\"\n",
	"shm_size number":                        "services:\n  a:\n    image: a:1\n    shm_size: 64\n",
	"shm_size any string":                    "services:\n  a:\n    image: a:1\n    shm_size: 64x\n",
	"long port syntax in 3.1":                "version: \"3.1\"\nservices:\n  a:\n    image: a:1\n    ports: [{target: 80}]\n",
	"long volume in 3.1":                     "version: \"3.1\"\nservices:\n  a:\n    image: a:1\n    volumes: [{type: volume, target: /x}]\n",
	"duplicate volumes in 3.1":               "version: \"3.1\"\nservices:\n  a:\n    image: a:1\n    volumes: [\"v:/x\", \"v:/x\"]\nvolumes:\n  v: {}\n",
	"duplicate volumes in 3.8":               "version: \"3.8\"\nservices:\n  a:\n    image: a:1\n    volumes: [\"v:/x\", \"v:/x\"]\nvolumes:\n  v: {}\n",
	"build extra key in 3.10":                "version: \"3.10\"\nservices:\n  a:\n    image: a:1\n    build: {context: ., foo: 1}\n",
	"build extra key in 3.11":                "version: \"3.11\"\nservices:\n  a:\n    image: a:1\n    build: {context: ., foo: 1}\n",
	"build network in 3.3":                   "version: \"3.3\"\nservices:\n  a:\n    image: a:1\n    build: {context: ., network: host}\n",
	"ulimit name outside the schema pattern": "services:\n  a:\n    image: a:1\n    ulimits:\n      traefik.enable: \"true\"\n",
	"ulimit name outside the pattern, float": "services:\n  a:\n    image: a:1\n    ulimits:\n      NOFILE: {soft: 1.0, hard: 2}\n",
	"ulimit name outside the pattern, ok":    "services:\n  a:\n    image: a:1\n    ulimits:\n      NOFILE: {soft: 1, hard: 2}\n",
	"external volume empty driver_opts":      "services:\n  a: {image: a:1}\nvolumes:\n  v: {external: true, driver_opts: {}}\n",
	"external from a variable, network":      "services:\n  a: {image: a:1, networks: [n]}\nnetworks:\n  n: {external: \"${X:-false}\"}\n",
	"external from a variable, volume":       "services:\n  a: {image: a:1}\nvolumes:\n  v: {external: \"${X:-TRUE}\"}\n",
	"external from a variable, secret":       "services:\n  a: {image: a:1}\nsecrets:\n  s: {external: \"${X:-yes}\"}\n",
	"external from a variable, config":       "services:\n  a: {image: a:1}\nconfigs:\n  c: {external: \"${X:-off}\", file: ./c}\n",
	"external from a variable, no boolean":   "services:\n  a: {image: a:1}\nnetworks:\n  n: {external: \"${X:-1}\"}\n",
	"external from an unset variable":        "services:\n  a: {image: a:1}\nvolumes:\n  v: {external: \"${X}\"}\n",
	"external quoted":                        "services:\n  a: {image: a:1}\nnetworks:\n  n: {external: \"true\"}\n",
	"external yes":                           "services:\n  a: {image: a:1}\nnetworks:\n  n: {external: yes}\n",
	"external True":                          "services:\n  a: {image: a:1}\nnetworks:\n  n: {external: True}\n",
	"non-string key in an x- extension":      "version: \"3.8\"\nx-a:\n  1: x\nservices:\n  a: {image: a:1}\n",
	"non-string key at the top level":        "version: \"3.8\"\n1: x\nservices:\n  a: {image: a:1}\n",
	"date key":                               "services:\n  a: {image: a:1, labels: {2001-01-01: x}}\n",
	"one-letter volume source":               "services:\n  a:\n    image: a:1\n    volumes: [\"v:/data\", \"w:/data:ro\"]\nvolumes:\n  v: {}\n  w: {}\n",
	"empty name from a variable":             "services:\n  a: {image: a:1, networks: [n]}\nnetworks:\n  n: {name: \"${N}\"}\nvolumes:\n  v: {name: \"${N}\", external: true}\n",
}

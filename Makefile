# Thin aliases: `go test -timeout 70m ./...` works without make once `make deps` has run.
GO ?= go

.PHONY: test deps build golden bench fuzz mutate mutate-ci

# -timeout: cmd/stackgen runs the Swarm tests one after the other (the one-node end-to-end test,
# plan's differential test, the rules' claims, the three-node test): about 20 minutes under -race on
# 2 cores, at go test's default of 10 minutes per package. At the end, one line per phase says where
# the time went. For a short inner loop: go test -short ./... (under a minute; it says what it leaves out).
test: deps
	@set -e; t0=$$(date +%s); \
	$(MAKE) --no-print-directory fuzz FUZZTIME=2s; t1=$$(date +%s); \
	$(GO) test -race -count=1 -timeout 70m ./...; t2=$$(date +%s); \
	$(MAKE) --no-print-directory mutate-ci; t3=$$(date +%s); \
	echo "make test: fuzz (every target for 2 s)  $$((t1-t0)) s"; \
	echo "make test: go test -race ./...           $$((t2-t1)) s"; \
	echo "make test: mutation (make mutate-ci)     $$((t3-t2)) s"; \
	echo "make test: total                         $$((t3-t0)) s"

# Every fuzz target for FUZZTIME each (make test runs 2s each; run longer before a release:
# make fuzz FUZZTIME=5m). A crash is saved under the package's testdata/fuzz/ and stays as a
# regression case; commit it with the fix.
FUZZTIME ?= 60s
FUZZ_TARGETS = ./lint:FuzzLint ./lint:FuzzPolicy ./lint:FuzzIgnores ./lint:FuzzRedisArgs ./lint:FuzzDockerParity ./lint:FuzzWrite ./lint:FuzzImageReference ./lint:FuzzDockerMerge ./lint:FuzzFix \
	./generator:FuzzSpec ./memsize:FuzzSizes ./vault:FuzzUnseal ./vault:FuzzSealedTampered
# A failing input is saved under testdata/fuzz/ and fails the plain test run that follows. A fuzzing
# run that fails without leaving such an input (the engine's own trouble, seen once on a busy machine)
# is shown and tried once more; a second failure fails the build.
fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
		for try in 1 2; do \
			if $(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) >$$log 2>&1; then break; fi; \
			tail -20 $$log; \
			$(GO) test $$pkg -run "^$$fn\$$" -count=1 || exit 1; \
			if [ $$try = 2 ]; then echo "fuzz: $$fn failed twice without a reproducible input"; exit 1; fi; \
			echo "fuzz: $$fn failed without a reproducible input; trying once more"; \
		done; \
	done; echo "fuzz: $(words $(FUZZ_TARGETS)) targets, no crash"

# The runtime tests need a real redis-server and redis-cli, and the Swarm end-to-end test builds its
# image from them and a static busybox; TestClaims shows how docker stack deploy pins a tag to a
# digest against a docker-registry of its own. Install them when missing (Debian/Ubuntu).
deps:
	@command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v busybox >/dev/null && command -v ip >/dev/null && \
	command -v ansible-playbook >/dev/null && command -v pre-commit >/dev/null && command -v dash >/dev/null && command -v strace >/dev/null && \
	command -v docker-registry >/dev/null && command -v docker-compose >/dev/null || { \
		echo "make: installing redis-server, busybox-static, iproute2, strace, dash, ansible-core, pre-commit, docker-registry and docker-compose (the runtime, Swarm and integration tests use them; docker-compose judges lint --fix --dev-override)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server busybox-static iproute2 strace dash ansible-core pre-commit docker-registry docker-compose >/dev/null; \
	}
	@# Debian starts redis-server and docker-registry services on install where an init system runs;
	@# the tests run their own on free loopback ports.

# -buildvcs=true: stackgen version names the commit even where GOFLAGS turns VCS stamping off.
build:
	$(GO) build -buildvcs=true -o stackgen ./cmd/stackgen

# Refresh golden files after checking that a render change is intended.
golden:
	$(GO) test ./generator -run TestGolden -update

# Whole-process lint timings (one file, 1,000 files), peak memory, and a one-file lint against an
# empty Go program; see docs/lint.md "Speed".
bench:
	$(GO) test ./cmd/stackgen -run '^$$' -bench Lint -benchtime 20x
	$(GO) test ./cmd/stackgen -run '^$$' -bench LintVsEmptyProgram -benchtime 300x
	$(GO) test ./lint -run '^$$' -bench . -benchmem

# Mutation testing with gremlins (pinned; installed into ./bin on first use): each mutant of a
# package's code must make that package's own tests fail. Only packages whose tests are fast run
# here, never cmd/stackgen (its Swarm end-to-end test would run once per mutant). Per package:
# the minimum test efficacy and mutator coverage (%), set just under the latest measured figures
# (make mutate-PKG prints them), and files left out. `make mutate` runs every package in MUTATE_PKGS;
# `make mutate-PKG` runs one; `make test` runs MUTATE_CI (docs/development.md says why not all).
GREMLINS_VERSION = v0.6.0
GREMLINS = bin/gremlins-$(GREMLINS_VERSION)
MUTATE_PKGS = generator vault swarm lint
# Not lint (842 mutants, 744 of them run: 19 min with two workers, about 40 with one): docs/development.md.
MUTATE_CI = generator vault swarm
MUTATE_EFFICACY_generator = 95
MUTATE_MCOVER_generator = 95
MUTATE_EFFICACY_vault = 95
MUTATE_MCOVER_vault = 80
MUTATE_EFFICACY_swarm = 95
MUTATE_MCOVER_swarm = 94
MUTATE_EFFICACY_lint = 95
MUTATE_MCOVER_lint = 87
# swarm: the stand-in docker is test code; docker.go only runs exec, and deploy.go's Wait polls
# with one-second sleeps, so its mutants measure timeouts, not tests.
MUTATE_EXCLUDE_swarm = -E 'testdata/' -E 'deploy\.go$$' -E 'docker\.go$$'
# lint: -tags mutation leaves out the tests that run the docker binary (TestCorpusParity and
# docker_oracle_test.go, about two minutes); go test ./... still runs them. rules.go is only the
# rule table: its mutants are + between string literals, which do not compile as -.
MUTATE_TAGS_lint = --tags mutation
MUTATE_EXCLUDE_lint = -E '(^|/)rules\.go$$'
# One worker leaves a core free; a loaded machine needs the generous timeout. -count=1: gremlins
# times its baseline run and a cached `go test` result would make every mutant "time out".
MUTATE_FLAGS = --workers 1 --timeout-coefficient 5

mutate: $(addprefix mutate-,$(MUTATE_PKGS))
mutate-ci: $(addprefix mutate-,$(MUTATE_CI))

mutate-%: $(GREMLINS)
	GOFLAGS="$(GOFLAGS) -count=1" $(GREMLINS) unleash $(MUTATE_FLAGS) -S lct $(MUTATE_TAGS_$*) $(MUTATE_EXCLUDE_$*) \
		--threshold-efficacy $(MUTATE_EFFICACY_$*) --threshold-mcover $(MUTATE_MCOVER_$*) ./$*

$(GREMLINS):
	GOBIN=$(CURDIR)/bin/.gremlins-$(GREMLINS_VERSION) $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@$(GREMLINS_VERSION)
	mv bin/.gremlins-$(GREMLINS_VERSION)/gremlins $@ && rmdir bin/.gremlins-$(GREMLINS_VERSION)

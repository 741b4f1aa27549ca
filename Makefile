# Thin aliases: `go test ./...` works without make once redis-server is installed.
GO ?= go

.PHONY: test deps build golden bench fuzz

test: deps
	@$(MAKE) --no-print-directory fuzz FUZZTIME=2s
	$(GO) test -race -count=1 ./...

# Every fuzz target for FUZZTIME each (make test runs 2s each; run longer before a release:
# make fuzz FUZZTIME=5m). A crash is saved under the package's testdata/fuzz/ and stays as a
# regression case; commit it with the fix.
FUZZTIME ?= 60s
FUZZ_TARGETS = ./lint:FuzzLint ./lint:FuzzPolicy ./lint:FuzzIgnores ./lint:FuzzRedisArgs ./lint:FuzzDockerParity \
	./generator:FuzzSpec ./generator:FuzzUnits ./cmd/stackgen:FuzzUnseal
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) >/dev/null || \
			{ $(GO) test $$pkg -run "^$$fn\$$" -count=1; exit 1; }; \
	done; echo "fuzz: 8 targets, no crash"

# The runtime tests need a real redis-server and redis-cli, and the Swarm end-to-end test builds its
# image from them and a static busybox; install them when missing (Debian/Ubuntu).
deps:
	@command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v busybox >/dev/null || { \
		echo "make: installing redis-server and busybox-static (needed by the runtime and Swarm tests)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server busybox-static >/dev/null; \
	}
	@# Debian starts a redis-server service on install; the tests run their own on free loopback ports.

build:
	$(GO) build -o stackgen ./cmd/stackgen

# Refresh golden files after checking that a render change is intended.
golden:
	$(GO) test ./generator -run TestGolden -update

# Whole-process lint timings (one file, 1,000 files) and peak memory; see README "Speed".
bench:
	$(GO) test ./cmd/stackgen -run '^$$' -bench Lint -benchtime 20x
	$(GO) test ./lint -run '^$$' -bench . -benchmem

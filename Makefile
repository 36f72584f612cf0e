# agentcheck — see README.md.
GO ?= go
BIN := bin/agentcheck
HOOK_BIN := bin/agentcheck-hook
BENCH_RUNS ?= 5

.PHONY: build test lint demo bench clean e2e e2e-fixtures e2e-update-agents release-check release-snapshot

build:
	$(GO) build -o $(BIN) ./cmd/agentcheck
	$(GO) build -o $(HOOK_BIN) ./cmd/agentcheck-hook

# The race detector runs on every test but cmd/agentcheck's scripts of
# whole commands (NO_RACE): they run the test binary itself as agentcheck,
# or git runs it as a hook, once per command, and race instrumentation made
# each of those thousands of short processes several times slower (the
# package took 6.5 of the suite's 8 minutes), while a data race needs the
# goroutines of one process, which the packages' own tests exercise under
# -race (gate's workers, the server, the journal's locks), as do
# cmd/agentcheck's other tests (the pre-receive watchdog, the GitHub gate's
# scripts). TestHostileInputs runs whole verify commands in-process over
# large generated repositories, one case at a time: under -race it took 61 s
# (17 s without) for checks that gate's own tests make under -race.
NO_RACE := ^(TestScript|TestPreReceiveHTTP|TestPreCommit|TestHostileInputs)$$

# test begins with lint (gofmt and go vet): CI runs only test, and a change
# that is not gofmt'ed fails it as it would fail review.
test: lint
	GORACE=atexit_sleep_ms=0 $(GO) test -race -timeout 30m -skip '$(NO_RACE)' ./...
	$(GO) test -timeout 30m -run '$(NO_RACE)' ./cmd/agentcheck

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

demo: build
	./demo/demo.sh $(BIN)

# agentcheck against git itself: a table of medians (see bench/main.go).
# Not part of test: it generates large repositories (once, cached) and
# takes a minute or two.
bench:
	$(GO) run ./bench -runs $(BENCH_RUNS)

# The real agents (Claude Code, Codex CLI, the versions pinned in
# e2e/agents.txt) against a scripted model on 127.0.0.1; see e2e/doc.go.
# Needs node and npm, and the npm registry the first time, to install the
# agents into the user's cache directory ($$AGENTCHECK_E2E_CACHE to move it).
e2e:
	AGENTCHECK_E2E=1 $(GO) test -count=1 -v -run TestAgents ./e2e

# e2e, recording the payloads the agents sent as testdata/hooks/*, then
# the golden files of the recorded payloads (review the diff).
e2e-fixtures:
	AGENTCHECK_E2E=1 AGENTCHECK_E2E_FIXTURES=1 $(GO) test -count=1 -run TestAgents ./e2e
	$(GO) test -count=1 -run TestFixtures ./agents -update

# Pin the e2e agents to their latest npm releases.
e2e-update-agents:
	$(GO) run ./e2e/pin

# GoReleaser is a tool of the separate module in tools/ (see docs/install.md):
# pinned in tools/go.sum, and none of its hundreds of modules reach go.mod.
GORELEASER := $(GO) tool -modfile=tools/go.mod goreleaser

release-check:
	$(GORELEASER) check

# Every archive, checksums.txt and the SBOMs into dist/, publishing nothing.
# The image needs a Docker engine: --skip=docker. A clone without a remote
# (GoReleaser reads the remote's URL, and without it stamps no commit) gets
# one for this command only, through git's environment.
release-snapshot:
	@if git remote get-url origin >/dev/null 2>&1; then \
		$(GORELEASER) release --snapshot --clean --skip=docker; \
	else \
		GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
		GIT_CONFIG_VALUE_0=https://github.com/agentcheck/agentcheck.git \
		$(GORELEASER) release --snapshot --clean --skip=docker; \
	fi

clean:
	rm -rf bin dist

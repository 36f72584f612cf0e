# agentcheck — see README.md.
GO ?= go
BIN := bin/agentcheck
HOOK_BIN := bin/agentcheck-hook
BENCH_RUNS ?= 5

.PHONY: build test lint demo bench clean release-check release-snapshot

build:
	$(GO) build -o $(BIN) ./cmd/agentcheck
	$(GO) build -o $(HOOK_BIN) ./cmd/agentcheck-hook

test:
	$(GO) vet ./...
	GORACE=atexit_sleep_ms=0 $(GO) test -race ./...

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

# agentcheck — see README.md.
GO ?= go
BIN := bin/agentcheck
HOOK_BIN := bin/agentcheck-hook
BENCH_RUNS ?= 5

.PHONY: build test lint demo bench clean

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

clean:
	rm -rf bin

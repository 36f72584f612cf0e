# agentcheck — see README.md.
GO ?= go
BIN := bin/agentcheck

.PHONY: build test lint demo bench clean

build:
	$(GO) build -o $(BIN) ./cmd/agentcheck

test:
	$(GO) vet ./...
	GORACE=atexit_sleep_ms=0 $(GO) test -race ./...

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

demo: build
	./demo/demo.sh $(BIN)

clean:
	rm -rf bin

// Command agentcheck records coding-agent sessions, seals them into signed
// provenance manifests stored as git notes, and checks commits against them.
// See doc.go for the manual.
package main

import (
	"context"
	"os"
	"runtime/debug"
)

// memoryLimit is the soft limit of the Go heap when GOMEMLIMIT does not set
// one. The checker's live memory is mostly its bounded object caches; without
// a limit the heap may grow to twice that between collections, and a gate
// that shares a server with other hooks keeps to 100 MB. A check that needs
// more still gets it: the collector only works harder near the limit.
const memoryLimit = 64 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	inv := &Invocation{
		Args:   os.Args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	}
	err := Run(context.Background(), inv)
	os.Exit(report(inv.Stderr, err))
}

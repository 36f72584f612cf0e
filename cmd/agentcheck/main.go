// Command agentcheck records coding-agent sessions, seals them into signed
// provenance manifests stored as git notes, and checks commits against them.
// See doc.go for the manual.
package main

import (
	"context"
	"os"
	"runtime/debug"
)

// Garbage collection, unless GOGC and GOMEMLIMIT say otherwise. A check is
// a short-lived process that allocates as it reads: with Go's default (a
// collection whenever the heap doubles) it collects seven times in its first
// 80 ms while the heap grows from nothing, which cost verify a sixth of its
// time. It collects when the heap grows by gcPercent instead, and never lets
// it pass memoryLimit without collecting: the checker's live memory is
// mostly its bounded object caches, and a gate that shares a server with
// other hooks keeps to 100 MB. The limit is soft: a check that needs more
// memory still gets it, the collector only works harder near the limit.
const (
	gcPercent   = 400
	memoryLimit = 64 << 20
)

func main() {
	tuneGC()
	inv := &Invocation{
		Args:   os.Args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	}
	err := Run(context.Background(), inv)
	os.Exit(writeError(inv.Stderr, err))
}

// tuneGC applies gcPercent and memoryLimit unless GOGC and GOMEMLIMIT say
// otherwise.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

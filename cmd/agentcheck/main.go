// Command agentcheck records coding-agent sessions, seals them into signed
// provenance manifests stored as git notes, and checks commits against them.
// See doc.go for the manual.
package main

import (
	"context"
	"os"
)

func main() {
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

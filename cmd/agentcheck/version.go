package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version returns the module version the binary was built from, or "0.0.0-devel" for a development build.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	// A version that starts with a digit, as SARIF consumers expect.
	return "0.0.0-devel"
}

func runVersion(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "version", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(inv.Stdout, "agentcheck %s\n", version())
	return nil
}

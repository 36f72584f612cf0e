package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version returns the module version the binary was built from, or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func runVersion(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "version", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(inv.Stdout, "agentcheck %s\n", version())
	return nil
}

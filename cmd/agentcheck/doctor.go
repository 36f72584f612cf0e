package main

import (
	"context"

	"github.com/agentcheck/agentcheck/internal/install"
)

// runDoctor reports what is installed and what is missing (see
// install.Doctor). It exits 1 when something required is missing.
func runDoctor(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "doctor", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("doctor takes no arguments")
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	env := install.Env{Dir: dir, Getenv: inv.getenv, Stdout: inv.Stdout, Stderr: inv.Stderr}
	if install.Doctor(ctx, env, readBuild()) > 0 {
		return quietExit(exitViolations)
	}
	return nil
}

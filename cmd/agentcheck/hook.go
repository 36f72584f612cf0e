package main

import (
	"context"

	"github.com/agentcheck/agentcheck/internal/hookcmd"
)

// runHook records one agent hook event and applies runtime enforcement: the
// same command as the agentcheck-hook binary, both being package hookcmd. A
// failure of the hook itself never blocks the agent: it is reported on stderr
// and the hook exits 0; only a policy decision denies a tool call.
func runHook(ctx context.Context, inv *Invocation, args []string) error {
	code := hookcmd.Main(args, hookcmd.IO{Stdin: inv.Stdin, Stdout: inv.Stdout, Stderr: inv.Stderr, Getenv: inv.getenv,
		Version: readBuild().Line("agentcheck")})
	if code != hookcmd.ExitOK {
		return quietExit(code)
	}
	return nil
}

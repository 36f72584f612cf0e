package main

import (
	"context"
	"errors"

	"github.com/agentcheck/agentcheck/internal/githook"
)

// runGitHook runs one of the git hooks "agentcheck init" installs (package
// internal/githook): they call "agentcheck git-hook NAME ARGS…" with git's
// arguments and stdin.
func runGitHook(ctx context.Context, inv *Invocation, args []string) error {
	if len(args) == 0 {
		return usageError("git-hook needs the hook's name (it is called by the git hooks agentcheck init installs)")
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	h := &githook.Hook{Dir: dir, Getenv: inv.getenv, Stdin: inv.Stdin, Stderr: inv.Stderr, Color: isTerminal(inv.Stderr)}
	err = h.Run(ctx, args[0], args[1:])
	if errors.Is(err, githook.ErrRefused) {
		return quietExit(exitViolations)
	}
	return err
}

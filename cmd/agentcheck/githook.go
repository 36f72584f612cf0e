package main

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/internal/githook"
	"github.com/agentcheck/agentcheck/internal/install"
)

// runGitHook runs one of the git hooks "agentcheck init" installs (package
// internal/githook): they call "agentcheck git-hook NAME ARGS…" with git's
// arguments and stdin.
func runGitHook(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "git-hook", "HOOK [git's arguments]")
	if len(args) == 0 {
		return withHint(usageError("git-hook needs the hook's name (it is called by the git hooks agentcheck init installs)"), fs.usageLine())
	}
	// The arguments after the hook's name are git's, not flags; only a
	// first argument that asks for help is this command's.
	switch args[0] {
	case "-h", "-help", "--help":
		_, err := parseFlags(fs, args[:1])
		return err
	}
	if !slices.Contains(install.GitHooks(), args[0]) {
		return withHint(usageError("unknown git hook %q", args[0]),
			fs.usageLine()+", HOOK one of "+strings.Join(install.GitHooks(), ", "))
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	h := &githook.Hook{Dir: dir, Getenv: inv.getenv, Stdin: inv.Stdin, Stderr: inv.Stderr, Color: colorFor(inv, "auto", inv.Stderr), ReadProcess: inv.ReadProcess}
	err = h.Run(ctx, args[0], args[1:])
	if errors.Is(err, githook.ErrRefused) {
		return quietExit(exitViolations)
	}
	return err
}

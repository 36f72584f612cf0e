package main

import (
	"context"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/progress"
)

// verifyCommits checks commits with v. When stderr is a terminal and the
// check takes more than a second, it counts the commits checked there, on
// one line it erases at the end; the report itself goes to stdout or a
// file and never sees it.
func verifyCommits(ctx context.Context, inv *Invocation, v *check.Verifier, commits []*git.Commit) ([]check.CommitReport, error) {
	c := progress.Start(inv.Stderr, isTerminal(inv.Stderr), "checking", len(commits), "commits", progress.Options{})
	defer c.Done()
	v.Progress = c.Add
	return v.Verify(ctx, commits)
}

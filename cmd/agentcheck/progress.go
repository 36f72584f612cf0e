package main

import (
	"context"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/progress"
)

// checkWithProgress checks rng with gate.CheckRange. When stderr is a
// terminal and the check takes more than a second, it counts the commits
// checked there, on one line it erases at the end; the report itself goes
// to stdout or a file and never sees it.
func checkWithProgress(ctx context.Context, inv *Invocation, repo *git.Repo, rng *git.Range, opts gate.Options) (*gate.Result, error) {
	var c *progress.Counter
	defer func() { c.Done() }()
	opts.Progress = func(total int) func(int) {
		c = progress.Start(inv.Stderr, isTerminal(inv.Stderr), "checking", total, "commits", progress.Options{})
		return c.Add
	}
	return gate.CheckRange(ctx, repo, rng, opts)
}

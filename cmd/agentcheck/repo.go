package main

import (
	"fmt"

	"github.com/agentcheck/agentcheck/internal/git"
)

// openRepo opens the repository around the invocation's working directory
// and returns it with that directory. The caller closes it.
func openRepo(inv *Invocation) (*git.Repo, string, error) {
	dir, err := inv.dir()
	if err != nil {
		return nil, "", err
	}
	repo, err := git.Open(dir, inv.getenv)
	if err != nil {
		return nil, "", withHint(fmt.Errorf("opening repository: %w", err), "run agentcheck inside a git repository")
	}
	return repo, dir, nil
}

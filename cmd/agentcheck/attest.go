package main

import (
	"context"

	"github.com/agentcheck/agentcheck/attest"
)

func runAttest(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "attest", "[COMMIT]")
	sessionFlag := fs.String("session", "", "attest with this session (`ID` or AGENT/ID) instead of the sessions whose edits the commit contains")
	keyFlag := fs.String("key", "", "sign with the SSH key at `PATH` (see 'Signing keys' in the manual)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("attest takes at most one commit")
	}
	rev := "HEAD"
	if len(pos) == 1 {
		rev = pos[0]
	}
	repo, dir, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	commit, err := attest.ResolveCommit(repo, rev)
	if err != nil {
		return err
	}
	a := &attest.Attester{Repo: repo, Dir: dir, Getenv: inv.getenv, Key: *keyFlag, Stderr: inv.Stderr}
	return a.Attest(ctx, commit, *sessionFlag)
}

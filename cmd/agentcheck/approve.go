package main

import (
	"context"
	"strings"

	"github.com/agentcheck/agentcheck/attest"
	"github.com/agentcheck/agentcheck/gate"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runApprove(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "approve", "COMMIT --reason TEXT")
	var rules, paths listFlag
	fs.Var(&rules, "rule", "approve only findings of rule `ID` (repeatable)")
	fs.Var(&paths, "path", "approve only findings on paths matching `GLOB` (repeatable; doublestar, case-sensitive)")
	reason := fs.String("reason", "", "why the findings are accepted (required; recorded and shown with them)")
	keyFlag := fs.String("key", "", "sign with the SSH key at `PATH` (see 'Signing keys' in the manual)")
	baseFlag := fs.String("base", "", "read the policy and approvers at `REV` instead of the commit's first parent")
	trust := addTrustFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := attest.RefuseInAgentSession(inv.getenv, inv.ReadProcess); err != nil {
		return err
	}
	if len(pos) != 1 {
		return withHint(usageError("approve takes exactly one commit"), "agentcheck approve COMMIT --reason TEXT [--rule ID]... [--path GLOB]...")
	}
	approval := attest.Approval{
		Commit: pos[0],
		Base:   *baseFlag,
		Trust:  gate.TrustSource{PolicyFile: *trust.policy, SignersFile: *trust.signers, ApproversFile: *trust.approvers},
		Rules:  rules,
		Paths:  paths,
		Reason: *reason,
	}
	if err := approval.Check(); err != nil {
		return err
	}
	repo, dir, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	a := &attest.Attester{Repo: repo, Dir: dir, Getenv: inv.getenv, Key: *keyFlag, Stderr: inv.Stderr, ReadProcess: inv.ReadProcess}
	return a.Approve(ctx, approval)
}

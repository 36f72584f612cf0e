package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/agentcheck/agentcheck/attest"
	"github.com/agentcheck/agentcheck/audit"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/trusted"
)

func runShow(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "show", "[COMMIT]")
	format := fs.String("format", "text", "output `format`: text or json")
	signersFile := fs.String("allowed-signers", "", "judge signatures with the keys in `FILE` instead of the trusted side's")
	self := fs.Bool("trust-self", false, "judge signatures with the commit's own files, which the commit can change (to read a note, never to trust it)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("show takes at most one commit")
	}
	if *format != "text" && *format != "json" {
		return usageError("unknown format %q (want text or json)", *format)
	}
	if *self && *signersFile != "" {
		return usageError("--trust-self and --allowed-signers name two different keys files: give one")
	}
	rev := "HEAD"
	if len(pos) == 1 {
		rev = pos[0]
	}
	repo, _, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	commit, err := attest.ResolveCommit(repo, rev)
	if err != nil {
		return err
	}
	notes, err := gate.OpenNotes(repo)
	if err != nil {
		return err
	}
	note, err := notes.Read(commit.Hash, git.MaxNoteSize)
	if errors.Is(err, git.ErrNoteNotFound) {
		// A person's commit has no note, and attesting it fails: say so
		// before pointing at attest.
		short := commit.Hash.String()[:12]
		return withHint(fmt.Errorf("commit %s has no agentcheck note", short),
			"a commit no agent session made has none; for an agent's, attest it on the machine that recorded its session "+
				"(agentcheck attest "+short+"), or fetch the remote's notes and merge them into yours with "+
				"'git fetch origin +refs/notes/agentcheck:refs/notes/remotes/origin/agentcheck && "+
				"git notes --ref agentcheck merge -s cat_sort_uniq refs/notes/remotes/origin/agentcheck'")
	}
	if err != nil {
		return err
	}
	src := gate.TrustSource{SignersFile: *signersFile}
	var side string
	src.Base, side = showSide(repo, commit, *self)
	trust, err := gate.LoadTrust(repo.Objects, src)
	if err != nil {
		return err
	}
	n := audit.ReadNote(commit, note, trust)
	n.TrustedSide = side
	if *format == "json" {
		return audit.WriteNoteJSON(inv.Stdout, n)
	}
	return audit.WriteNoteText(inv.Stdout, n)
}

// showSide returns the commit show reads the trusted files from, and says
// which it is. By default it is verify's trusted side as the runtime hook
// finds it (the remote's default branch, else the upstream), else the
// commit's first parent: never the commit itself, whose own
// allowed_signers may list the key it was signed with. With self, it is the
// commit, and the account says that it trusts what it shows.
func showSide(repo *git.Repo, c *git.Commit, self bool) (git.Hash, string) {
	if self {
		return c.Hash, "the commit itself " + c.Hash.String()[:12] + " (--trust-self: its own files, which it can change)"
	}
	if ref, h := trusted.Side(repo); ref != "" {
		return h, ref + " at " + h.String()[:12]
	}
	if len(c.Parents) > 0 {
		p := c.Parents[0]
		return p, "first parent " + p.String()[:12] + " (no remote default branch or upstream)"
	}
	return git.Hash{}, "none (a root commit, with no remote default branch or upstream)"
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/agentcheck/agentcheck/attest"
	"github.com/agentcheck/agentcheck/audit"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
)

func runShow(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "show", "[COMMIT]")
	format := fs.String("format", "text", "output `format`: text or json")
	signersFile := fs.String("allowed-signers", "", "judge signatures with the keys in `FILE` (default: the allowed_signers file committed at HEAD)")
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
		return withHint(fmt.Errorf("commit %s has no agentcheck note", commit.Hash.String()[:12]),
			"attest it with 'agentcheck attest', or fetch notes with 'git fetch origin refs/notes/agentcheck:refs/notes/agentcheck'")
	}
	if err != nil {
		return err
	}
	src := gate.TrustSource{SignersFile: *signersFile}
	if head, err := repo.Ref("HEAD"); err == nil {
		src.Base = head
	}
	trust, err := gate.LoadTrust(repo.Objects, src)
	if err != nil {
		return err
	}
	n := audit.ReadNote(commit, note, trust)
	if *format == "json" {
		return audit.WriteNoteJSON(inv.Stdout, n)
	}
	return audit.WriteNoteText(inv.Stdout, n)
}

// Package githook is what the git hooks "agentcheck init" installs do:
// each hook script runs "agentcheck git-hook NAME ARGS…" with git's
// arguments and standard input, and [Hook.Run] runs NAME.
//
//   - prepare-commit-msg adds an "Agent-Session: AGENT/ID" trailer for the
//     session whose shell runs git commit and for each session whose
//     pending edits are staged, so that the commit is recognised as an
//     agent's even if its note is lost;
//   - post-commit attests the new commit (package attest);
//   - post-rewrite attests the commits an amend or a rebase rewrote with
//     this machine's own sessions of the commits they replace (package
//     attest);
//   - pre-push checks the commits the remote does not have yet (package
//     gate) and pushes the notes of the pushed commits;
//   - reference-transaction refuses an update of the notes ref that would
//     drop a line of a note, refuses a branch update to a commit an open
//     agent session made without its trailer or manifest (branch.go), and
//     merges a remote's fetched notes.
//
// Except where a hook exists to refuse (pre-push: a commit the gate would
// block; reference-transaction: a notes update that drops a manifest, a
// branch moved to an agent's unmarked commit), a
// failure here never fails the git command: the commit is made and the
// problem reported on stderr. Git runs the hooks as the user: they use the
// git program (package internal/gitcli) for what the user's configuration
// decides.
package githook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
)

// ErrRefused is returned when a hook refused what git was doing (a push,
// a notes update) and has said why on stderr: git stops the command.
var ErrRefused = errors.New("refused by the git hook")

// Hook is one run of a git hook.
type Hook struct {
	// Dir is the directory git runs the hook in.
	Dir string
	// Getenv reads the environment git gives the hook.
	Getenv func(string) string
	// Stdin is what git writes to the hook; Stderr what git shows the user.
	Stdin  io.Reader
	Stderr io.Writer
	// Color colors pre-push's report of the findings (Stderr is a
	// terminal).
	Color bool
	// ReadProcess reads the processes above the hook, to tell that git
	// runs under a coding agent; nil reads this machine's.
	ReadProcess agents.ReadProcess

	name string
}

func (h *Hook) getenv(key string) string {
	if h.Getenv == nil {
		return ""
	}
	return h.Getenv(key)
}

// Run runs the hook git calls name with git's arguments. It returns
// ErrRefused when the hook stops git, another error when it was called
// wrongly or could not read git's input; every other failure is reported
// on stderr and not returned.
func (h *Hook) Run(ctx context.Context, name string, args []string) error {
	h.name = name
	switch name {
	case "prepare-commit-msg":
		return h.soft(h.prepareCommitMsg(ctx, args))
	case "post-commit":
		return h.soft(h.postCommit(ctx))
	case "post-rewrite":
		return h.soft(h.postRewrite(ctx))
	case "pre-push":
		return h.prePush(ctx, args)
	case "reference-transaction":
		return h.referenceTransaction(ctx, args)
	}
	return fmt.Errorf("git-hook: unknown hook %q", name)
}

// soft reports an error of a hook that must not fail the git command.
func (h *Hook) soft(err error) error {
	if err != nil {
		fmt.Fprintf(h.Stderr, "agentcheck: %s: %v\n", h.name, strings.ReplaceAll(err.Error(), "\n", " "))
		if hn := hint.Of(err); hn != "" {
			fmt.Fprintf(h.Stderr, "agentcheck: hint: %s\n", hn)
		}
	}
	return nil
}

func (h *Hook) open() (*git.Repo, error) {
	repo, err := git.Open(h.Dir, h.getenv)
	if err != nil {
		return nil, fmt.Errorf("opening repository: %w", err)
	}
	return repo, nil
}

// hookHash parses an object id of a git hook's input; anything else is the
// zero id, which the hooks skip.
func hookHash(s string) git.Hash {
	h, _ := git.ParseHash(s)
	return h
}

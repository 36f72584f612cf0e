package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/internal/git"
)

// Hook is one run of the pre-receive hook: it reads git's input, decides
// the push within Timeout and tells the pusher on Stderr. It writes nothing
// to stdout, which git would relay as well.
type Hook struct {
	// Dir is the repository's directory, where git runs the hook.
	Dir    string
	Getenv func(string) string
	Stdin  io.Reader
	Stderr io.Writer
	// Mode is enforce or warn; "" reads the repository's agentcheck.mode,
	// else enforce.
	Mode string
	// Timeout bounds the decision; AcceptOnTimeout accepts a push not
	// checked within it, which is otherwise rejected.
	Timeout         time.Duration
	AcceptOnTimeout bool
	// Options name the trusted files (they win over the repository's
	// [agentcheck] section) and the platform.
	Options Options
}

// Outcome is how a run of the hook ended.
type Outcome int

const (
	// Accepted: the push may go ahead (in warn mode, whatever was found).
	Accepted Outcome = iota
	// Rejected: the push has error-level findings, in enforce mode.
	Rejected
	// Failed: the push could not be checked (an error, a timeout), and the
	// gate fails closed.
	Failed
)

// Run decides the push. A panic in the check and a check that overruns
// the timeout are reported like any error: the gate fails closed.
func (h *Hook) Run(ctx context.Context) Outcome {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	getenv := h.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	req := gateRequest{dir: h.Dir, getenv: getenv, stdin: h.Stdin, mode: h.Mode, opts: h.Options}
	res, timedOut, mode := guarded(ctx, func(modes chan<- string) gateResult { return runGate(ctx, req, modes) })
	if mode == "" {
		mode = h.Mode
	}
	if mode == "" {
		mode = ModeEnforce
	}
	p := &Printer{W: h.Stderr, Platform: h.Options.Platform, Mode: mode}
	switch {
	case timedOut:
		p.Timeout(h.Timeout, h.AcceptOnTimeout)
		if h.AcceptOnTimeout || mode == ModeWarn {
			return Accepted
		}
		return Failed
	case res.err != nil:
		p.Failure(res.err, res.hint)
		if mode == ModeWarn {
			return Accepted
		}
		return Failed
	}
	p.Decision(res.decision)
	if res.decision.Rejected() && mode == ModeEnforce {
		return Rejected
	}
	return Accepted
}

// guarded runs the gate in its own goroutine, so that the deadline of ctx
// holds even where the work does not look at ctx (reading stdin, loading
// the notes), and a panic is caught and reported instead of crashing the
// hook: the gate fails closed. Only the caller writes to stderr. After a
// timeout the gate goroutine is abandoned; it owns what it opened and
// closes it when it ends. run sends the effective mode on modes as soon as
// it knows it; guarded returns it ("" when it was not sent).
func guarded(ctx context.Context, run func(modes chan<- string) gateResult) (res gateResult, timedOut bool, mode string) {
	done := make(chan gateResult, 1)
	modes := make(chan string, 1)
	go func() {
		var r gateResult
		defer func() {
			if p := recover(); p != nil {
				r = gateResult{err: fmt.Errorf("internal error: %v", p),
					hint: "this is a bug in agentcheck; please report it with the output above"}
			}
			done <- r
		}()
		r = run(modes)
	}()
	select {
	case res = <-done:
	case <-ctx.Done():
		select {
		case res = <-done: // decided just in time
		default:
			timedOut = true
		}
	}
	if errors.Is(res.err, context.DeadlineExceeded) {
		timedOut = true
	}
	select {
	case mode = <-modes:
	default:
	}
	return res, timedOut, mode
}

// gateRequest is what the gate goroutine needs; it shares nothing mutable
// with the goroutine that reports.
type gateRequest struct {
	dir    string
	getenv func(string) string
	stdin  io.Reader
	mode   string // from --mode; "" when not given
	opts   Options
}

type gateResult struct {
	decision *Decision
	err      error
	hint     string
}

// runGate opens the repository, reads its configuration and git's input and
// decides the push. It sends the effective mode on modes as soon as it is
// known, so that a timeout is reported in the right mode.
func runGate(ctx context.Context, req gateRequest, modes chan<- string) gateResult {
	repo, err := git.Open(req.dir, req.getenv)
	if err != nil {
		hint := "run agentcheck pre-receive as a hook of the repository: git runs hooks inside it"
		if errors.Is(err, git.ErrUnsupportedFormat) {
			hint = "agentcheck cannot check this repository's format yet, so the gate rejects every push to it; remove the hook from this repository to accept pushes unchecked"
		}
		return gateResult{err: err, hint: hint}
	}
	defer repo.Close()

	cfg, err := ReadRepoConfig(repo.CommonDir)
	if err != nil {
		return gateResult{err: err, hint: "fix the [agentcheck] section of the repository's config"}
	}
	mode := req.mode
	if mode == "" {
		mode = cfg.Mode
	}
	modes <- mode
	opts := req.opts
	opts.PolicyFile = firstNonEmpty(opts.PolicyFile, cfg.Policy)
	opts.SignersFile = firstNonEmpty(opts.SignersFile, cfg.AllowedSigners)
	opts.ApproversFile = firstNonEmpty(opts.ApproversFile, cfg.Approvers)

	stdin := req.stdin
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	updates, err := ParseUpdates(stdin)
	if err != nil {
		hint := "agentcheck pre-receive reads git's pre-receive input; run it only as a pre-receive hook"
		if errors.Is(err, ErrSHA256) {
			hint = "agentcheck cannot check SHA-256 repositories yet, so the gate rejects every push to them; remove the hook from this repository to accept pushes unchecked"
		}
		return gateResult{err: fmt.Errorf("reading the pushed refs: %w", err), hint: hint}
	}
	d, err := Check(ctx, repo, updates, opts)
	if err != nil {
		return gateResult{err: err, hint: gateHint(err)}
	}
	return gateResult{decision: d}
}

// gateHint says how to fix an error that kept the gate from deciding.
func gateHint(err error) string {
	var ih *git.IncompleteHistoryError
	if errors.As(err, &ih) && ih.Shallow {
		return "the push cuts the history of its commits (a shallow push): push from a complete clone (git fetch --unshallow)"
	}
	if errors.Is(err, git.ErrIncompleteHistory) || errors.Is(err, git.ErrObjectNotFound) {
		return "the repository lacks objects the check needs: run git fsck on the server"
	}
	return "the gate fails closed: fix what the error names (the server's agentcheck configuration, or the policy or keys it reads), or run the hook with --mode warn meanwhile"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

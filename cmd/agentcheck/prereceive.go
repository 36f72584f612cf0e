package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/server"
)

// defaultPreReceiveTimeout leaves half a second of GitHub Enterprise
// Server's five-second hook budget for starting the process and exiting.
const defaultPreReceiveTimeout = 4500 * time.Millisecond

// Values of --on-timeout.
const (
	onTimeoutReject = "reject"
	onTimeoutAccept = "accept"
)

// runPreReceive is the server-side gate: a pre-receive hook that checks the
// commits a push introduces. It writes only to stderr (git relays it to the
// pusher) and nothing to stdout, which git would relay as well.
func runPreReceive(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "pre-receive", "< <old> <new> <ref> lines")
	policy := fs.String("policy", "", "read the policy from `FILE` on the server (default: git config agentcheck.policy, else .agentcheck.yml at the ref's tip before the push, else at the default branch)")
	signers := fs.String("allowed-signers", "", "read trusted keys from `FILE` on the server (default: git config agentcheck.allowedSigners, else the policy's trust.allowed_signers at the ref's tip before the push, else at the default branch)")
	approvers := fs.String("approvers", "", "read trusted approvers from `FILE` on the server (default: git config agentcheck.approvers, else from the repository as the allowed signers)")
	timeout := fs.Duration("timeout", defaultPreReceiveTimeout, "decide within `DURATION`")
	onTimeout := fs.String("on-timeout", onTimeoutReject, "what to do with a push not checked within the timeout: reject or accept")
	mode := fs.String("mode", "", "enforce (reject pushes with error-level findings) or warn (report them, accept every push); default: git config agentcheck.mode, else enforce")
	platform := fs.String("platform", server.PlatformAuto, "the hosting software, for pusher names, merge-button pushes and message format: auto, git, github, gitlab or gitea")
	prof := addProfileFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return withHint(usageError("pre-receive takes no arguments; it reads git's pre-receive input on stdin"), "install it as the repository's hooks/pre-receive: exec agentcheck pre-receive")
	case *timeout <= 0:
		return usageError("--timeout must be positive, not %s", *timeout)
	case *onTimeout != onTimeoutReject && *onTimeout != onTimeoutAccept:
		return usageError("--on-timeout is %q (want reject or accept)", *onTimeout)
	case *mode != "" && *mode != server.ModeEnforce && *mode != server.ModeWarn:
		return usageError("--mode is %q (want enforce or warn)", *mode)
	}
	plat, err := server.DetectPlatform(*platform, inv.getenv)
	if err != nil {
		return usageError("--platform: %v", err)
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req := gateRequest{
		dir: dir, getenv: inv.getenv, stdin: inv.Stdin, mode: *mode,
		opts: server.Options{PolicyFile: *policy, SignersFile: *signers, ApproversFile: *approvers, Platform: plat},
	}
	stopProfile, err := prof.start()
	if err != nil {
		return err
	}
	res, timedOut, effMode := guarded(ctx, func(modes chan<- string) gateResult { return runGate(ctx, req, modes) })
	if err := stopProfile(); err != nil {
		return err
	}
	if effMode == "" {
		effMode = *mode
	}
	if effMode == "" {
		effMode = server.ModeEnforce
	}

	p := &server.Printer{W: inv.Stderr, Platform: plat, Mode: effMode}
	switch {
	case timedOut:
		accept := *onTimeout == onTimeoutAccept
		p.Timeout(*timeout, accept)
		if accept || effMode == server.ModeWarn {
			return nil
		}
		return errReported
	case res.err != nil:
		p.Failure(res.err, res.hint)
		if effMode == server.ModeWarn {
			return nil
		}
		return errReported
	}
	p.Decision(res.decision)
	if res.decision.Rejected() && effMode == server.ModeEnforce {
		return errViolations
	}
	return nil
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
	opts   server.Options
}

type gateResult struct {
	decision *server.Decision
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

	cfg, err := server.ReadRepoConfig(repo.CommonDir)
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
	updates, err := server.ParseUpdates(stdin)
	if err != nil {
		hint := "agentcheck pre-receive reads git's pre-receive input; run it only as a pre-receive hook"
		if errors.Is(err, server.ErrSHA256) {
			hint = "agentcheck cannot check SHA-256 repositories yet, so the gate rejects every push to them; remove the hook from this repository to accept pushes unchecked"
		}
		return gateResult{err: fmt.Errorf("reading the pushed refs: %w", err), hint: hint}
	}
	d, err := server.Check(ctx, repo, updates, opts)
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

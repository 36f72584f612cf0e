package main

import (
	"context"
	"time"

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
// commits a push introduces (see server.Hook). It writes only to stderr
// (git relays it to the pusher) and nothing to stdout, which git would
// relay as well.
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

	h := &server.Hook{
		Dir: dir, Getenv: inv.getenv, Stdin: inv.Stdin, Stderr: inv.Stderr,
		Mode: *mode, Timeout: *timeout, AcceptOnTimeout: *onTimeout == onTimeoutAccept,
		Options: server.Options{PolicyFile: *policy, SignersFile: *signers, ApproversFile: *approvers, Platform: plat},
	}
	stopProfile, err := prof.start()
	if err != nil {
		return err
	}
	outcome := h.Run(ctx)
	if err := stopProfile(); err != nil {
		return err
	}
	switch outcome {
	case server.Rejected:
		return errViolations
	case server.Failed:
		return errReported
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// gitOutput runs the real git in dir for what internal/git deliberately does
// not read — configuration across all scopes (includes, global and system
// files) and the user's identity — and for what the git hooks do on the
// user's behalf: trailers (commit-msg), and fetching, merging and pushing
// the notes (pre-push). Only local commands use it: approve, attest,
// doctor, init, keygen and the git hooks. The checks themselves (package
// gate, and the pre-receive hook) run no external program.
func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimRight(stdout.String(), "\n"), nil
}

// gitConfig returns a configuration value, or "" when it is unset.
func gitConfig(ctx context.Context, dir, key string) string {
	out, err := gitOutput(ctx, dir, "config", "--get", key)
	if err != nil {
		return ""
	}
	return out
}

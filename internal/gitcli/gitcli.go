// Package gitcli runs the git program for what package internal/git
// deliberately does not do: reading configuration across all its scopes
// (includes, global and system files) and the user's identity as git
// resolves them, and the work git does on the user's behalf — trailers,
// the index, fetching, merging and pushing notes.
//
// Only the local commands use it: attest, approve, init, doctor, keygen and
// the git hooks. The checks themselves (package gate, the pre-receive hook,
// the GitHub gate) run no external program.
package gitcli

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
)

// Output runs git with args in dir and returns its standard output without
// the final newlines. A failure says which command failed and what git
// wrote on its standard error.
func Output(ctx context.Context, dir string, args ...string) (string, error) {
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

// Config returns a configuration value, or "" when it is unset.
func Config(ctx context.Context, dir, key string) string {
	out, err := Output(ctx, dir, "config", "--get", key)
	if err != nil {
		return ""
	}
	return out
}

// Identity is the user's identity and the time, as git would record them
// for a commit made now: user.name, user.email and the current time, or
// GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL and GIT_COMMITTER_DATE when set.
// Approvals carry it, and the notes commits agentcheck writes are made as
// it.
func Identity(ctx context.Context, dir string) (git.Signature, error) {
	out, err := Output(ctx, dir, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return git.Signature{}, hint.With(fmt.Errorf("reading your git identity: %w", err), "set git config user.name and user.email")
	}
	return parseIdent(out)
}

// parseIdent reads "NAME <EMAIL> SECONDS ZONE".
func parseIdent(s string) (git.Signature, error) {
	name, rest, ok := strings.Cut(s, " <")
	email, stamp, ok2 := strings.Cut(rest, "> ")
	secs, _, _ := strings.Cut(stamp, " ")
	unix, err := strconv.ParseInt(secs, 10, 64)
	if !ok || !ok2 || err != nil || email == "" {
		return git.Signature{}, fmt.Errorf("unexpected git identity %q", s)
	}
	return git.Signature{Name: name, Email: email, When: time.Unix(unix, 0).UTC()}, nil
}

// Remotes reads the repository's remotes (name → fetch and push URLs) as
// git resolves them, includes and all. A repository without remotes has an
// empty map.
func Remotes(ctx context.Context, dir string) (map[string][]string, error) {
	remotes := map[string][]string{}
	out, err := Output(ctx, dir, "config", "--get-regexp", `^remote\..*\.(url|pushurl)$`)
	if err != nil {
		// git config exits 1 when nothing matches; anything else is a
		// configuration git itself cannot read.
		if _, lerr := Output(ctx, dir, "config", "--list"); lerr != nil {
			return nil, hint.With(fmt.Errorf("reading the repository's remotes: %w", lerr), "fix the git configuration (git config --list shows the error)")
		}
		return remotes, nil
	}
	for _, line := range strings.Split(out, "\n") {
		key, url, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		rest, _ := strings.CutPrefix(key, "remote.")
		name, found := strings.CutSuffix(rest, ".pushurl")
		if !found {
			name, _ = strings.CutSuffix(rest, ".url")
		}
		if name != "" {
			remotes[name] = append(remotes[name], url)
		}
	}
	return remotes, nil
}

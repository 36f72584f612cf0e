package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// maxPayload bounds one hook payload read from stdin.
const maxPayload = 32 << 20

// runHook records one agent hook event. A failure of the hook itself never
// blocks the agent: it is reported on stderr and the hook exits 0. Only a
// policy decision (runtime enforcement) may deny a tool call.
func runHook(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "hook", "")
	agent := fs.String("agent", "", "the agent whose hook payload is on stdin: "+"claude-code, cursor, codex, opencode")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *agent == "" {
		return usageError("hook needs --agent NAME and no arguments")
	}
	if err := recordHook(inv, *agent); err != nil {
		fmt.Fprintf(inv.Stderr, "agentcheck: hook: %v (the event was not recorded; the agent continues)\n", err)
	}
	return nil
}

func recordHook(inv *Invocation, agent string) error {
	data, err := io.ReadAll(io.LimitReader(inv.Stdin, maxPayload+1))
	if err != nil {
		return fmt.Errorf("reading the hook payload: %w", err)
	}
	if len(data) > maxPayload {
		return fmt.Errorf("hook payload is over %d bytes", maxPayload)
	}
	h, err := agents.Parse(agents.Input{Agent: agent, Payload: data, Getenv: inv.getenv, Now: time.Now().UTC()})
	if err != nil {
		return err
	}
	if h.Repo.Root == "" {
		return nil // not inside a git repository: nothing to attest later
	}
	for i := range h.Events {
		if h.Events[i].Kind == provenance.KindPrompt {
			h.Events[i].Scope = scope.FromPrompt(h.Events[i].Text, mentionResolver(h.Repo.Root, h.Cwd))
		}
	}
	return provenance.AppendEvents(provenance.JournalPath(h.Repo.CommonDir, h.Agent, h.Session), h.Events)
}

// mentionResolver resolves an @mention of a prompt to a path relative to the
// repository root, relative mentions being relative to the agent's working
// directory. Mentions outside the repository or of missing files resolve to
// nothing.
func mentionResolver(root, cwd string) func(string) (string, bool, bool) {
	if cwd == "" {
		cwd = root
	}
	return func(mention string) (string, bool, bool) {
		p := mention
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, filepath.FromSlash(p))
		}
		rel, err := filepath.Rel(root, filepath.Clean(p))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", false, false
		}
		info, err := os.Stat(p)
		if err != nil {
			return "", false, false
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		return rel, info.IsDir(), true
	}
}

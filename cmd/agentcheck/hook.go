package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/enforce"
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
	code, err := recordHook(inv, *agent)
	if err != nil {
		fmt.Fprintf(inv.Stderr, "agentcheck: hook: %v (the event was not recorded; the agent continues)\n", err)
	}
	if code != 0 {
		return quietExit(code)
	}
	return nil
}

// recordHook journals one event and, for a pre-tool event, applies runtime
// enforcement. It returns the exit code the agent expects for the answer
// written (non-zero only when the call is denied), and an error of the hook
// itself, which never denies anything.
func recordHook(inv *Invocation, agent string) (int, error) {
	data, err := io.ReadAll(io.LimitReader(inv.Stdin, maxPayload+1))
	if err != nil {
		return 0, fmt.Errorf("reading the hook payload: %w", err)
	}
	if len(data) > maxPayload {
		return 0, fmt.Errorf("hook payload is over %d bytes", maxPayload)
	}
	now := time.Now().UTC()
	h, err := agents.Parse(agents.Input{Agent: agent, Payload: data, Getenv: inv.getenv, Now: now})
	if err != nil {
		return 0, err
	}
	if h.Repo.Root == "" {
		return 0, nil // not inside a git repository: nothing to attest later
	}
	for i := range h.Events {
		if h.Events[i].Kind == provenance.KindPrompt {
			resolve := mentionResolver(h.Repo.Root, h.Cwd)
			h.Events[i].Scope = scope.FromPrompt(h.Events[i].Text, resolve)
			h.Events[i].Scope = appendMentions(h.Events[i].Scope, h.Mentions, resolve)
		}
	}
	journal := provenance.JournalPath(h.Repo.CommonDir, h.Agent, h.Session)
	events, code := h.Events, 0
	var enforceErr error
	if h.Phase == agents.PhasePre && len(h.Proposed) > 0 {
		var v enforce.Verdict
		v, enforceErr = enforceHook(inv, h, journal)
		events, code = applyVerdict(h, v, now, inv.Stdout, inv.Stderr)
	}
	if err := provenance.AppendEvents(journal, events); err != nil {
		return code, err
	}
	if enforceErr != nil {
		return code, fmt.Errorf("reading the session's scope: %w (judged as if it declared nothing)", enforceErr)
	}
	return code, nil
}

// appendMentions adds the files a prompt attached (Cursor's attachments,
// OpenCode's file parts) as @-mentions: soft scope declarations, as if the
// human had typed @path.
func appendMentions(decls []provenance.ScopeDecl, mentions []string, resolve scope.Resolver) []provenance.ScopeDecl {
	for _, m := range mentions {
		if m == "" || strings.ContainsAny(m, "\"\n\r") {
			continue
		}
		for _, d := range scope.FromPrompt("@\""+m+"\"", resolve) {
			if !slices.Contains(decls, d) {
				decls = append(decls, d)
			}
		}
	}
	return decls
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

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// check asserts what the scenario expects of the run.
func (r *run) check() {
	e := r.sc.Expect
	events := r.journal()
	switch {
	case e.NoJournal && len(events) > 0:
		r.t.Errorf("the agent's hooks ran although they should not have: %d events", len(events))
	case !e.NoJournal && len(events) == 0:
		r.t.Errorf("no journal: the agent's hooks did not run")
	}
	r.checkJournal(events, e.Journal)
	r.checkTranscript(events)
	for _, d := range e.Denied {
		if ForAgent(d.Agents, r.agent) && !r.reachedModel(d.Text) {
			r.t.Errorf("the reason %q did not reach the model as a tool error", d.Text)
		}
	}
	if e.Attested {
		if _, err := r.cmd("git", "notes", "--ref", "agentcheck", "show", "HEAD"); err != nil {
			r.t.Errorf("HEAD has no manifest: %v", err)
		}
		if msg := r.must("git", "log", "-1", "--format=%B"); !strings.Contains(msg, "Agent-Session: "+r.agent+"/") {
			r.t.Errorf("HEAD has no Agent-Session trailer for %s:\n%s", r.agent, msg)
		}
	}
	if v := e.Verify; v != nil {
		r.checkVerify(*v)
	}
}

// checkTranscript checks that the journal of an agent that keeps a
// transcript names it and that it is there, so that attest cross-checked
// the journal against it.
func (r *run) checkTranscript(events []journal.Event) {
	if r.agent != "claude-code" && r.agent != "codex" || len(events) == 0 {
		return
	}
	for _, e := range events {
		if e.Transcript != "" {
			if _, err := os.Stat(e.Transcript); err != nil {
				r.t.Errorf("the journal names the transcript %s: %v", e.Transcript, err)
			}
			return
		}
	}
	r.t.Errorf("the journal names no transcript of the session")
}

// journal returns the events of the agent's sessions in the repository.
func (r *run) journal() []journal.Event {
	files, _ := filepath.Glob(filepath.Join(r.repo, ".git", "agentcheck", "sessions", r.agent+"-*.jsonl"))
	var events []journal.Event
	for _, f := range files {
		j, err := journal.Read(f)
		if err != nil {
			r.t.Fatal(err)
		}
		if j.Skipped > 0 {
			r.t.Errorf("%s: %d lines did not parse", f, j.Skipped)
		}
		events = append(events, j.Events...)
	}
	return events
}

// checkJournal matches the expected events in order.
func (r *run) checkJournal(events []journal.Event, want []EventMatch) {
	next := 0
	for _, m := range want {
		if !ForAgent(m.Agents, r.agent) {
			continue
		}
		if m.Absent {
			for _, e := range events {
				if m.matches(e) {
					r.t.Errorf("the journal holds %s, which it must not", describe(e))
				}
			}
			continue
		}
		found := false
		for i := next; i < len(events); i++ {
			if m.matches(events[i]) {
				next, found = i+1, true
				break
			}
		}
		if !found {
			r.t.Errorf("the journal lacks %+v (after event %d); it holds:\n%s", m, next, describeAll(events))
		}
	}
}

func (m EventMatch) matches(e journal.Event) bool {
	contains := func(have, want string) bool { return want == "" || strings.Contains(have, want) }
	return string(e.Kind) == m.Kind && contains(e.Path, m.Path) && contains(e.Command, m.Command) &&
		contains(e.Text, m.Text) && contains(e.Tool, m.Tool) && contains(e.Query, m.Query) &&
		(m.Origin == "" || e.Origin == m.Origin) && (m.Decision == "" || e.Decision == m.Decision) &&
		(m.Claim == "" || slices.Contains(e.ScopeClaim, m.Claim)) &&
		(m.Scope == "" || slices.ContainsFunc(e.Scope, func(d journal.ScopeDecl) bool { return d.Glob == m.Scope })) &&
		(!m.Model || e.Model != "") && (m.Sandbox == "" || e.Sandbox == m.Sandbox) &&
		(!m.Subagent || e.SubagentID != "")
}

func describe(e journal.Event) string {
	s := string(e.Kind)
	for _, f := range []struct{ name, v string }{
		{"path", e.Path}, {"command", e.Command}, {"tool", e.Tool}, {"query", e.Query}, {"origin", e.Origin},
		{"decision", e.Decision}, {"model", e.Model}, {"sandbox", e.Sandbox}, {"subagent", e.SubagentID},
		{"claim", strings.Join(e.ScopeClaim, ",")}, {"text", shorten(e.Text)},
	} {
		if f.v != "" {
			s += fmt.Sprintf(" %s=%q", f.name, f.v)
		}
	}
	for _, d := range e.Scope {
		s += " scope=" + d.Glob
	}
	return s
}

func describeAll(events []journal.Event) string {
	var b strings.Builder
	for i, e := range events {
		fmt.Fprintf(&b, "  %d %s\n", i, describe(e))
	}
	return b.String()
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// reachedModel reports whether a tool result the agent sent the model
// holds text: Claude Code marks a hook's deny an error, Codex reports it
// as the call's output.
func (r *run) reachedModel(text string) bool {
	for _, req := range r.s.server.Requests(r.name) {
		for _, tr := range req.ToolResults() {
			if strings.Contains(tr.Text, text) && (tr.Error || r.agent != "claude-code") {
				return true
			}
		}
	}
	return false
}

// checkVerify runs agentcheck verify over the session's commits.
func (r *run) checkVerify(v Verdict) {
	head := r.must("git", "rev-parse", "HEAD")
	if head == r.base {
		r.t.Errorf("no commit to verify")
		return
	}
	out, err := r.cmd("agentcheck", "verify", "--format", "json", r.base+"..HEAD")
	code := 0
	if err != nil {
		code = exitCode(err)
	}
	text, _ := r.cmd("agentcheck", "verify", r.base+"..HEAD")
	if code != v.Exit {
		r.t.Errorf("agentcheck verify exited %d, want %d:\n%s", code, v.Exit, text)
	}
	for _, rule := range v.Rules {
		if !strings.Contains(out, `"rule": "`+rule+`"`) {
			r.t.Errorf("agentcheck verify does not report %s:\n%s", rule, text)
		}
	}
	// The journals the hooks wrote agree with the transcripts the agents
	// kept (see checkTranscript): attest records no mismatch.
	for _, rule := range append(v.Absent, "AC016") {
		if strings.Contains(out, `"rule": "`+rule+`"`) {
			r.t.Errorf("agentcheck verify reports %s:\n%s", rule, text)
		}
	}
}

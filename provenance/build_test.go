package provenance

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

func TestBuildStatement(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ev := func(d int, e journal.Event) journal.Event {
		e.Time, e.Agent, e.Session = t0.Add(time.Duration(d)*time.Second), "claude-code", "s1"
		return e
	}
	events := []journal.Event{
		ev(0, journal.Event{Kind: journal.KindStart, Model: "claude-x", PermissionMode: "default"}),
		ev(1, journal.Event{Kind: journal.KindPrompt, Text: "fix @a.go", Scope: []journal.ScopeDecl{{Glob: "a.go", Source: journal.SourceMention}}}),
		ev(2, journal.Event{Kind: journal.KindRead, Path: "a.go"}),
		ev(3, journal.Event{Kind: journal.KindRead, Path: "a.go"}), // duplicate read collapses
		ev(4, journal.Event{Kind: journal.KindFetch, URL: "https://example.com/x"}),
		ev(5, journal.Event{Kind: journal.KindMCP, Server: "github", Tool: "get_issue"}),
		ev(6, journal.Event{Kind: journal.KindEdit, Path: "a.go", Blob: "b1"}),
		ev(7, journal.Event{Kind: journal.KindEdit, Path: "a.go", Blob: "b2", PermissionMode: "bypassPermissions"}),
		ev(8, journal.Event{Kind: journal.KindEdit, Path: "ci.yml", Blob: "b3", Decision: journal.DecisionDeny}),
		ev(9, journal.Event{Kind: journal.KindEdit, Path: "notes.txt", Blob: "b4"}), // not in the commit
		ev(10, journal.Event{Kind: journal.KindDelete, Path: "old.go", Blob: journal.ZeroBlob}),
		ev(11, journal.Event{Kind: journal.KindExec, Command: "TOKEN=x make"}),
		ev(12, journal.Event{Kind: journal.KindStop, PermissionMode: "default"}),
	}
	st, err := BuildStatement(events, BuildOptions{
		Commit:      "1111111111111111111111111111111111111111",
		Changed:     []string{"a.go", "ci.yml", "old.go"},
		Prompts:     scope.PromptsHash,
		MaskCommand: func(string) string { return "masked" },
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Subject[0].Digest["gitCommit"] != "1111111111111111111111111111111111111111" {
		t.Errorf("subject = %v", st.Subject)
	}
	p, err := DecodeSessionPredicate(st)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := map[string]string{"a.go": "b2", "old.go": journal.ZeroBlob}
	if diff := cmp.Diff(wantFiles, p.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if p.Session.PermissionMode != "bypassPermissions" {
		t.Errorf("permission mode = %q; the most permissive mode seen must be kept", p.Session.PermissionMode)
	}
	if p.Agent.Model != "claude-x" || p.Session.ID != "s1" || !p.Session.Started.Equal(t0) {
		t.Errorf("agent/session = %+v %+v", p.Agent, p.Session)
	}
	if len(p.Task.Prompts) != 1 || p.Task.Prompts[0].Text != "" || len(p.Task.Prompts[0].SHA256) != 64 {
		t.Errorf("prompt not hashed: %+v", p.Task.Prompts)
	}
	wantReads := []Read{{Kind: ReadFile, Path: "a.go"}, {Kind: ReadFetch, URL: "https://example.com/x"}, {Kind: ReadMCP, Server: "github", Tool: "get_issue"}}
	if diff := cmp.Diff(wantReads, p.Reads); diff != "" {
		t.Errorf("reads (-want +got):\n%s", diff)
	}
	var sawMasked, sawDenied bool
	for _, a := range p.Actions {
		sawMasked = sawMasked || a.Kind == journal.KindExec && a.Command == "masked"
		sawDenied = sawDenied || a.Path == "ci.yml" && a.Decision == journal.DecisionDeny
	}
	if !sawMasked || !sawDenied {
		t.Errorf("actions lack the masked command or the denied edit: %+v", p.Actions)
	}
}

func TestRedactPrompt(t *testing.T) {
	ev := journal.Event{Text: "secret plan"}
	if p := redactPrompt(ev, scope.PromptsNone); p.Text != "" || p.SHA256 != "" {
		t.Errorf("none kept something: %+v", p)
	}
	if p := redactPrompt(ev, scope.PromptsFull); p.Text != "secret plan" {
		t.Errorf("full lost the text: %+v", p)
	}
	if p := redactPrompt(ev, ""); p.Text != "secret plan" {
		t.Errorf("default is not full: %+v", p)
	}
}

func TestBuildStatementMasksTextAndRecordsRemotes(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	token := "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
	events := []journal.Event{
		{Time: t0, Agent: "claude-code", Session: "s1", Kind: journal.KindPrompt, Text: "deploy with GITHUB_TOKEN=" + token},
		{Time: t0, Agent: "claude-code", Session: "s1", Kind: journal.KindFetch, URL: "https://api.example.com/x?access_token=abc123"},
		{Time: t0, Agent: "claude-code", Session: "s1", Kind: journal.KindSearch, Query: "why does " + token + " fail"},
		{Time: t0, Agent: "claude-code", Session: "s1", Kind: journal.KindSubagent, Text: "use token " + token},
		{Time: t0, Agent: "claude-code", Session: "s1", Kind: journal.KindExec, Command: "GITHUB_TOKEN=" + token + " gh pr list"},
	}
	m := NewMasker()
	st, err := BuildStatement(events, BuildOptions{
		Commit: "1111111111111111111111111111111111111111", MaskCommand: m.Mask, MaskText: m.Mask,
		Remotes: map[string][]string{
			"upstream": {"https://github.com/acme/api.git"},
			"origin":   {"https://bob:" + token + "@github.com/bob/api.git", "https://bob:" + token + "@github.com/bob/api.git"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(st.Predicate), token) || strings.Contains(string(st.Predicate), "abc123") {
		t.Errorf("a secret reached the predicate: %s", st.Predicate)
	}
	p, err := DecodeSessionPredicate(st)
	if err != nil {
		t.Fatal(err)
	}
	want := &RepoInfo{Remotes: []Remote{
		{Name: "origin", URLs: []string{"https://bob:" + Masked + "@github.com/bob/api.git"}},
		{Name: "upstream", URLs: []string{"https://github.com/acme/api.git"}},
	}}
	if diff := cmp.Diff(want, p.Repo); diff != "" {
		t.Errorf("repo (-want +got):\n%s", diff)
	}
	if got := p.Task.Prompts[0].Text; got != "deploy with GITHUB_TOKEN="+Masked {
		t.Errorf("prompt = %q", got)
	}

	// Without remotes, nothing is recorded: older checkers see the same
	// predicate as before.
	st, err = BuildStatement(events, BuildOptions{Commit: "1111111111111111111111111111111111111111"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(st.Predicate), `"repo"`) {
		t.Errorf("repo recorded without remotes: %s", st.Predicate)
	}
}

// TestBuildStatementContextSandboxSubagent checks what a manifest records
// of input the human did not write (its scope claims, never its scope),
// of the sandbox (the most permissive seen, an unknown one above all) and
// of the subagent that made each call.
func TestBuildStatementContextSandboxSubagent(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ev := func(d int, e journal.Event) journal.Event {
		e.Time, e.Agent, e.Session = t0.Add(time.Duration(d)*time.Second), "codex", "s1"
		return e
	}
	for _, tc := range []struct {
		sandboxes []string
		want      string
	}{
		{[]string{"workspace-write", "read-only"}, "workspace-write"},
		{[]string{"read-only", "danger-full-access", "workspace-write"}, "danger-full-access"},
		{[]string{"workspace-write", "external-sandbox"}, "external-sandbox"},
		{nil, ""},
	} {
		events := []journal.Event{
			ev(0, journal.Event{Kind: journal.KindPrompt, Text: "fix it", Scope: []journal.ScopeDecl{{Glob: "src/**", Source: journal.SourceDirective}}}),
			ev(1, journal.Event{Kind: journal.KindContext, Text: "<task-notification>…", Origin: "task-notification",
				ScopeClaim: []string{".github/workflows/**"}, Scope: []journal.ScopeDecl{{Glob: ".github/**", Source: journal.SourceDirective}}}),
			ev(2, journal.Event{Kind: journal.KindContext, Text: "<system-reminder>…", Origin: "system-reminder"}),
			ev(3, journal.Event{Kind: journal.KindRead, Path: "a.go", Tool: "Read", SubagentID: "a1", SubagentType: "Explore"}),
			ev(4, journal.Event{Kind: journal.KindExec, Command: "ls", Tool: "Bash", SubagentID: "a1", SubagentType: "Explore"}),
		}
		for i, sb := range tc.sandboxes {
			events = append(events, ev(5+i, journal.Event{Kind: journal.KindStop, Sandbox: sb}))
		}
		st, err := BuildStatement(events, BuildOptions{Commit: "1111111111111111111111111111111111111111"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := DecodeSessionPredicate(st)
		if err != nil {
			t.Fatal(err)
		}
		if p.Session.Sandbox != tc.want {
			t.Errorf("sandboxes %v: recorded %q, want %q", tc.sandboxes, p.Session.Sandbox, tc.want)
		}
		wantScope := []journal.ScopeDecl{{Glob: "src/**", Source: journal.SourceDirective}}
		if diff := cmp.Diff(wantScope, p.Task.Scope); diff != "" {
			t.Errorf("scope (-want +got):\n%s", diff)
		}
		wantClaims := []ScopeClaim{{At: t0.Add(time.Second), Origin: "task-notification", Globs: []string{".github/workflows/**"}}}
		if diff := cmp.Diff(wantClaims, p.Task.ScopeClaims); diff != "" {
			t.Errorf("scope claims (-want +got):\n%s", diff)
		}
		if len(p.Task.Prompts) != 1 {
			t.Errorf("prompts = %+v: context is no prompt", p.Task.Prompts)
		}
		if len(p.Reads) != 1 || p.Reads[0].Subagent != "Explore/a1" || len(p.Actions) != 1 || p.Actions[0].Subagent != "Explore/a1" {
			t.Errorf("reads %+v, actions %+v: want the subagent on each", p.Reads, p.Actions)
		}
	}
}

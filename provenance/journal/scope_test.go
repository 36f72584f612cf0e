package journal

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestSessionScopeClearWithdrawsCLIDeclarations(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ev := func(sec int, kind Kind, decls ...ScopeDecl) Event {
		return Event{Time: t0.Add(time.Duration(sec) * time.Second), Agent: "codex", Session: "s", Kind: kind, Scope: decls}
	}
	src := ScopeDecl{Glob: "src/**", Source: SourceDirective}
	ci := ScopeDecl{Glob: ".github/**", Source: SourceCLI}
	docs := ScopeDecl{Glob: "docs/**", Source: SourceCLI}
	events := []Event{
		ev(0, KindPrompt, src),
		ev(1, KindScope, ci),
		ev(2, KindRead),
		ev(3, KindScope), // agentcheck scope clear
		ev(4, KindScope, docs, docs),
		ev(5, KindPrompt, src),
	}
	want := []ScopeDecl{src, docs}
	if got := SessionScope(events); !reflect.DeepEqual(got, want) {
		t.Errorf("SessionScope = %v, want %v", got, want)
	}
	path := filepath.Join(t.TempDir(), "codex-s.jsonl")
	// Written out of order, as concurrent hooks may: ReadScope sorts by time.
	if err := Append(path, append(events[3:], events[:3]...)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadScope(path)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ReadScope = %v, %v; want %v", got, err, want)
	}
	if got, err := ReadScope(filepath.Join(t.TempDir(), "missing.jsonl")); got != nil || err != nil {
		t.Errorf("ReadScope of a missing journal = %v, %v", got, err)
	}
}

// TestSessionScopeOnlyFromTheHuman checks that scope on an event of any
// kind but a prompt or "agentcheck scope" declares nothing: a context
// event (a task notification), or any other line carrying a scope field.
func TestSessionScopeOnlyFromTheHuman(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	src := ScopeDecl{Glob: "src/**", Source: SourceDirective}
	ci := ScopeDecl{Glob: ".github/workflows/**", Source: SourceDirective}
	events := []Event{
		{Time: t0, Agent: "claude-code", Session: "s", Kind: KindPrompt, Scope: []ScopeDecl{src}},
		{Time: t0.Add(time.Second), Agent: "claude-code", Session: "s", Kind: KindContext, Origin: "task-notification",
			ScopeClaim: []string{ci.Glob}, Scope: []ScopeDecl{ci}},
		{Time: t0.Add(2 * time.Second), Agent: "claude-code", Session: "s", Kind: KindRead, Scope: []ScopeDecl{ci}},
		{Time: t0.Add(3 * time.Second), Agent: "claude-code", Session: "s", Kind: KindSubagent, Scope: []ScopeDecl{ci}},
	}
	want := []ScopeDecl{src}
	if got := SessionScope(events); !reflect.DeepEqual(got, want) {
		t.Errorf("SessionScope = %v, want %v", got, want)
	}
	path := filepath.Join(t.TempDir(), "claude-code-s.jsonl")
	if err := Append(path, events); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadScope(path); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ReadScope = %v, %v; want %v", got, err, want)
	}
}

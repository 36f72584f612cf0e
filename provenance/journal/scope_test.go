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

package journal

import (
	"os"
	"testing"
	"time"
)

func TestReadAllNamedOf(t *testing.T) {
	common := t.TempDir()
	if all, err := ReadAll(common); err != nil || len(all) != 0 {
		t.Fatalf("no journals: %v, %v", all, err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for _, s := range []struct{ agent, id string }{{"claude-code", "s1"}, {"codex", "t9"}} {
		ev := Event{Time: now, Agent: s.agent, Session: s.id, Kind: KindPrompt, Text: "go"}
		if err := Append(Path(common, s.agent, s.id), []Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	// A journal with nothing readable in it is no session.
	if err := os.WriteFile(Path(common, "cursor", "empty"), []byte("not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	all, err := ReadAll(common)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("ReadAll: %d journals, want 2", len(all))
	}
	for _, name := range []string{"t9", "codex/t9"} {
		if j := Named(all, name); j == nil || j.Events[0].Session != "t9" {
			t.Errorf("Named(%q) = %v", name, j)
		}
	}
	for _, name := range []string{"", "codex", "claude-code/t9", "s"} {
		if j := Named(all, name); j != nil {
			t.Errorf("Named(%q) found %s", name, j.Path)
		}
	}
	if j := Of(all, "claude-code", "s1"); j == nil || j.Path != Path(common, "claude-code", "s1") {
		t.Errorf("Of(claude-code, s1) = %v", j)
	}
	if j := Of(all, "codex", "s1"); j != nil {
		t.Errorf("Of(codex, s1) = %s", j.Path)
	}
}

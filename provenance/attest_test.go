package provenance

import (
	"testing"
	"time"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

func TestMatchSessions(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	session := func(name string, evs ...journal.Event) *journal.Journal {
		for i := range evs {
			evs[i].Time, evs[i].Agent, evs[i].Session = t0.Add(time.Duration(i)*time.Second), "claude-code", name
		}
		return &journal.Journal{Path: name, Events: evs}
	}
	edit := func(path, blob string) journal.Event {
		return journal.Event{Kind: journal.KindEdit, Path: path, Blob: blob}
	}
	attest := func(files map[string]string) journal.Event {
		return journal.Event{Kind: journal.KindAttest, Commit: "c1", Files: files}
	}

	tests := []struct {
		name    string
		session *journal.Journal
		changed map[string]string
		want    bool
	}{
		{"pending edit with the committed content", session("a", edit("x.go", "b1")), map[string]string{"x.go": "b1"}, true},
		{"edit with other content", session("a", edit("x.go", "b1")), map[string]string{"x.go": "b2"}, false},
		{"later edit wins", session("a", edit("x.go", "b1"), edit("x.go", "b2")), map[string]string{"x.go": "b1"}, false},
		{"already attested elsewhere", session("a", edit("x.go", "b1"), attest(map[string]string{"x.go": "b1"})), map[string]string{"x.go": "b1"}, false},
		{"edited again after the attestation", session("a", edit("x.go", "b1"), attest(map[string]string{"x.go": "b1"}), edit("x.go", "b1")), map[string]string{"x.go": "b1"}, true},
		{"second commit of the session", session("a", edit("x.go", "b1"), edit("y.go", "b3"), attest(map[string]string{"x.go": "b1"})), map[string]string{"y.go": "b3"}, true},
		{"deletion", session("a", journal.Event{Kind: journal.KindDelete, Path: "old.go", Blob: journal.ZeroBlob}), map[string]string{"old.go": journal.ZeroBlob}, true},
		{"denied edit", session("a", journal.Event{Kind: journal.KindEdit, Path: "x.go", Blob: "b1", Decision: journal.DecisionDeny}), map[string]string{"x.go": "b1"}, false},
	}
	for _, tt := range tests {
		got := len(MatchSessions([]*journal.Journal{tt.session}, tt.changed)) == 1
		if got != tt.want {
			t.Errorf("%s: matched = %v, want %v", tt.name, got, tt.want)
		}
	}
}

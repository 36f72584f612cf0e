package provenance

import (
	"testing"
	"time"
)

func TestMatchSessions(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	journal := func(name string, evs ...Event) *Journal {
		for i := range evs {
			evs[i].Time, evs[i].Agent, evs[i].Session = t0.Add(time.Duration(i)*time.Second), "claude-code", name
		}
		return &Journal{Path: name, Events: evs}
	}
	edit := func(path, blob string) Event { return Event{Kind: KindEdit, Path: path, Blob: blob} }
	attest := func(files map[string]string) Event { return Event{Kind: KindAttest, Commit: "c1", Files: files} }

	tests := []struct {
		name    string
		journal *Journal
		changed map[string]string
		want    bool
	}{
		{"pending edit with the committed content", journal("a", edit("x.go", "b1")), map[string]string{"x.go": "b1"}, true},
		{"edit with other content", journal("a", edit("x.go", "b1")), map[string]string{"x.go": "b2"}, false},
		{"later edit wins", journal("a", edit("x.go", "b1"), edit("x.go", "b2")), map[string]string{"x.go": "b1"}, false},
		{"already attested elsewhere", journal("a", edit("x.go", "b1"), attest(map[string]string{"x.go": "b1"})), map[string]string{"x.go": "b1"}, false},
		{"edited again after the attestation", journal("a", edit("x.go", "b1"), attest(map[string]string{"x.go": "b1"}), edit("x.go", "b1")), map[string]string{"x.go": "b1"}, true},
		{"second commit of the session", journal("a", edit("x.go", "b1"), edit("y.go", "b3"), attest(map[string]string{"x.go": "b1"})), map[string]string{"y.go": "b3"}, true},
		{"deletion", journal("a", Event{Kind: KindDelete, Path: "old.go", Blob: ZeroBlob}), map[string]string{"old.go": ZeroBlob}, true},
		{"denied edit", journal("a", Event{Kind: KindEdit, Path: "x.go", Blob: "b1", Decision: DecisionDeny}), map[string]string{"x.go": "b1"}, false},
	}
	for _, tt := range tests {
		got := len(MatchSessions([]*Journal{tt.journal}, tt.changed)) == 1
		if got != tt.want {
			t.Errorf("%s: matched = %v, want %v", tt.name, got, tt.want)
		}
	}
}

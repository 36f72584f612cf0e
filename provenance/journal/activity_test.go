package journal

import (
	"testing"
	"time"
)

func TestActivity(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	at := func(ago time.Duration, k Kind) Event { return Event{Time: now.Add(-ago), Kind: k} }
	tests := []struct {
		name         string
		events       []Event
		open, inTurn bool
	}{
		{"empty", nil, false, false},
		{"running a command", []Event{at(time.Hour, KindStart), at(5*time.Second, KindExec)}, true, true},
		{"turn over", []Event{at(time.Hour, KindStart), at(time.Minute, KindExec), at(50*time.Second, KindStop)}, true, false},
		{"ended", []Event{at(time.Hour, KindStart), at(time.Minute, KindEnd)}, false, false},
		{"a human's commit after the turn", []Event{at(time.Hour, KindExec), at(50*time.Minute, KindStop), at(time.Second, KindAttest)}, true, false},
		{"a human's scope", []Event{at(time.Hour, KindStop), at(time.Second, KindScope)}, true, false},
		{"silent for an hour", []Event{at(time.Hour, KindExec)}, true, false},
		{"silent for a day", []Event{at(24*time.Hour, KindExec)}, false, false},
		{"out of order", []Event{at(time.Second, KindPrompt), at(time.Minute, KindStop)}, true, true},
	}
	for _, tt := range tests {
		j := &Journal{Events: tt.events}
		if got := j.Open(now); got != tt.open {
			t.Errorf("%s: Open = %v", tt.name, got)
		}
		if got := j.InTurn(now); got != tt.inTurn {
			t.Errorf("%s: InTurn = %v", tt.name, got)
		}
	}
}

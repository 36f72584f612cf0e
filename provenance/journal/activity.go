package journal

import "time"

// Activity windows. A session that stopped recording without an end event
// (the agent crashed, was killed, or never sends one) would otherwise stay
// open for ever and lock its user out of what open sessions forbid.
const (
	// TurnWindow: a turn whose last event is older than this is over.
	TurnWindow = 30 * time.Minute
	// OpenWindow: a session whose last event is older than this is over.
	OpenWindow = 12 * time.Hour
)

// Last returns the latest event the agent's hooks recorded; ok is false
// when there is none. The events agentcheck itself adds for a human
// (attest, written by whoever commits; scope, by agentcheck scope add)
// say nothing of what the agent is doing. Concurrent hooks may append
// slightly out of order: the latest time wins, and of equal times the
// later line.
func (j *Journal) Last() (ev Event, ok bool) {
	for _, e := range j.Events {
		if e.Kind == KindAttest || e.Kind == KindScope {
			continue
		}
		if !ok || !e.Time.Before(ev.Time) {
			ev, ok = e, true
		}
	}
	return ev, ok
}

// Open reports whether the session is open at now: it has recorded an
// event within OpenWindow and its latest event is not its end.
func (j *Journal) Open(now time.Time) bool {
	last, ok := j.Last()
	return ok && last.Kind != KindEnd && now.Sub(last.Time) <= OpenWindow
}

// InTurn reports whether the agent is in the middle of a turn at now: the
// session is open, its latest event is neither a stop (the agent finished
// answering) nor an end, and it is at most TurnWindow old. A command the
// agent runs is recorded before it runs (a pre-tool event), so whatever
// an agent runs, it runs in a turn.
func (j *Journal) InTurn(now time.Time) bool {
	last, ok := j.Last()
	return ok && last.Kind != KindEnd && last.Kind != KindStop && now.Sub(last.Time) <= TurnWindow
}

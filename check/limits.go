package check

import (
	"fmt"
	"slices"

	"github.com/agentcheck/agentcheck/provenance"
)

// Bounds of the work one commit can cost the gate. Everything a commit
// brings is written by whoever pushed it, so every loop over it is
// bounded: verify, the GitHub gate and pre-receive must answer in seconds
// whatever they are given. Beyond a bound the gate does not judge the rest
// and says so with an error (AC009) or a summarised finding: it never
// passes what it did not read.
const (
	// MaxNoteLines is how many lines of a note are read. A commit carries
	// one manifest per session that made it and one line per approval.
	MaxNoteLines = 64
	// MaxSessions is how many session manifests of a note are verified and
	// judged; each costs a signature check and a pass over its events.
	MaxSessions = 16
	// MaxPaths is how many changed paths of a commit are judged.
	MaxPaths = 20_000
	// MaxFindingsPerRule is how many findings of one rule a commit keeps;
	// the rest are counted in one summarised finding of that rule.
	MaxFindingsPerRule = 100
	// MaxEvents and MaxCommandBytes bound what the valid sessions of a
	// commit record, together: reads and actions, and the bytes of their
	// shell commands, each of which the signals read with the shell parser
	// (a long real session runs a few thousand commands).
	MaxEvents       = 20_000
	MaxCommandBytes = 1 << 20
)

// sessionWork is what the sessions judged so far record.
type sessionWork struct {
	events, commandBytes int
}

// admit adds what pred records to the commit's work and reports whether it
// stays within MaxEvents and MaxCommandBytes; a session that does not is
// not judged, and an AC009 error says so.
func (cc *commitCheck) admit(label string, pred *provenance.SessionPredicate) bool {
	events, bytes := len(pred.Reads)+len(pred.Actions), 0
	for _, a := range pred.Actions {
		bytes += len(a.Command)
	}
	w := cc.work
	if w.events+events <= MaxEvents && w.commandBytes+bytes <= MaxCommandBytes {
		cc.work = sessionWork{w.events + events, w.commandBytes + bytes}
		return true
	}
	cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("session %s was not judged: with it the commit's sessions record %d reads and actions and %d bytes of commands, over the limits of %d and %d the gate reads",
		label, w.events+events, w.commandBytes+bytes, MaxEvents, MaxCommandBytes), "", nil, "")
	return false
}

// keep adds f to the commit's findings, or counts it once its rule has
// MaxFindingsPerRule.
func (cc *commitCheck) keep(f Finding) {
	if cc.kept == nil {
		cc.kept = make(map[string]int)
	}
	if cc.kept[f.Rule] < MaxFindingsPerRule {
		cc.kept[f.Rule]++
		cc.findings = append(cc.findings, f)
		return
	}
	if cc.dropped == nil {
		cc.dropped = make(map[string]*droppedFindings)
	}
	d := cc.dropped[f.Rule]
	if d == nil {
		d = &droppedFindings{level: f.Level}
		cc.dropped[f.Rule] = d
	}
	d.n++
	if f.Level.Rank() > d.level.Rank() {
		d.level = f.Level
	}
}

// droppedFindings counts the findings of one rule beyond the bound.
type droppedFindings struct {
	n     int
	level Level // the most severe of them
}

// summariseDropped adds one finding per rule that had more than
// MaxFindingsPerRule, at the level of the most severe it did not keep. It
// is about no path, so an approval that covers paths does not cover it:
// only a human's approval of that rule on the whole commit does.
func (cc *commitCheck) summariseDropped() {
	rules := make([]string, 0, len(cc.dropped))
	for r := range cc.dropped {
		rules = append(rules, r)
	}
	slices.Sort(rules)
	for _, r := range rules {
		d := cc.dropped[r]
		f := cc.finding(r, d.level, "", fmt.Sprintf("%d more %s findings on this commit are not listed: the gate lists %d per rule and commit", d.n, r, MaxFindingsPerRule), "", nil, "")
		cc.findings = append(cc.findings, f)
	}
}

// limitNote returns the lines of the note the gate reads, reporting an
// AC009 error when there were more.
func (cc *commitCheck) limitNote(n Note) [][]byte {
	lines := n.Lines
	more := n.MoreLines
	if len(lines) > MaxNoteLines {
		more += len(lines) - MaxNoteLines
		lines = lines[:MaxNoteLines]
	}
	if more > 0 {
		cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("the commit's note has %d lines, over the limit of %d: the lines after line %d were not read", len(lines)+more, MaxNoteLines, MaxNoteLines), "", nil, "")
	}
	return lines
}

// limitChanges returns the changes whose paths the gate judges, the first
// MaxPaths, reporting an AC009 error when the commit changes more: more
// paths than that, or changes its reader did not keep (omitted).
func (cc *commitCheck) limitChanges(changes []Change, omitted int) []Change {
	paths := 0
	for i, ch := range changes {
		paths += len(ch.Paths())
		if paths > MaxPaths {
			cc.tooManyPaths(ch.Path)
			return changes[:i]
		}
	}
	if omitted > 0 {
		cc.tooManyPaths("")
	}
	return changes
}

func (cc *commitCheck) tooManyPaths(first string) {
	msg := fmt.Sprintf("the commit changes more than the %d paths the gate judges", MaxPaths)
	if first != "" {
		msg += ": the paths from " + first + " on were not judged"
	}
	cc.add(RuleMalformed, LevelError, "", msg, "split the change into commits of fewer paths", nil, "")
}

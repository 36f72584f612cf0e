package check

import "fmt"

// maxMismatchesPerSession bounds the AC016 findings of one session: a
// manifest is hostile input, and a few findings say enough.
const maxMismatchesPerSession = 20

// judgeMismatches reports AC016 for each disagreement attest found between
// a session's journal and the transcript its agent kept.
func (cc *commitCheck) judgeMismatches(sessions []*sessionManifest) {
	for _, s := range sessions {
		for i, m := range s.pred.Mismatches {
			if i == maxMismatchesPerSession {
				cc.add(RuleJournalMismatch, LevelError, "", fmt.Sprintf("session %s: %d more disagreements between its journal and its transcript", s.label, len(s.pred.Mismatches)-i), "", s, "")
				break
			}
			cc.add(RuleJournalMismatch, LevelError, m.Path, fmt.Sprintf("session %s: its journal lacks what the agent's transcript shows: %s", s.label, m.Detail), "", s, "")
		}
	}
}

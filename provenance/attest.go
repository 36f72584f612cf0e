package provenance

import (
	"bytes"
	"sort"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// MatchSessions returns the journals of the sessions that produced part of a
// commit: those whose pending edits (see PendingFiles) include the blob the
// commit has at some changed path (journal.ZeroBlob for a deletion). Matching on
// content, not on paths alone, keeps an old session that once edited a file
// from being attached to a later human commit of the same file; matching only
// pending edits keeps a session whose work was already attested elsewhere
// from being attached to another commit that happens to hold the same
// content. Journals are returned in path order.
func MatchSessions(journals []*journal.Journal, changed map[string]string) []*journal.Journal {
	var out []*journal.Journal
	for _, j := range journals {
		for path, blob := range PendingFiles(j.Events) {
			if want, ok := changed[path]; ok && want == blob {
				out = append(out, j)
				break
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Path < out[b].Path })
	return out
}

// PendingFiles returns the edits of a session that no attestation has
// covered yet: for each path, the last blob the session left there, unless an
// attest event after that edit covered exactly that blob.
func PendingFiles(events []journal.Event) map[string]string {
	pending := map[string]string{}
	for _, ev := range events {
		switch {
		case (ev.Kind == journal.KindEdit || ev.Kind == journal.KindDelete) && ev.Decision != journal.DecisionDeny && ev.Blob != "":
			pending[ev.Path] = ev.Blob
		case ev.Kind == journal.KindAttest:
			for path, blob := range ev.Files {
				if pending[path] == blob {
					delete(pending, path)
				}
			}
		}
	}
	return pending
}

// HasManifest reports whether a note already holds a manifest of the given
// session about the given commit, so that attesting twice adds nothing. Lines
// that do not parse are ignored here; the checker reports them.
func HasManifest(note []byte, commit, agent, session string) bool {
	for _, line := range bytes.Split(note, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		env, err := ParseEnvelope(line)
		if err != nil {
			continue
		}
		st, err := env.Statement()
		if err != nil || st.Subject[0].Digest["gitCommit"] != commit {
			continue
		}
		p, err := DecodeSessionPredicate(st)
		if err == nil && p.Agent.Name == agent && p.Session.ID == session {
			return true
		}
	}
	return false
}

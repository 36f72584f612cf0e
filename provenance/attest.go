package provenance

import (
	"bytes"
	"sort"
)

// MatchSessions returns the journals of the sessions that produced part of a
// commit: those whose last recorded blob for some changed path is the blob the
// commit has there (ZeroBlob for a deletion). Matching on content, not on
// paths alone, keeps an old session that once edited a file from being
// attached to a later human commit of the same file. Journals are returned in
// path order.
func MatchSessions(journals []*Journal, changed map[string]string) []*Journal {
	var out []*Journal
	for _, j := range journals {
		for path, blob := range SessionFiles(j.Events) {
			if want, ok := changed[path]; ok && want == blob {
				out = append(out, j)
				break
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Path < out[b].Path })
	return out
}

// SessionOf returns the agent and session id of a journal's events.
func (j *Journal) SessionOf() (agent, session string) {
	if len(j.Events) == 0 {
		return "", ""
	}
	return j.Events[0].Agent, j.Events[0].Session
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

package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// latest returns the sessions to judge: the valid manifests that no other
// valid manifest of the commit supersedes, and drops the superseded ones
// from the report's sessions. A manifest supersedes an earlier one of the
// same session when it names the earlier one's digest in what it signs
// (Supersedes), is signed with the same key, and keeps everything the
// earlier one recorded (provenance.CheckSupersedes): then the human
// declared scope after the commit was attested, and the session's latest
// declaration is the one that counts. Which manifest is latest is thus
// fixed by signatures, never by the order of the note's lines or by a time
// the signer wrote. Two manifests that supersede the same one are both
// judged, and so is a manifest whose claim does not hold, with an error:
// when in doubt, every manifest counts.
func (cc *commitCheck) latest(sessions []*sessionManifest, rep *CommitReport) []*sessionManifest {
	superseded := map[*sessionManifest]bool{}
	for _, s := range sessions {
		if s.pred.Supersedes == "" {
			continue
		}
		i := slices.IndexFunc(sessions, func(e *sessionManifest) bool {
			return e.digest == s.pred.Supersedes && e.label == s.label && e.keyID == s.keyID
		})
		if i < 0 {
			continue // nothing here that it replaces: it is judged as it is
		}
		earlier := sessions[i]
		if err := provenance.CheckSupersedes(earlier.pred, s.pred); err != nil {
			cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("a manifest of session %s claims to supersede the session's earlier manifest, but %v: both are judged", s.label, err),
				"agentcheck attest never drops what a session recorded, so something running as you wrote it: replace your signing key in .agentcheck/allowed_signers through a reviewed change, and "+anewHint(s.label), s, "")
			continue
		}
		superseded[earlier] = true
		cc.add(RuleOutOfScope, LevelNote, "", supersededMessage(earlier, s),
			"if you did not declare it yourself after the commit was attested, something running as you did: treat the session and your signing key as compromised, and redo the change in a new session", s, "")
	}
	if len(superseded) == 0 {
		return sessions
	}
	kept := slices.DeleteFunc(slices.Clone(sessions), func(s *sessionManifest) bool { return superseded[s] })
	rep.Sessions = slices.DeleteFunc(rep.Sessions, func(sum SessionSummary) bool {
		return slices.ContainsFunc(sessions, func(s *sessionManifest) bool { return superseded[s] && s.pred == sum.Predicate })
	})
	return kept
}

// supersededMessage says which manifest of a session is judged and what
// the later one declares that the earlier did not.
func supersededMessage(earlier, later *sessionManifest) string {
	var added []string
	for _, d := range later.pred.Task.Scope {
		if !slices.Contains(earlier.pred.Task.Scope, d) {
			added = append(added, d.Glob+" ("+sourceWord(d.Source)+")")
		}
	}
	what := "declares no scope the earlier did not"
	if len(added) > 0 {
		what = "declares scope the earlier did not: " + strings.Join(added, ", ")
	}
	return fmt.Sprintf("session %s is judged by its latest manifest, which supersedes the earlier one (%s) and %s", later.label, shortDigest(earlier.digest), what)
}

// shortDigest shortens "sha256:HEX" for messages.
func shortDigest(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}

// sourceWord says how a scope declaration was made, for messages.
func sourceWord(source string) string {
	switch source {
	case journal.SourceCLI:
		return "agentcheck scope add"
	case journal.SourceDirective:
		return "a scope: line in a prompt"
	case journal.SourceMention:
		return "an @mention"
	}
	return source
}

package check

import (
	"fmt"
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// maxClaimsPerSession bounds the AC013 findings of one session: a
// manifest is hostile input, and one finding per claim says enough.
const maxClaimsPerSession = 20

// judgeScopeClaims reports AC013 for each scope directive a session's
// manifest records in input the human did not write (a subagent's task
// notification, injected context). The directive declared nothing; the
// attempt is the signal. It is an error when the claimed scope covers a
// protected path the commit changes: the claim then asked for exactly the
// change being judged.
func (cc *commitCheck) judgeScopeClaims(changes []Change, sessions []*sessionManifest) {
	for _, s := range sessions {
		claims := s.pred.Task.ScopeClaims
		for i, c := range claims {
			if i == maxClaimsPerSession {
				cc.add(RuleScopeClaim, LevelWarning, "", fmt.Sprintf("session %s: %d more scope claims in input the human did not write", s.label, len(claims)-i), "", s, "")
				break
			}
			level, path := LevelWarning, cc.claimedProtected(changes, c.Globs)
			if path != "" {
				level = LevelError
			}
			msg := fmt.Sprintf("session %s received input the human did not write (%s) that tried to declare scope %s; it declared nothing",
				s.label, orUnknown(c.Origin), strings.Join(c.Globs, ", "))
			if path != "" {
				msg += ", and the commit changes " + path + ", which it covers"
			}
			cc.add(RuleScopeClaim, level, path, msg, "", s, "")
		}
	}
}

// claimedProtected returns the first protected path of the commit that
// globs cover, or "".
func (cc *commitCheck) claimedProtected(changes []Change, globs []string) string {
	decls := make([]journal.ScopeDecl, len(globs))
	for i, g := range globs {
		decls[i] = journal.ScopeDecl{Glob: g, Source: journal.SourceDirective}
	}
	for _, ch := range changes {
		for _, p := range ch.Paths() {
			if len(cc.t.Policy.Classify(p)) > 0 && len(scope.InScope(decls, p)) > 0 {
				return p
			}
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "of unknown origin"
	}
	return s
}

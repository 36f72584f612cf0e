package check

import (
	"strings"
	"unique"
)

// A report of a long range keeps a finding for every commit that breaks a
// rule, and most of a finding is its hint: a command that names the
// commit ("agentcheck attest 1a2b3c4d5e6f; …"), hundreds of bytes of which
// only the commit's short id differs from one commit to the next. A
// compacted finding keeps its hint as a template instead, the short id
// cut out and the rest interned, so that the findings of a rule share one
// copy of its text across the range; the hint is put back together when
// the finding is rendered.

// hintGap marks where a hint template had the commit's short id. A hint
// that holds the byte itself (a path or a session label can) is not
// compacted.
const hintGap = "\x00"

// Compact makes the findings of c share their constant texts (see above):
// each Hint that names c's commit becomes a template. Read a compacted
// finding's hint with [Finding.HintText]; [SortedFindings] and
// [Report.Canonical], which the renderings start from, return findings
// with Hint set again.
func (c *CommitReport) Compact() {
	if len(c.Commit) < shortLen {
		return
	}
	short := c.Commit[:shortLen]
	for i := range c.Findings {
		f := &c.Findings[i]
		if f.Hint == "" || f.Commit != c.Commit || strings.Contains(f.Hint, hintGap) {
			continue
		}
		f.hintTemplate = unique.Make(strings.ReplaceAll(f.Hint, short, hintGap))
		f.Hint = ""
	}
}

// shortLen is the length of the short commit ids hints name.
const shortLen = 12

// HintText returns the finding's hint, whether or not it was compacted.
func (f *Finding) HintText() string {
	if f.Hint != "" || f.hintTemplate == (unique.Handle[string]{}) {
		return f.Hint
	}
	return strings.ReplaceAll(f.hintTemplate.Value(), hintGap, f.Commit[:shortLen])
}

// expand returns f with its hint put back together.
func (f Finding) expand() Finding {
	f.Hint = f.HintText()
	f.hintTemplate = unique.Handle[string]{}
	return f
}

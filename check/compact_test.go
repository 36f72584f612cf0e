package check

import (
	"strings"
	"testing"
	"unsafe"
)

func TestCompact(t *testing.T) {
	const (
		c1 = "1a2b3c4d5e6f00000000000000000000000000aa"
		c2 = "9f8e7d6c5b4a00000000000000000000000000bb"
	)
	hint := func(c string) string {
		return "agentcheck attest " + c[:12] + "; or agentcheck approve " + c[:12] + " --reason 'WHAT YOU CHECKED'"
	}
	tests := []struct {
		name, commit, hint string
		compacted          bool
	}{
		{"names the commit", c1, hint(c1), true},
		{"names no commit", c1, "re-attest with a listed key", true},
		{"no hint", c1, "", false},
		{"holds the gap byte", c1, "edit a\x00b then " + c1[:12], false},
		{"another commit's finding", c2, hint(c2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CommitReport{Commit: c1, Findings: []Finding{{Rule: RuleUnattested, Commit: tt.commit, Hint: tt.hint}}}
			c.Compact()
			f := c.Findings[0]
			if got := f.Hint == "" && tt.hint != ""; got != tt.compacted {
				t.Errorf("compacted = %v, want %v", got, tt.compacted)
			}
			if got := f.HintText(); got != tt.hint {
				t.Errorf("HintText() = %q, want %q", got, tt.hint)
			}
			if got := SortedFindings(c.Findings)[0]; got.Hint != tt.hint || got.hintTemplate != (Finding{}).hintTemplate {
				t.Errorf("SortedFindings: Hint %q, template set %v; want %q and none", got.Hint, got.hintTemplate != (Finding{}).hintTemplate, tt.hint)
			}
		})
	}
}

// TestCompactShares checks that the findings of two commits with the same
// hint but for the commit keep one copy of its text.
func TestCompactShares(t *testing.T) {
	var texts []string
	for _, c := range []string{"1a2b3c4d5e6f00000000000000000000000000aa", "9f8e7d6c5b4a00000000000000000000000000bb"} {
		r := CommitReport{Commit: c, Findings: []Finding{{Commit: c, Hint: "agentcheck attest " + c[:12] + " " + strings.Repeat("x", 100)}}}
		r.Compact()
		texts = append(texts, r.Findings[0].hintTemplate.Value())
	}
	if texts[0] != texts[1] || unsafe.StringData(texts[0]) != unsafe.StringData(texts[1]) {
		t.Errorf("the two templates are not one string: %q at %p, %q at %p", texts[0], unsafe.StringData(texts[0]), texts[1], unsafe.StringData(texts[1]))
	}
}

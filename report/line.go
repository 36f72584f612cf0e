package report

import (
	"strconv"
	"strings"

	"github.com/agentcheck/agentcheck/check"
)

// OneLine renders a finding on a single line, for channels that carry one
// message per line, such as the stderr of a pre-receive hook, which git
// relays to the pusher line by line after "remote: ":
//
//	AC004 protected-path error 1a2b3c4d5e6f .github/workflows/ci.yml:3: agent commit changes … (hint: declare it …)
//
// The parts are the rule, its level, the short commit id, the path (with the
// first changed line when known; absent for findings about a whole commit),
// the message and the hint, or for an approved finding who approved it and
// why, as [WriteText] writes it. Text from the repository is escaped as in
// [WriteText], so a crafted path cannot forge further lines or rewrite the
// pusher's terminal.
func OneLine(f check.Finding) string {
	var b strings.Builder
	b.WriteString(ruleLabel(f))
	b.WriteString(" ")
	b.WriteString(printable(string(f.Level)))
	b.WriteString(" ")
	b.WriteString(shortSHA(f.Commit))
	if f.Path != "" {
		b.WriteString(" ")
		b.WriteString(printable(f.Path))
		if f.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(f.Line))
		}
	}
	b.WriteString(": ")
	b.WriteString(printable(f.Message))
	switch {
	case f.Approval != nil:
		// An approved finding's hint says how to get it approved, which
		// is done: name the approval, in the words of the text report.
		a := f.Approval
		b.WriteString(" (approved by ")
		b.WriteString(printable(a.Approver))
		b.WriteString(" (was ")
		b.WriteString(printable(string(a.Level)))
		b.WriteString("): ")
		b.WriteString(printable(a.Reason))
		b.WriteString(")")
	case f.Hint != "":
		b.WriteString(" (hint: ")
		b.WriteString(printable(f.Hint))
		b.WriteString(")")
	}
	return b.String()
}

// Printable escapes control characters, Unicode bidirectional formatting
// characters and invalid UTF-8 in s as Go escapes (\x1b, \u202e), as the text
// renderer does with everything that comes from a repository.
func Printable(s string) string { return printable(s) }

package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agentcheck/agentcheck/check"
)

// TextOptions controls [WriteText].
type TextOptions struct {
	// Color adds ANSI colour codes. The CLI sets it only when the output is
	// a terminal.
	Color bool
}

// WriteText writes r for people: the commits in range order, each commit
// with findings followed by a line for each agent that made it and by one
// line per finding and a hint line, clean commits on one line each (long
// runs of clean commits on a single line), then the policy source and a
// summary line that starts with FAIL when the report has error-level
// findings and with ok otherwise. A finding that a
// maintainer approved shows who approved it, the level it had and why,
// instead of its hint.
//
// Strings that come from the repository (subjects, paths) or from the
// verifier are printed with control and bidirectional-formatting characters
// escaped, so that a crafted file name cannot rewrite the terminal or hide
// text. The output is the same for the same report.
func WriteText(w io.Writer, r *check.Report, opts TextOptions) error {
	if r == nil {
		return errors.New("writing text report: no report")
	}
	t := NewTextWriter(w, opts)
	for _, c := range r.Commits {
		if err := t.Commit(c); err != nil {
			return err
		}
	}
	return t.Close(r)
}

// TextWriter writes a text report as [WriteText] does, a commit at a time:
// for a check that passes each commit's report on as soon as it is done
// (gate.Options.Emit), so that the report of a long range is never held
// whole. What it holds is bounded: the commits of a run without findings,
// up to cleanRunMax of them.
type TextWriter struct {
	w   *bufio.Writer
	p   textPrinter
	n   int                  // commits written
	run []check.CommitReport // the first commits of the current run without findings
	// runLen and runLast are the length and the last commit of the run.
	runLen  int
	runLast check.CommitReport
}

// NewTextWriter returns a TextWriter that writes to w.
func NewTextWriter(w io.Writer, opts TextOptions) *TextWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &TextWriter{w: bw, p: textPrinter{w: bw, color: opts.Color}}
}

// Commit writes the report of the next commit of the range. Its error is
// the first error writing the report so far.
func (t *TextWriter) Commit(c check.CommitReport) error {
	t.n++
	if len(c.Findings) == 0 {
		if t.runLen < cleanRunMax {
			t.run = append(t.run, c)
		}
		t.runLen++
		t.runLast = c
	} else {
		t.endRun()
		t.p.commitWithFindings(c)
	}
	if t.p.err != nil {
		return fmt.Errorf("writing text report: %w", t.p.err)
	}
	return nil
}

// endRun writes the current run of commits without findings.
func (t *TextWriter) endRun() {
	if t.runLen > 0 {
		t.p.cleanRun(t.run, t.runLen, t.runLast)
	}
	t.run, t.runLen = t.run[:0], 0
}

// Close writes the rest of the report, the footer of r (its policy
// sources and summary; r's commits are the ones written already, and are
// not read), and flushes it.
func (t *TextWriter) Close(r *check.Report) error {
	t.endRun()
	if t.n > 0 {
		t.p.printf("\n")
	}
	t.p.footer(r)
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("writing text report: %w", err)
	}
	return nil
}

// cleanRunMax is the longest run of consecutive commits without findings
// that is listed commit by commit; longer runs take one line.
const cleanRunMax = 5

// ANSI SGR sequences.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

type textPrinter struct {
	w     *bufio.Writer
	color bool
	err   error // the first error writing
}

// paint returns s wrapped in the given SGR codes when colour is on.
func (p *textPrinter) paint(s string, codes ...string) string {
	if !p.color || len(codes) == 0 {
		return s
	}
	return strings.Join(codes, "") + s + ansiReset
}

func (p *textPrinter) printf(format string, args ...any) {
	if _, err := fmt.Fprintf(p.w, format, args...); err != nil && p.err == nil {
		p.err = err
	}
}

// commitWithFindings prints a commit header, the agents that made the
// commit (check.CommitReport.MadeBy) and its findings:
//
//	✗ 1a2b3c4d5e6f Fix flaky payment test
//	    made by Claude Code: co-author trailer noreply@anthropic.com
//	    error   AC004 protected-path  .github/workflows/ci.yml:3  message
//	            hint: how to fix it
//	    note    AC007 tainted-session  .github/workflows/ci.yml:3  message
//	            approved by bob@example.com (was error): reason
func (p *textPrinter) commitWithFindings(c check.CommitReport) {
	findings := check.SortedFindings(c.Findings)
	worst := check.LevelNote
	width := 0
	for _, f := range findings {
		if f.Level.Rank() > worst.Rank() {
			worst = f.Level
		}
		width = max(width, utf8.RuneCountInString(ruleLabel(f)))
	}
	glyph, color := "✓", ansiGreen
	switch worst {
	case check.LevelError:
		glyph, color = "✗", ansiRed
	case check.LevelWarning:
		glyph, color = "!", ansiYellow
	}
	p.printf("%s %s %s\n", p.paint(glyph, color), p.paint(shortSHA(c.Commit), ansiBold), printable(c.Subject))
	for _, id := range c.MadeBy {
		p.printf("    made by %s\n", printable(id.String()))
	}
	for _, f := range findings {
		label := ruleLabel(f)
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(label))
		p.printf("    %s %s%s  ", p.level(f.Level), label, pad)
		if f.Path != "" {
			p.printf("%s", printable(f.Path))
			if f.Line > 0 {
				p.printf(":%d", f.Line)
			}
			p.printf("  ")
		}
		p.printf("%s\n", printable(f.Message))
		switch {
		case f.Approval != nil:
			a := f.Approval
			p.printf("            %s %s (was %s): %s\n", p.paint("approved by", ansiGreen), printable(a.Approver), printable(string(a.Level)), printable(a.Reason))
		case f.Hint != "":
			p.printf("            hint: %s\n", printable(f.Hint))
		}
	}
}

// cleanRun prints a run of n consecutive commits without findings, first
// its first ones (up to cleanRunMax) and last its last one: one line each,
// or one line for the whole run when it is long.
func (p *textPrinter) cleanRun(first []check.CommitReport, n int, last check.CommitReport) {
	ok := p.paint("✓", ansiGreen)
	if n > cleanRunMax {
		p.printf("%s %d commits without findings (%s to %s)\n", ok, n,
			p.paint(shortSHA(first[0].Commit), ansiBold), p.paint(shortSHA(last.Commit), ansiBold))
		return
	}
	for _, c := range first {
		p.printf("%s %s %s\n", ok, p.paint(shortSHA(c.Commit), ansiBold), printable(c.Subject))
	}
}

// level prints a level padded to the width of the longest one.
func (p *textPrinter) level(l check.Level) string {
	s := fmt.Sprintf("%-7s", printable(string(l)))
	switch l {
	case check.LevelError:
		return p.paint(s, ansiBold, ansiRed)
	case check.LevelWarning:
		return p.paint(s, ansiYellow)
	case check.LevelNote:
		return p.paint(s, ansiCyan)
	}
	return s
}

// footer prints the policy source and the summary line.
func (p *textPrinter) footer(r *check.Report) {
	if r.PolicySource != "" {
		p.printf("policy: %s\n", printable(r.PolicySource))
	}
	if r.SignersSource != "" {
		p.printf("trusted keys: %s\n", printable(r.SignersSource))
	}
	if r.ApproversSource != "" {
		p.printf("approvers: %s\n", printable(r.ApproversSource))
	}
	s := r.Summary
	verdict := p.paint("ok  ", ansiBold, ansiGreen)
	if r.Failed() {
		verdict = p.paint("FAIL", ansiBold, ansiRed)
	}
	var what string
	switch {
	case s.Commits == 0:
		what = "no commits to check"
	case s.Commits == 1:
		what = "1 commit checked"
	default:
		what = fmt.Sprintf("%d commits checked", s.Commits)
	}
	if r.Range != "" {
		what += " in " + printable(r.Range)
	}
	if s.Commits == 0 {
		p.printf("%s %s\n", verdict, what)
		return
	}
	if s.Errors+s.Warnings+s.Notes == 0 {
		p.printf("%s %s: no findings\n", verdict, what)
		return
	}
	approved := ""
	if s.Approved > 0 {
		approved = fmt.Sprintf(" (%d approved)", s.Approved)
	}
	p.printf("%s %s: %s, %s, %s%s\n", verdict, what,
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Notes, "note"), approved)
}

// ruleLabel is "AC004 protected-path".
func ruleLabel(f check.Finding) string {
	name := f.Name
	if name == "" {
		if r, ok := check.LookupRule(f.Rule); ok {
			name = r.Name
		}
	}
	return strings.TrimSpace(printable(f.Rule) + " " + printable(name))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// shortSHA abbreviates a commit id to 12 characters, as git log --abbrev=12.
func shortSHA(sha string) string {
	sha = printable(sha)
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// printable escapes the characters of s that could change how a terminal
// shows the rest of the output: control characters (including newlines and
// escape sequences), Unicode bidirectional formatting characters
// ("Trojan Source") and invalid UTF-8. They are written as Go escapes, e.g.
// \x1b or \u202e. Everything else is kept as it is.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r) // e.g. '\x1b' or '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true // invalid UTF-8, or a literal U+FFFD: escaping both is harmless
	case unicode.IsControl(r):
		return true
	case r == '\u061c', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e',
		r >= '\u2066' && r <= '\u2069':
		return true // bidirectional formatting characters
	}
	return false
}

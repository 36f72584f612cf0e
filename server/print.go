package server

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/report"
)

// DefaultMaxFindings is how many findings [Printer] lists before it says how
// many more there are: a pusher's terminal is not a report viewer.
const DefaultMaxFindings = 100

// Printer writes the gate's messages for the pusher, one line each:
// findings as [report.OneLine] has them, then a summary line that
// says whether the push is accepted and names the pusher when the platform
// says who it is. Every line starts with the platform's LinePrefix and
// "agentcheck: ". Git relays a pre-receive hook's output to the pusher,
// line by line after "remote: ".
type Printer struct {
	W        io.Writer
	Platform Platform
	// Mode is ModeEnforce or ModeWarn; warn mode says what enforcement
	// would have done.
	Mode string
	// MaxFindings bounds the finding lines; 0 means DefaultMaxFindings.
	MaxFindings int
}

func (p *Printer) line(format string, args ...any) {
	fmt.Fprintf(p.W, "%sagentcheck: %s\n", p.Platform.LinePrefix, fmt.Sprintf(format, args...))
}

// by is " (pushed by NAME)" when the pusher is known.
func (p *Printer) by() string {
	if p.Platform.Pusher == "" {
		return ""
	}
	return " (pushed by " + report.Printable(p.Platform.Pusher) + ")"
}

// Decision writes the findings and the verdict of a decided push.
func (p *Printer) Decision(d *Decision) {
	limit := p.MaxFindings
	if limit <= 0 {
		limit = DefaultMaxFindings
	}
	for _, r := range d.Refusals {
		p.line("refused %s: %s (hint: %s)", report.Printable(r.Ref), report.Printable(r.Reason), report.Printable(r.Hint))
	}
	for _, ref := range d.PullHeads {
		p.line("%s: accepted unchecked: %s stores the head of a pull request (%s); its commits are checked when they are pushed to a branch, or merged under server.platform_merges: check",
			report.Printable(ref), p.Platform.Name, p.Platform.Internal)
	}
	shown, hidden := 0, 0
	for _, g := range d.Groups {
		refs := refList(g.Refs)
		if g.PlatformMerge {
			p.line("%s: accepted unchecked: %s merged a pull request (%s) and the policy accepts platform merges (server.platform_merges: accept; policy: %s)",
				refs, p.Platform.Name, p.Platform.Merge, report.Printable(g.Trust.PolicySource))
			continue
		}
		if p.Platform.Merge != "" {
			p.line("%s: %s merged a pull request (%s); checked like any push (server.platform_merges: check)", refs, p.Platform.Name, p.Platform.Merge)
		}
		findings := g.Report.Findings()
		if len(findings) == 0 {
			continue
		}
		p.line("%s: %s checked; policy: %s; trusted keys: %s", refs, plural(g.Report.Summary.Commits, "new commit"),
			report.Printable(g.Trust.PolicySource), report.Printable(g.Trust.SignersSource))
		for _, f := range findings {
			if shown == limit {
				hidden++
				continue
			}
			p.line("%s", report.OneLine(f))
			shown++
		}
	}
	if hidden > 0 {
		word := "findings"
		if hidden == 1 {
			word = "finding"
		}
		p.line("… and %d more %s (agentcheck verify OLD..NEW in a clone lists them all)", hidden, word)
	}

	s := d.Summary()
	what := plural(s.Commits, "new commit")
	if on := p.checkedRefs(d); on != "" {
		what += " on " + on
	}
	counts := fmt.Sprintf("%s, %s in %s", plural(s.Errors, "error"), plural(s.Warnings, "warning"), what)
	switch {
	case d.Rejected() && p.Mode == ModeWarn:
		p.line("push accepted in warn mode; enforced, it would be rejected: %s%s", p.reasons(d, counts), p.by())
	case d.Rejected():
		p.line("push rejected: %s%s", p.reasons(d, counts), p.by())
		if s.Errors > 0 {
			p.line("hint: %s", report.Printable(fixHint(d)))
		}
	case s.Commits == 0:
		p.line("push accepted: no new commits to check%s", p.by())
	case s.Warnings == 0:
		p.line("push accepted: %s checked: no errors or warnings%s", what, p.by())
	default:
		p.line("push accepted: %s checked: no errors, %s%s", what, plural(s.Warnings, "warning"), p.by())
	}
}

// reasons is the count of findings, with the refused refs.
func (p *Printer) reasons(d *Decision, counts string) string {
	if len(d.Refusals) == 0 {
		return counts
	}
	var refs []string
	for _, r := range d.Refusals {
		refs = append(refs, r.Ref)
	}
	if d.Summary().Commits == 0 {
		return "refused update of " + refList(refs)
	}
	return fmt.Sprintf("refused update of %s; %s", refList(refs), counts)
}

func (p *Printer) checkedRefs(d *Decision) string {
	var refs []string
	for _, g := range d.Groups {
		if !g.PlatformMerge {
			refs = append(refs, g.Refs...)
		}
	}
	return refList(refs)
}

// Failure writes why the push could not be checked, and the verdict: a
// rejection, except in warn mode.
func (p *Printer) Failure(err error, hint string) {
	p.line("error: %s", report.Printable(strings.ReplaceAll(err.Error(), "\n", " ")))
	if hint != "" {
		p.line("hint: %s", report.Printable(hint))
	}
	if p.Mode == ModeWarn {
		p.line("push accepted in warn mode; enforced, it would be rejected: the push could not be checked%s", p.by())
		return
	}
	p.line("push rejected: the push could not be checked, and the gate fails closed%s", p.by())
}

// Timeout writes that the check did not finish within limit, and the
// verdict: accept when accept is set or in warn mode, else reject.
func (p *Printer) Timeout(limit time.Duration, accept bool) {
	p.line("error: the check did not finish within %s", limit)
	switch {
	case p.Mode == ModeWarn:
		p.line("push accepted in warn mode; enforced, it would be rejected: the check timed out%s", p.by())
	case accept:
		p.line("push accepted unchecked: the check timed out and --on-timeout is accept%s", p.by())
	default:
		p.line("hint: push fewer commits at a time, or ask the server's administrator to raise --timeout")
		p.line("push rejected: the check timed out, and the gate fails closed (--on-timeout reject)%s", p.by())
	}
}

// refList names refs for a message: all of them up to three, else the
// first two and how many more.
func refList(refs []string) string {
	esc := make([]string, len(refs))
	for i, r := range refs {
		esc[i] = report.Printable(r)
	}
	if len(esc) <= 3 {
		return strings.Join(esc, ", ")
	}
	return strings.Join(esc[:2], ", ") + " and " + strconv.Itoa(len(esc)-2) + " more refs"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// fixHint says how the pusher finds the fix of each finding: verify, in
// their clone, on the range the gate checked, prints the same findings
// with a hint each; then the branch goes again with its notes.
func fixHint(d *Decision) string {
	for _, g := range d.Groups {
		if g.Report == nil || !g.Report.Failed() || len(g.Refs) == 0 {
			continue
		}
		branch := strings.TrimPrefix(strings.TrimPrefix(g.Refs[0], "refs/heads/"), "refs/tags/")
		rng := branch
		if !g.Base.IsZero() {
			rng = g.Base.String()[:12] + ".." + branch
		}
		return "in your clone, agentcheck verify " + rng + " prints these findings with the fix of each; fix them, then push the branch with its notes: git fetch REMOTE && git push REMOTE " +
			branch + " refs/notes/agentcheck (REMOTE: the remote you pushed to; the fetch merges the notes pushed meanwhile)"
	}
	return "in your clone, agentcheck verify prints these findings with the fix of each; fix them, then push with the notes: git fetch REMOTE && git push REMOTE BRANCH refs/notes/agentcheck"
}

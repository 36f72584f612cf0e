package audit

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// WriteLogText writes the log for people: per commit, the sessions behind
// it and the findings. Every recorded string is flattened to one printable
// line: recorded text is hostile and must not drive the terminal.
func WriteLogText(w io.Writer, l *Log) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	// The header names the trusted side as verify's and show's footers
	// do: policy, trusted keys.
	p("range          %s", clean(l.Range, 200))
	if l.Base != "" {
		p(" (base %s)", short(l.Base))
	}
	p("\npolicy         %s\n", clean(l.PolicySource, 200))
	if l.SignersSource != "" {
		p("trusted keys   %s\n", clean(l.SignersSource, 200))
	}
	for _, c := range l.Commits {
		p("\ncommit %s  %s  %s\n", short(c.Commit), day(c.Date), clean(c.Author, 100))
		p("    %s\n", clean(c.Subject, 200))
		for _, id := range c.MadeBy {
			p("    made by %s\n", clean(id.String(), 300))
		}
		if len(c.Sessions) == 0 {
			if c.Agent {
				p("\n  no valid session manifest\n")
			} else {
				p("\n  no agent session (not an agent commit)\n")
			}
		}
		for _, s := range c.Sessions {
			writeSessionText(p, s)
		}
		if len(c.Findings) > 0 {
			var cnt Counts
			for _, f := range c.Findings {
				cnt.add(f.Level)
			}
			p("\n  findings: %s\n", countsText(cnt))
			for _, f := range c.Findings {
				where := ""
				if f.Path != "" {
					where = "  " + clean(f.Path, 120)
					if f.Line > 0 {
						where += fmt.Sprintf(":%d", f.Line)
					}
				}
				p("    %-7s %s %s%s\n", f.Level, f.Rule, clean(f.Name, 40), where)
				p("            %s\n", clean(f.Message, 400))
				if a := f.Approval; a != nil {
					p("            approved by %s (was %s): %s\n", clean(a.Approver, 200), clean(string(a.Level), 10), clean(a.Reason, 400))
				}
			}
		}
	}
	s := l.Summary
	p("\n%s, %s: %s\n", plural(s.Commits, "commit"), plural(s.Sessions, "session"),
		countsText(Counts{Errors: s.Errors, Warnings: s.Warnings, Notes: s.Notes}))
	return bw.Flush()
}

func writeSessionText(p func(string, ...any), s Session) {
	p("\n  session %s\n", clean(s.Label, 120))
	sig := "INVALID: nothing below is vouched for (see the findings)"
	if s.Signature == "valid" {
		sig = "valid, signed by " + clean(s.Signer, 100)
		if s.KeyID != "" {
			sig += " (" + clean(s.KeyID, 80) + ")"
		}
	}
	p("    signature  %s\n", sig)
	agent := clean(s.Agent, 60)
	if s.AgentVersion != "" {
		agent += " " + clean(s.AgentVersion, 40)
	}
	if s.Model != "" {
		agent += " (" + clean(s.Model, 60) + ")"
	}
	p("    agent      %s\n", agent)
	when := stampText(s.Started) + " – " + stampText(s.Ended)
	if !s.Started.IsZero() && !s.Ended.IsZero() && s.Ended.After(s.Started) {
		when += " (" + s.Ended.Sub(s.Started).Round(time.Second).String() + ")"
	}
	if s.PermissionMode != "" {
		when += ", permissions " + clean(s.PermissionMode, 40)
	}
	if s.Sandbox != "" {
		when += ", sandbox " + clean(s.Sandbox, 40)
	}
	p("    time       %s\n", when)
	task := clean(s.Task.Excerpt, 200)
	if task == "" {
		task = "(no prompt recorded)"
	}
	p("    task       %s\n", task)
	if len(s.Scope) == 0 {
		p("    scope      (none declared)\n")
	}
	for _, d := range s.Scope {
		p("    scope      %s (%s)\n", clean(d.Glob, 120), clean(d.Source, 20))
	}
	for i, c := range s.ScopeClaims {
		if i == 5 {
			p("    claimed    … %d more\n", len(s.ScopeClaims)-i)
			break
		}
		p("    claimed    %s, by %s, not the human: declared nothing\n", clean(strings.Join(c.Globs, " "), 120), clean(c.Origin, 40))
	}
	if len(s.Reads.Files) > 0 {
		p("    read       %s\n", list(s.Reads.Files, 8))
	}
	for _, f := range s.Reads.Fetches {
		p("    fetched    %s%s%s\n", clean(f.URL, 160), trustNote(f.Trusted, "host "+clean(f.Host, 80)), failedNote(f.Failed))
	}
	for _, q := range s.Reads.Searches {
		p("    searched   %q  [untrusted web search]\n", clean(q, 120))
	}
	for _, m := range s.Reads.MCP {
		p("    mcp read   %s/%s%s%s\n", clean(m.Server, 60), clean(m.Tool, 60), trustNote(m.Trusted, "MCP server"), failedNote(m.Failed))
	}
	var edits []string
	for _, e := range s.Actions.Edits {
		x := clean(e.Path, 120)
		if e.Deleted {
			x += " (deleted)"
		}
		if e.Decision != "" {
			x += " [" + decisionText(e.Decision) + "]"
		}
		edits = append(edits, x)
	}
	if len(edits) > 0 {
		p("    edited     %s\n", strings.Join(uniq(edits), ", "))
	}
	for _, c := range s.Actions.Commands {
		note := failedNote(c.Failed)
		if c.Decision != "" {
			note += "  [" + decisionText(c.Decision) + "]"
		}
		p("    ran        %s%s\n", clean(c.Command, 200), note)
	}
	for _, m := range s.Actions.MCP {
		note := ""
		if m.Decision != "" {
			note = "  [" + decisionText(m.Decision) + "]"
		}
		p("    mcp call   %s/%s%s\n", clean(m.Server, 60), clean(m.Tool, 60), note)
	}
	for _, t := range s.Actions.Subagents {
		p("    subagent   %s\n", clean(t, 160))
	}
	for _, f := range s.Files {
		if f.Deleted {
			p("    changed    %s (deleted)\n", clean(f.Path, 160))
		} else {
			p("    changed    %s %s\n", clean(f.Path, 160), short(f.Blob))
		}
	}
	if s.Tainted {
		p("    tainted    yes: read untrusted content\n")
	}
}

func trustNote(trusted bool, what string) string {
	if trusted {
		return ""
	}
	return "  [untrusted " + what + "]"
}

// decisionText is how every rendering for people (show, log, the HTML
// report) writes the runtime hook's decision on a tool call; JSON and CSV
// carry the decision itself ("deny", "warn"), the words of the policy's
// runtime setting. A value no hook writes (a crafted manifest's) is shown
// flattened, as it is.
func decisionText(d string) string {
	switch d {
	case journal.DecisionDeny:
		return "denied by runtime policy"
	case journal.DecisionWarn:
		return "warned by runtime policy"
	}
	return "runtime decision " + strconv.Quote(clean(d, 20))
}

func failedNote(failed bool) string {
	if failed {
		return "  [failed]"
	}
	return ""
}

func countsText(c Counts) string {
	return plural(c.Errors, "error") + ", " + plural(c.Warnings, "warning") + ", " + plural(c.Notes, "note")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func list(items []string, max int) string {
	var out []string
	for i, it := range items {
		if i == max {
			out = append(out, fmt.Sprintf("and %d more", len(items)-max))
			break
		}
		out = append(out, clean(it, 120))
	}
	return strings.Join(out, ", ")
}

func uniq(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func short(sha string) string {
	sha = clean(sha, 64)
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func day(t time.Time) string {
	if t.IsZero() {
		return "(no date)"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func stampText(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// clean flattens recorded text to one printable line: control characters,
// C1 controls and bidirectional overrides become spaces, runs of spaces one,
// and text longer than max runes is cut with an ellipsis.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return ' '
		case r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return ' '
		case r == 0xfffd:
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "\ufffd"))
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

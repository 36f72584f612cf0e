package action

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/agentcheck/agentcheck/check"
)

// SummaryInfo is what the job summary says besides the report.
type SummaryInfo struct {
	Event   *Event
	Verdict Verdict
	FailOn  FailOn
	// RepoURL is the repository's web address; commit ids link to it when
	// set.
	RepoURL string
	// RunURL links to the workflow run ("" for none).
	RunURL string
	// Notes are operational remarks, plain text (escaped when written):
	// the check run fell back to workflow commands, a key lookup failed.
	Notes []string
}

// Bounds that keep the summary well under GitHub's 1 MiB per step.
const (
	maxSummaryCommits  = 200
	maxSummaryFindings = 200
	maxSummarySessions = 100
)

// WriteSummary writes the job summary of r: the verdict, a table of the
// commits with the agents that made them and their findings, the findings, each session's agent and task,
// and what to do next. It decides nothing: the verdict is given.
//
// Everything that comes from the repository or the manifests — subjects,
// emails, paths, messages that quote them, agent names, session ids, task
// excerpts — is hostile input: it is written through [MarkdownText], which
// escapes Markdown and HTML so that it cannot add Markdown links, images,
// headings, table cells or HTML. Commit ids are validated hex. The output is the same
// for the same report.
func WriteSummary(w io.Writer, r *check.Report, info SummaryInfo) error {
	var b strings.Builder
	writeSummary(&b, r, info)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the job summary: %w", err)
	}
	return nil
}

func writeSummary(b *strings.Builder, r *check.Report, info SummaryInfo) {
	v := info.Verdict
	switch {
	case v.Failed:
		fmt.Fprintf(b, "## ❌ agentcheck: failed\n\n")
	case v.Conclusion == "neutral":
		fmt.Fprintf(b, "## ⚠️ agentcheck: findings reported, not enforced (fail-on: %s)\n\n", info.FailOn)
	default:
		fmt.Fprintf(b, "## ✅ agentcheck: passed\n\n")
	}
	what := "the range"
	if info.Event != nil {
		what = MarkdownText(info.Event.Describe())
	}
	fmt.Fprintf(b, "**%s** — %s checked: `%s`.\n\n", MarkdownText(v.Title), what, codeSpanSafe(r.Range))
	fmt.Fprintf(b, "Policy: %s  \nTrusted keys: %s", MarkdownText(r.PolicySource), MarkdownText(orNone(r.SignersSource)))
	if r.ApproversSource != "" {
		fmt.Fprintf(b, "  \nApprovers: %s", MarkdownText(r.ApproversSource))
	}
	b.WriteString("\n\n")
	fmt.Fprintf(b, "The policy and the trusted keys come from the base, never from the commits being checked.\n\n")

	if len(r.Commits) > 0 {
		writeCommitTable(b, r, info)
	}
	findings := r.Findings()
	if len(findings) > 0 {
		writeFindings(b, r, info)
	}
	writeSessions(b, r, info)
	writeNextSteps(b, r, info)
	if len(info.Notes) > 0 {
		b.WriteString("### Notes\n\n")
		for _, n := range info.Notes {
			fmt.Fprintf(b, "- %s\n", MarkdownText(n))
		}
		b.WriteString("\n")
	}
	if info.RunURL != "" {
		fmt.Fprintf(b, "<sub>agentcheck · [workflow run](%s)</sub>\n", linkURL(info.RunURL))
	}
}

func writeCommitTable(b *strings.Builder, r *check.Report, info SummaryInfo) {
	b.WriteString("### Commits\n\n")
	b.WriteString("| commit | subject | author | made by | sessions | errors | warnings | notes | rules |\n")
	b.WriteString("|---|---|---|---|---|--:|--:|--:|---|\n")
	for i, c := range r.Commits {
		if i == maxSummaryCommits {
			fmt.Fprintf(b, "\n…and %d more commits: see the SARIF file.\n", len(r.Commits)-i)
			break
		}
		var e, w, n int
		rules := map[string]bool{}
		for _, f := range c.Findings {
			switch f.Level {
			case check.LevelError:
				e++
			case check.LevelWarning:
				w++
			default:
				n++
			}
			rules[f.Rule] = true
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			commitRef(c.Commit, info.RepoURL), MarkdownText(truncate(c.Subject, 80)), MarkdownText(c.Author),
			madeByCell(c), sessionCell(c), count(e), count(w), count(n), MarkdownText(strings.Join(sortedKeys(rules), " ")))
	}
	b.WriteString("\n")
}

func count(n int) string {
	if n == 0 {
		return "·"
	}
	return fmt.Sprint(n)
}

// madeByCell names the agents that made the commit and how each is known
// (check.CommitReport.MadeBy), one per line.
func madeByCell(c check.CommitReport) string {
	if len(c.MadeBy) == 0 {
		return "—"
	}
	parts := make([]string, len(c.MadeBy))
	for i, id := range c.MadeBy {
		parts[i] = MarkdownText(id.String())
	}
	return strings.Join(parts, "<br>")
}

func sessionCell(c check.CommitReport) string {
	if len(c.Sessions) == 0 {
		if c.Agent {
			return "agent, no manifest"
		}
		return "—"
	}
	var parts []string
	for _, s := range c.Sessions {
		mark := "✅"
		if !s.Valid {
			mark = "❌ untrusted"
		} else if s.Tainted {
			mark = "⚠️ tainted"
		}
		parts = append(parts, MarkdownText(s.Agent)+" "+mark)
	}
	return strings.Join(parts, "<br>")
}

func writeFindings(b *strings.Builder, r *check.Report, info SummaryInfo) {
	b.WriteString("### Findings\n\n")
	b.WriteString("| level | rule | commit | path | finding |\n")
	b.WriteString("|---|---|---|---|---|\n")
	n := 0
	total := len(r.Findings())
	for _, c := range r.Commits {
		for _, f := range c.Findings {
			if n == maxSummaryFindings {
				fmt.Fprintf(b, "\n…and %d more findings: see the check run's annotations or the SARIF file.\n\n", total-n)
				return
			}
			n++
			commit := f.Commit
			if commit == "" {
				commit = c.Commit
			}
			path := "(whole commit)"
			if f.Path != "" {
				path = MarkdownText(f.Path)
				if f.Line > 0 {
					path += fmt.Sprintf(" line %d", f.Line)
				}
			}
			msg := MarkdownText(f.Message)
			if a := f.Approval; a != nil {
				msg += "<br>✅ approved by " + MarkdownText(a.Approver) + " (was " + MarkdownText(string(a.Level)) + "): " + MarkdownText(a.Reason)
			}
			if f.Session != "" {
				msg += "<br>session " + MarkdownText(f.Session)
			}
			fmt.Fprintf(b, "| %s | %s %s | %s | %s | %s |\n",
				levelMark(f.Level), MarkdownText(f.Rule), MarkdownText(f.Name), commitRef(commit, info.RepoURL), path, msg)
		}
	}
	b.WriteString("\n")
}

func levelMark(l check.Level) string {
	switch l {
	case check.LevelError:
		return "❌ error"
	case check.LevelWarning:
		return "⚠️ warning"
	}
	return "ℹ️ note"
}

func writeSessions(b *strings.Builder, r *check.Report, info SummaryInfo) {
	type row struct {
		commit string
		s      check.SessionSummary
	}
	var rows []row
	for _, c := range r.Commits {
		for _, s := range c.Sessions {
			rows = append(rows, row{c.Commit, s})
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("### Sessions\n\n")
	b.WriteString("| commit | agent | session | signature | task (excerpt) |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for i, x := range rows {
		if i == maxSummarySessions {
			fmt.Fprintf(b, "\n…and %d more sessions: run agentcheck show on the commits.\n", len(rows)-i)
			break
		}
		agent := MarkdownText(x.s.Agent)
		if x.s.Model != "" {
			agent += " (" + MarkdownText(x.s.Model) + ")"
		}
		sig := "❌ not trusted"
		if x.s.Valid {
			sig = "✅ " + MarkdownText(x.s.Signer)
		}
		if x.s.Tainted {
			sig += "<br>⚠️ read untrusted content"
		}
		task := MarkdownText(x.s.Task)
		if task == "" {
			task = "—"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n",
			commitRef(x.commit, info.RepoURL), agent, MarkdownText(x.s.ID), sig, task)
	}
	b.WriteString("\n")
}

func writeNextSteps(b *strings.Builder, r *check.Report, info SummaryInfo) {
	counts := map[string]int{}
	approved := 0
	for _, f := range r.Findings() {
		if f.Approval != nil { // an approved finding needs nothing more
			approved++
			continue
		}
		counts[f.Rule]++
	}
	b.WriteString("### What to do next\n\n")
	if len(counts) == 0 && approved > 0 {
		b.WriteString("Nothing: a maintainer approved the findings (agentcheck approve).\n\n")
		return
	}
	if len(counts) == 0 {
		b.WriteString("Nothing: every checked commit matches its manifests and the policy.\n\n")
		return
	}
	for _, rule := range check.Rules() {
		if counts[rule.ID] == 0 {
			continue
		}
		fmt.Fprintf(b, "- **%s %s** (%d): %s\n", rule.ID, rule.Name, counts[rule.ID], MarkdownText(rule.Help))
	}
	// The notes are fetched beside the local ones and merged, as the
	// reference-transaction hook does: a fetch straight into
	// refs/notes/agentcheck fails once the local notes have diverged.
	b.WriteString("- To see a finding on your machine: `agentcheck verify BASE..HEAD` with the range above, after " +
		"`git fetch origin +refs/notes/agentcheck:refs/notes/remotes/origin/agentcheck && " +
		"git notes --ref agentcheck merge -s cat_sort_uniq refs/notes/remotes/origin/agentcheck`.\n")
	b.WriteString("- If the policy itself should change, change `.agentcheck.yml` on the base branch in a reviewed " +
		"pull request of its own: a change to it inside the checked commits never loosens their check.\n\n")
}

func commitRef(sha, repoURL string) string {
	if !shaRE.MatchString(sha) {
		return MarkdownText(short(sha))
	}
	if repoURL == "" {
		return "`" + short(sha) + "`"
	}
	return fmt.Sprintf("[`%s`](%s/commit/%s)", short(sha), linkURL(repoURL), sha)
}

// linkURL makes a URL the gate built itself safe as a Markdown link target.
func linkURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// codeSpanSafe is s for use inside a single-backtick code span: backticks
// and line breaks are replaced, so the span cannot end early.
func codeSpanSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '`' || unicode.IsControl(r) || isBidi(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// MarkdownText escapes s so that GitHub Flavored Markdown (job summaries,
// check run output) renders it as the same plain text, on one line: HTML
// special characters become entities, Markdown punctuation is
// backslash-escaped (so no emphasis, code, link, image, heading, table cell
// or math can start), control characters and line breaks become spaces, and
// Unicode bidirectional formatting characters become U+FFFD, so that
// recorded text cannot reorder what a reviewer reads. The escaped "." ":"
// and "@" also keep GitHub from turning most bare URLs and addresses into
// links, though that is a courtesy, not a guarantee.
func MarkdownText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case isBidi(r) || r == '\uFFFD':
			b.WriteRune('\uFFFD')
		case strings.ContainsRune("\\`*_{}[]()#+-.!|~$:@=", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isBidi(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

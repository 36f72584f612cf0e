package check

import "github.com/agentcheck/agentcheck/provenance"

// The hints of findings are commands a person can run as they are: they
// name the commit, the session and the path, and where a placeholder
// remains it is in capitals and says what to fill. A hint never promises
// what its command does not do: where only a maintainer's approval or a
// commit of the human's own clears a finding, it says so. The
// testscripts hint_*.txtar follow each of them.

// ruleHint is the hint of a finding of rule that its caller gave none:
// what clears it on this commit. s is the session the finding is about,
// if any.
func (cc *commitCheck) ruleHint(rule string, s *sessionManifest) string {
	short := cc.short()
	switch rule {
	case RuleUnattested:
		return "if an agent session on this machine made it, attest it: agentcheck attest " + short +
			" (add --session AGENT/ID, as agentcheck scope list shows it, when the agent changed files only through shell commands)," +
			" then push the notes: " + provenance.PushNotesCommand("origin") + " (the fetch merges the notes pushed meanwhile); if no agent made it, reword the commit so that it names no agent (git commit --amend)"
	case RuleSubjectMismatch, RuleMalformed:
		label := ""
		if s != nil {
			label = s.label
		}
		return anewHint(label)
	case RuleTainted:
		return "review the change by hand; if the source is trusted, add its host to taint.trusted_hosts (an MCP server to taint.trusted_mcp) in .agentcheck.yml on the base branch through a reviewed change; otherwise " + approveHint(short)
	case RulePermissionBypass:
		return "redo the protected change in a session with permission checks on, or " + approveHint(short)
	case RuleExfiltration:
		return "read the command (agentcheck log " + short + "~1.." + short + ") and find out what was sent where; if it was legitimate, " + approveHint(short) +
			"; if not, rotate every credential the session could read and treat the session as compromised"
	case RuleUntrustedTool:
		return "review what the server returned and what the session did after it; if the server is vetted, add it to taint.trusted_mcp in .agentcheck.yml on the base branch through a reviewed change"
	case RuleMemoryEdit:
		return "revert the change to the instruction file and make it in a commit of your own, or " + approveHint(short) +
			"; for a file outside the repository, inspect and restore it on the machine that ran the session"
	case RuleScopeClaim:
		return "find where the directive came from (agentcheck log " + short + "~1.." + short + " shows its origin); only a human's own prompt or agentcheck scope add declares scope, and the claim stays on this commit: " +
			"make the change in a commit of your own, or " + approveHint(short)
	}
	return ruleByID(rule).Help
}

// approveHint is the way out that always exists for what an approval may
// cover: a maintainer reviews the commit and signs off.
func approveHint(short string) string {
	return "have a maintainer review it and run agentcheck approve " + short + " --reason 'WHAT YOU CHECKED'"
}

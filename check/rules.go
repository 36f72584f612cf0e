package check

import "github.com/agentcheck/agentcheck/provenance"

// Rule is one stable check of the gate. Its ID never changes meaning; SARIF
// consumers and policies (approvals.never) refer to it.
type Rule struct {
	ID    string
	Name  string
	Level Level // default level
	// Short is a one-line description, Full a paragraph; Help says how to
	// resolve a finding. They become the SARIF rule's descriptions and help.
	Short, Full, Help string
}

// Rule IDs.
const (
	RuleUnattested       = "AC001"
	RuleInvalidSignature = "AC002"
	RuleSubjectMismatch  = "AC003"
	RuleProtectedPath    = "AC004"
	RuleOutOfScope       = "AC005"
	RuleUnattributed     = "AC006"
	RuleTainted          = "AC007"
	RulePermissionBypass = "AC008"
	RuleMalformed        = "AC009"
	RuleExfiltration     = "AC010"
	RuleUntrustedTool    = "AC011"
	RuleMemoryEdit       = "AC012"
	RuleScopeClaim       = "AC013"
	RuleBadTree          = "AC014"
	RuleHumanSignature   = "AC015"
	RuleJournalMismatch  = "AC016"
)

// Rules returns the rule table in ID order.
func Rules() []Rule {
	return []Rule{
		{
			ID: RuleUnattested, Name: "unattested-agent-commit", Level: LevelError,
			Short: "Agent commit without a provenance manifest",
			Full: "The policy requires a signed provenance manifest for this commit (it was made by a coding agent, " +
				"recognised by a trailer or author, or the policy requires manifests on every commit), " +
				"but the commit has none in refs/notes/agentcheck. Without one, nobody can tell which task " +
				"the change was made for or what the agent read before making it.",
			Help: "Attest the commit from the session that made it (agentcheck attest COMMIT, with --session AGENT/ID when the " +
				"agent changed files only through shell commands), then push the notes (" + provenance.PushNotesCommand("origin") + "). " +
				"If the commit was not made by an agent, reword it so that it names no agent (git commit --amend).",
		},
		{
			ID: RuleInvalidSignature, Name: "invalid-signature", Level: LevelError,
			Short: "Manifest signature invalid or not trusted",
			Full: "A manifest (or approval) on this commit does not carry a valid signature from a trusted key: the " +
				"signature does not verify, the key is not in the trusted allowed_signers file, or the key is trusted " +
				"for a principal other than the commit's author or committer. A forged or altered note is reported here.",
			Help: "Add the signing key to the base branch's allowed_signers file for the commit author's email through a " +
				"reviewed change; or, since a note's lines are never removed, make the commit anew (git commit --amend --no-edit) " +
				"and attest it with a key listed there (agentcheck attest HEAD --session AGENT/ID --key PATH).",
		},
		{
			ID: RuleSubjectMismatch, Name: "subject-mismatch", Level: LevelError,
			Short: "Manifest is about another commit",
			Full: "A manifest attached to this commit names a different commit as its subject: it was copied or " +
				"replayed from another commit. Its claims say nothing about this change.",
			Help: "A note's lines are never removed: make the commit anew (git commit --amend --no-edit) and attest it from " +
				"its session (agentcheck attest HEAD --session AGENT/ID); rewritten commits are re-attested by the post-rewrite hook.",
		},
		{
			ID: RuleProtectedPath, Name: "protected-path", Level: LevelError,
			Short: "Agent commit touches a protected path",
			Full: "The commit changes a path in a protected class of the policy (CI configuration, authentication " +
				"code, secrets, agent configuration, governance files). Classes with action block always fail; " +
				"classes with action declare fail unless the human declared the path in the session's task.",
			Help: "If the change is intended and the session left the content, declare the path from your own terminal " +
				"(agentcheck scope add --session AGENT/ID PATH) and attest again (agentcheck attest COMMIT): the new manifest " +
				"supersedes the first. Content no session left cannot be declared: make the change in a human-authored commit, " +
				"or have a maintainer review it and approve it (agentcheck approve COMMIT --reason TEXT).",
		},
		{
			ID: RuleOutOfScope, Name: "out-of-scope", Level: LevelError,
			Short: "Change outside the declared intent scope",
			Full: "The commit changes a path outside the scope the human declared for the session. A hard boundary " +
				"('scope:' directive or agentcheck scope add) with scope.enforce is an error; a soft boundary " +
				"(an @mention) is a warning: the agent drifted beyond the files it was pointed at.",
			Help: "Revert the unrelated change, or widen the session's scope from your own terminal (agentcheck scope add " +
				"--session AGENT/ID GLOB) and attest again (agentcheck attest COMMIT): the new manifest supersedes the first.",
		},
		{
			ID: RuleUnattributed, Name: "unattributed-change", Level: LevelWarning,
			Short: "Change not recorded by any session",
			Full: "A file in the commit differs from what the agent session recorded for it, or no session on the " +
				"commit touched it: the change came from somewhere the journal did not see (a shell command, " +
				"a human edit, another tool). On a protected path this is an error.",
			Help: "No record vouches for the content, and none can be made after the fact: commit human edits separately " +
				"from agent edits, or have a maintainer review the change and approve it (agentcheck approve COMMIT --reason TEXT).",
		},
		{
			ID: RuleTainted, Name: "tainted-session", Level: LevelError,
			Short: "Session ingested untrusted content, then touched a protected path",
			Full: "Before touching a protected path, the session read untrusted content: a web page, a web search, " +
				"a network fetch from a shell command, or the output of an MCP server outside taint.trusted_mcp. " +
				"Such content can carry prompt injection, so the change is blocked even if the path was declared.",
			Help: "Review the change by hand and make it in a session that did not ingest untrusted content, or add " +
				"the host or MCP server to taint.trusted_hosts / taint.trusted_mcp on the base branch if it is trusted.",
		},
		{
			ID: RulePermissionBypass, Name: "permission-bypass", Level: LevelError,
			Short: "Session ran with permission checks off",
			Full: "The session ran with the agent's permission checks disabled (for example Claude Code's " +
				"bypassPermissions mode): nobody approved its tool calls. On a protected path this is an error, " +
				"elsewhere a note.",
			Help: "Redo protected changes in a session with permission checks on, or have a maintainer review and approve them.",
		},
		{
			ID: RuleMalformed, Name: "malformed-manifest", Level: LevelError,
			Short: "Note that is not a valid manifest",
			Full: "A line of this commit's note in refs/notes/agentcheck does not parse as a DSSE envelope over an " +
				"in-toto statement, is over the size limit, or carries an unknown predicate type or version; or the " +
				"note or commit is larger than the gate reads (note lines, session manifests, signatures, what the " +
				"sessions record, changed paths): the gate does not judge the rest, and fails the commit.",
			Help: "A note's lines are never removed: make the commit anew (git commit --amend --no-edit) and attest it from " +
				"its session with this version of agentcheck (agentcheck attest HEAD --session AGENT/ID).",
		},
		{
			ID: RuleExfiltration, Name: "exfiltration-pattern", Level: LevelWarning,
			Short: "Session ran a command that sends data off the machine",
			Full: "A shell command the session ran sends local data to another host: an upload of files or the " +
				"environment with curl, wget or HTTPie (curl -d @file, --data-binary @file, -F f=@file, -T file, " +
				"wget --post-file), a raw socket fed from a file or pipe (nc host port < file), the environment or " +
				"a credential file piped to a network tool (env | curl …), scp, rsync or cloud-storage copies to " +
				"another host, command output encoded in a DNS lookup, or a git push to a remote the repository does " +
				"not have (a URL none of its recorded remotes points at, or a remote the session itself added). " +
				"Exfiltration is what an injected instruction most often asks an agent to do. Loopback destinations " +
				"are ignored; commands the runtime hook denied are skipped.",
			Help: "Read the command in the manifest (agentcheck log) and find out what was sent where. If it was " +
				"legitimate (a deploy upload, a push to a fork), note why in the review; if not, rotate any " +
				"credential the session could read and treat the session as compromised.",
		},
		{
			ID: RuleUntrustedTool, Name: "untrusted-tool", Level: LevelWarning,
			Short: "Session called an MCP server outside the trusted list",
			Full: "The session called a tool of an MCP server that is not in the policy's taint.trusted_mcp list. " +
				"An MCP server's output goes straight into the agent's context: a compromised or malicious server " +
				"(tool poisoning) or a hostile document it returns (an issue comment, a web page) can steer the " +
				"agent. AC007 blocks protected changes made after such a call; this rule names the call itself.",
			Help: "Review what the server returned and what the session did after it. If the server is vetted and " +
				"its output trusted, add it to taint.trusted_mcp on the base branch through a reviewed change.",
		},
		{
			ID: RuleMemoryEdit, Name: "agent-memory-edit", Level: LevelWarning,
			Short: "Session changed agent instructions or memory",
			Full: "The session changed a file coding agents read as standing instructions or memory: CLAUDE.md, " +
				"CLAUDE.local.md, .claude/ rules, commands, subagents and skills, AGENTS.md, .cursorrules, " +
				".cursor/rules, .github/copilot-instructions.md and the like, in the commit or outside it (a " +
				"git-ignored local memory file, the user's ~/.claude/CLAUDE.md). Text planted there is a prompt " +
				"injection that persists: every later session reads it. In the commit such a path is also blocked " +
				"as agent configuration (AC004); this rule names it for what it is.",
			Help: "Revert the change to the instruction file and make it in a human-authored, reviewed commit; " +
				"for files outside the repository, inspect and restore them on the machine that ran the session.",
		},
		{
			ID: RuleScopeClaim, Name: "scope-claim", Level: LevelWarning,
			Short: "Input the human did not write tried to declare scope",
			Full: "A scope directive ('scope: GLOB') appeared in prompt-like input that the human did not write: a " +
				"background subagent's task notification, a scheduled or injected message, a slash command's expansion, " +
				"a compaction summary. Only the human's own prompts declare scope, so it declared nothing; but text the " +
				"model controls asking for scope is how a subagent, a fetched page or a planted file would widen what the " +
				"agent may change. It is an error when the claimed scope covers a protected path the commit changes.",
			Help: "Find where the directive came from in the session (agentcheck log shows the claim's origin): a " +
				"subagent's answer, a page or file it read. If the human wants that scope, they declare it themselves: a " +
				"'scope:' line in their own prompt, or agentcheck scope add.",
		},
		{
			ID: RuleBadTree, Name: "git-refuses-tree", Level: LevelError,
			Short: "Commit holds a tree git itself refuses",
			Full: "A tree the commit adds has an entry that git fsck rejects: a name a checkout writes as .git (in " +
				"any case, in HFS+'s spellings with ignorable code points, in NTFS's such as git~1, .git. or " +
				".git::$INDEX_ALLOCATION), '.', '..' or an empty name, a '/' inside a name, a mode git never writes " +
				"or one written with a leading zero, entries out of order or duplicated, or a .gitmodules that is a " +
				"symlink or holds a submodule name, URL, path or update command git's submodule code refuses. " +
				"These are the entries behind git's own path vulnerabilities: such a tree attacks whoever checks it " +
				"out, whoever made the commit, and git does not check what it receives by default. A tree the gate " +
				"cannot read as git does (malformed, nested deeper than git reads) is reported too, since what " +
				"it changes cannot be judged. No approval accepts it.",
			Help: "Rewrite the commit without the entry (an interactive rebase that fixes or drops it, or git " +
				"filter-repo), and find out where it came from: git's own commands never write such a name or tree, " +
				"and a .gitmodules like this was written to attack.",
		},
		{
			ID: RuleHumanSignature, Name: "human-signature", Level: LevelError,
			Short: "A human's signature is not trusted or does not prove presence",
			Full: "Under require: all, a commit without a valid manifest passes only as a human's: with an SSH commit " +
				"signature (gpg.format=ssh, namespace git) by a key that the trusted allowed_signers file lists for the " +
				"committer's email, valid at the committer date. This commit's signature is not that: it does not verify, " +
				"its key is not listed for commits or not for the committer, or it is an OpenPGP or X.509 signature. " +
				"Under trust.presence: touch or verified, the signature, and every approval, must also come from a FIDO " +
				"security key whose signature carries the user-presence flag (and the user-verification flag): a key " +
				"file on disk signs for any process running as the user, an agent included, so it proves no human was there.",
			Help: "Sign your commits with a key listed for your email with namespaces=\"git\" in the allowed_signers file " +
				"of the base branch (git config gpg.format ssh; user.signingkey; git commit -S), a security key " +
				"(ssh-keygen -t ed25519-sk) where trust.presence asks for one; re-sign with git commit --amend -S --no-edit, " +
				"or git rebase --exec 'git commit --amend -S --no-edit'. An agent's commit needs its session's manifest instead.",
		},
		{
			ID: RuleJournalMismatch, Name: "journal-transcript-mismatch", Level: LevelError,
			Short: "Session journal lacks what the agent's own transcript shows",
			Full: "When it attested the session, agentcheck compared the session's journal with the transcript the " +
				"agent keeps itself (Claude Code's transcript, Codex's rollout file) and found the transcript to show " +
				"what the journal lacks: a fetch, search, MCP call, command or read (restored into the manifest, so " +
				"that the taint it brings is judged), an edit or deletion of a file, or a transcript the journal names " +
				"that could not be read. The journal is a file the agent can write; a line deleted from it removes the " +
				"taint or the edit it recorded. (A scope directive in a journal prompt the transcript does not show the " +
				"human sending is not recorded: attest refuses to sign it.)",
			Help: "Read the session's transcript and journal side by side (agentcheck log, the file under " +
				".git/agentcheck/sessions) to find who changed the journal; review the commit as if nothing had been " +
				"recorded of the session, and keep agents from writing .git (run them as another user or in a sandbox).",
		},
	}
}

// LookupRule returns the rule with the given ID, if there is one.
func LookupRule(id string) (Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// ruleByID returns the rule with the given ID, which must exist.
func ruleByID(id string) Rule {
	r, ok := LookupRule(id)
	if !ok {
		panic("check: unknown rule " + id)
	}
	return r
}

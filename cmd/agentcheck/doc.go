/*
Agentcheck makes the commits of autonomous coding agents safe to merge: it
records agent sessions, seals them into signed provenance manifests stored as
git notes, and checks commits against those manifests and a policy.

Usage:

	agentcheck <command> [flags] [arguments]

# Recording

	agentcheck hook --agent claude-code|cursor|codex|opencode

Called by the agent's own hook system with one event's JSON on stdin; appends
normalized events to the session journal under the repository's common git
directory. A failure of the hook itself never blocks the agent: it is
reported on stderr and the hook exits 0.

# Setup

	agentcheck init [--agent claude-code,cursor,codex,opencode] [--global]

Sets a repository up, merging into what is there and changing nothing on a
second run: the agents' hook configuration (.claude/settings.json,
.cursor/hooks.json, .codex/hooks.json, .opencode/plugins/agentcheck.js), the
git hooks prepare-commit-msg, post-commit, post-rewrite, pre-push and
reference-transaction (in core.hooksPath when set; a hook that was there is
kept as NAME.pre-agentcheck and runs first; husky's and other committed hook
scripts get a marked block instead), a fetch refspec per remote that brings
the remote's notes to refs/notes/remotes/REMOTE/agentcheck, .agentcheck.yml
(the built-in policy, commented) when there is none, a signing key when none
is configured, and the allowed_signers line for it. It prints what it did and
what is left to do: the policy and allowed_signers must reach the base branch
through a reviewed change. With --global it writes the agents' user-level
configuration instead (~/.claude/settings.json, ~/.cursor/hooks.json,
$CODEX_HOME/hooks.json, ~/.config/opencode/plugins/agentcheck.js); git hooks
stay per repository.

The agents' configuration runs "agentcheck hook" from PATH, since it is meant
to be committed; the git hooks run the absolute path of the agentcheck that
installed them, falling back to PATH.

	agentcheck doctor

Reports, line by line, what is set up and what is missing, with the fix:
agentcheck on PATH, git's version, each agent's hooks, the git hooks, the
notes refspecs, the signing key, the policy and the allowed_signers entry for
your key at the trusted side. It exits 1 when something required is missing.

	agentcheck scope add GLOB… | list | clear [--session AGENT/ID]

Declares scope for an agent session from the human's terminal: a hard
boundary that also declares those paths for the protected classes, recorded
in the session's journal with source cli and signed into its manifests.
Globs are relative to the repository root. The session is the one named, or
the one active most recently. clear withdraws what scope add declared (not
what prompts declared). add and clear refuse to run where an agent's shell
environment shows (CLAUDECODE, CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID,
CURSOR_AGENT, OPENCODE, OPENCODE_SESSION_ID, AGENT=1).

	agentcheck git-hook NAME ARGS…

Run by the git hooks init installs, with git's arguments and stdin.
prepare-commit-msg adds an "Agent-Session: AGENT/ID" trailer for the session
whose shell runs git commit (CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID) and for
the sessions whose pending edits are staged; post-commit attests the commit
with those sessions; post-rewrite attests amended and rebased commits with
the sessions of the commits they replace (manifests signed with your own key
whose journals are here); pre-push verifies the commits the remote lacks and
pushes refs/notes/agentcheck in a separate push, merging the remote's notes
first when they moved; reference-transaction refuses a notes update that
drops a manifest and merges fetched notes into refs/notes/agentcheck. Only
pre-push and reference-transaction ever fail a git command.

# Runtime enforcement

In the pre-tool events of every agent, "agentcheck hook" judges what the call
would do and refuses, in the agent's own answer, edits, writes, deletes,
moves and patches of block paths and of declare paths the session has not
declared, and self-tampering: writes inside the git directory (hooks,
config, journal, notes), the hooks directory, the agent hook configuration,
the key directory and ~/.ssh; reads of the signing keys; and shell commands
that run agentcheck (other than verify, show, version, doctor, log), git
commit --no-verify/-n/--no-post-rewrite, git push --no-verify, git notes on
the agentcheck ref, or mention core.hooksPath, .git/hooks, the journal,
refs/notes/agentcheck or the key. A refused call is journaled with its
decision and reason. The policy's runtime key chooses deny (the default),
warn (the call goes on with a warning) or off. The policy is read from the
trusted side — the remote's default branch, else the branch's upstream, else
HEAD — never from the work tree.

# Keys

	agentcheck keygen [-f PATH]

Writes an ed25519 OpenSSH key pair (default $AGENTCHECK_HOME/agentcheck_ed25519,
AGENTCHECK_HOME defaulting to ~/.config/agentcheck) and prints the
allowed_signers line for the user's git email on stdout.

Signing keys are resolved in this order: --key PATH, $AGENTCHECK_SIGNING_KEY,
git config agentcheck.signingKey, git config user.signingkey when gpg.format
is ssh, then the keygen default. Keys in ssh-agent ($SSH_AUTH_SOCK) are used
for public-key specs and for passphrase-protected private keys.

# Attesting

	agentcheck attest [--session ID] [--key PATH] [COMMIT]

Seals the sessions whose pending edits COMMIT (default HEAD) contains, and the
session whose shell runs the command (CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID,
OPENCODE_SESSION_ID) when its journal is here, into one signed manifest each,
appended to the commit's note in refs/notes/agentcheck. Attesting the same
commit and session again adds nothing. The post-commit hook does this by
itself.

	agentcheck show [--format text|json] [--allowed-signers FILE] [COMMIT]

Shows each manifest on COMMIT: agent, signer and signature status, task,
scope, reads, actions and files.

# Verifying

	agentcheck verify [--format text|json|sarif] [--output FILE] [--exit-zero]
	                  [--policy FILE] [--allowed-signers FILE] [RANGE...]

Checks each commit of the range, oldest first, against its manifests and the
policy. RANGE is A..B or a single commit; several may be given; the default is
@{upstream}..HEAD, else HEAD. The policy and allowed signers are read from the
range's base (A in A..B, the first parent of a single commit) unless given as
files — never from the commits being checked. The JSON report's format is
documented in package check (json.go).

# Exit codes

	0  success; for verify, no error-level finding
	1  verify found error-level findings
	2  usage or operational error: bad arguments, unreadable repository,
	   shallow or incomplete history, a policy that does not parse

The gate fails closed: when it cannot decide, it exits 2 and says why.

# Output

Only the requested output goes to stdout. Errors go to stderr as one line
"agentcheck: error: …", followed by "agentcheck: hint: …" when a fix is known.
*/
package main

/*
Agentcheck makes the commits of autonomous coding agents safe to merge: it
records agent sessions, seals them into signed provenance manifests stored as
git notes, and checks commits against those manifests and a policy.

Usage:

	agentcheck <command> [flags] [arguments]

"agentcheck help" lists the commands, "agentcheck help manual" prints this
manual (it is built into the binary); "agentcheck help CMD", "agentcheck CMD
-h" and "agentcheck CMD --help" print a command's one-line summary, usage
line, flags and examples. "agentcheck --version" and "-v" print what "agentcheck version" does.
Help and the version are written to stdout and exit 0; a usage error (an
unknown command or flag, a missing argument) is one "agentcheck: error:"
line on stderr with the usage line as its hint, and exits 2.

	agentcheck completion bash|zsh|fish

Writes a completion script for the shell, which completes the commands,
their subcommands and their flags (it is generated from the same table as
the help):

	source <(agentcheck completion bash)        # in ~/.bashrc
	source <(agentcheck completion zsh)         # in ~/.zshrc, after compinit
	mkdir -p ~/.config/fish/completions && agentcheck completion fish > ~/.config/fish/completions/agentcheck.fish

# Recording

	agentcheck hook --agent claude-code|cursor|codex|opencode

Called by the agent's own hook system with one event's JSON on stdin; appends
normalized events to the session journal under the repository's common git
directory. A failure of the hook itself never blocks the agent: it is
reported on stderr and the hook exits 0.

	agentcheck-hook --agent claude-code|cursor|codex|opencode

The same command, runtime enforcement included, in a binary of its own
(cmd/agentcheck-hook, installed next to agentcheck), which links only what
the hook uses. Agents run the hook on every tool call, and most of its time
is start-up: one event takes agentcheck-hook about 1.6 times what git
rev-parse --git-dir takes, and agentcheck, which links everything its other
commands need, about 2.5 times. agentcheck init writes agentcheck-hook into
the agents' configuration; both write the same journal.

# Setup

	agentcheck init [--agent claude-code,cursor,codex,opencode] [--global] [--codex-trust]

Sets a repository up, merging into what is there and changing nothing on a
second run: the agents' hook configuration (.claude/settings.json,
.cursor/hooks.json, .codex/hooks.json, .opencode/plugins/agentcheck.js), the
git hooks prepare-commit-msg, post-commit, post-rewrite, pre-push and
reference-transaction (in core.hooksPath when set; a hook that was there is
kept as NAME.pre-agentcheck and runs first; husky's and other committed hook
scripts get a marked block instead), a fetch refspec per remote that brings
the remote's notes to refs/notes/remotes/REMOTE/agentcheck, .agentcheck.yml
(the built-in policy, commented) when there is none, a signing key when none
is configured, the allowed_signers line for it, and .agentcheck/approvers
listing it when there is none (an existing one is never changed). It prints
what it did and what is left to do: the policy, allowed_signers and approvers
must reach the base branch through a reviewed change. With --global it writes the agents' user-level
configuration instead (~/.claude/settings.json, ~/.cursor/hooks.json,
$CODEX_HOME/hooks.json, ~/.config/opencode/plugins/agentcheck.js); git hooks
stay per repository.

Codex runs a project's hooks only once the project is trusted and each hook
is trusted by the hash of its definition, both in $CODEX_HOME/config.toml,
and skips them without a word otherwise. init says which trust is missing;
with --codex-trust it writes both (the project, and agentcheck's own hooks
by their hashes) into config.toml, changing nothing else there. See
docs/agents.md.

The agents' configuration runs "agentcheck-hook" from PATH, since it is meant
to be committed; the git hooks run the absolute path of the agentcheck that
installed them, falling back to PATH.

	agentcheck doctor

Reports, line by line, what is set up and what is missing, with the fix:
agentcheck on PATH, git's version, each agent's hooks (for Codex, whether
it trusts them: a missing step once Codex is set up on the machine), the git
hooks, the notes refspecs, the signing key, the policy and the
allowed_signers entry for your key at the trusted side. It exits 1 when
something required is missing.

	agentcheck scope add GLOB… | list | clear [--session AGENT/ID]

Declares scope for an agent session from the human's terminal: a hard
boundary that also declares those paths for the protected classes, recorded
in the session's journal with source cli and signed into its manifests.
Globs are relative to the repository root. The session is the one named, or
the one active most recently. clear withdraws what scope add declared (not
what prompts declared). add and clear refuse to run where an agent's shell
environment shows (CLAUDECODE, CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID,
CURSOR_AGENT, OPENCODE, OPENCODE_SESSION_ID, AI_AGENT).

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
drops a manifest, refuses to move a branch to a commit an open agent
session made (it holds the session's pending edits, or git runs under the
agent) without the session's trailer or manifest, and merges fetched notes
into refs/notes/agentcheck. Only
pre-push and reference-transaction ever fail a git command.

# Runtime enforcement

In the pre-tool events of every agent, the hook (agentcheck-hook, or
agentcheck hook) judges what the call
would do and refuses, in the agent's own answer, edits, writes, deletes,
moves and patches of block paths and of declare paths the session has not
declared, and self-tampering: writes inside the git directory (hooks,
config, journal, notes), the hooks directory, the agent hook configuration,
the key directory, ~/.ssh and git's global config; reads of the signing
keys; and shell commands, read with a shell parser, that would switch off
the git hooks (git commit --no-verify/-n, core.hooksPath in any form,
commit-tree, another GIT_DIR, env -i), write into the journal, the hooks or
the key however the path is spelled, change refs/notes/agentcheck, run
agentcheck (other than verify, show, version, doctor, log), or hand a shell
code it cannot read (base64 -d | sh, eval "$x"); docs/runtime.md has each
form. A command that only mentions these runs. A refused call is journaled
with its decision and reason. The policy's runtime key chooses deny (the default),
warn (the call goes on with a warning) or off. The policy is read from the
trusted side — the remote's default branch, else the branch's upstream, else
HEAD — never from the work tree.

# Signing keys

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

	agentcheck show [--format text|json] [--allowed-signers FILE | --trust-self] [COMMIT]

Shows each manifest on COMMIT: agent, signer and signature status, task,
scope, reads, actions and files. Signatures are judged against the same
trusted side as verify's and the runtime hook's: the allowed_signers file at
the remote's default branch (refs/remotes/R/HEAD), else at the current
branch's upstream, else at COMMIT's first parent; the first line after the
commit says which. Never COMMIT's own: a commit that adds its own key to
allowed_signers and signs with it shows "untrusted key". --trust-self
judges with COMMIT's own files instead, and says so; --allowed-signers with
a file's keys.

# Verifying

	agentcheck verify [--format text|json|sarif|codeclimate|junit] [--output FILE] [--exit-zero]
	                  [--policy FILE] [--allowed-signers FILE] [--approvers FILE]
	                  [RANGE...]

Checks each commit of the range, oldest first, against its manifests and the
policy. RANGE is A..B or a single commit; several may be given; the default is
what pre-commit's pre-push stage is pushing (PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF,
when pre-commit runs the hook of .pre-commit-hooks.yaml), else
@{upstream}..HEAD, else HEAD. The policy and allowed signers are read from the
range's base (A in A..B, the first parent of a single commit) unless given as
files — never from the commits being checked. The JSON report's format is
documented in package report (json.go); codeclimate is GitLab's Code Quality
report (report/codeclimate.go) and junit a JUnit XML test report
(report/junit.go), for GitLab's merge request widgets and other CI systems.
A commit with findings is followed by the agents that made it and how each
is known ("made by Claude Code: co-author trailer noreply@anthropic.com"): a
valid manifest's agent first, then the one the commit's metadata names (the
registry of agent identities, docs/agent-identities.md, or the policy's agent
trailers and authors). JSON and SARIF carry the same as madeBy.

# Approvals

	agentcheck approve COMMIT --reason TEXT [--rule ID]... [--path GLOB]...
	                   [--key PATH] [--base REV] [--policy FILE]
	                   [--allowed-signers FILE] [--approvers FILE]

Signs a maintainer's approval of COMMIT's findings and appends it to the
commit's note in refs/notes/agentcheck, next to its manifests: a DSSE envelope
over an in-toto statement about the commit, predicate type
https://agentcheck.dev/approval/v1, holding the approver (git's user.email),
the time (git's committer time: now, or GIT_COMMITTER_DATE), the reason and
what it covers. Push it with git fetch origin && git push origin
refs/notes/agentcheck (the fetch merges notes others pushed meanwhile).

approve first checks COMMIT as 'agentcheck verify COMMIT' would, with the
policy and approvers of its first parent (or --base REV, e.g. the pull
request's base branch, or the files given). Without --rule and --path the
approval covers every error and warning the commit has now, each named by its
rule and exact path — never findings that appear later. With filters it covers
the findings that match all of them: --rule ID names a rule, --path GLOB
(doublestar, case-sensitive) is recorded as given. Each filter must match a
current finding. Rules the policy makes unapprovable (approvals.never: always
AC002, AC003 and AC009) are refused.

approve refuses to run inside an agent session, told by any of three signs:
an agent's session variable (CLAUDECODE, CLAUDE_CODE_SESSION_ID,
CODEX_THREAD_ID, CURSOR_AGENT, OPENCODE, OPENCODE_SESSION_ID or AI_AGENT
set), a coding agent among its ancestor processes (/proc on Linux, ps
elsewhere), or a session of the repository in the middle of a turn (its
last recorded event neither a stop nor an end, and at most 30 minutes old).
Unless approvals.allow_self is true, it refuses when the approver authored
the commit or signed one of its session manifests (the two-person rule).
Under trust.presence: touch or verified it refuses a key that is not a FIDO
security key. It warns when the signing key is not listed for the approver
in the approvers file. Nothing is written to stdout.

verify honours an approval only if its key is listed for the approver it names
in the approvers file of the trusted side (trust.approvers, default
.agentcheck/approvers, allowed_signers format), it is about this commit, and
the approver is neither the commit's author nor a signer of its sessions
(unless approvals.allow_self). The findings it covers become notes that name
the approver and the reason. A forged or untrusted approval is AC002, a copied
one AC003, a malformed one AC009 — each an error, never a pass; a
self-approval is an AC002 warning and approves nothing. Under
trust.presence: touch (or verified) an approval counts only when signed by
a FIDO security key with the user-presence flag (and the user-verification
flag) set; any other is an AC015 error and approves nothing.

# GitHub

	agentcheck github [--sarif-file FILE] [--fail-on error|warning|never]
	                  [--api-timeout DURATION] [--policy FILE] [--allowed-signers FILE]
	agentcheck github --fetch-plan

The pull-request gate inside GitHub Actions; the composite action
(action.yml) builds agentcheck from its own source and runs it. It reads
GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_SHA,
GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID and GITHUB_TOKEN, and
handles these events:

	pull_request, pull_request_target  base.sha..head.sha of the pull request
	                                   (never the merge commit)
	push                               before..after; a new branch:
	                                   refs/remotes/origin/DEFAULT..after;
	                                   a deleted branch: nothing to check
	merge_group                        base_sha..head_sha

The policy and the allowed signers come from the range's base, never from
the commits being checked. --policy and --allowed-signers name files on the
runner instead; a file inside the checked-out repository is refused, since
its content may be the pull request's. With trust.github_ssh_keys: true in
the base's policy, a manifest signed with one of the commit author's SSH
signing keys registered on GitHub is trusted for the author's email (the
author's account is the one GitHub links to the commit).

It writes the SARIF log (default agentcheck.sarif, category agentcheck), the
job summary to GITHUB_STEP_SUMMARY, the step outputs sarif-file, findings and
result to GITHUB_OUTPUT, and the check run "agentcheck" with one annotation
per finding. When the token may not create check runs, or there is no token,
the findings are printed on stdout as workflow commands (::error
file=…,line=…::…) and a warning says why. Exit codes: 1 when findings at or
above --fail-on are reported, 2 when the gate could not decide or could not
report everything (the check run could not be created for another reason
than permissions, or not all annotations were added); the result output is
then error.

Rate limits (429, a 403 with retry-after or x-ratelimit-remaining 0) and
server errors (500, 502, 503, 504) are retried after the wait GitHub asks
for, or 1 s, 2 s, 4 s…, five attempts at most, each wait logged to stderr.
--api-timeout (default 5m) bounds all GitHub API requests of the run: a wait
that would end later is not started. A check run, once created, is always
completed, also when an update is refused, the job is cancelled (SIGINT and
SIGTERM are caught) or the gate fails: failure for a failing verdict,
neutral for a passing one, cancelled for a cancelled job, with the findings
that are not annotations in its text. See docs/github-action.md.

--fetch-plan prints what the repository must hold for the check, one item a
line (commit SHA, branch NAME, pull N, notes URL), for the action's
fetch-history.sh, and exits.

# Server-side gate

	agentcheck pre-receive [--policy FILE] [--allowed-signers FILE] [--approvers FILE]
	                       [--timeout 4.5s] [--on-timeout reject|accept]
	                       [--mode enforce|warn] [--platform auto|git|github|gitlab|gitea]

A git pre-receive hook. It reads git's input on stdin ("<old> <new> <ref>"
per updated ref) and checks, like verify, the commits the push introduces:
reachable from the new tips and from no ref the repository had before the
push. Deletions, tags of trees and refs under refs/notes/ introduce no
commit. Manifests are read from refs/notes/agentcheck at its new tip when
the push updates it, else from the server's; an update of that ref that
drops a line of a note, or deletes it, is refused (notes are append-only).

The policy and keys come, file by file, from the flags, else the bare
repository's git config (agentcheck.policy, agentcheck.allowedSigners,
agentcheck.approvers; relative paths are relative to the repository), else
the updated ref's tip before the push, else the default branch, else the
built-in defaults: never from the push. A push by the platform's merge
button (GITHUB_VIA, GL_PROTOCOL=web, GITEA_PUSH_TRIGGER=pr-merge-to-base;
--platform auto detects the platform, --platform git trusts none of these
variables) follows the policy's server.platform_merges.

Everything goes to stderr, which git relays to the pusher: one line per
finding, then a summary naming the pusher when the platform says who it is;
on GitLab each line starts with "GL-HOOK-ERR: ". Nothing goes to stdout.
The exit status is 0 to accept the push, 1 to reject it for findings or a
refused notes update, 2 to reject it because it could not be checked: a
push not checked within --timeout (unless --on-timeout accept), a broken
policy or configuration, a corrupt object, an internal error; the reason
goes to the pusher. --mode warn (or git config agentcheck.mode warn) reports
the same but accepts every push. The hook runs no git. Install guides:
docs/pre-receive.md.

# Audit

	agentcheck log [--format text|json] [--output FILE]
	               [--policy FILE] [--allowed-signers FILE] [RANGE...]

Shows the agent sessions behind each commit of the range — same range and
trusted side as verify — with their signer, agent and model, time, task,
declared scope, reads (files; fetched hosts and MCP servers, each marked
untrusted unless the policy's taint lists trust it), actions (edits,
commands, MCP calls), the files they changed, and verify's findings. log
reports and does not gate: it exits 0 whatever it finds. The JSON document
(version 1) is documented in package audit (doc.go).

	agentcheck export [--format json|csv|html] [--output FILE]
	                  [--policy FILE] [--allowed-signers FILE] [RANGE...]

Exports one record per session and one per finding, each mapped to the
controls it evidences in OWASP Top 10 for LLM Applications 2025, NIST AI
RMF 1.0, the EU AI Act, ISO/IEC 42001:2023 Annex A and SOC 2 (2017 Trust
Services Criteria), with the mapping table and each control's source. json
is the canonical form (version 1, package audit); csv is RFC 4180 with
spreadsheet formulas neutralised; html is one self-contained page that
loads nothing. The default format is json. export exits 0 whatever it
finds.

	agentcheck census [--format text|json|csv] [--output FILE]
	                  [--policy FILE] [--allowed-signers FILE] [RANGE...]

Lists, for each agent, the commits of the range it made and how many carry
a valid manifest, an invalid one or none: the exposure of a history before
the gate is turned on. Each commit counts once, for the first agent verify
would name (a valid manifest's, else the one its metadata names); dependency
bots are listed apart, not counted as agents. Unlike verify, a RANGE reads
as git log reads it: a revision is its whole history, A..B the commits of B
not in A; the default is the whole history of HEAD, since the history a team
adopts the gate on is its main branch's, which @{upstream}..HEAD leaves out.
The trusted side (the policy's agents settings and the keys that make a
manifest valid) is read at A for A..B, as verify reads it, and at the
revision itself for a whole history, which has no commit outside it; census
gates nothing. It reads commits and notes only, never a diff: 18,400 commits
take about a second. The text output lists the commits of each agent; json
(version 1, package audit) and csv also list the dependency bots'. census
exits 0 whatever it finds.

Verify also reports three signals read from what the manifests record,
warnings by default: AC010 exfiltration-pattern (a command that sends files,
the environment or credentials off the machine, or pushes to a remote the
repository does not have, judged against the remotes recorded at attest
time), AC011 untrusted-tool (an MCP server outside taint.trusted_mcp was
called) and AC012 agent-memory-edit (the session changed CLAUDE.md,
AGENTS.md, .cursor/rules or other agent instructions or memory, in the
commit or outside it). AC013 scope-claim reports a "scope:" line in input
the human did not write (a subagent's task notification, injected
context), which declared nothing: a warning, an error when the claimed
scope covers a protected path the commit changes.
AC016 journal-transcript-mismatch reports what attest found the agent's
own transcript (Claude Code's, Codex's) to show and the session's journal
to lack: a fetch, command or read (restored into the manifest, so that its
taint is judged), an edit, or a transcript that could not be read. An
error. A prompt's scope directive the transcript does not show the human
sending makes attest refuse instead.

Every commit of the range, a human's too, is checked for trees git itself
refuses: AC014 git-refuses-tree reports an entry git fsck rejects in a tree
the commit adds — a name a checkout writes as .git (any case, HFS+ and NTFS
spellings such as git~1 or ".git."), ".", "..", a "/" inside a name, a mode
git never writes, entries out of order or duplicated, a .gitmodules that is
a symlink or holds a submodule name, URL, path or update command git refuses
— and a tree the gate cannot read as git does. It is an error no approval
accepts.

Under require: all, a commit without a valid manifest (and not recognised
as an agent's) passes as a human's only with an SSH commit signature
(gpg.format=ssh, git commit -S) by a key the trusted allowed_signers file
lists for the committer's email in namespace git, valid at the committer
date: unsigned, it is AC001; signed otherwise, AC015 human-signature.
trust.presence: touch (or verified) also requires that signature, and every
approval, to come from a FIDO security key (sk-ssh-ed25519@openssh.com,
sk-ecdsa-sha2-nistp256@openssh.com) whose signature carries the
user-presence flag (and the user-verification flag): a key on disk signs
for any process of the user's, an agent included. See docs/threat-model.md.

Before anything is signed, attest masks secrets — tokens, keys, passwords,
Authorization headers, credentials in URLs and assignments — in commands,
prompts, fetched URLs and remote URLs, and keeps of the prompts what the
policy's record.prompts says: full, hash or none.

# Exit codes

	0  success; for verify, no error-level finding (log, export and census
	   report but always exit 0)
	1  verify found error-level findings
	2  usage or operational error: bad arguments, unreadable repository,
	   shallow or incomplete history, a policy that does not parse

The gate fails closed: when it cannot decide, it exits 2 and says why.

# Output

Only the requested output goes to stdout. Errors go to stderr as one line
"agentcheck: error: …", followed by "agentcheck: hint: …" when a fix is known;
warnings are "agentcheck: warning: …". Every message and hint starts in lower
case (unless with a name such as HEAD or GIT_DIR) and ends without a full
stop; a hint is a command or step that works when followed literally. The
renderings for people (verify's text, show, log, the HTML report) write one
concept one way: the runtime hook's decision on a tool call is "[denied by
runtime policy]" or "[warned by runtime policy]"; JSON and CSV carry the
decision itself, "deny" or "warn", the words of the policy's runtime setting.

Colour: the text report of verify, and pre-push's report of findings, are
coloured only on a terminal, never when NO_COLOR is set to any value
(https://no-color.org) or TERM is dumb. verify --color=auto|always|never
overrides that (always colours into a file or pipe too; never never does).
*/
package main

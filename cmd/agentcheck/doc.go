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

	agentcheck-hook --agent claude-code|cursor|codex|opencode

The same command in a binary of its own (cmd/agentcheck-hook), which links
only what the hook uses. Agents run the hook on every tool call, and most of
its time is start-up: one event takes agentcheck-hook about 1.5 times what
git rev-parse --git-dir takes, and agentcheck, which links everything its
other commands need, about 2.5 times. Name agentcheck-hook in the agents'
hook configuration when it is installed; both write the same journal.

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

Seals the sessions whose pending edits COMMIT (default HEAD) contains into one
signed manifest each, appended to the commit's note in refs/notes/agentcheck.
Attesting the same commit and session again adds nothing.

	agentcheck show [--format text|json] [--allowed-signers FILE] [COMMIT]

Shows each manifest on COMMIT: agent, signer and signature status, task,
scope, reads, actions and files.

# Verifying

	agentcheck verify [--format text|json|sarif] [--output FILE] [--exit-zero]
	                  [--policy FILE] [--allowed-signers FILE] [--approvers FILE]
	                  [RANGE...]

Checks each commit of the range, oldest first, against its manifests and the
policy. RANGE is A..B or a single commit; several may be given; the default is
@{upstream}..HEAD, else HEAD. The policy and allowed signers are read from the
range's base (A in A..B, the first parent of a single commit) unless given as
files — never from the commits being checked. The JSON report's format is
documented in package check (json.go).

# Approvals

	agentcheck approve COMMIT --reason TEXT [--rule ID]... [--path GLOB]...
	                   [--key PATH] [--base REV] [--policy FILE]
	                   [--allowed-signers FILE] [--approvers FILE]

Signs a maintainer's approval of COMMIT's findings and appends it to the
commit's note in refs/notes/agentcheck, next to its manifests: a DSSE envelope
over an in-toto statement about the commit, predicate type
https://agentcheck.dev/approval/v1, holding the approver (git's user.email),
the time (git's committer time: now, or GIT_COMMITTER_DATE), the reason and
what it covers. Push it with git push origin refs/notes/agentcheck.

approve first checks COMMIT as 'agentcheck verify COMMIT' would, with the
policy and approvers of its first parent (or --base REV, e.g. the pull
request's base branch, or the files given). Without --rule and --path the
approval covers every error and warning the commit has now, each named by its
rule and exact path — never findings that appear later. With filters it covers
the findings that match all of them: --rule ID names a rule, --path GLOB
(doublestar, case-sensitive) is recorded as given. Each filter must match a
current finding. Rules the policy makes unapprovable (approvals.never: always
AC002, AC003 and AC009) are refused.

approve refuses to run inside an agent session (CLAUDECODE,
CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID, CURSOR_AGENT, OPENCODE or AI_AGENT
set) and, unless approvals.allow_self is true, when the approver authored the
commit or signed one of its session manifests (the two-person rule). It warns
when the signing key is not listed for the approver in the approvers file.
Nothing is written to stdout.

verify honours an approval only if its key is listed for the approver it names
in the approvers file of the trusted side (trust.approvers, default
.agentcheck/approvers, allowed_signers format), it is about this commit, and
the approver is neither the commit's author nor a signer of its sessions
(unless approvals.allow_self). The findings it covers become notes that name
the approver and the reason. A forged or untrusted approval is AC002, a copied
one AC003, a malformed one AC009 — each an error, never a pass; a
self-approval is an AC002 warning and approves nothing.

# GitHub

	agentcheck github [--sarif-file FILE] [--fail-on error|warning|never]
	                  [--policy FILE] [--allowed-signers FILE]
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
above --fail-on are reported, 2 when the gate could not decide (also when
the check run could not be created for another reason than permissions).

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

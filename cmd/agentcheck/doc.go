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
	                  [--policy FILE] [--allowed-signers FILE] [RANGE...]

Checks each commit of the range, oldest first, against its manifests and the
policy. RANGE is A..B or a single commit; several may be given; the default is
@{upstream}..HEAD, else HEAD. The policy and allowed signers are read from the
range's base (A in A..B, the first parent of a single commit) unless given as
files — never from the commits being checked. The JSON report's format is
documented in package check (json.go).

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

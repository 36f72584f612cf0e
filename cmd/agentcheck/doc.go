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

Verify also reports three signals read from what the manifests record,
warnings by default: AC010 exfiltration-pattern (a command that sends files,
the environment or credentials off the machine, or pushes to a remote the
repository does not have, judged against the remotes recorded at attest
time), AC011 untrusted-tool (an MCP server outside taint.trusted_mcp was
called) and AC012 agent-memory-edit (the session changed CLAUDE.md,
AGENTS.md, .cursor/rules or other agent instructions or memory, in the
commit or outside it).

Before anything is signed, attest masks secrets — tokens, keys, passwords,
Authorization headers, credentials in URLs and assignments — in commands,
prompts, fetched URLs and remote URLs, and keeps of the prompts what the
policy's record.prompts says: full, hash or none.

# Exit codes

	0  success; for verify, no error-level finding (log and export report
	   findings but always exit 0)
	1  verify found error-level findings
	2  usage or operational error: bad arguments, unreadable repository,
	   shallow or incomplete history, a policy that does not parse

The gate fails closed: when it cannot decide, it exits 2 and says why.

# Output

Only the requested output goes to stdout. Errors go to stderr as one line
"agentcheck: error: …", followed by "agentcheck: hint: …" when a fix is known.
*/
package main

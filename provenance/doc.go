// Package provenance records what a coding agent did and seals it into signed
// provenance manifests.
//
// # Journal
//
// While an agent works, its hooks append normalized [journal.Event] lines to
// a per-session JSONL journal under the repository's common git directory
// (see [journal.Path]). The journal is append-only and safe under concurrent
// writers. It is package [journal], which the recording hook links without
// the rest of this package.
//
// # Manifests
//
// At commit time a session's journal is summarised into a [SessionPredicate],
// wrapped in an in-toto [Statement] whose subject is the commit, and signed
// into a DSSE envelope whose signature is an SSHSIG (namespace "agentcheck")
// over DSSE's pre-authentication encoding. Each envelope is one compact JSON
// line of the commit's note in [NotesRef]; reading and writing the notes
// tree is package internal/git's business.
//
// # Trust
//
// A manifest is valid only if its signature verifies, its key is listed in an
// allowed_signers file for a principal matching the commit's author or
// committer email, and its subject is the commit it is attached to.
//
// # Approvals
//
// A maintainer's approval of a commit's findings ([ApprovalPredicate],
// predicate type https://agentcheck.dev/approval/v1) is carried the same way,
// one line of the commit's note. [VerifyApproval] checks it against the
// approvers file: the key must be listed for the approver the approval names,
// since an approval is the approver's statement, not the commit author's.
package provenance

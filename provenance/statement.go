package provenance

import (
	"encoding/json"
	"time"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Type URIs of the in-toto layer and of agentcheck's predicates.
const (
	StatementType         = "https://in-toto.io/Statement/v1"
	PayloadType           = "application/vnd.in-toto+json"
	SessionPredicateType  = "https://agentcheck.dev/session/v1"
	ApprovalPredicateType = "https://agentcheck.dev/approval/v1"
)

// NotesRef is the git notes ref that carries manifests and approvals: one
// envelope per line of a commit's note.
const NotesRef = "refs/notes/agentcheck"

// PushNotesCommand is the command that publishes NotesRef to remote, as the
// hints give it. A plain push is refused once someone else has pushed notes;
// the fetch first merges theirs into ours (agentcheck init's fetch refspec
// and reference-transaction hook), so that the push goes through.
func PushNotesCommand(remote string) string {
	return "git fetch " + remote + " && git push " + remote + " " + NotesRef
}

// Statement is an in-toto Statement v1. The predicate is kept raw so that one
// envelope format carries both session manifests and approvals.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject names the artifact a statement is about: here always one commit,
// {"name":"commit","digest":{"gitCommit":"<sha>"}}.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// SessionPredicate is the predicate of a session manifest: what one agent
// session did towards a commit — the task the human gave it and the scope
// declared there, what it read and ran, and the content it left in each
// changed file.
type SessionPredicate struct {
	Agent   AgentInfo         `json:"agent"`
	Session SessionInfo       `json:"session"`
	Task    Task              `json:"task"`
	Reads   []Read            `json:"reads"`
	Actions []Action          `json:"actions"`
	Files   map[string]string `json:"files"` // path → blob the session left, journal.ZeroBlob for deleted
	// Repo describes the repository as the attesting machine saw it; nil in
	// manifests made before it was recorded.
	Repo *RepoInfo `json:"repo,omitempty"`
	// Mismatches are what the transcript the agent keeps itself showed and
	// the session's journal lacked when attest cross-checked them (AC016).
	Mismatches []Mismatch `json:"mismatches,omitempty"`
	// Supersedes is the digest (see [PayloadDigest]) of the earlier manifest
	// of the same session and commit that this one replaces, "" for a first
	// manifest. See [CheckSupersedes] for when the replacement holds.
	Supersedes string `json:"supersedes,omitempty"`
}

// Kinds of [Mismatch].
const (
	// MismatchCall: the transcript shows a tool call (a fetch, a search,
	// an MCP call, a command, a read) the journal lacks. attest restores
	// it into the manifest, so that the taint it brings is judged.
	MismatchCall = "call"
	// MismatchEdit: the transcript shows an edit or deletion of Path the
	// journal lacks.
	MismatchEdit = "edit"
	// MismatchTranscript: the journal names a transcript attest could not
	// read.
	MismatchTranscript = "transcript"
)

// Mismatch is one disagreement between a session's journal and the
// transcript its agent kept.
type Mismatch struct {
	Kind   string `json:"kind"` // the Mismatch* constants
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

// RepoInfo is what a manifest records about the repository itself.
type RepoInfo struct {
	// Remotes are the repository's configured remotes when the manifest was
	// made, sorted by name, with credentials in their URLs masked. The
	// checker uses them to tell a push to the project's own remote from a
	// push elsewhere (AC010).
	Remotes []Remote `json:"remotes"`
}

// Remote is one configured git remote.
type Remote struct {
	Name string   `json:"name"`
	URLs []string `json:"urls"` // fetch and push URLs, deduplicated, in configuration order
}

// AgentInfo names the agent that ran the session.
type AgentInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Model   string `json:"model,omitempty"`
}

// SessionInfo identifies the session and the permission mode it ran in.
type SessionInfo struct {
	ID             string    `json:"id"`
	Started        time.Time `json:"started"`
	Ended          time.Time `json:"ended"`
	PermissionMode string    `json:"permissionMode,omitempty"`
	// Sandbox is the most permissive sandbox the agent recorded for the
	// session (Codex: read-only, workspace-write, danger-full-access); ""
	// when it recorded none. A permission mode that asks nobody means
	// something else inside a sandbox that confines writes to the work
	// tree than outside one.
	Sandbox string `json:"sandbox,omitempty"`
}

// Task is what the human asked for: the prompts and the scope they declared.
type Task struct {
	Prompts []Prompt            `json:"prompts"`
	Scope   []journal.ScopeDecl `json:"scope"`
	// ScopeClaims are scope directives found in input the human did not
	// write (a subagent's task notification, injected context): they
	// declared nothing, and are kept as a signal.
	ScopeClaims []ScopeClaim `json:"scopeClaims,omitempty"`
}

// ScopeClaim is one scope directive in input that was not the human's.
type ScopeClaim struct {
	At     time.Time `json:"at"`
	Origin string    `json:"origin"` // what produced the input: task-notification, system…
	Globs  []string  `json:"globs"`
}

// Prompt is one prompt of the human. Under record.prompts=hash only SHA256 is
// kept; under none neither.
type Prompt struct {
	At     time.Time `json:"at"`
	Text   string    `json:"text,omitempty"`
	SHA256 string    `json:"sha256,omitempty"`
}

// Kinds of [Read].
const (
	ReadFile   = "file"
	ReadFetch  = "fetch"
	ReadSearch = "search"
	ReadMCP    = "mcp"
)

// Read is one piece of content the session ingested.
type Read struct {
	Kind   string `json:"kind"` // file, fetch, search, mcp (the Read* constants)
	Path   string `json:"path,omitempty"`
	URL    string `json:"url,omitempty"`
	Query  string `json:"query,omitempty"`
	Server string `json:"server,omitempty"`
	Tool   string `json:"tool,omitempty"`
	Failed bool   `json:"failed,omitempty"`
	// Subagent names the subagent that made the call (type/id), when the
	// agent said so.
	Subagent string `json:"subagent,omitempty"`
}

// Action is one thing the session did.
type Action struct {
	Kind     journal.Kind `json:"kind"` // edit, delete, exec, mcp, subagent
	Path     string       `json:"path,omitempty"`
	Blob     string       `json:"blob,omitempty"`
	Command  string       `json:"command,omitempty"`
	Server   string       `json:"server,omitempty"`
	Tool     string       `json:"tool,omitempty"`
	Text     string       `json:"text,omitempty"`
	Failed   bool         `json:"failed,omitempty"`
	Decision string       `json:"decision,omitempty"` // deny or warn, when the runtime hook intervened
	Subagent string       `json:"subagent,omitempty"` // the subagent that made the call (type/id)
}

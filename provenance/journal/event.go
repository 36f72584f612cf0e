package journal

import "time"

// Kind is what a journal event records.
type Kind string

// Event kinds. The first group comes from the agent's hooks; KindScope comes
// from the human's "agentcheck scope add".
const (
	KindStart    Kind = "start"    // session started; carries agent version, model, permission mode
	KindPrompt   Kind = "prompt"   // the human submitted a prompt; Text and Scope
	KindContext  Kind = "context"  // prompt-like input the human did not write (a task notification, injected context); Text, Origin, ScopeClaim
	KindRead     Kind = "read"     // the agent read a file (Path) or listed/grepped (Tool, Query)
	KindFetch    Kind = "fetch"    // the agent fetched a URL
	KindSearch   Kind = "search"   // the agent ran a web search (Query)
	KindMCP      Kind = "mcp"      // the agent called an MCP tool (Server, Tool)
	KindExec     Kind = "exec"     // the agent ran a shell command (Command)
	KindEdit     Kind = "edit"     // the agent created or changed a file (Path, Blob as left)
	KindDelete   Kind = "delete"   // the agent deleted a file (Path)
	KindSubagent Kind = "subagent" // the agent started a subagent (Text)
	KindStop     Kind = "stop"     // the agent finished a turn
	KindEnd      Kind = "end"      // the session ended
	KindScope    Kind = "scope"    // the human declared scope from a terminal (Scope); with no Scope, withdrew those declarations
	KindAttest   Kind = "attest"   // agentcheck attested Commit with the session, covering Files
)

// Scope sources. A directive or a CLI declaration is a hard boundary: the
// human said what the task may change. A mention is a soft one: the human
// pointed the agent at a path, which says less about what else it may touch.
const (
	SourceDirective = "directive" // "scope: GLOB…" on its own line of a prompt
	SourceMention   = "mention"   // "@path" in a prompt
	SourceCLI       = "cli"       // "agentcheck scope add GLOB…" by the human
)

// ScopeDecl is one glob of a session's declared intent and where it came from.
type ScopeDecl struct {
	Glob   string `json:"glob"`
	Source string `json:"source"`
}

// Hard reports whether the declaration is a hard boundary.
func (d ScopeDecl) Hard() bool { return d.Source == SourceDirective || d.Source == SourceCLI }

// Decisions a runtime hook may take on a pre-tool event.
const (
	DecisionDeny = "deny"
	DecisionWarn = "warn"
)

// ZeroBlob is the blob id recorded for a deleted file (SHA-1 repositories).
const ZeroBlob = "0000000000000000000000000000000000000000"

// Event is one normalized line of a session journal. Paths are relative to
// the repository root and slash-separated; a path outside the repository is
// kept absolute (it begins with "/").
type Event struct {
	Time    time.Time `json:"time"`
	Agent   string    `json:"agent"`
	Session string    `json:"session"`
	Kind    Kind      `json:"kind"`

	Path    string `json:"path,omitempty"`
	Blob    string `json:"blob,omitempty"` // git blob id of Path as the agent left it (edit)
	URL     string `json:"url,omitempty"`
	Query   string `json:"query,omitempty"`
	Command string `json:"command,omitempty"`
	Server  string `json:"server,omitempty"` // MCP server
	Tool    string `json:"tool,omitempty"`   // the agent's own tool name (Edit, Bash, an MCP tool)
	Text    string `json:"text,omitempty"`   // prompt text, subagent description

	Scope []ScopeDecl `json:"scope,omitempty"` // on prompt and scope events
	// Origin says what produced a context event: the agent's own name for
	// it ("task-notification", "system") or the shape it was recognised by.
	Origin string `json:"origin,omitempty"`
	// ScopeClaim holds the globs of a scope directive found in a context
	// event: input the human did not write tried to declare scope. It
	// declares nothing; it is kept as a signal.
	ScopeClaim []string `json:"scopeClaim,omitempty"`

	// SubagentID and SubagentType name the subagent that made a tool call
	// in the parent's session, when the agent says so (Claude Code's
	// agent_id and agent_type).
	SubagentID   string `json:"subagentId,omitempty"`
	SubagentType string `json:"subagentType,omitempty"`

	Failed   bool   `json:"failed,omitempty"`   // the tool call reported failure
	Decision string `json:"decision,omitempty"` // deny or warn, when the runtime hook intervened
	Reason   string `json:"reason,omitempty"`   // why it intervened

	Commit string            `json:"commit,omitempty"` // attest events: the commit attested
	Files  map[string]string `json:"files,omitempty"`  // attest events: path → blob the manifest covered

	AgentVersion   string `json:"agentVersion,omitempty"`
	Model          string `json:"model,omitempty"`
	PermissionMode string `json:"permissionMode,omitempty"`
	// Sandbox is the agent's sandbox as the agent recorded it, where it
	// has one (Codex: read-only, workspace-write, danger-full-access).
	Sandbox string `json:"sandbox,omitempty"`
	// Transcript is the file the agent keeps its own transcript of the
	// session in (Claude Code's and Codex's transcript_path), on start and
	// prompt events: attest cross-checks the journal against it. It is
	// never part of a manifest.
	Transcript string `json:"transcript,omitempty"`
}

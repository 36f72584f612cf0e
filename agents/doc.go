// Package agents normalizes the native hook payloads of coding agents into
// journal events ([journal.Event]) and answers their pre-tool hooks in
// each agent's own format.
//
// "agentcheck hook --agent NAME" reads one payload from stdin and calls
// [Parse]; it appends [Hook.Events] to the session journal and, for a
// pre-tool event, checks [Hook.Proposed] against the policy and may refuse
// the call with [Hook.Deny] or flag it with [Hook.Warn]. The package reads
// only the payload, the files a tool call wrote, the .git files on the
// way up to the repository root and, for what payloads no longer say, the
// ends of the agent's own transcript (see transcript.go); it imports
// nothing beyond the standard
// library and the session journal (package provenance/journal, not the
// rest of provenance, which links go-git and SSH), so a hook starts fast on
// every tool call.
//
// # When events are recorded
//
// A shell command is recorded at the pre-tool event: the attempt is what
// matters, and a command killed mid-way (or one that hangs) still leaves its
// line in the journal. It is not recorded again when it finishes. A
// subagent is recorded at its pre-tool event too, so that it precedes the
// tool calls it makes.
//
// Reads, fetches, searches and MCP calls are recorded at the post-tool
// event, once their content has been ingested; edits and deletes too,
// with the file as the tool left it: the git blob id of its content (of
// its target, for a symlink) read from disk, or, when the file is gone, a
// delete with [journal.ZeroBlob]. A move is a delete of the old path and
// an edit of the new one. A file written through a symlink, or through a
// symlinked directory, is recorded at the path it reached as well, which
// is the path git sees. Hashing costs one read of each file written and
// nothing that grows with the repository.
//
// A failed tool call (Claude Code's PostToolUseFailure, Cursor's
// postToolUseFailure) keeps the kind the tool implies, with Failed set and
// the blob of whatever is on disk.
//
// Unknown events and tools record nothing and are not errors: a new agent
// release must never make the hook fail. An unknown tool at the post-tool
// event is not guessed to be a shell command: the journal says only what
// the payload says. A payload that is not a JSON object is an error.
//
// # Paths
//
// Journal paths are relative to the repository root, slash-separated and
// clean; payload paths that are relative are taken relative to the
// payload's working directory; a path outside the repository stays
// absolute. The root is recognised both as found and with symlinks
// resolved, so /tmp/x and /private/tmp/x name the same work tree.
// [FindRepo] finds the repository from the payload's working directory.
//
// A pending write or read through a symlink reaches the symlink's target,
// and one through a symlinked directory reaches the real directory, so a
// [Proposed] effect also names its [Proposed.Target] when it differs:
// enforcement must judge every path of [Proposed.Paths], or an agent could
// write .github/workflows/ci.yml as docs/ci.yml -> ../.github/workflows/ci.yml.
//
// # Claude Code (claude-code)
//
//	SessionStart                       start (version from AI_AGENT)
//	UserPromptSubmit                   prompt (Text), or context (Text, Origin)
//	PreToolUse  Bash, PowerShell       exec (Command)
//	PreToolUse  Agent, Task            subagent (Text = description)
//	PostToolUse Bash                   read (Path, Query) per file it prints
//	PostToolUse Read                   read (Path)
//	PostToolUse Glob, Grep             read (Tool, Query = pattern, Path = path)
//	PostToolUse LS                     read (Path)
//	PostToolUse WebFetch               fetch (URL)
//	PostToolUse WebSearch              search (Query)
//	PostToolUse mcp__SERVER__TOOL      mcp (Server, Tool)
//	PostToolUse ReadMcpResourceTool    mcp (Server)
//	PostToolUse Edit, MultiEdit, Write edit (Path, Blob) or delete
//	PostToolUse NotebookEdit           edit (notebook_path, Blob) or delete
//	PostToolUseFailure (same tools)    as PostToolUse, Failed
//	Stop                               stop
//	SessionEnd                         end
//
// Claude Code 2.1 sends no model: it is read from the transcript's last
// assistant message on UserPromptSubmit, Stop, SessionEnd and before a
// shell command (which may commit), and recorded on that event. A
// subagent's calls carry the parent's session_id and agent_id/agent_type,
// recorded on every event as SubagentID and SubagentType.
//
// Pre-tool proposals: edits for Edit, MultiEdit, Write and NotebookEdit;
// reads for Read, Glob, Grep and LS; exec for Bash and PowerShell; fetch,
// search and mcp likewise. MCP names split at the first "__" after "mcp__":
// servers may hold single underscores.
//
// # Cursor (cursor)
//
//	sessionStart                       start (model, cursor_version)
//	beforeSubmitPrompt                 prompt (Text), or context; attached files in Mentions
//	beforeShellExecution               exec (Command)
//	afterShellExecution                read per file it prints (recorded before it ran)
//	beforeMCPExecution                 nothing; proposes mcp
//	afterMCPExecution                  mcp (Server = server name, URL or command; Tool)
//	beforeReadFile                     nothing; proposes read
//	afterFileEdit                      edit (Path, Blob) or delete
//	preToolUse  Task                   subagent (Text = description)
//	preToolUse  (any other tool)       nothing; proposes its effects
//	postToolUse Read                   read (Path)
//	postToolUse Grep, Glob, LS         read (Tool, Query, Path = search root)
//	postToolUse WebFetch, WebSearch    fetch, search
//	postToolUse Write, StrReplace, Edit, MultiEdit, EditNotebook
//	                                   edit (Path, Blob) or delete
//	postToolUse Delete                 delete (or edit, if the file is still there)
//	postToolUse ApplyPatch             edit / delete per patched file
//	postToolUse Shell, MCP:TOOL        nothing (beforeShellExecution, afterMCPExecution)
//	postToolUseFailure                 as postToolUse, Failed; MCP:TOOL → mcp, Failed
//	stop                               stop
//	sessionEnd                         end
//
// Each shell command and MCP call is journaled by one event only, so it is
// recorded once when both the generic and the specific hooks are
// installed. Edits may be recorded by both postToolUse and afterFileEdit:
// they record the same state of the same file. Cursor identifies an MCP
// server by URL or launch command, and its MCP:TOOL names carry no server
// at all. Claude Code event names (PreToolUse…) are accepted too, for
// Claude Code hooks run by Cursor.
//
// # Codex CLI (codex)
//
//	SessionStart                       start (model, permission mode, version, sandbox)
//	UserPromptSubmit                   prompt (Text), or context (Text, Origin); sandbox
//	PreToolUse  Bash                   exec (Command; an argument vector is shell-quoted)
//	PreToolUse  apply_patch            nothing; proposes the patch's edits, deletes, moves
//	PostToolUse apply_patch            edit / delete per patched file (Update+Move: delete + edit)
//	PostToolUse mcp__SERVER__TOOL      mcp (Server, Tool)
//	PostToolUse Bash                   read per file it prints, or the patch's edits if it ran one
//	SubagentStart                      subagent
//	Stop                               stop (sandbox)
//	SessionEnd                         end (sandbox)
//
// The patch is the raw apply_patch text in tool_input.command; a shell
// call whose command (string, heredoc or ["apply_patch", PATCH]) holds a
// patch is also read as one. See [ParsePatch]. Codex fires no PostToolUse
// for a shell command that runs apply_patch, so such a command's files are
// left in [Hook.Pending] and recorded at the session's next event. The
// sandbox and the CLI version come from the rollout file (transcript_path):
// the payload's permission_mode follows the approval policy alone.
//
// # OpenCode (opencode)
//
//	chat.message                       prompt (Text = text parts, Model); file parts in Mentions;
//	                                   synthetic parts and child sessions' messages: context
//	tool.execute.before bash           exec (Command)
//	tool.execute.after  bash           read per file it prints
//	tool.execute.before task           subagent (Text = description)
//	tool.execute.before (other)        nothing; proposes its effects
//	tool.execute.after  read           read (Path)
//	tool.execute.after  glob, grep, list
//	                                   read (Tool, Query, Path)
//	tool.execute.after  webfetch       fetch (URL)
//	tool.execute.after  websearch, codesearch
//	                                   search (Query)
//	tool.execute.after  edit, write, multiedit
//	                                   edit (Path, Blob) or delete
//	tool.execute.after  apply_patch    edit / delete per patched file
//	tool.execute.after  SERVER_TOOL    mcp (Server, Tool)
//	event session.created              start (agent version)
//	event session.idle                 stop
//	event session.deleted              end
//
// The envelope the plugin sends and the rule that splits SERVER_TOOL are
// described in opencode.go.
//
// # Prompts
//
// Only the human's prompts are recorded as [journal.KindPrompt], the one
// kind of hook event that declares scope. Prompt-like input the human did
// not write — a background subagent's task notification, a scheduled
// wake-up, a slash command's expansion, a compaction summary, a subagent's
// task prompt — is recorded as [journal.KindContext] with its origin. The
// payload decides where the agent says (Claude Code's "source", OpenCode's
// synthetic parts and parent sessions), the text's shape otherwise; see
// prompt.go.
//
// # Mentions
//
// Cursor's attachments and OpenCode's file parts are files the human
// @-mentioned in a prompt; the prompt text may not spell them out. They are
// listed, as the payload names them, in [Hook.Mentions]; the caller turns
// them into soft scope declarations as it does "@path" in the text, and
// into reads, since the agent attaches their content without a tool call.
// Context has no mentions.
//
// # Answers
//
// [Hook.Deny] and [Hook.Warn] write each agent's documented answer; see
// their documentation for the shapes and exit codes.
package agents

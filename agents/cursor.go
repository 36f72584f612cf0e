package agents

import (
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Cursor hook payloads (https://cursor.com/docs/hooks): every event has
// conversation_id, generation_id, hook_event_name, workspace_roots and, in
// current releases, model, cursor_version, user_email and transcript_path.
// Tool-specific events carry their own fields (beforeShellExecution:
// command, cwd; beforeMCPExecution: tool_name, tool_input as a JSON string,
// url or command naming the server; beforeReadFile: file_path, content;
// afterFileEdit: file_path, edits); the generic preToolUse, postToolUse
// and postToolUseFailure carry tool_name (Shell, Read, Write, StrReplace,
// Delete, ApplyPatch, Grep, Glob, WebFetch, Task, MCP:TOOL…), tool_input,
// tool_use_id and cwd.
//
// Cursor also runs Claude Code hooks from .claude/settings.json
// (https://cursor.com/docs/reference/third-party-hooks), mapping the event
// names; such a payload arrives as "claude-code" but is Cursor's, and is
// recognised by its cursor_version or conversation_id.

// isCursorPayload reports whether a payload received as Claude Code's was
// sent by Cursor.
func isCursorPayload(o obj) bool { return o.has("cursor_version", "conversation_id") }

// cursorEvent maps the Claude Code event names Cursor may use when it runs
// Claude Code hooks to Cursor's own.
func cursorEvent(name string) string {
	switch name {
	case "SessionStart":
		return "sessionStart"
	case "SessionEnd":
		return "sessionEnd"
	case "UserPromptSubmit":
		return "beforeSubmitPrompt"
	case "PreToolUse":
		return "preToolUse"
	case "PostToolUse":
		return "postToolUse"
	case "PostToolUseFailure":
		return "postToolUseFailure"
	case "Stop":
		return "stop"
	}
	return name
}

func parseCursor(in Input, o obj) *Hook {
	cwd := o.str("cwd")
	if roots := o.strs("workspace_roots"); cwd == "" && len(roots) > 0 {
		cwd = roots[0]
	}
	b := newBuilder(in, AgentCursor, o.str("conversation_id", "session_id"), o.str("hook_event_name"), cwd)
	b.mode = o.str("permission_mode")
	b.h.Tool = o.str("tool_name")
	tool, input := b.h.Tool, o.obj("tool_input")
	switch cursorEvent(b.h.Event) {
	case "sessionStart":
		b.start(o.str("model"), o.str("cursor_version"))
	case "beforeSubmitPrompt":
		// Cursor says nothing of where a prompt came from: its shape decides.
		text := o.str("prompt")
		if !b.userPrompt(text, injectedOrigin(text)) {
			break
		}
		for _, a := range o.objs("attachments") {
			if t := a.str("type"); t == "file" || t == "folder" || t == "" {
				if p := a.str("filePath", "file_path", "path"); p != "" {
					b.h.Mentions = append(b.h.Mentions, p)
				}
			}
		}
	case "beforeShellExecution":
		b.h.Phase, b.h.Tool = PhasePre, "Shell"
		b.exec("Shell", o.str("command"))
	case "afterShellExecution":
		b.h.Phase, b.h.Tool = PhasePost, "Shell" // the command was recorded before it ran
		b.shellReads("Shell", o.str("command"), false)
	case "beforeMCPExecution":
		b.h.Phase = PhasePre
		b.propose(Proposed{Kind: journal.KindMCP, Server: cursorServer(o), Tool: tool})
	case "afterMCPExecution":
		b.h.Phase = PhasePost
		b.mcp(cursorServer(o), tool, false)
	case "beforeReadFile":
		b.h.Phase = PhasePre
		b.proposePath(journal.KindRead, "Read", o.str("file_path"))
	case "afterFileEdit":
		b.h.Phase = PhasePost
		b.asLeft(tool, o.str("file_path"), journal.KindEdit, false)
	case "preToolUse":
		b.h.Phase = PhasePre
		cursorPre(b, tool, input)
	case "postToolUse", "postToolUseFailure":
		b.h.Phase = PhasePost
		cursorPost(b, tool, input, cursorEvent(b.h.Event) == "postToolUseFailure")
	case "stop":
		b.simple(journal.KindStop)
	case "sessionEnd":
		b.simple(journal.KindEnd)
	}
	return b.h
}

// cursorServer names the MCP server of a beforeMCPExecution or
// afterMCPExecution payload. Cursor identifies a server by its URL or its
// launch command rather than by its configured name; a server name is used
// when a payload has one.
func cursorServer(o obj) string { return o.str("server_name", "server", "url", "command") }

// cursorMCP splits Cursor's generic MCP tool name, "MCP:TOOL". The server
// is not part of it.
func cursorMCP(tool string) (string, bool) {
	name, ok := strings.CutPrefix(tool, "MCP:")
	return name, ok && name != ""
}

// cursorFile returns the file a Cursor tool acts on; Cursor's tools name it
// file_path, path or target_file, and Claude Code's notebook_path.
func cursorFile(in obj) string {
	return in.str("file_path", "path", "target_file", "filePath", "notebook_path")
}

// cursorPatch returns the patch text of an ApplyPatch call.
func cursorPatch(in obj) string {
	for _, k := range []string{"patch", "patchText", "input", "command", "diff"} {
		if s := in.str(k); strings.Contains(s, patchBegin) {
			return s
		}
	}
	return ""
}

func isCursorEdit(tool string) bool {
	switch tool {
	case "Write", "StrReplace", "Edit", "MultiEdit", "EditNotebook", "NotebookEdit", "edit_file", "search_replace":
		return true
	}
	return false
}

func isCursorShell(tool string) bool { return tool == "Shell" || tool == "Bash" }

// cursorPre proposes the effects of a pending tool call. Shell commands are
// journaled by beforeShellExecution, not here, so a command is recorded
// once when both hooks are installed.
func cursorPre(b *builder, tool string, in obj) {
	if name, ok := cursorMCP(tool); ok {
		b.propose(Proposed{Kind: journal.KindMCP, Server: cursorServer(in), Tool: name})
		return
	}
	switch {
	case isCursorShell(tool):
		if c := in.str("command"); c != "" {
			b.propose(Proposed{Kind: journal.KindExec, Command: c, Tool: tool})
		}
	case isCursorEdit(tool):
		b.proposePath(journal.KindEdit, tool, cursorFile(in))
	case tool == "Delete":
		b.proposePath(journal.KindDelete, tool, cursorFile(in))
	case tool == "ApplyPatch":
		if ops, _ := ParsePatch(cursorPatch(in)); len(ops) > 0 {
			b.proposePatch(tool, ops)
		} else {
			b.proposePath(journal.KindEdit, tool, cursorFile(in))
		}
	case tool == "Read":
		b.proposePath(journal.KindRead, tool, cursorFile(in))
	case tool == "Grep", tool == "Glob", tool == "LS":
		b.propose(Proposed{Kind: journal.KindRead, Path: b.path(cursorSearchRoot(in)), Query: cursorPattern(in), Tool: tool})
	case tool == "WebFetch":
		b.propose(Proposed{Kind: journal.KindFetch, URL: in.str("url"), Tool: tool})
	case tool == "WebSearch":
		b.propose(Proposed{Kind: journal.KindSearch, Query: in.str("search_term", "query"), Tool: tool})
	case tool == "Task":
		b.subagent(tool, in.str("description", "prompt"))
	}
}

// cursorPost records what a finished tool call ingested or left on disk.
// Shell commands were recorded before they ran, and successful MCP calls
// are recorded by afterMCPExecution, which names the server; edits are
// recorded here and by afterFileEdit alike, since the state a file was
// left in may be recorded twice without changing what the session did.
func cursorPost(b *builder, tool string, in obj, failed bool) {
	if name, ok := cursorMCP(tool); ok {
		if failed { // afterMCPExecution reports successful calls only
			b.mcp(cursorServer(in), name, true)
		}
		return
	}
	switch {
	case isCursorEdit(tool):
		b.asLeft(tool, cursorFile(in), journal.KindEdit, failed)
	case tool == "Delete":
		b.asLeft(tool, cursorFile(in), journal.KindDelete, failed)
	case tool == "ApplyPatch":
		if ops, _ := ParsePatch(cursorPatch(in)); len(ops) > 0 {
			b.patchAsLeft(tool, ops, failed)
		} else {
			b.asLeft(tool, cursorFile(in), journal.KindEdit, failed)
		}
	case tool == "Read":
		b.read(tool, cursorFile(in), "", failed)
	case tool == "Grep", tool == "Glob", tool == "LS":
		b.read(tool, cursorSearchRoot(in), cursorPattern(in), failed)
	case tool == "WebFetch":
		b.fetch(tool, in.str("url"), failed)
	case tool == "WebSearch":
		b.search(tool, in.str("search_term", "query"), failed)
	}
}

func cursorSearchRoot(in obj) string {
	return in.str("target_directory", "path", "directory")
}

func cursorPattern(in obj) string {
	return in.str("glob_pattern", "pattern", "query", "regex")
}

package agents

import (
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Claude Code hook payloads (https://code.claude.com/docs/en/hooks): every
// event has session_id, transcript_path, cwd, permission_mode and
// hook_event_name; tool events add tool_name, tool_input and tool_use_id,
// PostToolUse tool_response, PostToolUseFailure error and is_interrupt.

// newClaudeLikeBuilder reads the fields Claude Code and Codex share.
func newClaudeLikeBuilder(in Input, agent string, o obj) (*builder, string, obj) {
	b := newBuilder(in, agent, o.str("session_id"), o.str("hook_event_name"), o.str("cwd"))
	b.mode = o.str("permission_mode")
	b.transcript = transcriptPath(o.str("transcript_path"))
	b.setSubagent(o.str("agent_id"), o.str("agent_type"))
	b.h.Tool = o.str("tool_name")
	return b, b.h.Tool, o.obj("tool_input")
}

func parseClaude(in Input, o obj) *Hook {
	b, tool, input := newClaudeLikeBuilder(in, AgentClaude, o)
	switch b.h.Event {
	case "SessionStart":
		b.start(o.str("model"), claudeVersionFromEnv(b.getenv("AI_AGENT")))
	case "UserPromptSubmit":
		text := o.str("prompt")
		b.userPrompt(text, promptOrigin(o.str("source"), text))
		claudeModel(b, o)
	case "PreToolUse":
		b.h.Phase = PhasePre
		claudePre(b, tool, input)
		if tool == "Bash" || tool == "PowerShell" {
			claudeModel(b, o) // a commit made by this command is attested before the turn ends
		}
	case "PostToolUse", "PostToolUseFailure":
		b.h.Phase = PhasePost
		claudePost(b, tool, input, b.h.Event == "PostToolUseFailure")
	case "Stop":
		b.simple(journal.KindStop)
		claudeModel(b, o)
	case "SessionEnd":
		b.simple(journal.KindEnd)
		claudeModel(b, o)
	}
	return b.h
}

// claudeModel sets the model, and the version, on the event just added:
// the payload's when it names one, else the transcript's (see
// transcript.go). It reads the transcript only on the events that record
// once a turn, and before a shell command, which may commit.
func claudeModel(b *builder, o obj) {
	e := b.last()
	if e == nil {
		return
	}
	if m := o.str("model"); m != "" {
		e.Model = m
		return
	}
	e.Model, e.AgentVersion = claudeTranscriptModel(o.str("transcript_path"))
}

// claudePre records what Claude Code records before a tool runs (shell
// commands, subagents) and proposes the call's effects.
func claudePre(b *builder, tool string, in obj) {
	if server, name, ok := splitMCP(tool); ok {
		b.propose(Proposed{Kind: journal.KindMCP, Server: server, Tool: name})
		return
	}
	switch tool {
	case "Bash", "PowerShell":
		b.exec(tool, in.str("command"))
	case "Agent", "Task":
		b.subagent(tool, in.str("description", "prompt"))
	case "Edit", "MultiEdit", "Write":
		b.proposePath(journal.KindEdit, tool, in.str("file_path"))
	case "NotebookEdit":
		b.proposePath(journal.KindEdit, tool, in.str("notebook_path"))
	case "Read":
		b.proposePath(journal.KindRead, tool, in.str("file_path"))
	case "Glob", "Grep", "LS":
		b.propose(Proposed{Kind: journal.KindRead, Path: b.path(in.str("path")), Query: in.str("pattern"), Tool: tool})
	case "WebFetch":
		b.propose(Proposed{Kind: journal.KindFetch, URL: in.str("url"), Tool: tool})
	case "WebSearch":
		b.propose(Proposed{Kind: journal.KindSearch, Query: in.str("query"), Tool: tool})
	case "ReadMcpResourceTool", "ListMcpResourcesTool":
		b.propose(Proposed{Kind: journal.KindMCP, Server: in.str("server"), Tool: tool})
	}
}

// claudePost records what a finished tool call ingested or left on disk.
func claudePost(b *builder, tool string, in obj, failed bool) {
	if server, name, ok := splitMCP(tool); ok {
		b.mcp(server, name, failed)
		return
	}
	switch tool {
	case "Bash":
		b.shellReads(tool, in.str("command"), failed)
	case "Read":
		b.read(tool, in.str("file_path"), "", failed)
	case "Glob", "Grep":
		b.read(tool, in.str("path"), in.str("pattern"), failed)
	case "LS":
		b.read(tool, in.str("path"), "", failed)
	case "WebFetch":
		b.fetch(tool, in.str("url"), failed)
	case "WebSearch":
		b.search(tool, in.str("query"), failed)
	case "ReadMcpResourceTool", "ListMcpResourcesTool":
		b.mcp(in.str("server"), tool, failed)
	case "Edit", "MultiEdit", "Write":
		b.asLeft(tool, in.str("file_path"), journal.KindEdit, failed)
	case "NotebookEdit":
		b.asLeft(tool, in.str("notebook_path"), journal.KindEdit, failed)
	}
}

// splitMCP splits a Claude Code or Codex MCP tool name, mcp__SERVER__TOOL.
// Server names may contain single underscores ("my_server"), so the server
// ends at the first double underscore after the prefix and the tool is the
// rest, double underscores included. Claude Code's plugin servers
// (mcp__plugin_NAME_SERVER__TOOL) keep their "plugin_" prefix.
func splitMCP(name string) (server, tool string, ok bool) {
	rest, ok := strings.CutPrefix(name, "mcp__")
	if !ok {
		return "", "", false
	}
	server, tool, ok = strings.Cut(rest, "__")
	if !ok || server == "" || tool == "" {
		return "", "", false
	}
	return server, tool, true
}

package agents

import (
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Codex CLI hook payloads (https://developers.openai.com/codex/hooks,
// codex-rs/hooks/src/schema.rs) have Claude Code's shape: session_id,
// transcript_path, cwd, hook_event_name, model and permission_mode on every
// event, turn_id on turn events, tool_name/tool_input/tool_use_id on tool
// events. Shell tools arrive as "Bash" with tool_input.command; edits as
// "apply_patch" with the raw patch in tool_input.command; MCP tools as
// mcp__SERVER__TOOL with their arguments as tool_input. Codex has no
// failure event: PostToolUse fires after a shell command's non-zero exit
// too, and a failed patch simply leaves the files as they were.

func parseCodex(in Input, o obj) *Hook {
	b, tool, input := newClaudeLikeBuilder(in, AgentCodex, o)
	switch b.h.Event {
	case "SessionStart":
		b.start(o.str("model"), codexVersion(o.str("transcript_path")))
		codexPermissions(b, o)
	case "UserPromptSubmit":
		// Codex says nothing of where a prompt came from: its shape decides.
		text := o.str("prompt")
		b.userPrompt(text, injectedOrigin(text))
		codexPermissions(b, o)
	case "PreToolUse":
		b.h.Phase = PhasePre
		codexPre(b, tool, input)
	case "PostToolUse":
		b.h.Phase = PhasePost
		codexPost(b, tool, input)
	case "SubagentStart":
		b.subagent("", o.str("description", "prompt", "agent_type"))
	case "Stop":
		b.simple(journal.KindStop)
		codexPermissions(b, o)
	case "SessionEnd":
		b.simple(journal.KindEnd)
		codexPermissions(b, o)
	}
	return b.h
}

// codexPermissions sets the sandbox the session's last turn ran in on the
// event just added, from the rollout file. Codex's permission_mode
// follows its approval policy alone: codex exec, which never asks, reports
// bypassPermissions even inside the workspace-write sandbox, so what the
// agent could do takes both. It is read on the events that record once a
// turn.
func codexPermissions(b *builder, o obj) {
	if e := b.last(); e != nil {
		e.Sandbox = codexSandbox(o.str("transcript_path"))
	}
}

// isCodexShell reports whether tool is one of the names Codex has given its
// shell tools; current releases report them all as "Bash".
func isCodexShell(tool string) bool {
	switch tool {
	case "Bash", "shell", "local_shell", "container.exec", "exec_command", "shell_command", "unified_exec":
		return true
	}
	return false
}

func codexPre(b *builder, tool string, in obj) {
	if server, name, ok := splitMCP(tool); ok {
		b.propose(Proposed{Kind: journal.KindMCP, Server: server, Tool: name})
		return
	}
	switch {
	case tool == "apply_patch":
		if ops, _ := ParsePatch(codexPatchText(in)); len(ops) > 0 {
			b.proposePatch(tool, ops)
		}
	case isCodexShell(tool):
		line, _ := in.command("command")
		b.exec(tool, line)
		// A model may still run apply_patch through the shell
		// (["apply_patch", "*** Begin Patch…"] or a heredoc). Codex fires
		// no PostToolUse for such a command, so the files it patches are
		// left pending, to be recorded at the session's next event.
		if ops, _ := ParsePatch(codexPatchText(in)); len(ops) > 0 {
			b.proposePatch(tool, ops)
			for _, op := range ops {
				b.h.Pending = append(b.h.Pending, b.path(op.Path))
				if op.MoveTo != "" {
					b.h.Pending = append(b.h.Pending, b.path(op.MoveTo))
				}
			}
		}
	}
}

func codexPost(b *builder, tool string, in obj) {
	if server, name, ok := splitMCP(tool); ok {
		b.mcp(server, name, false)
		return
	}
	if tool == "apply_patch" || isCodexShell(tool) {
		if ops, _ := ParsePatch(codexPatchText(in)); len(ops) > 0 {
			b.patchAsLeft(tool, ops, false)
			return
		}
	}
	if isCodexShell(tool) {
		line, _ := in.command("command")
		b.shellReads(tool, line, false)
	}
}

// codexPatchText returns the patch an apply_patch call carries: the
// command string (the patch itself, or a shell heredoc around it), the
// element of an argument vector that holds it, or the "input"/"patch"
// field of older or freeform calls. It returns "" when there is none.
func codexPatchText(in obj) string {
	for _, k := range []string{"command", "input", "patch"} {
		if s := in.str(k); strings.Contains(s, patchBegin) {
			return s
		}
	}
	for _, a := range in.strs("command") {
		if strings.Contains(a, patchBegin) {
			return a
		}
	}
	return ""
}

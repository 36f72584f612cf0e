package agents

import (
	"encoding/json"
	"fmt"
	"io"
)

// claudeDeny is Claude Code's and Codex's PreToolUse decision.
type claudeDeny struct {
	HookSpecificOutput struct {
		HookEventName            string `json:"hookEventName"`
		PermissionDecision       string `json:"permissionDecision"`
		PermissionDecisionReason string `json:"permissionDecisionReason"`
	} `json:"hookSpecificOutput"`
}

// cursorDeny is Cursor's answer to a permission event.
type cursorDeny struct {
	Permission   string `json:"permission"`
	UserMessage  string `json:"user_message,omitempty"`
	AgentMessage string `json:"agent_message,omitempty"`
}

// Deny writes the agent's native answer refusing a pending tool call and
// returns the exit code the hook process must exit with. Only pre-tool
// events can be denied: for any other event Deny writes nothing and
// returns 0.
//
//   - Claude Code and Codex: exit 0 with
//     {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":REASON}}
//     on stdout. Both agents also block on exit 2 with the reason on stderr,
//     but the JSON form is their documented decision-control interface: it
//     names the decision rather than overloading an exit status, the reason
//     goes to the model as permissionDecisionReason, and a deny holds even
//     in bypassPermissions mode.
//   - Cursor: {"permission":"deny","user_message":REASON,"agent_message":REASON}
//     on stdout ({"permission":"deny"} alone for beforeReadFile, whose answer
//     has no messages), the reason on stderr, and exit 2. Cursor documents
//     exit 2 as a deny as well, so the call is refused whichever channel a
//     Cursor release reads, including when it runs the hook as a Claude Code
//     hook.
//   - OpenCode: the reason on stderr and exit 2; the plugin throws an Error
//     with it, which aborts the tool call.
func (h *Hook) Deny(stdout, stderr io.Writer, reason string) (exitCode int) {
	if h.Phase != PhasePre {
		return 0
	}
	switch h.Agent {
	case AgentClaude, AgentCodex:
		var d claudeDeny
		d.HookSpecificOutput.HookEventName = "PreToolUse"
		d.HookSpecificOutput.PermissionDecision = "deny"
		d.HookSpecificOutput.PermissionDecisionReason = reason
		writeJSON(stdout, d)
		return 0
	case AgentCursor:
		d := cursorDeny{Permission: "deny"}
		if h.Event != "beforeReadFile" {
			d.UserMessage, d.AgentMessage = reason, reason
		}
		writeJSON(stdout, d)
		fmt.Fprintln(stderr, reason)
		return 2
	default:
		fmt.Fprintln(stderr, reason)
		return 2
	}
}

// Warn surfaces reason without blocking anything and returns the exit code
// (always 0).
//
//   - Claude Code and Codex: {"systemMessage":REASON} on stdout, which both
//     show to the user on any event.
//   - Cursor and OpenCode have no answer that warns without deciding: a
//     Cursor "allow" would also skip the user's approval prompt. The reason
//     goes to stderr, which Cursor shows in its hooks output and the
//     OpenCode plugin may log.
func (h *Hook) Warn(stdout, stderr io.Writer, reason string) (exitCode int) {
	switch h.Agent {
	case AgentClaude, AgentCodex:
		writeJSON(stdout, struct {
			SystemMessage string `json:"systemMessage"`
		}{reason})
	default:
		fmt.Fprintln(stderr, "agentcheck: warning: "+reason)
	}
	return 0
}

func writeJSON(w io.Writer, v any) {
	b, _ := json.Marshal(v) // fixed struct types of strings: cannot fail
	w.Write(append(b, '\n'))
}

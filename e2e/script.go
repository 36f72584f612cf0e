package e2e

import (
	"strings"
)

// A Call is one tool call the scripted model makes, in a form that does
// not depend on the agent: the server translates it into the agent's own
// tool (Claude Code's Write, Codex's apply_patch…). Exactly one field is
// set.
type Call struct {
	// Read reads a file: Claude Code's and OpenCode's read, a cat through
	// Codex's shell.
	Read string `json:"read,omitempty"`
	// Write creates or overwrites a file: Claude Code's Write, Codex's and
	// OpenCode's apply_patch ("*** Add File").
	Write *WriteCall `json:"write,omitempty"`
	// Shell runs a command: Claude Code's Bash, Codex's exec_command,
	// OpenCode's bash.
	Shell string `json:"shell,omitempty"`
	// ShellPatch runs Codex's apply_patch through the shell, as a heredoc
	// (the patch text, without the heredoc around it).
	ShellPatch string `json:"shellPatch,omitempty"`
	// Subagent starts a subagent (Claude Code's Agent tool, OpenCode's
	// task) with a prompt.
	Subagent *SubagentCall `json:"subagent,omitempty"`
	// Tool is a call of a named tool with its input as given, for what the
	// fields above do not cover (ToolSearch, WebFetch).
	Tool *ToolCall `json:"tool,omitempty"`
}

// WriteCall writes Content to Path.
type WriteCall struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// SubagentCall starts a subagent.
type SubagentCall struct {
	Description string `json:"description"`
	Prompt      string `json:"prompt"`
	Background  bool   `json:"background,omitempty"`
}

// ToolCall calls a tool by its agent-specific name.
type ToolCall struct {
	Name  string         `json:"name"`
	Input map[string]any `json:"input"`
}

// A Turn is one answer of the model: a tool call, or (Call nil) a final
// text that ends the model's turn.
type Turn struct {
	Text string `json:"text,omitempty"`
	Call *Call  `json:"call,omitempty"`
	// Agents restricts the turn to some agents; empty means all.
	Agents []string `json:"agents,omitempty"`
}

// A Thread is a conversation the model plays: the main session, or a
// subagent's. The server recognises a thread by its first user message,
// which starts with Match (after the agent's own context blocks), and
// plays its Turns in order: the n-th answer in a thread is Turns[n]; past
// the end it answers "Done.".
type Thread struct {
	Match string `json:"match"`
	Turns []Turn `json:"turns"`
}

// Script is what the model plays in one scenario with one agent.
type Script struct {
	Threads []Thread `json:"threads"`
	// Root is the repository the session works in: relative paths of
	// Claude Code's and OpenCode's file tools, which take absolute ones,
	// are joined to it.
	Root string `json:"-"`
	// Agent is the agent the script is played to, which decides how a
	// call becomes a tool call (Codex and OpenCode both speak the
	// Responses API, with different tools).
	Agent string `json:"-"`
}

// thread returns the thread whose Match the first user message starts
// with, the longest match winning, or nil.
func (s *Script) thread(firstUser []string) *Thread {
	var best *Thread
	for i := range s.Threads {
		t := &s.Threads[i]
		for _, text := range firstUser {
			// OpenCode's run quotes the message it is given.
			text = strings.TrimLeft(text, " \t\r\n\"")
			if strings.HasPrefix(text, t.Match) && (best == nil || len(t.Match) > len(best.Match)) {
				best = t
			}
		}
	}
	return best
}

// next returns the answer of a thread after n earlier answers.
func (t *Thread) next(n int) Turn {
	if n < len(t.Turns) {
		return t.Turns[n]
	}
	return Turn{Text: "Done."}
}

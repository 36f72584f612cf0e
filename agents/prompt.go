package agents

import (
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Which prompts are the human's. Every agent delivers some input that the
// human did not type through its prompt hook: Claude Code fires
// UserPromptSubmit for a background subagent's completion (a
// <task-notification> carrying the subagent's final text), for peer and
// channel messages and for scheduled wake-ups; slash commands arrive
// expanded from files in the repository; a compacted session resumes with
// a summary the model wrote. Such text is model-controlled: were it taken
// for the human's, a subagent could declare its own scope by ending its
// answer with "scope: .github/workflows/**".
//
// So a prompt is the human's only when nothing says otherwise: the
// payload's own word where the agent gives one (Claude Code's "source":
// "user" or "sdk"; OpenCode's synthetic parts and the prompts of child
// sessions), and, since payloads may omit that word, the text's shape: the
// tagged blocks and the summary preamble the agents themselves generate.
// The shape can only take a prompt away from the human, never give one:
// text that holds such a block anywhere is context as a whole, since a
// model that writes the closing tag itself could otherwise leave a line
// outside the block. Input that is not the human's is journaled as
// [journal.KindContext]: it is part of the record, but declares no scope
// and mentions no files.

// humanSources are the values of Claude Code's UserPromptSubmit "source"
// that mean a person wrote the prompt: the interactive composer, and the
// non-interactive entry point (-p, the Agent SDK) through which a person
// or their program passes the task. Other values (system, loop_wakeup,
// schedule_wakeup, poll_event, and any the field gains later) are not.
var humanSources = map[string]bool{"": true, "user": true, "sdk": true}

// injectedTags are the tags of the blocks agents generate into the prompt
// stream: Claude Code's (task notifications, peer and channel messages,
// slash-command expansions, local command output, hook output) and Codex
// CLI's (subagent notifications, environment and instructions blocks,
// shell command output).
var injectedTags = []string{
	"task-notification", "teammate-message", "cross-session-message", "channel-message",
	"command-name", "command-message", "command-args", "local-command-stdout", "local-command-stderr",
	"local-command-caveat", "bash-stdout", "bash-stderr", "user-prompt-submit-hook", "system-reminder",
	"subagent_notification", "agent_message_board_notification", "environment_context", "user_instructions",
	"user_shell_command", "turn_aborted", "startup_context",
}

// summaryPreambles begin the summary an agent resumes a compacted
// conversation with.
var summaryPreambles = []string{
	"This session is being continued from a previous conversation",
}

// injectedOrigin returns the origin of text that has the shape of input an
// agent generates: the tag of the first generated block it holds, or
// "compaction-summary"; "" when it has neither.
func injectedOrigin(text string) string {
	trimmed := strings.TrimSpace(text)
	for _, p := range summaryPreambles {
		if strings.HasPrefix(trimmed, p) {
			return "compaction-summary"
		}
	}
	first, origin := -1, ""
	for _, tag := range injectedTags {
		i := indexTag(text, tag)
		if i >= 0 && (first < 0 || i < first) {
			first, origin = i, tag
		}
	}
	return origin
}

// indexTag returns the index of the first opening tag <tag> or <tag …> in
// text, or -1.
func indexTag(text, tag string) int {
	open := "<" + tag
	for off := 0; ; {
		i := strings.Index(text[off:], open)
		if i < 0 {
			return -1
		}
		i += off
		if end := i + len(open); end < len(text) && (text[end] == '>' || text[end] == ' ' || text[end] == '\n' || text[end] == '\t') {
			return i
		}
		off = i + len(open)
	}
}

// promptOrigin decides whether a prompt the agent reported is the human's:
// it returns "" when it is, and otherwise the origin to record it with.
// source is the payload's own word for where the prompt came from ("" when
// it gives none).
func promptOrigin(source, text string) string {
	if !humanSources[source] {
		return source
	}
	return injectedOrigin(text)
}

// userPrompt records a prompt: as the human's prompt when origin is "", as
// context otherwise. It reports whether it was the human's.
func (b *builder) userPrompt(text, origin string) bool {
	if origin == "" {
		b.prompt(text)
		return true
	}
	e := b.ev(journal.KindContext)
	e.Text = text
	e.Origin = origin
	b.add(e)
	return false
}

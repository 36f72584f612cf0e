package agents

// SessionVars are the environment variables coding agents set for the
// commands they run. agentcheck's commit hooks know a commit is made inside
// an agent session by them; approve and scope, a human's decisions, refuse
// to run where one is set; and the runtime gate refuses a commit made with
// them changed or unset.
func SessionVars() []string {
	return []string{"CLAUDECODE", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID", "CURSOR_AGENT", "OPENCODE", "OPENCODE_SESSION_ID", "AI_AGENT"}
}

// InSession returns the first of SessionVars that is set, or "" outside an
// agent session.
func InSession(getenv func(string) string) string {
	for _, k := range SessionVars() {
		if getenv(k) != "" {
			return k
		}
	}
	return ""
}

// SessionFromEnv returns the agent session whose shell this process runs
// in, as the agent's environment names it: Claude Code gives its shell
// commands CLAUDE_CODE_SESSION_ID, Codex CODEX_THREAD_ID, and some OpenCode
// builds OPENCODE_SESSION_ID. Cursor names none; its commits (and
// OpenCode's) are found by their pending edits.
func SessionFromEnv(getenv func(string) string) (agent, id string, ok bool) {
	if id := getenv("CLAUDE_CODE_SESSION_ID"); id != "" {
		return AgentClaude, id, true
	}
	if id := getenv("CODEX_THREAD_ID"); id != "" {
		return AgentCodex, id, true
	}
	if id := getenv("OPENCODE_SESSION_ID"); id != "" {
		return AgentOpenCode, id, true
	}
	return "", "", false
}

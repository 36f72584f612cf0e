package agents

import "testing"

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestInSession(t *testing.T) {
	if v := InSession(envOf(nil)); v != "" {
		t.Errorf("no agent: %q", v)
	}
	for _, v := range SessionVars() {
		if got := InSession(envOf(map[string]string{v: "1"})); got != v {
			t.Errorf("%s set: InSession = %q", v, got)
		}
	}
}

func TestSessionFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env       map[string]string
		agent, id string
	}{
		{nil, "", ""},
		{map[string]string{"CLAUDECODE": "1"}, "", ""},
		{map[string]string{"CURSOR_AGENT": "1"}, "", ""},
		{map[string]string{"CLAUDE_CODE_SESSION_ID": "s1"}, AgentClaude, "s1"},
		{map[string]string{"CODEX_THREAD_ID": "t1"}, AgentCodex, "t1"},
		{map[string]string{"OPENCODE_SESSION_ID": "o1"}, AgentOpenCode, "o1"},
		{map[string]string{"CODEX_THREAD_ID": "t1", "CLAUDE_CODE_SESSION_ID": "s1"}, AgentClaude, "s1"},
	} {
		agent, id, ok := SessionFromEnv(envOf(tc.env))
		if agent != tc.agent || id != tc.id || ok != (tc.id != "") {
			t.Errorf("%v: %q %q %v", tc.env, agent, id, ok)
		}
	}
}

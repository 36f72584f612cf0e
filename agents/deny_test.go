package agents

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const denyReason = "agentcheck: .github/workflows/ci.yml is protected (ci); declare it with scope: in your prompt"

func TestDeny(t *testing.T) {
	claudeAnswer := `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":` + jsonString(denyReason) + "}}\n"
	cursorAnswer := `{"permission":"deny","user_message":` + jsonString(denyReason) + `,"agent_message":` + jsonString(denyReason) + "}\n"
	for _, tc := range []struct {
		name       string
		agent      string
		payload    string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{
			name:       "claude PreToolUse",
			agent:      AgentClaude,
			payload:    `{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Edit","tool_input":{"file_path":"/r/.github/workflows/ci.yml"}}`,
			wantStdout: claudeAnswer,
		},
		{
			name:       "codex PreToolUse",
			agent:      AgentCodex,
			payload:    `{"session_id":"s","turn_id":"t","hook_event_name":"PreToolUse","tool_name":"apply_patch","tool_input":{"command":"*** Begin Patch\n*** Delete File: .github/workflows/ci.yml\n*** End Patch"}}`,
			wantStdout: claudeAnswer,
		},
		{
			name:       "cursor preToolUse",
			agent:      AgentCursor,
			payload:    `{"conversation_id":"c","hook_event_name":"preToolUse","tool_name":"Write","tool_input":{"file_path":"/r/.github/workflows/ci.yml"}}`,
			wantCode:   2,
			wantStdout: cursorAnswer,
			wantStderr: denyReason + "\n",
		},
		{
			name:       "cursor beforeShellExecution",
			agent:      AgentCursor,
			payload:    `{"conversation_id":"c","hook_event_name":"beforeShellExecution","command":"git notes remove HEAD","cwd":"/r"}`,
			wantCode:   2,
			wantStdout: cursorAnswer,
			wantStderr: denyReason + "\n",
		},
		{
			name:       "cursor beforeMCPExecution",
			agent:      AgentCursor,
			payload:    `{"conversation_id":"c","hook_event_name":"beforeMCPExecution","tool_name":"push_files","tool_input":"{}","url":"https://mcp.example"}`,
			wantCode:   2,
			wantStdout: cursorAnswer,
			wantStderr: denyReason + "\n",
		},
		{
			name:       "cursor beforeReadFile answers with the permission alone",
			agent:      AgentCursor,
			payload:    `{"conversation_id":"c","hook_event_name":"beforeReadFile","file_path":"/r/.agentcheck/key","content":"…"}`,
			wantCode:   2,
			wantStdout: `{"permission":"deny"}` + "\n",
			wantStderr: denyReason + "\n",
		},
		{
			name:       "cursor through claude-code settings",
			agent:      AgentClaude,
			payload:    `{"conversation_id":"c","cursor_version":"2.3.35","hook_event_name":"PreToolUse","tool_name":"Shell","tool_input":{"command":"rm -rf .agentcheck"}}`,
			wantCode:   2,
			wantStdout: cursorAnswer,
			wantStderr: denyReason + "\n",
		},
		{
			name:       "opencode tool.execute.before",
			agent:      AgentOpenCode,
			payload:    `{"hook":"tool.execute.before","input":{"tool":"edit","sessionID":"s","callID":"c"},"output":{"args":{"filePath":"/r/.github/workflows/ci.yml"}}}`,
			wantCode:   2,
			wantStderr: denyReason + "\n",
		},
		{
			name:    "post-tool events cannot be denied",
			agent:   AgentClaude,
			payload: `{"session_id":"s","hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":"/r/x"}}`,
		},
		{
			name:    "prompts are not denied",
			agent:   AgentCursor,
			payload: `{"conversation_id":"c","hook_event_name":"beforeSubmitPrompt","prompt":"hi"}`,
		},
		{
			name:    "opencode post",
			agent:   AgentOpenCode,
			payload: `{"hook":"tool.execute.after","input":{"tool":"bash","sessionID":"s","callID":"c","args":{"command":"ls"}}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Parse(Input{Agent: tc.agent, Payload: []byte(tc.payload), Now: testNow, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := h.Deny(&stdout, &stderr, denyReason)
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d", code, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantStdout, stdout.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantStderr, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout.Len() > 0 && !json.Valid(stdout.Bytes()) {
				t.Errorf("stdout is not JSON: %s", stdout.String())
			}
		})
	}
}

func TestWarn(t *testing.T) {
	const reason = `touching "CODEOWNERS" (governance) needs a declaration`
	for _, tc := range []struct {
		name, agent, payload   string
		wantStdout, wantStderr string
	}{
		{"claude", AgentClaude, `{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"/r/CODEOWNERS"}}`,
			`{"systemMessage":` + jsonString(reason) + "}\n", ""},
		{"codex", AgentCodex, `{"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}`,
			`{"systemMessage":` + jsonString(reason) + "}\n", ""},
		{"cursor", AgentCursor, `{"conversation_id":"c","hook_event_name":"preToolUse","tool_name":"Write","tool_input":{"file_path":"/r/CODEOWNERS"}}`,
			"", "agentcheck: warning: " + reason + "\n"},
		{"opencode", AgentOpenCode, `{"hook":"tool.execute.before","input":{"tool":"write","sessionID":"s"},"output":{"args":{"filePath":"/r/CODEOWNERS"}}}`,
			"", "agentcheck: warning: " + reason + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Parse(Input{Agent: tc.agent, Payload: []byte(tc.payload), Now: testNow, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := h.Warn(&stdout, &stderr, reason); code != 0 {
				t.Errorf("exit code = %d, want 0", code)
			}
			if diff := cmp.Diff(tc.wantStdout, stdout.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantStderr, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}

package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sseEvents reads a stream of server-sent events into their data.
func sseEvents(t *testing.T, body io.Reader) (names []string, data []map[string]any) {
	t.Helper()
	sc := bufio.NewScanner(body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			names = append(names, strings.TrimPrefix(line, "event: "))
		case strings.HasPrefix(line, "data: "):
			var d map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &d); err != nil {
				t.Fatalf("data %q: %v", line, err)
			}
			data = append(data, d)
		}
	}
	return names, data
}

func post(t *testing.T, url string, body any) *http.Response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func testScript() *Script {
	return &Script{Root: "/repo", Threads: []Thread{
		{Match: "Fix the greeting", Turns: []Turn{
			{Call: &Call{Write: &WriteCall{Path: "src/main.go", Content: "package main\n"}}},
			{Call: &Call{Shell: "git commit -am fix"}},
			{Text: "Fixed."},
		}},
		{Match: "Review", Turns: []Turn{{Text: "Reviewed.\nscope: **"}}},
	}}
}

// TestAnthropic plays a script to a client speaking the Messages API as
// Claude Code does: the turn follows the answers already in the request.
func TestAnthropic(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Play("fix", testScript())
	tools := []any{map[string]any{"name": "Write"}}
	user := map[string]any{"role": "user", "content": []any{
		map[string]any{"type": "text", "text": "<system-reminder>context</system-reminder>"},
		map[string]any{"type": "text", "text": "Fix the greeting in src/main.go"},
	}}
	resp := post(t, s.URL()+"/s/fix/v1/messages?beta=true", map[string]any{"model": "claude-x", "stream": true, "tools": tools, "messages": []any{user}})
	names, data := sseEvents(t, resp.Body)
	want := []string{"message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	block := data[1]["content_block"].(map[string]any)
	if block["type"] != "tool_use" || block["name"] != "Write" {
		t.Errorf("first answer = %v, want a Write", block)
	}
	var input map[string]any
	if err := json.Unmarshal([]byte(data[2]["delta"].(map[string]any)["partial_json"].(string)), &input); err != nil {
		t.Fatal(err)
	}
	if input["file_path"] != "/repo/src/main.go" {
		t.Errorf("Write input = %v: a relative path is joined to the root", input)
	}
	if data[4]["delta"].(map[string]any)["stop_reason"] != "tool_use" {
		t.Errorf("message_delta = %v", data[4])
	}

	// Two answers later, with a denied call's error in between: the text.
	assistant := map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": "t1", "name": "Write", "input": map[string]any{}}}}
	result := map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": "t1", "is_error": true,
		"content": []any{map[string]any{"type": "text", "text": "PreToolUse:Write hook error: agentcheck refused"}}}}}
	resp = post(t, s.URL()+"/s/fix/v1/messages", map[string]any{"model": "claude-x", "tools": tools,
		"messages": []any{user, assistant, result, assistant, result}})
	var msg struct {
		Content    []map[string]any `json:"content"`
		StopReason string           `json:"stop_reason"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil {
		t.Fatal(err)
	}
	if msg.StopReason != "end_turn" || msg.Content[0]["text"] != "Fixed." {
		t.Errorf("third answer = %+v", msg)
	}
	reqs := s.Requests("fix")
	if len(reqs) != 2 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	got := reqs[1].ToolResults()
	if len(got) != 2 || !got[0].Error || got[0].ID != "t1" || !strings.Contains(got[0].Text, "agentcheck refused") {
		t.Errorf("ToolResults = %+v", got)
	}

	// Housekeeping (no tools) and unknown threads get a short text.
	for _, body := range []map[string]any{
		{"model": "claude-x", "messages": []any{user}},
		{"model": "claude-x", "tools": tools, "messages": []any{map[string]any{"role": "user", "content": "Write a title"}}},
	} {
		resp := post(t, s.URL()+"/s/fix/v1/messages", body)
		if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil || msg.Content[0]["text"] != "OK." {
			t.Errorf("housekeeping answer = %+v, %v", msg, err)
		}
	}
}

// TestResponses plays a script to a client speaking the Responses API as
// Codex does.
func TestResponses(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Play("fix", testScript())
	env := map[string]any{"type": "message", "role": "user", "content": []any{map[string]any{"type": "input_text", "text": "<environment_context>…</environment_context>"}}}
	prompt := map[string]any{"type": "message", "role": "user", "content": []any{map[string]any{"type": "input_text", "text": "Fix the greeting"}}}
	call := map[string]any{"type": "custom_tool_call", "call_id": "c1", "name": "apply_patch", "input": "…"}
	output := map[string]any{"type": "custom_tool_call_output", "call_id": "c1", "output": "agentcheck refused this apply_patch"}
	tools := []any{map[string]any{"type": "function", "name": "exec_command"}}

	resp := post(t, s.URL()+"/s/fix/v1/responses", map[string]any{"model": "gpt-5.5", "stream": true, "tools": tools, "input": []any{env, prompt}})
	names, data := sseEvents(t, resp.Body)
	want := []string{"response.created", "response.output_item.added", "response.output_item.done", "response.completed"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	item := data[2]["item"].(map[string]any)
	if item["type"] != "custom_tool_call" || item["name"] != "apply_patch" || item["input"] != "*** Begin Patch\n*** Add File: src/main.go\n+package main\n*** End Patch\n" {
		t.Errorf("first answer = %v", item)
	}

	resp = post(t, s.URL()+"/s/fix/v1/responses", map[string]any{"model": "gpt-5.5", "stream": true, "tools": tools, "input": []any{env, prompt, call, output}})
	_, data = sseEvents(t, resp.Body)
	item = data[2]["item"].(map[string]any)
	var args map[string]any
	if item["type"] != "function_call" || item["name"] != "exec_command" || json.Unmarshal([]byte(item["arguments"].(string)), &args) != nil || args["cmd"] != "git commit -am fix" {
		t.Errorf("second answer = %v", item)
	}
	got := s.Requests("fix")[1].ToolResults()
	if len(got) != 1 || got[0].ID != "c1" || got[0].Text != "agentcheck refused this apply_patch" {
		t.Errorf("ToolResults = %+v", got)
	}
}

func TestServerErrors(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Page("page.txt", "hello")
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/web/page.txt", http.StatusOK},
		{"/web/missing", http.StatusNotFound},
		{"/v1/messages", http.StatusBadRequest},
		{"/s/unknown/v1/messages", http.StatusBadRequest},
	} {
		resp, err := http.Post(s.URL()+tc.path, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("POST %s = %d, want %d", tc.path, resp.StatusCode, tc.code)
		}
	}
}

// TestScenarios checks that every scenario parses and names pinned agents.
func TestScenarios(t *testing.T) {
	data, err := os.ReadFile("agents.txt")
	if err != nil {
		t.Fatal(err)
	}
	pins, err := ParsePins(data)
	if err != nil {
		t.Fatal(err)
	}
	pinned := map[string]bool{}
	for _, p := range pins {
		pinned[p.Agent] = true
	}
	scenarios, err := LoadScenarios("testdata/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) == 0 {
		t.Fatal("no scenarios")
	}
	for _, sc := range scenarios {
		for _, a := range sc.Agents {
			if !pinned[a] {
				t.Errorf("%s: agent %q is not pinned", sc.Name, a)
			}
			script := sc.For(a, "/repo", map[string]string{"REPO": "/repo", "WEB": "http://127.0.0.1:1/web"})
			for _, th := range script.Threads {
				for _, turn := range th.Turns {
					if turn.Call == nil {
						continue
					}
					var err error
					switch a {
					case "codex":
						_, err = responsesItemFor(turn.Call, "c")
					case "opencode":
						_, err = openCodeItemFor(turn.Call, "c", "/repo")
					default:
						_, _, err = anthropicToolUse(turn.Call, "/repo")
					}
					if err != nil {
						t.Errorf("%s with %s: %v", sc.Name, a, err)
					}
				}
			}
		}
	}
}

func TestPins(t *testing.T) {
	in := "# pins\nclaude-code @anthropic-ai/claude-code 2.1.328\n\ncodex @openai/codex 0.169.0\n"
	pins, err := ParsePins([]byte(in))
	if err != nil || len(pins) != 2 || pins[1] != (Pin{"codex", "@openai/codex", "0.169.0"}) {
		t.Fatalf("ParsePins = %+v, %v", pins, err)
	}
	out := string(SetVersion([]byte(in), "codex", "0.170.0"))
	if want := strings.Replace(in, "0.169.0", "0.170.0", 1); out != want {
		t.Errorf("SetVersion =\n%s\nwant\n%s", out, want)
	}
	for _, bad := range []string{"codex @openai/codex\n", "gemini @google/gemini-cli 1.0\n"} {
		if _, err := ParsePins([]byte(bad)); err == nil {
			t.Errorf("ParsePins(%q) succeeded", bad)
		}
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The OpenAI Responses API as Codex CLI calls it: POST /v1/responses,
// streaming (https://platform.openai.com/docs/api-reference/responses-streaming),
// from a model_provider with wire_api = "responses". Only what Codex reads
// is produced.

// responsesRequest is the part of a Responses API request the scripted
// model reads.
type responsesRequest struct {
	Model  string            `json:"model"`
	Stream bool              `json:"stream"`
	Tools  []json.RawMessage `json:"tools"`
	Input  []responsesItem   `json:"input"`
}

type responsesItem struct {
	Type    string          `json:"type"`
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"` // a string or a list of parts
}

func (it responsesItem) texts() []string {
	var s string
	if json.Unmarshal(it.Content, &s) == nil {
		return []string{s}
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(it.Content, &parts) != nil {
		return nil
	}
	var out []string
	for _, p := range parts {
		if p.Type == "input_text" || p.Type == "text" {
			out = append(out, p.Text)
		}
	}
	return out
}

// responsesTurn finds the thread of a request and how many answers the
// model gave in it before. Codex puts its own context (the environment,
// AGENTS.md) in user messages before the prompt, so every user message
// before the first answer is matched.
func responsesTurn(s *Script, req *responsesRequest) (*Thread, int) {
	var first []string
	answered := 0
	for _, it := range req.Input {
		switch {
		case it.Type == "message" && it.Role == "user" && answered == 0:
			first = append(first, it.texts()...)
		case it.Type == "function_call", it.Type == "custom_tool_call", it.Type == "local_shell_call",
			it.Type == "message" && it.Role == "assistant":
			answered++
		}
	}
	return s.thread(first), answered
}

// responsesItemFor translates a call into a Codex output item.
func responsesItemFor(c *Call, callID string) (map[string]any, error) {
	function := func(name string, args any) (map[string]any, error) {
		b, err := json.Marshal(args)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "function_call", "id": "fc_" + callID, "call_id": callID, "name": name, "arguments": string(b), "status": "completed"}, nil
	}
	switch {
	case c.Read != "":
		return function("exec_command", map[string]any{"cmd": "cat " + shellQuote(c.Read)})
	case c.Write != nil:
		return map[string]any{"type": "custom_tool_call", "id": "ctc_" + callID, "call_id": callID, "name": "apply_patch",
			"input": addFilePatch(c.Write.Path, c.Write.Content), "status": "completed"}, nil
	case c.Shell != "":
		return function("exec_command", map[string]any{"cmd": c.Shell})
	case c.ShellPatch != "":
		return function("exec_command", map[string]any{"cmd": "apply_patch <<'EOF'\n" + strings.TrimSuffix(c.ShellPatch, "\n") + "\nEOF\n"})
	case c.Tool != nil:
		return function(c.Tool.Name, c.Tool.Input)
	}
	return nil, fmt.Errorf("call %+v has no Codex tool", *c)
}

// addFilePatch is an apply_patch that creates (or replaces) path.
func addFilePatch(path, content string) string {
	var b strings.Builder
	b.WriteString("*** Begin Patch\n*** Add File: " + path + "\n")
	for line := range strings.SplitSeq(strings.TrimSuffix(content, "\n"), "\n") {
		b.WriteString("+" + line + "\n")
	}
	b.WriteString("*** End Patch\n")
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeResponses answers a Responses API request with one turn as a
// stream of events.
func writeResponses(w http.ResponseWriter, req *responsesRequest, turn Turn, id string) error {
	var item map[string]any
	if turn.Call != nil {
		var err error
		if item, err = responsesItemFor(turn.Call, "call_"+id); err != nil {
			return err
		}
	} else {
		item = map[string]any{"type": "message", "id": "msg_" + id, "role": "assistant", "status": "completed",
			"content": []any{map[string]any{"type": "output_text", "text": turn.Text, "annotations": []any{}}}}
	}
	resp := map[string]any{"id": "resp_" + id, "object": "response", "status": "in_progress", "model": req.Model, "output": []any{}}
	sse := newSSE(w)
	sse.event("response.created", map[string]any{"type": "response.created", "response": resp})
	sse.event("response.output_item.added", map[string]any{"type": "response.output_item.added", "output_index": 0, "item": item})
	sse.event("response.output_item.done", map[string]any{"type": "response.output_item.done", "output_index": 0, "item": item})
	done := map[string]any{"id": "resp_" + id, "object": "response", "status": "completed", "model": req.Model, "output": []any{item},
		"usage": map[string]any{"input_tokens": 1, "input_tokens_details": map[string]int{"cached_tokens": 0},
			"output_tokens": 1, "output_tokens_details": map[string]int{"reasoning_tokens": 0}, "total_tokens": 2}}
	sse.event("response.completed", map[string]any{"type": "response.completed", "response": done})
	return sse.err
}

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
)

// The OpenAI Responses API as Codex CLI calls it (a model_provider with
// wire_api = "responses") and OpenCode does (its openai provider, through
// the AI SDK): POST /v1/responses, streaming
// (https://platform.openai.com/docs/api-reference/responses-streaming).
// Only what they read is produced.

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
		// A message item may come without its type (the AI SDK sends
		// {role, content}).
		message := it.Type == "message" || it.Type == "" && it.Role != ""
		switch {
		case message && it.Role == "user" && answered == 0:
			first = append(first, it.texts()...)
		case it.Type == "function_call", it.Type == "custom_tool_call", it.Type == "local_shell_call",
			message && it.Role == "assistant":
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

// openCodeItemFor translates a call into an OpenCode tool call: OpenCode
// offers gpt-5 models read, apply_patch (with the patch in patchText),
// bash and task as functions, and takes absolute file paths.
func openCodeItemFor(c *Call, callID, root string) (map[string]any, error) {
	function := func(name string, args any) (map[string]any, error) {
		b, err := json.Marshal(args)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "function_call", "id": "fc_" + callID, "call_id": callID, "name": name, "arguments": string(b), "status": "completed"}, nil
	}
	abs := func(p string) string {
		if root == "" || path.IsAbs(p) {
			return p
		}
		return path.Join(root, p)
	}
	switch {
	case c.Read != "":
		return function("read", map[string]any{"filePath": abs(c.Read)})
	case c.Write != nil:
		return function("apply_patch", map[string]any{"patchText": addFilePatch(c.Write.Path, c.Write.Content)})
	case c.Shell != "":
		return function("bash", map[string]any{"command": c.Shell, "description": "Run a command"})
	case c.Subagent != nil:
		return function("task", map[string]any{"description": c.Subagent.Description, "prompt": c.Subagent.Prompt, "subagent_type": "general"})
	case c.Tool != nil:
		return function(c.Tool.Name, c.Tool.Input)
	}
	return nil, fmt.Errorf("call %+v has no OpenCode tool", *c)
}

// writeResponses answers a Responses API request with one turn as a
// stream of events, the call made as agent (codex or opencode) takes it.
func writeResponses(w http.ResponseWriter, req *responsesRequest, turn Turn, id, agent, root string) error {
	var item map[string]any
	if turn.Call != nil {
		var err error
		if agent == "opencode" {
			item, err = openCodeItemFor(turn.Call, "call_"+id, root)
		} else {
			item, err = responsesItemFor(turn.Call, "call_"+id)
		}
		if err != nil {
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

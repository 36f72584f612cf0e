package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
)

// The Anthropic Messages API as Claude Code calls it: POST /v1/messages,
// streaming (https://docs.anthropic.com/en/api/messages-streaming). Only
// what Claude Code reads is produced.

// anthropicRequest is the part of a Messages API request the scripted
// model reads.
type anthropicRequest struct {
	Model    string             `json:"model"`
	Stream   bool               `json:"stream"`
	Tools    []json.RawMessage  `json:"tools"`
	Messages []anthropicMessage `json:"messages"`
}

type anthropicMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"` // a string or a list of blocks
}

type anthropicBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// texts returns the text of a message: the string, or its text blocks.
func (m anthropicMessage) texts() []string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return []string{s}
	}
	var blocks []anthropicBlock
	if json.Unmarshal(m.Content, &blocks) != nil {
		return nil
	}
	var out []string
	for _, b := range blocks {
		if b.Type == "text" {
			out = append(out, b.Text)
		}
	}
	return out
}

// anthropicTurn finds the thread of a request and how many answers the
// model gave in it before. Claude Code may put context before the prompt
// (an @-mentioned file's content comes as a message of its own), so every
// user message before the first answer is matched.
func anthropicTurn(s *Script, req *anthropicRequest) (*Thread, int) {
	var first []string
	answered := 0
	for _, m := range req.Messages {
		switch {
		case m.Role == "user" && answered == 0:
			first = append(first, m.texts()...)
		case m.Role == "assistant":
			answered++
		}
	}
	return s.thread(first), answered
}

// anthropicToolUse translates a call into a Claude Code tool_use. Its file
// tools take absolute paths: relative ones are joined to root.
func anthropicToolUse(c *Call, root string) (name string, input any, err error) {
	abs := func(p string) string {
		if root == "" || path.IsAbs(p) {
			return p
		}
		return path.Join(root, p)
	}
	switch {
	case c.Read != "":
		return "Read", map[string]any{"file_path": abs(c.Read)}, nil
	case c.Write != nil:
		return "Write", map[string]any{"file_path": abs(c.Write.Path), "content": c.Write.Content}, nil
	case c.Shell != "":
		return "Bash", map[string]any{"command": c.Shell, "description": "Run a command"}, nil
	case c.Subagent != nil:
		return "Agent", map[string]any{
			"description":       c.Subagent.Description,
			"prompt":            c.Subagent.Prompt,
			"subagent_type":     "general-purpose",
			"run_in_background": c.Subagent.Background,
		}, nil
	case c.Tool != nil:
		return c.Tool.Name, c.Tool.Input, nil
	}
	return "", nil, fmt.Errorf("call %+v has no Claude Code tool", *c)
}

// writeAnthropic answers a Messages API request with one turn, streamed
// when the request asks for it.
func writeAnthropic(w http.ResponseWriter, req *anthropicRequest, turn Turn, id, root string) error {
	type block struct {
		Type  string `json:"type"`
		Text  string `json:"text,omitempty"`
		ID    string `json:"id,omitempty"`
		Name  string `json:"name,omitempty"`
		Input any    `json:"input,omitempty"`
	}
	var b block
	stop := "end_turn"
	if turn.Call != nil {
		name, input, err := anthropicToolUse(turn.Call, root)
		if err != nil {
			return err
		}
		b, stop = block{Type: "tool_use", ID: "toolu_" + id, Name: name, Input: input}, "tool_use"
	} else {
		b = block{Type: "text", Text: turn.Text}
	}
	model := req.Model
	if model == "" {
		model = "claude-scripted"
	}
	usage := map[string]int{"input_tokens": 1, "output_tokens": 1}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(map[string]any{
			"id": "msg_" + id, "type": "message", "role": "assistant", "model": model,
			"content": []block{b}, "stop_reason": stop, "stop_sequence": nil, "usage": usage,
		})
	}
	sse := newSSE(w)
	sse.event("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": "msg_" + id, "type": "message", "role": "assistant", "model": model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil, "usage": usage,
	}})
	switch b.Type {
	case "tool_use":
		input, err := json.Marshal(b.Input)
		if err != nil {
			return err
		}
		sse.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
			"content_block": map[string]any{"type": "tool_use", "id": b.ID, "name": b.Name, "input": map[string]any{}}})
		sse.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "input_json_delta", "partial_json": string(input)}})
	default:
		sse.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
			"content_block": map[string]any{"type": "text", "text": ""}})
		sse.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "text_delta", "text": b.Text}})
	}
	sse.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	sse.event("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]int{"output_tokens": 1}})
	sse.event("message_stop", map[string]any{"type": "message_stop"})
	return sse.err
}

// sse writes server-sent events, flushing after each.
type sse struct {
	w   io.Writer
	f   http.Flusher
	err error
}

func newSSE(w http.ResponseWriter) *sse {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	f, _ := w.(http.Flusher)
	return &sse{w: w, f: f}
}

func (s *sse) event(name string, data any) {
	if s.err != nil {
		return
	}
	b, err := json.Marshal(data)
	if err != nil {
		s.err = err
		return
	}
	if strings.ContainsAny(string(b), "\n\r") {
		s.err = fmt.Errorf("event %s: JSON with a newline", name)
		return
	}
	_, s.err = fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", name, b)
	if s.f != nil {
		s.f.Flush()
	}
}

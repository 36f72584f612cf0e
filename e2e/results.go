package e2e

import (
	"encoding/json"
	"strings"
)

// ToolResult is the outcome of one tool call as the agent reported it to
// the model in a later request: what the model saw.
type ToolResult struct {
	ID    string // the tool call's id
	Error bool   // the agent marked it an error (Claude Code's is_error)
	Text  string
}

// ToolResults returns the tool results a request carries, in order:
// Claude Code's tool_result blocks, Codex's function and custom tool call
// outputs.
func (r Request) ToolResults() []ToolResult {
	var body struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		Input []struct {
			Type   string          `json:"type"`
			CallID string          `json:"call_id"`
			Output json.RawMessage `json:"output"`
		} `json:"input"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return nil
	}
	var out []ToolResult
	for _, m := range body.Messages {
		var blocks []struct {
			Type      string          `json:"type"`
			ToolUseID string          `json:"tool_use_id"`
			IsError   bool            `json:"is_error"`
			Content   json.RawMessage `json:"content"`
		}
		if m.Role != "user" || json.Unmarshal(m.Content, &blocks) != nil {
			continue
		}
		for _, b := range blocks {
			if b.Type == "tool_result" {
				out = append(out, ToolResult{ID: b.ToolUseID, Error: b.IsError, Text: contentText(b.Content)})
			}
		}
	}
	for _, it := range body.Input {
		if it.Type == "function_call_output" || it.Type == "custom_tool_call_output" {
			out = append(out, ToolResult{ID: it.CallID, Text: contentText(it.Output)})
		}
	}
	return out
}

// contentText reads a string, a list of text parts, or an object with a
// "content" of either.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	var obj struct {
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &obj) == nil && len(obj.Content) > 0 {
		return contentText(obj.Content)
	}
	return ""
}

// FirstUser returns the texts of the request's user messages before the
// model's first answer, joined: what the server matches a thread by.
func (r Request) FirstUser() string {
	var a anthropicRequest
	var o responsesRequest
	var texts []string
	switch {
	case json.Unmarshal(r.Body, &a) == nil && len(a.Messages) > 0:
		for _, m := range a.Messages {
			if m.Role == "assistant" {
				break
			}
			if m.Role == "user" {
				texts = append(texts, m.texts()...)
			}
		}
	case json.Unmarshal(r.Body, &o) == nil:
		for _, it := range o.Input {
			if it.Type != "message" && (it.Type != "" || it.Role == "") {
				break
			}
			if it.Role == "user" {
				texts = append(texts, it.texts()...)
			}
		}
	}
	return strings.Join(texts, " | ")
}

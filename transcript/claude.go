package transcript

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Claude Code's transcript has one JSON object a line. The lines read here:
//
//   - {"type":"user","message":{"role":"user","content":"TEXT"}}: a
//     prompt the human sent (content may also be an array of text blocks).
//     Lines with "isMeta" or "isCompactSummary", and messages whose
//     content holds tool_result blocks, are Claude Code's, not the
//     human's.
//   - {"type":"assistant","message":{"content":[{"type":"tool_use",
//     "name":"Bash","input":{…}}…]}}: the tool calls of one model turn.
//
// Lines of a subagent's turns ("isSidechain": true) are not the human's
// and are skipped in the session's transcript. Claude Code keeps each
// subagent's turns in a file of its own (see SubagentFiles), read with
// FormatClaudeSubagent: its tool calls count, its "user" lines (the
// parent model's task for it) are no prompts.

type claudeLine struct {
	Type             string `json:"type"`
	IsMeta           bool   `json:"isMeta"`
	IsCompactSummary bool   `json:"isCompactSummary"`
	IsSidechain      bool   `json:"isSidechain"`
	Message          struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"message"`
}

type claudeBlock struct {
	Type  string          `json:"type"`
	Text  string          `json:"text"`
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
}

func parseClaudeLine(t *Transcript, line []byte) { parseClaude(t, line, false) }

func parseClaudeSubagentLine(t *Transcript, line []byte) { parseClaude(t, line, true) }

func parseClaude(t *Transcript, line []byte, subagent bool) {
	if !bytes.Contains(line, []byte(`"user"`)) && !bytes.Contains(line, []byte(`"tool_use"`)) {
		return // most lines: attachments, requests, progress
	}
	var l claudeLine
	if json.Unmarshal(line, &l) != nil || l.IsSidechain != subagent {
		return
	}
	switch l.Type {
	case "user":
		if subagent || l.IsMeta || l.IsCompactSummary || l.Message.Role != "user" {
			return
		}
		if text, ok := claudeUserText(l.Message.Content); ok {
			t.Prompts = append(t.Prompts, text)
		}
	case "assistant":
		var blocks []claudeBlock
		if json.Unmarshal(l.Message.Content, &blocks) != nil {
			return
		}
		for _, b := range blocks {
			if b.Type == "tool_use" {
				if c, ok := claudeCall(b.Name, b.Input); ok {
					t.Calls = append(t.Calls, c)
				}
			}
		}
	}
}

// claudeUserText returns the text of a user message the human sent: a
// string, or the text blocks of an array with no tool result in it.
func claudeUserText(content json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(content, &s) == nil {
		return s, true
	}
	var blocks []claudeBlock
	if json.Unmarshal(content, &blocks) != nil {
		return "", false
	}
	var texts []string
	for _, b := range blocks {
		switch b.Type {
		case "tool_result":
			return "", false
		case "text":
			texts = append(texts, b.Text)
		}
	}
	if len(texts) == 0 {
		return "", false
	}
	return strings.Join(texts, "\n"), true
}

// claudeCall maps one tool_use block to the call the journal records.
func claudeCall(name string, raw json.RawMessage) (Call, bool) {
	var in struct {
		Command      string `json:"command"`
		URL          string `json:"url"`
		Query        string `json:"query"`
		FilePath     string `json:"file_path"`
		NotebookPath string `json:"notebook_path"`
		Path         string `json:"path"`
	}
	if json.Unmarshal(raw, &in) != nil {
		return Call{}, false
	}
	c := Call{Tool: name}
	switch name {
	case "Bash":
		c.Kind, c.Command = journal.KindExec, in.Command
	case "WebFetch":
		c.Kind, c.URL = journal.KindFetch, in.URL
	case "WebSearch":
		c.Kind, c.Query = journal.KindSearch, in.Query
	case "Write", "Edit", "MultiEdit":
		c.Kind, c.Path = journal.KindEdit, in.FilePath
	case "NotebookEdit":
		c.Kind, c.Path = journal.KindEdit, in.NotebookPath
	case "Read":
		c.Kind, c.Path = journal.KindRead, in.FilePath
	default:
		server, _, ok := mcpName(name)
		if !ok {
			return Call{}, false
		}
		c.Kind, c.Server = journal.KindMCP, server
	}
	return c, c.Command != "" || c.URL != "" || c.Query != "" || c.Path != "" || c.Server != ""
}

// mcpName splits an MCP tool name, mcp__SERVER__TOOL.
func mcpName(name string) (server, tool string, ok bool) {
	rest, ok := strings.CutPrefix(name, "mcp__")
	if !ok {
		return "", "", false
	}
	server, tool, ok = strings.Cut(rest, "__")
	return server, tool, ok && server != "" && tool != ""
}

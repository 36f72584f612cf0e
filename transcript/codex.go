package transcript

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Codex's rollout file has one JSON object a line, {"timestamp","type",
// "payload"}. The lines read here:
//
//   - event_msg lines of the human's input: {"type":"user_message",
//     "message":TEXT} (older releases) or {"type":"item_completed",
//     "item":{"type":"UserMessage","content":[{"type":"text","text":…}]}}.
//     The response_item messages of role user are not read: Codex puts
//     its environment context and instructions there too.
//   - session_meta and turn_context lines: the working directory, which
//     apply_patch's relative paths are relative to.
//   - response_item lines of tool calls: function_call (exec_command's
//     {"cmd":…}, shell's {"command":[…]}), custom_tool_call apply_patch
//     (the patch), local_shell_call, web_search_call.

type codexLine struct {
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type codexPayload struct {
	Type      string `json:"type"`
	Cwd       string `json:"cwd"`
	Message   string `json:"message"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Input     string `json:"input"`
	Item      struct {
		Type    string `json:"type"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"item"`
	Action struct {
		Type    string   `json:"type"`
		Command []string `json:"command"`
		Query   string   `json:"query"`
	} `json:"action"`
}

// codexMarkers are the strings a line this reader uses must hold; the
// others (token counts, reasoning, outputs) are passed over without
// decoding them.
var codexMarkers = [][]byte{
	[]byte(`"user_message"`), []byte(`"UserMessage"`), []byte(`"function_call"`), []byte(`"custom_tool_call"`),
	[]byte(`"local_shell_call"`), []byte(`"web_search_call"`), []byte(`"session_meta"`), []byte(`"turn_context"`),
}

func parseCodexLine(t *Transcript, line []byte) {
	if !slices.ContainsFunc(codexMarkers, func(m []byte) bool { return bytes.Contains(line, m) }) {
		return
	}
	var l codexLine
	if json.Unmarshal(line, &l) != nil {
		return
	}
	switch l.Type {
	case "event_msg", "response_item", "session_meta", "turn_context":
	default:
		return
	}
	var p codexPayload
	if json.Unmarshal(l.Payload, &p) != nil {
		return
	}
	switch {
	case l.Type == "session_meta" || l.Type == "turn_context":
		if filepath.IsAbs(p.Cwd) {
			t.cwd = p.Cwd
		}
	case l.Type == "event_msg" && p.Type == "user_message":
		t.Prompts = append(t.Prompts, p.Message)
	case l.Type == "event_msg" && p.Type == "item_completed" && p.Item.Type == "UserMessage":
		var texts []string
		for _, c := range p.Item.Content {
			if c.Type == "text" {
				texts = append(texts, c.Text)
			}
		}
		if len(texts) > 0 {
			t.Prompts = append(t.Prompts, strings.Join(texts, "\n"))
		}
	case l.Type == "response_item":
		for _, c := range codexCalls(p) {
			// apply_patch names paths relative to the turn's working
			// directory.
			if c.Path != "" && !filepath.IsAbs(c.Path) && t.cwd != "" {
				c.Path = filepath.Join(t.cwd, c.Path)
			}
			t.Calls = append(t.Calls, c)
		}
	}
}

// codexCalls maps one response item to the calls the journal records.
func codexCalls(p codexPayload) []Call {
	switch p.Type {
	case "function_call":
		if p.Name == "apply_patch" {
			var in struct {
				Input string `json:"input"`
			}
			if json.Unmarshal([]byte(p.Arguments), &in) != nil {
				return nil
			}
			return patchCalls(in.Input)
		}
		if server, _, ok := mcpName(p.Name); ok {
			return []Call{{Kind: journal.KindMCP, Tool: p.Name, Server: server}}
		}
		var in struct {
			Cmd     string          `json:"cmd"`
			Command json.RawMessage `json:"command"`
		}
		if json.Unmarshal([]byte(p.Arguments), &in) != nil {
			return nil
		}
		cmd := in.Cmd
		if cmd == "" {
			cmd = commandText(in.Command)
		}
		if cmd == "" {
			return nil
		}
		return []Call{{Kind: journal.KindExec, Tool: p.Name, Command: cmd}}
	case "custom_tool_call":
		if p.Name == "apply_patch" {
			return patchCalls(p.Input)
		}
	case "local_shell_call":
		if cmd := shellCommand(p.Action.Command); cmd != "" {
			return []Call{{Kind: journal.KindExec, Tool: "local_shell", Command: cmd}}
		}
	case "web_search_call":
		if p.Action.Query != "" {
			return []Call{{Kind: journal.KindSearch, Tool: "web_search", Query: p.Action.Query}}
		}
	}
	return nil
}

// commandText reads a command given as a string or as argv.
func commandText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var argv []string
	if json.Unmarshal(raw, &argv) == nil {
		return shellCommand(argv)
	}
	return ""
}

// shellCommand returns the script of ["bash", "-lc", SCRIPT], else the
// words joined.
func shellCommand(argv []string) string {
	if len(argv) == 3 && (argv[1] == "-lc" || argv[1] == "-c") {
		return argv[2]
	}
	return strings.Join(argv, " ")
}

// patchCalls returns an edit or delete of each file an apply_patch patch
// names: "*** Add File: P", "*** Update File: P" (and "*** Move to: P"),
// "*** Delete File: P".
func patchCalls(patch string) []Call {
	var out []Call
	for line := range strings.SplitSeq(patch, "\n") {
		line = strings.TrimRight(line, "\r")
		for _, h := range []struct {
			prefix string
			kind   journal.Kind
		}{
			{"*** Add File: ", journal.KindEdit},
			{"*** Update File: ", journal.KindEdit},
			{"*** Move to: ", journal.KindEdit},
			{"*** Delete File: ", journal.KindDelete},
		} {
			if p, ok := strings.CutPrefix(line, h.prefix); ok && strings.TrimSpace(p) != "" {
				out = append(out, Call{Kind: h.kind, Tool: "apply_patch", Path: strings.TrimSpace(p)})
			}
		}
	}
	return out
}

package agents

import (
	"net/url"
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// OpenCode has no command hooks (https://opencode.ai/docs/plugins): a
// plugin in .opencode/plugins/ receives its hooks as function calls and
// must spawn "agentcheck hook --agent opencode" itself. The plugin writes
// one JSON object on the binary's stdin per call, the plugin hook's own
// arguments wrapped in an envelope:
//
//	{"hook": "tool.execute.before",            // the plugin hook's name
//	 "directory": "/repo/sub",                   // PluginInput.directory
//	 "worktree": "/repo",                        // PluginInput.worktree
//	 "mcpServers": ["github"],                   // optional: configured MCP server names
//	 "input":  {"tool": "edit", "sessionID": "ses_…", "callID": "call_…", "args": {…}},
//	 "output": {"args": {"filePath": "/repo/a.go", "oldString": "…", "newString": "…"}}}
//
//	{"hook": "tool.execute.after", "input": {"tool": …, "sessionID": …, "callID": …, "args": {…}},
//	 "output": {"title": …, "output": …, "metadata": {…}}}
//
//	{"hook": "chat.message", "input": {"sessionID": …, "agent": …, "model": {"providerID": …, "modelID": …}},
//	 "output": {"message": {…}, "parts": [{"type": "text", "text": "…"}, …]}}
//
//	{"hook": "event", "event": {"type": "session.created", "properties": {"info": {"id": …, "version": …}}}}
//
// Every envelope may carry "parentSessionID": the root session of a
// subagent's child session, which the plugin looks up. The child's events
// are then recorded in the root session, with the child as SubagentID, and
// its prompt, which the parent agent wrote, is context.
//
// Older OpenCode releases do not pass args to tool.execute.after; the
// plugin then copies them from the matching tool.execute.before (same
// callID). When the binary exits 2 the plugin throws an Error with its
// stderr, which OpenCode reports to the model as the tool's failure.
//
// Built-in tools: bash, read, edit, write, multiedit, apply_patch/patch
// (args.patchText), glob, grep, list, webfetch, websearch, codesearch,
// task. Arguments use filePath.
//
// MCP tools are named SERVER_TOOL, each part with every character outside
// [A-Za-z0-9_-] replaced by "_". The split is ambiguous when a server name
// holds an underscore, so: a tool named by the envelope's mcpServers
// (longest matching "SERVER_" prefix) is split there; otherwise any tool
// that is not built in and has an underscore is taken for MCP and split at
// its first underscore (server names rarely hold one, tool names often do).
// A plugin-defined tool with an underscore is thus recorded as an MCP call,
// which errs toward treating its output as untrusted.

func parseOpenCode(in Input, o obj) *Hook {
	hook := o.str("hook")
	input, output := o.obj("input"), o.obj("output")
	session, event := input.str("sessionID"), hook
	var props obj
	if hook == "event" {
		ev := o.obj("event")
		event, props = ev.str("type"), ev.obj("properties")
		session = props.str("sessionID")
		if session == "" {
			session = props.obj("info").str("id")
		}
	}
	// A subagent works in a child session: its calls belong to the root
	// session, whose prompt was the human's, made by the subagent.
	child := ""
	if parent := o.str("parentSessionID"); parent != "" && parent != session {
		child, session = session, parent
	}
	b := newBuilder(in, AgentOpenCode, session, event, o.str("directory", "worktree"))
	b.setSubagent(child, "")
	servers := o.strs("mcpServers")
	switch event {
	case "chat.message":
		openCodeMessage(b, o, input, output)
	case "tool.execute.before":
		b.h.Phase, b.h.Tool = PhasePre, input.str("tool")
		args := output.obj("args")
		if args == nil {
			args = input.obj("args")
		}
		openCodePre(b, b.h.Tool, args, servers)
	case "tool.execute.after":
		b.h.Phase, b.h.Tool = PhasePost, input.str("tool")
		openCodePost(b, b.h.Tool, input.obj("args"), servers)
	case "session.created":
		b.start("", props.obj("info").str("version"))
	case "session.idle":
		b.simple(journal.KindStop)
	case "session.deleted":
		b.simple(journal.KindEnd)
	}
	return b.h
}

// openCodeMessage records a chat.message: the human's text parts as a
// prompt, with the files they attached as mentions. Synthetic parts
// (OpenCode's own additions: file contents it inlined, tool output) and
// every message of a child session, whose prompt the parent agent wrote
// for its subagent (the plugin names the parent in parentSessionID), are
// context.
func openCodeMessage(b *builder, o, input, output obj) {
	var text, synthetic []string
	var mentions []string
	for _, p := range output.objs("parts") {
		switch p.str("type") {
		case "text":
			if string(p["synthetic"]) == "true" {
				synthetic = append(synthetic, p.str("text"))
			} else {
				text = append(text, p.str("text"))
			}
		case "file":
			// An @-mentioned file or directory, as a file:// URL.
			if path, ok := fileURLPath(p.str("url")); ok {
				mentions = append(mentions, path)
			}
		}
	}
	// OpenCode 1.18 names the model in the message, not in the input.
	model := ""
	for _, m := range []obj{input.obj("model"), output.obj("message").obj("model")} {
		if model == "" && m != nil {
			model = m.str("modelID")
		}
	}
	human := strings.Join(text, "\n")
	origin := injectedOrigin(human)
	if b.subagentID != "" {
		origin = "subagent-task"
	}
	if origin == "" {
		e := b.ev(journal.KindPrompt)
		e.Text = human
		e.Model = model
		b.add(e)
		b.h.Mentions = mentions
	} else if len(text) > 0 {
		e := b.ev(journal.KindContext)
		e.Text, e.Origin, e.Model = human, origin, model
		b.add(e)
	}
	if len(synthetic) > 0 {
		e := b.ev(journal.KindContext)
		e.Text, e.Origin, e.Model = strings.Join(synthetic, "\n"), "synthetic", model
		b.add(e)
	}
}

func openCodePre(b *builder, tool string, args obj, servers []string) {
	if server, name, ok := openCodeMCP(tool, servers); ok {
		b.propose(Proposed{Kind: journal.KindMCP, Server: server, Tool: name})
		return
	}
	switch tool {
	case "bash":
		b.exec(tool, args.str("command"))
	case "task":
		b.subagent(tool, args.str("description", "prompt"))
	case "edit", "write", "multiedit":
		b.proposePath(journal.KindEdit, tool, args.str("filePath"))
	case "apply_patch", "patch":
		if ops, _ := ParsePatch(args.str("patchText")); len(ops) > 0 {
			b.proposePatch(tool, ops)
		}
	case "read":
		b.proposePath(journal.KindRead, tool, args.str("filePath"))
	case "glob", "grep", "list":
		b.propose(Proposed{Kind: journal.KindRead, Path: b.path(args.str("path")), Query: args.str("pattern"), Tool: tool})
	case "webfetch":
		b.propose(Proposed{Kind: journal.KindFetch, URL: args.str("url"), Tool: tool})
	case "websearch", "codesearch":
		b.propose(Proposed{Kind: journal.KindSearch, Query: args.str("query"), Tool: tool})
	}
}

func openCodePost(b *builder, tool string, args obj, servers []string) {
	if server, name, ok := openCodeMCP(tool, servers); ok {
		b.mcp(server, name, false)
		return
	}
	switch tool {
	case "bash":
		b.shellReads(tool, args.str("command"), false)
	case "read":
		b.read(tool, args.str("filePath"), "", false)
	case "glob", "grep":
		b.read(tool, args.str("path"), args.str("pattern"), false)
	case "list":
		b.read(tool, args.str("path"), "", false)
	case "webfetch":
		b.fetch(tool, args.str("url"), false)
	case "websearch", "codesearch":
		b.search(tool, args.str("query"), false)
	case "edit", "write", "multiedit":
		b.asLeft(tool, args.str("filePath"), journal.KindEdit, false)
	case "apply_patch", "patch":
		if ops, _ := ParsePatch(args.str("patchText")); len(ops) > 0 {
			b.patchAsLeft(tool, ops, false)
		}
	}
}

// fileURLPath returns the local path of a file:// URL.
func fileURLPath(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") || u.Path == "" {
		return "", false
	}
	return u.Path, true
}

// openCodeBuiltin reports whether tool is one of OpenCode's own tools.
func openCodeBuiltin(tool string) bool {
	switch tool {
	case "bash", "read", "edit", "write", "multiedit", "apply_patch", "patch", "glob", "grep", "list",
		"webfetch", "websearch", "codesearch", "task", "todowrite", "todoread", "skill", "lsp", "question", "invalid", "batch":
		return true
	}
	return false
}

// openCodeMCP splits an OpenCode MCP tool name by the rule in the comment
// at the top of this file.
func openCodeMCP(tool string, servers []string) (server, name string, ok bool) {
	if tool == "" || openCodeBuiltin(tool) {
		return "", "", false
	}
	best := ""
	for _, s := range servers {
		prefix := openCodeSanitize(s) + "_"
		if strings.HasPrefix(tool, prefix) && len(tool) > len(prefix) && len(s) > len(best) {
			best, name = s, tool[len(prefix):]
		}
	}
	if best != "" {
		return best, name, true
	}
	server, name, ok = strings.Cut(tool, "_")
	if !ok || server == "" || name == "" {
		return "", "", false
	}
	return server, name, true
}

// openCodeSanitize applies OpenCode's MCP name sanitizing.
func openCodeSanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Agent names, as "agentcheck hook --agent NAME" takes them.
const (
	ClaudeCode = "claude-code"
	Cursor     = "cursor"
	Codex      = "codex"
	OpenCode   = "opencode"
)

// Agents lists the supported agents in the order init reports them.
func Agents() []string { return []string{ClaudeCode, Cursor, Codex, OpenCode} }

// HookCommand is the command an agent runs for every hook event:
// agentcheck-hook, the recording hook in a binary that starts about as fast
// as git does (it runs on every tool call), installed with agentcheck. It
// names the binary by PATH, not by an absolute path: the project-level files
// are meant to be committed and shared, and a teammate's agentcheck lives
// elsewhere. An agent that cannot find it gets exit status 127, which none
// of the agents treats as a deny; agentcheck doctor reports it.
func HookCommand(agent string) string { return "agentcheck-hook --agent " + agent }

// Outcome says what an install step did to a file.
type Outcome string

// Outcomes of an install step.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Skipped   Outcome = "skipped" // something of the human's is in the way; Detail says what to do
)

// Change is what one install step did.
type Change struct {
	Path    string
	Outcome Outcome
	Detail  string
}

// claudeEvents are the Claude Code events agentcheck records: the session's
// start and end, each prompt (the declared intent), each tool call before
// and after it runs (runtime enforcement, and what it read and changed),
// and each turn's end. The tool events and the session events take a
// matcher, "*" matching all.
func claudeEvents() []hookEvent {
	return []hookEvent{
		{"SessionStart", "*"}, {"UserPromptSubmit", ""}, {"PreToolUse", "*"}, {"PostToolUse", "*"},
		{"PostToolUseFailure", "*"}, {"Stop", ""}, {"SessionEnd", "*"},
	}
}

// codexEvents are Codex CLI's. Codex reads matchers as Rust regular
// expressions, where "*" alone is invalid; an absent matcher matches every
// tool. Codex 0.169 sends SessionEnd (reason "other"); older releases
// ignore the event.
func codexEvents() []hookEvent {
	return []hookEvent{
		{"SessionStart", ""}, {"UserPromptSubmit", ""}, {"PreToolUse", ""}, {"PostToolUse", ""}, {"Stop", ""}, {"SessionEnd", ""},
	}
}

// cursorEvents are Cursor's.
func cursorEvents() []string {
	return []string{
		"sessionStart", "beforeSubmitPrompt", "preToolUse", "postToolUse", "postToolUseFailure",
		"beforeShellExecution", "afterShellExecution", "beforeMCPExecution", "afterMCPExecution",
		"beforeReadFile", "afterFileEdit", "stop", "sessionEnd",
	}
}

type hookEvent struct {
	name, matcher string
}

// ConfigPath returns where an agent's hook configuration lives: in the
// repository at root, or, with root "", the user's own (home is the home
// directory; configHome $XDG_CONFIG_HOME or ~/.config; codexHome $CODEX_HOME
// or ~/.codex).
func ConfigPath(agent, root, home, configHome, codexHome string) string {
	if root != "" {
		switch agent {
		case ClaudeCode:
			return filepath.Join(root, ".claude", "settings.json")
		case Cursor:
			return filepath.Join(root, ".cursor", "hooks.json")
		case Codex:
			return filepath.Join(root, ".codex", "hooks.json")
		case OpenCode:
			return filepath.Join(root, ".opencode", "plugins", "agentcheck.js")
		}
		return ""
	}
	switch agent {
	case ClaudeCode:
		return filepath.Join(home, ".claude", "settings.json")
	case Cursor:
		return filepath.Join(home, ".cursor", "hooks.json")
	case Codex:
		return filepath.Join(codexHome, "hooks.json")
	case OpenCode:
		return filepath.Join(configHome, "opencode", "plugins", "agentcheck.js")
	}
	return ""
}

// MergeAgentConfig returns the agent's hook configuration data with
// agentcheck's hooks added: every event of the agent gets one entry running
// HookCommand, unless one is there already. Everything else in data — other
// keys, other hooks, their order — is kept. changed is false when nothing
// needed adding; out is then data itself.
func MergeAgentConfig(agent string, data []byte) (out []byte, changed bool, err error) {
	root, err := parseObject(data)
	if err != nil {
		return nil, false, fmt.Errorf("reading the existing file: %w", err)
	}
	cmd := HookCommand(agent)
	var hooks object
	if raw, ok := root.get("hooks"); ok {
		if hooks, err = parseObject(raw); err != nil {
			return nil, false, fmt.Errorf(`"hooks" is not an object: %w`, err)
		}
	}
	switch agent {
	case ClaudeCode, Codex:
		events := claudeEvents()
		if agent == Codex {
			events = codexEvents()
		}
		entry := object{{"type", mustJSON("command")}, {"command", mustJSON(cmd)}}
		for _, ev := range events {
			var group object // matcher first, as the agents' documentation writes it
			if ev.matcher != "" {
				group = append(group, member{"matcher", mustJSON(ev.matcher)})
			}
			group = append(group, member{"hooks", json.RawMessage("[" + string(entry.marshal()) + "]")})
			add, err := addEntry(&hooks, ev.name, cmd, group.marshal(), claudeHasCommand)
			if err != nil {
				return nil, false, err
			}
			changed = changed || add
		}
	case Cursor:
		if _, ok := root.get("version"); !ok {
			root = append(object{{"version", json.RawMessage("1")}}, root...)
			changed = true
		}
		for _, ev := range cursorEvents() {
			add, err := addEntry(&hooks, ev, cmd, mustJSON(map[string]string{"command": cmd}), cursorHasCommand)
			if err != nil {
				return nil, false, err
			}
			changed = changed || add
		}
	default:
		return nil, false, fmt.Errorf("no JSON hook configuration for agent %q", agent)
	}
	if !changed {
		return data, false, nil
	}
	root.set("hooks", hooks.marshal())
	out, err = format(root.marshal())
	return out, true, err
}

// addEntry appends entry to the list of hooks.event unless has finds cmd in
// it. It refuses to touch a list it does not understand.
func addEntry(hooks *object, event, cmd string, entry json.RawMessage, has func(json.RawMessage, string) bool) (bool, error) {
	var list []json.RawMessage
	if raw, ok := hooks.get(event); ok {
		if err := json.Unmarshal(raw, &list); err != nil {
			return false, fmt.Errorf(`"hooks.%s" is not a list; fix it by hand, then run agentcheck init again`, event)
		}
	}
	for _, e := range list {
		if has(e, cmd) {
			return false, nil
		}
	}
	list = append(list, entry)
	var b bytes.Buffer
	b.WriteByte('[')
	for i, e := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e)
	}
	b.WriteByte(']')
	hooks.set(event, b.Bytes())
	return true, nil
}

// claudeHasCommand reports whether a Claude-style group runs cmd.
func claudeHasCommand(group json.RawMessage, cmd string) bool {
	var g struct {
		Hooks []struct {
			Command string `json:"command"`
		} `json:"hooks"`
	}
	if json.Unmarshal(group, &g) != nil {
		return false
	}
	for _, h := range g.Hooks {
		if isOurCommand(h.Command, cmd) {
			return true
		}
	}
	return false
}

// cursorHasCommand reports whether a Cursor hook entry runs cmd.
func cursorHasCommand(entry json.RawMessage, cmd string) bool {
	var e struct {
		Command string `json:"command"`
	}
	return json.Unmarshal(entry, &e) == nil && isOurCommand(e.Command, cmd)
}

// isOurCommand recognises agentcheck's hook command, also when a human
// wrote it with an absolute path or extra flags, and in its older spelling
// "agentcheck hook --agent NAME", which does the same.
func isOurCommand(have, want string) bool {
	if have == want {
		return true
	}
	agent := strings.TrimPrefix(want, "agentcheck-hook ")
	return strings.Contains(have, agent) &&
		(strings.Contains(have, "agentcheck-hook") || strings.Contains(have, "agentcheck") && strings.Contains(have, " hook "))
}

// HasAgentHooks reports whether the file at path runs agentcheck's hook for
// the agent (for OpenCode: whether it is agentcheck's plugin), and whether
// every event is covered.
func HasAgentHooks(agent, path string) (present, complete bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	if agent == OpenCode {
		ours := bytes.Contains(data, []byte(pluginMarker))
		return ours, ours && bytes.Equal(data, OpenCodePlugin()), nil
	}
	_, changed, err := MergeAgentConfig(agent, data)
	if err != nil {
		return false, false, err
	}
	return bytes.Contains(data, []byte("agentcheck")), !changed, nil
}

// WriteAgentConfig installs agentcheck's hooks for agent at path (see
// ConfigPath), merging into what is there.
func WriteAgentConfig(agent, path string) (Change, error) {
	if agent == OpenCode {
		return writePlugin(path)
	}
	data, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Change{}, fmt.Errorf("reading %s: %w", path, err)
	}
	out, changed, err := MergeAgentConfig(agent, data)
	if err != nil {
		return Change{Path: path, Outcome: Skipped, Detail: err.Error()}, nil
	}
	if !changed {
		return Change{Path: path, Outcome: Unchanged}, nil
	}
	if err := writeFileAtomic(path, out, 0o644); err != nil {
		return Change{}, err
	}
	if exists {
		return Change{Path: path, Outcome: Updated, Detail: "agentcheck's hooks added; the other settings and hooks were kept"}, nil
	}
	return Change{Path: path, Outcome: Created}, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so that an agent or editor never reads half a file. An
// existing file keeps its mode.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

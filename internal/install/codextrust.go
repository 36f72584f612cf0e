package install

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Codex runs a hook only when two kinds of trust say so, and skips it
// silently otherwise:
//
//   - project trust: a project's .codex/ layer, hooks.json included, is
//     read only when the user's config.toml holds
//     [projects."/path/to/repo"] trust_level = "trusted" (what
//     "codex exec --trust" and Codex's first-run prompt write);
//   - hook trust: each hook of a user or project layer runs only when the
//     user's config.toml holds [hooks.state."KEY"] trusted_hash = "HASH",
//     KEY being "<hooks.json path>:<event>:<group index>:<handler index>"
//     (event as pre_tool_use, session_end…) and HASH the hash of the
//     hook's normalized definition: what Codex's /hooks writes when the
//     user trusts a hook. A hook whose definition changed since is
//     "modified" and skipped too.
//
// The hash is SHA-256 over the canonical JSON (keys sorted, compact) of
// {"event_name": EVENT, "matcher": M (only for events that take one),
// "hooks": [{"type": "command", "command": C, "timeout": T, "async": A,
// "statusMessage": S (when set)}]}, T being the configured timeout or the
// default (600 s; SessionEnd: 1 s, at most 3), as Codex 0.169
// (codex-rs/hooks/src/engine/discovery.rs) computes it. The e2e suite
// checks it against the real Codex: hooks trusted this way run.

// CodexHook is one of agentcheck's hooks in a Codex hooks.json, named as
// Codex names it for trust.
type CodexHook struct {
	Key  string // the hook-state key in config.toml
	Hash string // the trusted_hash that trusts it, "sha256:…"
}

// codexEventLabels maps hooks.json event names to Codex's key labels.
var codexEventLabels = map[string]string{
	"PreToolUse": "pre_tool_use", "PermissionRequest": "permission_request", "PostToolUse": "post_tool_use",
	"PreCompact": "pre_compact", "PostCompact": "post_compact", "SessionStart": "session_start",
	"SessionEnd": "session_end", "UserPromptSubmit": "user_prompt_submit", "SubagentStart": "subagent_start",
	"SubagentStop": "subagent_stop", "Stop": "stop",
}

// codexMatcherEvents are the events whose matcher Codex keeps; for the
// others it ignores the matcher, in the hash too.
var codexMatcherEvents = map[string]bool{
	"PreToolUse": true, "PermissionRequest": true, "PostToolUse": true, "PreCompact": true,
	"PostCompact": true, "SessionStart": true, "SubagentStart": true, "SubagentStop": true,
}

type codexHandler struct {
	Type          string  `json:"type"`
	Command       string  `json:"command"`
	Timeout       *uint64 `json:"timeout"`
	Async         bool    `json:"async"`
	StatusMessage *string `json:"statusMessage"`
}

type codexGroup struct {
	Matcher *string        `json:"matcher"`
	Hooks   []codexHandler `json:"hooks"`
}

// CodexHooks lists agentcheck's hooks in the Codex hooks file at path,
// whose content is data, with the key and hash Codex trusts each by. path
// must be absolute, as Codex spells it.
func CodexHooks(path string, data []byte) ([]CodexHook, error) {
	var f struct {
		Hooks map[string][]codexGroup `json:"hooks"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var out []CodexHook
	for event, groups := range f.Hooks {
		label, ok := codexEventLabels[event]
		if !ok {
			continue
		}
		for gi, g := range groups {
			for hi, h := range g.Hooks {
				if h.Type != "command" || !isOurCommand(h.Command, HookCommand(Codex)) {
					continue
				}
				hash, err := codexHookHash(event, g.Matcher, h)
				if err != nil {
					return nil, err
				}
				out = append(out, CodexHook{Key: fmt.Sprintf("%s:%s:%d:%d", path, label, gi, hi), Hash: hash})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// codexHookHash computes the hash Codex trusts a hook by (see above).
func codexHookHash(event string, matcher *string, h codexHandler) (string, error) {
	timeout := uint64(600)
	if event == "SessionEnd" {
		timeout = 1
	}
	if h.Timeout != nil {
		timeout = max(*h.Timeout, 1)
		if event == "SessionEnd" {
			timeout = min(timeout, 3)
		}
	}
	handler := map[string]any{"type": "command", "command": h.Command, "timeout": timeout, "async": h.Async}
	if h.StatusMessage != nil {
		handler["statusMessage"] = *h.StatusMessage
	}
	identity := map[string]any{"event_name": codexEventLabels[event], "hooks": []any{handler}}
	if matcher != nil && codexMatcherEvents[event] {
		identity["matcher"] = *matcher
	}
	// encoding/json sorts map keys and, without HTML escaping, writes what
	// serde_json writes for these values.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(identity); err != nil {
		return "", fmt.Errorf("hashing a Codex hook: %w", err)
	}
	sum := sha256.Sum256(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// CodexTrust is what a Codex config.toml says of trust.
type CodexTrust struct {
	Projects map[string]string         // project path → trust_level
	Hooks    map[string]CodexHookState // hook key → state
}

// CodexHookState is one [hooks.state."KEY"] table.
type CodexHookState struct {
	TrustedHash string
	Disabled    bool // enabled = false
}

// Hook trust statuses, as Codex's /hooks names them.
const (
	HookTrusted   = "trusted"
	HookUntrusted = "untrusted"
	HookModified  = "modified" // trusted once, changed since
	HookDisabled  = "disabled"
)

// Status returns the trust status of one hook.
func (t CodexTrust) Status(h CodexHook) string {
	st, ok := t.Hooks[h.Key]
	switch {
	case ok && st.Disabled:
		return HookDisabled
	case !ok || st.TrustedHash == "":
		return HookUntrusted
	case st.TrustedHash != h.Hash:
		return HookModified
	}
	return HookTrusted
}

// ProjectTrusted reports whether any of the spellings of a project's
// path is trusted.
func (t CodexTrust) ProjectTrusted(paths ...string) bool {
	for _, p := range paths {
		if t.Projects[p] == "trusted" {
			return true
		}
	}
	return false
}

// ReadCodexTrust reads the trust a Codex config.toml records. It reads the
// forms Codex writes — [projects."PATH"] and [hooks.state."KEY"] tables
// with string and boolean keys, and the same as dotted keys — and skips
// everything else; a file it cannot read says nothing is trusted.
func ReadCodexTrust(data []byte) CodexTrust {
	t := CodexTrust{Projects: map[string]string{}, Hooks: map[string]CodexHookState{}}
	for _, kv := range parseTOML(data).values {
		path := kv.path
		switch {
		case len(path) == 3 && path[0] == "projects" && path[2] == "trust_level":
			if s, ok := kv.value.(string); ok {
				t.Projects[path[1]] = s
			}
		case len(path) == 4 && path[0] == "hooks" && path[1] == "state":
			st := t.Hooks[path[2]]
			switch v := kv.value.(type) {
			case string:
				if path[3] == "trusted_hash" {
					st.TrustedHash = v
				}
			case bool:
				if path[3] == "enabled" {
					st.Disabled = !v
				}
			}
			t.Hooks[path[2]] = st
		}
	}
	return t
}

// ErrCodexConfig is returned by TrustCodex for a config.toml it cannot
// edit safely.
var ErrCodexConfig = errors.New("config.toml defines trust in a form agentcheck does not edit")

// TrustCodex returns a Codex config.toml (data; empty for none) that also
// trusts the project at path project and each of hooks by its hash.
// Everything else in the file stays as it is; a table that exists gets
// its key set in place, a missing one is appended. changed is false when
// everything was trusted already.
func TrustCodex(data []byte, project string, hooks []CodexHook) (out []byte, changed bool, err error) {
	doc := parseTOML(data)
	if doc.unreadable != "" {
		return nil, false, fmt.Errorf("%w: %s", ErrCodexConfig, doc.unreadable)
	}
	type want struct {
		table      []string
		key, value string
	}
	var wants []want
	if project != "" {
		wants = append(wants, want{[]string{"projects", project}, "trust_level", tomlString("trusted")})
	}
	for _, h := range hooks {
		wants = append(wants, want{[]string{"hooks", "state", h.Key}, "trusted_hash", tomlString(h.Hash)})
	}
	lines := doc.lines
	for _, w := range wants {
		full := append(append([]string{}, w.table...), w.key)
		if cur, ok := doc.get(full); ok && tomlValueString(cur) == w.value {
			continue
		}
		if doc.definedOutsideHeader(w.table) {
			return nil, false, fmt.Errorf("%w: %s is not a [%s] table", ErrCodexConfig, strings.Join(w.table, "."), tomlKey(w.table))
		}
		changed = true
		line := w.key + " = " + w.value
		if at, ok := doc.header(w.table); ok {
			if k, found := doc.keyLine(at, w.key); found {
				lines[k] = line
			} else {
				lines = insert(lines, at+1, line)
				doc.shift(at+1, 1)
			}
			doc.lines = lines
			continue
		}
		if len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) != "" {
			lines = append(lines, "")
		}
		lines = append(lines, "["+tomlKey(w.table)+"]", line)
		doc.lines = lines
		doc.headers = append(doc.headers, tomlHeader{path: w.table, line: len(lines) - 2})
	}
	if !changed {
		return data, false, nil
	}
	text := strings.Join(lines, "\n")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return []byte(text), true, nil
}

func insert(lines []string, at int, line string) []string {
	lines = append(lines, "")
	copy(lines[at+1:], lines[at:])
	lines[at] = line
	return lines
}

// tomlKey writes a dotted key, quoting each part that is not bare.
func tomlKey(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		if p != "" && strings.IndexFunc(p, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
		}) < 0 {
			b.WriteString(p)
		} else {
			b.WriteString(tomlString(p))
		}
	}
	return b.String()
}

// tomlString writes a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlValueString(v any) string {
	switch v := v.(type) {
	case string:
		return tomlString(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

package agents

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// obj is a JSON object read leniently: a field of an unexpected type reads
// as absent rather than failing the whole payload, so that one agent
// release's schema drift never costs the journal a hook.
type obj map[string]json.RawMessage

var errNotObject = errors.New("payload is not a JSON object")

func parseObj(b []byte) (obj, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errNotObject
	}
	var o obj
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// str returns the first of keys whose value is a JSON string.
func (o obj) str(keys ...string) string {
	for _, k := range keys {
		raw, ok := o[k]
		if !ok || len(raw) == 0 || raw[0] != '"' {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return ""
}

// has reports whether any of keys is present and not null.
func (o obj) has(keys ...string) bool {
	for _, k := range keys {
		if raw, ok := o[k]; ok && string(raw) != "null" {
			return true
		}
	}
	return false
}

// obj returns the object at key. A string holding a JSON object is accepted
// too (Cursor's MCP events send tool_input that way).
func (o obj) obj(key string) obj {
	raw := bytes.TrimSpace(o[key])
	if len(raw) == 0 {
		return nil
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil
		}
		raw = []byte(strings.TrimSpace(s))
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var sub obj
	if json.Unmarshal(raw, &sub) != nil {
		return nil
	}
	return sub
}

// strs returns the strings of the array at key, or nil.
func (o obj) strs(key string) []string {
	raw := o[key]
	if len(raw) == 0 || raw[0] != '[' {
		return nil
	}
	var ss []string
	if json.Unmarshal(raw, &ss) != nil {
		return nil
	}
	return ss
}

// objs returns the objects of the array at key, skipping other elements.
func (o obj) objs(key string) []obj {
	raw := o[key]
	if len(raw) == 0 || raw[0] != '[' {
		return nil
	}
	var rs []json.RawMessage
	if json.Unmarshal(raw, &rs) != nil {
		return nil
	}
	var out []obj
	for _, r := range rs {
		var sub obj
		if len(r) > 0 && r[0] == '{' && json.Unmarshal(r, &sub) == nil {
			out = append(out, sub)
		}
	}
	return out
}

// command returns a command given either as a string or as an argument
// vector (["bash", "-lc", "ls"]), which is joined with shell quoting.
func (o obj) command(key string) (line string, argv []string) {
	if s := o.str(key); s != "" {
		return s, nil
	}
	argv = o.strs(key)
	return shellJoin(argv), argv
}

// shellJoin joins argv into one line a POSIX shell would split back into
// the same words.
func shellJoin(argv []string) string {
	var sb strings.Builder
	for i, a := range argv {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if a != "" && strings.IndexFunc(a, needsQuote) < 0 {
			sb.WriteString(a)
			continue
		}
		sb.WriteByte('\'')
		sb.WriteString(strings.ReplaceAll(a, "'", `'\''`))
		sb.WriteByte('\'')
	}
	return sb.String()
}

func needsQuote(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("-_./=:,+@%", r)
}

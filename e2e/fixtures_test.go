package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The payloads the agents' hooks received become the unit tests'
// fixtures, testdata/hooks/<agent>/<name>.json, named for the event and
// the tool (the first payload of each name wins, scenarios taken in name
// order), with what changes from run to run made stable: the repository's
// and HOME's paths, session, prompt, turn and subagent ids, tool call ids,
// durations, commit ids and key fingerprints. recorded.txt in each
// directory lists them with the version they came from; the other
// fixtures there are written by hand from the agents' documentation.

// fixtureName names a payload's fixture, or "" for one not kept.
func fixtureName(agent string, p map[string]any) string {
	str := func(k string) string { s, _ := p[k].(string); return s }
	if agent == "opencode" {
		return openCodeFixtureName(p)
	}
	event, tool := str("hook_event_name"), str("tool_name")
	if event == "" {
		return ""
	}
	name := event
	if tool != "" {
		name += "-" + tool
	}
	input, _ := p["tool_input"].(map[string]any)
	command, _ := input["command"].(string)
	switch {
	case event == "UserPromptSubmit" && strings.HasPrefix(str("prompt"), "<task-notification>"):
		name += "-task-notification"
	case agent == "codex" && tool == "Bash" && strings.Contains(command, "apply_patch <<"):
		name += "-heredoc"
	case str("agent_id") != "":
		name += "-subagent"
	}
	return name
}

// openCodeFixtureName names an OpenCode plugin envelope: the plugin hook
// and the tool, or the bus event's type; a subagent's, in a child session,
// with "-subagent".
func openCodeFixtureName(p map[string]any) string {
	hook, _ := p["hook"].(string)
	input, _ := p["input"].(map[string]any)
	name := hook
	switch hook {
	case "":
		return ""
	case "event":
		ev, _ := p["event"].(map[string]any)
		if name, _ = ev["type"].(string); name == "" {
			return ""
		}
	case "tool.execute.before", "tool.execute.after":
		tool, _ := input["tool"].(string)
		name += "-" + tool
	}
	if parent, _ := p["parentSessionID"].(string); parent != "" {
		name += "-subagent"
	}
	return name
}

// volatile are the patterns of what changes between runs, with what
// stands for it in a fixture.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`/sessions/\d{4}/\d{2}/\d{2}/rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-`), "/sessions/2026/01/02/rollout-2026-01-02T03-04-05-"},
	{regexp.MustCompile(`attested [0-9a-f]{12}`), "attested 0123456789ab"},
	{regexp.MustCompile(`SHA256:[A-Za-z0-9+/]{43}`), "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
	{regexp.MustCompile(`"(duration_ms|totalDurationMs)":\s*\d+`), `"${1}":42`},
	{regexp.MustCompile(`Wall time: [0-9.]+ seconds`), "Wall time: 0.1 seconds"},
	{regexp.MustCompile(`\b(toolu|call)_[a-z-]+_\d+\b`), "${1}_01"},
	{regexp.MustCompile(`/tmp/claude-\d+/`), "/tmp/claude-1000/"},
	{regexp.MustCompile(`/cc-socks/\d+\.sock`), "/cc-socks/1.sock"},
	{regexp.MustCompile(`\ba[0-9a-f]{16}\b`), "a0123456789abcdef"}, // Claude Code's subagent ids
	{regexp.MustCompile(`<duration_ms>\d+</duration_ms>`), "<duration_ms>42</duration_ms>"},
	// OpenCode's times, project hash and session titles (its ids: see ids).
	{regexp.MustCompile(`"(created|updated|start|end|completed)":\s*\d{13}`), `"${1}":1767323045000`},
	{regexp.MustCompile(`"projectID":\s*"[0-9a-f]{40}"`), `"projectID":"0123456789abcdef0123456789abcdef01234567"`},
	{regexp.MustCompile(`"slug":\s*"[a-z]+(-[a-z]+)*"`), `"slug":"e2e-session"`},
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`), "2026-01-02T03:04:05.000Z"},
}

// openCodeID matches OpenCode's ids: sessions, messages, parts, events.
var openCodeID = regexp.MustCompile(`\b(ses|msg|prt|evt)_[0-9A-Za-z]{20,}`)

// ids numbers OpenCode's ids in the order they first appear across an
// agent's payloads, so that a child session and its parent stay apart.
type ids map[string]string

func (m ids) replace(text string) string {
	return openCodeID.ReplaceAllStringFunc(text, func(id string) string {
		if _, ok := m[id]; !ok {
			prefix, _, _ := strings.Cut(id, "_")
			n := 1
			for _, v := range m {
				if strings.HasPrefix(v, prefix+"_") {
					n++
				}
			}
			m[id] = fmt.Sprintf("%s_e2e%d", prefix, n)
		}
		return m[id]
	})
}

// normalize makes a payload stable (see above).
func normalize(p payload, seen ids) []byte {
	text := seen.replace(string(p.data))
	var obj map[string]any
	_ = json.Unmarshal(p.data, &obj)
	// Ids, wherever they appear (a task notification names its subagent).
	for _, k := range []string{"session_id", "prompt_id", "turn_id", "agent_id"} {
		if v, ok := obj[k].(string); ok && len(v) >= 8 {
			text = strings.ReplaceAll(text, v, "e2e-"+strings.TrimSuffix(k, "_id"))
		}
	}
	text = normalizeText(text, p.home, p.repo)
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(text), "", "  "); err != nil {
		return []byte(text)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// normalizeText replaces a run's repository and HOME and what else
// changes from run to run (see volatile).
func normalizeText(text, home, repo string) string {
	text = strings.ReplaceAll(text, repo, "$REPO")
	text = strings.ReplaceAll(text, strings.ReplaceAll(repo, "/", "-"), "-home-dev-repo")
	text = strings.ReplaceAll(text, home, "/home/dev")
	for _, v := range volatile {
		text = v.re.ReplaceAllString(text, v.with)
	}
	return text
}

// writeFixtures writes the recorded payloads of every agent as fixtures.
func (s *suite) writeFixtures(t *testing.T) {
	t.Helper()
	for agent, payloads := range s.payloads {
		dir := filepath.Join(s.root, "testdata", "hooks", agent)
		sort.SliceStable(payloads, func(i, j int) bool { return payloads[i].scenario < payloads[j].scenario })
		written := map[string]string{} // name → scenario
		seen := ids{}
		for _, p := range payloads {
			var obj map[string]any
			if json.Unmarshal(p.data, &obj) != nil {
				t.Errorf("%s: a payload that is not a JSON object: %.80q", agent, p.data)
				continue
			}
			name := fixtureName(agent, obj)
			data := normalize(p, seen) // every payload, so that ids are numbered alike across runs
			if name == "" || written[name] != "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, name+".json"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			written[name] = p.scenario
		}
		var b strings.Builder
		pin := s.agents[agent]
		fmt.Fprintf(&b, "# Recorded by the e2e suite (make e2e-fixtures) from %s %s:\n", pin.Package, pin.Version)
		fmt.Fprintf(&b, "# the payloads the agent sent its hooks, each with the scenario it came from.\n")
		fmt.Fprintf(&b, "# The other fixtures in this directory are written by hand from the agent's documentation.\n")
		names := make([]string, 0, len(written))
		for n := range written {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "%s.json\t%s\n", n, written[n])
		}
		if err := os.WriteFile(filepath.Join(dir, "recorded.txt"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d fixtures recorded in %s", agent, len(written), dir)
	}
}

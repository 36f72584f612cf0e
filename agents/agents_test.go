package agents

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/provenance/journal"

	"github.com/agentcheck/agentcheck/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/hooks")

// fixtureRoot holds one directory of recorded payloads per agent.
const fixtureRoot = "../testdata/hooks"

// testNow stamps every event of the golden tests.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// repoVar stands for the test repository's root in fixtures and golden files.
const repoVar = "$REPO"

// workTree is the state the fixtures' tool calls left the repository in.
// old.txt and src/old_name.go are absent: the fixtures delete or move them.
var workTree = map[string]string{
	"src/main.go":       "package main\n\nfunc main() {}\n",
	"src/util.go":       "package main\n\nfunc util() {}\n",
	"src/new_name.go":   "package main\n",
	"docs/guide.md":     "# Guide\n",
	"notes/todo.md":     "- [ ] ship it\n",
	"nb/analysis.ipynb": "{}\n",
	"added.txt":         "hello\n",
}

// newTestRepo creates a repository holding workTree and returns its root.
func newTestRepo(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".git/HEAD", "ref: refs/heads/main\n")
	for _, d := range []string{".git/objects", ".git/refs"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for rel, content := range workTree {
		write(rel, content)
	}
	if err := os.Symlink("src/main.go", filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return root
}

// expand substitutes the repository root into a fixture.
func expand(payload []byte, root string) []byte {
	quoted, _ := json.Marshal(root)
	return bytes.ReplaceAll(payload, []byte(repoVar), bytes.Trim(quoted, `"`))
}

// goldenHook is the serialized form of a Hook in golden files. Cwd and the
// repository directories are given relative to the test repository; the
// events are serialized as they are, with no substitution.
type goldenHook struct {
	Agent    string            `json:"agent"`
	Session  string            `json:"session"`
	Event    string            `json:"event"`
	Phase    string            `json:"phase"`
	Tool     string            `json:"tool,omitempty"`
	Cwd      string            `json:"cwd"`
	Repo     map[string]string `json:"repo"`
	Events   []journal.Event   `json:"events"`
	Mentions []string          `json:"mentions,omitempty"`
	Proposed []Proposed        `json:"proposed"`
	Pending  []string          `json:"pending,omitempty"`
}

func toGolden(t *testing.T, h *Hook, root string) []byte {
	t.Helper()
	rel := func(p string) string {
		if p == "" {
			return ""
		}
		r, err := filepath.Rel(root, p)
		if err != nil || strings.HasPrefix(r, "..") {
			t.Errorf("%s is not inside the test repository %s", p, root)
			return p
		}
		if r == "." {
			return repoVar
		}
		return repoVar + "/" + filepath.ToSlash(r)
	}
	g := goldenHook{
		Agent:   h.Agent,
		Session: h.Session,
		Event:   h.Event,
		Phase:   h.Phase.String(),
		Tool:    h.Tool,
		Cwd:     rel(h.Cwd),
		Repo: map[string]string{
			"root":      rel(h.Repo.Root),
			"gitDir":    rel(h.Repo.GitDir),
			"commonDir": rel(h.Repo.CommonDir),
		},
		Events:   h.Events,
		Proposed: h.Proposed,
		Pending:  h.Pending,
	}
	for _, m := range h.Mentions {
		g.Mentions = append(g.Mentions, rel(m))
	}
	if g.Events == nil {
		g.Events = []journal.Event{}
	}
	if g.Proposed == nil {
		g.Proposed = []Proposed{}
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestFixtures parses every recorded payload under testdata/hooks/<agent>/
// and compares the normalized hook with <name>.golden.
func TestFixtures(t *testing.T) {
	root := newTestRepo(t)
	for _, agent := range []string{AgentClaude, AgentCursor, AgentCodex, AgentOpenCode} {
		files, err := filepath.Glob(filepath.Join(fixtureRoot, agent, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no fixtures for %s", agent)
		}
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), ".json")
			t.Run(agent+"/"+name, func(t *testing.T) {
				payload, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				h, err := Parse(Input{Agent: agent, Payload: expand(payload, root), Now: testNow, Dir: root})
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				got := toGolden(t, h, root)
				golden.Check(t, strings.TrimSuffix(file, ".json")+".golden", got, *update)
			})
		}
	}
}

// TestFixtureInvariants checks, over all fixtures, what every hook must
// satisfy whatever the golden files say.
func TestFixtureInvariants(t *testing.T) {
	root := newTestRepo(t)
	files, err := filepath.Glob(filepath.Join(fixtureRoot, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		agent := filepath.Base(filepath.Dir(file))
		payload, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		h, err := Parse(Input{Agent: agent, Payload: expand(payload, root), Now: testNow, Dir: root})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		checkHook(t, file, h)
		for _, e := range h.Events {
			if !e.Time.Equal(testNow) || e.Agent != h.Agent || e.Session != h.Session {
				t.Errorf("%s: event %+v lacks the hook's time, agent or session", file, e)
			}
			if e.Kind == journal.KindDelete && e.Blob != journal.ZeroBlob && !e.Failed {
				t.Errorf("%s: delete of %s has blob %q", file, e.Path, e.Blob)
			}
		}
		if h.Phase != PhasePre && len(h.Proposed) > 0 {
			t.Errorf("%s: %s event proposes %+v", file, h.Phase, h.Proposed)
		}
	}
}

// validKinds are the kinds a hook may produce (KindScope comes from the CLI).
var validKinds = map[journal.Kind]bool{
	journal.KindStart: true, journal.KindPrompt: true, journal.KindContext: true, journal.KindRead: true,
	journal.KindFetch: true, journal.KindSearch: true, journal.KindMCP: true,
	journal.KindExec: true, journal.KindEdit: true, journal.KindDelete: true,
	journal.KindSubagent: true, journal.KindStop: true, journal.KindEnd: true,
}

// checkHook reports kinds outside validKinds and paths that are neither
// absolute nor relative-clean.
func checkHook(t testing.TB, name string, h *Hook) {
	t.Helper()
	for _, e := range h.Events {
		if !validKinds[e.Kind] {
			t.Errorf("%s: event kind %q", name, e.Kind)
		}
		checkPath(t, name, e.Path)
	}
	for _, p := range h.Proposed {
		if !validKinds[p.Kind] {
			t.Errorf("%s: proposed kind %q", name, p.Kind)
		}
		checkPath(t, name, p.Path)
		checkPath(t, name, p.From)
	}
}

func checkPath(t testing.TB, name, p string) {
	t.Helper()
	if p == "" || strings.HasPrefix(p, "/") {
		return
	}
	if !isRelClean(p) {
		t.Errorf("%s: path %q is neither absolute nor relative and clean", name, p)
	}
}

// isRelClean reports whether p is a clean slash path inside its root.
func isRelClean(p string) bool {
	if p == "." {
		return true
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
	}
	return true
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, agent, payload string
	}{
		{"empty", AgentClaude, ""},
		{"not JSON", AgentClaude, "hello"},
		{"array", AgentCursor, `[{"hook_event_name":"stop"}]`},
		{"truncated", AgentCodex, `{"session_id":"s","hook_event_name":"Stop"`},
		{"string", AgentOpenCode, `"chat.message"`},
		{"unknown agent", "copilot", `{"hook_event_name":"Stop"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Parse(Input{Agent: tc.agent, Payload: []byte(tc.payload), Now: testNow})
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tc.payload, h)
			}
			if !strings.Contains(err.Error(), "hook payload") {
				t.Errorf("error %q does not say what failed", err)
			}
		})
	}
}

// TestCursorDetection checks that a payload arriving as Claude Code's is
// attributed to Cursor when Cursor sent it, and is answered as Cursor.
func TestCursorDetection(t *testing.T) {
	root := newTestRepo(t)
	for _, tc := range []struct {
		name, payload, want string
	}{
		{"claude", `{"session_id":"s1","cwd":"$REPO","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}`, AgentClaude},
		{"cursor_version", `{"session_id":"s1","cursor_version":"2.3.35","cwd":"$REPO","hook_event_name":"PreToolUse","tool_name":"Shell","tool_input":{"command":"ls"}}`, AgentCursor},
		{"conversation_id", `{"conversation_id":"c1","workspace_roots":["$REPO"],"hook_event_name":"preToolUse","tool_name":"Shell","tool_input":{"command":"ls"}}`, AgentCursor},
		{"null cursor fields", `{"session_id":"s1","cursor_version":null,"conversation_id":null,"cwd":"$REPO","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}`, AgentClaude},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Parse(Input{Agent: AgentClaude, Payload: expand([]byte(tc.payload), root), Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if h.Agent != tc.want {
				t.Fatalf("Agent = %q, want %q", h.Agent, tc.want)
			}
			if h.Phase != PhasePre {
				t.Fatalf("Phase = %v, want pre", h.Phase)
			}
			if len(h.Proposed) != 1 || h.Proposed[0].Command != "ls" {
				t.Errorf("Proposed = %+v, want the command ls", h.Proposed)
			}
			var stdout, stderr bytes.Buffer
			code := h.Deny(&stdout, &stderr, "no")
			isCursor := strings.Contains(stdout.String(), `"permission":"deny"`)
			if isCursor != (tc.want == AgentCursor) {
				t.Errorf("Deny answered %q (exit %d) for a %s payload", stdout.String(), code, tc.want)
			}
			for _, e := range h.Events {
				if e.Agent != tc.want {
					t.Errorf("event agent = %q, want %q", e.Agent, tc.want)
				}
			}
		})
	}
}

// TestRelativeCwd checks that relative payload paths follow the payload's
// working directory when it is a subdirectory of the repository.
func TestRelativeCwd(t *testing.T) {
	root := newTestRepo(t)
	payload := `{"session_id":"s","cwd":"$REPO/src","hook_event_name":"PostToolUse","tool_name":"apply_patch",` +
		`"tool_input":{"command":"*** Begin Patch\n*** Update File: main.go\n@@\n-a\n+b\n*** Update File: ../docs/guide.md\n@@\n-a\n+b\n*** End Patch"}}`
	h, err := Parse(Input{Agent: AgentCodex, Payload: expand([]byte(payload), root), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range h.Events {
		got = append(got, string(e.Kind)+" "+e.Path+" "+e.Blob)
	}
	want := []string{
		"edit src/main.go " + blobOf([]byte(workTree["src/main.go"])),
		"edit docs/guide.md " + blobOf([]byte(workTree["docs/guide.md"])),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestNoRepo(t *testing.T) {
	dir := t.TempDir()
	payload := `{"session_id":"s","cwd":` + jsonString(dir) + `,"hook_event_name":"PostToolUse","tool_name":"Read","tool_input":{"file_path":"a/b.txt"}}`
	h, err := Parse(Input{Agent: AgentClaude, Payload: []byte(payload), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if h.Repo != (Repo{}) {
		t.Errorf("Repo = %+v outside any repository", h.Repo)
	}
	if want := filepath.ToSlash(filepath.Join(dir, "a/b.txt")); len(h.Events) != 1 || h.Events[0].Path != want {
		t.Errorf("events = %+v, want one read of %s", h.Events, want)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// BenchmarkParseClaudePostEdit measures the hook's work for the commonest
// event that touches the disk, a PostToolUse Edit, by size of the edited
// file: hashing that file is the only work that grows, whatever the size
// of the repository.
func BenchmarkParseClaudePostEdit(b *testing.B) {
	root := newTestRepo(b)
	line := []byte("// a line of source code, 64 bytes long, for the benchmark.....\n")
	for _, size := range []struct {
		name  string
		lines int
	}{{"1KiB", 16}, {"64KiB", 1024}, {"1MiB", 16384}} {
		b.Run(size.name, func(b *testing.B) {
			file := filepath.Join(root, "src", "big"+size.name+".go")
			if err := os.WriteFile(file, bytes.Repeat(line, size.lines), 0o644); err != nil {
				b.Fatal(err)
			}
			payload := expand([]byte(`{"session_id":"9f1c2d3e","transcript_path":"/t.jsonl","cwd":"$REPO/src","permission_mode":"default",`+
				`"hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":`+jsonString(file)+`,"old_string":"a","new_string":"b"},`+
				`"tool_response":{"filePath":`+jsonString(file)+`},"tool_use_id":"toolu_1"}`), root)
			in := Input{Agent: AgentClaude, Payload: payload, Now: testNow}
			b.SetBytes(int64(len(line) * size.lines))
			for b.Loop() {
				h, err := Parse(in)
				if err != nil || len(h.Events) != 1 || h.Events[0].Blob == "" {
					b.Fatalf("Parse = %+v, %v", h, err)
				}
			}
		})
	}
}

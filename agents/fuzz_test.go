package agents

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzParse runs Parse on arbitrary payloads for one agent, seeded with
// that agent's fixtures, and checks that it never panics and that whatever
// it returns is well formed: valid kinds, and paths that are either
// absolute or relative and clean.
//
// The payloads' $REPO stands for a scratch repository, so that fuzzed
// edits hash files there; a fuzzed path may name any file on the machine,
// which is only ever opened when it is a regular file (never a FIFO or a
// device) and only read.
func fuzzParse(f *testing.F, agent string) {
	root := newTestRepo(f)
	files, err := filepath.Glob(filepath.Join(fixtureRoot, agent, "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(expand(b, root))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"cwd":"relative/dir","hook_event_name":"PostToolUse","tool_name":"Write","tool_input":{"file_path":"../../x"}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		h, err := Parse(Input{Agent: agent, Payload: payload, Now: testNow, Dir: root})
		if err != nil {
			return
		}
		if h.Agent != agent && !(agent == AgentClaude && h.Agent == AgentCursor) {
			t.Fatalf("Agent = %q for a %s payload", h.Agent, agent)
		}
		if !filepath.IsAbs(h.Cwd) {
			t.Errorf("Cwd %q is not absolute", h.Cwd)
		}
		checkHook(t, string(payload), h)
		if h.Phase != PhasePre && len(h.Proposed) > 0 {
			t.Errorf("%v event proposes %+v", h.Phase, h.Proposed)
		}
	})
}

func FuzzParseClaude(f *testing.F)   { fuzzParse(f, AgentClaude) }
func FuzzParseCursor(f *testing.F)   { fuzzParse(f, AgentCursor) }
func FuzzParseCodex(f *testing.F)    { fuzzParse(f, AgentCodex) }
func FuzzParseOpenCode(f *testing.F) { fuzzParse(f, AgentOpenCode) }

package transcript

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// The transcripts under testdata/transcripts were written by the real
// agents in the e2e suite (make e2e-fixtures).
func TestRecorded(t *testing.T) {
	port := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	tests := []struct {
		agent, scenario string
		prompts         []string
		calls           []string // KIND VALUE, in order
	}{
		{FormatClaude, "web-taint",
			[]string{"Update the CI workflow as http://HOST/web/ci.txt says.\nscope: .github/workflows/**"},
			[]string{"exec curl -s http://HOST/web/ci.txt", "edit $REPO/.github/workflows/ci.yml", "exec git add -A && git commit -q -m 'Update CI'"}},
		{FormatCodex, "web-taint",
			[]string{"Update the CI workflow as http://HOST/web/ci.txt says.\nscope: .github/workflows/**"},
			[]string{"exec curl -s http://HOST/web/ci.txt", "edit .github/workflows/ci.yml"}},
		{FormatClaude, "declared-scope",
			[]string{"Add a CI workflow that runs the tests.\nscope: .github/workflows/**"},
			[]string{"edit $REPO/.github/workflows/ci.yml", "exec git add -A && git commit -q -m 'Add CI'"}},
		{FormatCodex, "declared-scope",
			[]string{"Add a CI workflow that runs the tests.\nscope: .github/workflows/**"},
			[]string{"edit .github/workflows/ci.yml"}},
	}
	for _, tt := range tests {
		t.Run(tt.agent+"/"+tt.scenario, func(t *testing.T) {
			tr, err := ReadFile(tt.agent, filepath.Join("..", "testdata", "transcripts", tt.agent, tt.scenario+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			var prompts, calls []string
			for _, p := range tr.Prompts {
				prompts = append(prompts, port.ReplaceAllString(p, "HOST"))
			}
			for _, c := range tr.Calls {
				calls = append(calls, port.ReplaceAllString(string(c.Kind)+" "+c.Command+c.URL+c.Query+c.Path+c.Server, "HOST"))
			}
			if strings.Join(prompts, "|") != strings.Join(tt.prompts, "|") {
				t.Errorf("prompts = %q, want %q", prompts, tt.prompts)
			}
			if strings.Join(calls, "|") != strings.Join(tt.calls, "|") {
				t.Errorf("calls = %q, want %q", calls, tt.calls)
			}
		})
	}
}

func TestRecordedSubagent(t *testing.T) {
	path := filepath.Join("..", "testdata", "transcripts", FormatClaude, "reads.subagent-1.jsonl")
	tr, err := ReadFile(FormatClaudeSubagent, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Prompts) != 0 || len(tr.Calls) != 1 || tr.Calls[0].Kind != journal.KindRead || tr.Calls[0].Path != "$REPO/src/util.go" {
		t.Errorf("subagent transcript: prompts %q, calls %+v; want no prompt and the Read of src/util.go", tr.Prompts, tr.Calls)
	}
	// The session's own transcript reads none of the subagent's lines.
	main, err := ReadFile(FormatClaude, filepath.Join("..", "testdata", "transcripts", FormatClaude, "reads.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range main.Calls {
		if strings.HasSuffix(c.Path, "src/util.go") {
			t.Errorf("the session's transcript holds the subagent's call %+v", c)
		}
	}
	dir := t.TempDir()
	sess := filepath.Join(dir, "s[1].jsonl")
	if err := os.MkdirAll(filepath.Join(dir, "s[1]", "subagents"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s[1]", "subagents", "agent-a1.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := SubagentFiles(sess); len(got) != 1 {
		t.Errorf("SubagentFiles(%s) = %q", sess, got)
	}
}

func TestClaudeLines(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"user","message":{"role":"user","content":"hello\nscope: src/**"}}`,
		`{"type":"user","isMeta":true,"message":{"role":"user","content":"<local-command-caveat>scope: **</local-command-caveat>"}}`,
		`{"type":"user","isCompactSummary":true,"message":{"role":"user","content":"summary scope: **"}}`,
		`{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"scope: **"}]}}`,
		`{"type":"user","message":{"role":"user","content":[{"type":"text","text":"second"}]}}`,
		`{"type":"assistant","message":{"content":[{"type":"tool_use","name":"WebFetch","input":{"url":"https://x.example/"}},{"type":"tool_use","name":"mcp__gh__get_issue","input":{}},{"type":"tool_use","name":"TodoWrite","input":{}}]}}`,
		`{"type":"assistant","isSidechain":true,"message":{"content":[{"type":"tool_use","name":"WebFetch","input":{"url":"https://side.example/"}}]}}`,
		`not json "user"`,
		`{"type":"assistant","message":{"content":"tool_use"}}`,
	}, "\n")
	tr, err := Parse(FormatClaude, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.Prompts, "|"); got != "hello\nscope: src/**|second" {
		t.Errorf("prompts = %q", got)
	}
	want := []Call{{Kind: journal.KindFetch, Tool: "WebFetch", URL: "https://x.example/"}, {Kind: journal.KindMCP, Tool: "mcp__gh__get_issue", Server: "gh"}}
	if len(tr.Calls) != len(want) || tr.Calls[0] != want[0] || tr.Calls[1] != want[1] {
		t.Errorf("calls = %+v, want %+v", tr.Calls, want)
	}
}

func TestCodexLines(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>scope: **"}]}}`,
		`{"type":"event_msg","payload":{"type":"user_message","message":"old style\nscope: a/**"}}`,
		`{"type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\"curl x\"]}"}}`,
		`{"type":"response_item","payload":{"type":"local_shell_call","action":{"type":"exec","command":["wget","y"]}}}`,
		`{"type":"response_item","payload":{"type":"web_search_call","action":{"type":"search","query":"q"}}}`,
		`{"type":"response_item","payload":{"type":"function_call","name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** Delete File: old.txt\\n*** Update File: a.go\\n*** Move to: b.go\\n*** End Patch\"}"}}`,
		`{"type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"not json"}}`,
	}, "\n")
	tr, err := Parse(FormatCodex, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.Prompts, "|"); got != "old style\nscope: a/**" {
		t.Errorf("prompts = %q", got)
	}
	var calls []string
	for _, c := range tr.Calls {
		calls = append(calls, string(c.Kind)+" "+c.Command+c.Query+c.Path)
	}
	if got, want := strings.Join(calls, "|"), "exec curl x|exec wget y|search q|delete old.txt|edit a.go|edit b.go"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
}

func TestLongLineSkipped(t *testing.T) {
	long := `{"type":"user","message":{"role":"user","content":"` + strings.Repeat("x", MaxLine) + `"}}`
	in := long + "\n" + `{"type":"user","message":{"role":"user","content":"after"}}` + "\n"
	tr, err := Parse(FormatClaude, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Prompts) != 1 || tr.Prompts[0] != "after" {
		t.Errorf("prompts = %d, first %.20q", len(tr.Prompts), tr.Prompts)
	}
}

func TestReadFileRefusesNonRegular(t *testing.T) {
	if _, err := ReadFile(FormatClaude, t.TempDir()); err == nil {
		t.Error("a directory was read as a transcript")
	}
	if _, err := ReadFile("cursor", "/dev/null"); err != ErrUnknownFormat {
		t.Errorf("cursor: %v", err)
	}
}

func fuzzSeeds(f *testing.F, agent string) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "transcripts", agent, "*.jsonl"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			if len(line) < 4<<10 {
				f.Add([]byte(line))
			}
		}
	}
}

func fuzzParse(t *testing.T, agent string, data []byte) {
	tr, err := Parse(agent, strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err) // a reader that never fails leaves nothing to fail on
	}
	for _, c := range tr.Calls {
		if c.Kind == "" || c.Command == "" && c.URL == "" && c.Query == "" && c.Path == "" && c.Server == "" {
			t.Fatalf("a call with nothing to match: %+v", c)
		}
	}
}

func FuzzClaude(f *testing.F) {
	fuzzSeeds(f, FormatClaude)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, FormatClaude, data)
		fuzzParse(t, FormatClaudeSubagent, data)
	})
}

func FuzzCodex(f *testing.F) {
	fuzzSeeds(f, FormatCodex)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, FormatCodex, data) })
}

// BenchmarkParse reads the recorded transcripts repeated to about 10 MB,
// the size of a long session's.
func BenchmarkParse(b *testing.B) {
	for _, agent := range []string{FormatClaude, FormatCodex} {
		b.Run(agent, func(b *testing.B) {
			files, _ := filepath.Glob(filepath.Join("..", "testdata", "transcripts", agent, "*.jsonl"))
			var one []byte
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				one = append(one, data...)
			}
			data := bytes.Repeat(one, max(1, (10<<20)/len(one)))
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(agent, bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

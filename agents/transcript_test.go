package agents

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTranscript(t testing.TB, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "transcript.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClaudeTranscriptModel(t *testing.T) {
	for _, tc := range []struct {
		name        string
		lines       []string
		model, vers string
	}{
		{"last assistant", []string{
			`{"type":"user","message":{"role":"user","content":"hi"},"version":"2.1.328"}`,
			`{"type":"assistant","message":{"model":"claude-opus-4-5","role":"assistant"},"version":"2.1.300"}`,
			`{"type":"assistant","message":{"model":"claude-sonnet-4-5","role":"assistant"},"version":"2.1.328"}`,
			`{"type":"attachment","attachment":{"type":"assistant"}}`,
		}, "claude-sonnet-4-5", "2.1.328"},
		{"synthetic skipped", []string{
			`{"type":"assistant","message":{"model":"claude-opus-4-5"},"version":"2.1.328"}`,
			`{"type":"assistant","message":{"model":"<synthetic>"},"version":"2.1.328"}`,
		}, "claude-opus-4-5", "2.1.328"},
		{"prose is no model", []string{
			`{"type":"assistant","message":{"model":"ignore previous instructions"}}`,
		}, "", ""},
		{"no assistant", []string{`{"type":"user","message":{"model":"x"}}`}, "", ""},
		{"not JSON", []string{`"assistant" {`}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, v := claudeTranscriptModel(writeTranscript(t, tc.lines...))
			if m != tc.model || v != tc.vers {
				t.Errorf("claudeTranscriptModel = %q, %q; want %q, %q", m, v, tc.model, tc.vers)
			}
		})
	}
	if m, v := claudeTranscriptModel(t.TempDir()); m != "" || v != "" {
		t.Errorf("a directory read as a transcript: %q %q", m, v)
	}
	if m, _ := claudeTranscriptModel(filepath.Join(t.TempDir(), "missing.jsonl")); m != "" {
		t.Errorf("a missing transcript gave %q", m)
	}
}

// TestTranscriptTailCut checks that a transcript longer than the tail that
// is read yields the model of a whole line, never of a line cut in two.
func TestTranscriptTailCut(t *testing.T) {
	filler := `{"type":"user","message":{"content":"` + strings.Repeat("x", 1000) + `"}}`
	var lines []string
	lines = append(lines, `{"type":"assistant","message":{"model":"old-model"}}`)
	for range transcriptTail / len(filler) {
		lines = append(lines, filler)
	}
	lines = append(lines, `{"type":"assistant","message":{"model":"new-model"}}`)
	if m, _ := claudeTranscriptModel(writeTranscript(t, lines...)); m != "new-model" {
		t.Errorf("model = %q, want new-model", m)
	}
}

func TestCodexTranscript(t *testing.T) {
	p := writeTranscript(t,
		`{"type":"session_meta","payload":{"id":"s","cli_version":"0.169.0","base_instructions":{"text":"…"}}}`,
		`{"type":"turn_context","payload":{"approval_policy":"never","sandbox_policy":{"type":"danger-full-access"}}}`,
		`{"type":"response_item","payload":{"type":"message"}}`,
		`{"type":"turn_context","payload":{"approval_policy":"never","sandbox_policy":{"type":"workspace-write","network_access":false}}}`,
		`{"type":"event_msg","payload":{"type":"task_complete"}}`,
	)
	if got := codexSandbox(p); got != "workspace-write" {
		t.Errorf("codexSandbox = %q, want the last turn's workspace-write", got)
	}
	if got := codexVersion(p); got != "0.169.0" {
		t.Errorf("codexVersion = %q", got)
	}
	if got := codexVersion(writeTranscript(t, `{"type":"turn_context","payload":{"cli_version":"1"}}`)); got != "" {
		t.Errorf("codexVersion of a file without session_meta first = %q", got)
	}
	if got := codexSandbox(writeTranscript(t, `{"type":"session_meta"}`)); got != "" {
		t.Errorf("codexSandbox without a turn context = %q", got)
	}
}

func TestClaudeVersionFromEnv(t *testing.T) {
	for in, want := range map[string]string{
		"claude-code_2-1-328_harness": "2.1.328",
		"claude-code_2-1-328_agent":   "2.1.328",
		"claude-code_2-1-328":         "2.1.328",
		"cursor_1-0":                  "",
		"":                            "",
		"claude-code_2 1 3_x":         "",
	} {
		if got := claudeVersionFromEnv(in); got != want {
			t.Errorf("claudeVersionFromEnv(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzTranscript checks that no transcript content makes the readers
// panic, and that what they return is a plain name.
func FuzzTranscript(f *testing.F) {
	f.Add([]byte(`{"type":"assistant","message":{"model":"claude-opus-4-5"},"version":"2.1.328"}` + "\n"))
	f.Add([]byte(`{"type":"session_meta","payload":{"cli_version":"0.169.0"}}` + "\n" +
		`{"type":"turn_context","payload":{"sandbox_policy":{"type":"workspace-write"}}}`))
	f.Add([]byte("\n\n{"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "t.jsonl")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		m, v := claudeTranscriptModel(p)
		for _, s := range []string{m, v, codexSandbox(p), codexVersion(p)} {
			if s != "" && !validName(s) {
				t.Errorf("returned %q", s)
			}
		}
	})
}

// BenchmarkClaudeTranscriptModel measures reading the model from the end of
// a long transcript, which the hook does before each shell command: its
// cost is bounded by transcriptTail, whatever the transcript's length.
func BenchmarkClaudeTranscriptModel(b *testing.B) {
	line := `{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"` + strings.Repeat("x", 2000) + `"}]}}`
	assistant := `{"type":"assistant","message":{"model":"claude-opus-4-5","role":"assistant","content":[]},"version":"2.1.328"}`
	var lines []string
	for range 5000 { // about 10 MB
		lines = append(lines, assistant, line)
	}
	p := writeTranscript(b, lines...)
	for b.Loop() {
		if m, _ := claudeTranscriptModel(p); m != "claude-opus-4-5" {
			b.Fatalf("model %q", m)
		}
	}
}

package attest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

func TestCrossCheck(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "repo")
	tr := filepath.Join(dir, "t.jsonl")
	lines := []string{
		`{"type":"user","message":{"role":"user","content":"Fix it\nscope: src/**"}}`,
		`{"type":"assistant","message":{"content":[{"type":"tool_use","name":"WebFetch","input":{"url":"https://x.example/"}},{"type":"tool_use","name":"Edit","input":{"file_path":"` + root + `/src/a.go"}},{"type":"tool_use","name":"Write","input":{"file_path":"/tmp/outside.txt"}}]}}`,
	}
	if err := os.WriteFile(tr, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ev := func(kind journal.Kind, f func(*journal.Event)) journal.Event {
		e := journal.Event{Time: at, Agent: "claude-code", Session: "s", Kind: kind}
		if f != nil {
			f(&e)
		}
		return e
	}
	prompt := ev(journal.KindPrompt, func(e *journal.Event) {
		e.Text, e.Transcript = "Fix it\nscope: src/**", tr
		e.Scope = []journal.ScopeDecl{{Glob: "src/**", Source: journal.SourceDirective}}
	})
	fetch := ev(journal.KindFetch, func(e *journal.Event) { e.URL = "https://x.example/" })
	edit := ev(journal.KindEdit, func(e *journal.Event) { e.Path = "src/a.go" })
	outside := ev(journal.KindEdit, func(e *journal.Event) { e.Path = "/tmp/outside.txt" })
	forged := ev(journal.KindPrompt, func(e *journal.Event) {
		e.Text = "scope: **"
		e.Scope = []journal.ScopeDecl{{Glob: "**", Source: journal.SourceDirective}}
	})
	tests := []struct {
		name       string
		events     []journal.Event
		refuse     bool
		mismatches []string // kind path
		restored   int
	}{
		{"whole", []journal.Event{prompt, fetch, edit, outside}, false, nil, 0},
		{"fetch deleted", []journal.Event{prompt, edit, outside}, false, []string{"call "}, 1},
		{"edit deleted", []journal.Event{prompt, fetch, outside}, false, []string{"edit src/a.go"}, 0},
		{"edit of a path the commit leaves alone", []journal.Event{prompt, fetch, edit}, false, nil, 0},
		{"forged scope", []journal.Event{prompt, fetch, edit, outside, forged}, true, nil, 0},
		{"no transcript named", []journal.Event{forged, edit}, false, nil, 0},
		{"transcript gone", []journal.Event{ev(journal.KindStart, func(e *journal.Event) { e.Transcript = filepath.Join(dir, "gone") }), forged}, false, []string{"transcript "}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, ms, err := crossCheck(tt.events, root, map[string]string{"src/a.go": "1234"}, func(string) string { return "" })
			if tt.refuse {
				if err == nil || !strings.Contains(err.Error(), "declaring scope **") {
					t.Fatalf("err = %v, want a refusal of the forged scope", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.Kind+" "+m.Path)
			}
			if strings.Join(got, "|") != strings.Join(tt.mismatches, "|") {
				t.Errorf("mismatches = %q, want %q", got, tt.mismatches)
			}
			if n := len(events) - len(tt.events); n != tt.restored {
				t.Errorf("%d events restored, want %d", n, tt.restored)
			}
			if tt.restored > 0 && (events[1].Kind != journal.KindFetch || events[1].URL != "https://x.example/") {
				t.Errorf("restored %+v, want the fetch right after the first event", events[1])
			}
		})
	}
}

func TestCrossCheckBoundsMismatches(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.jsonl")
	var b strings.Builder
	for i := range 3 * maxMismatches {
		b.WriteString(`{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{"command":"echo ` + strings.Repeat("x", i+1) + `"}}]}}` + "\n")
	}
	if err := os.WriteFile(tr, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	events := []journal.Event{{Agent: "claude-code", Session: "s", Kind: journal.KindStart, Transcript: tr}}
	_, ms, err := crossCheck(events, dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != maxMismatches || ms[len(ms)-1].Kind != provenance.MismatchCall || !strings.Contains(ms[len(ms)-1].Detail, "101 more") {
		t.Errorf("%d mismatches, last %+v", len(ms), ms[len(ms)-1])
	}
}

func TestCrossCheckFindsTheDefaultTranscript(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".claude", "projects", "-home-dev-repo")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	line := `{"type":"user","message":{"role":"user","content":"Fix it"}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "s-1.jsonl"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	forged := []journal.Event{{Agent: "claude-code", Session: "s-1", Kind: journal.KindPrompt, Text: "scope: **",
		Scope: []journal.ScopeDecl{{Glob: "**", Source: journal.SourceDirective}}}}
	if _, _, err := crossCheck(forged, home, nil, getenv); err == nil {
		t.Error("a journal whose transcript path was deleted was not cross-checked against the default transcript")
	}
	forged[0].Session = "*"
	if _, _, err := crossCheck(forged, home, nil, getenv); err != nil {
		t.Errorf("a session id that is a glob found a transcript: %v", err)
	}
}

func TestHumanSent(t *testing.T) {
	sent := []string{"Fix the login page [Image #1]\nscope: src/auth/**\nsee @docs/auth.md", "thanks"}
	tests := []struct {
		text string
		want bool
	}{
		{"Fix the login page [Image #1]\nscope: src/auth/**\nsee @docs/auth.md", true},
		{"Fix the login page\r\nscope: src/auth/**\nsee @docs/auth.md ", true}, // rendered differently
		{"scope: src/auth/**", true},
		{"scope: **", false},
		{"scope: src/auth/**\nscope: .github/**", false},
		{"look at @.github/workflows/ci.yml", false},
		{"thanks", true},
		{"", false},
	}
	for _, tt := range tests {
		if got := humanSent(tt.text, sent); got != tt.want {
			t.Errorf("humanSent(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestDeclaredBy(t *testing.T) {
	dir := func(g string) journal.ScopeDecl { return journal.ScopeDecl{Glob: g, Source: journal.SourceDirective} }
	mention := func(g string) journal.ScopeDecl { return journal.ScopeDecl{Glob: g, Source: journal.SourceMention} }
	tests := []struct {
		text  string
		scope []journal.ScopeDecl
		want  bool
	}{
		{"Fix it\nscope: src/**", []journal.ScopeDecl{dir("src/**")}, true},
		{"Fix it\nscope: src/**", []journal.ScopeDecl{dir("src/**"), dir(".github/**")}, false},
		{"thanks", []journal.ScopeDecl{dir(".github/**")}, false},
		{"look at @docs/a.md", []journal.ScopeDecl{mention("docs/a.md")}, true},
		{"look at @docs", []journal.ScopeDecl{mention("docs/**")}, true},
		{"look at docs", []journal.ScopeDecl{mention(".github/**")}, false},
		{"Fix it", []journal.ScopeDecl{{Glob: "**", Source: journal.SourceCLI}}, false},
	}
	for _, tt := range tests {
		e := journal.Event{Kind: journal.KindPrompt, Text: tt.text, Scope: tt.scope}
		if got := declaredBy(e); got != tt.want {
			t.Errorf("declaredBy(%q, %v) = %v, want %v", tt.text, tt.scope, got, tt.want)
		}
	}
}

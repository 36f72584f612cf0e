package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

const (
	commitA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
	commitB = "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
)

// hostileLog is a log whose recorded strings try every trick: markup,
// attribute breaking, javascript: URLs, spreadsheet formulas, terminal
// escapes and bidirectional overrides.
func hostileLog(t *testing.T) *Log {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	pred := &provenance.SessionPredicate{
		Agent:   provenance.AgentInfo{Name: "claude-code", Model: `<img src=x onerror=alert(1)>`},
		Session: provenance.SessionInfo{ID: "s1", Started: t0, Ended: t0.Add(90 * time.Second), PermissionMode: "default"},
		Task: provenance.Task{
			Prompts: []provenance.Prompt{{At: t0, Text: "=HYPERLINK(\"http://evil.example\",\"click\") </script><script>alert(1)</script>"}},
			Scope:   []journal.ScopeDecl{{Glob: "src/**", Source: journal.SourceDirective}},
		},
		Reads: []provenance.Read{
			{Kind: provenance.ReadFile, Path: "src/a.go"},
			{Kind: provenance.ReadFetch, URL: "javascript:alert(document.cookie)//https://docs.example.net/x"},
			{Kind: provenance.ReadFetch, URL: "https://pkg.go.dev/net/http"},
			{Kind: provenance.ReadMCP, Server: "github", Tool: "get_issue"},
		},
		Actions: []provenance.Action{
			{Kind: journal.KindExec, Command: "+cmd|' /C calc'!A0"},
			{Kind: journal.KindExec, Command: "echo \x1b[2J\u202eexe.txt\"><svg onload=alert(1)>"},
			{Kind: journal.KindEdit, Path: "src/a.go", Blob: "b1"},
			{Kind: journal.KindMCP, Server: "github", Tool: "get_issue"},
		},
		Files: map[string]string{"src/a.go": "3333333333333333333333333333333333333333"},
	}
	r := &check.Report{
		Version: 1, Range: "main..feature", Base: commitA, PolicySource: ".agentcheck.yml@1a2b3c4d5e6f",
		Commits: []check.CommitReport{
			{
				Commit: commitB, Subject: "-2+3 @SUM(A1) <b>bold</b>", Author: "dev@example.com", Agent: true,
				MadeBy: []check.AgentIdentity{
					{Agent: "claude-code", Title: "Claude Code", Source: check.SourceManifest, Marker: "manifest signed by dev@example.com", Session: "claude-code/s1"},
					{Agent: "<script>\x1b[2J\u202eexe", Title: "<script>\x1b[2J\u202eexe", Source: check.SourceManifest, Marker: "manifest signed by dev@example.com", Session: "<script>/s2"},
				},
				Manifest: check.ManifestValid,
				Sessions: []check.SessionSummary{{Agent: "claude-code", ID: "s1", Valid: true, Signer: "dev@example.com", KeyID: "SHA256:k", Task: "=1+1", Tainted: true, Predicate: pred}},
				Findings: []check.Finding{
					{Rule: check.RuleUntrustedTool, Name: "untrusted-tool", Level: check.LevelWarning, Commit: commitB, Message: `called "github" <script>`, Session: "claude-code/s1"},
					{Rule: check.RuleProtectedPath, Name: "protected-path", Level: check.LevelError, Commit: commitB, Path: "@evil/=x.yml", Line: 3, Message: "=cmd()", Class: "ci"},
				},
			},
		},
	}
	pol := scope.Default()
	return BuildLog(r, nil, pol)
}

func TestBuildLog(t *testing.T) {
	l := hostileLog(t)
	if l.Summary != (LogSummary{Commits: 1, Sessions: 1, Errors: 1, Warnings: 1}) {
		t.Errorf("summary = %+v", l.Summary)
	}
	s := l.Commits[0].Sessions[0]
	if s.Label != "claude-code/s1" || s.Signature != "valid" || s.Findings != (Counts{Warnings: 1}) {
		t.Errorf("session = %+v", s)
	}
	want := []Source{{Name: "javascript:alert(document.cookie)//https://docs.example.net/x", Trusted: false}, {Name: "pkg.go.dev", Trusted: true}}
	if got := s.Reads.Hosts; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("hosts = %+v, want %+v", got, want)
	}
	if got := s.Reads.MCPServers; len(got) != 1 || got[0].Name != "github" || got[0].Trusted {
		t.Errorf("mcp servers = %+v", got)
	}
	var buf bytes.Buffer
	if err := WriteLogJSON(&buf, l); err != nil {
		t.Fatal(err)
	}
	var back Log
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back.Version != LogVersion || len(back.Commits) != 1 {
		t.Errorf("the JSON log does not read back: %v", err)
	}
	buf.Reset()
	if err := WriteLogText(&buf, l); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(buf.Bytes(), "\x1b\u202e") {
		t.Errorf("the text log passes control characters through:\n%s", buf.String())
	}
	for _, want := range []string{
		"    made by Claude Code: manifest signed by dev@example.com, session claude-code/s1\n",
		"    made by <script> [2J exe: manifest signed by dev@example.com, session <script>/s2\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the text log lacks %q:\n%s", want, buf.String())
		}
	}
}

func buildExport(t *testing.T) (*Export, *Mapping) {
	t.Helper()
	m, err := LoadMapping()
	if err != nil {
		t.Fatal(err)
	}
	return BuildExport(hostileLog(t), m, "agentcheck test"), m
}

func TestExportMapsFindings(t *testing.T) {
	e, m := buildExport(t)
	if len(e.Sessions) != 1 || len(e.Findings) != 2 {
		t.Fatalf("records = %d sessions, %d findings", len(e.Sessions), len(e.Findings))
	}
	if len(e.Sessions[0].Controls) != len(m.ControlsOf(EvidenceSession)) {
		t.Errorf("session controls = %+v", e.Sessions[0].Controls)
	}
	for _, f := range e.Findings {
		if len(f.Controls) == 0 {
			t.Errorf("finding %s maps to no control", f.Rule)
		}
	}
	for _, row := range e.Controls {
		if row.Key() == "owasp-llm/LLM03:2025" && row.Findings != 1 {
			t.Errorf("LLM03 row = %+v, want the AC011 finding counted", row)
		}
		if row.Key() == "eu-ai-act/Art. 12" && row.Sessions != 1 {
			t.Errorf("Art. 12 row = %+v, want the session record counted", row)
		}
	}
	if len(e.Rules) != len(check.Rules()) {
		t.Errorf("rules = %d, want every rule", len(e.Rules))
	}
}

func TestExportCSV(t *testing.T) {
	e, m := buildExport(t)
	var buf bytes.Buffer
	if err := WriteExportCSV(&buf, e, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(buf.Bytes(), []byte("\r\n"), nil), []byte("\n")) && !bytes.Contains(buf.Bytes(), []byte("\"")) {
		t.Errorf("rows do not end with CRLF")
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse as RFC 4180: %v", err)
	}
	if len(rows) != 1+len(e.Sessions)+len(e.Findings) {
		t.Errorf("rows = %d", len(rows))
	}
	for i, row := range rows {
		if len(row) != len(rows[0]) {
			t.Errorf("row %d has %d fields, the header %d", i, len(row), len(rows[0]))
		}
		for j, cell := range row {
			if c := strings.TrimLeft(cell, " "); c != "" && strings.ContainsRune("=+-@\t\r|%", rune(c[0])) {
				t.Errorf("row %d column %s starts a formula: %q", i, rows[0][j], cell)
			}
		}
	}
	header := strings.Join(rows[0], ",")
	for _, col := range []string{"record", "rule", "owasp_llm_2025", "nist_ai_rmf", "eu_ai_act", "iso_iec_42001", "soc2_tsc"} {
		if !strings.Contains(header, col) {
			t.Errorf("header lacks %s: %s", col, header)
		}
	}
	// The neutralised cells keep their text after the quote.
	if !strings.Contains(strings.Join(rows[1], "\x00"), "'-2+3 @SUM(A1) <b>bold</b>") {
		t.Errorf("subject cell = %q", rows[1][2])
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x", "  =x": "'  =x",
		"＝1": "'＝1", "plain": "plain", "": "", "a=b": "a=b", "2026-11-26": "2026-11-26",
	} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportHTML(t *testing.T) {
	e, m := buildExport(t)
	var buf bytes.Buffer
	if err := WriteExportHTML(&buf, e, m); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	// Markup in recorded text is shown as text ("&lt;img … onerror=…&gt;"),
	// never as a tag.
	for _, bad := range []string{"<script", "<img", "<svg", `href="javascript:`, "\x1b", "\u202e", "<b>bold"} {
		if strings.Contains(page, bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
	// Self-contained: nothing loaded from anywhere.
	for _, re := range []string{`<link\b`, `<[a-z]+[^>]*\ssrc=`, `@import`, `url\(`} {
		if regexp.MustCompile(re).MatchString(page) {
			t.Errorf("the report loads a resource (%s)", re)
		}
	}
	if !strings.Contains(page, `Content-Security-Policy" content="default-src 'none'`) {
		t.Error("the report has no Content-Security-Policy")
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "made by <b>Claude Code</b>: manifest signed by dev@example.com, session claude-code/s1", "Control mapping", "LLM03:2025", "Art. 12", "CC8.1", "A.6.2.8", "MEASURE 2.7"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/provenance"

	"github.com/agentcheck/agentcheck/internal/golden"

	"github.com/agentcheck/agentcheck/check"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current renderers")

// Commit ids of the fixtures.
const (
	commit1 = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
	commit2 = "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
	commit3 = "3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f"
	commit4 = "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70"
	commit5 = "5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"
	commit6 = "6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192"
	commit7 = "708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3"
	baseSHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c"
)

// sarifOpts are the SARIF options of the golden files: what the CLI passes
// in the GitHub Action.
var sarifOpts = SARIFOptions{
	Version:       "v0.4.0",
	RepositoryURI: "https://github.com/example/payments",
	RevisionID:    commit1,
}

// renderCase is a hand-built Report with the options to render it with.
type renderCase struct {
	name  string
	sarif SARIFOptions
	build func() *check.Report
}

func renderCases() []renderCase {
	return []renderCase{
		{"pass", sarifOpts, passReport},
		{"every-rule", sarifOpts, everyRuleReport},
		{"no-path", SARIFOptions{Version: "0.4.0-rc.1", Category: "pr-gate"}, noPathReport},
		{"odd-paths", sarifOpts, oddPathsReport},
		{"warnings-only", sarifOpts, warningsOnlyReport},
		{"empty", SARIFOptions{Version: "v0.4.0"}, emptyReport},
		{"approved", sarifOpts, approvedReport},
	}
}

func session(agent, id string) check.SessionSummary {
	return check.SessionSummary{Agent: agent, ID: id, Model: "claude-opus-4", Signer: "dev@example.com",
		KeyID: "SHA256:3q2+7w/ZmYDUsY6c0ANHtpJeQS3fdVSOEoEzGLbcN5c", Valid: true, Task: "fix the flaky payment test"}
}

// byManifest is the identity a valid manifest of session agent/id gives.
func byManifest(agent, title, id string) check.AgentIdentity {
	return check.AgentIdentity{Agent: agent, Title: title, Source: check.SourceManifest, Kind: "local",
		Marker: "manifest signed by dev@example.com", Session: agent + "/" + id}
}

// claudeCoAuthor is the identity the registry gives a commit Claude Code
// co-authored.
var claudeCoAuthor = check.AgentIdentity{Agent: "claude-code", Title: "Claude Code", Vendor: "Anthropic", Kind: "local",
	Source: check.SourceRegistry, Marker: "co-author trailer noreply@anthropic.com"}

func summarised(r *check.Report) *check.Report {
	r.Summarise()
	return r
}

// passReport: seven agent commits without findings; the long clean run is
// collapsed in text.
func passReport() *check.Report {
	var commits []check.CommitReport
	for i, sha := range []string{commit1, commit2, commit3, commit4, commit5, commit6, commit7} {
		commits = append(commits, check.CommitReport{
			Commit: sha, Subject: "payments: step " + string(rune('1'+i)), Author: "dev@example.com", Agent: true,
			MadeBy:   []check.AgentIdentity{byManifest("claude-code", "Claude Code", "s-pass")},
			Manifest: check.ManifestValid,
			Sessions: []check.SessionSummary{session("claude-code", "s-pass")},
		})
	}
	return summarised(&check.Report{
		Version: 1, Range: "origin/main..HEAD", Base: baseSHA,
		PolicySource: ".agentcheck.yml at origin/main", Commits: commits,
	})
}

// everyRuleReport: four commits and every rule, given out of order so that
// the renderers' sorting shows.
func everyRuleReport() *check.Report {
	return summarised(&check.Report{
		Version: 1, Range: "origin/main..HEAD", Base: baseSHA, PolicySource: ".agentcheck.yml at origin/main",
		Commits: []check.CommitReport{
			{
				Commit: commit1, Subject: "payments: retry on timeout", Author: "dev@example.com", Agent: true,
				MadeBy:   []check.AgentIdentity{byManifest("codex", "OpenAI Codex", "t-2"), byManifest("claude-code", "Claude Code", "s-1")},
				Manifest: check.ManifestValid,
				Sessions: []check.SessionSummary{session("codex", "t-2"), session("claude-code", "s-1")},
				Findings: []check.Finding{
					{Rule: check.RuleOutOfScope, Name: "out-of-scope", Level: check.LevelError, Commit: commit1, Path: "internal/billing/invoice.go", Line: 42,
						Message: "changes internal/billing/invoice.go, outside the declared scope internal/payments/**",
						Hint:    "revert the change or widen the scope (scope: internal/billing/**) and re-attest", Session: "claude-code/s-1"},
					{Rule: check.RuleProtectedPath, Name: "protected-path", Level: check.LevelError, Commit: commit1, Path: ".github/workflows/ci.yml", Line: 3,
						Message: "changes .github/workflows/ci.yml (class ci), which the session did not declare",
						Hint:    "declare it in the task (scope: .github/workflows/ci.yml) and re-attest, or make it a human commit",
						Session: "claude-code/s-1", Class: "ci"},
					{Rule: check.RuleTainted, Name: "tainted-session", Level: check.LevelError, Commit: commit1, Path: ".github/workflows/ci.yml", Line: 3,
						Message: "the session fetched https://evil.example/docs, then changed a ci path",
						Hint:    "review the change by hand and redo it in a session that read no untrusted content",
						Session: "claude-code/s-1", Class: "ci"},
					{Rule: check.RuleUnattributed, Name: "unattributed-change", Level: check.LevelWarning, Commit: commit1, Path: "internal/payments/retry.go", Line: 17,
						Message: "internal/payments/retry.go differs from the blob the session recorded",
						Hint:    "commit human edits separately, or re-attest after the session records the file"},
					{Rule: check.RulePermissionBypass, Name: "permission-bypass", Level: check.LevelNote, Commit: commit1, Path: "internal/payments/retry_test.go", Line: 8,
						Message: "the session ran with bypassPermissions", Session: "codex/t-2"},
				},
			},
			{Commit: commit2, Subject: "docs: explain retries", Author: "dev@example.com", Agent: true,
				MadeBy: []check.AgentIdentity{byManifest("claude-code", "Claude Code", "s-1")}, Manifest: check.ManifestValid,
				Sessions: []check.SessionSummary{session("claude-code", "s-1")}},
			{
				Commit: commit3, Subject: "Update dependencies", Author: "bot@example.com", Agent: true,
				MadeBy: []check.AgentIdentity{{Title: "unnamed agent", Source: check.SourcePolicy,
					Marker: `policy trailer "Agent-Session:"`}},
				Manifest: check.ManifestInvalid,
				Findings: []check.Finding{
					{Rule: check.RuleMalformed, Name: "malformed-manifest", Level: check.LevelError, Commit: commit3,
						Message: "note line 2 is not a DSSE envelope: unexpected end of JSON input",
						Hint:    "remove the broken line (git notes --ref agentcheck edit) and re-attest"},
					{Rule: check.RuleUnattested, Name: "unattested-agent-commit", Level: check.LevelError, Commit: commit3,
						Message: "the commit has an Agent-Session: trailer but no manifest",
						Hint:    "run agentcheck attest on the commit and push refs/notes/agentcheck"},
					{Rule: check.RuleProtectedPath, Name: "protected-path", Level: check.LevelWarning, Commit: commit3, Path: "CODEOWNERS", Line: 1,
						Message: "changes CODEOWNERS (class governance, action warn)", Class: "governance"},
				},
			},
			{
				Commit: commit4, Subject: "auth: rotate session keys", Author: "dev@example.com", Agent: true,
				MadeBy: []check.AgentIdentity{{Agent: "cursor", Title: "Cursor", Vendor: "Anysphere", Kind: "editor",
					Source: check.SourceRegistry, Marker: "trailer Made-with: Cursor"}},
				Manifest: check.ManifestInvalid,
				Sessions: []check.SessionSummary{{Agent: "cursor", ID: "c-9", Valid: false}},
				Findings: []check.Finding{
					{Rule: check.RuleSubjectMismatch, Name: "subject-mismatch", Level: check.LevelError, Commit: commit4,
						Message: "the manifest of cursor/c-9 is about commit 2b3c4d5e6f70, not this one",
						Hint:    "remove the copied note line and attest this commit", Session: "cursor/c-9"},
					{Rule: check.RuleInvalidSignature, Name: "invalid-signature", Level: check.LevelError, Commit: commit4,
						Message: "the manifest of cursor/c-9 is signed by a key not in allowed_signers",
						Hint:    "re-attest with a key listed for dev@example.com", Session: "cursor/c-9"},
				},
			},
		},
	})
}

// noPathReport: only findings about whole commits.
func noPathReport() *check.Report {
	return summarised(&check.Report{
		Version: 1, Range: "HEAD~2..HEAD", PolicySource: "built-in defaults",
		Commits: []check.CommitReport{
			{Commit: commit5, Subject: "Add retry helper", Author: "dev@example.com", Agent: true,
				MadeBy: []check.AgentIdentity{claudeCoAuthor}, Manifest: check.ManifestNone,
				Findings: []check.Finding{{Rule: check.RuleUnattested, Name: "unattested-agent-commit", Level: check.LevelError, Commit: commit5,
					Message: "the commit has a Co-Authored-By: Claude trailer but no manifest",
					Hint:    "run agentcheck attest on the commit and push refs/notes/agentcheck"}}},
			{Commit: commit6, Subject: "Bump golang.org/x/net", Author: "49699333+dependabot[bot]@users.noreply.github.com",
				MadeBy: []check.AgentIdentity{{Agent: "dependabot", Title: "Dependabot", Vendor: "GitHub", Kind: "bot",
					Source: check.SourceRegistry, Marker: "author account 49699333+dependabot[bot]", Ignored: true}},
				Manifest: check.ManifestNone,
				Findings: []check.Finding{{Rule: check.RuleUnattested, Name: "unattested-agent-commit", Level: check.LevelError, Commit: commit6,
					Message: "commit has no provenance manifest and the policy requires one on every commit"}}},
		},
	})
}

// oddPathsReport: paths and subjects that need escaping: spaces, '#', '%',
// '?', ':', non-ASCII, and characters that would drive a terminal.
func oddPathsReport() *check.Report {
	f := func(path string, line int) check.Finding {
		return check.Finding{Rule: check.RuleOutOfScope, Name: "out-of-scope", Level: check.LevelWarning, Commit: commit7, Path: path, Line: line,
			Message: "changes a path outside the soft scope docs/**", Session: "claude-code/s-odd"}
	}
	return summarised(&check.Report{
		Version: 1, Range: "main..feature/ünïcode", PolicySource: ".agentcheck.yml at main",
		Commits: []check.CommitReport{{
			Commit: commit7, Subject: "docs: naïve \x1b[2Jrewrite \u202eexe.txt", Author: "dev@example.com", Agent: true,
			// A manifest names its agent as it likes: hostile text.
			MadeBy:   []check.AgentIdentity{byManifest("claude\x1b[2J\u202ecode", "claude\x1b[2J\u202ecode", "s-odd")},
			Manifest: check.ManifestValid,
			Sessions: []check.SessionSummary{session("claude-code", "s-odd")},
			Findings: []check.Finding{
				f("docs/release notes #1 (100%).md", 12),
				f("docs/日本語/ガイド.md", 0),
				f("scripts/a:b?c=d&e.sh", 5),
				f("src/naïve\u202etxt.go", 2),
				f("build/\x1b[31mred\tfile\n.go", 1),
				f("@scope/pkg/index.js", 0),
			},
		}},
	})
}

// warningsOnlyReport: findings, but none fails the check.
func warningsOnlyReport() *check.Report {
	return summarised(&check.Report{
		Version: 1, Range: "origin/main..HEAD", Base: baseSHA, PolicySource: ".agentcheck.yml at origin/main",
		Commits: []check.CommitReport{{
			Commit: commit2, Subject: "payments: log retries", Author: "dev@example.com", Agent: true,
			MadeBy:   []check.AgentIdentity{byManifest("claude-code", "Claude Code", "s-w"), claudeCoAuthor},
			Manifest: check.ManifestValid,
			Sessions: []check.SessionSummary{session("claude-code", "s-w")},
			Findings: []check.Finding{
				{Rule: check.RulePermissionBypass, Name: "permission-bypass", Level: check.LevelNote, Commit: commit2, Path: "internal/payments/log.go", Line: 3,
					Message: "the session ran with bypassPermissions", Session: "claude-code/s-w"},
				{Rule: check.RuleUnattributed, Name: "unattributed-change", Level: check.LevelWarning, Commit: commit2, Path: "internal/payments/log.go", Line: 3,
					Message: "no session on the commit recorded internal/payments/log.go",
					Hint:    "commit human edits separately from agent edits"},
			},
		}},
	})
}

// approvedReport: a commit whose findings a maintainer approved, one whose
// approval was copied from another commit, and a self-approval that is not
// honoured.
func approvedReport() *check.Report {
	at := time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)
	bob := func(level check.Level) *check.Approval {
		return &check.Approval{Approver: "bob@example.com", Reason: "CI bump reviewed with the release team (#42)", Time: at, Level: level,
			KeyID: "SHA256:9pXCbm3lC2JFU4LTYWUbLG7qW7ynLHDqXzPHPWm0Cuc", ID: "5d1c9a3b7e2f40618b9a7c6d5e4f30211a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d"}
	}
	covers := []provenance.ApprovalCover{{Rule: "AC004", Path: ".github/workflows/ci.yml"}, {Rule: "AC007", Glob: ".github/workflows/**"}}
	return summarised(&check.Report{
		Version: 1, Range: "origin/main..HEAD", Base: baseSHA, PolicySource: ".agentcheck.yml at origin/main",
		SignersSource: ".agentcheck/allowed_signers@9f8e7d6c5b4a", ApproversSource: ".agentcheck/approvers@9f8e7d6c5b4a",
		Commits: []check.CommitReport{
			{
				Commit: commit1, Subject: "Bump Go in CI", Author: "dev@example.com", Agent: true,
				Sessions: []check.SessionSummary{session("claude-code", "s-ci")},
				Findings: []check.Finding{
					{Rule: check.RuleProtectedPath, Name: "protected-path", Level: check.LevelNote, Commit: commit1, Path: ".github/workflows/ci.yml", Line: 9,
						Message:  "agent commit changes .github/workflows/ci.yml in protected class ci, which the human did not declare in the task",
						Hint:     "if intended, declare it and re-attest; otherwise revert it",
						Class:    "ci",
						Approval: bob(check.LevelError)},
					{Rule: check.RuleTainted, Name: "tainted-session", Level: check.LevelNote, Commit: commit1, Path: ".github/workflows/ci.yml", Line: 9,
						Message: "session claude-code/s-ci fetched https://go.dev/doc/devel/release, then changed protected path .github/workflows/ci.yml",
						Session: "claude-code/s-ci", Class: "ci", Approval: bob(check.LevelError)},
					{Rule: check.RuleOutOfScope, Name: "out-of-scope", Level: check.LevelWarning, Commit: commit1, Path: "Makefile", Line: 2,
						Message: "Makefile is outside the soft (@mention) scope the human declared (.github/workflows/**)", Session: "claude-code/s-ci"},
					{Rule: check.RuleInvalidSignature, Name: "invalid-signature", Level: check.LevelWarning, Commit: commit1,
						Message: "approval by dev@example.com (note line 3) is not honoured: dev@example.com is the commit's author, and the two-person rule (approvals.allow_self: false) needs someone else's approval",
						Hint:    "ask another maintainer listed in the approvers file to review and approve the commit (agentcheck approve 1a2b3c4d5e6f)"},
				},
				Approvals: []check.ApprovalSummary{
					{Approver: "dev@example.com", KeyID: "SHA256:3q2+7w/ZmYDUsY6c0ANHtpJeQS3fdVSOEoEzGLbcN5c", Time: at.Add(-time.Hour),
						Reason: "looks fine to me", Covers: covers, Valid: true},
					{Approver: "bob@example.com", KeyID: "SHA256:9pXCbm3lC2JFU4LTYWUbLG7qW7ynLHDqXzPHPWm0Cuc", Time: at,
						Reason: "CI bump reviewed with the release team (#42)", Covers: covers, Valid: true, Honoured: true},
				},
			},
			{
				Commit: commit2, Subject: "Pin the deploy action", Author: "dev@example.com", Agent: true,
				Sessions: []check.SessionSummary{session("claude-code", "s-deploy")},
				Findings: []check.Finding{
					{Rule: check.RuleProtectedPath, Name: "protected-path", Level: check.LevelError, Commit: commit2, Path: ".github/workflows/deploy.yml", Line: 4,
						Message: "agent commit changes .github/workflows/deploy.yml in protected class ci, which the human did not declare in the task",
						Hint:    "if intended, declare it and re-attest; otherwise revert it", Class: "ci"},
					{Rule: check.RuleSubjectMismatch, Name: "subject-mismatch", Level: check.LevelError, Commit: commit2,
						Message: "approval by bob@example.com (note line 2) is for another commit (the approval is about commit " + commit1 + ", not " + commit2 + "): a copied approval approves nothing here",
						Hint:    "remove the copied line (git notes --ref agentcheck edit 2b3c4d5e6f70) and have a maintainer approve this commit itself (agentcheck approve 2b3c4d5e6f70)"},
				},
				Approvals: []check.ApprovalSummary{
					{Approver: "bob@example.com", KeyID: "SHA256:9pXCbm3lC2JFU4LTYWUbLG7qW7ynLHDqXzPHPWm0Cuc", Time: at,
						Reason: "CI bump reviewed with the release team (#42)", Covers: covers},
				},
			},
		},
	})
}

func emptyReport() *check.Report {
	return summarised(&check.Report{Version: 1, Range: "HEAD..HEAD", PolicySource: "built-in defaults"})
}

// render renders r in one format.
func render(t *testing.T, format string, r *check.Report, sopts SARIFOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "txt":
		err = WriteText(&buf, r, TextOptions{})
	case "color.txt":
		err = WriteText(&buf, r, TextOptions{Color: true})
	case "json":
		err = WriteJSON(&buf, r)
	case "sarif":
		err = WriteSARIF(&buf, r, sopts)
	case "codeclimate.json":
		err = WriteCodeClimate(&buf, r)
	case "junit.xml":
		err = WriteJUnit(&buf, r)
	default:
		t.Fatalf("unknown format %s", format)
	}
	if err != nil {
		t.Fatalf("rendering %s: %v", format, err)
	}
	return buf.Bytes()
}

var goldenFormats = []string{"txt", "color.txt", "json", "sarif", "codeclimate.json", "junit.xml"}

func goldenPath(name, format string) string {
	return filepath.Join("testdata", "golden", name+"."+format)
}

func TestGolden(t *testing.T) {
	for _, tc := range renderCases() {
		for _, format := range goldenFormats {
			t.Run(tc.name+"."+format, func(t *testing.T) {
				got := render(t, format, tc.build(), tc.sarif)
				golden.Check(t, goldenPath(tc.name, format), got, *update)
			})
		}
	}
}

// TestDeterministic renders every case twice, from reports whose commits'
// findings and sessions are given in a different order, and expects the same
// bytes.
func TestDeterministic(t *testing.T) {
	for _, tc := range renderCases() {
		for _, format := range goldenFormats {
			a := render(t, format, tc.build(), tc.sarif)
			r := tc.build()
			for i := range r.Commits {
				reverse(r.Commits[i].Findings)
				reverse(r.Commits[i].Sessions)
			}
			b := render(t, format, r, tc.sarif)
			if !bytes.Equal(a, b) {
				t.Errorf("%s.%s depends on the order of findings or sessions:\n%s", tc.name, format, cmp.Diff(string(a), string(b)))
			}
		}
	}
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

func TestRenderersLeaveReportAlone(t *testing.T) {
	for _, tc := range renderCases() {
		r := tc.build()
		before := tc.build()
		for _, format := range goldenFormats {
			render(t, format, r, tc.sarif)
		}
		if diff := cmp.Diff(before, r); diff != "" {
			t.Errorf("%s: rendering changed the report:\n%s", tc.name, diff)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range renderCases() {
		out := render(t, "json", tc.build(), tc.sarif)
		var got check.Report
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := tc.build().Canonical()
		if diff := cmp.Diff(want, &got); diff != "" {
			t.Errorf("%s: JSON does not round-trip (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestJSONNeverNull checks that commits, sessions and findings are arrays
// even when the Report holds nil slices.
func TestJSONNeverNull(t *testing.T) {
	r := &check.Report{Version: 1, Commits: []check.CommitReport{{Commit: commit1}}}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("null")) {
		t.Errorf("JSON has a null:\n%s", buf.Bytes())
	}
	var doc struct {
		Commits []struct {
			Sessions json.RawMessage `json:"sessions"`
			Findings json.RawMessage `json:"findings"`
		} `json:"commits"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := string(doc.Commits[0].Sessions) + " " + string(doc.Commits[0].Findings); got != "[] []" {
		t.Errorf("sessions and findings = %s, want [] []", got)
	}

	buf.Reset()
	if err := WriteJSON(&buf, &check.Report{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"commits": []`)) || !bytes.Contains(buf.Bytes(), []byte(`"version": 1`)) {
		t.Errorf("an empty report is not written with version 1 and an empty commits array:\n%s", buf.Bytes())
	}
}

func TestJSONRejectsOtherVersions(t *testing.T) {
	var buf bytes.Buffer
	err := WriteJSON(&buf, &check.Report{Version: 2})
	if err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("WriteJSON of a version 2 report: err = %v, want a version error", err)
	}
	if buf.Len() != 0 {
		t.Errorf("WriteJSON wrote %q before failing", buf.String())
	}
}

func TestNilReport(t *testing.T) {
	var buf bytes.Buffer
	for name, err := range map[string]error{
		"text":        WriteText(&buf, nil, TextOptions{}),
		"json":        WriteJSON(&buf, nil),
		"sarif":       WriteSARIF(&buf, nil, SARIFOptions{}),
		"codeclimate": WriteCodeClimate(&buf, nil),
		"junit":       WriteJUnit(&buf, nil),
	} {
		if err == nil {
			t.Errorf("%s: no error for a nil report", name)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q for a nil report", buf.String())
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrorsAreWrapped(t *testing.T) {
	broken := errors.New("disk full")
	w := failingWriter{broken}
	r := everyRuleReport()
	for name, err := range map[string]error{
		"text":        WriteText(w, r, TextOptions{}),
		"json":        WriteJSON(w, r),
		"sarif":       WriteSARIF(w, r, sarifOpts),
		"codeclimate": WriteCodeClimate(w, r),
		"junit":       WriteJUnit(w, r),
	} {
		if !errors.Is(err, broken) {
			t.Errorf("%s: err = %v, want it to wrap %v", name, err, broken)
		}
	}
}

// TestJSONWriterMatchesWriteJSON: the JSON written as the commits come,
// spooled and written whole at Close, is byte for byte WriteJSON's, for
// every render case; a writer closed without a report writes nothing.
func TestJSONWriterMatchesWriteJSON(t *testing.T) {
	for _, tc := range renderCases() {
		r := tc.build()
		var want bytes.Buffer
		if err := WriteJSON(&want, r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		j := NewJSONWriter(&got)
		for _, c := range r.Commits {
			if err := j.Commit(c); err != nil {
				t.Fatal(err)
			}
		}
		header := *r
		header.Commits = nil
		if err := j.Close(&header); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: JSONWriter wrote\n%s\nWriteJSON\n%s", tc.name, got.String(), want.String())
		}

		var none bytes.Buffer
		j = NewJSONWriter(&none)
		if len(r.Commits) > 0 {
			if err := j.Commit(r.Commits[0]); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Close(nil); err != nil || none.Len() != 0 {
			t.Errorf("%s: Close(nil) = %v and wrote %q", tc.name, err, none.String())
		}
	}
}

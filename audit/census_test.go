package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
)

func censusFixture() *Census {
	claude := check.AgentIdentity{Agent: "claude-code", Title: "Claude Code", Vendor: "Anthropic", Kind: "local",
		Source: check.SourceRegistry, Marker: "co-author trailer noreply@anthropic.com"}
	manifest := check.AgentIdentity{Agent: "claude-code", Title: "Claude Code", Vendor: "Anthropic", Kind: "local",
		Source: check.SourceManifest, Marker: "manifest signed by dev@example.com", Session: "claude-code/s1"}
	copilot := check.AgentIdentity{Agent: "copilot-coding-agent", Title: "GitHub Copilot coding agent", Vendor: "GitHub", Kind: "cloud",
		Source: check.SourceRegistry, Marker: "author account 198982749+Copilot"}
	bot := check.AgentIdentity{Agent: "dependabot", Title: "Dependabot", Vendor: "GitHub", Kind: "bot",
		Source: check.SourceRegistry, Marker: "author account 49699333+dependabot[bot]", Ignored: true}
	hostile := check.AgentIdentity{Agent: "x", Title: "=cmd|' /C calc'!A0 \x1b[2J\u202e", Source: check.SourceManifest,
		Marker: "manifest signed by dev@example.com", Session: "x/s"}
	reports := []check.CommitReport{
		{Commit: "01", Subject: "human", Author: "dev@example.com", Manifest: check.ManifestNone},
		{Commit: "02", Subject: "claude", Author: "dev@example.com", Agent: true, Manifest: check.ManifestNone, MadeBy: []check.AgentIdentity{claude}},
		{Commit: "03", Subject: "attested", Author: "dev@example.com", Agent: true, Manifest: check.ManifestValid, MadeBy: []check.AgentIdentity{manifest, claude}},
		{Commit: "04", Subject: "bump", Author: "bot", Manifest: check.ManifestNone, MadeBy: []check.AgentIdentity{bot}},
		{Commit: "05", Subject: "copilot", Author: "copilot", Agent: true, Manifest: check.ManifestNone, MadeBy: []check.AgentIdentity{copilot}},
		{Commit: "06", Subject: "forged", Author: "dev@example.com", Agent: true, Manifest: check.ManifestInvalid},
		{Commit: "07", Subject: "@SUM(A1) \x1b[31mred", Author: "dev@example.com", Agent: true, Manifest: check.ManifestValid, MadeBy: []check.AgentIdentity{hostile}},
		{Commit: "08", Subject: "copilot again", Author: "copilot", Agent: true, Manifest: check.ManifestInvalid, MadeBy: []check.AgentIdentity{copilot}},
	}
	var commits []*git.Commit
	for i := range reports {
		when := time.Date(2026, 11, 26, 10, i, 0, 0, time.UTC)
		commits = append(commits, &git.Commit{Committer: git.Signature{When: when}})
	}
	t := &check.Trust{PolicySource: "built-in defaults", SignersSource: "none"}
	return BuildCensus("HEAD", plumbing.ZeroHash, t, commits, reports)
}

func TestBuildCensus(t *testing.T) {
	c := censusFixture()
	var got []string
	for _, a := range c.Agents {
		got = append(got, strings.Join([]string{a.Agent, a.Title}, "/")+
			" "+strings.Repeat("c", a.Commits)+" "+strings.Repeat("v", a.Manifests.Valid)+strings.Repeat("i", a.Manifests.Invalid)+strings.Repeat("n", a.Manifests.None))
	}
	want := []string{
		"claude-code/Claude Code cc vn",
		"copilot-coding-agent/GitHub Copilot coding agent cc in",
		"x/=cmd|' /C calc'!A0 \x1b[2J\u202e c v",
		"/unnamed agent c i",
		"dependabot/Dependabot c n",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("agents:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Agents[4].Counted || !c.Agents[0].Counted {
		t.Errorf("Dependabot counted or Claude Code not: %+v", c.Agents)
	}
	wantSummary := CensusSummary{AgentCommits: 6, Manifests: ManifestCounts{Valid: 2, Invalid: 2, None: 2}, Automation: 1, Others: 1}
	if c.Commits != 8 || c.Summary != wantSummary {
		t.Errorf("commits %d, summary %+v; want 8, %+v", c.Commits, c.Summary, wantSummary)
	}
	// Each commit counts for its first identity: the attested one for its
	// manifest, though the registry also names it.
	claude := c.Agents[0]
	if len(claude.Markers) != 2 || claude.Markers[0] != (MarkerCount{check.SourceManifest, "manifest signed by dev@example.com", 1}) ||
		claude.List[1].Source != check.SourceManifest || claude.List[1].Date != time.Date(2026, 11, 26, 10, 2, 0, 0, time.UTC) {
		t.Errorf("Claude Code: %+v", claude)
	}
	if m := c.Agents[3].List[0]; m.Source != "note" || m.Marker != noteOnly || len(m.MadeBy) != 0 || m.MadeBy == nil {
		t.Errorf("the note-only commit: %+v", m)
	}
}

func TestCensusRenderings(t *testing.T) {
	c := censusFixture()
	var text bytes.Buffer
	if err := WriteCensusText(&text, c); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(text.Bytes(), "\x1b\u202e") {
		t.Errorf("the text passes control characters through:\n%s", text.String())
	}
	for _, want := range []string{
		"\nClaude Code                  Anthropic  local        2      1        0     1\n",
		"\nDependabot (not counted)     GitHub     bot          1      0        0     1\n",
		"\n6 of 8 commits made by agents: 2 with a valid manifest, 2 invalid, 2 without one; 1 commit by automation not counted as agents\n",
		"\nGitHub Copilot coding agent: 2 commits\n       2  author account 198982749+Copilot\n",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, text.String())
		}
	}
	if strings.Contains(text.String(), "bump") {
		t.Errorf("the text lists automation's commits:\n%s", text.String())
	}

	var js bytes.Buffer
	if err := WriteCensusJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	var back Census
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Version != CensusVersion || len(back.Agents) != 5 || back.Summary != c.Summary {
		t.Errorf("the JSON does not read back (%v): %s", err, js.String())
	}

	var buf bytes.Buffer
	if err := WriteCensusCSV(&buf, c); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+7 || strings.Join(rows[0], ",") != strings.Join(censusColumns, ",") {
		t.Fatalf("CSV rows %q", rows)
	}
	for _, r := range rows[1:] {
		for _, cell := range r {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "@") {
				t.Errorf("CSV cell %q is a formula", cell)
			}
		}
	}
}

package check

import (
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// TestJudgeMadeBy: what a CommitReport says of who made the commit and of
// its manifest, for each way an agent is recognised.
func TestJudgeMadeBy(t *testing.T) {
	app := modified("src/app.go", "package app\n")
	valid := func(t *testing.T) [][]byte {
		return [][]byte{manifest(t, "dev", thisCommit, []string{app.Path}, edit(app.Path, "package app\n"))}
	}
	byKey := func(key string) func(t *testing.T) [][]byte {
		return func(t *testing.T) [][]byte {
			return [][]byte{manifest(t, key, thisCommit, []string{app.Path}, edit(app.Path, "package app\n"))}
		}
	}
	person := func(c Commit, name, email string) Commit {
		c.Author.Name, c.Author.Email = name, email
		return c
	}
	const claude = "Co-authored-by: Claude <noreply@anthropic.com>"
	tests := []struct {
		name     string
		commit   Commit
		lines    func(t *testing.T) [][]byte
		agent    bool
		manifest ManifestStatus
		madeBy   string // AgentIdentity.String() of each, "; "-separated
		sources  string // Source of each
	}{
		{name: "a human", commit: commit("Signed-off-by: Dev <dev@example.com>"), manifest: ManifestNone},
		{name: "a human called Claude", commit: commit("Co-authored-by: Claude Martin <claude@example.org>"), manifest: ManifestNone},
		{name: "a co-author trailer", commit: commit(claude), agent: true, manifest: ManifestNone,
			madeBy: "Claude Code: co-author trailer noreply@anthropic.com", sources: "registry"},
		{name: "the registry names the agent before the policy's trailer",
			commit: commit("Agent-Session: claude-code/s1", claude), agent: true, manifest: ManifestNone,
			madeBy: "Claude Code: co-author trailer noreply@anthropic.com", sources: "registry"},
		{name: "the policy's trailer alone", commit: commit("Agent-Session: claude-code/s1"), agent: true, manifest: ManifestNone,
			madeBy: `unnamed agent: policy trailer "Agent-Session:"`, sources: "policy"},
		{name: "the policy's author pattern", commit: person(commit(), "CI", "ci@agents.example"), agent: true, manifest: ManifestNone,
			madeBy: `unnamed agent: policy author "*@agents.example"`, sources: "policy"},
		{name: "a cloud agent's account",
			commit: person(commit(), "Copilot", "198982749+Copilot@users.noreply.github.com"), agent: true, manifest: ManifestNone,
			madeBy: "GitHub Copilot coding agent: author account 198982749+Copilot", sources: "registry"},
		{name: "a dependency bot is not counted",
			commit: person(commit(), "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"), manifest: ManifestNone,
			madeBy: "Dependabot: author account 49699333+dependabot[bot], not counted as an agent", sources: "registry"},
		{name: "a valid manifest comes first", commit: commit(claude), lines: valid, agent: true, manifest: ManifestValid,
			madeBy:  "Claude Code: manifest signed by dev@example.com, session claude-code/s1; Claude Code: co-author trailer noreply@anthropic.com",
			sources: "manifest; registry"},
		{name: "a valid manifest and the policy's trailer", commit: commit("Agent-Session: claude-code/s1"), lines: valid,
			agent: true, manifest: ManifestValid,
			madeBy: "Claude Code: manifest signed by dev@example.com, session claude-code/s1", sources: "manifest"},
		{name: "a valid manifest alone", commit: commit(), lines: valid, agent: true, manifest: ManifestValid,
			madeBy: "Claude Code: manifest signed by dev@example.com, session claude-code/s1", sources: "manifest"},
		{name: "an untrusted manifest names nobody", commit: commit(), lines: byKey("mallory"), agent: true, manifest: ManifestInvalid},
		{name: "a line that is no envelope", commit: commit(claude), agent: true, manifest: ManifestInvalid,
			lines:  func(t *testing.T) [][]byte { return [][]byte{[]byte(`{"payload":`)} },
			madeBy: "Claude Code: co-author trailer noreply@anthropic.com", sources: "registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines [][]byte
			if tt.lines != nil {
				lines = tt.lines(t)
			}
			tr := trust(t)
			tr.Policy.Agents.Authors = []string{"*@agents.example"}
			rep := judged(t, tr, tt.commit, []Change{app}, lines...)
			var madeBy, sources []string
			for _, id := range rep.MadeBy {
				madeBy = append(madeBy, id.String())
				sources = append(sources, id.Source)
			}
			if got := strings.Join(madeBy, "; "); got != tt.madeBy {
				t.Errorf("MadeBy %q, want %q", got, tt.madeBy)
			}
			if got := strings.Join(sources, "; "); got != tt.sources {
				t.Errorf("sources %q, want %q", got, tt.sources)
			}
			if rep.Agent != tt.agent || rep.Manifest != tt.manifest {
				t.Errorf("Agent %v, Manifest %q; want %v, %q", rep.Agent, rep.Manifest, tt.agent, tt.manifest)
			}
		})
	}
}

// TestJudgeMadeByUnknownAgent: a valid manifest of an agent the registry
// does not know is named as the manifest names it.
func TestJudgeMadeByUnknownAgent(t *testing.T) {
	app := modified("src/app.go", "package app\n")
	e := edit(app.Path, "package app\n")
	e.Agent = "acme-agent"
	start := ev(journal.KindStart, journal.Event{})
	start.Agent = "acme-agent"
	line := manifestOf(t, "dev", thisCommit, []string{app.Path}, start, e)
	rep := judged(t, trust(t), commit(), []Change{app}, line)
	if len(rep.MadeBy) != 1 {
		t.Fatalf("MadeBy %+v, want the manifest's agent", rep.MadeBy)
	}
	want := AgentIdentity{Agent: "acme-agent", Title: "acme-agent", Source: SourceManifest,
		Marker: "manifest signed by dev@example.com", Session: "acme-agent/s1"}
	if rep.MadeBy[0] != want {
		t.Errorf("MadeBy[0] = %+v, want %+v", rep.MadeBy[0], want)
	}
}

// TestJudgeAC001KeepsThePolicysWords: the registry names the agent in
// MadeBy, but AC001 still says which of the policy's own markers made the
// commit an agent's, as before.
func TestJudgeAC001KeepsThePolicysWords(t *testing.T) {
	rep := judged(t, trust(t), commit("Agent-Session: x", "Co-authored-by: Claude <noreply@anthropic.com>"), nil)
	if len(rep.Findings) != 1 || !strings.Contains(rep.Findings[0].Message, `(trailer "Agent-Session: x")`) {
		t.Errorf("findings %+v, want AC001 citing the policy's trailer", rep.Findings)
	}
}

// manifestOf is [manifest] of exactly the events given.
func manifestOf(t *testing.T, key, commit string, changed []string, events ...journal.Event) []byte {
	t.Helper()
	st, err := provenance.BuildStatement(events, provenance.BuildOptions{Commit: commit, Changed: changed})
	if err != nil {
		t.Fatal(err)
	}
	env, err := provenance.SignStatement(st, testKey(t, key))
	if err != nil {
		t.Fatal(err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	return line
}

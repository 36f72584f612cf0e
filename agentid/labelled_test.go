package agentid_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/agentid"
	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
)

// labelled is testdata/labelled.json: real commits, each with the agent that
// made it ("" for a human), and where it came from.
type labelled struct {
	Repo      string `json:"repo"`
	Commit    string `json:"commit"`
	Author    string `json:"author"`
	Committer string `json:"committer"`
	Message   string `json:"message"`
	Agent     string `json:"agent"`
	// Also names the other agents that co-authored the commit, in trailer
	// order after Agent.
	Also []string `json:"also"`
	Why  string   `json:"why"`
}

func loadLabelled(tb testing.TB) []labelled {
	tb.Helper()
	data, err := os.ReadFile("testdata/labelled.json")
	if err != nil {
		tb.Fatal(err)
	}
	var file struct {
		About        []string          `json:"about"`
		Repositories map[string]string `json:"repositories"`
		Commits      []labelled        `json:"commits"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		tb.Fatal(err)
	}
	for _, c := range file.Commits {
		if _, ok := file.Repositories[c.Repo]; !ok {
			tb.Fatalf("commit %s: repository %s is not listed with its snapshot", c.Commit, c.Repo)
		}
	}
	return file.Commits
}

// signature parses "Name <email>" as git prints it.
func signature(s string) git.Signature {
	name, email, _ := strings.Cut(s, " <")
	return git.Signature{Name: name, Email: strings.TrimSuffix(email, ">")}
}

// commitOf builds what the checker hands to recognition, through git's
// parsing of the message as the gate does it.
func commitOf(l labelled) agentid.Commit {
	g := &git.Commit{Author: signature(l.Author), Committer: signature(l.Committer), Message: l.Message}
	c := &check.Commit{Subject: g.Subject(), Author: check.Person(g.Author), Committer: check.Person(g.Committer), Trailers: g.Trailers()}
	return c.AgentCommit()
}

// TestLabelledCommits: recognition is exact on every labelled real commit:
// no human is flagged, no agent commit is missed or given to another agent,
// and dependency bots are recognised but not counted by default.
func TestLabelledCommits(t *testing.T) {
	rec := agentid.NewRecognizer(agentid.Builtin())
	perAgent := map[string]int{}
	repos := map[string]bool{}
	for _, l := range loadLabelled(t) {
		repos[l.Repo] = true
		perAgent[l.Agent]++
		m, ok := rec.Recognize(commitOf(l))
		got := ""
		if ok {
			got = m.Agent
		}
		if got != l.Agent {
			t.Errorf("%s %s (%s): recognised as %q (%s), labelled %q", l.Repo, l.Commit[:12], l.Why, got, m.Marker, l.Agent)
			continue
		}
		if ok {
			a, _ := agentid.Builtin().Lookup(got)
			if m.Ignored != (a.Kind == agentid.KindBot) {
				t.Errorf("%s %s: %s recognised with Ignored=%v; only dependency bots are ignored by default", l.Repo, l.Commit[:12], got, m.Ignored)
			}
			if m.Marker == "" {
				t.Errorf("%s %s: match without a marker", l.Repo, l.Commit[:12])
			}
		}
	}
	// The acceptance bar: five repositories, eight agents, look-alike humans.
	agents := 0
	for name := range perAgent {
		if a, ok := agentid.Builtin().Lookup(name); ok && a.Kind != agentid.KindBot {
			agents++
		}
	}
	if len(repos) < 5 || agents < 8 || perAgent[""] == 0 {
		t.Errorf("labelled set covers %d repositories, %d agents and %d human commits; want at least 5, 8 and some", len(repos), agents, perAgent[""])
	}
	t.Logf("%d repositories; commits per agent: %v", len(repos), perAgent)
}

// TestEveryAgentLabelled: each built-in agent has real commits in the
// labelled set, or the registry says why not.
func TestEveryAgentLabelled(t *testing.T) {
	have := map[string]bool{}
	for _, l := range loadLabelled(t) {
		have[l.Agent] = true
	}
	for _, a := range agentid.Builtin().Agents {
		if !have[a.Name] {
			t.Errorf("agent %s has no labelled commit", a.Name)
		}
		if len(a.Sources) == 0 {
			t.Errorf("agent %s says nowhere where its markers were confirmed", a.Name)
		}
	}
}

// TestLabelledSeveralAgents: on a commit several agents co-authored, the
// first enabled one in trailer order is named; switching it off in the
// policy names the next.
func TestLabelledSeveralAgents(t *testing.T) {
	n := 0
	for _, l := range loadLabelled(t) {
		off := false
		var overrides []agentid.Override
		for _, next := range append([]string{l.Agent}, l.Also...)[1:] {
			overrides = append(overrides, agentid.Override{Name: l.Agent, Enabled: &off})
			reg, err := agentid.Builtin().With(overrides)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := agentid.NewRecognizer(reg).Recognize(commitOf(l))
			// A dependency bot is not counted: with every agent off the
			// commit is still recognised, as ignored automation.
			a, _ := reg.Lookup(next)
			if !ok || a.Enabled && (m.Agent != next || m.Ignored) || !a.Enabled && !m.Ignored {
				t.Errorf("%s %s with %s off: recognised %q (ignored %v), want %s", l.Repo, l.Commit[:12], l.Agent, m.Agent, m.Ignored, next)
			}
			l.Agent = next
			n++
		}
	}
	if n == 0 {
		t.Fatal("no labelled commit names several agents")
	}
}

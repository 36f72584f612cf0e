package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// A Scenario is one session the suite plays with each real agent it
// names: the repository it starts from, the human's prompt, the turns the
// scripted model plays, and what must hold after it.
//
// Strings of the scenario may hold ${REPO} (the repository's absolute
// path) and ${WEB} (the base URL of the pages the server serves under
// /web/); they are expanded per run.
type Scenario struct {
	Name string `json:"-"` // the file's name without .json
	// Doc says what the scenario shows.
	Doc string `json:"doc"`
	// Agents are the agents it runs with (claude-code, codex, opencode).
	Agents []string `json:"agents"`
	// Files are committed to the repository before agentcheck init.
	Files map[string]string `json:"files"`
	// Pages are served under ${WEB}/NAME.
	Pages map[string]string `json:"pages,omitempty"`
	// Trust says whether the driver follows agentcheck init's instructions
	// to trust Codex's hooks (true unless set to false).
	Trust *bool `json:"trust,omitempty"`
	// Prompt is the human's prompt.
	Prompt  string   `json:"prompt"`
	Threads []Thread `json:"threads"`
	// Commit, when set, is the message of the commit the human makes after
	// the session, of everything the session left (git add -A), unless
	// the agent committed already.
	Commit string `json:"commit,omitempty"`
	Expect Expect `json:"expect"`
}

// Expect is what must hold after a scenario's session.
type Expect struct {
	// Journal lists events the session's journal must hold, in order
	// (other events may come between them).
	Journal []EventMatch `json:"journal,omitempty"`
	// NoJournal says no journal may exist: the agent's hooks did not run.
	NoJournal bool `json:"noJournal,omitempty"`
	// Denied are reasons that must reach the model as a tool error.
	Denied []Match `json:"denied,omitempty"`
	// Attested says HEAD carries a manifest (a note in
	// refs/notes/agentcheck) and an Agent-Session trailer.
	Attested bool `json:"attested,omitempty"`
	// Verify is the verdict of agentcheck verify over the session's
	// commits; nil when there is none to judge.
	Verify *Verdict `json:"verify,omitempty"`
	// Doctor lists lines agentcheck doctor must print before the session.
	Doctor []Match `json:"doctor,omitempty"`
}

// EventMatch matches a journal event: every field set must be a substring
// of the event's (Kind and Decision exactly).
type EventMatch struct {
	Agents   []string `json:"agents,omitempty"`
	Kind     string   `json:"kind"`
	Path     string   `json:"path,omitempty"`
	Command  string   `json:"command,omitempty"`
	Text     string   `json:"text,omitempty"`
	Origin   string   `json:"origin,omitempty"`
	Tool     string   `json:"tool,omitempty"`
	Query    string   `json:"query,omitempty"`
	Decision string   `json:"decision,omitempty"`
	Claim    string   `json:"scopeClaim,omitempty"` // one of the event's scope claims
	Scope    string   `json:"scope,omitempty"`      // one of the event's scope globs
	Model    bool     `json:"model,omitempty"`      // the event names a model
	Sandbox  string   `json:"sandbox,omitempty"`
	Subagent bool     `json:"subagent,omitempty"` // the event names the subagent that made it
	// Absent says no event may match (anywhere in the journal).
	Absent bool `json:"absent,omitempty"`
}

// Match is a substring, for some agents or for all.
type Match struct {
	Agents []string `json:"agents,omitempty"`
	Text   string   `json:"text"`
}

// Verdict is what agentcheck verify must say.
type Verdict struct {
	Exit int `json:"exit"`
	// Rules must each be reported; Absent must not be.
	Rules  []string `json:"rules,omitempty"`
	Absent []string `json:"absent,omitempty"`
}

// LoadScenarios reads the scenarios in dir, *.json, sorted by name.
func LoadScenarios(dir string) ([]*Scenario, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*Scenario
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var s Scenario
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("reading scenario %s: %w", f, err)
		}
		s.Name = strings.TrimSuffix(filepath.Base(f), ".json")
		if s.Prompt == "" || len(s.Agents) == 0 || len(s.Threads) == 0 {
			return nil, fmt.Errorf("scenario %s: a prompt, agents and threads are needed", f)
		}
		out = append(out, &s)
	}
	return out, nil
}

// For returns what the model plays with one agent: the turns meant for it,
// with vars expanded. root is the repository, whose absolute path Claude
// Code's file tools need.
func (s *Scenario) For(agent, root string, vars map[string]string) *Script {
	sc := &Script{Root: root, Agent: agent}
	for _, th := range s.Threads {
		t := Thread{Match: Expand(th.Match, vars)}
		for _, turn := range th.Turns {
			if len(turn.Agents) > 0 && !slices.Contains(turn.Agents, agent) {
				continue
			}
			t.Turns = append(t.Turns, expandTurn(turn, vars))
		}
		sc.Threads = append(sc.Threads, t)
	}
	return sc
}

// Expand replaces ${NAME} in s with vars[NAME].
func Expand(s string, vars map[string]string) string {
	return os.Expand(s, func(name string) string {
		if v, ok := vars[name]; ok {
			return v
		}
		return "${" + name + "}"
	})
}

func expandTurn(t Turn, vars map[string]string) Turn {
	t.Text = Expand(t.Text, vars)
	if t.Call == nil {
		return t
	}
	c := *t.Call
	c.Read = Expand(c.Read, vars)
	c.Shell = Expand(c.Shell, vars)
	c.ShellPatch = Expand(c.ShellPatch, vars)
	if c.Write != nil {
		w := *c.Write
		w.Path, w.Content = Expand(w.Path, vars), Expand(w.Content, vars)
		c.Write = &w
	}
	if c.Subagent != nil {
		sa := *c.Subagent
		sa.Prompt = Expand(sa.Prompt, vars)
		c.Subagent = &sa
	}
	t.Call = &c
	return t
}

// ForAgent reports whether an item restricted to agents applies to agent.
func ForAgent(agents []string, agent string) bool {
	return len(agents) == 0 || slices.Contains(agents, agent)
}

package check

import (
	"fmt"
	"strings"

	"github.com/agentcheck/agentcheck/agentid"
	"github.com/agentcheck/agentcheck/scope"
)

// AgentCommit returns what agent recognition reads of c.
func (c *Commit) AgentCommit() agentid.Commit {
	return agentid.Commit{
		AuthorName: c.Author.Name, AuthorEmail: c.Author.Email,
		CommitterName: c.Committer.Name, CommitterEmail: c.Committer.Email,
		Subject:  c.Subject,
		Trailers: c.Trailers,
	}
}

// AgentRecognizer returns the recognizer of the policy's agents: the
// built-in registry as agents.registry changes it.
func AgentRecognizer(p *scope.Policy) (*agentid.Recognizer, error) {
	reg, err := agentid.Builtin().With(p.Agents.Registry)
	if err != nil {
		return nil, fmt.Errorf("policy agents.registry: %w", err)
	}
	return agentid.NewRecognizer(reg), nil
}

// agentReason says why a commit without a valid manifest is an agent
// commit, and what its AC001 should advise: a policy trailer or author
// pattern (the policy's own words first), else an agent of the registry.
// why "" means it is not one; hint "" means the rule's own help.
func (cc *commitCheck) agentReason() (why, hint string, err error) {
	c := cc.c
	ac := c.AgentCommit()
	for _, t := range ac.Trailers {
		for _, want := range cc.t.Policy.Agents.Trailers {
			if len(t) >= len(want) && strings.EqualFold(t[:len(want)], want) {
				return fmt.Sprintf("trailer %q", strings.TrimSpace(t)), "", nil
			}
		}
	}
	for _, pat := range cc.t.Policy.Agents.Authors {
		for _, email := range []string{c.Author.Email, c.Committer.Email} {
			if scope.MatchGlob(pat, email, true) {
				return fmt.Sprintf("author %s matches %q", email, pat), "", nil
			}
		}
	}
	rec := cc.t.Agents
	if rec == nil {
		if rec, err = AgentRecognizer(cc.t.Policy); err != nil {
			return "", "", err
		}
	}
	if m, ok := rec.Recognize(ac); ok && !m.Ignored {
		return m.Title + ": " + m.Marker, cloudHint(m), nil
	}
	return "", "", nil
}

// cloudHint tells the truth about an agent that runs on its vendor's
// servers: no hook of ours ran there, so attesting from the session is not
// possible. What is left is a maintainer's approval, or running the agent
// where the hooks run.
func cloudHint(m agentid.Match) string {
	if m.Kind != agentid.KindCloud {
		return ""
	}
	return m.Title + " runs on " + m.Vendor + "'s servers, where agentcheck's hooks cannot record it, so this commit can never carry a manifest from its session: " +
		"have a maintainer review it and approve the finding (agentcheck approve), or run the agent where the hooks run, such as a CI job that runs agentcheck init (docs/agents-in-ci.md)"
}

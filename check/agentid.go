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
// why "" means it is not one; hint "" means the rule's own help. id is what
// the commit's metadata says of who made it, for reports (see
// [CommitReport.MadeBy]): an agent of the registry first, as it names the
// agent, then the policy's markers, then an agent the policy does not count;
// nil when nothing matched.
func (cc *commitCheck) agentReason() (why, hint string, id *AgentIdentity, err error) {
	policyWhy, policyMarker := cc.policyReason()
	rec := cc.t.Agents
	if rec == nil {
		if rec, err = AgentRecognizer(cc.t.Policy); err != nil {
			return "", "", nil, err
		}
	}
	m, matched := rec.Recognize(cc.c.AgentCommit())
	switch {
	case matched && !m.Ignored:
		id = registryIdentity(m)
	case policyWhy != "":
		id = &AgentIdentity{Title: "unnamed agent", Source: SourcePolicy, Marker: policyMarker}
	case matched:
		id = registryIdentity(m)
	}
	switch {
	case policyWhy != "":
		return policyWhy, "", id, nil
	case matched && !m.Ignored:
		return m.Title + ": " + m.Marker, cloudHint(m), id, nil
	}
	return "", "", id, nil
}

// policyReason says which of the policy's agent trailers or author patterns
// the commit matches: why in the commit's words, for AC001, and marker in
// the policy's, the same for every commit it matches. Both are "" when none
// does.
func (cc *commitCheck) policyReason() (why, marker string) {
	c := cc.c
	for _, t := range c.Trailers {
		for _, want := range cc.t.Policy.Agents.Trailers {
			if len(t) >= len(want) && strings.EqualFold(t[:len(want)], want) {
				return fmt.Sprintf("trailer %q", strings.TrimSpace(t)), fmt.Sprintf("policy trailer %q", want)
			}
		}
	}
	for _, pat := range cc.t.Policy.Agents.Authors {
		for _, email := range []string{c.Author.Email, c.Committer.Email} {
			if scope.MatchGlob(pat, email, true) {
				return fmt.Sprintf("author %s matches %q", email, pat), fmt.Sprintf("policy author %q", pat)
			}
		}
	}
	return "", ""
}

func registryIdentity(m agentid.Match) *AgentIdentity {
	return &AgentIdentity{Agent: m.Agent, Title: m.Title, Vendor: m.Vendor, Kind: string(m.Kind),
		Source: SourceRegistry, Marker: m.Marker, Ignored: m.Ignored}
}

// madeBy lists the agents of the commit's valid manifests, each with the
// registry's title when it knows the agent, then meta: what the commit's
// metadata says. The policy's unnamed agent is left out beside a manifest:
// its marker (typically the Agent-Session trailer the manifest's own
// session wrote) names no agent, and "unnamed agent" next to a named one
// reads as a second agent.
func (cc *commitCheck) madeBy(meta *AgentIdentity) []AgentIdentity {
	var ids []AgentIdentity
	for _, s := range cc.sessions {
		id := AgentIdentity{Agent: s.pred.Agent.Name, Title: s.pred.Agent.Name, Source: SourceManifest,
			Marker: "manifest signed by " + s.signer, Session: s.label}
		if a, ok := cc.registryAgent(id.Agent); ok {
			id.Title, id.Vendor, id.Kind = a.Title, a.Vendor, string(a.Kind)
		}
		ids = append(ids, id)
	}
	if meta != nil && !(meta.Source == SourcePolicy && len(ids) > 0) {
		ids = append(ids, *meta)
	}
	return ids
}

// registryAgent looks an agent up by name in the trusted side's registry.
func (cc *commitCheck) registryAgent(name string) (agentid.Agent, bool) {
	if cc.t.Agents != nil {
		return cc.t.Agents.Lookup(name)
	}
	rec, err := AgentRecognizer(cc.t.Policy)
	if err != nil {
		return agentid.Agent{}, false // agentReason has reported it
	}
	return rec.Lookup(name)
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

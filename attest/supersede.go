package attest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// superseding builds the manifest that replaces a session's manifest of a
// commit when the human declared scope after the commit was attested
// (agentcheck scope add, then agentcheck attest). It returns nil, having
// said why, when there is nothing to replace: the declared scope is the
// same, the command runs inside an agent session, or the earlier manifest
// is not this machine's key's to replace.
//
// The new manifest records what the earlier one did, from the session's
// events up to the commit's attestation, plus the scope declared since;
// it keeps the earlier one's files and remotes, and names it by digest
// (Supersedes), inside what it signs. The checker judges it instead of
// the earlier one only if it keeps everything that one recorded
// (provenance.CheckSupersedes), so superseding adds a declaration and
// hides nothing.
func (a *Attester) superseding(note []byte, commit string, j *journal.Journal, key ssh.PublicKey, opts provenance.BuildOptions) (*provenance.Statement, error) {
	agent, id := j.SessionOf()
	label := agent + "/" + id
	already := fmt.Sprintf("agentcheck: %s already attested by session %s", commit[:12], label)
	if v := agents.InSession(a.getenv); v != "" {
		// Declaring scope is the human's (agentcheck scope add refuses
		// inside a session); so is replacing a manifest with one that
		// declares more.
		fmt.Fprintf(a.Stderr, "%s; a manifest is superseded only from your own terminal ($%s is set: this runs inside an agent session)\n", already, v)
		return nil, nil
	}
	head, digest, err := latestOwn(note, commit, agent, id, key)
	if err != nil {
		return nil, err
	}
	if head == nil {
		fmt.Fprintf(a.Stderr, "%s, with a manifest signed by another key: it is not superseded from here, since that would sign someone else's record\n", already)
		return nil, nil
	}
	st, err := provenance.BuildStatement(eventsFor(j.Events, commit), opts)
	if err != nil {
		return nil, err
	}
	pred, err := provenance.DecodeSessionPredicate(st)
	if err != nil {
		return nil, err
	}
	if slices.Equal(pred.Task.Scope, head.Task.Scope) {
		fmt.Fprintf(a.Stderr, "%s, and the session's declared scope has not changed since: nothing to supersede\n", already)
		return nil, nil
	}
	pred.Files, pred.Repo, pred.Supersedes = head.Files, head.Repo, digest
	if st.Predicate, err = json.Marshal(pred); err != nil {
		return nil, fmt.Errorf("encoding manifest predicate: %w", err)
	}
	return st, nil
}

// eventsFor returns the events a superseding manifest of commit records:
// those up to the session's first attestation of commit, and the scope
// declarations made after it. What the session did after the commit is
// about later commits. Without such an attestation in the journal (the
// commit was attested elsewhere), every event.
func eventsFor(events []journal.Event, commit string) []journal.Event {
	i := slices.IndexFunc(events, func(ev journal.Event) bool { return ev.Kind == journal.KindAttest && ev.Commit == commit })
	if i < 0 {
		return events
	}
	out := slices.Clone(events[:i+1])
	for _, ev := range events[i+1:] {
		if ev.Kind == journal.KindScope {
			out = append(out, ev)
		}
	}
	return out
}

// latestOwn returns the session's latest manifest of commit in note that
// verifies with key, and its digest: the one no other such manifest
// supersedes. It returns nil when none verifies with key, and an error
// when several are latest (two manifests superseding the same one).
func latestOwn(note []byte, commit, agent, id string, key ssh.PublicKey) (*provenance.SessionPredicate, string, error) {
	var mine []ownManifest
	for _, m := range ownManifests(note, commit, key) {
		if m.pred.Agent.Name == agent && m.pred.Session.ID == id {
			mine = append(mine, m)
		}
	}
	var heads []ownManifest
	for _, m := range mine {
		if !slices.ContainsFunc(mine, func(o ownManifest) bool { return o.pred.Supersedes == m.digest }) {
			heads = append(heads, m)
		}
	}
	switch len(heads) {
	case 0:
		return nil, "", nil
	case 1:
		return heads[0].pred, heads[0].digest, nil
	}
	return nil, "", errors.New("session " + agent + "/" + id + " has several manifests of " + commit[:12] + " that none supersedes: make the commit anew (git commit --amend --no-edit when it is HEAD), then agentcheck attest HEAD --session " + agent + "/" + id)
}

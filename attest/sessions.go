package attest

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Session names one agent session.
type Session struct{ Agent, ID string }

func (s Session) String() string { return s.Agent + "/" + s.ID }

// sessionFromEnv is the session whose shell this process runs in, as its
// agent names it (agents.SessionFromEnv); the zero Session when none does.
func sessionFromEnv(getenv func(string) string) Session {
	agent, id, _ := agents.SessionFromEnv(getenv)
	return Session{agent, id}
}

// journalOf returns the journal of a session, or nil.
func journalOf(all []*journal.Journal, s Session) *journal.Journal {
	return journal.Of(all, s.Agent, s.ID)
}

// ResolveCommit resolves the revision a person gave to one commit.
func ResolveCommit(repo *git.Repo, rev string) (*git.Commit, error) {
	c, err := git.ResolveCommit(repo, rev)
	if err != nil {
		return nil, hint.With(fmt.Errorf("resolving %q: %w", rev, err), "name one commit, e.g. HEAD or a commit id")
	}
	return c, nil
}

// Changed returns, for every path of the commit's diff, the blob the
// commit leaves there: journal.ZeroBlob for a deletion and for the old side
// of a rename. It is what a session's pending edits are matched against.
func Changed(repo *git.Repo, c *git.Commit) (map[string]string, error) {
	changes, err := git.NewDiffer(repo.Objects).CommitChanges(c)
	if err != nil {
		return nil, fmt.Errorf("diffing commit %s: %w", c.Hash, err)
	}
	changed := map[string]string{}
	for _, ch := range changes {
		for _, p := range ch.Paths() {
			changed[p] = journal.ZeroBlob
		}
		if ch.Kind != git.Deleted {
			changed[ch.Path] = ch.NewBlob.String()
		}
	}
	return changed, nil
}

// selectSessions picks the sessions agentcheck attest attests a commit
// with: the one named, else those whose pending edits the commit contains,
// the session whose shell made the commit (env, when set and recorded),
// and those already attested on it (so that attesting again says so).
func selectSessions(all []*journal.Journal, named string, env Session, commit string, changed map[string]string) ([]*journal.Journal, error) {
	if named != "" {
		if j := journal.Named(all, named); j != nil {
			return []*journal.Journal{j}, nil
		}
		return nil, hint.With(fmt.Errorf("no recorded session %q", named), recordedHint(all))
	}
	matched := provenance.MatchSessions(all, changed)
	if env.ID != "" {
		if j := journalOf(all, env); j != nil && !slices.Contains(matched, j) {
			matched = append(matched, j)
		}
	}
	for _, j := range all {
		if j.Attested(commit) && !slices.Contains(matched, j) {
			matched = append(matched, j) // attesting again says so instead of failing
		}
	}
	if len(matched) == 0 {
		h := "name the session with --session AGENT/ID (agentcheck scope list names the latest) if the agent changed files through a shell command"
		if len(all) == 0 {
			// scope list would fail too: there is no session to name.
			h = "no agent session is recorded in this repository: a commit made without an agent needs no attestation; for an agent's, run 'agentcheck doctor' to see whether its hooks are installed"
		}
		return nil, hint.With(errors.New("no recorded agent session left the content this commit has"), h)
	}
	return matched, nil
}

// recordedHint names the sessions recorded here, for a --session that
// names none of them.
func recordedHint(all []*journal.Journal) string {
	if len(all) == 0 {
		return "no agent session is recorded in this repository: is agentcheck's hook installed for the agent? run 'agentcheck doctor'"
	}
	var names []string
	for i, j := range all {
		if i == 10 {
			names = append(names, fmt.Sprintf("and %d more", len(all)-i))
			break
		}
		agent, id := j.SessionOf()
		names = append(names, agent+"/"+id)
	}
	return "name one of the sessions recorded here: " + strings.Join(names, ", ")
}

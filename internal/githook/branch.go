package githook

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// # Branch updates while an agent works
//
// An agent can make a commit with no trailer and no note in ways the
// runtime hook does not see: git commit-tree and update-ref, an amend that
// drops the trailer, a commit in another GIT_DIR fetched back, a commit
// made from an emptied environment. Before git moves a branch (the
// prepared state of reference-transaction), guardBranches refuses the
// update when a commit it adds was created while an agent session of this
// repository is open and is the agent's without saying so (branches only:
// a detached HEAD moves once per commit of a rebase, and the branch it
// ends on is checked with every commit it adds):
//
//   - created while open: the session has recorded an event within
//     journal.OpenWindow and not its end, and the commit's committer date is
//     not before the session's first event (with a minute's slack for
//     clocks);
//   - the agent's: the commit holds a session's pending edits, a blob the
//     session left at a path and no attestation has covered yet, at that
//     path; or git runs under an agent (its session variables, or a coding
//     agent among the hook's ancestor processes) and the commit is new to
//     the repository: no branch, tag or remote-tracking ref reaches it, so
//     it is not a colleague's commit the agent merged or fast-forwarded to;
//   - saying so: the commit carries the session's "Agent-Session:
//     AGENT/ID" trailer or its manifest in the notes (for a commit git
//     makes under an agent whose session it cannot name, any open
//     session's).
//
// A human committing in another terminal while an agent runs is not
// refused: a commit of files the agent did not leave as they are committed
// is not the agent's, and a commit of the agent's pending edits gets the
// trailer from prepare-commit-msg like any other commit. This is defence in
// depth only. It runs only where git runs hooks: an agent that sets
// core.hooksPath (git -c, its own config), deletes or empties the hook,
// moves refs without git (writing .git/refs itself), dates its commit
// before the session began, or parks a commit of content it did not edit
// through its tools under a ref that is not a branch before moving a
// branch to it, is not stopped here. What stops those commits whatever the agent does is the gate:
// require: all with human commits signed by keys that prove presence.

// maxGuardedCommits bounds the commits one update is checked for: a hook
// runs on every branch move, and an update that adds more commits than
// this (a fetch of a long history) is not an agent's commit.
const maxGuardedCommits = 256

// clockSlack allows for a commit dated a little before the session's first
// event.
const clockSlack = time.Minute

// openSession is an open session of the repository and its pending edits.
type openSession struct {
	label   string // AGENT/ID
	start   time.Time
	pending map[string]string
}

// branchGuard is what one prepared transaction is checked against.
type branchGuard struct {
	repo     *git.Repo
	sessions []openSession
	// underAgent says why git runs under an agent, "" when it does not;
	// envSession is the session its environment names, if any.
	underAgent, envSession string
	notes                  *git.Notes
	differ                 *git.Differ
	// since is when the earliest open session began, less clockSlack;
	// known are the commits since then that the repository's refs reach,
	// read when git runs under an agent.
	since time.Time
	known map[git.Hash]bool
}

// guardBranches checks the branch updates of a prepared transaction; it
// returns the refusal to print, or "".
func (h *Hook) guardBranches(repo *git.Repo, updates [][3]string) (string, error) {
	g, err := h.newBranchGuard(repo)
	if err != nil || g == nil {
		return "", err
	}
	seen := map[git.Hash]bool{}
	for _, u := range updates {
		oldH, newH, ref := hookHash(u[0]), hookHash(u[1]), u[2]
		if newH.IsZero() || seen[newH] {
			continue
		}
		seen[newH] = true
		if why, err := g.check(oldH, newH); err != nil || why != "" {
			if why != "" {
				why = fmt.Sprintf("refusing to update %s to %s: %s", ref, newH.String()[:12], why)
			}
			return why, err
		}
	}
	return "", nil
}

// newBranchGuard reads the open sessions of the repository; it returns nil
// when there are none, and nothing is to be checked.
func (h *Hook) newBranchGuard(repo *git.Repo) (*branchGuard, error) {
	all, err := journal.ReadAll(repo.CommonDir)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	g := &branchGuard{repo: repo}
	for _, j := range all {
		if !j.Open(now) || len(j.Events) == 0 {
			continue
		}
		agent, id := j.SessionOf()
		start := j.Events[0].Time
		for _, ev := range j.Events {
			if ev.Time.Before(start) {
				start = ev.Time
			}
		}
		g.sessions = append(g.sessions, openSession{label: agent + "/" + id, start: start, pending: provenance.PendingFiles(j.Events)})
	}
	if len(g.sessions) == 0 {
		return nil, nil
	}
	if agent, id, ok := agents.SessionFromEnv(h.getenv); ok {
		g.envSession = agent + "/" + id
	}
	if v := agents.InSession(h.getenv); v != "" {
		g.underAgent = v + " is set"
	} else if p, agent, ok := agents.AgentAncestor(os.Getpid(), h.readProcess()); ok {
		g.underAgent = fmt.Sprintf("git runs under the coding agent %s, process %d", agent, p.PID)
	}
	if g.notes, err = gate.OpenNotes(repo); err != nil {
		return nil, err
	}
	g.differ = git.NewDiffer(repo.Objects)
	g.since = g.sessions[0].start
	for _, s := range g.sessions[1:] {
		if s.start.Before(g.since) {
			g.since = s.start
		}
	}
	g.since = g.since.Add(-clockSlack)
	if g.underAgent != "" {
		if g.known, err = g.knownCommits(); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// knownCommits returns the commits made since g.since that a branch, a tag
// or a remote-tracking ref reaches: commits the repository had before this
// update, whoever made them.
func (g *branchGuard) knownCommits() (map[git.Hash]bool, error) {
	refs, err := g.repo.Refs()
	if err != nil {
		return nil, err
	}
	known := map[git.Hash]bool{}
	for name, h := range refs {
		if !strings.HasPrefix(name, "refs/heads/") && !strings.HasPrefix(name, "refs/tags/") && !strings.HasPrefix(name, "refs/remotes/") {
			continue
		}
		target, typ, err := git.Peel(g.repo.Objects, h)
		if err != nil || typ != git.CommitObject {
			continue // a tag of a tree or a blob, or a broken ref: nothing to reach
		}
		if err := g.walk(target, known, nil); err != nil {
			return nil, err
		}
	}
	return known, nil
}

func (h *Hook) readProcess() agents.ReadProcess {
	if h.ReadProcess != nil {
		return h.ReadProcess
	}
	return agents.ReadProcessOS
}

// check checks the commits newH adds over oldH that were created while a
// session was open, newest first; it returns why the update is refused, or
// "".
func (g *branchGuard) check(oldH, newH git.Hash) (string, error) {
	// What the branch had already is not added by this update.
	had := map[git.Hash]bool{}
	if !oldH.IsZero() {
		if err := g.walk(oldH, had, nil); err != nil {
			return "", err
		}
	}
	var why string
	err := g.walk(newH, had, func(c *git.Commit) (bool, error) {
		var err error
		why, err = g.checkCommit(c)
		return why == "", err
	})
	return why, err
}

// walk visits the commits from tip whose committer date is not before
// g.since and that seen does not hold, newest first and at most
// maxGuardedCommits of them, adding them to seen; visit returns false to
// stop.
func (g *branchGuard) walk(tip git.Hash, seen map[git.Hash]bool, visit func(*git.Commit) (bool, error)) error {
	if seen[tip] {
		return nil
	}
	queue := []git.Hash{tip}
	seen[tip] = true
	for n := 0; len(queue) > 0 && n < maxGuardedCommits; n++ {
		h := queue[0]
		queue = queue[1:]
		c, err := git.ReadCommit(g.repo.Objects, h)
		if err != nil {
			return fmt.Errorf("reading commit %s: %w", h, err)
		}
		if c.Committer.When.Before(g.since) {
			continue // made before any open session began
		}
		if visit != nil {
			if more, err := visit(c); err != nil || !more {
				return err
			}
		}
		for _, p := range c.Parents {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return nil
}

// checkCommit says why c is an agent's commit that does not say so, or "".
func (g *branchGuard) checkCommit(c *git.Commit) (string, error) {
	var changes []git.Change
	var err error
	if slices.ContainsFunc(g.sessions, func(s openSession) bool { return len(s.pending) > 0 }) {
		if changes, err = g.differ.CommitChanges(c); err != nil {
			return "", err
		}
	}
	note, err := g.notes.Read(c.Hash, git.MaxNoteSize)
	if errors.Is(err, git.ErrNoteNotFound) || errors.Is(err, git.ErrNoteTooLarge) {
		note, err = nil, nil // no manifest the guard can read
	}
	if err != nil {
		return "", err
	}
	trailers := c.Trailers()
	marked := func(label string) bool {
		agent, id, _ := strings.Cut(label, "/")
		return slices.Contains(trailers, "Agent-Session: "+label) || provenance.HasManifest(note, c.Hash.String(), agent, id)
	}
	short := c.Hash.String()[:12]
	for _, s := range g.sessions {
		if c.Committer.When.Before(s.start.Add(-clockSlack)) || marked(s.label) {
			continue
		}
		if path := heldEdit(changes, s.pending); path != "" {
			return fmt.Sprintf("commit %s holds the pending edit of agent session %s at %s, and carries neither its trailer (Agent-Session: %s) nor its manifest",
				short, s.label, path, s.label), nil
		}
	}
	if g.underAgent == "" || g.known[c.Hash] {
		return "", nil
	}
	if g.envSession != "" {
		if !marked(g.envSession) {
			return fmt.Sprintf("commit %s was made inside agent session %s (%s) and carries neither its trailer nor its manifest", short, g.envSession, g.underAgent), nil
		}
		return "", nil
	}
	if !slices.ContainsFunc(g.sessions, func(s openSession) bool { return marked(s.label) }) {
		return fmt.Sprintf("commit %s was made inside an agent session (%s) and carries no open session's trailer or manifest", short, g.underAgent), nil
	}
	return "", nil
}

// heldEdit returns a path whose committed content is a pending edit, or "".
func heldEdit(changes []git.Change, pending map[string]string) string {
	for _, ch := range changes {
		blob := ch.NewBlob.String()
		if ch.Kind == git.Deleted {
			blob = journal.ZeroBlob
		}
		if want, ok := pending[ch.Path]; ok && want == blob {
			return ch.Path
		}
	}
	return ""
}

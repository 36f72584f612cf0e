package hookcmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/enforce"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/trusted"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// Runtime enforcement in the recording hook (see package enforce). The
// policy it applies is read from the trusted side, as the checker reads it,
// never from the work tree, which the agent can edit:
//
//  1. .agentcheck.yml at the remote's default branch (refs/remotes/R/HEAD,
//     R being the remote of the current branch's upstream, else origin):
//     the branch changes are merged into, which only reviewed changes reach;
//  2. else at the current branch's upstream;
//  3. else at HEAD (a repository with no remote);
//  4. else the built-in defaults.
//
// The first of these that names a commit when the session starts decides,
// and is pinned for the session (see trustpin.go): a default branch
// without a policy file means the defaults, not HEAD's. A policy that does
// not parse yields the defaults too (which deny), with a warning on stderr.

// enforceHook judges a pre-tool event. It returns the findings to act on
// (none when the call may proceed silently) and the decision they lead to.
func enforceHook(o IO, h *agents.Hook, journalPath string) (enforce.Verdict, error) {
	env := enforce.EnvFrom(o.getenv)
	var cfg *git.Config
	config := func() *git.Config {
		if cfg == nil {
			cfg = ReadRepoConfig(h.Repo)
		}
		return cfg
	}
	for _, p := range h.Proposed {
		if p.Kind == journal.KindEdit || p.Kind == journal.KindDelete {
			env.HooksDir = hooksDirOf(h.Repo, config())
			break
		}
	}
	// A shell command may write into the hooks directory too; it is read
	// only for one that writes somewhere.
	env.ReadHooksDir = func() string { return hooksDirOf(h.Repo, config()) }
	return enforce.Check(enforce.Request{
		Hook: h,
		Env:  env,
		Policy: func() *scope.Policy {
			p, err := runtimePolicy(h.Repo, o.getenv, journalPath)
			if err != nil {
				fmt.Fprintf(o.Stderr, "agentcheck: hook: %v; applying the built-in policy\n", err)
			}
			return p
		},
		Scope: func() ([]journal.ScopeDecl, error) { return journal.ReadScope(journalPath) },
	})
}

// ReadRepoConfig reads the repository's config; a missing or broken one
// reads as empty.
func ReadRepoConfig(r agents.Repo) *git.Config {
	cfg, err := git.ReadConfig(r.CommonDir, r.GitDir)
	if err != nil {
		return &git.Config{}
	}
	return cfg
}

// hooksDirOf returns the git hooks directory named by core.hooksPath in the
// repository's config, absolute, or "" when it is not set there (the
// default, $GIT_DIR/hooks, is inside the git directory, which is protected
// as a whole).
func hooksDirOf(r agents.Repo, cfg *git.Config) string {
	hp := cfg.Get("core", "", "hookspath")
	if hp == "" {
		return ""
	}
	if strings.HasPrefix(hp, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			hp = filepath.Join(home, hp[2:])
		}
	}
	if !filepath.IsAbs(hp) {
		hp = filepath.Join(r.Root, hp)
	}
	hp = filepath.Clean(hp)
	if filepath.Base(hp) == "_" {
		// husky 9: .husky/_ runs the scripts in .husky, which are hooks too.
		hp = filepath.Dir(hp)
	}
	return hp
}

// runtimePolicy reads the trusted policy for runtime enforcement (see the
// comment at the top of this file) at the session's pinned commit. It
// always returns a policy: on error, the built-in defaults.
func runtimePolicy(r agents.Repo, getenv func(string) string, journalPath string) (*scope.Policy, error) {
	repo, err := git.Open(r.Root, getenv)
	if err != nil {
		return scope.Default(), fmt.Errorf("reading the trusted policy: %w", err)
	}
	defer repo.Close()
	path := pinPath(journalPath)
	p, err := sessionPin(repo, path)
	if err != nil {
		return scope.Default(), err
	}
	return pinnedPolicy(repo, p, path)
}

// TrustedRefs lists the refs the runtime policy may come from, most trusted
// first: the trusted side (trusted.Refs), then HEAD for a repository with
// no remote.
func TrustedRefs(repo *git.Repo) []string {
	return append(trusted.Refs(repo), "HEAD")
}

// applyVerdict journals the calls the verdict intervenes in and writes the
// agent's answer. It returns the exit code of the hook process.
func applyVerdict(h *agents.Hook, v enforce.Verdict, at time.Time, stdout, stderr io.Writer) (events []journal.Event, code int) {
	if len(v.Findings) == 0 {
		return h.Events, 0
	}
	decision := journal.DecisionWarn
	if v.Deny() {
		decision = journal.DecisionDeny
	}
	events = append([]journal.Event(nil), h.Events...)
	done := map[int]bool{}
	for _, f := range v.Findings {
		if decision == journal.DecisionDeny && !f.Block {
			continue
		}
		if done[f.Effect] {
			continue
		}
		done[f.Effect] = true
		p := h.Proposed[f.Effect]
		marked := false
		if p.Kind == journal.KindExec {
			for i := range events {
				if events[i].Kind == journal.KindExec && events[i].Command == p.Command && events[i].Decision == "" {
					events[i].Decision, events[i].Reason = decision, f.Reason
					marked = true
					break
				}
			}
		}
		if marked {
			continue
		}
		ev := journal.Event{
			Time: at, Agent: h.Agent, Session: h.Session, Kind: p.Kind, Tool: p.Tool,
			Path: p.Path, Command: p.Command, URL: p.URL, Query: p.Query, Server: p.Server,
			Decision: decision, Reason: f.Reason, SubagentID: h.SubagentID, SubagentType: h.SubagentType,
		}
		if f.Path != "" {
			ev.Path = f.Path
		}
		events = append(events, ev)
	}
	if decision == journal.DecisionDeny {
		return events, h.Deny(stdout, stderr, v.Reason())
	}
	return events, h.Warn(stdout, stderr, v.Reason())
}

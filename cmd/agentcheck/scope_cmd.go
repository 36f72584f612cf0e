package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hookcmd"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

func runScope(ctx context.Context, inv *Invocation, args []string) error {
	// The subcommand comes first; before one, only -h makes sense.
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	name, argsUsage := "scope "+sub, ""
	switch sub {
	case "":
		name, argsUsage = "scope", "add GLOB… | list | clear"
	case "add":
		argsUsage = "GLOB…"
	}
	fs := newFlagSet(inv, name, argsUsage)
	session := fs.String("session", "", "the session (`AGENT/ID` or ID) to declare for; default: the most recently active one")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "":
		return withHint(usageError("scope needs a subcommand: add GLOB…, list or clear"), fs.usageLine())
	case "add":
		if len(pos) == 0 {
			return usageError("scope add needs at least one glob")
		}
	case "list", "clear":
		if len(pos) > 0 {
			return usageError("scope %s takes no arguments", sub)
		}
	default:
		return withHint(usageError("unknown scope subcommand %q", sub), "use agentcheck scope add GLOB…, scope list or scope clear")
	}
	if sub != "list" {
		if v := agents.InSession(inv.getenv); v != "" {
			return withHint(fmt.Errorf("refusing to change the declared scope inside an agent session ($%s is set): the scope is the human's to declare", v),
				"run agentcheck scope "+sub+" in your own terminal, or put a line 'scope: GLOB…' in your prompt")
		}
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	repo, err := git.Open(dir, inv.getenv)
	if err != nil {
		return withHint(fmt.Errorf("opening repository: %w", err), "run agentcheck scope inside the repository the agent works in")
	}
	defer repo.Close()
	j, err := pickSession(repo.CommonDir, *session)
	if err != nil {
		return err
	}
	agent, id := j.SessionOf()
	label := agent + "/" + id
	switch sub {
	case "list":
		decls := journal.SessionScope(j.Events)
		fmt.Fprintf(inv.Stderr, "agentcheck: session %s\n", label)
		if len(decls) == 0 {
			fmt.Fprintln(inv.Stderr, "agentcheck: no scope declared: the out-of-scope rule is silent; protected paths still need declaring")
		}
		for _, d := range decls {
			fmt.Fprintf(inv.Stdout, "%s\t%s\n", d.Glob, d.Source)
		}
		return nil
	case "clear":
		ev := journal.Event{Time: time.Now().UTC(), Agent: agent, Session: id, Kind: journal.KindScope}
		if err := journal.Append(j.Path, []journal.Event{ev}); err != nil {
			return err
		}
		fmt.Fprintf(inv.Stderr, "agentcheck: withdrew the scope declared with 'agentcheck scope add' for session %s (what your prompts declared stays)\n", label)
		return nil
	}
	var decls []journal.ScopeDecl
	for _, g := range pos {
		got := scope.FromPrompt(`scope: "`+g+`"`, hookcmd.MentionResolver(repo.WorkTree, repo.WorkTree))
		if len(got) == 0 || strings.ContainsAny(g, "\"\n") {
			return withHint(fmt.Errorf("%q is not a glob of repository paths", g),
				"give globs relative to the repository root, like 'internal/payments/**' or '.github/workflows/ci.yml'")
		}
		for _, d := range got {
			decls = append(decls, journal.ScopeDecl{Glob: d.Glob, Source: journal.SourceCLI})
		}
	}
	ev := journal.Event{Time: time.Now().UTC(), Agent: agent, Session: id, Kind: journal.KindScope, Scope: decls}
	if err := journal.Append(j.Path, []journal.Event{ev}); err != nil {
		return err
	}
	var globs []string
	for _, d := range decls {
		globs = append(globs, d.Glob)
	}
	fmt.Fprintf(inv.Stderr, "agentcheck: declared %s for session %s (a hard boundary; it also declares those paths for the protected classes)\n", strings.Join(globs, " "), label)
	return nil
}

// pickSession returns the journal of the named session, or of the one whose
// journal changed last.
func pickSession(commonDir, named string) (*journal.Journal, error) {
	all, err := journal.ReadAll(commonDir)
	if err != nil {
		return nil, err
	}
	if named != "" {
		if j := journal.Named(all, named); j != nil {
			return j, nil
		}
		return nil, withHint(fmt.Errorf("no recorded session %q", named), "name it as AGENT/ID, as 'agentcheck scope list' shows it")
	}
	var best *journal.Journal
	var bestTime time.Time
	for _, j := range all {
		fi, err := os.Stat(j.Path)
		if err != nil {
			continue
		}
		if best == nil || fi.ModTime().After(bestTime) {
			best, bestTime = j, fi.ModTime()
		}
	}
	if best == nil {
		return nil, withHint(errors.New("no agent session is recorded in this repository yet"),
			"start the agent first (its hooks create the session), or put a line 'scope: GLOB…' in your first prompt")
	}
	return best, nil
}

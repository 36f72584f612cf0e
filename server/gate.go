package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// Options configure [Check].
type Options struct {
	// PolicyFile, SignersFile and ApproversFile name trusted files on the
	// server. Each one left empty is read, for every updated ref, from the
	// ref's tip before the push, else from the default branch (HEAD) before
	// the push, else the built-in default applies.
	PolicyFile, SignersFile, ApproversFile string
	// Platform is where the push comes from.
	Platform Platform
}

// Decision is the outcome of checking a push.
type Decision struct {
	// Groups are the updated refs, grouped by the trusted side they were
	// checked against, in the order of the input.
	Groups []*Group
	// Refusals are ref updates refused outright.
	Refusals []Refusal
	// NotesTip is the notes commit manifests were read from: the new tip of
	// refs/notes/agentcheck when the push updates it, else the server's.
	NotesTip git.Hash
	// PullHeads are the refs under refs/pull/ that the platform itself
	// updated (Platform.Internal), accepted unchecked: the head of a pull
	// request is not a branch, and its commits are checked when they reach
	// one.
	PullHeads []string
}

// pullRefPrefix is where Gitea and GitHub keep the heads of pull requests
// (refs/pull/N/head).
const pullRefPrefix = "refs/pull/"

// Group is a set of updated refs checked against the same trusted side.
type Group struct {
	// Refs are the updated refs of the group.
	Refs []string
	// Base is the commit the trusted files not given as server files were
	// read from; zero when there was none.
	Base git.Hash
	// BaseFrom says what Base is: "the tip of refs/heads/main before the
	// push" or "the default branch before the push".
	BaseFrom string
	// Trust is the policy and keys the group was checked against.
	Trust *check.Trust
	// PlatformMerge is set when the group was accepted unchecked: the
	// platform merged a pull request and the policy accepts those
	// (server.platform_merges: accept).
	PlatformMerge bool
	// Report holds the findings on the commits the push introduces on
	// these refs; nil when the group was not checked.
	Report *check.Report

	tips []git.Hash // the new tips of Refs, peeled to commits
}

// Refusal is a ref update refused outright, not because of a commit.
type Refusal struct {
	Ref    string
	Reason string
	Hint   string
}

// Rejected reports whether the push must be rejected: a refusal or an
// error-level finding.
func (d *Decision) Rejected() bool {
	if len(d.Refusals) > 0 {
		return true
	}
	for _, g := range d.Groups {
		if g.Report != nil && g.Report.Failed() {
			return true
		}
	}
	return false
}

// Summary adds up the findings of every group. Commits counts distinct
// commits: one that arrives on refs of two groups was checked twice.
func (d *Decision) Summary() check.Summary {
	var s check.Summary
	seen := map[string]bool{}
	for _, g := range d.Groups {
		if g.Report == nil {
			continue
		}
		for _, c := range g.Report.Commits {
			if !seen[c.Commit] {
				seen[c.Commit] = true
				s.Commits++
			}
		}
		s.Errors += g.Report.Summary.Errors
		s.Warnings += g.Report.Summary.Warnings
		s.Notes += g.Report.Summary.Notes
	}
	return s
}

// Check decides a push, given the repository as a pre-receive hook sees it
// (the pushed objects in git's quarantine, every ref still at its value
// before the push) and the hook's input.
//
// The commits a push introduces are those reachable from the new tips of
// the updated refs and from no ref that existed before the push (git
// rev-list NEW... --not --all), so a new branch at an existing commit
// introduces nothing and a force push only its new commits. Refs under
// refs/notes/ and refs/pull/ before the push do not count: their commits
// were not checked when they arrived. Deleted refs and refs under
// refs/notes/ introduce no commits; neither does a tag of a tree or blob.
// Annotated tags are peeled. When the platform itself pushes
// (opts.Platform.Internal), its updates of refs/pull/ are accepted
// unchecked ([Decision.PullHeads]).
//
// Manifests are read from the notes the push brings when it updates
// refs/notes/agentcheck, else from the server's. Such an update must keep
// every line of every note the server has (notes are an append-only record;
// see [git.CheckNotesAppendOnly]); one that drops a line, or deletes
// the ref, is refused.
//
// The trusted side of each updated ref is read, file by file, from
// opts' files, else from the ref's tip before the push, else from the
// default branch before the push, else the built-in defaults: never from
// anything the push brings. Refs with the same trusted side form a
// [Group]. When the platform merges a pull request (opts.Platform.Merge)
// and the group's policy has server.platform_merges: accept, the group is
// accepted unchecked.
//
// An error means the push could not be checked; the caller must reject it.
// ctx bounds the walk and the verification.
func Check(ctx context.Context, repo *git.Repo, updates []Update, opts Options) (*Decision, error) {
	refs, err := repo.Refs()
	if err != nil {
		return nil, fmt.Errorf("listing the repository's refs: %w", err)
	}
	d := &Decision{NotesTip: refs[provenance.NotesRef]}

	// The notes first: they decide where manifests are read from.
	for _, u := range updates {
		if u.Ref != provenance.NotesRef {
			continue
		}
		if u.Deleted() {
			d.NotesTip = git.ZeroHash
			d.Refusals = append(d.Refusals, Refusal{Ref: u.Ref,
				Reason: "deleting " + u.Ref + " would drop every provenance manifest on the server",
				Hint:   "notes are an append-only record; remove a bad manifest by rewriting the commit, not the notes"})
			continue
		}
		d.NotesTip = u.New
		if old := refs[u.Ref]; !old.IsZero() {
			err := git.CheckNotesAppendOnly(repo.Objects, old, u.New)
			if errors.Is(err, git.ErrNoteLineDropped) {
				d.Refusals = append(d.Refusals, Refusal{Ref: u.Ref, Reason: err.Error(),
					Hint: "notes are append-only: git fetch origin " + u.Ref + ":refs/notes/remotes/origin/agentcheck, git notes --ref agentcheck merge -s cat_sort_uniq refs/notes/remotes/origin/agentcheck, then push again (agentcheck init sets this up)"})
			} else if err != nil {
				return nil, fmt.Errorf("checking the update of %s: %w", u.Ref, err)
			}
		}
	}

	g := &pushCheck{repo: repo, refs: refs, opts: opts, trust: map[git.Hash]*check.Trust{}}
	groups := map[git.Hash]*Group{}
	for _, u := range updates {
		if u.Deleted() || strings.HasPrefix(u.Ref, "refs/notes/") {
			continue
		}
		if opts.Platform.Internal != "" && strings.HasPrefix(u.Ref, pullRefPrefix) {
			d.PullHeads = append(d.PullHeads, u.Ref)
			continue
		}
		tip, ok, err := peelToCommit(repo.Objects, u.New)
		if err != nil {
			return nil, fmt.Errorf("reading the new tip of %s: %w", u.Ref, err)
		}
		if !ok {
			continue // a tag of a tree or a blob brings no commit
		}
		base, from, err := g.base(u.Ref)
		if err != nil {
			return nil, err
		}
		if opts.PolicyFile != "" && opts.SignersFile != "" && opts.ApproversFile != "" {
			base, from = git.ZeroHash, ""
		}
		grp := groups[base]
		if grp == nil {
			t, err := g.loadTrust(base)
			if err != nil {
				return nil, fmt.Errorf("reading the trusted policy and keys for %s (from %s): %w", u.Ref, describeBase(base, from), err)
			}
			grp = &Group{Base: base, BaseFrom: from, Trust: t}
			groups[base] = grp
			d.Groups = append(d.Groups, grp)
		}
		grp.Refs = append(grp.Refs, u.Ref)
		grp.tips = append(grp.tips, tip)
	}

	var include []git.Hash
	for _, grp := range d.Groups {
		if opts.Platform.Merge != "" && grp.Trust.Policy.Server.PlatformMerges == scope.MergesAccept {
			grp.PlatformMerge = true
			continue
		}
		include = append(include, grp.tips...)
	}
	if len(include) == 0 {
		return d, nil
	}

	commits, err := gate.Walk(ctx, repo, &git.Range{Include: include, Exclude: g.excludes()})
	if err != nil {
		return nil, fmt.Errorf("listing the commits the push introduces: %w", err)
	}
	notes, err := git.OpenNotes(repo.Objects, d.NotesTip)
	if err != nil {
		return nil, fmt.Errorf("reading the manifests in %s: %w", provenance.NotesRef, err)
	}
	for _, grp := range d.Groups {
		if grp.PlatformMerge {
			continue
		}
		mine := reachable(commits, grp.tips)
		reports, err := gate.Check(ctx, repo.Objects, grp.Trust, notes, mine, gate.Options{ReportOnly: true})
		if err != nil {
			return nil, fmt.Errorf("checking the commits pushed to %s: %w", strings.Join(grp.Refs, ", "), err)
		}
		grp.Report = check.NewReport(strings.Join(grp.Refs, " "), grp.Base, grp.Trust, reports)
	}
	return d, nil
}

// pushCheck holds what Check has read about the repository.
type pushCheck struct {
	repo  *git.Repo
	refs  map[string]git.Hash // before the push
	opts  Options
	trust map[git.Hash]*check.Trust
}

// base returns the commit the trusted files of ref are read from: its tip
// before the push, else the default branch's. Both are refs of the
// repository as it was before the push: git updates none while the hook
// runs, and the pushed objects are not reachable from them.
func (g *pushCheck) base(ref string) (git.Hash, string, error) {
	if h, ok := g.refs[ref]; ok {
		c, ok, err := peelToCommit(g.repo.Objects, h)
		if err != nil {
			return git.ZeroHash, "", fmt.Errorf("reading the tip of %s before the push: %w", ref, err)
		}
		if ok {
			return c, "the tip of " + ref + " before the push", nil
		}
	}
	head, err := g.repo.Ref("HEAD")
	if errors.Is(err, git.ErrRefNotFound) {
		return git.ZeroHash, "", nil // an empty repository: its default branch is unborn
	}
	if err != nil {
		return git.ZeroHash, "", fmt.Errorf("reading the default branch: %w", err)
	}
	c, ok, err := peelToCommit(g.repo.Objects, head)
	if err != nil {
		return git.ZeroHash, "", fmt.Errorf("reading the default branch: %w", err)
	}
	if !ok {
		return git.ZeroHash, "", nil
	}
	return c, "the default branch before the push", nil
}

func (g *pushCheck) loadTrust(base git.Hash) (*check.Trust, error) {
	if t, ok := g.trust[base]; ok {
		return t, nil
	}
	t, err := gate.LoadTrust(g.repo.Objects, gate.TrustSource{
		PolicyFile: g.opts.PolicyFile, SignersFile: g.opts.SignersFile, ApproversFile: g.opts.ApproversFile, Base: base,
	})
	if err != nil {
		return nil, err
	}
	g.trust[base] = t
	return t, nil
}

// excludes returns the distinct values of the refs before the push whose
// commits were checked when they arrived: every ref but those under
// refs/notes/, whose updates are not checked as commits, and refs/pull/,
// where a platform stores the heads of pull requests unchecked (see
// [Platform.Internal]). A commit reachable only from those refs is checked
// when it is pushed to any other; excluding them would let a commit in
// through a notes ref and onto a branch unchecked.
func (g *pushCheck) excludes() []git.Hash {
	seen := make(map[git.Hash]bool, len(g.refs))
	out := make([]git.Hash, 0, len(g.refs))
	for ref, h := range g.refs {
		if strings.HasPrefix(ref, "refs/notes/") || strings.HasPrefix(ref, pullRefPrefix) {
			continue
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i][:], out[j][:]) < 0 })
	return out
}

func describeBase(base git.Hash, from string) string {
	if base.IsZero() {
		return "the server's files or the built-in defaults"
	}
	return fmt.Sprintf("%s, %s", from, base.String()[:12])
}

// reachable returns the commits of the list (oldest first, as Walk returns
// them) that are reachable from tips through commits of the list, keeping
// the order.
func reachable(commits []git.CommitNode, tips []git.Hash) []git.CommitNode {
	index := make(map[git.Hash]int, len(commits))
	for i, c := range commits {
		index[c.Hash] = i
	}
	mark := make([]bool, len(commits))
	stack := append([]git.Hash(nil), tips...)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, ok := index[h]
		if !ok || mark[i] {
			continue
		}
		mark[i] = true
		stack = append(stack, commits[i].Parents...)
	}
	var out []git.CommitNode
	for i, c := range commits {
		if mark[i] {
			out = append(out, c)
		}
	}
	return out
}

// peelToCommit follows annotated tags from h to the commit they tag; ok is
// false when they end at a tree or a blob.
func peelToCommit(r git.ObjectReader, h git.Hash) (git.Hash, bool, error) {
	h, t, err := git.Peel(r, h)
	if err != nil {
		return git.ZeroHash, false, err
	}
	return h, t == git.CommitObject, nil
}

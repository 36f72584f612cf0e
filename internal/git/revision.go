package git

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrNoParent is a revision that goes back further than the history does
// (HEAD~3 in a history of three commits).
var ErrNoParent = errors.New("has no parent")

// Range is a resolved set of commits to check.
type Range struct {
	// Include and Exclude are the commits to walk from and to stop at:
	// the range is what git rev-list Include --not Exclude lists. For a
	// range of several arguments they hold every part's, and only Parts
	// say which exclude goes with which include: walk it with [Range.Walk].
	Include, Exclude []plumbing.Hash
	// Base is the trusted side the policy is read from: A in A..B, the
	// first parent of a single commit, zero for a root commit. With
	// several arguments, the first one's.
	Base plumbing.Hash
	// Spec is the range as the user wrote it, or as it was defaulted.
	Spec string
	// Parts holds one range per argument when there are several.
	Parts []Range
}

// Walk lists the commits of the range, oldest first; see [Walk]. A range
// of several arguments is the union of its parts.
func (r *Range) Walk(ctx context.Context, or ObjectReader, opts ...WalkOption) ([]*Commit, error) {
	if len(r.Parts) == 0 {
		return Walk(ctx, or, r.Include, r.Exclude, opts...)
	}
	byHash := make(map[plumbing.Hash]*Commit)
	var all []CommitNode
	for _, p := range r.Parts {
		commits, err := Walk(ctx, or, p.Include, p.Exclude, opts...)
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", p.Spec, err)
		}
		for _, c := range commits {
			if byHash[c.Hash] == nil {
				byHash[c.Hash] = c
				all = append(all, CommitNode{Hash: c.Hash, Parents: c.Parents, Time: c.Committer.When.Unix()})
			}
		}
	}
	out := make([]*Commit, 0, len(all))
	for _, n := range topoSort(all) {
		out = append(out, byHash[n.Hash])
	}
	return out, nil
}

// WalkNodes is [Range.Walk] listing only the commits' ids and parents; see
// [WalkNodes].
func (r *Range) WalkNodes(ctx context.Context, or ObjectReader, opts ...WalkOption) ([]CommitNode, error) {
	if len(r.Parts) == 0 {
		return WalkNodes(ctx, or, r.Include, r.Exclude, opts...)
	}
	var all []CommitNode
	seen := make(map[plumbing.Hash]bool)
	for _, p := range r.Parts {
		nodes, err := WalkNodes(ctx, or, p.Include, p.Exclude, opts...)
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", p.Spec, err)
		}
		for _, n := range nodes {
			if !seen[n.Hash] {
				seen[n.Hash] = true
				all = append(all, n)
			}
		}
	}
	return topoSort(all), nil
}

// ResolveRange resolves the revision arguments of agentcheck verify:
//
//   - "A..B": the commits reachable from B and not from A (as git log A..B);
//     a missing side is HEAD. Base is A.
//   - "C" or "C^!": commit C alone, checked against its first parent, which
//     is Base (zero for a root commit).
//   - several arguments: the union of their ranges; Base is the first
//     argument's.
//   - none: "@{upstream}..HEAD" when the current branch has an upstream
//     (branch.<name>.remote and .merge in the repository's config), else
//     "HEAD".
//
// "A...B" is refused: git log reads it as the symmetric difference (the
// commits of both sides), git diff as the changes of B since the merge base;
// a gate must not guess, and A..B already lists the commits of B since it
// forked from A.
//
// A revision is a full or abbreviated (at least 4 digits, unambiguous) commit
// id, a ref name (HEAD, a branch, tag or remote-tracking branch, expanded as
// git does, refs before abbreviated ids), or "@", followed by any of ~N, ^N,
// ^{} and ^{commit}; "@{upstream}" and "@{u}" (with or without a branch name
// before them) name an upstream. Annotated tags are peeled to their commit.
//
// Refs and the upstream configuration are read as [Repo.Ref] and
// [Repo.Upstream] read them.
func ResolveRange(repo *Repo, args []string) (*Range, error) {
	res := &resolver{repo: repo, r: repo.Objects}
	if len(args) == 0 {
		return res.defaultRange()
	}
	var parts []Range
	for _, arg := range args {
		p, err := res.resolveArg(arg)
		if err != nil {
			return nil, err
		}
		parts = append(parts, *p)
	}
	if len(parts) == 1 {
		return &parts[0], nil
	}
	r := &Range{Base: parts[0].Base, Spec: strings.Join(args, " "), Parts: parts}
	for _, p := range parts {
		r.Include = append(r.Include, p.Include...)
		r.Exclude = append(r.Exclude, p.Exclude...)
	}
	return r, nil
}

// rangeArg is a parsed range argument: either a two-dot range or a single
// revision.
type rangeArg struct {
	from, to string // for a range; "" means HEAD
	rev      string // for a single commit
	isRange  bool
}

// parseRangeArg splits a range argument into revisions.
func parseRangeArg(arg string) (rangeArg, error) {
	switch {
	case arg == "":
		return rangeArg{}, errors.New("empty revision argument")
	case strings.HasPrefix(arg, "-"):
		return rangeArg{}, fmt.Errorf("revision %q: options go before the revisions", arg)
	case strings.HasPrefix(arg, "^"):
		return rangeArg{}, fmt.Errorf("revision %q: negated revisions are not supported; use A..B", arg)
	}
	if i := strings.Index(arg, ".."); i >= 0 {
		from, to := arg[:i], arg[i+2:]
		if strings.HasPrefix(to, ".") {
			return rangeArg{}, fmt.Errorf("range %q: A...B is not supported: use A..B for the commits of B not in A", arg)
		}
		if strings.Contains(to, "..") {
			return rangeArg{}, fmt.Errorf("range %q: more than one '..'", arg)
		}
		return rangeArg{from: from, to: to, isRange: true}, nil
	}
	if rev, ok := strings.CutSuffix(arg, "^!"); ok {
		if rev == "" {
			return rangeArg{}, fmt.Errorf("revision %q: missing commit before ^!", arg)
		}
		arg = rev
	}
	return rangeArg{rev: arg}, nil
}

type resolver struct {
	repo *Repo
	r    ObjectReader
}

func (res *resolver) resolveArg(arg string) (*Range, error) {
	a, err := parseRangeArg(arg)
	if err != nil {
		return nil, err
	}
	if !a.isRange {
		return res.single(arg, a.rev)
	}
	from, to := a.from, a.to
	if from == "" {
		from = "HEAD"
	}
	if to == "" {
		to = "HEAD"
	}
	fh, err := res.resolve(from)
	if err != nil {
		return nil, fmt.Errorf("range %q: %w", arg, err)
	}
	th, err := res.resolve(to)
	if err != nil {
		return nil, fmt.Errorf("range %q: %w", arg, err)
	}
	return &Range{Include: []plumbing.Hash{th}, Exclude: []plumbing.Hash{fh}, Base: fh, Spec: arg}, nil
}

// single is the range of commit rev alone.
func (res *resolver) single(spec, rev string) (*Range, error) {
	h, err := res.resolve(rev)
	if err != nil {
		return nil, err
	}
	c, err := res.commit(h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", rev, err)
	}
	r := &Range{Include: []plumbing.Hash{h}, Exclude: c.Parents, Spec: spec}
	if len(c.Parents) > 0 {
		r.Base = c.Parents[0]
	}
	return r, nil
}

func (res *resolver) defaultRange() (*Range, error) {
	branch, onBranch, err := res.repo.HeadBranch()
	if err != nil {
		return nil, err
	}
	if onBranch {
		up, err := res.upstream(branch)
		if err != nil {
			return nil, err
		}
		if up != "" {
			spec := strings.TrimPrefix(strings.TrimPrefix(up, "refs/remotes/"), "refs/heads/") + "..HEAD"
			h, err := res.repo.Ref(up)
			if err != nil {
				return nil, fmt.Errorf("range %q: resolving %s: %w", spec, up, err)
			}
			from, err := res.peel(h)
			if err != nil {
				return nil, fmt.Errorf("range %q: %w", spec, err)
			}
			to, err := res.resolve("HEAD")
			if err != nil {
				return nil, fmt.Errorf("range %q: %w", spec, err)
			}
			return &Range{Include: []plumbing.Hash{to}, Exclude: []plumbing.Hash{from}, Base: from, Spec: spec}, nil
		}
	}
	return res.single("HEAD", "HEAD")
}

// upstream returns the remote-tracking ref of branch, or "" if the branch
// has no upstream. An upstream that is configured but not fetched is an
// error: the default range would otherwise silently shrink to HEAD.
func (res *resolver) upstream(branch string) (string, error) {
	ref, remote := res.repo.Upstream(branch)
	if ref == "" {
		return "", nil
	}
	if _, err := res.repo.Ref(ref); err != nil {
		return "", fmt.Errorf("upstream %s of branch %s: %w (run git fetch %s, or name a range)", ref, branch, err, remote)
	}
	return ref, nil
}

// resolve resolves one revision to a commit id.
func (res *resolver) resolve(rev string) (plumbing.Hash, error) {
	base, suffix := splitRevision(rev)
	var h plumbing.Hash
	var err error
	if up, ok := strings.CutPrefix(suffix, "@{"); ok {
		name, rest, found := strings.Cut(up, "}")
		if !found || (name != "upstream" && name != "u") {
			return plumbing.ZeroHash, fmt.Errorf("revision %q: only @{upstream} and @{u} are supported after @{", rev)
		}
		suffix = rest
		h, err = res.upstreamOf(base)
	} else {
		h, err = res.resolveBase(base)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	if h, err = res.peel(h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	if h, err = res.navigate(h, suffix); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	return h, nil
}

// splitRevision splits a revision into its base (a name or id) and the
// suffix that navigates from it (~N, ^N, @{...}). Ref names cannot hold '~',
// '^' or "@{".
func splitRevision(rev string) (base, suffix string) {
	i := strings.IndexAny(rev, "~^")
	if j := strings.Index(rev, "@{"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return rev, ""
	}
	return rev[:i], rev[i:]
}

// upstreamOf resolves branch@{upstream}; "" and "HEAD" mean the current
// branch.
func (res *resolver) upstreamOf(branch string) (plumbing.Hash, error) {
	if branch == "" || branch == "HEAD" || branch == "@" {
		b, onBranch, err := res.repo.HeadBranch()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if !onBranch {
			return plumbing.ZeroHash, errors.New("HEAD is detached: no upstream")
		}
		branch = b
	}
	ref, err := res.upstream(strings.TrimPrefix(branch, "refs/heads/"))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if ref == "" {
		return plumbing.ZeroHash, fmt.Errorf("branch %s has no upstream", branch)
	}
	h, err := res.repo.Ref(ref)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("resolving %s: %w", ref, err)
	}
	return h, nil
}

// resolveBase resolves a name or id as git does: a full id, else a ref
// (expanded by git's rules: NAME, refs/NAME, refs/tags/NAME, refs/heads/NAME,
// refs/remotes/NAME, refs/remotes/NAME/HEAD), else an abbreviated id that
// names exactly one commit or tag.
func (res *resolver) resolveBase(name string) (plumbing.Hash, error) {
	if name == "" || name == "@" {
		name = "HEAD"
	}
	if len(name) == 2*len(plumbing.Hash{}) && isHex(name) {
		return plumbing.NewHash(name), nil
	}
	if ValidRefName(name) {
		for _, rule := range plumbing.RefRevParseRules {
			full := fmt.Sprintf(rule, name)
			if !readableRef(full) {
				continue // git looks for NAME itself only when it could be a pseudo-ref
			}
			h, err := res.repo.Ref(full)
			if err == nil {
				return h, nil
			}
			if !errors.Is(err, plumbing.ErrReferenceNotFound) {
				return plumbing.ZeroHash, err
			}
		}
	}
	if len(name) >= 4 && isHex(name) {
		return res.abbrev(name)
	}
	return plumbing.ZeroHash, fmt.Errorf("unknown revision %q: not a ref or commit id", name)
}

// abbrev resolves an abbreviated id, refusing ambiguity among commits and
// tags.
func (res *resolver) abbrev(prefix string) (plumbing.Hash, error) {
	prefix = strings.ToLower(prefix)
	b, _ := hex.DecodeString(prefix[:len(prefix)&^1])
	candidates, err := res.repo.Objects.HashesWithPrefix(b)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("looking up abbreviated id %s: %w", prefix, err)
	}
	var found []plumbing.Hash
	for _, h := range candidates {
		if !strings.HasPrefix(h.String(), prefix) || containsHash(found, h) {
			continue
		}
		if typ, _, err := res.r.Read(h); err == nil && (typ == plumbing.CommitObject || typ == plumbing.TagObject) {
			found = append(found, h)
		}
	}
	switch len(found) {
	case 0:
		return plumbing.ZeroHash, fmt.Errorf("unknown revision %q: no commit has this abbreviated id", prefix)
	case 1:
		return found[0], nil
	}
	return plumbing.ZeroHash, fmt.Errorf("abbreviated id %s is ambiguous (%d commits or tags): use more digits", prefix, len(found))
}

// peel follows annotated tags to the commit they tag.
func (res *resolver) peel(h plumbing.Hash) (plumbing.Hash, error) {
	h, t, err := Peel(res.r, h)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if t != plumbing.CommitObject {
		return plumbing.ZeroHash, fmt.Errorf("%s is a %s, not a commit", h, t)
	}
	return h, nil
}

// navigate applies the suffix of a revision (~N, ^N, ^{}, ^{commit}) to
// commit h.
func (res *resolver) navigate(h plumbing.Hash, suffix string) (plumbing.Hash, error) {
	for suffix != "" {
		op := suffix[0]
		suffix = suffix[1:]
		if op == '^' && strings.HasPrefix(suffix, "{") {
			typ, rest, found := strings.Cut(suffix[1:], "}")
			if !found || (typ != "" && typ != "commit") {
				return plumbing.ZeroHash, fmt.Errorf("unsupported revision suffix ^{%s", suffix[1:])
			}
			suffix = rest
			continue // h is a commit already
		}
		if op != '~' && op != '^' {
			return plumbing.ZeroHash, fmt.Errorf("unsupported revision syntax %q", string(op)+suffix)
		}
		digits := len(suffix) - len(strings.TrimLeft(suffix, "0123456789"))
		n := 1
		if digits > 0 {
			var err error
			if n, err = strconv.Atoi(suffix[:digits]); err != nil || n > 1<<20 {
				return plumbing.ZeroHash, fmt.Errorf("bad number in %q", string(op)+suffix)
			}
		}
		suffix = suffix[digits:]
		if op == '^' {
			if n == 0 {
				continue
			}
			c, err := res.commit(h)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if n > len(c.Parents) {
				return plumbing.ZeroHash, fmt.Errorf("commit %s %w %d", h, ErrNoParent, n)
			}
			h = c.Parents[n-1]
			continue
		}
		for range n {
			c, err := res.commit(h)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if len(c.Parents) == 0 {
				return plumbing.ZeroHash, fmt.Errorf("commit %s %w", h, ErrNoParent)
			}
			h = c.Parents[0]
		}
	}
	return h, nil
}

// commit reads the parents of commit h.
func (res *resolver) commit(h plumbing.Hash) (CommitNode, error) {
	typ, data, err := res.r.Read(h)
	if err != nil {
		return CommitNode{}, err
	}
	if typ != plumbing.CommitObject {
		return CommitNode{}, fmt.Errorf("%s is a %s, not a commit", h, typ)
	}
	return parseCommitNode(h, data)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return s != ""
}

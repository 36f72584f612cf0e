package git

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// ReadCommit reads and parses commit h.
func ReadCommit(r ObjectReader, h Hash) (*Commit, error) {
	t, data, err := r.Read(h)
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	if t != plumbing.CommitObject {
		return nil, fmt.Errorf("%s is a %s, not a commit", h, t)
	}
	return ParseCommit(h, data)
}

// ResolveCommit resolves one revision, read as [ResolveRange] reads a
// revision (A^! included), to its commit. A range (A..B) names no one
// commit and is refused.
func ResolveCommit(repo *Repo, rev string) (*Commit, error) {
	a, err := parseRangeArg(rev)
	if err != nil {
		return nil, err
	}
	if a.isRange {
		return nil, fmt.Errorf("%q is a range, not one commit", rev)
	}
	res := &resolver{repo: repo, r: repo.Objects}
	h, err := res.resolve(a.rev)
	if err != nil {
		return nil, err
	}
	c, err := ReadCommit(repo.Objects, h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", a.rev, err)
	}
	return c, nil
}

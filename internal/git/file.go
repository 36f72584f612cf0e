package git

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// ReadFileAt returns the content of the regular file at a slash-separated
// path in a commit's tree (annotated tags are peeled); ok is false when there
// is no such file (or a directory on the way is a file). Symlinks and
// submodules are refused, not followed: the callers read trusted
// configuration, which must be a file of the commit itself. A file over
// limit bytes is an error, and so is a malformed tree on the way.
func ReadFileAt(r ObjectReader, commit plumbing.Hash, path string, limit int) (data []byte, ok bool, err error) {
	if path == "" {
		return nil, false, errors.New("empty path")
	}
	c, err := peelToCommit(r, commit)
	if err != nil {
		return nil, false, err
	}
	tree := c.Tree
	at := commit.String()[:12]
	parts := strings.Split(path, "/")
	for i, name := range parts {
		e, found, err := lookupEntry(r, tree, name)
		if err != nil || !found {
			return nil, false, err
		}
		last := i == len(parts)-1
		switch {
		case !last && e.mode == filemode.Dir:
			tree = e.hash
			continue
		case !last:
			return nil, false, nil
		case e.mode != filemode.Regular && e.mode != filemode.Executable:
			return nil, false, fmt.Errorf("%s at %s is not a regular file (mode %o)", path, at, uint32(e.mode))
		}
		t, data, err := r.Read(e.hash)
		if err != nil {
			return nil, false, fmt.Errorf("reading %s at %s: %w", path, at, err)
		}
		if t != plumbing.BlobObject {
			return nil, false, fmt.Errorf("%s at %s is a %s, not a blob", path, at, t)
		}
		if len(data) > limit {
			return nil, false, fmt.Errorf("%s at %s is %d bytes, over the %d-byte limit", path, at, len(data), limit)
		}
		return data, true, nil
	}
	return nil, false, nil
}

// peelToCommit reads the commit h names, following annotated tags.
func peelToCommit(r ObjectReader, h plumbing.Hash) (*Commit, error) {
	h, t, err := Peel(r, h)
	if err != nil {
		return nil, err
	}
	if t != plumbing.CommitObject {
		return nil, fmt.Errorf("%s is a %s, not a commit", h, t)
	}
	_, data, err := r.Read(h)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", h, err)
	}
	return ParseCommit(h, data)
}

// lookupEntry finds one name in a tree object.
func lookupEntry(r ObjectReader, tree plumbing.Hash, name string) (treeEntry, bool, error) {
	if tree == emptyTreeID() {
		return treeEntry{}, false, nil
	}
	t, data, err := r.Read(tree)
	if err != nil {
		return treeEntry{}, false, fmt.Errorf("reading tree %s: %w", tree, err)
	}
	if t != plumbing.TreeObject {
		return treeEntry{}, false, fmt.Errorf("%s is a %s, not a tree", tree, t)
	}
	it := newTreeIter(tree, data)
	for {
		more, err := it.next()
		if err != nil || !more {
			return treeEntry{}, false, err
		}
		if string(it.cur.name) == name {
			return it.cur, true, nil
		}
	}
}

package git

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Limits of [Symlinks]. A trusted tree is read whole; these keep a hostile
// one (the base of a push is whatever was pushed before) from costing more
// than a huge real repository does.
const (
	// maxSymlinks bounds the symlinks Symlinks returns.
	maxSymlinks = 1 << 16
	// maxLinkTarget bounds a target's length: Linux refuses longer ones
	// (PATH_MAX), so no checkout follows them.
	maxLinkTarget = 4096
)

// Symlinks returns the symlinks of commit's tree (annotated tags are
// peeled): each link's slash-separated path and its raw target. Targets
// longer than a file system takes are left out. A tree with more than
// 65,536 symlinks, or a malformed one, is an error: the caller reads them
// to know what else a protected name is, and must not guess.
func Symlinks(r ObjectReader, commit plumbing.Hash) (map[string]string, error) {
	c, err := peelToCommit(r, commit)
	if err != nil {
		return nil, err
	}
	links := map[string]string{}
	if err := symlinksIn(r, c.Tree, "", 0, links); err != nil {
		return nil, fmt.Errorf("reading the symlinks of %s: %w", commit, err)
	}
	return links, nil
}

func symlinksIn(r ObjectReader, tree plumbing.Hash, dir string, depth int, links map[string]string) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("trees nested deeper than %d levels at %q: %w", maxTreeDepth, dir, ErrMalformedTree)
	}
	if tree == emptyTreeID() {
		return nil
	}
	t, data, err := r.Read(tree)
	if err != nil {
		return fmt.Errorf("reading tree %s under %q: %w", tree, dir, missing(err))
	}
	if t != plumbing.TreeObject {
		return fmt.Errorf("reading tree %s under %q: object is a %s", tree, dir, t)
	}
	return walkTree(tree, data, func(mode filemode.FileMode, name []byte, h plumbing.Hash) error {
		p := dir + string(name)
		switch mode {
		case filemode.Dir:
			return symlinksIn(r, h, p+"/", depth+1, links)
		case filemode.Symlink:
			target, err := readLimited(r, h, maxLinkTarget)
			if err != nil || target == nil {
				return err
			}
			if len(links) >= maxSymlinks {
				return fmt.Errorf("more than %d symlinks", maxSymlinks)
			}
			links[p] = string(target)
		}
		return nil
	})
}

// limitedReader is an ObjectReader that can refuse large objects without
// reading them, as [Store] does.
type limitedReader interface {
	ReadLimit(h plumbing.Hash, limit int64) (plumbing.ObjectType, []byte, error)
}

// readLimited reads blob h when it is at most limit bytes; nil data, and no
// error, when it is larger.
func readLimited(r ObjectReader, h plumbing.Hash, limit int) ([]byte, error) {
	var (
		t    plumbing.ObjectType
		data []byte
		err  error
	)
	if lr, ok := r.(limitedReader); ok {
		t, data, err = lr.ReadLimit(h, int64(limit))
		if errors.Is(err, ErrTooLarge) {
			return nil, nil
		}
	} else {
		t, data, err = r.Read(h)
	}
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, missing(err))
	}
	if t != plumbing.BlobObject {
		return nil, fmt.Errorf("object %s is a %s, not a blob", h, t)
	}
	if len(data) > limit {
		return nil, nil
	}
	return data, nil
}

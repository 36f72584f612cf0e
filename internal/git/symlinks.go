package git

import (
	"errors"
	"fmt"
	"sync"

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
//
// It reads every tree of the commit, which for a push into a large
// repository is most of the push's cost: the subtrees are read on
// symlinkWorkers goroutines at once (r must be safe for concurrent use, as
// [Store] is), and a path is built only for directories and links.
func Symlinks(r ObjectReader, commit plumbing.Hash) (map[string]string, error) {
	c, err := peelToCommit(r, commit)
	if err != nil {
		return nil, err
	}
	w := &symlinkWalk{r: r, readTree: r.Read, links: map[string]string{}, sem: make(chan struct{}, symlinkWorkers-1)}
	if s, ok := r.(*Store); ok {
		w.readTree = s.readOnce
	}
	w.dir(c.Tree, "", 0)
	w.wg.Wait()
	if w.err != nil {
		return nil, fmt.Errorf("reading the symlinks of %s: %w", commit, w.err)
	}
	return w.links, nil
}

// symlinkWorkers is how many trees Symlinks reads at once.
const symlinkWorkers = 4

// symlinkWalk is the state of one Symlinks call, shared by its goroutines.
type symlinkWalk struct {
	r        ObjectReader
	readTree func(plumbing.Hash) (plumbing.ObjectType, []byte, error)
	sem      chan struct{} // a token per goroutine beyond the caller's
	wg       sync.WaitGroup

	mu    sync.Mutex
	links map[string]string
	err   error // the first error; the walk stops at it
}

func (w *symlinkWalk) failed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err != nil
}

func (w *symlinkWalk) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// dir reads the tree at path dir ("" or ending in a slash) and what is
// below it, handing subtrees to other goroutines while tokens are free.
func (w *symlinkWalk) dir(tree plumbing.Hash, dir string, depth int) {
	if w.failed() {
		return
	}
	if depth > maxTreeDepth {
		w.fail(fmt.Errorf("trees nested deeper than %d levels at %q: %w", maxTreeDepth, dir, ErrMalformedTree))
		return
	}
	if tree == emptyTreeID() {
		return
	}
	t, data, err := w.readTree(tree)
	if err != nil {
		w.fail(fmt.Errorf("reading tree %s under %q: %w", tree, dir, missing(err)))
		return
	}
	if t != plumbing.TreeObject {
		w.fail(fmt.Errorf("reading tree %s under %q: object is a %s", tree, dir, t))
		return
	}
	err = walkTree(tree, data, func(mode filemode.FileMode, name []byte, h plumbing.Hash) error {
		switch mode {
		case filemode.Dir:
			sub := dir + string(name) + "/"
			select {
			case w.sem <- struct{}{}:
				w.wg.Add(1)
				go func() {
					defer w.wg.Done()
					defer func() { <-w.sem }()
					w.dir(h, sub, depth+1)
				}()
			default:
				w.dir(h, sub, depth+1)
			}
		case filemode.Symlink:
			return w.link(dir+string(name), h)
		}
		return nil
	})
	if err != nil {
		w.fail(err)
	}
}

func (w *symlinkWalk) link(path string, h plumbing.Hash) error {
	target, err := readLimited(w.r, h, maxLinkTarget)
	if err != nil || target == nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.links) >= maxSymlinks {
		return fmt.Errorf("more than %d symlinks", maxSymlinks)
	}
	w.links[path] = string(target)
	return nil
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

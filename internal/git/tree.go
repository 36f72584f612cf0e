package git

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// ObjectReader reads raw git objects: the content without the "type size\0"
// header, as git hashes it. A missing object is reported with an error that
// wraps [plumbing.ErrObjectNotFound].
//
// The returned bytes may be shared with the reader's cache: callers must not
// modify them, and the reader must not modify them after returning them.
type ObjectReader interface {
	Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error)
}

// emptyTreeID returns the id of the tree with no entries, which git knows
// without reading it (a repository need not store it).
func emptyTreeID() plumbing.Hash {
	return plumbing.Hash{0x4b, 0x82, 0x5d, 0xc6, 0x42, 0xcb, 0x6e, 0xb9, 0xa0, 0x60,
		0xe5, 0x4b, 0xf8, 0xd6, 0x92, 0x88, 0xfb, 0xca, 0x49, 0x04}
}

// ErrMalformedTree is wrapped by errors about tree objects that git would
// not have written: unparseable entries, invalid names, entries out of order.
// The verifier fails closed on them rather than guess what a checkout holds.
var ErrMalformedTree = errors.New("malformed tree")

// treeEntry is one entry of a tree object. name points into the tree's raw
// bytes.
type treeEntry struct {
	name []byte
	mode filemode.FileMode // canonical, as git's canon_mode
	hash plumbing.Hash
}

func (e *treeEntry) isDir() bool { return e.mode == filemode.Dir }

// treeIter iterates over the entries of a raw tree object without
// allocating. It checks the entries' syntax and order as it goes.
type treeIter struct {
	id   plumbing.Hash // for error messages
	data []byte
	cur  treeEntry
	ok   bool // cur is valid
}

func newTreeIter(id plumbing.Hash, data []byte) treeIter {
	return treeIter{id: id, data: data}
}

// next advances to the next entry. It returns false at the end of the tree
// or on error.
func (it *treeIter) next() (bool, error) {
	if len(it.data) == 0 {
		it.ok = false
		return false, nil
	}
	prev := it.cur
	hadPrev := it.ok
	it.ok = false
	d := it.data
	// mode: octal digits up to a space.
	var mode uint32
	i := 0
	for ; i < len(d) && d[i] != ' '; i++ {
		c := d[i]
		if c < '0' || c > '7' || i >= 7 {
			return false, it.malformed("bad mode")
		}
		mode = mode<<3 | uint32(c-'0')
	}
	if i == 0 || i >= len(d) {
		return false, it.malformed("bad mode")
	}
	d = d[i+1:]
	nul := bytes.IndexByte(d, 0)
	if nul < 0 || len(d)-nul-1 < len(plumbing.Hash{}) {
		return false, it.malformed("truncated entry")
	}
	name := d[:nul]
	if len(name) == 0 || bytes.IndexByte(name, '/') >= 0 ||
		(name[0] == '.' && (len(name) == 1 || (len(name) == 2 && name[1] == '.'))) {
		return false, it.malformed(fmt.Sprintf("invalid entry name %q", name))
	}
	it.cur.name = name
	it.cur.mode = canonMode(mode)
	copy(it.cur.hash[:], d[nul+1:])
	if it.cur.hash.IsZero() {
		// git fsck's nullSha1; the zero id means "absent" to the differ.
		return false, it.malformed(fmt.Sprintf("entry %q has the null id", name))
	}
	it.data = d[nul+1+len(plumbing.Hash{}):]
	if hadPrev && compareEntries(prev.name, prev.isDir(), it.cur.name, it.cur.isDir()) >= 0 {
		return false, it.malformed(fmt.Sprintf("entry %q out of order or duplicated", name))
	}
	it.ok = true
	return true, nil
}

func (it *treeIter) malformed(what string) error {
	return fmt.Errorf("tree %s: %s: %w", it.id, what, ErrMalformedTree)
}

// walkTree calls fn for each entry of the raw tree object id, in order, with
// the entry's canonical mode. It stops at the first error, of fn or of the
// tree (see [ErrMalformedTree]).
func walkTree(id plumbing.Hash, data []byte, fn func(mode filemode.FileMode, name []byte, h plumbing.Hash) error) error {
	it := newTreeIter(id, data)
	for {
		more, err := it.next()
		if err != nil || !more {
			return err
		}
		if err := fn(it.cur.mode, it.cur.name, it.cur.hash); err != nil {
			return err
		}
	}
}

// canonMode maps a tree entry's mode to one of the five modes git uses, the
// way git's canon_mode does when it reads a tree: any regular file is 100644
// or 100755, and a mode git does not know is a gitlink.
func canonMode(m uint32) filemode.FileMode {
	const (
		ifmt  = 0170000
		ifreg = 0100000
		ifdir = 0040000
		iflnk = 0120000
	)
	switch m & ifmt {
	case ifreg:
		if m&0111 != 0 {
			return filemode.Executable
		}
		return filemode.Regular
	case iflnk:
		return filemode.Symlink
	case ifdir:
		return filemode.Dir
	}
	return filemode.Submodule
}

// compareEntries orders tree entries as git does (base_name_compare): by
// name, byte-wise, with a directory's name compared as if it ended in '/'.
// A file and a directory of the same name are different entries.
func compareEntries(n1 []byte, dir1 bool, n2 []byte, dir2 bool) int {
	l := min(len(n1), len(n2))
	if c := bytes.Compare(n1[:l], n2[:l]); c != 0 {
		return c
	}
	var c1, c2 byte
	if len(n1) > l {
		c1 = n1[l]
	} else if dir1 {
		c1 = '/'
	}
	if len(n2) > l {
		c2 = n2[l]
	} else if dir2 {
		c2 = '/'
	}
	switch {
	case c1 < c2:
		return -1
	case c1 > c2:
		return 1
	}
	return 0
}

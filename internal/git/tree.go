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
	name   []byte
	mode   filemode.FileMode // canonical, as git's canon_mode
	hash   plumbing.Hash
	raw    uint32 // the mode as written
	padded bool   // the mode was written with a leading zero
}

func (e *treeEntry) isDir() bool { return e.mode == filemode.Dir }

// treeIter iterates over the entries of a raw tree object, checking their
// syntax and order as it goes: what git fsck calls badTree, nullSha1,
// duplicateEntries and treeNotSorted is an error wrapping
// [ErrMalformedTree]. It allocates only to find a file and a directory of
// the same name that other entries sort between.
type treeIter struct {
	id   plumbing.Hash // for error messages
	data []byte
	cur  treeEntry
	ok   bool // cur is valid
	// cands are names of files that a directory of the same name may
	// follow, further on (git's df_dup_candidates).
	cands [][]byte
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
			return false, it.malformed("badTree", "bad mode")
		}
		mode = mode<<3 | uint32(c-'0')
	}
	if i == 0 || i >= len(d) {
		return false, it.malformed("badTree", "bad mode")
	}
	padded := d[0] == '0'
	d = d[i+1:]
	nul := bytes.IndexByte(d, 0)
	if nul < 0 || len(d)-nul-1 < len(plumbing.Hash{}) {
		return false, it.malformed("badTree", "truncated entry")
	}
	name := d[:nul]
	if len(name) == 0 {
		return false, it.malformed("badTree", "an entry with an empty name")
	}
	it.cur = treeEntry{name: name, mode: canonMode(mode), raw: mode, padded: padded}
	copy(it.cur.hash[:], d[nul+1:])
	if it.cur.hash.IsZero() {
		// The zero id means "absent" to the differ.
		return false, it.malformed("nullSha1", fmt.Sprintf("entry %q has the null id", name))
	}
	it.data = d[nul+1+len(plumbing.Hash{}):]
	if hadPrev {
		switch it.verifyOrdered(&prev, &it.cur) {
		case treeUnordered:
			return false, it.malformed("treeNotSorted", fmt.Sprintf("entry %q out of order", name))
		case treeHasDups:
			return false, it.malformed("duplicateEntries", fmt.Sprintf("entry %q duplicated", name))
		}
	}
	it.ok = true
	return true, nil
}

// Results of verifyOrdered.
const (
	treeOrdered = iota
	treeUnordered
	treeHasDups
)

// verifyOrdered checks that entry b may follow entry a, as git fsck's
// verify_ordered: in order, and not a second entry of the same name. A
// file "foo" and a directory "foo" are duplicates even when other entries
// sort between them ("foo", "foo.bar", "foo/"): a checkout can only write
// one of them.
func (it *treeIter) verifyOrdered(a, b *treeEntry) int {
	n1, n2 := a.name, b.name
	l := min(len(n1), len(n2))
	switch c := bytes.Compare(n1[:l], n2[:l]); {
	case c < 0:
		return treeOrdered
	case c > 0:
		return treeUnordered
	}
	var c1, c2 byte
	if len(n1) > l {
		c1 = n1[l]
	}
	if len(n2) > l {
		c2 = n2[l]
	}
	if c1 == 0 && c2 == 0 {
		return treeHasDups
	}
	if c1 == 0 && a.isDir() {
		c1 = '/'
	}
	if c2 == 0 && b.isDir() {
		c2 = '/'
	}
	lessThanSlash := func(c byte) bool { return 0 < c && c < '/' }
	switch {
	case c1 == 0 && lessThanSlash(c2):
		it.cands = append(it.cands, n1)
	case c2 == '/' && lessThanSlash(c1):
		for len(it.cands) > 0 {
			f := it.cands[len(it.cands)-1]
			it.cands = it.cands[:len(it.cands)-1]
			rest, ok := bytes.CutPrefix(n2, f)
			if !ok {
				continue
			}
			if len(rest) == 0 {
				return treeHasDups
			}
			if lessThanSlash(rest[0]) {
				it.cands = append(it.cands, f)
				break
			}
		}
	}
	if c1 < c2 {
		return treeOrdered
	}
	return treeUnordered
}

// treeError is a malformed tree entry, with git fsck's message id.
type treeError struct {
	tree plumbing.Hash
	id   string
	what string
}

func (e *treeError) Error() string {
	return fmt.Sprintf("tree %s: %s: %s", e.tree, e.what, ErrMalformedTree)
}

func (e *treeError) Unwrap() error { return ErrMalformedTree }

func (it *treeIter) malformed(id, what string) error {
	return &treeError{tree: it.id, id: id, what: what}
}

// walkTree calls fn for each entry of the raw tree object id, in order, with
// the entry's canonical mode. It stops at the first error, of fn or of the
// tree (see [ErrMalformedTree]); names no checkout can write (".", "..",
// one with a "/") are errors too.
func walkTree(id plumbing.Hash, data []byte, fn func(mode filemode.FileMode, name []byte, h plumbing.Hash) error) error {
	it := newTreeIter(id, data)
	for {
		more, err := it.next()
		if err != nil || !more {
			return err
		}
		if name := it.cur.name; bytes.IndexByte(name, '/') >= 0 || string(name) == "." || string(name) == ".." {
			return it.malformed("badTree", fmt.Sprintf("invalid entry name %q", name))
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

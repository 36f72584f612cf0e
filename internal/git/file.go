package git

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// ObjectReader reads whole objects; *Store is one.
type ObjectReader interface {
	Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error)
}

// ReadFileAt returns the content of the regular file at a slash-separated
// path in a commit's tree; ok is false when there is no such file (or a
// directory on the way is a file). Symlinks and submodules are refused, not
// followed: the callers read trusted configuration, which must be a file of
// the commit itself. A file over limit bytes is an error.
func ReadFileAt(r ObjectReader, commit plumbing.Hash, path string, limit int) (data []byte, ok bool, err error) {
	tree, err := commitTree(r, commit)
	if err != nil {
		return nil, false, err
	}
	parts := strings.Split(path, "/")
	for i, name := range parts {
		mode, h, found, err := treeEntry(r, tree, name)
		if err != nil || !found {
			return nil, false, err
		}
		last := i == len(parts)-1
		switch {
		case !last && mode == "40000":
			tree = h
			continue
		case !last:
			return nil, false, nil
		case mode != "100644" && mode != "100755" && mode != "100664":
			return nil, false, fmt.Errorf("%s at %s is not a regular file (mode %s)", path, commit.String()[:12], mode)
		}
		t, data, err := r.Read(h)
		if err != nil {
			return nil, false, fmt.Errorf("reading %s at %s: %w", path, commit.String()[:12], err)
		}
		if t != plumbing.BlobObject {
			return nil, false, fmt.Errorf("%s at %s is a %s, not a blob", path, commit.String()[:12], t)
		}
		if len(data) > limit {
			return nil, false, fmt.Errorf("%s at %s is %d bytes, over the %d-byte limit", path, commit.String()[:12], len(data), limit)
		}
		return data, true, nil
	}
	return nil, false, errors.New("empty path")
}

// commitTree returns the tree of a commit (peeling annotated tags).
func commitTree(r ObjectReader, h plumbing.Hash) (plumbing.Hash, error) {
	for range 10 {
		t, data, err := r.Read(h)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", h, err)
		}
		var field string
		switch t {
		case plumbing.CommitObject:
			field = "tree "
		case plumbing.TagObject:
			field = "object "
		default:
			return plumbing.ZeroHash, fmt.Errorf("%s is a %s, not a commit", h, t)
		}
		line, _, _ := bytes.Cut(data, []byte("\n"))
		hex, ok := bytes.CutPrefix(line, []byte(field))
		if !ok || len(hex) != 40 || !plumbing.IsHash(string(hex)) {
			return plumbing.ZeroHash, fmt.Errorf("%s %s: no %sline", t, h, strings.TrimSpace(field))
		}
		if t == plumbing.CommitObject {
			return plumbing.NewHash(string(hex)), nil
		}
		h = plumbing.NewHash(string(hex))
	}
	return plumbing.ZeroHash, fmt.Errorf("%s: tags nested too deep", h)
}

// treeEntry finds one name in a tree object.
func treeEntry(r ObjectReader, tree plumbing.Hash, name string) (mode string, h plumbing.Hash, found bool, err error) {
	t, data, err := r.Read(tree)
	if err != nil {
		return "", h, false, fmt.Errorf("reading tree %s: %w", tree, err)
	}
	if t != plumbing.TreeObject {
		return "", h, false, fmt.Errorf("%s is a %s, not a tree", tree, t)
	}
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 0 {
			return "", h, false, fmt.Errorf("tree %s: malformed entry", tree)
		}
		nul := bytes.IndexByte(data[sp:], 0)
		if nul < 0 || len(data) < sp+nul+1+len(h) {
			return "", h, false, fmt.Errorf("tree %s: truncated entry", tree)
		}
		nul += sp
		entryMode, entryName := data[:sp], data[sp+1:nul]
		copy(h[:], data[nul+1:])
		data = data[nul+1+len(h):]
		if string(entryName) == name {
			return string(entryMode), h, true, nil
		}
	}
	return "", plumbing.ZeroHash, false, nil
}

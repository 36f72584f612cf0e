package git

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// ReflogEntry is one line of a ref's reflog: the ref moved from Old to New,
// and Message says what moved it ("fetch origin: fast-forward", "commit:
// …", "update-ref"…). A reflog is a file any process of the user may
// write: an entry records what a writer said, not what happened.
type ReflogEntry struct {
	Old, New plumbing.Hash
	Message  string
}

// MaxReflogTail bounds what Reflog reads of a reflog's end.
const MaxReflogTail = 64 << 10

// Reflog returns the last entries of the ref's reflog, oldest first, read
// from at most the last MaxReflogTail bytes; lines that do not parse are
// skipped. A ref with no reflog has no entries.
func (r *Repo) Reflog(name string) ([]ReflogEntry, error) {
	if !readableRef(name) {
		return nil, fmt.Errorf("invalid ref name %q", name)
	}
	path := filepath.Join(r.refBase(name), "logs", filepath.FromSlash(name))
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the reflog of %s: %w", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("reading the reflog of %s: not a regular file", name)
	}
	off := max(fi.Size()-MaxReflogTail, 0)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading the reflog of %s: %w", name, err)
	}
	lines := bytes.Split(buf, []byte{'\n'})
	if off > 0 {
		lines = lines[1:] // cut mid-line
	}
	var out []ReflogEntry
	for _, l := range lines {
		if e, ok := parseReflogLine(l); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// parseReflogLine parses "OLD NEW NAME <EMAIL> TIME TZ\tMESSAGE".
func parseReflogLine(l []byte) (ReflogEntry, bool) {
	head, msg, _ := bytes.Cut(l, []byte{'\t'})
	n := 2 * hashLen
	if len(head) < 2*n+2 || head[n] != ' ' || head[2*n+1] != ' ' {
		return ReflogEntry{}, false
	}
	old, ok1 := ParseHash(string(head[:n]))
	nw, ok2 := ParseHash(string(head[n+1 : 2*n+1]))
	if !ok1 || !ok2 {
		return ReflogEntry{}, false
	}
	return ReflogEntry{Old: old, New: nw, Message: string(bytes.TrimRight(msg, "\r"))}, true
}

// IsAncestor reports whether ancestor is descendant or one of its
// ancestors, looking at no more than limit commits; past the limit the
// answer is false.
func IsAncestor(r ObjectReader, ancestor, descendant plumbing.Hash, limit int) (bool, error) {
	seen := map[plumbing.Hash]bool{descendant: true}
	queue := []plumbing.Hash{descendant}
	for len(queue) > 0 && len(seen) <= limit {
		h := queue[0]
		queue = queue[1:]
		if h == ancestor {
			return true, nil
		}
		c, err := ReadCommit(r, h)
		if err != nil {
			return false, err
		}
		for _, p := range c.Parents {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return false, nil
}

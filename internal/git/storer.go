package git

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// The Store implements go-git's object storage so that go-git's object
// package (object.GetCommit, trees, diffs) runs on it.
var _ storer.EncodedObjectStorer = (*Store)(nil)

// NewEncodedObject returns an empty in-memory object to fill and pass to
// SetEncodedObject.
func (s *Store) NewEncodedObject() plumbing.EncodedObject {
	return &plumbing.MemoryObject{}
}

// SetEncodedObject writes obj as a loose object into the primary directory
// (see Write).
func (s *Store) SetEncodedObject(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	switch obj.Type() {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	default:
		return plumbing.ZeroHash, plumbing.ErrInvalidType
	}
	r, err := obj.Reader()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("writing object %s: %w", obj.Hash(), err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("writing object %s: %w", obj.Hash(), err)
	}
	return s.Write(obj.Type(), data)
}

// EncodedObject returns object h, or plumbing.ErrObjectNotFound if it is
// missing or not of type t (plumbing.AnyObject matches every type).
func (s *Store) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, data, err := s.read(h, 0)
	if errors.Is(err, errNotFound) {
		return nil, plumbing.ErrObjectNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading object %s: %w", h, err)
	}
	if t != plumbing.AnyObject && t != typ {
		return nil, plumbing.ErrObjectNotFound
	}
	return &sharedObject{h: h, t: typ, data: data}, nil
}

// HasEncodedObject returns nil if object h exists and
// plumbing.ErrObjectNotFound if not.
func (s *Store) HasEncodedObject(h plumbing.Hash) error {
	ok, err := s.Has(h)
	if err != nil {
		return fmt.Errorf("looking up object %s: %w", h, err)
	}
	if !ok {
		return plumbing.ErrObjectNotFound
	}
	return nil
}

// EncodedObjectSize returns the size of object h without reading all of it.
func (s *Store) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	_, size, err := s.stat(h, 0)
	if errors.Is(err, errNotFound) {
		return 0, plumbing.ErrObjectNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("reading object %s: %w", h, err)
	}
	return size, nil
}

// IterEncodedObjects iterates over every object of type t (or all objects,
// for plumbing.AnyObject) in every object directory, each once.
func (s *Store) IterEncodedObjects(t plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	hashes, err := s.hashes(nil)
	if err != nil {
		return nil, err
	}
	return &objectIter{s: s, t: t, hashes: hashes}, nil
}

// HashesWithPrefix returns the ids of all objects starting with prefix; go-git
// uses it to resolve abbreviated ids in ResolveRevision.
func (s *Store) HashesWithPrefix(prefix []byte) ([]plumbing.Hash, error) {
	return s.hashes(prefix)
}

// ForEachObjectHash calls fn with the id of every object, each once. If fn
// returns storer.ErrStop, iteration stops without error.
func (s *Store) ForEachObjectHash(fn func(plumbing.Hash) error) error {
	hashes, err := s.hashes(nil)
	if err != nil {
		return err
	}
	for _, h := range hashes {
		if err := fn(h); err != nil {
			if errors.Is(err, storer.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// AddAlternate appends dir to the primary directory's objects/info/alternates
// and starts reading it (and its own alternates) at once. A relative dir is
// relative to the primary objects directory, as in the file.
func (s *Store) AddAlternate(dir string) error {
	primary := s.dirList()[0]
	info := filepath.Join(primary, "info")
	if err := os.MkdirAll(info, 0o777); err != nil {
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	if strings.ContainsAny(dir, "\"\\\n") || strings.HasPrefix(dir, "#") {
		return fmt.Errorf("adding alternate %q: path needs quoting", dir)
	}
	f, err := os.OpenFile(filepath.Join(info, "alternates"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	if _, err := io.WriteString(f, dir+"\n"); err != nil {
		f.Close()
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	s.mu.Lock()
	r := &altResolver{dirs: append([]string(nil), s.dirs...), seen: map[string]bool{}}
	for _, d := range s.dirs {
		r.seen[d] = true
	}
	r.link([]string{dir}, primary, true, 0)
	s.dirs = r.dirs
	s.mu.Unlock()
	_, err = s.rescan()
	return err
}

// hashes lists the ids of all objects that start with prefix, sorted and
// deduplicated.
func (s *Store) hashes(prefix []byte) ([]plumbing.Hash, error) {
	seen := map[plumbing.Hash]struct{}{}
	for _, p := range s.packList() {
		lo, hi := 0, p.idx.n
		if len(prefix) > 0 {
			b := int(prefix[0])
			lo = 0
			if b > 0 {
				lo = int(be32(p.idx.fanout[(b-1)*4:]))
			}
			hi = int(be32(p.idx.fanout[b*4:]))
		}
		for i := lo; i < hi; i++ {
			name := p.idx.name(i)
			if bytes.HasPrefix(name, prefix) {
				var h plumbing.Hash
				copy(h[:], name)
				seen[h] = struct{}{}
			}
		}
	}
	for _, d := range s.dirList() {
		fans := make([]string, 0, 256)
		if len(prefix) > 0 {
			fans = append(fans, hex.EncodeToString(prefix[:1]))
		} else {
			for i := 0; i < 256; i++ {
				fans = append(fans, hex.EncodeToString([]byte{byte(i)}))
			}
		}
		for _, fan := range fans {
			ents, err := os.ReadDir(filepath.Join(d, fan))
			if err != nil {
				if errors.Is(err, os.ErrNotExist) {
					continue
				}
				return nil, fmt.Errorf("listing loose objects in %s: %w", d, err)
			}
			for _, e := range ents {
				b, err := hex.DecodeString(fan + e.Name())
				if err != nil || len(b) != hashLen || !bytes.HasPrefix(b, prefix) {
					continue // temporary files and strays
				}
				var h plumbing.Hash
				copy(h[:], b)
				seen[h] = struct{}{}
			}
		}
	}
	out := make([]plumbing.Hash, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i][:], out[j][:]) < 0 })
	return out, nil
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// objectIter yields the objects of one type from a list of ids, skipping
// the others.
type objectIter struct {
	s      *Store
	t      plumbing.ObjectType
	hashes []plumbing.Hash
}

func (it *objectIter) Next() (plumbing.EncodedObject, error) {
	for len(it.hashes) > 0 {
		h := it.hashes[0]
		it.hashes = it.hashes[1:]
		obj, err := it.s.EncodedObject(it.t, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			continue
		}
		return obj, err
	}
	return nil, io.EOF
}

func (it *objectIter) ForEach(fn func(plumbing.EncodedObject) error) error {
	return storer.ForEachIterator(it, fn)
}

func (it *objectIter) Close() { it.hashes = nil }

// sharedObject is a read-only plumbing.EncodedObject over content shared
// with the store's cache.
type sharedObject struct {
	h    plumbing.Hash
	t    plumbing.ObjectType
	data []byte
}

func (o *sharedObject) Hash() plumbing.Hash           { return o.h }
func (o *sharedObject) Type() plumbing.ObjectType     { return o.t }
func (o *sharedObject) SetType(t plumbing.ObjectType) { o.t = t }
func (o *sharedObject) Size() int64                   { return int64(len(o.data)) }
func (o *sharedObject) SetSize(int64)                 {}
func (o *sharedObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}
func (o *sharedObject) Writer() (io.WriteCloser, error) {
	return nil, errors.New("objects read from the store are read-only")
}

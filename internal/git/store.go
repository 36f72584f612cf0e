package git

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// Default cache bounds, in bytes of decompressed objects. git's own delta
// base cache defaults to 96 MiB; ours are small because a gate keeps to a
// memory budget and a server may run many hooks at once. Diffing a range
// reads each commit's trees along its changed paths, and its parent's,
// which the commit before read: the working set is small. Over the 2,158
// commits of prometheus/prometheus that docs/performance.md measures, 8
// MiB of commits and trees inflate 12% more than 16 MiB and 4 MiB of delta
// bases as much as 16 MiB (trees are most often rebuilt from the cached
// trees, not from delta bases).
const (
	DefaultCacheBytes          = 8 << 20
	DefaultDeltaBaseCacheBytes = 4 << 20
)

// StoreOptions tunes a Store. The zero value gives the defaults.
type StoreOptions struct {
	// CacheBytes bounds the cache of decompressed commits, trees and tags.
	// Zero means DefaultCacheBytes; a negative value disables the cache.
	CacheBytes int64
	// DeltaBaseCacheBytes bounds the cache of reconstructed delta bases.
	// Zero means DefaultDeltaBaseCacheBytes; negative disables it.
	DeltaBaseCacheBytes int64
}

// Store reads and writes the objects of one repository: loose objects and
// packs in an ordered list of object directories, the first of which is the
// primary directory new objects are written to. It is safe for concurrent
// use. Byte slices it returns are shared with its cache and must not be
// modified.
type Store struct {
	mu     sync.RWMutex
	dirs   []string            // [0] primary, then alternates in git's order
	packs  []*pack             // packs of all dirs, by dir then newest first
	byPath map[string]*pack    // packs by .pack path
	closed bool                // set by Close
	scanMu sync.Mutex          // serialises rescans
	zpool  sync.Pool           // *inflater
	objs   *lru[plumbing.Hash] // commits, trees, tags
	bases  *lru[baseKey]       // delta bases by pack position
}

type baseKey struct {
	p   *pack
	off int64
}

// ErrObjectNotFound is wrapped by the errors about a missing object. It is
// go-git's sentinel.
var ErrObjectNotFound = plumbing.ErrObjectNotFound

// errNotFound is the internal miss signal.
var errNotFound = ErrObjectNotFound

// OpenStore opens the object database whose primary directory is primary.
// The directories in alternates (GIT_ALTERNATE_OBJECT_DIRECTORIES, already
// split; relative ones are taken relative to base) come next, then those the
// primary directory's objects/info/alternates lists, each followed by its
// own alternates, as git resolves them. Alternates are read once, here.
func OpenStore(primary string, alternates []string, base string, opts StoreOptions) (*Store, error) {
	primary, err := filepath.Abs(primary)
	if err != nil {
		return nil, fmt.Errorf("opening object directory %s: %w", primary, err)
	}
	if fi, err := os.Stat(primary); err != nil {
		return nil, fmt.Errorf("opening object directory: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("opening object directory %s: not a directory", primary)
	}
	r := newAltResolver(primary)
	r.link(alternates, base, false, 0)
	r.readInfo(primary, 0)

	cacheBytes, baseBytes := opts.CacheBytes, opts.DeltaBaseCacheBytes
	if cacheBytes == 0 {
		cacheBytes = DefaultCacheBytes
	}

	if baseBytes == 0 {
		baseBytes = DefaultDeltaBaseCacheBytes
	}
	s := &Store{
		dirs:   r.dirs,
		byPath: map[string]*pack{},
		objs:   newLRU[plumbing.Hash](cacheBytes),
		bases:  newLRU[baseKey](baseBytes),
	}
	s.zpool.New = func() any { return newInflater() }
	if _, err := s.rescan(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dirs returns the object directories the store reads, primary first.
func (s *Store) Dirs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.dirs...)
}

// Close releases the memory maps of the store's packs. It must not be
// called while other goroutines still use the store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.byPath {
		p.close()
	}
	s.packs, s.byPath, s.closed = nil, map[string]*pack{}, true
	return nil
}

// rescan re-lists the pack directories, opening new packs and dropping
// removed ones. It reports whether a pack was added.
func (s *Store) rescan() (bool, error) {
	s.scanMu.Lock()
	defer s.scanMu.Unlock()
	s.mu.RLock()
	dirs, have, closed := s.dirs, s.byPath, s.closed
	s.mu.RUnlock()
	if closed {
		return false, errors.New("object store is closed")
	}
	var all []*pack
	var errs []error
	for _, d := range dirs {
		ps, err := scanPacks(d, have)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading packs of %s: %w", d, err))
		}
		all = append(all, ps...)
	}
	byPath := make(map[string]*pack, len(all))
	added := false
	for _, p := range all {
		byPath[p.path] = p
		if have[p.path] == nil {
			added = true
		}
	}
	s.mu.Lock()
	s.packs, s.byPath = all, byPath
	s.mu.Unlock()
	return added, errors.Join(errs...)
}

func (s *Store) packList() []*pack {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.packs
}

// Read returns the type and content of object h. The content is shared
// with the store's cache and must not be modified; blobs are never cached,
// so a blob's content is the caller's. A missing object is
// reported as plumbing.ErrObjectNotFound (wrapped).
func (s *Store) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	t, data, err := s.read(h, 0)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading object %s: %w", h, err)
	}
	return t, data, nil
}

// readOnce is Read for an object that will not be wanted again, such as
// the trees of a walk of a whole tree: it leaves the cache's working set
// in place.
func (s *Store) readOnce(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	if t, data, ok := s.objs.get(h); ok {
		return t, data, nil
	}
	t, data, err := s.readUncached(h, 0)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading object %s: %w", h, err)
	}
	return t, data, nil
}

func (s *Store) read(h plumbing.Hash, depth int) (plumbing.ObjectType, []byte, error) {
	if t, data, ok := s.objs.get(h); ok {
		return t, data, nil
	}
	t, data, err := s.readUncached(h, depth)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if t != plumbing.BlobObject {
		s.objs.put(h, t, data)
	}
	return t, data, nil
}

func (s *Store) readUncached(h plumbing.Hash, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > maxDeltaDepth {
		return plumbing.InvalidObject, nil, fmt.Errorf("%w: delta chain too deep", errCorrupt)
	}
	if p, off, ok, err := s.locate(s.packList(), h); err != nil {
		return plumbing.InvalidObject, nil, err
	} else if ok {
		return s.readPacked(p, off, depth, nil)
	}
	for _, d := range s.dirList() {
		t, data, err := readLoose(d, h)
		if !errors.Is(err, errNotFound) {
			return t, data, err
		}
	}
	// A concurrent repack may have moved the object into a new pack and
	// deleted the loose copy or the old pack since we looked.
	added, scanErr := s.rescan()
	if added {
		if p, off, ok, err := s.locate(s.packList(), h); err != nil {
			return plumbing.InvalidObject, nil, err
		} else if ok {
			return s.readPacked(p, off, depth, nil)
		}
	}
	if scanErr != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("%w (%w)", errNotFound, scanErr)
	}
	return plumbing.InvalidObject, nil, errNotFound
}

func (s *Store) dirList() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dirs
}

// locate finds h in the packs.
func (s *Store) locate(packs []*pack, h plumbing.Hash) (*pack, int64, bool, error) {
	for _, p := range packs {
		if i, ok := p.idx.find(&h); ok {
			off, err := p.idx.offset(i)
			if err != nil {
				return nil, 0, false, fmt.Errorf("reading index of %s: %w", p.path, err)
			}
			return p, off, true, nil
		}
	}
	return nil, 0, false, nil
}

// readPacked reconstructs the object at off in p, resolving its delta chain
// iteratively: walk to the nearest cached or whole base, inflating each
// delta on the way, then apply the deltas back up, caching each
// intermediate base. top, if not nil, is the inflated delta at off, which
// the caller has read already.
func (s *Store) readPacked(p *pack, off int64, depth int, top []byte) (plumbing.ObjectType, []byte, error) {
	defer runtime.KeepAlive(p)
	type link struct {
		p     *pack
		off   int64
		delta []byte
	}
	var stack [16]link
	chain := stack[:0]
	var (
		baseType plumbing.ObjectType
		base     []byte
	)
	z := s.zpool.Get().(*inflater)
	defer s.putInflater(z)
	z.scratch = z.scratch[:0]
	cp, coff := p, off
	for {
		if t, data, ok := s.bases.get(baseKey{cp, coff}); ok {
			baseType, base = t, data
			break
		}
		z.pr.reset(cp, coff)
		e, err := z.pr.entry()
		if err != nil {
			return plumbing.InvalidObject, nil, err
		}
		if e.typ != plumbing.OFSDeltaObject && e.typ != plumbing.REFDeltaObject {
			data, err := z.inflate(e.size)
			if err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("inflating object at %d in %s: %w", coff, filepath.Base(cp.path), err)
			}
			baseType, base = e.typ, data
			if len(chain) > 0 {
				s.bases.put(baseKey{cp, coff}, baseType, base)
			}
			break
		}
		if len(chain) >= maxDeltaDepth {
			return plumbing.InvalidObject, nil, fmt.Errorf("%w: delta chain too deep in %s", errCorrupt, filepath.Base(cp.path))
		}
		delta := top
		if len(chain) > 0 || delta == nil {
			if delta, err = z.inflateScratch(e.size); err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("inflating delta at %d in %s: %w", coff, filepath.Base(cp.path), err)
			}
		}
		chain = append(chain, link{cp, coff, delta})
		if e.typ == plumbing.OFSDeltaObject {
			coff = e.baseOff
			continue
		}
		// REF_DELTA: the base is normally in the same pack; a thin pack
		// completed elsewhere may need the whole store.
		if i, ok := cp.idx.find(&e.base); ok {
			if coff, err = cp.idx.offset(i); err != nil {
				return plumbing.InvalidObject, nil, err
			}
			continue
		}
		t, data, err := s.read(e.base, depth+len(chain))
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("reading delta base %s: %w", e.base, err)
		}
		baseType, base = t, data
		break
	}
	for i := len(chain) - 1; i >= 0; i-- {
		l := chain[i]
		out, err := applyDelta(base, l.delta)
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("applying delta at %d in %s: %w", l.off, filepath.Base(l.p.path), err)
		}
		base = out
		if i > 0 {
			s.bases.put(baseKey{l.p, l.off}, baseType, base)
		}
	}
	return baseType, base, nil
}

// applyDelta applies a git delta to base, as git's patch_delta does: the
// delta names the base's size and the result's, then copies from the base
// and inserts literal bytes. The result is allocated once, at its size.
func applyDelta(base, delta []byte) ([]byte, error) {
	srcSize, d, err := leb128(delta)
	if err != nil || srcSize != uint64(len(base)) {
		return nil, packfile.ErrInvalidDelta
	}
	size, d, err := leb128(d)
	// Each instruction yields at most 16 MiB: a larger result is a lie.
	if err != nil || size > uint64(len(d))<<24 {
		return nil, packfile.ErrInvalidDelta
	}
	out := make([]byte, 0, size)
	for len(d) > 0 {
		cmd := d[0]
		d = d[1:]
		switch {
		case cmd&0x80 != 0: // copy from the base
			var off, n uint64
			for i := range 4 {
				if cmd&(1<<i) != 0 {
					if len(d) == 0 {
						return nil, packfile.ErrInvalidDelta
					}
					off |= uint64(d[0]) << (8 * i)
					d = d[1:]
				}
			}
			for i := range 3 {
				if cmd&(0x10<<i) != 0 {
					if len(d) == 0 {
						return nil, packfile.ErrInvalidDelta
					}
					n |= uint64(d[0]) << (8 * i)
					d = d[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > size {
				return nil, packfile.ErrInvalidDelta
			}
			out = append(out, base[off:off+n]...)
		case cmd != 0: // insert cmd literal bytes
			n := int(cmd)
			if n > len(d) || uint64(len(out)+n) > size {
				return nil, packfile.ErrInvalidDelta
			}
			out = append(out, d[:n]...)
			d = d[n:]
		default: // reserved
			return nil, packfile.ErrInvalidDelta
		}
	}
	if uint64(len(out)) != size {
		return nil, packfile.ErrInvalidDelta
	}
	return out, nil
}

func leb128(b []byte) (uint64, []byte, error) {
	var v uint64
	for i, shift := 0, uint(0); i < len(b) && shift < 64; i, shift = i+1, shift+7 {
		v |= uint64(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, b[i+1:], nil
		}
	}
	return 0, nil, packfile.ErrInvalidDelta
}

// inflater is a pooled zlib decoder with its source.
type inflater struct {
	pr packReader
	f  flater
	// scratch holds the deltas of the chain readPacked is resolving: they
	// are applied and dropped while it holds the inflater, so their space
	// is reused from one read to the next instead of allocated.
	scratch []byte
}

// maxScratch bounds the delta space a pooled inflater keeps.
const maxScratch = 1 << 20

func (s *Store) putInflater(z *inflater) {
	if cap(z.scratch) > maxScratch {
		z.scratch = nil
	}
	s.zpool.Put(z)
}

// packReadBuf is the buffer of an inflater's packReader: a large read of
// compressed data, for large objects.
const packReadBuf = 64 << 10

func newInflater() *inflater {
	return &inflater{pr: packReader{buf: make([]byte, packReadBuf)}}
}

// inflate decompresses exactly size bytes of the zlib stream at the
// reader's offset and checks that the stream ends there.
func (z *inflater) inflate(size int64) ([]byte, error) {
	out := make([]byte, size)
	z.pr.expect(size + 64) // zlib's framing and stored blocks add a little
	if _, err := z.f.inflatePack(&z.pr, out, false); err != nil {
		return nil, err
	}
	return out, nil
}

// inflateScratch is inflate into the inflater's scratch space: the result
// is valid until the inflater goes back to the pool, and must not be kept.
func (z *inflater) inflateScratch(size int64) ([]byte, error) {
	n := len(z.scratch)
	if int64(cap(z.scratch)-n) < size {
		// The deltas already in the old space keep it alive.
		z.scratch, n = make([]byte, 0, max(size, 64<<10)), 0
	}
	out := z.scratch[n : n+int(size) : n+int(size)]
	z.pr.expect(size + 64)
	if _, err := z.f.inflatePack(&z.pr, out, false); err != nil {
		return nil, err
	}
	z.scratch = z.scratch[:n+int(size)]
	return out, nil
}

// inflatePrefix decompresses up to len(buf) bytes at off in p.
func (s *Store) inflatePrefix(p *pack, off int64, buf []byte) (int, error) {
	z := s.zpool.Get().(*inflater)
	defer s.zpool.Put(z)
	z.pr.reset(p, off)
	z.pr.expect(int64(len(buf)))
	return z.f.inflatePack(&z.pr, buf, true)
}

// ErrTooLarge is wrapped by the errors of [Store.ReadLimit] about an
// object over the limit; see [TooLargeError].
var ErrTooLarge = errors.New("object too large")

// TooLargeError is an object ReadLimit refused to read.
type TooLargeError struct {
	Hash        plumbing.Hash
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("object %s is %d bytes, over the limit of %d", e.Hash, e.Size, e.Limit)
}

// Unwrap returns ErrTooLarge.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// ReadLimit is Read for untrusted objects, such as notes, that may be
// huge: an object larger than limit bytes is a *TooLargeError, found
// without reading its content. It costs what Read costs, where Stat then
// Read would decompress the head of a deltified object twice.
func (s *Store) ReadLimit(h plumbing.Hash, limit int64) (plumbing.ObjectType, []byte, error) {
	t, data, err := s.readLimit(h, limit)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading object %s: %w", h, err)
	}
	return t, data, nil
}

func (s *Store) readLimit(h plumbing.Hash, limit int64) (plumbing.ObjectType, []byte, error) {
	tooLarge := func(size int64) error { return &TooLargeError{Hash: h, Size: size, Limit: limit} }
	if t, data, ok := s.objs.get(h); ok {
		if int64(len(data)) > limit {
			return plumbing.InvalidObject, nil, tooLarge(int64(len(data)))
		}
		return t, data, nil
	}
	p, off, ok, err := s.locate(s.packList(), h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if ok {
		// The header, then the data that follows it, through one reader:
		// one read of the pack for most objects, and one index lookup.
		z := s.zpool.Get().(*inflater)
		z.pr.reset(p, off)
		e, err := z.pr.entry()
		if err != nil {
			s.zpool.Put(z)
			return plumbing.InvalidObject, nil, err
		}
		isDelta := e.typ == plumbing.OFSDeltaObject || e.typ == plumbing.REFDeltaObject
		switch {
		case !isDelta && e.size > limit:
			s.zpool.Put(z)
			return plumbing.InvalidObject, nil, tooLarge(e.size)
		case isDelta && e.size > limit:
			s.zpool.Put(z) // a large delta: its result's size is below
		case !isDelta:
			data, err := z.inflate(e.size)
			s.zpool.Put(z)
			if err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("inflating object at %d in %s: %w", off, filepath.Base(p.path), err)
			}
			if e.typ != plumbing.BlobObject {
				s.objs.put(h, e.typ, data)
			}
			return e.typ, data, nil
		default:
			// A delta no larger than the limit: inflate it once, check the
			// size of its result, and apply it.
			delta, err := z.inflate(e.size)
			s.zpool.Put(z)
			if err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("inflating delta at %d in %s: %w", off, filepath.Base(p.path), err)
			}
			_, rest, err := leb128(delta)
			if err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("%w: bad delta header", errCorrupt)
			}
			size, _, err := leb128(rest)
			if err != nil {
				return plumbing.InvalidObject, nil, fmt.Errorf("%w: bad delta header", errCorrupt)
			}
			if size > uint64(limit) {
				return plumbing.InvalidObject, nil, tooLarge(int64(min(size, 1<<62)))
			}
			t, data, err := s.readPacked(p, off, 0, delta)
			if err == nil && t != plumbing.BlobObject {
				s.objs.put(h, t, data)
			}
			return t, data, err
		}
	}
	// A large delta, or a loose object: their headers say the size.
	_, size, err := s.stat(h, 0)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if size > limit {
		return plumbing.InvalidObject, nil, tooLarge(size)
	}
	return s.read(h, 0)
}

// Stat returns the type and size of object h without reading all of it
// when it is packed or loose: a cheap check before reading untrusted
// objects, such as notes, that may be huge.
func (s *Store) Stat(h plumbing.Hash) (plumbing.ObjectType, int64, error) {
	t, size, err := s.stat(h, 0)
	if err != nil {
		return plumbing.InvalidObject, 0, fmt.Errorf("reading object %s: %w", h, err)
	}
	return t, size, nil
}

func (s *Store) stat(h plumbing.Hash, depth int) (plumbing.ObjectType, int64, error) {
	if t, data, ok := s.objs.get(h); ok {
		return t, int64(len(data)), nil
	}
	if depth > maxDeltaDepth {
		return plumbing.InvalidObject, 0, fmt.Errorf("%w: delta chain too deep", errCorrupt)
	}
	for attempt := 0; attempt < 2; attempt++ {
		if p, off, ok, err := s.locate(s.packList(), h); err != nil {
			return plumbing.InvalidObject, 0, err
		} else if ok {
			return s.statPacked(p, off, depth)
		}
		if attempt == 0 {
			for _, d := range s.dirList() {
				t, size, err := statLoose(d, h)
				if !errors.Is(err, errNotFound) {
					return t, size, err
				}
			}
			if added, _ := s.rescan(); !added {
				break
			}
		}
	}
	return plumbing.InvalidObject, 0, errNotFound
}

func (s *Store) statPacked(p *pack, off int64, depth int) (plumbing.ObjectType, int64, error) {
	defer runtime.KeepAlive(p)
	e, err := p.entryAt(off)
	if err != nil {
		return plumbing.InvalidObject, 0, err
	}
	if e.typ != plumbing.OFSDeltaObject && e.typ != plumbing.REFDeltaObject {
		return e.typ, e.size, nil
	}
	// The delta's header holds the result size; its type is the base's.
	var hdr [20]byte
	n, err := s.inflatePrefix(p, e.dataOff, hdr[:])
	if err != nil {
		return plumbing.InvalidObject, 0, fmt.Errorf("inflating delta at %d in %s: %w", e.dataOff, filepath.Base(p.path), err)
	}
	_, rest, err := leb128(hdr[:n])
	if err != nil {
		return plumbing.InvalidObject, 0, fmt.Errorf("%w: bad delta header", errCorrupt)
	}
	size, _, err := leb128(rest)
	if err != nil || size > 1<<62 {
		return plumbing.InvalidObject, 0, fmt.Errorf("%w: bad delta header", errCorrupt)
	}
	cp, ce := p, e
	for i := 0; ; i++ {
		if i > maxDeltaDepth {
			return plumbing.InvalidObject, 0, fmt.Errorf("%w: delta chain too deep", errCorrupt)
		}
		switch ce.typ {
		case plumbing.OFSDeltaObject:
			if ce, err = cp.entryAt(ce.baseOff); err != nil {
				return plumbing.InvalidObject, 0, err
			}
			continue
		case plumbing.REFDeltaObject:
			if j, ok := cp.idx.find(&ce.base); ok {
				boff, err := cp.idx.offset(j)
				if err != nil {
					return plumbing.InvalidObject, 0, err
				}
				if ce, err = cp.entryAt(boff); err != nil {
					return plumbing.InvalidObject, 0, err
				}
				continue
			}
			t, _, err := s.stat(ce.base, depth+i+1)
			if err != nil {
				return plumbing.InvalidObject, 0, fmt.Errorf("reading delta base %s: %w", ce.base, err)
			}
			return t, int64(size), nil
		default:
			return ce.typ, int64(size), nil
		}
	}
}

// Has reports whether object h exists, without reading it.
func (s *Store) Has(h plumbing.Hash) (bool, error) {
	if _, _, ok := s.objs.get(h); ok {
		return true, nil
	}
	if _, _, ok, err := s.locate(s.packList(), h); err != nil || ok {
		return ok, err
	}
	for _, d := range s.dirList() {
		if _, err := os.Lstat(loosePath(d, h)); err == nil {
			return true, nil
		}
	}
	if added, _ := s.rescan(); added {
		_, _, ok, err := s.locate(s.packList(), h)
		return ok, err
	}
	return false, nil
}

func loosePath(dir string, h plumbing.Hash) string {
	hex := h.String()
	return filepath.Join(dir, hex[:2], hex[2:])
}

// readLoose reads a loose object and checks that its content hashes to h.
func readLoose(dir string, h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	path := loosePath(dir, h)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return plumbing.InvalidObject, nil, errNotFound
	}
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	r, err := objfile.NewReader(bytes.NewReader(raw))
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading loose object %s: %w", path, err)
	}
	defer r.Close()
	t, size, err := r.Header()
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading loose object %s: %w", path, err)
	}
	if size/1032 > int64(len(raw))+1 {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading loose object %s: %w: claims %d bytes", path, errCorrupt, size)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading loose object %s: %w: %w", path, errCorrupt, err)
	}
	if got := r.Hash(); got != h {
		return plumbing.InvalidObject, nil, fmt.Errorf("reading loose object %s: %w: content hashes to %s", path, errCorrupt, got)
	}
	return t, data, nil
}

func statLoose(dir string, h plumbing.Hash) (plumbing.ObjectType, int64, error) {
	path := loosePath(dir, h)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return plumbing.InvalidObject, 0, errNotFound
	}
	if err != nil {
		return plumbing.InvalidObject, 0, err
	}
	defer f.Close()
	r, err := objfile.NewReader(bufio.NewReaderSize(f, 512))
	if err != nil {
		return plumbing.InvalidObject, 0, fmt.Errorf("reading loose object %s: %w", path, err)
	}
	defer r.Close()
	t, size, err := r.Header()
	if err != nil {
		return plumbing.InvalidObject, 0, fmt.Errorf("reading loose object %s: %w", path, err)
	}
	return t, size, nil
}

// Write stores an object as a loose object in the primary directory, unless
// the store already has it, and returns its id. The file is written to a
// temporary name, synced and renamed into place, as git does, so readers
// never see a partial object.
func (s *Store) Write(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(t, data)
	if ok, err := s.Has(h); err != nil {
		return h, fmt.Errorf("writing object %s: %w", h, err)
	} else if ok {
		return h, nil
	}
	if err := s.writeLoose(h, t, data); err != nil {
		return h, fmt.Errorf("writing object %s: %w", h, err)
	}
	return h, nil
}

func (s *Store) writeLoose(h plumbing.Hash, t plumbing.ObjectType, data []byte) (err error) {
	final := loosePath(s.dirList()[0], h)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := objfile.NewWriter(f)
	if err := w.WriteHeader(t, int64(len(data))); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if w.Hash() != h {
		return fmt.Errorf("object hashed to %s while writing", w.Hash())
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o444); err != nil {
		return err
	}
	return os.Rename(f.Name(), final)
}

// HashesWithPrefix returns the ids of all objects whose first bytes are
// prefix, sorted: the candidates for an abbreviated id.
func (s *Store) HashesWithPrefix(prefix []byte) ([]plumbing.Hash, error) {
	return s.hashes(prefix)
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
				h, ok := ParseHash(fan + e.Name())
				if !ok || !bytes.HasPrefix(h[:], prefix) {
					continue // temporary files and strays
				}
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

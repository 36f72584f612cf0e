package git

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// Pack files and their version 1 and 2 indexes, as described in git's
// Documentation/gitformat-pack.txt. The index is mapped into memory and
// read in place: a lookup is a fan-out table step and a binary search over
// the mapped names, with no allocation and no lock. The pack itself is read
// with pread, through a buffer (see packReader), not mapped: the pages of a
// mapped file that a process has touched count in its resident memory, and
// a check that reads objects scattered over a large pack would touch (with
// the kernel's fault-around, 64 KiB at a time) most of it. git maps its packs
// and its resident memory grows with the history it reads; a gate that keeps
// to a memory budget must not.
//
// go-git's idxfile.MemoryIndex is not used for lookups: decoding copies and
// hashes the whole index at open (seconds for a large server repository, on
// every push), and its FindOffset takes a write lock to fill a reverse map
// on every call. The tests check this reader against idxfile's decoder.

const (
	hashLen       = 20
	idxV2Header   = 8
	fanoutLen     = 256 * 4
	idxTrailerLen = 2 * hashLen
	packHeaderLen = 12
	maxDeltaDepth = 10000 // git writes at most 4095
)

var (
	idxV2Magic = []byte{0xff, 't', 'O', 'c'}
	packMagic  = []byte{'P', 'A', 'C', 'K'}
)

// errCorrupt marks malformed pack or index data.
var errCorrupt = errors.New("corrupt pack data")

// packIndex reads a mapped .idx file.
type packIndex struct {
	version int
	n       int
	fanout  []byte // 256 big-endian uint32
	names   []byte // v2: n*20 names; v1: n*24 (offset, name) records
	off32   []byte // v2 only: n*4
	off64   []byte // v2 only: 8 bytes per large offset
	packSum []byte // checksum of the pack this index describes
}

func parseIndex(data []byte) (*packIndex, error) {
	x := &packIndex{}
	body := data
	if len(data) >= idxV2Header && bytes.Equal(data[:4], idxV2Magic) {
		if v := binary.BigEndian.Uint32(data[4:8]); v != 2 {
			return nil, fmt.Errorf("%w: index version %d", errCorrupt, v)
		}
		x.version = 2
		body = data[idxV2Header:]
	} else {
		x.version = 1
	}
	if len(body) < fanoutLen+idxTrailerLen {
		return nil, fmt.Errorf("%w: index too short", errCorrupt)
	}
	x.fanout = body[:fanoutLen]
	prev := uint32(0)
	for i := 0; i < 256; i++ {
		v := binary.BigEndian.Uint32(x.fanout[i*4:])
		if v < prev {
			return nil, fmt.Errorf("%w: index fan-out table is not monotonic", errCorrupt)
		}
		prev = v
	}
	n := int(prev)
	if n < 0 || uint64(n) != uint64(prev) {
		return nil, fmt.Errorf("%w: index object count %d", errCorrupt, prev)
	}
	x.n = n
	rest := body[fanoutLen : len(body)-idxTrailerLen]
	x.packSum = body[len(body)-idxTrailerLen : len(body)-hashLen]
	switch x.version {
	case 1:
		if uint64(len(rest)) != uint64(n)*24 {
			return nil, fmt.Errorf("%w: index size does not match its %d objects", errCorrupt, n)
		}
		x.names = rest
	case 2:
		fixed := uint64(n) * (hashLen + 4 + 4)
		if uint64(len(rest)) < fixed || (uint64(len(rest))-fixed)%8 != 0 || (uint64(len(rest))-fixed)/8 > uint64(n) {
			return nil, fmt.Errorf("%w: index size does not match its %d objects", errCorrupt, n)
		}
		x.names = rest[:n*hashLen]
		x.off32 = rest[n*(hashLen+4) : n*(hashLen+8)]
		x.off64 = rest[n*(hashLen+8):]
	}
	return x, nil
}

func (x *packIndex) name(i int) []byte {
	if x.version == 1 {
		return x.names[i*24+4 : i*24+24]
	}
	return x.names[i*hashLen : i*hashLen+hashLen]
}

// find returns the position of h in the index.
//
// Object ids are uniformly distributed, so an id's position within the
// fan-out bucket of its first byte is about where its next 8 bytes fall
// between the keys (those 8 bytes) of the names around it: the search
// probes there (interpolation search), 3.7 probes on average over an index
// of 364,000 objects where bisection takes 9.6. Each probe of a lookup is
// most often a cache miss, so fewer probes is what pays: find's share of
// verify's profile fell by a quarter. Keys are compared as integers, whole
// names only when keys are equal. A probe that shrinks the interval by
// only one name (the guess stuck at an end) is followed by a bisection,
// and after maxInterpolations probes the search only bisects, so names
// that are not spread evenly cost at most that many probes more than a
// binary search. Every probe is inside [lo, hi) and shrinks it, so the
// search ends and reads only the index's names whatever they hold; on an
// index that is not sorted it may miss an id, and it reports only a
// position whose name is h.
func (x *packIndex) find(h *plumbing.Hash) (int, bool) {
	b := int(h[0])
	lo := 0
	if b > 0 {
		lo = int(binary.BigEndian.Uint32(x.fanout[(b-1)*4:]))
	}
	hi := int(binary.BigEndian.Uint32(x.fanout[b*4:]))
	key := binary.BigEndian.Uint64(h[1:9])
	// The keys of the names just outside [lo, hi), as far as the probes
	// have seen: the bucket's key range at first.
	keyLo, keyHi := uint64(0), uint64(math.MaxUint64)
	interpolate := true
	for probes := 1; lo < hi; probes++ {
		n := hi - lo
		mid := int(uint(lo+hi) >> 1)
		if interpolate && keyLo < key && key < keyHi {
			// (key-keyLo)/(keyHi-keyLo) of the way through [lo, hi):
			// the product fits in 128 bits and the quotient below hi-lo,
			// since key-keyLo < keyHi-keyLo.
			prodHi, prodLo := bits.Mul64(key-keyLo, uint64(hi-lo))
			q, _ := bits.Div64(prodHi, prodLo, keyHi-keyLo)
			mid = lo + int(q)
		}
		name := x.name(mid)
		switch k := binary.BigEndian.Uint64(name[1:9]); {
		case k < key:
			lo, keyLo = mid+1, k
		case k > key:
			hi, keyHi = mid, k
		default:
			switch c := bytes.Compare(name, h[:]); {
			case c < 0:
				lo = mid + 1
			case c > 0:
				hi = mid
			default:
				return mid, true
			}
		}
		interpolate = hi-lo < n-1 && probes < maxInterpolations
	}
	return 0, false
}

// maxInterpolations bounds the probes find places by interpolation: on
// the index above, fewer than 1 lookup in 100 reaches it.
const maxInterpolations = 8

// offset returns the pack offset of the object at position i.
func (x *packIndex) offset(i int) (int64, error) {
	if x.version == 1 {
		return int64(binary.BigEndian.Uint32(x.names[i*24:])), nil
	}
	o := binary.BigEndian.Uint32(x.off32[i*4:])
	if o&0x80000000 == 0 {
		return int64(o), nil
	}
	j := uint64(o&0x7fffffff) * 8
	if j+8 > uint64(len(x.off64)) {
		return 0, fmt.Errorf("%w: large offset %d out of range", errCorrupt, j/8)
	}
	v := binary.BigEndian.Uint64(x.off64[j:])
	if v > 1<<62 {
		return 0, fmt.Errorf("%w: offset %d out of range", errCorrupt, v)
	}
	return int64(v), nil
}

// pack is one pack file, open, with its mapped index.
type pack struct {
	path  string // the .pack file
	idx   *packIndex
	f     *os.File // the .pack
	size  int64    // of the .pack, trailer included
	mtime int64
	maps  *mappings
}

// mappings releases a pack's memory map and file exactly once: at
// Store.Close, or when a pack dropped by a rescan becomes unreachable.
type mappings struct {
	once sync.Once
	rels []func() error
}

func (m *mappings) release() {
	m.once.Do(func() {
		for _, r := range m.rels {
			_ = r()
		}
	})
}

func openPack(idxPath string) (_ *pack, err error) {
	packPath := strings.TrimSuffix(idxPath, ".idx") + ".pack"
	p := &pack{path: packPath, maps: &mappings{}}
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	idxData, rel, err := mapFile(idxPath)
	if err != nil {
		return nil, fmt.Errorf("opening pack index %s: %w", idxPath, err)
	}
	p.maps.rels = append(p.maps.rels, rel)
	if p.idx, err = parseIndex(idxData); err != nil {
		return nil, fmt.Errorf("reading pack index %s: %w", idxPath, err)
	}
	f, err := os.Open(packPath)
	if err != nil {
		return nil, fmt.Errorf("opening pack %s: %w", packPath, err)
	}
	p.maps.rels = append(p.maps.rels, f.Close)
	p.f = f
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("opening pack %s: %w", packPath, err)
	}
	p.mtime, p.size = fi.ModTime().UnixNano(), fi.Size()
	var hdr [packHeaderLen]byte
	var sum [hashLen]byte
	if p.size < packHeaderLen+hashLen {
		return nil, fmt.Errorf("reading pack %s: %w: bad header", packPath, errCorrupt)
	}
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return nil, fmt.Errorf("reading pack %s: %w", packPath, err)
	}
	if _, err := f.ReadAt(sum[:], p.size-hashLen); err != nil {
		return nil, fmt.Errorf("reading pack %s: %w", packPath, err)
	}
	if !bytes.Equal(hdr[:4], packMagic) {
		return nil, fmt.Errorf("reading pack %s: %w: bad header", packPath, errCorrupt)
	}
	if v := binary.BigEndian.Uint32(hdr[4:8]); v != 2 && v != 3 {
		return nil, fmt.Errorf("reading pack %s: %w: version %d", packPath, errCorrupt, v)
	}
	if n := binary.BigEndian.Uint32(hdr[8:12]); uint64(n) != uint64(p.idx.n) {
		return nil, fmt.Errorf("reading pack %s: %w: %d objects but its index lists %d", packPath, errCorrupt, n, p.idx.n)
	}
	if !bytes.Equal(sum[:], p.idx.packSum) {
		return nil, fmt.Errorf("reading pack %s: %w: checksum does not match its index", packPath, errCorrupt)
	}
	return p, nil
}

func (p *pack) close() { p.maps.release() }

// entry is the header of one object in a pack.
type entry struct {
	typ     plumbing.ObjectType // may be OFSDeltaObject or REFDeltaObject
	size    int64               // inflated size of the data (of the delta, for deltas)
	dataOff int64               // where the zlib stream starts
	baseOff int64               // OFS_DELTA: offset of the base
	base    plumbing.Hash       // REF_DELTA: id of the base
}

// entryAt parses the object header at off.
func (p *pack) entryAt(off int64) (entry, error) {
	var pr packReader
	pr.buf = make([]byte, maxEntryHeader)
	pr.reset(p, off)
	return pr.entry()
}

// maxEntryHeader bounds an object's header in a pack: the type and a size
// of up to 64 bits (10 bytes), then a delta's base (at most 20 bytes).
const maxEntryHeader = 32

// entry parses the object header at the reader's offset, leaving the reader
// at the object's data.
func (pr *packReader) entry() (entry, error) {
	var e entry
	p, off := pr.p, pr.offset()
	end := p.size - hashLen
	if off < packHeaderLen || off >= end {
		return e, fmt.Errorf("%w: offset %d outside %s", errCorrupt, off, filepath.Base(p.path))
	}
	bad := func(what string) (entry, error) {
		return e, fmt.Errorf("%w: bad %s at %d in %s", errCorrupt, what, off, filepath.Base(p.path))
	}
	c, err := pr.ReadByte()
	if err != nil {
		return bad("object header")
	}
	e.typ = plumbing.ObjectType((c >> 4) & 7)
	e.size = int64(c & 15)
	shift := uint(4)
	for c&0x80 != 0 {
		if shift > 56 {
			return bad("object header")
		}
		if c, err = pr.ReadByte(); err != nil {
			return bad("object header")
		}
		e.size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch e.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		if c, err = pr.ReadByte(); err != nil {
			return bad("delta header")
		}
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if rel >= 1<<55 {
				return bad("delta header")
			}
			if c, err = pr.ReadByte(); err != nil {
				return bad("delta header")
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		e.baseOff = off - rel
		if rel <= 0 || e.baseOff < packHeaderLen {
			return e, fmt.Errorf("%w: delta base out of range at %d in %s", errCorrupt, off, filepath.Base(p.path))
		}
	case plumbing.REFDeltaObject:
		// A byte at a time: io.ReadFull through the io.Reader interface
		// would move e, and entryAt's reader, to the heap.
		for i := range e.base {
			if e.base[i], err = pr.ReadByte(); err != nil {
				return bad("delta header")
			}
		}
	default:
		return e, fmt.Errorf("%w: unknown object type %d at %d in %s", errCorrupt, e.typ, off, filepath.Base(p.path))
	}
	e.dataOff = pr.offset()
	// zlib cannot expand data by more than about 1032:1; a larger claim is
	// corruption, and must not become a huge allocation.
	if e.size < 0 || e.size/1032 > end-e.dataOff+1 {
		return e, fmt.Errorf("%w: object at %d in %s claims %d bytes", errCorrupt, off, filepath.Base(p.path), e.size)
	}
	return e, nil
}

// packReader reads a pack from an offset on, with pread through a buffer,
// for the object headers and the zlib streams of the store. A store keeps
// one per pooled inflater.
type packReader struct {
	p    *pack
	buf  []byte
	pos  int64 // the pack offset of buf[0]
	r, n int   // buf[r:n] is yet to be read
	// want is what the next fill reads: a small read first, for an
	// object header and the data of most objects (or more when reads go
	// forward, see seqRead), then as much as the object is expected to
	// hold (expect).
	want int
}

// firstRead is what a packReader reads first at a new offset: the header
// and the compressed data of most commits, trees and deltas.
const firstRead = 1 << 10

// seqRead is what a packReader reads when the reads go through a pack
// near where the last one ended, as a walk reads commits in about the
// order git packed them: the objects around come with one read, seqBack
// bytes of it before the offset asked for.
const (
	seqRead = 32 << 10
	seqBack = 4 << 10
)

// reset positions the reader at off in p, reusing what the buffer holds of
// it.
func (pr *packReader) reset(p *pack, off int64) {
	end := pr.pos + int64(pr.n)
	if pr.p == p && off >= pr.pos && off <= end {
		pr.r = int(off - pr.pos)
		return
	}
	if pr.p == p && off > pr.pos-seqRead && off < end+seqRead {
		pos := max(off-seqBack, packHeaderLen)
		pr.p, pr.pos, pr.r, pr.n, pr.want = p, pos, 0, 0, seqRead
		if err := pr.fill(); err == nil && off < pr.pos+int64(pr.n) {
			pr.r = int(off - pr.pos)
			return
		}
	}
	pr.p, pr.pos, pr.r, pr.n, pr.want = p, off, 0, 0, firstRead
}

// expect says the reader will be asked for about n more bytes.
func (pr *packReader) expect(n int64) {
	pr.want = int(min(max(n, int64(pr.want)), int64(len(pr.buf))))
}

func (pr *packReader) offset() int64 { return pr.pos + int64(pr.r) }

// fill reads more of the pack into the emptied buffer, up to the trailer.
func (pr *packReader) fill() error {
	pr.pos += int64(pr.n)
	pr.r, pr.n = 0, 0
	end := pr.p.size - hashLen
	if pr.pos >= end {
		return io.ErrUnexpectedEOF
	}
	want := int64(min(pr.want, len(pr.buf)))
	want = min(want, end-pr.pos)
	n, err := pr.p.f.ReadAt(pr.buf[:want], pr.pos)
	pr.n = n
	if n > 0 {
		pr.want = min(2*pr.want, len(pr.buf)) // a large object: read on in larger steps
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF // the pack is shorter than when it was opened
	}
	return err
}

// ReadByte reads the next byte, for the object headers.
func (pr *packReader) ReadByte() (byte, error) {
	if pr.r == pr.n {
		if err := pr.fill(); err != nil {
			return 0, err
		}
	}
	c := pr.buf[pr.r]
	pr.r++
	return c, nil
}

// scanPacks opens the packs of one objects directory, newest first (git's
// order: recent objects are likelier to be wanted), reusing already open
// packs by path.
func scanPacks(objDir string, have map[string]*pack) ([]*pack, error) {
	packDir := filepath.Join(objDir, "pack")
	ents, err := os.ReadDir(packDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing packs: %w", err)
	}
	var out []*pack
	var errs []error
	for _, de := range ents {
		name := de.Name()
		if !strings.HasPrefix(name, "pack-") || !strings.HasSuffix(name, ".idx") {
			continue
		}
		idxPath := filepath.Join(packDir, name)
		packPath := strings.TrimSuffix(idxPath, ".idx") + ".pack"
		if p, ok := have[packPath]; ok {
			out = append(out, p)
			continue
		}
		p, err := openPack(idxPath)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // an index without its pack: being written or removed
			}
			errs = append(errs, err)
			continue
		}
		// Unmap when the last reader drops the pack after a repack removed it.
		runtime.AddCleanup(p, (*mappings).release, p.maps)
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].mtime > out[j].mtime })
	return out, errors.Join(errs...)
}

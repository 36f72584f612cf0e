package git

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"math/bits"
	"sync"
)

// A whole-buffer zlib (RFC 1950) and DEFLATE (RFC 1951) decoder. git states
// the inflated size of every object before its zlib stream, so the decoder
// writes straight into an output slice of that size, which is its own
// window: a back-reference copies from the output itself. compress/zlib
// instead keeps a 32 KiB sliding window, copies from it into the caller's
// buffer, and reads its input one byte at a time through an interface;
// those were a third of the CPU of a verify that diffs every commit.
//
// The input is read through a 64-bit bit buffer, refilled up to eight bytes
// at a time from a packReader's buffer (or a byte slice). Huffman codes are
// decoded from tables in the manner of zlib's inflate_fast and libdeflate:
// a primary table indexed by the next litBits (distBits) bits of input, whose
// entry is the symbol with its code length and, for lengths and distances,
// its base value and count of extra bits; codes longer than the primary
// table continue in a subtable the entry points to.
//
// The input is hostile: every error wraps errCorrupt; the output never grows
// past the stated size; code lengths are accepted exactly as compress/flate
// accepts them (complete codes, or a single code of length one).

const (
	litBits  = 10 // primary table of the literal/length code
	distBits = 8  // primary table of the distance code
	clenBits = 7  // the code length code: its codes are at most 7 bits

	// Room for a primary table and its subtables. zlib's "enough" program
	// bounds what complete codes need at 1334 entries for 288 symbols with
	// a 10-bit root and 15-bit codes, and at 402 for 32 symbols with an
	// 8-bit root (libdeflate cites both); buildTable still checks.
	litTableLen  = 1 << litBits * 2
	distTableLen = 1 << distBits * 2

	maxCodeLen = 15
	numLitLen  = 288 // symbols of the literal/length alphabet, 286 and 287 unused
	numDist    = 32  // symbols of the distance alphabet, 30 and 31 unused
	endOfBlock = 256
)

// A table entry: n (bits 0–7) is how many bits the entry's code takes at its
// level; extra (bits 8–11) the extra bits of a length or distance, or a
// subtable's index bits; kind (bits 12–15); value (bits 16–31) a literal
// byte, a length's or distance's base, or a subtable's start.
const (
	kindLiteral = iota << 12
	kindLength
	kindEnd
	kindSub
	kindInvalid
	kindMask = 0xf << 12
)

func entryN(e uint32) uint     { return uint(e & 0xff) }
func entryExtra(e uint32) uint { return uint(e>>8) & 0xf }
func entryValue(e uint32) int  { return int(e >> 16) }

// litSyms and distSyms are the entries of each symbol, without their code
// length. They are computed once and only read.
var litSyms, distSyms, clenSyms = symbolEntries()

// fixedCodes returns the tables of the fixed code (RFC 1951 section 3.2.6),
// built on first use rather than at start-up: most processes that link this
// package, a hook among them, never inflate a fixed-code block, and the
// tables cost 11 KB and a quarter of a millisecond to build.
var fixedCodes = sync.OnceValues(fixedTables)

func symbolEntries() (lit [numLitLen]uint32, dist [numDist]uint32, clen [19]uint32) {
	for i := range 256 {
		lit[i] = uint32(i)<<16 | kindLiteral
	}
	lit[endOfBlock] = kindEnd
	base := 3
	for i := 257; i < 285; i++ {
		extra := 0
		if i >= 265 {
			extra = (i - 261) / 4
		}
		lit[i] = uint32(base)<<16 | kindLength | uint32(extra)<<8
		base += 1 << extra
	}
	lit[285] = 258<<16 | kindLength
	lit[286], lit[287] = kindInvalid, kindInvalid
	base = 1
	for i := range 30 {
		extra := 0
		if i >= 4 {
			extra = i/2 - 1
		}
		dist[i] = uint32(base)<<16 | kindLength | uint32(extra)<<8
		base += 1 << extra
	}
	dist[30], dist[31] = kindInvalid, kindInvalid
	for i := range clen {
		clen[i] = uint32(i)<<16 | kindLiteral
	}
	return lit, dist, clen
}

func fixedTables() (*[litTableLen]uint32, *[distTableLen]uint32) {
	var lens [numLitLen]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	lit, dist := new([litTableLen]uint32), new([distTableLen]uint32)
	if !buildTable(lit[:], lens[:], litSyms[:], litBits) {
		panic("git: the fixed literal/length code is invalid")
	}
	var dlens [numDist]uint8
	for i := range dlens {
		dlens[i] = 5
	}
	if !buildTable(dist[:], dlens[:], distSyms[:], distBits) {
		panic("git: the fixed distance code is invalid")
	}
	return lit, dist
}

// buildTable fills table with the decoding table of the canonical Huffman
// code whose symbol i has code length lens[i] (0: no code), with entries
// syms[i]. It reports false for lengths compress/flate rejects: an
// over-subscribed code, or an incomplete one other than a single code of
// length one. An empty code is accepted; decoding with it fails.
//
// The primary table is built as libdeflate builds it: codes in canonical
// order, shortest first, each stored once in a table only as large as the
// codes so far are long, which is doubled by a copy whenever the codes get
// longer (an l-bit code repeats every 1<<l entries). The small codes of
// most objects cost a store per symbol and a few copies.
func buildTable(table []uint32, lens []uint8, syms []uint32, rootBits uint) bool {
	var count [maxCodeLen + 1]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	maxLen := uint(maxCodeLen)
	for maxLen > 0 && count[maxLen] == 0 {
		maxLen--
	}
	root := 1 << rootBits
	if maxLen == 0 {
		for i := range table[:root] {
			table[i] = kindInvalid
		}
		return true
	}
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false
		}
	}
	incomplete := left > 0
	if incomplete && (maxLen != 1 || count[1] != 1) {
		return false
	}

	// The symbols sorted by code length, then value: canonical order.
	var offs [maxCodeLen + 2]int
	for l := 1; l <= maxCodeLen; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sortedBuf [numLitLen]uint16
	sorted := sortedBuf[:offs[maxCodeLen+1]]
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}

	cur := 1 << min(uint(lens[sorted[0]]), rootBits) // the table built so far
	if incomplete {
		table[0], table[1] = kindInvalid, kindInvalid
	}
	grow := func(size int) {
		for ; cur < size; cur *= 2 {
			copy(table[cur:2*cur], table[:cur])
		}
	}
	// huff is the next code, bit-reversed as it appears in the stream (first
	// bit lowest); a longer code extends it with zero bits at the top.
	huff := 0
	next := root // where the next subtable starts
	subLow := -1 // the primary index of the current subtable
	subStart, subBits := 0, uint(0)
	for _, s := range sorted {
		l := uint(lens[s])
		e := syms[s] | uint32(l)
		if l <= rootBits {
			grow(1 << l)
			table[huff] = e
		} else {
			grow(root)
			if low := huff & (root - 1); low != subLow {
				// A new subtable: as many index bits as the codes under
				// this prefix need (zlib's inflate_table).
				subLow = low
				subBits = l - rootBits
				room := 1 << subBits
				for subBits+rootBits < maxLen {
					room -= count[subBits+rootBits]
					if room <= 0 {
						break
					}
					subBits++
					room <<= 1
				}
				subStart = next
				next += 1 << subBits
				if next > len(table) {
					return false
				}
				table[low] = uint32(subStart)<<16 | kindSub | uint32(subBits)<<8 | uint32(rootBits)
			}
			e -= uint32(rootBits) // the bits left after the primary index
			for j := huff >> rootBits; j < 1<<subBits; j += 1 << (l - rootBits) {
				table[subStart+j] = e
			}
		}
		count[l]--
		// The next code of this length, in reversed order.
		incr := 1 << (l - 1)
		for huff&incr != 0 {
			incr >>= 1
		}
		if incr != 0 {
			huff = huff&(incr-1) + incr
		} else {
			huff = 0
		}
	}
	grow(root)
	return true
}

// flater decodes zlib streams. Its tables are reused from one stream to the
// next; a store pools them with the packReaders they read from.
type flater struct {
	lit  [litTableLen]uint32
	dist [distTableLen]uint32
	clen [1 << clenBits]uint32
	lens [numLitLen + numDist]uint8

	// The input: in[pos:] is yet to be read into bits; when it runs dry
	// and pr is not nil, pr fills it again.
	pr    *packReader
	in    []byte
	pos   int
	bits  uint64 // the next nbits bits of input, first bit lowest
	nbits uint
	err   error // what reading the pack failed with
}

// errInflateShort and errInflateLong are built without fmt: a first call of
// fmt.Errorf at init costs every process that links this package, a hook
// among them, about 0.2 ms of start-up (GODEBUG=inittrace=1).
var (
	errInflateShort error = corruptError("zlib stream ends early")
	errInflateLong  error = corruptError("object data longer than its header says")
)

// corruptError is a fixed error that wraps errCorrupt, as corruptf's do.
type corruptError string

func (e corruptError) Error() string { return errCorrupt.Error() + ": " + string(e) }
func (e corruptError) Unwrap() error { return errCorrupt }

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errCorrupt}, args...)...)
}

// inflatePack decodes the zlib stream at pr's offset into out. Unless
// prefix, exactly len(out) bytes must come out and the stream must end
// there with a good checksum; the reader is then left just past the
// stream. With prefix, decoding stops once out is full, and n < len(out)
// means the stream ended (with a good checksum) before.
func (f *flater) inflatePack(pr *packReader, out []byte, prefix bool) (int, error) {
	f.pr, f.in, f.pos = pr, pr.buf[:pr.n], pr.r
	f.bits, f.nbits, f.err = 0, 0, nil
	n, done, err := f.inflate(out, prefix)
	if err == nil && done {
		f.giveBack()
	}
	pr.r = f.pos
	f.pr, f.in = nil, nil
	return n, err
}

// inflateBytes decodes the zlib stream at the start of in into out, as
// inflatePack does, and returns how many bytes of in the stream took.
func (f *flater) inflateBytes(in, out []byte, prefix bool) (n, used int, err error) {
	f.pr, f.in, f.pos = nil, in, 0
	f.bits, f.nbits, f.err = 0, 0, nil
	n, done, err := f.inflate(out, prefix)
	if err == nil && done {
		f.giveBack()
	}
	used = f.pos
	f.in = nil
	return n, used, err
}

// giveBack returns to the input the whole bytes the bit buffer holds
// beyond the stream's end.
func (f *flater) giveBack() {
	k := int(f.nbits / 8)
	f.bits, f.nbits = 0, 0
	if k <= f.pos {
		f.pos -= k
		return
	}
	// The bytes came from the buffer before the last fill: position the
	// packReader at the stream's end with an empty buffer.
	pr := f.pr
	pr.pos += int64(f.pos - k)
	pr.n, f.pos = 0, 0
	f.in = pr.buf[:0]
}

// inflate decodes a zlib stream into out. done says the stream's end,
// checksum included, was read.
func (f *flater) inflate(out []byte, prefix bool) (n int, done bool, err error) {
	f.refill()
	if f.nbits < 16 {
		return 0, false, f.short()
	}
	cmf, flg := byte(f.bits), byte(f.bits>>8)
	f.consume(16)
	if cmf&0x0f != 8 || cmf>>4 > 7 || (uint(cmf)<<8|uint(flg))%31 != 0 {
		return 0, false, corruptf("bad zlib header")
	}
	if flg&0x20 != 0 {
		return 0, false, corruptf("zlib stream wants a preset dictionary")
	}
	o := 0
	for {
		f.refill()
		if f.nbits < 3 {
			return o, false, f.short()
		}
		final := f.bits&1 != 0
		typ := (f.bits >> 1) & 3
		f.consume(3)
		var full bool
		switch typ {
		case 0:
			o, full, err = f.stored(out, o, prefix)
		case 1:
			lit, dist := fixedCodes()
			o, full, err = f.huffman(out, o, lit, dist, prefix)
		case 2:
			if err = f.readCodes(); err == nil {
				o, full, err = f.huffman(out, o, &f.lit, &f.dist, prefix)
			}
		default:
			err = corruptf("reserved deflate block type")
		}
		if err != nil || full {
			return o, false, err
		}
		if final {
			break
		}
	}
	if o != len(out) && !prefix {
		return o, false, errInflateShort
	}
	// The Adler-32 of the data, big-endian, at the next byte boundary.
	f.consume(f.nbits & 7)
	f.refill()
	if f.nbits < 32 {
		return o, false, f.short()
	}
	sum := uint32(f.bits)
	f.consume(32)
	if bits.ReverseBytes32(sum) != adler32.Checksum(out[:o]) {
		return o, false, corruptf("zlib checksum mismatch")
	}
	return o, true, nil
}

// short is the error of input that ends before the stream does.
func (f *flater) short() error {
	if f.err != nil && !errors.Is(f.err, io.ErrUnexpectedEOF) {
		return f.err
	}
	return errInflateShort
}

func (f *flater) consume(n uint) {
	f.bits >>= n
	f.nbits -= n
}

// refill tops the bit buffer up to at least 56 bits, or to all the input
// there is.
func (f *flater) refill() {
	if f.pos+8 <= len(f.in) {
		f.bits |= binary.LittleEndian.Uint64(f.in[f.pos:]) << f.nbits
		k := (63 - f.nbits) / 8
		f.pos += int(k)
		f.nbits += k * 8
		return
	}
	f.refillSlow()
}

// refillSlow refills a byte at a time, near the end of the buffer, and
// fills the buffer again from the pack when it runs dry.
func (f *flater) refillSlow() {
	// A fast refill leaves, above the bits it counts, the bytes that follow
	// them; clear those before adding bytes one by one.
	f.bits &= 1<<f.nbits - 1
	for f.nbits < 56 { // never past 63, which the shifts assume
		if f.pos == len(f.in) {
			if f.pr == nil || f.err != nil {
				return
			}
			f.pr.r = f.pos
			pos, n := f.pr.pos, f.pr.n
			if f.err = f.pr.fill(); f.err != nil {
				// Nothing was read: the buffer still holds what it did,
				// which the stream's end may yet give back.
				f.pr.pos, f.pr.n = pos, n
				return
			}
			f.in, f.pos = f.pr.buf[:f.pr.n], f.pr.r
			if f.pos+8 <= len(f.in) {
				f.refill()
				return
			}
			continue
		}
		f.bits |= uint64(f.in[f.pos]) << f.nbits
		f.pos++
		f.nbits += 8
	}
}

// stored copies a stored block (RFC 1951 section 3.2.4) to out[o:].
func (f *flater) stored(out []byte, o int, prefix bool) (int, bool, error) {
	f.consume(f.nbits & 7)
	f.refill()
	if f.nbits < 32 {
		return o, false, f.short()
	}
	n, nn := int(f.bits&0xffff), int(f.bits>>16&0xffff)
	f.consume(32)
	if n != ^nn&0xffff {
		return o, false, corruptf("stored block length %d does not match its complement", n)
	}
	full := false
	if n > len(out)-o {
		if !prefix {
			return o, false, errInflateLong
		}
		n, full = len(out)-o, true
	}
	// First what the bit buffer holds, then straight from the input.
	for n > 0 && f.nbits >= 8 {
		out[o] = byte(f.bits)
		o++
		n--
		f.consume(8)
	}
	if n == 0 {
		return o, full, nil
	}
	f.bits = 0 // what is above nbits was read ahead from in[pos:]
	for n > 0 {
		if f.pos == len(f.in) {
			f.refillSlow()
			if f.nbits == 0 {
				return o, false, f.short()
			}
			f.pos -= int(f.nbits / 8) // not from the bit buffer: unread
			f.bits, f.nbits = 0, 0
			if f.pos < 0 {
				return o, false, corruptf("inflate: input lost") // cannot happen: fill starts a fresh buffer
			}
		}
		c := copy(out[o:o+n], f.in[f.pos:])
		o += c
		n -= c
		f.pos += c
	}
	return o, full, nil
}

// readCodes reads the code lengths of a dynamic block (RFC 1951 section
// 3.2.7) and builds its tables, rejecting what compress/flate rejects.
func (f *flater) readCodes() error {
	f.refill()
	if f.nbits < 14 {
		return f.short()
	}
	nlit := int(f.bits&0x1f) + 257
	ndist := int(f.bits>>5&0x1f) + 1
	nclen := int(f.bits>>10&0xf) + 4
	f.consume(14)
	if nlit > 286 || ndist > 30 {
		return corruptf("dynamic block with %d literal/length and %d distance codes", nlit, ndist)
	}
	var clens [19]uint8
	order := [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	for i := range nclen {
		if f.nbits < 3 {
			f.refill()
			if f.nbits < 3 {
				return f.short()
			}
		}
		clens[order[i]] = uint8(f.bits & 7)
		f.consume(3)
	}
	if !buildTable(f.clen[:], clens[:], clenSyms[:], clenBits) {
		return corruptf("bad code length code")
	}
	lens := f.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		if f.nbits < 14 { // a code of 7 bits and 7 extra bits
			f.refill()
		}
		e := f.clen[f.bits&(1<<clenBits-1)]
		if e&kindMask == kindInvalid {
			return corruptf("bad code length code")
		}
		if entryN(e) > f.nbits {
			return f.short()
		}
		f.consume(entryN(e))
		sym := entryValue(e)
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var l uint8
		switch sym {
		case 16:
			if i == 0 {
				return corruptf("code length repeat with nothing to repeat")
			}
			l = lens[i-1]
			if f.nbits < 2 {
				return f.short()
			}
			rep = 3 + int(f.bits&3)
			f.consume(2)
		case 17:
			if f.nbits < 3 {
				return f.short()
			}
			rep = 3 + int(f.bits&7)
			f.consume(3)
		default:
			if f.nbits < 7 {
				return f.short()
			}
			rep = 11 + int(f.bits&0x7f)
			f.consume(7)
		}
		if i+rep > len(lens) {
			return corruptf("code lengths overrun")
		}
		for range rep {
			lens[i] = l
			i++
		}
	}
	if !buildTable(f.lit[:], lens[:nlit], litSyms[:], litBits) {
		return corruptf("bad literal/length code")
	}
	if !buildTable(f.dist[:], lens[nlit:], distSyms[:], distBits) {
		return corruptf("bad distance code")
	}
	return nil
}

// huffman decodes a block's compressed data into out[o:] with the given
// tables, up to the end-of-block code. full says a prefix decode filled
// out. The bit buffer and input position live in locals here, where most
// of the time goes, and go back to f on the way out.
func (f *flater) huffman(out []byte, o int, lit *[litTableLen]uint32, dist *[distTableLen]uint32, prefix bool) (_ int, full bool, err error) {
	bits, nbits, in, pos := f.bits, f.nbits, f.in, f.pos
loop:
	for {
		// Enough bits for a length (15 + 5) and a distance (15 + 13)
		// without refilling in between.
		if nbits < 48 {
			if pos+8 <= len(in) {
				bits |= binary.LittleEndian.Uint64(in[pos:]) << (nbits & 63)
				k := (63 - nbits) / 8
				pos += int(k)
				nbits += k * 8
			} else {
				f.bits, f.nbits, f.pos = bits, nbits, pos
				f.refillSlow()
				bits, nbits, in, pos = f.bits, f.nbits, f.in, f.pos
			}
		}
		e := lit[bits&(1<<litBits-1)]
		if e&kindMask == kindSub {
			if entryN(e) > nbits {
				err = f.short()
				break
			}
			bits >>= entryN(e) & 63
			nbits -= entryN(e)
			e = lit[entryValue(e)+int(bits&(1<<entryExtra(e)-1))]
		}
		n := entryN(e)
		if n > nbits {
			err = f.short()
			if e&kindMask == kindInvalid {
				err = corruptf("bad literal/length code")
			}
			break
		}
		bits >>= n & 63
		nbits -= n
		switch e & kindMask {
		case kindLiteral:
			if uint(o) >= uint(len(out)) {
				full = prefix
				if !prefix {
					err = errInflateLong
				}
				break loop
			}
			out[o] = byte(e >> 16)
			o++
			continue
		case kindEnd:
			break loop
		case kindInvalid:
			err = corruptf("bad literal/length code")
			break loop
		}
		length := entryValue(e)
		if x := entryExtra(e); x > 0 {
			if x > nbits {
				err = f.short()
				break
			}
			length += int(bits & (1<<x - 1))
			bits >>= x & 63
			nbits -= x
		}

		e = dist[bits&(1<<distBits-1)]
		if e&kindMask == kindSub {
			if entryN(e) > nbits {
				err = f.short()
				break
			}
			bits >>= entryN(e) & 63
			nbits -= entryN(e)
			e = dist[entryValue(e)+int(bits&(1<<entryExtra(e)-1))]
		}
		if e&kindMask == kindInvalid {
			err = corruptf("bad distance code")
			break
		}
		n = entryN(e)
		bits >>= n & 63
		x := entryExtra(e)
		if n+x > nbits {
			err = f.short()
			break
		}
		d := entryValue(e) + int(bits&(1<<x-1))
		bits >>= x & 63
		nbits -= n + x
		if d > o {
			err = corruptf("distance %d reaches before the output's start", d)
			break
		}
		if length > len(out)-o {
			if !prefix {
				err = errInflateLong
				break
			}
			length, full = len(out)-o, true
		}
		copyMatch(out, o, d, length)
		o += length
		if full {
			break
		}
	}
	f.bits, f.nbits, f.pos = bits, nbits, pos
	return o, full, err
}

// copyMatch copies length bytes from d bytes back to out[o:]; the source
// may overlap the destination, repeating its bytes.
func copyMatch(out []byte, o, d, length int) {
	// Most matches are short: copy them eight bytes at a time, which may
	// write up to seven bytes past the match, inside out, that later
	// symbols overwrite (a stream that does not is an error).
	if d >= 8 && length <= 64 && o+length+8 <= len(out) {
		src := o - d
		for i := 0; i < length; i += 8 {
			binary.LittleEndian.PutUint64(out[o+i:], binary.LittleEndian.Uint64(out[src+i:]))
		}
		return
	}
	if d >= length {
		copy(out[o:o+length], out[o-d:])
		return
	}
	// Each copy doubles what is there to copy from.
	for n := 0; n < length; {
		n += copy(out[o+n:o+length], out[o-d:o+n])
	}
}

package git

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// bitWriter writes a DEFLATE bit stream, first bit lowest, for streams no
// compressor writes.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

// code writes a Huffman code, whose first bit is its most significant.
func (w *bitWriter) code(c uint64, n uint) {
	var r uint64
	for i := range n {
		r |= (c >> i & 1) << (n - 1 - i)
	}
	w.bits(r, n)
}

func (w *bitWriter) align() {
	if w.nbits > 0 {
		w.bits(0, 8-w.nbits)
	}
}

func (w *bitWriter) bytes() []byte {
	w.align()
	return w.out
}

// fixedSym writes symbol s of the fixed literal/length code.
func (w *bitWriter) fixedSym(s int) {
	switch {
	case s < 144:
		w.code(uint64(0x30+s), 8)
	case s < 256:
		w.code(uint64(0x190+s-144), 9)
	case s < 280:
		w.code(uint64(s-256), 7)
	default:
		w.code(uint64(0xc0+s-280), 8)
	}
}

// match writes a length and distance with the fixed code.
func (w *bitWriter) match(length, dist int) {
	ls, lbase, lextra := lengthSym(length)
	w.fixedSym(ls)
	w.bits(uint64(length-lbase), lextra)
	ds, dbase, dextra := distSym(dist)
	w.code(uint64(ds), 5)
	w.bits(uint64(dist-dbase), dextra)
}

func lengthSym(length int) (sym, base int, extra uint) {
	return symbolFor(litSyms[257:286], 257, length)
}
func distSym(dist int) (sym, base int, extra uint) { return symbolFor(distSyms[:30], 0, dist) }

// symbolFor returns the symbol among syms (numbered from first) whose base
// is the largest not above v.
func symbolFor(syms []uint32, first, v int) (sym, base int, extra uint) {
	for i := len(syms) - 1; i >= 0; i-- {
		if e := syms[i]; entryValue(e) <= v {
			return first + i, entryValue(e), entryExtra(e)
		}
	}
	panic("no symbol for " + strconv.Itoa(v))
}

func adlerBytes(data []byte) []byte {
	s := adler32.Checksum(data)
	return []byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)}
}

func frame(deflate, data []byte) []byte {
	out := append([]byte{0x78, 0x9c}, deflate...)
	return append(out, adlerBytes(data)...)
}

func zlibLevel(t testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// fixedStream is a final fixed-code block of literals lits, then matches.
func fixedStream(lits []byte, matches ...[2]int) *bitWriter {
	w := &bitWriter{}
	w.bits(1, 1)
	w.bits(1, 2)
	for _, c := range lits {
		w.fixedSym(int(c))
	}
	for _, m := range matches {
		w.match(m[0], m[1])
	}
	return w
}

func fixedZlib(data, lits []byte, matches ...[2]int) []byte {
	w := fixedStream(lits, matches...)
	w.fixedSym(endOfBlock)
	return frame(w.bytes(), data)
}

// dynamicHeader writes the header of a final dynamic block whose code
// length code gives symbols 0 and 8 one bit each, then lens with it.
func dynamicHeader(lens []int) *bitWriter {
	w := &bitWriter{}
	w.bits(1, 1)
	w.bits(2, 2)
	w.bits(uint64(len(lens)-1-257), 5) // HLIT, with one distance code
	w.bits(0, 5)                       // HDIST: 1
	w.bits(15, 4)                      // HCLEN: 19
	order := []int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	for _, s := range order {
		if s == 0 || s == 8 {
			w.bits(1, 3)
		} else {
			w.bits(0, 3)
		}
	}
	for _, l := range lens {
		w.bits(uint64(l/8), 1) // 0 is code 0, 8 is code 1
	}
	return w
}

func TestInflate(t *testing.T) {
	text := []byte(strings.Repeat("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A U Thor <a@example.com> 1700000000 +0000\n", 50))
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 70000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	far := append(append([]byte{}, random[:32768]...), random[:258]...)
	ones := bytes.Repeat([]byte{'x'}, 1+258*3)

	okCases := []struct {
		name string
		data []byte
		in   []byte
	}{
		{"empty", nil, zlibLevel(t, nil, 6)},
		{"stored", text, zlibLevel(t, text, 0)},
		{"stored, several blocks", random, zlibLevel(t, random, 0)},
		{"stored, empty", nil, zlibLevel(t, nil, 0)},
		{"fixed", []byte("abc"), fixedZlib([]byte("abc"), []byte("abc"))},
		{"dynamic", text, zlibLevel(t, text, 9)},
		{"huffman only", text, zlibLevel(t, text, zlib.HuffmanOnly)},
		{"multi-block", append(append([]byte{}, random...), text...), zlibLevel(t, append(append([]byte{}, random...), text...), 1)},
		{"distance 32768", far, fixedZlib(far, random[:32768], [2]int{258, 32768})},
		{"length 258 and distance 1", ones, fixedZlib(ones, []byte("x"), [2]int{258, 1}, [2]int{258, 1}, [2]int{258, 1})},
		{"overlapping copy, distance 3", []byte("abcabcabcab"), fixedZlib([]byte("abcabcabcab"), []byte("abc"), [2]int{8, 3})},
	}
	for level := -2; level <= 9; level++ {
		okCases = append(okCases, struct {
			name string
			data []byte
			in   []byte
		}{fmt.Sprintf("level %d", level), text, zlibLevel(t, text, level)})
	}
	for _, tc := range okCases {
		t.Run(tc.name, func(t *testing.T) {
			var f flater
			out := make([]byte, len(tc.data))
			n, used, err := f.inflateBytes(append(tc.in, "trailing"...), out, false)
			if err != nil {
				t.Fatalf("inflate: %v", err)
			}
			if n != len(tc.data) || !bytes.Equal(out, tc.data) {
				t.Fatalf("inflate gave %d bytes, not the %d written", n, len(tc.data))
			}
			if used != len(tc.in) {
				t.Errorf("the stream took %d bytes, not %d", used, len(tc.in))
			}
			// A prefix is the start of the data, whatever its length.
			for _, k := range []int{0, min(1, len(tc.data)), len(tc.data) / 2, len(tc.data)} {
				buf := make([]byte, k)
				n, _, err := f.inflateBytes(tc.in, buf, true)
				if err != nil || n != k || !bytes.Equal(buf, tc.data[:k]) {
					t.Errorf("prefix of %d: %d bytes, %v", k, n, err)
				}
			}
			buf := make([]byte, len(tc.data)+10)
			if n, _, err := f.inflateBytes(tc.in, buf, true); err != nil || n != len(tc.data) {
				t.Errorf("prefix longer than the data: %d bytes, %v", n, err)
			}
		})
	}

	good := zlibLevel(t, text, 6)
	with := func(b []byte, i int, c byte) []byte {
		b = append([]byte{}, b...)
		b[i] = c
		return b
	}
	badAdler := append([]byte{}, good...)
	badAdler[len(badAdler)-1] ^= 1
	storedMismatch := frame([]byte{1, 3, 0, 0xfc, 0xfe, 'a', 'b', 'c'}, []byte("abc"))

	reserved := &bitWriter{}
	reserved.bits(1, 1)
	reserved.bits(3, 2)

	litLens := func(f func(i int) int) []int {
		lens := make([]int, 258) // 257 literal/length codes and one distance code
		for i := range lens {
			lens[i] = f(i)
		}
		return lens
	}
	over := dynamicHeader(litLens(func(i int) int { return 8 })) // 257 codes of 8 bits
	incomplete := dynamicHeader(litLens(func(i int) int {
		if i == 254 || i == 255 || i == 257 {
			return 0
		}
		return 8
	}))
	badClen := &bitWriter{} // every code length code one bit long
	badClen.bits(1, 1)
	badClen.bits(2, 2)
	badClen.bits(0, 14)
	for range 19 {
		badClen.bits(1, 3)
	}
	tooManyLit := &bitWriter{}
	tooManyLit.bits(1, 1)
	tooManyLit.bits(2, 2)
	tooManyLit.bits(30, 5) // 287 literal/length codes
	tooManyLit.bits(0, 9)

	badCases := []struct {
		name string
		in   []byte
		size int
		want string // in the error
	}{
		{"no input", nil, 0, "ends early"},
		{"compression method 7", with(good, 0, 0x77), len(text), "bad zlib header"},
		{"window over 32 KiB", with(good, 0, 0x88), len(text), "bad zlib header"},
		{"bad FCHECK", with(good, 1, 0x9d), len(text), "bad zlib header"},
		{"preset dictionary", []byte{0x78, 0xbb, 0x12, 0x34, 0x56, 0x78, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}, 0, "preset dictionary"},
		{"bad adler32", badAdler, len(text), "checksum mismatch"},
		{"no adler32", good[:len(good)-4], len(text), "ends early"},
		{"truncated", good[:len(good)/2], len(text), "ends early"},
		{"size too small", good, len(text) - 1, "longer than its header says"},
		{"size too large", good, len(text) + 1, "ends early"},
		{"size zero", good, 0, "longer than its header says"},
		{"stored, size too small", zlibLevel(t, text, 0), len(text) - 1, "longer than its header says"},
		{"reserved block type", frame(reserved.bytes(), nil), 0, "reserved deflate block type"},
		{"stored LEN/NLEN mismatch", storedMismatch, 3, "does not match its complement"},
		{"distance before the start", fixedZlib([]byte("abcd"), []byte("a"), [2]int{3, 2}), 4, "reaches before the output's start"},
		{"distance before the start, none written", fixedZlib([]byte("aaa"), nil, [2]int{3, 1}), 3, "reaches before the output's start"},
		{"literal/length symbol 286", frame(func() []byte { w := fixedStream(nil); w.fixedSym(286); return w.bytes() }(), nil), 0, "bad literal/length code"},
		{"distance symbol 30", frame(func() []byte { w := fixedStream([]byte("a")); w.fixedSym(257); w.code(30, 5); return w.bytes() }(), nil), 4, "bad distance code"},
		{"over-subscribed literal/length code", frame(over.bytes(), nil), 0, "bad literal/length code"},
		{"incomplete literal/length code", frame(incomplete.bytes(), nil), 0, "bad literal/length code"},
		{"over-subscribed code length code", frame(badClen.bytes(), nil), 0, "bad code length code"},
		{"287 literal/length codes", frame(tooManyLit.bytes(), nil), 0, "287 literal/length"},
		{"no final block", append([]byte{0x78, 0x9c}, func() []byte {
			w := &bitWriter{}
			w.bits(0, 1)
			w.bits(1, 2)
			w.fixedSym(endOfBlock)
			return w.bytes()
		}()...), 0, "ends early"},
	}
	for _, tc := range badCases {
		t.Run(tc.name, func(t *testing.T) {
			var f flater
			out := make([]byte, tc.size)
			n, _, err := f.inflateBytes(tc.in, out, false)
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("inflate = %d bytes, %v; want an error wrapping errCorrupt", n, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("inflate: %v; want an error about %q", err, tc.want)
			}
			// compress/zlib must not give exactly this many bytes either.
			if zr, zerr := zlib.NewReader(bytes.NewReader(tc.in)); zerr == nil {
				got, zerr := io.ReadAll(io.LimitReader(zr, int64(tc.size)+1))
				if zerr == nil && len(got) == tc.size {
					t.Errorf("compress/zlib accepts what inflate rejects")
				}
			}
		})
	}
}

// The dynamic blocks written by dynamicHeader are accepted when their
// codes are complete: a check that the error cases above fail for the
// reason they name.
func TestInflateDynamicHeader(t *testing.T) {
	lens := make([]int, 258)
	for i := range 256 {
		lens[i] = 8
	}
	lens[256] = 0
	lens[257] = 0
	// 256 codes of 8 bits: complete, but without an end of block code, so
	// give 255 the end's place: literals 0..254 and the end of block.
	lens[255], lens[256] = 0, 8
	w := dynamicHeader(lens)
	// Canonical codes: symbol s < 255 has code s, the end of block 255.
	w.code('h', 8)
	w.code('i', 8)
	w.code(255, 8)
	in := frame(w.bytes(), []byte("hi"))
	var f flater
	out := make([]byte, 2)
	if _, _, err := f.inflateBytes(in, out, false); err != nil || string(out) != "hi" {
		t.Fatalf("inflate = %q, %v", out, err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || string(got) != "hi" {
		t.Fatalf("compress/zlib = %q, %v", got, err)
	}
}

// FuzzInflate checks inflate against compress/zlib: for any input and
// size, either both give the same size bytes with a good checksum, or
// inflate fails with errCorrupt.
func FuzzInflate(f *testing.F) {
	text := []byte(strings.Repeat("100644 main.go\x00\x8a\x1b\x2c\x3d\x4e\x5f\x60\x71\x82\x93\xa4\xb5\xc6\xd7\xe8\xf9\x0a\x1b\x2c\x3d", 40))
	for level := -2; level <= 9; level++ {
		for _, d := range [][]byte{nil, []byte("a"), text[:100], text} {
			in := zlibLevel(f, d, level)
			f.Add(in, uint16(len(d)))
		}
	}
	for _, d := range packSeeds(f, 40) {
		f.Add(d.in, uint16(d.size))
	}
	f.Fuzz(func(t *testing.T, in []byte, size uint16) {
		var fl flater
		out := make([]byte, size)
		n, _, err := fl.inflateBytes(in, out, false)
		want, zerr := zlibAll(in, int(size))
		// compress/zlib takes a preset dictionary whose id is that of the
		// empty one as no dictionary; git never writes one, and inflate
		// rejects every preset dictionary.
		if len(in) >= 2 && in[1]&0x20 != 0 && err != nil {
			return
		}
		if zerr == nil {
			if err != nil || n != int(size) || !bytes.Equal(out, want) {
				t.Fatalf("compress/zlib gives %d bytes; inflate gives %d, %v", len(want), n, err)
			}
		} else if err == nil {
			t.Fatalf("inflate gives %d bytes; compress/zlib fails: %v", n, zerr)
		} else if !errors.Is(err, errCorrupt) {
			t.Fatalf("inflate error does not wrap errCorrupt: %v", err)
		}
		// A prefix is the start of what zlib decodes, however it ends.
		k := int(size) / 2
		buf := make([]byte, k)
		pn, _, perr := fl.inflateBytes(in, buf, true)
		if perr == nil {
			zr, err := zlib.NewReader(bytes.NewReader(in))
			if err != nil {
				t.Fatalf("prefix of %d bytes decoded; compress/zlib rejects the header: %v", pn, err)
			}
			got, _ := io.ReadAll(io.LimitReader(zr, int64(k)))
			if len(got) < pn || !bytes.Equal(got[:pn], buf[:pn]) {
				t.Fatalf("prefix differs from compress/zlib's output")
			}
		} else if !errors.Is(perr, errCorrupt) {
			t.Fatalf("prefix error does not wrap errCorrupt: %v", perr)
		}
	})
}

// zlibAll decodes in with compress/zlib and succeeds only when the stream
// gives exactly size bytes and ends with a good checksum.
func zlibAll(in []byte, size int) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(in))
	if err != nil {
		return nil, err
	}
	got, err := io.ReadAll(io.LimitReader(zr, int64(size)+1))
	if err != nil {
		return nil, err
	}
	if len(got) != size {
		return nil, fmt.Errorf("%d bytes", len(got))
	}
	return got, nil
}

type packSeed struct {
	in   []byte
	size int
}

// packSeeds returns up to n zlib streams of real objects from this
// module's packs, with their sizes: commits, trees, blobs and deltas.
func packSeeds(t testing.TB, n int) []packSeed {
	gitDir := strings.TrimSpace(gitOut(t, ".", "rev-parse", "--git-common-dir"))
	packs, _ := filepath.Glob(filepath.Join(gitDir, "objects", "pack", "*.pack"))
	var seeds []packSeed
	for _, pp := range packs {
		idx, err := openPack(strings.TrimSuffix(pp, ".pack") + ".idx")
		if err != nil {
			continue
		}
		step := max(idx.idx.n/n, 1)
		for i := 0; i < idx.idx.n && len(seeds) < n; i += step {
			off, err := idx.idx.offset(i)
			if err != nil {
				continue
			}
			e, err := idx.entryAt(off)
			if err != nil || e.size >= 1<<16 {
				continue
			}
			raw := make([]byte, min(e.size+e.size/2+64, idx.size-hashLen-e.dataOff))
			if _, err := idx.f.ReadAt(raw, e.dataOff); err != nil {
				continue
			}
			seeds = append(seeds, packSeed{raw, int(e.size)})
		}
		idx.close()
	}
	return seeds
}

func gitOut(t testing.TB, dir string, args ...string) string {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// TestInflateRealObjects reads every object of a packed repository and
// compares it with git cat-file --batch: each object's zlib stream is
// inflated at least once, on its own read or as a delta base. It reads a
// generated repository, or the one AGENTCHECK_INFLATE_REPO names (a .git
// or bare directory).
func TestInflateRealObjects(t *testing.T) {
	dir := os.Getenv("AGENTCHECK_INFLATE_REPO")
	if dir == "" {
		g := newGit(t)
		dir = t.TempDir()
		g.run("", "init", "-q", "--bare", dir)
		g.history(dir, 60)
		g.run(dir, "repack", "-adq", "--depth=50", "--window=50")
	}
	dir = strings.TrimSpace(gitOut(t, dir, "rev-parse", "--absolute-git-dir"))
	s, err := OpenStore(filepath.Join(dir, "objects"), nil, "", StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch", "--unordered")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	r := bufio.NewReaderSize(stdout, 1<<20)
	count, bytesRead := 0, 0
	for {
		h, want, err := readBatchObject(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		typ, data, err := s.Read(h)
		if err != nil {
			t.Fatalf("Read(%s): %v", h, err)
		}
		if typ != want.typ || !bytes.Equal(data, want.data) {
			t.Fatalf("Read(%s) = %v, %d bytes; git says %v, %d bytes", h, typ, len(data), want.typ, len(want.data))
		}
		count++
		bytesRead += len(data)
	}
	if count == 0 {
		t.Fatal("no objects compared")
	}
	t.Logf("compared %d objects (%d bytes) with git cat-file", count, bytesRead)
}

// BenchmarkInflate decodes real objects of this module's packs, of the
// sizes commits, trees and blobs have, with inflate and with compress/zlib.
func BenchmarkInflate(b *testing.B) {
	seeds := packSeeds(b, 400)
	if len(seeds) == 0 {
		b.Skip("no packs")
	}
	classes := []struct {
		name     string
		min, max int
	}{{"small", 0, 1 << 10}, {"1-4KB", 1 << 10, 4 << 10}, {"4-64KB", 4 << 10, 64 << 10}}
	for _, c := range classes {
		var set []packSeed
		total := 0
		for _, s := range seeds {
			if s.size >= c.min && s.size < c.max {
				set = append(set, s)
				total += s.size
			}
		}
		if len(set) == 0 {
			continue
		}
		b.Run(c.name+"/inflate", func(b *testing.B) {
			var f flater
			b.SetBytes(int64(total))
			for b.Loop() {
				for _, s := range set {
					out := make([]byte, s.size)
					if _, _, err := f.inflateBytes(s.in, out, false); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(c.name+"/zlib", func(b *testing.B) {
			zr, _ := zlib.NewReader(bytes.NewReader(set[0].in))
			b.SetBytes(int64(total))
			br := bytes.NewReader(nil)
			for b.Loop() {
				for _, s := range set {
					br.Reset(s.in)
					zr.(zlib.Resetter).Reset(br, nil)
					out := make([]byte, s.size)
					if _, err := io.ReadFull(zr, out); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// TestInflatePackReader decodes zlib streams laid one after another in a
// file through packReaders of several buffer sizes, and checks that each
// stream leaves the reader just past its checksum, where the next begins,
// also when the stream's end was read into the bit buffer before a fill.
func TestInflatePackReader(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var datas [][]byte
	file := make([]byte, packHeaderLen)
	var ends []int64
	for i := range 40 {
		d := make([]byte, rng.IntN(3000))
		for j := range d {
			d[j] = "abcdefgh"[rng.IntN(8)] + byte(j%3)*byte(i%2)
		}
		datas = append(datas, d)
		file = append(file, zlibLevel(t, d, []int{0, 1, 6, 9, zlib.HuffmanOnly}[i%5])...)
		ends = append(ends, int64(len(file)))
	}
	file = append(file, make([]byte, hashLen)...)
	path := filepath.Join(t.TempDir(), "streams")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	p := &pack{path: path, f: fh, size: int64(len(file))}
	for _, bufSize := range []int{9, 16, 100, 1000, packReadBuf} {
		pr := packReader{buf: make([]byte, bufSize)}
		pr.reset(p, packHeaderLen)
		var f flater
		for i, d := range datas {
			out := make([]byte, len(d))
			if _, err := f.inflatePack(&pr, out, false); err != nil {
				t.Fatalf("buffer of %d, stream %d: %v", bufSize, i, err)
			}
			if !bytes.Equal(out, d) {
				t.Fatalf("buffer of %d, stream %d: wrong data", bufSize, i)
			}
			if pr.offset() != ends[i] {
				t.Fatalf("buffer of %d, stream %d: reader at %d, stream ends at %d", bufSize, i, pr.offset(), ends[i])
			}
		}
	}
}

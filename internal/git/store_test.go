package git

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

func TestStoreLoose(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.history(dir, 5)
	g.unpack(dir)
	want := g.allObjects(dir)
	s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
	if len(s.packList()) != 0 {
		t.Fatalf("expected no packs, found %d", len(s.packList()))
	}
	checkStoreHas(t, s, want)

	missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
	if _, _, err := s.Read(missing); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("Read(missing) error = %v, want ErrObjectNotFound", err)
	}
	if ok, err := s.Has(missing); ok || err != nil {
		t.Errorf("Has(missing) = %v, %v", ok, err)
	}
}

// packVariants repacks the repository in the ways git can lay out packs.
var packVariants = []struct {
	name string
	cmds [][]string
}{
	{"gc", [][]string{{"gc", "-q"}}},
	{"repack-ofs-deltas", [][]string{{"repack", "-adfq", "--depth=50", "--window=50"}}},
	{"repack-ref-deltas", [][]string{{"-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq", "--depth=50", "--window=50"}}},
	{"index-v1", [][]string{{"-c", "pack.indexVersion=1", "repack", "-adfq"}}},
	{"large-offsets", [][]string{
		// --index-version=2,64 puts every offset above 64 in the 64-bit table.
		{"repack", "-adfq"},
		{"pack-objects", "-q", "--all", "--index-version=2,64", "--delta-base-offset", ".git/objects/pack/pack"},
	}},
}

func TestStorePacked(t *testing.T) {
	for _, v := range packVariants {
		t.Run(v.name, func(t *testing.T) {
			g := newGit(t)
			dir := t.TempDir()
			g.history(dir, 30)
			for _, c := range v.cmds {
				g.run(dir, c...)
			}
			if v.name == "large-offsets" {
				// Keep only the pack written with large offsets.
				keepNewestPack(t, filepath.Join(dir, ".git", "objects", "pack"))
			}
			want := g.allObjects(dir)
			if n := countLoose(t, filepath.Join(dir, ".git", "objects")); n != 0 {
				t.Fatalf("%d loose objects left after repacking", n)
			}
			vp := g.run(dir, "verify-pack", "-v", packIdx(t, dir))
			if !strings.Contains(vp, "chain length = ") {
				t.Fatalf("pack has no deltas:\n%s", vp)
			}
			s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
			checkStoreHas(t, s, want)
			checkIndexAgainstGoGit(t, s)
			if v.name == "large-offsets" && len(s.packList()[0].idx.off64) == 0 {
				t.Fatal("index has no 64-bit offsets")
			}
			if v.name == "index-v1" && s.packList()[0].idx.version != 1 {
				t.Fatal("index is not version 1")
			}
			ofs, ref := countDeltas(t, s.packList()[0])
			switch {
			case v.name == "repack-ref-deltas" && (ref == 0 || ofs != 0):
				t.Fatalf("%d REF and %d OFS deltas; want only REF", ref, ofs)
			case v.name != "repack-ref-deltas" && (ofs == 0 || ref != 0):
				t.Fatalf("%d REF and %d OFS deltas; want only OFS", ref, ofs)
			}
		})
	}
}

// checkIndexAgainstGoGit checks our index reader against go-git's decoder
// for every entry of every version 2 index.
func checkIndexAgainstGoGit(t *testing.T, s *Store) {
	t.Helper()
	for _, p := range s.packList() {
		if p.idx.version != 2 {
			continue
		}
		f, err := os.Open(strings.TrimSuffix(p.path, ".pack") + ".idx")
		if err != nil {
			t.Fatal(err)
		}
		mi := idxfile.NewMemoryIndex()
		err = idxfile.NewDecoder(f).Decode(mi)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		it, err := mi.Entries()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			e, err := it.Next()
			if err != nil {
				break
			}
			n++
			i, ok := p.idx.find(&e.Hash)
			if !ok {
				t.Fatalf("%s: %s not found", p.path, e.Hash)
			}
			off, err := p.idx.offset(i)
			if err != nil || uint64(off) != e.Offset {
				t.Fatalf("%s: offset of %s = %d, %v; go-git says %d", p.path, e.Hash, off, err, e.Offset)
			}
		}
		if n != p.idx.n {
			t.Fatalf("%s: go-git lists %d entries, we count %d", p.path, n, p.idx.n)
		}
	}
}

func countDeltas(t *testing.T, p *pack) (ofs, ref int) {
	t.Helper()
	for i := 0; i < p.idx.n; i++ {
		off, err := p.idx.offset(i)
		if err != nil {
			t.Fatal(err)
		}
		e, err := p.entryAt(off)
		if err != nil {
			t.Fatal(err)
		}
		switch e.typ {
		case plumbing.OFSDeltaObject:
			ofs++
		case plumbing.REFDeltaObject:
			ref++
		}
	}
	return ofs, ref
}

func packIdx(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if len(m) == 0 {
		t.Fatal("no pack index")
	}
	return m[0]
}

func keepNewestPack(t *testing.T, packDir string) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(packDir, "*.pack"))
	var newest string
	var newestTime int64
	for _, p := range m {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.ModTime().UnixNano() >= newestTime {
			newest, newestTime = p, fi.ModTime().UnixNano()
		}
	}
	for _, p := range m {
		if p != newest {
			base := strings.TrimSuffix(p, ".pack")
			for _, ext := range []string{".pack", ".idx", ".rev", ".bitmap"} {
				os.Remove(base + ext)
			}
		}
	}
}

func countLoose(t *testing.T, objDir string) int {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(objDir, "[0-9a-f][0-9a-f]", "*"))
	return len(m)
}

func TestStoreDeltaBaseCache(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.history(dir, 30)
	g.run(dir, "repack", "-adfq", "--depth=50", "--window=50")
	want := g.allObjects(dir)
	for _, opts := range []StoreOptions{
		{CacheBytes: -1, DeltaBaseCacheBytes: -1}, // no caches at all
		{CacheBytes: 4096, DeltaBaseCacheBytes: 4096},
		{},
	} {
		s, err := OpenStore(filepath.Join(dir, ".git", "objects"), nil, "", opts)
		if err != nil {
			t.Fatal(err)
		}
		// Twice: the second pass is served from the caches.
		checkStoreHas(t, s, want)
		checkStoreHas(t, s, want)
		s.Close()
	}
}

// TestStoreRescan: objects that a concurrent repack moves into a new pack
// (deleting the loose copies and the old packs) are still found.
func TestStoreRescan(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.history(dir, 3)
	g.run(dir, "repack", "-adq")
	s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
	old := g.allObjects(dir)

	c := g.commit(dir, "new", map[string]string{"new.txt": "new\n"})
	g.run(dir, "repack", "-adq") // packs the loose objects, deletes the old pack
	if n := countLoose(t, filepath.Join(dir, ".git", "objects")); n != 0 {
		t.Fatalf("%d loose objects left", n)
	}
	if _, _, err := s.Read(c); err != nil {
		t.Fatalf("Read(new commit) after repack: %v", err)
	}
	checkStoreHas(t, s, old)
	checkStoreHas(t, s, g.allObjects(dir))
}

func TestStoreConcurrent(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.history(dir, 20)
	g.run(dir, "repack", "-adfq", "--depth=50", "--window=50")
	g.commit(dir, "loose", map[string]string{"loose.txt": "loose\n"})
	want := g.allObjects(dir)
	ids := sortedIDs(want)
	s, err := OpenStore(filepath.Join(dir, ".git", "objects"), nil, "", StoreOptions{CacheBytes: 64 << 10, DeltaBaseCacheBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				for i := range ids {
					h := ids[(i*(w+1)+round)%len(ids)]
					typ, data, err := s.Read(h)
					if err != nil {
						errs <- err
						return
					}
					if typ != want[h].typ || !bytes.Equal(data, want[h].data) {
						errs <- errors.New("content mismatch for " + h.String())
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestStoreWrite(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.initRepo(dir)
	base := g.commit(dir, "base", map[string]string{"a": "a\n"})
	s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))

	blob, err := s.Write(plumbing.BlobObject, []byte("hello\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := g.run(dir, "cat-file", "-p", blob.String()); got != "hello" {
		t.Fatalf("git reads %q", got)
	}
	// Writing again is a no-op.
	if h2, err := s.Write(plumbing.BlobObject, []byte("hello\n")); err != nil || h2 != blob {
		t.Fatalf("second Write = %s, %v", h2, err)
	}

	// A commit on top of base, as the notes are written.
	_, data, err := s.Read(base)
	if err != nil {
		t.Fatal(err)
	}
	baseCommit, err := ParseCommit(base, data)
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Write(plumbing.CommitObject, encodeCommit(baseCommit.Tree, []plumbing.Hash{base}, baseCommit.Committer, "written by the store\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := g.run(dir, "log", "--format=%s", "-1", h.String()); got != "written by the store" {
		t.Fatalf("git log says %q", got)
	}
	g.run(dir, "fsck", "--strict", "--no-dangling")
	fi, err := os.Stat(loosePath(s.Dirs()[0], h))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o222 != 0 {
		t.Errorf("loose object is writable: %v", fi.Mode())
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "*", "tmp_obj_*"))
	if len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

func TestStoreHashesWithPrefix(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	commits := g.history(dir, 4)
	g.run(dir, "gc", "-q")
	g.commit(dir, "loose", map[string]string{"loose.txt": "loose\n"})
	s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
	want := sortedIDs(g.allObjects(dir))
	all, err := s.HashesWithPrefix(nil)
	if err != nil || !slices.Equal(all, want) {
		t.Fatalf("HashesWithPrefix(nil) = %d ids, %v; git has %d", len(all), err, len(want))
	}
	hs, err := s.HashesWithPrefix(commits[0][:2])
	if err != nil || len(hs) == 0 || hs[0][0] != commits[0][0] || !slices.Contains(hs, commits[0]) {
		t.Fatalf("HashesWithPrefix = %v, %v", hs, err)
	}
}

func TestStoreCorrupt(t *testing.T) {
	t.Run("loose", func(t *testing.T) {
		g := newGit(t)
		dir := t.TempDir()
		g.initRepo(dir)
		c := g.commit(dir, "c", map[string]string{"a": "a\n"})
		other := g.commit(dir, "d", nil)
		objDir := filepath.Join(dir, ".git", "objects")
		path := loosePath(objDir, c)
		os.Chmod(path, 0o644)
		raw, _ := os.ReadFile(path)
		writeFile(t, path, string(raw[:len(raw)/2]))
		s := mustOpenStore(t, objDir)
		if _, _, err := s.Read(c); err == nil || errors.Is(err, plumbing.ErrObjectNotFound) {
			t.Fatalf("truncated loose object: error = %v", err)
		}
		// A loose file whose content is another object.
		os.Chmod(path, 0o644)
		raw, _ = os.ReadFile(loosePath(objDir, other))
		writeFile(t, path, string(raw))
		if _, _, err := s.Read(c); err == nil || !strings.Contains(err.Error(), "hashes to") {
			t.Fatalf("misnamed loose object: error = %v", err)
		}
	})
	t.Run("pack", func(t *testing.T) {
		g := newGit(t)
		dir := t.TempDir()
		g.history(dir, 3)
		g.run(dir, "repack", "-adq")
		idx := packIdx(t, dir)
		packPath := strings.TrimSuffix(idx, ".idx") + ".pack"
		raw, _ := os.ReadFile(packPath)
		os.Chmod(packPath, 0o644)
		raw[len(raw)-1] ^= 0xff // trailer no longer matches the index
		writeFile(t, packPath, string(raw))
		_, err := OpenStore(filepath.Join(dir, ".git", "objects"), nil, "", StoreOptions{})
		if err == nil || !strings.Contains(err.Error(), "checksum") {
			t.Fatalf("OpenStore with mismatched pack: error = %v", err)
		}
	})
	t.Run("pack-data", func(t *testing.T) {
		g := newGit(t)
		dir := t.TempDir()
		g.history(dir, 3)
		g.run(dir, "repack", "-adq")
		want := g.allObjects(dir)
		idx := packIdx(t, dir)
		packPath := strings.TrimSuffix(idx, ".idx") + ".pack"
		raw, _ := os.ReadFile(packPath)
		os.Chmod(packPath, 0o644)
		for i := 40; i < len(raw)-hashLen; i += 7 {
			raw[i] ^= 0x5a // scramble the object data, keep header and trailer
		}
		writeFile(t, packPath, string(raw))
		s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
		bad := 0
		for h, w := range want {
			typ, data, err := s.Read(h)
			if err != nil {
				bad++
				continue
			}
			if typ != w.typ || !bytes.Equal(data, w.data) {
				t.Fatalf("corrupt pack yielded wrong content for %s without an error", h)
			}
		}
		if bad == 0 {
			t.Fatal("no read failed on a scrambled pack")
		}
	})
}

func TestApplyDeltaEmptyBase(t *testing.T) {
	// src size 0, target size 5, insert 5 bytes.
	out, err := applyDelta(nil, []byte{0x00, 0x05, 0x05, 'h', 'e', 'l', 'l', 'o'})
	if err != nil || string(out) != "hello" {
		t.Fatalf("applyDelta = %q, %v", out, err)
	}
	// A copy from the empty base is invalid.
	if _, err := applyDelta(nil, []byte{0x00, 0x01, 0x91, 0x00, 0x01}); err == nil {
		t.Fatal("copy from empty base accepted")
	}
	// Wrong target size.
	if _, err := applyDelta(nil, []byte{0x00, 0x06, 0x05, 'h', 'e', 'l', 'l', 'o'}); err == nil {
		t.Fatal("short result accepted")
	}
}

// FuzzApplyDelta holds applyDelta to go-git's PatchDelta, which it
// replaced: the same result for every delta both accept, and no delta
// accepted that go-git refuses, over a non-empty base (go-git refuses an
// empty one, which git allows). A delta whose header runs off its end,
// which go-git and git read as sizes of 0, is refused.
func FuzzApplyDelta(f *testing.F) {
	base := []byte("the quick brown fox jumps over the lazy dog\n")
	f.Add(base, []byte{byte(len(base)), 0x0b, 0x90, 0x04, 0x07, 'b', 'r', 'o', 'w', 'n', '!', '\n'})
	f.Add(base, []byte{byte(len(base)), byte(len(base)), 0x80})
	f.Add(base, []byte{byte(len(base)), 0x03, 0x91, 0x10, 0x03})
	f.Add([]byte("x"), []byte{0x01, 0x00})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		if len(base) == 0 {
			return
		}
		if _, rest, err := leb128(delta); err != nil {
			return
		} else if _, _, err := leb128(rest); err != nil {
			return
		}
		got, err := applyDelta(base, delta)
		want, werr := packfile.PatchDelta(base, delta)
		if (err == nil) != (werr == nil) {
			t.Fatalf("applyDelta: %v; go-git: %v", err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("applyDelta = %q, go-git %q", got, want)
		}
	})
}

func TestLRU(t *testing.T) {
	c := newLRU[int](4 * (100 + entryOverhead))
	for i := 0; i < 4; i++ {
		c.put(i, plumbing.BlobObject, make([]byte, 100))
	}
	c.get(0) // 0 is now the most recent
	c.put(4, plumbing.BlobObject, make([]byte, 100))
	if _, _, ok := c.get(1); ok {
		t.Error("least recently used entry survived")
	}
	for _, k := range []int{0, 2, 3, 4} {
		if _, _, ok := c.get(k); !ok {
			t.Errorf("entry %d evicted", k)
		}
	}
	c.put(5, plumbing.BlobObject, make([]byte, 1000)) // over a quarter of the bound
	if _, _, ok := c.get(5); ok {
		t.Error("huge entry cached")
	}
	var nilCache *lru[int]
	nilCache.put(1, plumbing.BlobObject, nil)
	if _, _, ok := nilCache.get(1); ok {
		t.Error("nil cache returned an entry")
	}
}

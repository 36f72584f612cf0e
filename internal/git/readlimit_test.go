package git

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// TestReadLimit reads every object of a history, packed with deltas and
// loose, with limits just above and just below its size: at or under the
// limit it reads what Read reads, over it the error says the size, and the
// object is refused before it is read.
func TestReadLimit(t *testing.T) {
	for _, layout := range []string{"packed", "loose"} {
		t.Run(layout, func(t *testing.T) {
			g := newGit(t)
			dir := t.TempDir()
			g.history(dir, 30)
			if layout == "packed" {
				g.run(dir, "repack", "-adfq", "--depth=10", "--window=20")
				if vp := g.run(dir, "verify-pack", "-v", packIdx(t, dir)); !bytes.Contains([]byte(vp), []byte("chain length = ")) {
					t.Fatal("the pack has no deltas")
				}
			} else {
				g.run(dir, "repack", "-adq")
				g.unpack(dir)
			}
			want := g.allObjects(dir)
			for _, cache := range []int64{0, -1} { // with and without the object cache
				s, err := OpenStore(filepath.Join(dir, ".git", "objects"), nil, "", StoreOptions{CacheBytes: cache})
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range sortedIDs(want) {
					w := want[h]
					size := int64(len(w.data))
					typ, data, err := s.ReadLimit(h, size)
					if err != nil || typ != w.typ || !bytes.Equal(data, w.data) {
						t.Fatalf("ReadLimit(%s, its size %d) = %v, %d bytes, %v; want a %s", h, size, typ, len(data), err, w.typ)
					}
					if size == 0 {
						continue
					}
					_, _, err = s.ReadLimit(h, size-1)
					var tl *TooLargeError
					if !errors.Is(err, ErrTooLarge) || !errors.As(err, &tl) || tl.Size != size || tl.Limit != size-1 {
						t.Fatalf("ReadLimit(%s, %d) of %d bytes: %v", h, size-1, size, err)
					}
				}
				s.Close()
			}
		})
	}
}

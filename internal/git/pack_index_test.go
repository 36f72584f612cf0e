package git

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// buildIndex returns the bytes of a pack index of the given version over
// names, in the order given (a real index sorts them), with offsets
// 12+24*i, and a fan-out table counted from the names' first bytes as they
// are listed.
func buildIndex(version int, names []plumbing.Hash) []byte {
	var b bytes.Buffer
	if version == 2 {
		b.Write(idxV2Magic)
		binary.Write(&b, binary.BigEndian, uint32(2))
	}
	var fan [256]uint32
	for _, h := range names {
		for i := int(h[0]); i < 256; i++ {
			fan[i]++
		}
	}
	binary.Write(&b, binary.BigEndian, fan[:])
	switch version {
	case 1:
		for i, h := range names {
			binary.Write(&b, binary.BigEndian, uint32(12+24*i))
			b.Write(h[:])
		}
	case 2:
		for _, h := range names {
			b.Write(h[:])
		}
		b.Write(make([]byte, 4*len(names))) // CRCs
		for i := range names {
			binary.Write(&b, binary.BigEndian, uint32(12+24*i))
		}
	}
	b.Write(make([]byte, 2*hashLen)) // the pack's and the index's checksums
	return b.Bytes()
}

// indexIDs returns n distinct object ids, sorted, as a pack index lists
// them.
func indexIDs(n int) []plumbing.Hash {
	ids := make([]plumbing.Hash, n)
	for i := range ids {
		ids[i] = plumbing.Hash(sha1.Sum([]byte(fmt.Sprint(i))))
	}
	slices.SortFunc(ids, func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// idOf returns an id whose bytes are b, then zeros.
func idOf(b ...byte) plumbing.Hash {
	var h plumbing.Hash
	copy(h[:], b)
	return h
}

func TestIndexFind(t *testing.T) {
	random := indexIDs(5000)
	// Ids that share their first 9 bytes and differ only at the end: the
	// search cannot tell them apart by their prefix.
	var sharedPrefix []plumbing.Hash
	for i := range 300 {
		h := idOf(0x42, 1, 2, 3, 4, 5, 6, 7, 8)
		h[18], h[19] = byte(i>>8), byte(i)
		sharedPrefix = append(sharedPrefix, h)
	}
	// Ids bunched at the ends of their bucket's key range, where
	// interpolation guesses worst.
	var skewed []plumbing.Hash
	for i := range 200 {
		skewed = append(skewed, idOf(0x10, 0, 0, 0, 0, 0, 0, 0, byte(i)))
	}
	skewed = append(skewed, idOf(0x10, 0x80), idOf(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1))
	edges := []plumbing.Hash{
		idOf(0), idOf(0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
		idOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	}
	tests := []struct {
		name    string
		names   []plumbing.Hash
		missing []plumbing.Hash
	}{
		{"empty", nil, []plumbing.Hash{idOf(0), idOf(0x42), edges[3]}},
		{"one", []plumbing.Hash{idOf(0x42, 7)}, []plumbing.Hash{idOf(0x42, 6), idOf(0x42, 8), idOf(0x41, 7)}},
		{"random", random, []plumbing.Hash{idOf(0), edges[3], plumbing.Hash(sha1.Sum([]byte("absent")))}},
		{"shared-prefix", sharedPrefix, []plumbing.Hash{idOf(0x42, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0)}},
		{"skewed", skewed, []plumbing.Hash{idOf(0x10, 0x7f), idOf(0x10, 0xff), idOf(0x10, 0, 0, 0, 0, 0, 0, 1)}},
		{"edges", edges, []plumbing.Hash{idOf(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), idOf(0xff)}},
	}
	for _, tt := range tests {
		for _, version := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/v%d", tt.name, version), func(t *testing.T) {
				x, err := parseIndex(buildIndex(version, tt.names))
				if err != nil {
					t.Fatal(err)
				}
				for i, h := range tt.names {
					got, ok := x.find(&h)
					if !ok || got != i {
						t.Fatalf("find(%s) = %d, %v; want %d, true", h, got, ok, i)
					}
					if off, err := x.offset(got); err != nil || off != int64(12+24*i) {
						t.Fatalf("offset(%d) = %d, %v; want %d", got, off, err, 12+24*i)
					}
				}
				for _, h := range tt.missing {
					if got, ok := x.find(&h); ok {
						t.Fatalf("find(%s) = %d, true; want not found", h, got)
					}
				}
			})
		}
	}
}

// TestIndexFindHostile runs lookups on indexes whose names are not sorted:
// a search must end, must not read outside the index, and may report an id
// only at a position that holds it.
func TestIndexFindHostile(t *testing.T) {
	ids := indexIDs(3000)
	reversed := slices.Clone(ids)
	slices.Reverse(reversed)
	// Every name in the bucket of 0x42, in an order unrelated to their ids.
	sameBucket := make([]plumbing.Hash, 1000)
	for i := range sameBucket {
		sameBucket[i] = plumbing.Hash(sha1.Sum([]byte(fmt.Sprint(i))))
		sameBucket[i][0] = 0x42
	}
	// One name repeated.
	repeated := make([]plumbing.Hash, 500)
	for i := range repeated {
		repeated[i] = idOf(0x42, 0x80)
	}
	tests := []struct {
		name  string
		names []plumbing.Hash
		fan   func(fan []byte) // rewrites the fan-out table
	}{
		{"reversed", reversed, nil},
		{"same-bucket-unsorted", sameBucket, nil},
		{"repeated", repeated, nil},
		// A fan-out table that puts every name in bucket 0x42 whatever
		// their first bytes.
		{"fanout-one-bucket", ids, func(fan []byte) {
			for i := range 256 {
				v := uint32(0)
				if i >= 0x42 {
					v = uint32(len(ids))
				}
				binary.BigEndian.PutUint32(fan[4*i:], v)
			}
		}},
	}
	probes := append(slices.Clone(ids[:200]), sameBucket[:200]...)
	probes = append(probes, idOf(0x42), idOf(0x42, 0x80), idOf(0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	for _, tt := range tests {
		for _, version := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/v%d", tt.name, version), func(t *testing.T) {
				data := buildIndex(version, tt.names)
				if tt.fan != nil {
					start := 0
					if version == 2 {
						start = idxV2Header
					}
					tt.fan(data[start : start+fanoutLen])
				}
				x, err := parseIndex(data)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range probes {
					if i, ok := x.find(&h); ok && !bytes.Equal(x.name(i), h[:]) {
						t.Fatalf("find(%s) = %d, whose name is %x", h, i, x.name(i))
					}
				}
			})
		}
	}
}

// TestIndexTruncated checks that an index cut short anywhere is refused,
// never read past its end.
func TestIndexTruncated(t *testing.T) {
	for _, version := range []int{1, 2} {
		data := buildIndex(version, indexIDs(300))
		for n := 0; n < len(data); n++ {
			if _, err := parseIndex(data[:n]); err == nil {
				t.Fatalf("v%d index cut to %d of %d bytes was accepted", version, n, len(data))
			}
		}
	}
}

// BenchmarkIndexFind looks up ids in an index of as many objects as
// prometheus/prometheus's largest pack holds.
func BenchmarkIndexFind(b *testing.B) {
	ids := indexIDs(364000)
	x, err := parseIndex(buildIndex(2, ids))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		h := &ids[(i*7919)%len(ids)]
		if _, ok := x.find(h); !ok {
			b.Fatal("not found")
		}
	}
}

// FuzzIndexFind runs lookups on arbitrary index data that parseIndex
// accepts: find must not panic or run on, and may report only a position
// whose name is the id looked up.
func FuzzIndexFind(f *testing.F) {
	ids := indexIDs(50)
	f.Add(buildIndex(2, ids), ids[7][:])
	f.Add(buildIndex(1, ids), ids[49][:])
	f.Add(buildIndex(2, nil), []byte{0x42})
	f.Fuzz(func(t *testing.T, data, id []byte) {
		x, err := parseIndex(data)
		if err != nil {
			return
		}
		var h plumbing.Hash
		copy(h[:], id)
		if i, ok := x.find(&h); ok && !bytes.Equal(x.name(i), h[:]) {
			t.Fatalf("find(%s) = %d, whose name is %x", h, i, x.name(i))
		}
		if x.n > 0 {
			h = plumbing.Hash(x.name(x.n / 2))
			if i, ok := x.find(&h); ok && !bytes.Equal(x.name(i), h[:]) {
				t.Fatalf("find(%s) = %d, whose name is %x", h, i, x.name(i))
			}
		}
	})
}

package git

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// benchRepo is a generated repository shared by the benchmarks of one test
// process: 20,000 files in 200 directories, then 300 commits that each
// change 20 files, packed by git.
var benchRepo struct {
	once sync.Once
	dir  string
	ids  map[plumbing.ObjectType][]plumbing.Hash
	err  error
}

const (
	benchDirs    = 200
	benchFiles   = 100 // per directory
	benchCommits = 300
	benchChanges = 20 // files changed per commit
)

func loadBenchRepo(b *testing.B) (string, map[plumbing.ObjectType][]plumbing.Hash) {
	b.Helper()
	benchRepo.once.Do(func() {
		benchRepo.dir, benchRepo.ids, benchRepo.err = makeBenchRepo(b)
	})
	if benchRepo.err != nil {
		b.Fatal(benchRepo.err)
	}
	return benchRepo.dir, benchRepo.ids
}

func makeBenchRepo(b *testing.B) (string, map[plumbing.ObjectType][]plumbing.Hash, error) {
	dir, err := os.MkdirTemp("", "git-bench-")
	if err != nil {
		return "", nil, err
	}
	g := newGit(b)
	g.run("", "-c", "init.defaultBranch=main", "init", "-q", "--bare", dir)
	rng := rand.New(rand.NewPCG(1, 2))
	content := func(d, f, version int) string {
		var sb strings.Builder
		for l := 0; l < 40; l++ {
			fmt.Fprintf(&sb, "dir %d file %d line %d: some source text that stays the same\n", d, f, l)
		}
		fmt.Fprintf(&sb, "version %d\n", version)
		return sb.String()
	}
	var in strings.Builder
	data := func(s string) { fmt.Fprintf(&in, "data %d\n%s\n", len(s), s) }
	for c := 0; c < benchCommits; c++ {
		fmt.Fprintf(&in, "commit refs/heads/main\nmark :%d\ncommitter C O Mitter <c@example.com> %d +0000\n", c+1, 1700000000+c*60)
		data(fmt.Sprintf("commit %d\n", c))
		if c > 0 {
			fmt.Fprintf(&in, "from :%d\n", c)
		}
		if c == 0 {
			for d := 0; d < benchDirs; d++ {
				for f := 0; f < benchFiles; f++ {
					fmt.Fprintf(&in, "M 100644 inline dir%03d/file%03d.go\n", d, f)
					data(content(d, f, 0))
				}
			}
			continue
		}
		for i := 0; i < benchChanges; i++ {
			d, f := rng.IntN(benchDirs), rng.IntN(benchFiles)
			fmt.Fprintf(&in, "M 100644 inline dir%03d/file%03d.go\n", d, f)
			data(content(d, f, c))
		}
	}
	if _, err := g.exec(dir, nil, in.String(), "fast-import", "--quiet"); err != nil {
		return "", nil, err
	}
	if _, err := g.exec(dir, nil, "", "repack", "-adq", "--depth=50", "--window=10"); err != nil {
		return "", nil, err
	}
	out, err := g.exec(dir, nil, "", "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return "", nil, err
	}
	ids := map[plumbing.ObjectType][]plumbing.Hash{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		id, typ, _ := strings.Cut(line, " ")
		t, err := plumbing.ParseObjectType(typ)
		if err != nil {
			return "", nil, err
		}
		ids[t] = append(ids[t], plumbing.NewHash(id))
	}
	for _, l := range ids {
		rng.Shuffle(len(l), func(i, j int) { l[i], l[j] = l[j], l[i] })
	}
	return dir, ids, nil
}

func BenchmarkStoreRead(b *testing.B) {
	dir, ids := loadBenchRepo(b)
	objDir := filepath.Join(dir, "objects")
	// cold: a first pass over all objects of the type, in random order:
	// the store is reopened (untimed) after each pass, so only what one
	// pass itself puts in the caches helps. warm: a pass has filled the
	// caches before timing.
	for _, tc := range []struct {
		name string
		typ  plumbing.ObjectType
		opts StoreOptions
		warm bool
	}{
		{"commit-cold", plumbing.CommitObject, StoreOptions{}, false},
		{"commit-warm", plumbing.CommitObject, StoreOptions{}, true},
		{"tree-cold", plumbing.TreeObject, StoreOptions{}, false},
		{"tree-cold-nobasecache", plumbing.TreeObject, StoreOptions{DeltaBaseCacheBytes: -1}, false},
		{"tree-warm", plumbing.TreeObject, StoreOptions{}, true},
		{"blob-cold", plumbing.BlobObject, StoreOptions{}, false},
		{"blob-cold-nobasecache", plumbing.BlobObject, StoreOptions{DeltaBaseCacheBytes: -1}, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, err := OpenStore(objDir, nil, "", tc.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer func() { s.Close() }()
			list := ids[tc.typ]
			if tc.warm {
				for _, h := range list {
					if _, _, err := s.Read(h); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			var bytes int64
			for i := 0; i < b.N; i++ {
				if !tc.warm && i > 0 && i%len(list) == 0 {
					b.StopTimer()
					s.Close()
					if s, err = OpenStore(objDir, nil, "", tc.opts); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				_, data, err := s.Read(list[i%len(list)])
				if err != nil {
					b.Fatal(err)
				}
				bytes += int64(len(data))
			}
			b.ReportMetric(float64(bytes)/float64(b.N), "B/obj")
		})
	}
	// Both cores reading trees at once through the shared caches.
	b.Run("tree-parallel", func(b *testing.B) {
		s, err := OpenStore(objDir, nil, "", StoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		list := ids[plumbing.TreeObject]
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(len(list))
			for pb.Next() {
				if _, _, err := s.Read(list[i%len(list)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
	b.Run("missing", func(b *testing.B) {
		s, err := OpenStore(objDir, nil, "", StoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		h := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if ok, _ := s.Has(h); ok {
				b.Fatal("found")
			}
		}
	})
}

// BenchmarkGoGitRead is the baseline: go-git's own filesystem storage with
// its default object cache, on the same objects.
func BenchmarkGoGitRead(b *testing.B) {
	dir, ids := loadBenchRepo(b)
	for _, tc := range []struct {
		name string
		typ  plumbing.ObjectType
	}{{"commit", plumbing.CommitObject}, {"tree", plumbing.TreeObject}, {"blob", plumbing.BlobObject}} {
		// Like our -cold cases, each id is read once per pass over the list;
		// go-git's default cache may still serve repeats.
		b.Run(tc.name, func(b *testing.B) {
			st := filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRUDefault())
			defer st.Close()
			list := ids[tc.typ]
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				o, err := st.EncodedObject(plumbing.AnyObject, list[i%len(list)])
				if err != nil {
					b.Fatal(err)
				}
				r, err := o.Reader()
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, o.Size())
				if _, err := io.ReadFull(r, buf); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	dir, _ := loadBenchRepo(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r, err := Open(dir, noGetenv)
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

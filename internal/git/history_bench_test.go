package git

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

// Benchmarks build their repositories with repogen. Set
// AGENTCHECK_BENCH_CACHE to a directory to keep them between runs.
// openForBench opens the repository in dir as agentcheck does; the caller
// closes it.
func openForBench(b *testing.B, dir string) *Repo {
	b.Helper()
	repo, err := Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	return repo
}

func revParse(b *testing.B, dir, rev string) plumbing.Hash {
	b.Helper()
	return plumbing.NewHash(strings.TrimSpace(runGit(b, dir, nil, "rev-parse", rev)))
}

// verifyRange is what agentcheck verify does before judging: open the
// repository, walk the range, diff every commit. It returns the number of
// changes.
func verifyRange(b *testing.B, r ObjectReader, tip, base plumbing.Hash) int {
	commits, err := Walk(context.Background(), r, []plumbing.Hash{tip}, []plumbing.Hash{base})
	if err != nil {
		b.Fatal(err)
	}
	d := NewDiffer(r)
	n := 0
	for _, c := range commits {
		changes, err := d.CommitChanges(c)
		if err != nil {
			b.Fatal(err)
		}
		n += len(changes)
	}
	return n
}

// BenchmarkCommitChanges walks 1,000 commits of a 50,000-file repository
// (3 files changed each) and diffs each, against git log --raw over the
// same range, timed in the same run: x-git is our time over git's.
//
// The layouts are fast-import's pack, loose objects and a git gc pack, read
// through internal/git's store, opened for every run as the CLI and the
// pre-receive hook do. "mem" reads from a map: the cost of the walk and the
// diff engine alone.
func BenchmarkCommitChanges(b *testing.B) {
	p := repogen.Params{Files: 50_000, FanOut: 16, Commits: 1_000, ChangesPerCommit: 3, Seed: 1}
	gitArgs := []string{"log", "--raw", "--no-renames", "--format=%H", "main~1000..main"}
	for _, layout := range []string{"fastimport", "loose", "packed"} {
		dir := repogen.BenchmarkRepo(b, p, layout)
		tip, base := revParse(b, dir, "main"), revParse(b, dir, "main~1000")
		b.Run(layout, func(b *testing.B) {
			repogen.BenchAgainstGit(b, dir, gitArgs, func() {
				repo := openForBench(b, dir)
				defer repo.Close()
				if n := verifyRange(b, repo.Objects, tip, base); n != 3*1000 {
					b.Fatalf("%d changes, want %d", n, 3*1000)
				}
			})
		})
	}
	dir := repogen.BenchmarkRepo(b, p, "fastimport")
	tip, base := revParse(b, dir, "main"), revParse(b, dir, "main~1000")
	b.Run("mem", func(b *testing.B) {
		mem := loadAll(b, dir)
		repogen.BenchAgainstGit(b, dir, gitArgs, func() {
			if n := verifyRange(b, mem, tip, base); n != 3*1000 {
				b.Fatalf("%d changes, want %d", n, 3*1000)
			}
		})
	})
}

// loadAll reads every commit, tree and tag of the repository in dir into
// memory.
func loadAll(b *testing.B, dir string) memReader {
	b.Helper()
	r := openRepo(b, dir).Objects
	hs, err := r.HashesWithPrefix(nil)
	if err != nil {
		b.Fatal(err)
	}
	m := memReader{}
	for _, h := range hs {
		typ, data, err := r.Read(h)
		if err != nil {
			b.Fatal(err)
		}
		if typ != plumbing.BlobObject {
			m[h] = memObject{typ, data}
		}
	}
	return m
}

// BenchmarkWalk lists 1,000 commits on top of 100,000 commits of history,
// excluding 300 tags spread over that history as a pre-receive hook does,
// against git rev-list over the same range.
func BenchmarkWalk(b *testing.B) {
	p := repogen.Params{Files: 100, FanOut: 10, Commits: 101_000, ChangesPerCommit: 1, Seed: 2}
	dir := repogen.BenchmarkRepo(b, p, "fastimport")
	if runGit(b, dir, nil, "for-each-ref", "--count=1", "refs/tags") == "" {
		var refs strings.Builder
		for i := range 300 {
			fmt.Fprintf(&refs, "create refs/tags/t%d main~%d\n", i, 1000+i*300)
		}
		runGit(b, dir, []byte(refs.String()), "update-ref", "--no-deref", "--stdin")
		runGit(b, dir, nil, "pack-refs", "--all", "--prune")
	}
	var exclude []plumbing.Hash
	for _, line := range strings.Fields(runGit(b, dir, nil, "for-each-ref", "--format=%(objectname)", "refs/tags")) {
		exclude = append(exclude, plumbing.NewHash(line))
	}
	base := revParse(b, dir, "main~1000")
	exclude = append(exclude, base)
	tip := revParse(b, dir, "main")
	gitArgs := []string{"rev-list", "--topo-order", "main", "--not", "--tags", "main~1000"}
	repogen.BenchAgainstGit(b, dir, gitArgs, func() {
		repo := openForBench(b, dir)
		defer repo.Close()
		commits, err := Walk(context.Background(), repo.Objects, []plumbing.Hash{tip}, exclude)
		if err != nil {
			b.Fatal(err)
		}
		if len(commits) != 1000 {
			b.Fatalf("%d commits", len(commits))
		}
	})
}

// BenchmarkDiffNewTree diffs the first commit of a 50,000-file repository
// against the empty tree, from memory: every entry is new, so every one is
// checked for what git fsck rejects (fsck.go). It is the worst case of
// that check, which BenchmarkCommitChanges/mem measures in the common one.
func BenchmarkDiffNewTree(b *testing.B) {
	p := repogen.Params{Files: 50_000, FanOut: 16, Commits: 1_000, ChangesPerCommit: 3, Seed: 1}
	dir := repogen.BenchmarkRepo(b, p, "fastimport")
	mem := loadAll(b, dir)
	root := readCommit(b, mem, revParse(b, dir, "main~1000")).Tree
	b.ResetTimer()
	for b.Loop() {
		d := NewDiffer(mem)
		changes, err := d.DiffTrees(plumbing.ZeroHash, root)
		if err != nil || len(changes) != p.Files || len(d.problems) != 0 {
			b.Fatalf("%d changes, problems %v, %v", len(changes), d.problems, err)
		}
	}
}

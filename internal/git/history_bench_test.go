package git

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

// Benchmarks build their repositories with repogen. Set
// AGENTCHECK_BENCH_CACHE to a directory to keep them between runs.

// generatedRepo returns a repository generated from p in the given layout:
// "fastimport" (fast-import's pack), "loose" or "packed" (git gc).
func generatedRepo(b *testing.B, p repogen.Params, layout string) string {
	b.Helper()
	root := os.Getenv("AGENTCHECK_BENCH_CACHE")
	if root == "" {
		root = b.TempDir()
	}
	dir := filepath.Join(root, "repogen-"+p.Key()+"-"+layout)
	done := filepath.Join(dir, ".git", "repogen-done")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := repogen.Generate(ctx, dir, p); err != nil {
		b.Fatal(err)
	}
	var err error
	switch layout {
	case "loose":
		err = repogen.Explode(ctx, dir)
	case "packed":
		err = repogen.Repack(ctx, dir)
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

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

// timeGit runs git with its output to /dev/null and returns the wall time.
func timeGit(b *testing.B, dir string, args ...string) time.Duration {
	b.Helper()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	cmd.Stdout = devNull
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return time.Since(start)
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
		dir := generatedRepo(b, p, layout)
		tip, base := revParse(b, dir, "main"), revParse(b, dir, "main~1000")
		b.Run(layout, func(b *testing.B) {
			benchAgainstGit(b, dir, gitArgs, func() {
				repo := openForBench(b, dir)
				defer repo.Close()
				if n := verifyRange(b, repo.Objects, tip, base); n != 3*1000 {
					b.Fatalf("%d changes, want %d", n, 3*1000)
				}
			})
		})
	}
	dir := generatedRepo(b, p, "fastimport")
	tip, base := revParse(b, dir, "main"), revParse(b, dir, "main~1000")
	b.Run("mem", func(b *testing.B) {
		mem := loadAll(b, dir)
		benchAgainstGit(b, dir, gitArgs, func() {
			if n := verifyRange(b, mem, tip, base); n != 3*1000 {
				b.Fatalf("%d changes, want %d", n, 3*1000)
			}
		})
	})
}

// benchAgainstGit runs op b.N times, and git with gitArgs as many times
// with the timer stopped, and reports git's time per run (git-ns/op) and
// the ratio of op's to git's (x-git).
func benchAgainstGit(b *testing.B, dir string, gitArgs []string, op func()) {
	var gitTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		op()
		b.StopTimer()
		gitTime += timeGit(b, dir, gitArgs...)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(gitTime.Nanoseconds())/float64(b.N), "git-ns/op")
	b.ReportMetric(float64(b.Elapsed())/float64(gitTime), "x-git")
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
	dir := generatedRepo(b, p, "fastimport")
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
	benchAgainstGit(b, dir, gitArgs, func() {
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

package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/repogen"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

// gitRevList runs git rev-list --topo-order --reverse include --not exclude.
func gitRevList(t testing.TB, dir string, include, exclude []plumbing.Hash) []plumbing.Hash {
	t.Helper()
	args := []string{"rev-list", "--topo-order", "--reverse"}
	for _, h := range include {
		args = append(args, h.String())
	}
	args = append(args, "--not")
	for _, h := range exclude {
		args = append(args, h.String())
	}
	var out []plumbing.Hash
	for _, line := range strings.Fields(runGit(t, dir, nil, args...)) {
		out = append(out, plumbing.NewHash(line))
	}
	return out
}

func hashesOf(commits []*Commit) []plumbing.Hash {
	hs := make([]plumbing.Hash, len(commits))
	for i, c := range commits {
		hs[i] = c.Hash
	}
	return hs
}

func sortedHashes(hs []plumbing.Hash) []string {
	s := make([]string, len(hs))
	for i, h := range hs {
		s[i] = h.String()
	}
	slices.Sort(s)
	return s
}

// checkTopological fails unless every commit of commits comes after its
// parents that are also listed.
func checkTopological(t testing.TB, commits []*Commit) {
	t.Helper()
	pos := make(map[plumbing.Hash]int)
	for i, c := range commits {
		pos[c.Hash] = i
	}
	for i, c := range commits {
		for _, p := range c.Parents {
			if j, ok := pos[p]; ok && j > i {
				t.Errorf("commit %s listed before its parent %s", c.Hash, p)
			}
		}
	}
}

// reachable is the brute-force oracle: the commits reachable from tips.
func reachable(parents map[int][]int, tips []int) map[int]bool {
	seen := make(map[int]bool)
	stack := slices.Clone(tips)
	for len(stack) > 0 {
		m := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[m] {
			continue
		}
		seen[m] = true
		stack = append(stack, parents[m]...)
	}
	return seen
}

// TestWalkMatchesRevList compares Walk with git rev-list on random
// histories and random include and exclude sets, with and without skewed
// committer dates.
func TestWalkMatchesRevList(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range uint64(seeds) {
		for _, skew := range []bool{false, true} {
			t.Run(fmt.Sprintf("seed%d/skew=%v", seed, skew), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(seed, 2))
				h, _ := randomHistory(rng, 60, skew)
				dir := initRepo(t)
				ids := h.write(t, dir)
				r := openRepo(t, dir).Objects
				pick := func(n int) ([]int, []plumbing.Hash) {
					var marks []int
					var hs []plumbing.Hash
					for range n {
						m := 1 + rng.IntN(h.marks)
						marks = append(marks, m)
						hs = append(hs, ids[m])
					}
					return marks, hs
				}
				for q := range 20 {
					incM, inc := pick(1 + rng.IntN(2))
					excM, exc := pick(rng.IntN(4))
					got, err := Walk(context.Background(), r, inc, exc)
					if err != nil {
						t.Fatalf("query %d: %v", q, err)
					}
					checkTopological(t, got)
					want := gitRevList(t, dir, inc, exc)
					if diff := cmp.Diff(sortedHashes(want), sortedHashes(hashesOf(got))); diff != "" {
						t.Errorf("query %d: include %v exclude %v: commits differ from git rev-list (-git +ours):\n%s", q, incM, excM, diff)
					}
					// Skewed dates can make git and Walk list more than
					// the exact answer, never less.
					in, out := reachable(h.parents, incM), reachable(h.parents, excM)
					var exact []string
					for m := range in {
						if !out[m] {
							exact = append(exact, ids[m].String())
						}
					}
					slices.Sort(exact)
					gotSet := sortedHashes(hashesOf(got))
					for _, e := range exact {
						if _, found := slices.BinarySearch(gotSet, e); !found {
							t.Errorf("query %d: commit %s missing", q, e)
						}
					}
					if !skew && len(exact) != len(gotSet) {
						t.Errorf("query %d: %d commits, exact answer has %d", q, len(gotSet), len(exact))
					}
				}
			})
		}
	}
}

// TestWalkLinearOrder checks the order on a linear history with equal
// committer dates: ties are broken by topology first, so the order is
// git's.
func TestWalkLinearOrder(t *testing.T) {
	h := newHistory()
	s := state{}
	m := 0
	for i := range 30 {
		s["f"] = fileEntry{mode: "100644", content: fmt.Sprint(i)}
		if m == 0 {
			m = h.commit(s, "c", 0)
		} else {
			m = h.commit(s, "c", 0, m)
		}
	}
	dir := initRepo(t)
	ids := h.write(t, dir)
	r := openRepo(t, dir).Objects
	got, err := Walk(context.Background(), r, []plumbing.Hash{ids[m]}, []plumbing.Hash{ids[5]})
	if err != nil {
		t.Fatal(err)
	}
	want := gitRevList(t, dir, []plumbing.Hash{ids[m]}, []plumbing.Hash{ids[5]})
	if diff := cmp.Diff(want, hashesOf(got)); diff != "" {
		t.Errorf("(-git +ours):\n%s", diff)
	}
}

// WalkNodes keeps each raw commit it read, so that a check need not read
// it again: the node's Data is the commit's content.
func TestWalkNodesKeepsCommits(t *testing.T) {
	h := newHistory()
	s := state{}
	m := 0
	for i := range 10 {
		s["f"] = fileEntry{mode: "100644", content: fmt.Sprint(i)}
		if m == 0 {
			m = h.commit(s, "c", 0)
		} else {
			m = h.commit(s, "c", 0, m)
		}
	}
	dir := initRepo(t)
	ids := h.write(t, dir)
	r := openRepo(t, dir).Objects
	nodes, err := WalkNodes(context.Background(), r, []plumbing.Hash{ids[m]}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 10 {
		t.Fatalf("%d nodes, want 10", len(nodes))
	}
	for _, n := range nodes {
		_, data, err := r.Read(n.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(n.Data, data) {
			t.Errorf("commit %s: Data %q, want %q", n.Hash, n.Data, data)
		}
	}
}

// TestWalkTieOrder checks the documented order among commits free to come
// next: earlier committer time, then smaller id.
func TestWalkTieOrder(t *testing.T) {
	h := newHistory()
	base := h.commit(state{"f": {mode: "100644", content: "base"}}, "base", 0)
	var tips []int
	for i := range 6 {
		dt := int64(0)
		switch i {
		case 3:
			dt = -10 // one branch commit is older than the base
		case 4:
			dt = 10
		}
		tips = append(tips, h.commit(state{"f": {mode: "100644", content: fmt.Sprint(i)}}, "b", dt, base))
	}
	merge := h.commit(state{"f": {mode: "100644", content: "m"}}, "m", 20, tips...)
	dir := initRepo(t)
	ids := h.write(t, dir)
	r := openRepo(t, dir).Objects
	got, err := Walk(context.Background(), r, []plumbing.Hash{ids[merge]}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 || got[0].Hash != ids[base] || got[7].Hash != ids[merge] {
		t.Fatalf("got %v", hashesOf(got))
	}
	mid := got[1:7]
	if mid[0].Hash != ids[tips[3]] {
		t.Errorf("the older commit is not first")
	}
	for i := 2; i < len(mid); i++ {
		if mid[i-1].Hash.String() > mid[i].Hash.String() {
			t.Errorf("equal dates not ordered by id: %s before %s", mid[i-1].Hash, mid[i].Hash)
		}
	}
}

// countingReader counts the objects read.
type countingReader struct {
	r ObjectReader
	n int
}

func (c *countingReader) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	c.n++
	return c.r.Read(h)
}

// TestWalkStopsEarly checks that a range on top of a long history, with
// hundreds of excluded refs as a pre-receive hook has, reads little more
// than the range.
func TestWalkStopsEarly(t *testing.T) {
	history, rangeLen := 5000, 500
	if testing.Short() {
		history, rangeLen = 1000, 100
	}
	dir := filepath.Join(t.TempDir(), "repo")
	p := repogen.Params{Files: 50, FanOut: 10, Commits: history + rangeLen, ChangesPerCommit: 1, Seed: 3}
	if err := repogen.Generate(context.Background(), dir, p); err != nil {
		t.Fatal(err)
	}
	// Hundreds of refs at older commits, as a server has branches and tags.
	var refs strings.Builder
	for i := range 300 {
		fmt.Fprintf(&refs, "create refs/tags/t%d main~%d\n", i, rangeLen+i*(history/300))
	}
	runGit(t, dir, []byte(refs.String()), "update-ref", "--stdin")
	var exclude []plumbing.Hash
	for _, line := range strings.Fields(runGit(t, dir, nil, "for-each-ref", "--format=%(objectname)", "refs/tags")) {
		exclude = append(exclude, plumbing.NewHash(line))
	}
	base := plumbing.NewHash(strings.TrimSpace(runGit(t, dir, nil, "rev-parse", fmt.Sprintf("main~%d", rangeLen))))
	tip := plumbing.NewHash(strings.TrimSpace(runGit(t, dir, nil, "rev-parse", "main")))
	exclude = append(exclude, base)

	r := openRepo(t, dir).Objects
	cr := &countingReader{r: r}
	got, err := Walk(context.Background(), cr, []plumbing.Hash{tip}, exclude)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != rangeLen {
		t.Fatalf("%d commits, want %d", len(got), rangeLen)
	}
	if got[len(got)-1].Hash != tip || got[0].Parents[0] != base {
		t.Errorf("range ends are wrong")
	}
	// The range, the tips, and a few commits of slop.
	if limit := rangeLen + len(exclude) + 20; cr.n > limit {
		t.Errorf("read %d objects, want at most %d", cr.n, limit)
	}
}

func TestWalkCancel(t *testing.T) {
	h := newHistory()
	m := h.commit(state{"f": {mode: "100644", content: "x"}}, "root", 1)
	dir := initRepo(t)
	ids := h.write(t, dir)
	r := openRepo(t, dir).Objects
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Walk(ctx, r, []plumbing.Hash{ids[m]}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestWalkIncompleteHistory checks that missing commits and shallow
// boundaries inside the range fail the walk, and that a shallow boundary on
// the excluded side does not.
func TestWalkIncompleteHistory(t *testing.T) {
	h := newHistory()
	var marks []int
	for i := range 6 {
		s := state{"f": {mode: "100644", content: fmt.Sprint(i)}}
		if i == 0 {
			marks = append(marks, h.commit(s, "c", 1))
		} else {
			marks = append(marks, h.commit(s, "c", 1, marks[i-1]))
		}
	}
	h.branch("main", marks[5])
	src := initRepo(t)
	ids := h.write(t, src)
	id := func(i int) plumbing.Hash { return ids[marks[i]] }

	t.Run("shallow", func(t *testing.T) {
		dir := t.TempDir()
		runGit(t, dir, nil, "clone", "-q", "--depth=3", "--no-local", "file://"+src, ".")
		repo := openRepo(t, dir)
		r := repo.Objects
		shallow, err := repo.ShallowCommits()
		if err != nil || len(shallow) != 1 || shallow[0] != id(3) {
			t.Fatalf("shallow = %v, %v; want [%s]", shallow, err, id(3))
		}
		ctx := context.Background()
		// Inside the fetched history: fine.
		got, err := Walk(ctx, r, []plumbing.Hash{id(5)}, []plumbing.Hash{id(3)}, WithShallow(shallow))
		if err != nil || len(got) != 2 {
			t.Fatalf("walk inside the history: %v, %v", hashesOf(got), err)
		}
		// Everything from the tip: the shallow commit is in the range, its
		// history is unknown.
		_, err = Walk(ctx, r, []plumbing.Hash{id(5)}, nil, WithShallow(shallow))
		var ih *IncompleteHistoryError
		if !errors.As(err, &ih) || !ih.Shallow || ih.Commit != id(3) {
			t.Fatalf("err = %v, want a shallow IncompleteHistoryError for %s", err, id(3))
		}
		if !errors.Is(err, ErrIncompleteHistory) || !strings.Contains(ih.Hint(), "--unshallow") {
			t.Errorf("error %v / hint %q", err, ih.Hint())
		}
		// Without the shallow list, the missing parent is found all the same.
		_, err = Walk(ctx, r, []plumbing.Hash{id(5)}, nil)
		if !errors.As(err, &ih) || ih.Commit != id(3) || ih.Missing != id(2) {
			t.Fatalf("err = %v, want parent %s of %s missing", err, id(2), id(3))
		}
		// Excluding a commit below the boundary, which is not there.
		_, err = Walk(ctx, r, []plumbing.Hash{id(5)}, []plumbing.Hash{id(1)}, WithShallow(shallow))
		if !errors.As(err, &ih) || ih.Missing != id(1) {
			t.Fatalf("err = %v, want %s missing", err, id(1))
		}
	})

	t.Run("shallow excluded side", func(t *testing.T) {
		// A clone of depth 1 at marks[3], then a fetch of the two commits on
		// top: the shallow commit is the excluded tip.
		dir := t.TempDir()
		runGit(t, dir, nil, "init", "-q", ".")
		runGit(t, dir, nil, "fetch", "-q", "--depth=1", "file://"+src, id(3).String())
		runGit(t, dir, nil, "fetch", "-q", "file://"+src, "main")
		repo := openRepo(t, dir)
		r := repo.Objects
		shallow, _ := repo.ShallowCommits()
		got, err := Walk(context.Background(), r, []plumbing.Hash{id(5)}, []plumbing.Hash{id(3)}, WithShallow(shallow))
		if err != nil || len(got) != 2 {
			t.Fatalf("got %v, %v", hashesOf(got), err)
		}
	})

	t.Run("missing object", func(t *testing.T) {
		dir := t.TempDir()
		runGit(t, dir, nil, "clone", "-q", "--no-local", "file://"+src, ".")
		// Unpack the objects, then delete the loose object of marks[2].
		packs, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack"))
		for _, p := range packs {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(p, ".pack")
			for _, ext := range []string{".pack", ".idx", ".rev"} {
				os.Remove(base + ext)
			}
			runGit(t, dir, data, "unpack-objects", "-q")
		}
		hex := id(2).String()
		if err := os.Remove(filepath.Join(dir, ".git/objects", hex[:2], hex[2:])); err != nil {
			t.Fatal(err)
		}
		r := openRepo(t, dir).Objects
		_, err := Walk(context.Background(), r, []plumbing.Hash{id(5)}, []plumbing.Hash{id(0)})
		var ih *IncompleteHistoryError
		if !errors.As(err, &ih) || ih.Commit != id(3) || ih.Missing != id(2) {
			t.Fatalf("err = %v, want parent %s of %s missing", err, id(2), id(3))
		}
		// Above the hole: fine.
		if got, err := Walk(context.Background(), r, []plumbing.Hash{id(5)}, []plumbing.Hash{id(3)}); err != nil || len(got) != 2 {
			t.Fatalf("got %v, %v", hashesOf(got), err)
		}
	})
}

func TestWalkTags(t *testing.T) {
	h := newHistory()
	a := h.commit(state{"f": {mode: "100644", content: "a"}}, "a", 1)
	b := h.commit(state{"f": {mode: "100644", content: "b"}}, "b", 1, a)
	h.branch("main", b)
	dir := initRepo(t)
	ids := h.write(t, dir)
	runGit(t, dir, nil, "tag", "-a", "-m", "annotated", "va", ids[a].String())
	runGit(t, dir, nil, "tag", "-a", "-m", "tree", "vtree", ids[a].String()+"^{tree}")
	tag := plumbing.NewHash(strings.TrimSpace(runGit(t, dir, nil, "rev-parse", "va")))
	treeTag := plumbing.NewHash(strings.TrimSpace(runGit(t, dir, nil, "rev-parse", "vtree")))
	r := openRepo(t, dir).Objects
	got, err := Walk(context.Background(), r, []plumbing.Hash{ids[b]}, []plumbing.Hash{tag, treeTag})
	if err != nil || len(got) != 1 || got[0].Hash != ids[b] {
		t.Fatalf("got %v, %v", hashesOf(got), err)
	}
	if _, err := Walk(context.Background(), r, []plumbing.Hash{treeTag}, nil); err == nil {
		t.Error("including a tag of a tree: no error")
	}
}

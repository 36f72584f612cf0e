package git

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

// revRepo builds a repository for the revision tests:
//
//	root - b - c - m (main, HEAD)      m: octopus merge of c, f, g
//	        \    /|
//	         f --  g
//
// with an annotated tag v1 at b, a lightweight tag light at c, and a
// remote-tracking branch origin/main at b.
func revRepo(t *testing.T) (dir string, ids map[string]plumbing.Hash) {
	t.Helper()
	h := newHistory()
	file := func(s string) state { return state{"f": {mode: "100644", content: s}} }
	root := h.commit(file("root"), "root", 1)
	b := h.commit(file("b"), "b", 1, root)
	c := h.commit(file("c"), "c", 1, b)
	f := h.commit(file("f"), "f", 1, b)
	g := h.commit(file("g"), "g", 1, b)
	m := h.commit(file("m"), "m", 1, c, f, g)
	h.branch("main", m)
	h.branch("feature", f)
	dir = initRepo(t)
	marks := h.write(t, dir)
	ids = map[string]plumbing.Hash{"root": marks[root], "b": marks[b], "c": marks[c], "f": marks[f], "g": marks[g], "m": marks[m]}
	runGit(t, dir, nil, "tag", "-a", "-m", "v1", "v1", ids["b"].String())
	runGit(t, dir, nil, "tag", "light", ids["c"].String())
	runGit(t, dir, nil, "update-ref", "refs/remotes/origin/main", ids["b"].String())
	runGit(t, dir, nil, "config", "remote.origin.url", "https://example.com/repo.git")
	runGit(t, dir, nil, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")
	runGit(t, dir, nil, "config", "branch.main.remote", "origin")
	runGit(t, dir, nil, "config", "branch.main.merge", "refs/heads/main")
	return dir, ids
}

func TestResolveRange(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	hs := func(names ...string) []plumbing.Hash {
		var out []plumbing.Hash
		for _, n := range names {
			out = append(out, ids[n])
		}
		return out
	}
	short := func(name string, n int) string { return ids[name].String()[:n] }
	tests := []struct {
		args []string
		want Range
	}{
		{[]string{"b..m"}, Range{}}, // filled below: refs by name are not ids
		{[]string{ids["b"].String() + ".." + ids["m"].String()}, Range{Include: hs("m"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"v1..main"}, Range{Include: hs("m"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"origin/main..HEAD"}, Range{Include: hs("m"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"@{u}..@"}, Range{Include: hs("m"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"main@{upstream}.."}, Range{Include: hs("m"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"..feature"}, Range{Include: hs("f"), Exclude: hs("m"), Base: ids["m"]}},
		{[]string{"HEAD~2..HEAD^3"}, Range{Include: hs("g"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"light~1..HEAD^2"}, Range{Include: hs("f"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"HEAD^^{commit}..HEAD^{}"}, Range{Include: hs("m"), Exclude: hs("c"), Base: ids["c"]}},
		{[]string{short("c", 7)}, Range{Include: hs("c"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{strings.ToUpper(short("c", 12)) + "^!"}, Range{Include: hs("c"), Exclude: hs("b"), Base: ids["b"]}},
		{[]string{"HEAD"}, Range{Include: hs("m"), Exclude: hs("c", "f", "g"), Base: ids["c"]}},
		{[]string{"HEAD~3"}, Range{Include: hs("root"), Base: plumbing.ZeroHash}},
		{[]string{"refs/tags/v1"}, Range{Include: hs("b"), Exclude: hs("root"), Base: ids["root"]}},
	}
	tests[0].want = Range{Include: hs("m"), Exclude: hs("b"), Base: ids["b"]}
	runGit(t, dir, nil, "branch", "b", ids["b"].String())
	runGit(t, dir, nil, "branch", "m", ids["m"].String())
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := ResolveRange(repo, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Spec = strings.Join(tt.args, " ")
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveRangeErrors(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	tests := []struct {
		arg, want string
	}{
		{"main...feature", "A...B is not supported"},
		{"nosuchbranch", `unknown revision "nosuchbranch"`},
		{"main..nosuch", `"nosuch"`},
		{"HEAD@{1}", "only @{upstream}"},
		{"HEAD^{tree}", "unsupported revision suffix"},
		{"HEAD^4", "has no parent 4"},
		{"HEAD~4", "has no parent"},
		{"a..b..c", "more than one"},
		{"^main", "negated"},
		{"--all", "options"},
		{"", "empty"},
		{"^!", "negated"},
		{ids["b"].String()[:3], "unknown revision"}, // too short to be an id
		{"feature@{u}", "has no upstream"},
		{"../../config", "more than one"},
		{"/etc/passwd", "unknown revision"},
		{"HEAD:f", "unknown revision"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			_, err := ResolveRange(repo, []string{tt.arg})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
			if got, want := errors.Is(err, ErrNoParent), strings.Contains(tt.want, "has no parent"); got != want {
				t.Errorf("errors.Is(err, ErrNoParent) = %v, want %v", got, want)
			}
		})
	}
	// A tag of a tree is not a commit.
	runGit(t, dir, nil, "tag", "-a", "-m", "tree", "vtree", ids["b"].String()+"^{tree}")
	if _, err := ResolveRange(repo, []string{"vtree"}); err == nil || !strings.Contains(err.Error(), "not a commit") {
		t.Errorf("tag of a tree: err = %v", err)
	}
}

// TestResolveRangeRefBeforeAbbrev checks git's precedence: a ref whose name
// looks like an abbreviated id wins over the id (go-git's ResolveRevision
// does the reverse).
func TestResolveRangeRefBeforeAbbrev(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	name := ids["b"].String()[:6]
	runGit(t, dir, nil, "branch", name, ids["c"].String())
	r, err := ResolveRange(repo, []string{name})
	if err != nil {
		t.Fatal(err)
	}
	if r.Include[0] != ids["c"] {
		t.Errorf("%s resolved to %s, want the branch's %s", name, r.Include[0], ids["c"])
	}
}

func TestResolveRangeAmbiguousAbbrev(t *testing.T) {
	h := newHistory()
	m := 0
	for i := range 1000 {
		s := state{"f": {mode: "100644", content: fmt.Sprint(i)}}
		if m == 0 {
			m = h.commit(s, "c", 1)
		} else {
			m = h.commit(s, "c", 1, m)
		}
	}
	dir := initRepo(t)
	ids := h.write(t, dir)
	byPrefix := make(map[string]int)
	prefix := ""
	for mark := 1; mark <= h.marks && prefix == ""; mark++ {
		p := ids[mark].String()[:4]
		if byPrefix[p]++; byPrefix[p] == 2 {
			prefix = p
		}
	}
	if prefix == "" {
		t.Skip("no two commits share 4 digits")
	}
	repo := openRepo(t, dir)
	if _, err := ResolveRange(repo, []string{prefix}); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("%s: err = %v, want ambiguous", prefix, err)
	}
}

func TestResolveRangeSeveral(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	r := repo.Objects
	// Two single commits, one the parent of the other: the union holds
	// both, where git rev-list c m ^b ^c ^f ^g would drop c.
	rng, err := ResolveRange(repo, []string{"HEAD", "light"})
	if err != nil {
		t.Fatal(err)
	}
	if rng.Base != ids["c"] || len(rng.Parts) != 2 || rng.Spec != "HEAD light" {
		t.Errorf("range %+v", rng)
	}
	commits, err := rng.Walk(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hashesOf(commits), []plumbing.Hash{ids["c"], ids["m"]}; !slices.Equal(got, want) {
		t.Errorf("commits %v, want %v", got, want)
	}
}

func TestResolveRangeDefault(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	r, err := ResolveRange(repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &Range{Include: []plumbing.Hash{ids["m"]}, Exclude: []plumbing.Hash{ids["b"]}, Base: ids["b"], Spec: "origin/main..HEAD"}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("with an upstream (-want +got):\n%s", diff)
	}

	// Configured but never fetched: an error, not a silently smaller range.
	runGit(t, dir, nil, "update-ref", "-d", "refs/remotes/origin/main")
	repo = openRepo(t, dir)
	if _, err := ResolveRange(repo, nil); err == nil || !strings.Contains(err.Error(), "git fetch origin") {
		t.Errorf("upstream not fetched: err = %v", err)
	}

	// No upstream: HEAD alone.
	runGit(t, dir, nil, "config", "--unset", "branch.main.merge")
	repo = openRepo(t, dir)
	r, err = ResolveRange(repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Spec != "HEAD" || r.Include[0] != ids["m"] || len(r.Exclude) != 3 {
		t.Errorf("without an upstream: %+v", r)
	}

	// Detached HEAD: HEAD alone.
	runGit(t, dir, nil, "checkout", "-q", "--detach", ids["c"].String())
	repo = openRepo(t, dir)
	r, err = ResolveRange(repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Spec != "HEAD" || r.Include[0] != ids["c"] || r.Base != ids["b"] {
		t.Errorf("detached: %+v", r)
	}
}

func TestResolveRangeLocalUpstream(t *testing.T) {
	dir, ids := revRepo(t)
	runGit(t, dir, nil, "config", "branch.main.remote", ".")
	runGit(t, dir, nil, "config", "branch.main.merge", "refs/heads/feature")
	repo := openRepo(t, dir)
	r, err := ResolveRange(repo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Spec != "feature..HEAD" || r.Base != ids["f"] {
		t.Errorf("range %+v", r)
	}
}

func FuzzParseRangeArg(f *testing.F) {
	for _, s := range []string{"a..b", "a...b", "..", "...", "a..", "..b", "c^!", "^!", "^a", "-x", "", "a..b..c", "HEAD~3", "@{u}..@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		a, err := parseRangeArg(arg)
		if err != nil {
			return
		}
		if a.isRange {
			if a.from+".."+a.to != arg {
				t.Fatalf("%q split into %q and %q", arg, a.from, a.to)
			}
			if strings.HasPrefix(a.to, ".") || strings.Contains(a.to, "..") {
				t.Fatalf("%q: right side %q", arg, a.to)
			}
			return
		}
		if a.rev == "" || !strings.HasPrefix(arg, a.rev) || strings.Contains(a.rev, "..") {
			t.Fatalf("%q: revision %q", arg, a.rev)
		}
		// Whatever the argument, splitting a revision never panics.
		base, suffix := splitRevision(a.rev)
		if base+suffix != a.rev {
			t.Fatalf("%q split into %q and %q", a.rev, base, suffix)
		}
	})
}

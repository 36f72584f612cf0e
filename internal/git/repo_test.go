package git

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

func TestOpenDiscovery(t *testing.T) {
	g := newGit(t)
	root := t.TempDir()
	main := filepath.Join(root, "main")
	g.history(main, 3)
	os.MkdirAll(filepath.Join(main, "a", "b"), 0o755)
	bare := filepath.Join(root, "bare.git")
	g.run("", "clone", "-q", "--bare", main, bare)
	wt := filepath.Join(root, "linked")
	g.run(main, "worktree", "add", "-q", "-b", "side", wt)
	head := g.run(main, "rev-parse", "HEAD")

	for _, tc := range []struct {
		name                  string
		dir                   string
		env                   []string
		gitDir, common, wtree string
		headRef               string
	}{
		{"top", main, nil, main + "/.git", main + "/.git", main, "refs/heads/main"},
		{"subdir", filepath.Join(main, "a", "b"), nil, main + "/.git", main + "/.git", main, "refs/heads/main"},
		// Inside .git, git itself knows no work tree ("must be run in a work tree").
		{"inside-git-dir", filepath.Join(main, ".git", "refs"), nil, main + "/.git", main + "/.git", "", "refs/heads/main"},
		{"bare", bare, nil, bare, bare, "", "refs/heads/main"},
		{"bare-subdir", filepath.Join(bare, "refs"), nil, bare, bare, "", "refs/heads/main"},
		{"linked-worktree", wt, nil, main + "/.git/worktrees/linked", main + "/.git", wt, "refs/heads/side"},
		{"GIT_DIR-relative", bare, []string{"GIT_DIR=."}, bare, bare, "", "refs/heads/main"},
		{"GIT_DIR-and-work-tree", root, []string{"GIT_DIR=main/.git", "GIT_WORK_TREE=main"}, main + "/.git", main + "/.git", main, "refs/heads/main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(tc.dir, envFunc(tc.env...))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got := []string{r.GitDir, r.CommonDir, r.WorkTree}
			want := []string{filepath.Clean(tc.gitDir), filepath.Clean(tc.common), tc.wtree}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("GitDir, CommonDir, WorkTree (-want +got):\n%s", diff)
			}
			h, err := r.Ref("HEAD")
			if err != nil || h.String() != head {
				t.Fatalf("Ref(HEAD) = %s, %v; want %s", h, err, head)
			}
			_, sym, _, err := readLooseRef(r.refPath("HEAD"))
			if err != nil || sym != tc.headRef {
				t.Fatalf("HEAD points to %q, %v; want %s", sym, err, tc.headRef)
			}
		})
	}

	t.Run("not-a-repository", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Open(dir, envFunc("GIT_CEILING_DIRECTORIES="+filepath.Dir(dir)))
		if !errors.Is(err, ErrNotRepository) {
			t.Fatalf("Open outside a repository: %v", err)
		}
	})
}

func TestOpenUnsupportedFormats(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.run("", "init", "-q", "--object-format=sha256", dir)
	_, err := Open(dir, noGetenv)
	if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("Open(sha256 repository) error = %v", err)
	}
	dir2 := t.TempDir()
	g.initRepo(dir2)
	g.run(dir2, "config", "core.repositoryformatversion", "1")
	g.run(dir2, "config", "extensions.refStorage", "reftable")
	if _, err := Open(dir2, noGetenv); !errors.Is(err, ErrUnsupportedFormat) {
		t.Fatalf("Open(reftable repository) error = %v", err)
	}
}

// TestOpenConfigBool: core.bare reads as git reads a boolean (2 is true),
// and a value git refuses is an error, as git refuses to run.
func TestOpenConfigBool(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.initRepo(dir)
	g.run(dir, "config", "core.bare", "2")
	r, err := Open(dir, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	if r.WorkTree != "" {
		t.Errorf("core.bare = 2: work tree %q, want none (bare)", r.WorkTree)
	}
	g.run(dir, "config", "core.bare", "maybe")
	if _, err := Open(dir, noGetenv); err == nil || !strings.Contains(err.Error(), `bad boolean config value "maybe" for core.bare`) {
		t.Errorf("core.bare = maybe: Open error = %v", err)
	}
}

func TestRefs(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	commits := g.history(dir, 4)
	g.run(dir, "tag", "v1", commits[1].String())
	g.run(dir, "tag", "-a", "-m", "annotated", "v2", commits[2].String())
	g.run(dir, "branch", "old", commits[0].String())
	g.run(dir, "pack-refs", "--all")                       // everything packed …
	g.run(dir, "branch", "-f", "old", commits[3].String()) // … and one loose ref shadowing its packed value
	g.run(dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/heads/main")
	g.run(dir, "update-ref", "refs/notes/agentcheck", commits[2].String())

	r, err := Open(dir, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	for name, want := range map[string]string{
		"HEAD":                     commits[3].String(),
		"refs/heads/main":          commits[3].String(),
		"refs/heads/old":           commits[3].String(),
		"refs/tags/v1":             commits[1].String(),
		"refs/tags/v2":             g.run(dir, "rev-parse", "refs/tags/v2"), // the tag object
		"refs/remotes/origin/HEAD": commits[3].String(),
		"refs/notes/agentcheck":    commits[2].String(),
	} {
		if h, err := r.Ref(name); err != nil || h.String() != want {
			t.Errorf("Ref(%s) = %s, %v; want %s", name, h, err, want)
		}
	}

	_, err = r.Ref("refs/heads/nope")
	var nf *RefNotFoundError
	if !errors.As(err, &nf) || nf.Name != "refs/heads/nope" || !errors.Is(err, plumbing.ErrReferenceNotFound) {
		t.Errorf("Ref(missing) error = %v", err)
	}
	for _, bad := range []string{"refs/heads/../../config", "refs/heads/main.lock", "refs//x", "../HEAD", "refs/heads/a b"} {
		if _, err := r.Ref(bad); err == nil || errors.Is(err, plumbing.ErrReferenceNotFound) {
			t.Errorf("Ref(%q) error = %v; want an invalid-name error", bad, err)
		}
	}

	// Refs() agrees with git for-each-ref. A stray lock file is no ref.
	writeFile(t, filepath.Join(dir, ".git", "refs", "heads", "main.lock"), commits[0].String()+"\n")
	got, err := r.Refs()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]plumbing.Hash{}
	for _, line := range strings.Split(g.run(dir, "for-each-ref", "--format=%(objectname) %(refname)"), "\n") {
		id, name, _ := strings.Cut(line, " ")
		want[name] = plumbing.NewHash(id)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Refs() (-git +ours):\n%s", diff)
	}
}

func TestUpdateRef(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	commits := g.history(dir, 3)
	r, err := Open(dir, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	const name = "refs/notes/agentcheck"
	c0, c1, c2 := commits[0], commits[1], commits[2]

	if err := r.UpdateRef(name, c0, c1); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("update of a missing ref with old=%s: %v", c1, err)
	}
	if err := r.UpdateRef(name, c0, plumbing.ZeroHash); err != nil {
		t.Fatalf("create: %v", err)
	}
	if got := g.run(dir, "rev-parse", name); got != c0.String() {
		t.Fatalf("git sees %s", got)
	}
	if err := r.UpdateRef(name, c1, plumbing.ZeroHash); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("create over an existing ref: %v", err)
	}
	if err := r.UpdateRef(name, c1, c0); err != nil {
		t.Fatalf("update: %v", err)
	}

	// The current value may be packed only.
	g.run(dir, "pack-refs", "--all", "--prune")
	if _, err := os.Stat(filepath.Join(dir, ".git", name)); !os.IsNotExist(err) {
		t.Fatal("ref not packed")
	}
	if err := r.UpdateRef(name, c2, c0); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("update with a stale packed value: %v", err)
	}
	if err := r.UpdateRef(name, c2, c1); err != nil {
		t.Fatalf("update of a packed ref: %v", err)
	}
	if got := g.run(dir, "rev-parse", name); got != c2.String() {
		t.Fatalf("git sees %s", got)
	}

	// Someone else holds the lock, as git does while it updates the ref.
	lock := filepath.Join(dir, ".git", name+".lock")
	writeFile(t, lock, "")
	if err := r.UpdateRef(name, c0, c2); !errors.Is(err, ErrRefLocked) {
		t.Fatalf("update while locked: %v", err)
	}
	if _, err := g.exec(dir, nil, "", "update-ref", name, c0.String()); err == nil {
		t.Fatal("git ignored the lock")
	}
	os.Remove(lock)
	if got := g.run(dir, "rev-parse", name); got != c2.String() {
		t.Fatalf("ref changed while locked: %s", got)
	}

	if err := r.UpdateRef("HEAD", c0, c2); err == nil {
		t.Fatal("UpdateRef(HEAD) accepted")
	}
	if err := r.UpdateRef("refs/heads/../../x", c0, plumbing.ZeroHash); err == nil {
		t.Fatal("UpdateRef with a path-escaping name accepted")
	}
	g.run(dir, "fsck", "--no-dangling")
}

// TestUpdateRefConcurrent: goroutines and a git process doing
// compare-and-swap increments of one ref lose no update.
func TestUpdateRefConcurrent(t *testing.T) {
	g := newGit(t)
	dir := t.TempDir()
	g.initRepo(dir)
	r, err := Open(dir, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// The ref's value is a blob "n"; each update replaces n by n+1.
	blob := func(n int) plumbing.Hash {
		h, err := r.Objects.Write(plumbing.BlobObject, []byte(fmt.Sprint(n)))
		if err != nil {
			t.Error(err)
		}
		return h
	}
	value := map[plumbing.Hash]int{}
	for i := 0; i <= 200; i++ {
		value[blob(i)] = i
	}
	const name = "refs/test/counter"
	if err := r.UpdateRef(name, blob(0), plumbing.ZeroHash); err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 20
	// git update-ref NAME NEW OLD is git's own compare-and-swap.
	script := fmt.Sprintf(`i=0
while [ $i -lt %d ]; do
	cur=$(git rev-parse %s) || exit 1
	n=$(git cat-file -p $cur)
	next=$(printf %%s $((n+1)) | git hash-object -w --stdin)
	if git update-ref %s $next $cur 2>/dev/null; then i=$((i+1)); fi
done`, each, name, name)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := g.shell(dir, nil, script); err != nil {
			t.Error(err)
		}
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < each; {
				cur, err := r.Ref(name)
				if err != nil {
					t.Error(err)
					return
				}
				err = r.UpdateRef(name, blob(value[cur]+1), cur)
				switch {
				case err == nil:
					done++
				case errors.Is(err, ErrRefChanged), errors.Is(err, ErrRefLocked):
				default:
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	final, err := r.Ref(name)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := value[final], (workers+1)*each; got != want {
		t.Fatalf("counter = %d after %d increments: updates were lost", got, want)
	}
}

func TestShallow(t *testing.T) {
	g := newGit(t)
	root := t.TempDir()
	src := filepath.Join(root, "src")
	g.history(src, 5)
	clone := filepath.Join(root, "clone")
	g.run("", "clone", "-q", "--depth=2", "file://"+src, clone)
	r, err := Open(clone, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ok, err := r.IsShallow()
	if err != nil || !ok {
		t.Fatalf("IsShallow = %v, %v", ok, err)
	}
	sc, err := r.ShallowCommits()
	if err != nil || len(sc) != 1 || sc[0].String() != g.run(clone, "rev-parse", "HEAD~1") {
		t.Fatalf("ShallowCommits = %v, %v", sc, err)
	}
	full, err := Open(src, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if ok, err := full.IsShallow(); ok || err != nil {
		t.Fatalf("full clone IsShallow = %v, %v", ok, err)
	}
}

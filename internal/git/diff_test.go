package git

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/google/go-cmp/cmp"
)

// gitDiffTree runs git diff-tree -r --raw --no-renames -c --root over the
// commits and returns each commit's raw lines, sorted. A commit without
// changes has none.
func gitDiffTree(t testing.TB, dir string, commits []plumbing.Hash) map[plumbing.Hash][]string {
	t.Helper()
	var in strings.Builder
	for _, c := range commits {
		in.WriteString(c.String() + "\n")
	}
	out := runGit(t, dir, []byte(in.String()), "diff-tree", "--stdin", "-r", "--raw", "--no-renames", "-c", "--root", "--no-abbrev")
	res := make(map[plumbing.Hash][]string)
	var cur plumbing.Hash
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, ":"):
			res[cur] = append(res[cur], line)
		default:
			cur = plumbing.NewHash(line)
		}
	}
	for _, lines := range res {
		slices.SortFunc(lines, byRawPath)
	}
	return res
}

func byRawPath(a, b string) int {
	_, pa, _ := strings.Cut(a, "\t")
	_, pb, _ := strings.Cut(b, "\t")
	return strings.Compare(pa, pb)
}

func modeString(m filemode.FileMode) string { return fmt.Sprintf("%06o", uint32(m)) }

// rawLines renders changes in git's raw format (renames split into a
// deletion and an addition, as with --no-renames), for a commit with the
// given number of parents. For a merge only the first parent's columns and
// the result's can be compared; the others are left out.
func rawLines(changes []Change) []string {
	var lines []string
	add := func(path string, om, nm filemode.FileMode, ob, nb plumbing.Hash, status string) {
		lines = append(lines, fmt.Sprintf(":%s %s %s %s %s\t%s", modeString(om), modeString(nm), ob, nb, status, path))
	}
	for _, c := range changes {
		switch c.Kind {
		case Added:
			add(c.Path, 0, c.NewMode, plumbing.ZeroHash, c.NewBlob, "A")
		case Deleted:
			add(c.Path, c.OldMode, 0, c.OldBlob, plumbing.ZeroHash, "D")
		case Modified:
			add(c.Path, c.OldMode, c.NewMode, c.OldBlob, c.NewBlob, "M")
		case ModeChanged:
			status := "T"
			if entryType(c.OldMode) == entryType(c.NewMode) {
				status = "M" // git calls an exec bit flip a modification
			}
			add(c.Path, c.OldMode, c.NewMode, c.OldBlob, c.NewBlob, status)
		case Renamed:
			add(c.OldPath, c.OldMode, 0, c.OldBlob, plumbing.ZeroHash, "D")
			add(c.Path, 0, c.NewMode, plumbing.ZeroHash, c.NewBlob, "A")
		}
	}
	slices.SortFunc(lines, byRawPath)
	return lines
}

// combinedToFirstParent reduces git's combined raw line
// "::m1 .. mn mR h1 .. hn hR S1..Sn\tpath" to the first parent's columns in
// the plain raw format, without a status (a combined diff has one per
// parent): ":m1 mR h1 hR\tpath".
func combinedToFirstParent(t testing.TB, line string, parents int) string {
	t.Helper()
	meta, path, _ := strings.Cut(strings.TrimLeft(line, ":"), "\t")
	f := strings.Fields(meta)
	if len(f) != 2*(parents+1)+1 {
		t.Fatalf("combined line %q: want %d fields", line, 2*(parents+1)+1)
	}
	return fmt.Sprintf(":%s %s %s %s\t%s", f[0], f[parents], f[parents+1], f[2*parents+1], path)
}

func dropStatus(line string) string {
	meta, path, _ := strings.Cut(line, "\t")
	f := strings.Fields(meta)
	return strings.Join(f[:4], " ") + "\t" + path
}

// TestCommitChangesMatchesGit compares CommitChanges with git diff-tree on
// random histories: every kind of change, and merges (git diff-tree -c).
func TestCommitChangesMatchesGit(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 6
	}
	// Count what the random histories covered, to know the comparison
	// means something.
	var mu sync.Mutex
	covered := make(map[string]int)
	t.Cleanup(func() {
		t.Logf("covered: %v", covered)
		for _, what := range []string{"added", "modified", "deleted", "renamed", "exec-flip", "type-change",
			"symlink", "gitlink", "merge-change", "octopus-change", "empty-commit", "root"} {
			if covered[what] == 0 && !testing.Short() {
				t.Errorf("random histories never produced %s", what)
			}
		}
	})
	cover := func(what string) {
		mu.Lock()
		covered[what]++
		mu.Unlock()
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 1))
			h, _ := randomHistory(rng, 40, false)
			dir := initRepo(t)
			ids := h.write(t, dir)
			r := openRepo(t, dir).Objects
			var commits []plumbing.Hash
			for m := 1; m <= h.marks; m++ {
				commits = append(commits, ids[m])
			}
			want := gitDiffTree(t, dir, commits)
			d := NewDiffer(r)
			var merges, changed int
			for m := 1; m <= h.marks; m++ {
				c := readCommit(t, r, ids[m])
				changes, err := d.CommitChanges(c)
				if err != nil {
					t.Fatalf("commit %d (%s): %v", m, c.Hash, err)
				}
				if !slices.IsSortedFunc(changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) }) {
					t.Errorf("commit %d: changes not sorted by path", m)
				}
				checkLinkTargets(t, changes, h.states[m])
				got := rawLines(changes)
				w := want[c.Hash]
				if len(c.Parents) > 1 {
					merges++
					for i := range w {
						w[i] = combinedToFirstParent(t, w[i], len(c.Parents))
					}
					for i := range got {
						got[i] = dropStatus(got[i])
					}
				}
				if len(got) > 0 {
					changed++
				}
				switch {
				case len(c.Parents) == 0:
					cover("root")
				case len(changes) == 0 && len(c.Parents) == 1:
					cover("empty-commit")
				case len(changes) > 0 && len(c.Parents) == 2:
					cover("merge-change")
				case len(changes) > 0 && len(c.Parents) > 2:
					cover("octopus-change")
				}
				for _, ch := range changes {
					switch {
					case ch.Kind == ModeChanged && entryType(ch.OldMode) == entryType(ch.NewMode):
						cover("exec-flip")
					case ch.Kind == ModeChanged:
						cover("type-change")
					default:
						cover(ch.Kind.String())
					}
					if ch.NewMode == filemode.Symlink {
						cover("symlink")
					}
					if ch.NewMode == filemode.Submodule || ch.OldMode == filemode.Submodule {
						cover("gitlink")
					}
				}
				if diff := cmp.Diff(w, got); diff != "" {
					t.Errorf("commit %d (%s, %d parents): changes differ from git diff-tree (-git +ours):\n%s", m, c.Hash, len(c.Parents), diff)
				}
			}
			t.Logf("%d commits, %d merges, %d with changes", h.marks, merges, changed)
		})
	}
}

// checkLinkTargets checks that every change whose new side is a symlink has
// the link's target resolved.
func checkLinkTargets(t testing.TB, changes []Change, s state) {
	t.Helper()
	for _, c := range changes {
		if c.NewMode != filemode.Symlink {
			if c.LinkTarget != "" {
				t.Errorf("%s: LinkTarget %q on a %s", c.Path, c.LinkTarget, c.NewMode)
			}
			continue
		}
		if want := resolveLink(c.Path, s[c.Path].content); c.LinkTarget != want {
			t.Errorf("%s: LinkTarget %q, want %q", c.Path, c.LinkTarget, want)
		}
	}
}

func TestCommitChangesEdgeCases(t *testing.T) {
	h := newHistory()
	file := func(content string) fileEntry { return fileEntry{mode: "100644", content: content} }
	base := state{"a": file("a\n"), "dir/x": file("x\n"), "dir/y": file("y\n"), "z": file("z\n")}
	root := h.commit(base, "root", 1)
	empty := h.commit(base, "empty", 1, root)

	dirToFile := base.clone()
	dirToFile.put("dir", file("now a file\n"))
	dirToFileC := h.commit(dirToFile, "dir becomes a file", 1, root)

	fileToDir := base.clone()
	fileToDir.put("a/inner", file("a is a dir now\n"))
	fileToDirC := h.commit(fileToDir, "file becomes a dir", 1, root)

	modes := base.clone()
	modes["a"] = fileEntry{mode: "100755", content: "a\n"}   // exec flip
	modes["z"] = fileEntry{mode: "120000", content: "dir/x"} // file to symlink, new content
	modes["dir/x"] = fileEntry{mode: "160000", gitlink: "1111111111111111111111111111111111111111"}
	modesC := h.commit(modes, "modes", 1, root)

	renames := base.clone()
	delete(renames, "dir/x")
	delete(renames, "dir/y")
	renames["moved/y"] = file("y\n")
	renames["moved/x"] = file("x\n")
	renames["copy/x"] = file("x\n")
	renamesC := h.commit(renames, "renames", 1, root)

	// An evil merge: side changes z, main changes a, the merge adds its own
	// file and changes dir/y; only what differs from both parents shows.
	sideS := base.clone()
	sideS["z"] = file("z side\n")
	side := h.commit(sideS, "side", 1, root)
	mainS := base.clone()
	mainS["a"] = file("a main\n")
	main := h.commit(mainS, "main", 1, root)
	mergeS := base.clone()
	mergeS["z"] = file("z side\n")
	mergeS["a"] = file("a main\n")
	mergeS["evil"] = file("evil\n")
	mergeS["dir/y"] = file("evil y\n")
	merge := h.commit(mergeS, "merge", 1, main, side)
	clean := h.commit(mergeS, "clean merge of the evil merge's tree", 1, merge, main)

	links := state{"docs/ci": {mode: "120000", content: "../.github/workflows/ci.yml"},
		"up": {mode: "120000", content: "../outside"}, "abs": {mode: "120000", content: "/etc/passwd"}}
	linksC := h.commit(links, "links", 1)

	dir := initRepo(t)
	ids := h.write(t, dir)
	r := openRepo(t, dir).Objects
	id := func(m int) plumbing.Hash { return ids[m] }
	hash := func(content string) plumbing.Hash {
		return plumbing.ComputeHash(plumbing.BlobObject, []byte(content))
	}
	tests := []struct {
		name   string
		commit int
		want   []Change
	}{
		{"root commit", root, []Change{
			{Path: "a", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("a\n")},
			{Path: "dir/x", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("x\n")},
			{Path: "dir/y", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("y\n")},
			{Path: "z", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("z\n")},
		}},
		{"empty commit", empty, nil},
		{"directory becomes a file", dirToFileC, []Change{
			{Path: "dir", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("now a file\n")},
			{Path: "dir/x", Kind: Deleted, OldMode: filemode.Regular, OldBlob: hash("x\n")},
			{Path: "dir/y", Kind: Deleted, OldMode: filemode.Regular, OldBlob: hash("y\n")},
		}},
		{"file becomes a directory", fileToDirC, []Change{
			{Path: "a", Kind: Deleted, OldMode: filemode.Regular, OldBlob: hash("a\n")},
			{Path: "a/inner", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("a is a dir now\n")},
		}},
		{"mode changes", modesC, []Change{
			{Path: "a", Kind: ModeChanged, OldMode: filemode.Regular, NewMode: filemode.Executable, OldBlob: hash("a\n"), NewBlob: hash("a\n")},
			{Path: "dir/x", Kind: ModeChanged, OldMode: filemode.Regular, NewMode: filemode.Submodule, OldBlob: hash("x\n"),
				NewBlob: plumbing.NewHash("1111111111111111111111111111111111111111")},
			{Path: "z", Kind: ModeChanged, OldMode: filemode.Regular, NewMode: filemode.Symlink, OldBlob: hash("z\n"), NewBlob: hash("dir/x"), LinkTarget: "dir/x"},
		}},
		{"exact renames, paired in path order", renamesC, []Change{
			{Path: "copy/x", OldPath: "dir/x", Kind: Renamed, OldMode: filemode.Regular, NewMode: filemode.Regular, OldBlob: hash("x\n"), NewBlob: hash("x\n")},
			{Path: "moved/x", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("x\n")},
			{Path: "moved/y", OldPath: "dir/y", Kind: Renamed, OldMode: filemode.Regular, NewMode: filemode.Regular, OldBlob: hash("y\n"), NewBlob: hash("y\n")},
		}},
		{"evil merge", merge, []Change{
			{Path: "dir/y", Kind: Modified, OldMode: filemode.Regular, NewMode: filemode.Regular, OldBlob: hash("y\n"), NewBlob: hash("evil y\n")},
			{Path: "evil", Kind: Added, NewMode: filemode.Regular, NewBlob: hash("evil\n")},
		}},
		{"merge with a parent's tree", clean, nil},
		{"symlink targets", linksC, []Change{
			{Path: "abs", Kind: Added, NewMode: filemode.Symlink, NewBlob: hash("/etc/passwd"), LinkTarget: "/etc/passwd"},
			{Path: "docs/ci", Kind: Added, NewMode: filemode.Symlink, NewBlob: hash("../.github/workflows/ci.yml"), LinkTarget: ".github/workflows/ci.yml"},
			{Path: "up", Kind: Added, NewMode: filemode.Symlink, NewBlob: hash("../outside"), LinkTarget: "../outside"},
		}},
	}
	d := NewDiffer(r)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.CommitChanges(readCommit(t, r, id(tt.commit)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChangePaths(t *testing.T) {
	c := Change{Path: "new", OldPath: "old", Kind: Renamed}
	if got := c.Paths(); !slices.Equal(got, []string{"old", "new"}) {
		t.Errorf("rename Paths() = %q", got)
	}
	c = Change{Path: "gone", Kind: Deleted}
	if got := c.Paths(); !slices.Equal(got, []string{"gone"}) {
		t.Errorf("delete Paths() = %q", got)
	}
}

func TestResolveLink(t *testing.T) {
	tests := []struct{ link, target, want string }{
		{"docs/ci", "../.github/workflows/ci.yml", ".github/workflows/ci.yml"},
		{"a", "b", "b"},
		{"a/b/c", "./d/../e", "a/b/e"},
		{"a", "..", ".."},
		{"a/b", "../../x", "../../x"},
		{"a", "/abs", "/abs"},
		{"a/b", ".", "a"},
		{"a", "", ""},
		{"a/b", "c//d/", "a/c/d"},
	}
	for _, tt := range tests {
		if got := resolveLink(tt.link, tt.target); got != tt.want {
			t.Errorf("resolveLink(%q, %q) = %q, want %q", tt.link, tt.target, got, tt.want)
		}
	}
}

// memReader is an ObjectReader over a map, for hand-made objects.
type memReader map[plumbing.Hash]memObject

type memObject struct {
	typ  plumbing.ObjectType
	data []byte
}

func (m memReader) Read(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	o, ok := m[h]
	if !ok {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, plumbing.ErrObjectNotFound)
	}
	return o.typ, o.data, nil
}

func (m memReader) add(typ plumbing.ObjectType, data []byte) plumbing.Hash {
	h := plumbing.ComputeHash(typ, data)
	m[h] = memObject{typ, data}
	return h
}

// TestDiffMalformedTrees: a new tree that git fsck rejects, or one the
// differ cannot read as git does, is a problem of the diff named by git
// fsck's message id, not an error: the commit fails on it.
func TestDiffMalformedTrees(t *testing.T) {
	m := memReader{}
	blob := m.add(plumbing.BlobObject, []byte("x"))
	good := m.add(plumbing.TreeObject, treeBytes(t, "100644 a", blob))
	tests := []struct {
		name string
		tree []byte
		id   string
	}{
		{"out of order", treeBytes(t, "100644 b", blob, "100644 a", blob), "treeNotSorted"},
		{"duplicate", treeBytes(t, "100644 a", blob, "100644 a", blob), "duplicateEntries"},
		{"a file and a directory of one name", treeBytes(t, "100644 a", blob, "100644 a.b", blob, "40000 a", good), "duplicateEntries"},
		{"dot name", treeBytes(t, "100644 .", blob), "hasDot"},
		{"dot-dot name", treeBytes(t, "40000 ..", good), "hasDotdot"},
		{"slash in name", treeBytes(t, "100644 a/b", blob), "fullPathname"},
		{"empty name", treeBytes(t, "100644 ", blob), "badTree"},
		{"bad mode", treeBytes(t, "10064x a", blob), "badTree"},
		{"long mode", treeBytes(t, "10064400 a", blob), "badTree"},
		{"truncated hash", treeBytes(t, "100644 a", blob)[:20], "badTree"},
		{"no NUL", []byte("100644 a"), "badTree"},
		{"null id", treeBytes(t, "40000 a", plumbing.ZeroHash), "nullSha1"},
		{"no space", []byte("100644"), "badTree"},
		{".git", treeBytes(t, "40000 .git", good), "hasDotgit"},
		{"NTFS short name of .git", treeBytes(t, "40000 git~1", good), "hasDotgit"},
		{"zero-padded mode", treeBytes(t, "040000 d", good), "zeroPaddedFilemode"},
		{"a mode git does not write", treeBytes(t, "100664 a", blob), "badFilemode"},
		{".gitmodules as a symlink", treeBytes(t, "120000 .gitmodules", blob), "gitmodulesSymlink"},
		{"a .gitmodules URL that is an option", treeBytes(t, "100644 .gitmodules",
			m.add(plumbing.BlobObject, []byte("[submodule \"a\"]\n\turl = --upload-pack=touch$IFS/tmp/x\n"))), "gitmodulesUrl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := m.add(plumbing.TreeObject, tt.tree)
			top := m.add(plumbing.TreeObject, treeBytes(t, "40000 sub", bad))
			d := NewDiffer(m)
			if _, err := d.DiffTrees(plumbing.ZeroHash, top); err != nil {
				t.Fatal(err)
			}
			if len(d.problems) == 0 || d.problems[0].ID != tt.id || !strings.HasPrefix(d.problems[0].Path, "sub") {
				t.Fatalf("problems %+v, want %s in sub", d.problems, tt.id)
			}
			if p := d.problems[0]; p.Path == "sub" && !strings.Contains(p.Message, bad.String()) {
				t.Errorf("problem %q does not name the tree", p.Message)
			}
			// The same tree on the old side of a diff is read past: a
			// parent's problem is named as one, what the commit adds is not
			// judged by what it removes.
			d = NewDiffer(m)
			if _, err := d.DiffTrees(top, plumbing.ZeroHash); err != nil {
				t.Fatal(err)
			}
			for _, p := range d.problems {
				if !strings.Contains(p.Message, "in a parent's tree") {
					t.Errorf("old side: problem %+v", p)
				}
			}
		})
	}
	// A good tree has no problem, and a new entry's problem is not that of
	// an entry the parent already had.
	d := NewDiffer(m)
	withGit := m.add(plumbing.TreeObject, treeBytes(t, "40000 .git", good, "100644 b", blob))
	withGitAndC := m.add(plumbing.TreeObject, treeBytes(t, "40000 .git", good, "100644 b", blob, "100644 c", blob))
	if _, err := d.DiffTrees(withGit, withGitAndC); err != nil || len(d.problems) != 0 {
		t.Errorf("an unchanged .git of the parent: problems %+v, %v", d.problems, err)
	}
}

// treeBytes builds a raw tree from "mode name", id pairs, in the order
// given.
func treeBytes(t testing.TB, pairs ...any) []byte {
	t.Helper()
	var b []byte
	for i := 0; i < len(pairs); i += 2 {
		b = append(b, pairs[i].(string)...)
		b = append(b, 0)
		h := pairs[i+1].(plumbing.Hash)
		b = append(b, h[:]...)
	}
	return b
}

func TestDiffMissingObjects(t *testing.T) {
	m := memReader{}
	missing := plumbing.NewHash("2222222222222222222222222222222222222222")
	top := m.add(plumbing.TreeObject, treeBytes(t, "40000 sub", missing))
	_, err := NewDiffer(m).DiffTrees(plumbing.ZeroHash, top)
	if err == nil || !strings.Contains(err.Error(), missing.String()) || !strings.Contains(err.Error(), "sub/") {
		t.Errorf("error = %v, want one naming the missing tree and where", err)
	}
	if !errors.Is(err, ErrIncompleteHistory) {
		t.Errorf("error = %v, want ErrIncompleteHistory (a partial clone lacks trees)", err)
	}
	// A commit whose parent is missing.
	commit := m.add(plumbing.CommitObject, []byte("tree "+top.String()+"\nparent "+missing.String()+"\n\nmsg\n"))
	c, err := ParseCommit(commit, m[commit].data)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewDiffer(m).CommitChanges(c)
	var ih *IncompleteHistoryError
	if !errors.As(err, &ih) || ih.Commit != commit || ih.Missing != missing {
		t.Errorf("error = %v, want parent %s of %s missing", err, missing, commit)
	}
	link := m.add(plumbing.TreeObject, treeBytes(t, "120000 l", missing))
	_, err = NewDiffer(m).DiffTrees(plumbing.ZeroHash, link)
	if err == nil || !strings.Contains(err.Error(), "symlink l") {
		t.Errorf("error = %v, want one naming the symlink", err)
	}
	notTree := m.add(plumbing.TreeObject, treeBytes(t, "40000 sub", m.add(plumbing.BlobObject, []byte("x"))))
	if _, err := NewDiffer(m).DiffTrees(plumbing.ZeroHash, notTree); err == nil {
		t.Error("a blob where a tree should be: no error")
	}
}

func TestDiffTreeDepthLimit(t *testing.T) {
	m := memReader{}
	h := m.add(plumbing.TreeObject, treeBytes(t, "100644 f", m.add(plumbing.BlobObject, []byte("x"))))
	for range maxTreeDepth + 1 {
		h = m.add(plumbing.TreeObject, treeBytes(t, "40000 d", h))
	}
	d := NewDiffer(m)
	if _, err := d.DiffTrees(plumbing.ZeroHash, h); err != nil {
		t.Fatal(err)
	}
	if len(d.problems) != 1 || d.problems[0].ID != "maxTreeDepth" {
		t.Errorf("problems %+v, want maxTreeDepth", d.problems)
	}
}

// TestDiffCanonicalModes checks that modes are read as git reads them: a
// 100664 file is a regular file, an unknown mode a gitlink.
func TestDiffCanonicalModes(t *testing.T) {
	m := memReader{}
	blob := m.add(plumbing.BlobObject, []byte("x"))
	old := m.add(plumbing.TreeObject, treeBytes(t, "100644 a", blob, "100644 b", blob))
	new := m.add(plumbing.TreeObject, treeBytes(t, "100664 a", blob, "100775 b", blob))
	got, err := NewDiffer(m).DiffTrees(old, new)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Path: "b", Kind: ModeChanged, OldMode: filemode.Regular, NewMode: filemode.Executable, OldBlob: blob, NewBlob: blob}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCompareEntries(t *testing.T) {
	// git's tree order: "a" (file) < "a-b" < "a.txt" < "a" (dir, as "a/") < "a0".
	order := []struct {
		name string
		dir  bool
	}{{"a", false}, {"a-b", false}, {"a.txt", true}, {"a", true}, {"a0", false}, {"ab", true}}
	for i := range order {
		for j := range order {
			got := compareEntries([]byte(order[i].name), order[i].dir, []byte(order[j].name), order[j].dir)
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("compare(%v, %v) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}

// FuzzDiffTrees diffs two hostile trees (whose subtrees are the other tree
// or missing): no panic, and on success sorted changes with valid kinds.
func FuzzDiffTrees(f *testing.F) {
	blob := plumbing.ComputeHash(plumbing.BlobObject, []byte("x"))
	f.Add(treeBytes(f, "100644 a", blob, "40000 d", blob), treeBytes(f, "100755 a", blob, "120000 l", blob))
	f.Add([]byte("40000 x\x00"), []byte("100644 a\x00"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		m := memReader{}
		m.add(plumbing.BlobObject, []byte("x"))
		ha, hb := m.add(plumbing.TreeObject, a), m.add(plumbing.TreeObject, b)
		changes, err := NewDiffer(m).DiffTrees(ha, hb)
		if err != nil {
			return
		}
		for i, c := range changes {
			if c.Kind < Added || c.Kind > ModeChanged || c.Path == "" {
				t.Fatalf("change %+v", c)
			}
			if i > 0 && changes[i-1].Path > c.Path {
				t.Fatalf("not sorted: %q after %q", c.Path, changes[i-1].Path)
			}
		}
	})
}

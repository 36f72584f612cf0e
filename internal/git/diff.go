package git

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// ChangeKind says how a path changed.
type ChangeKind uint8

// The kinds of [Change].
const (
	Added ChangeKind = iota + 1
	Modified
	Deleted
	// Renamed is an exact rename: a path deleted and another added with the
	// same blob and the same type of entry.
	Renamed
	// ModeChanged is a change of mode, with or without a change of content:
	// the executable bit flipped, or a file became a symlink or a submodule
	// (gitlink) or the reverse.
	ModeChanged
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Modified:
		return "modified"
	case Deleted:
		return "deleted"
	case Renamed:
		return "renamed"
	case ModeChanged:
		return "mode-changed"
	}
	return fmt.Sprintf("ChangeKind(%d)", uint8(k))
}

// MarshalText implements [encoding.TextMarshaler] with the kind's String.
func (k ChangeKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Change is one changed path of a commit, a file, symlink or submodule; git
// does not track directories.
type Change struct {
	// Path is the path the change is about, relative to the repository root
	// with '/' separators: the new path of a rename, the removed path of a
	// deletion.
	Path string
	// OldPath is the path before a rename; it is "" for other kinds.
	OldPath string
	Kind    ChangeKind
	// OldMode and OldBlob describe the old side; they are zero for
	// additions. NewMode and NewBlob describe the new side; they are zero
	// for deletions. For a submodule (mode 160000) the "blob" is the id of
	// the submodule's commit.
	OldMode, NewMode filemode.FileMode
	OldBlob, NewBlob plumbing.Hash
	// LinkTarget is set when the new side is a symlink: the path the link
	// points to, relative to the repository root and cleaned, or the raw
	// target when it is absolute or leaves the repository. A symlink whose
	// target is a protected path touches that path.
	LinkTarget string
}

// NewIsFile reports whether the new side is a regular file: not deleted, a
// symlink or a submodule.
func (c Change) NewIsFile() bool {
	return c.NewMode == filemode.Regular || c.NewMode == filemode.Executable
}

// Paths returns the paths the change touches: both paths of a rename, else
// Path alone.
func (c Change) Paths() []string {
	if c.Kind == Renamed {
		return []string{c.OldPath, c.Path}
	}
	return []string{c.Path}
}

// Differ computes the changes made by commits. It reads objects through an
// [ObjectReader]: a [Store] caches the trees it reads for all Differs, so
// diffing a run of consecutive commits reads each tree once. A Differ is
// not safe for concurrent use.
type Differ struct {
	r           ObjectReader
	commitTrees map[plumbing.Hash]plumbing.Hash // commit -> its tree
	path        []byte                          // scratch: the directory being compared, with a trailing '/'
	levels      []*level                        // scratch of diffLevel, by depth
	problems    []TreeProblem                   // of the diff being made
	maxChanges  int                             // see LimitChanges; 0: no limit
	omitted     int                             // changes beyond maxChanges in the diff being made
}

// level is the scratch space of diffLevel at one depth.
type level struct {
	its     []treeIter      // its[0] is the result, then the parents
	present []bool          // its[i] is at the current key
	sub     []plumbing.Hash // the parents' subtrees at the current key
}

// level returns the scratch space for depth, sized for n parents.
func (d *Differ) level(depth, n int) *level {
	for len(d.levels) <= depth {
		d.levels = append(d.levels, new(level))
	}
	l := d.levels[depth]
	if cap(l.its) < n+1 {
		l.its = make([]treeIter, n+1)
		l.present = make([]bool, n+1)
		l.sub = make([]plumbing.Hash, n)
	}
	l.its, l.present, l.sub = l.its[:n+1], l.present[:n+1], l.sub[:n]
	clear(l.its)
	return l
}

const (
	// maxCommitTrees bounds the commit-to-tree map of a Differ (about 80
	// bytes an entry: 320 KiB). A commit's parents were most often diffed
	// a few commits before it.
	maxCommitTrees = 1 << 12
	// maxTreeDepth bounds the nesting of trees, as git's core.maxTreeDepth
	// does (git 2.44 and later refuse deeper trees by default).
	maxTreeDepth = 4096
)

// NewDiffer returns a Differ reading objects from r.
func NewDiffer(r ObjectReader) *Differ {
	return &Differ{
		r:           r,
		commitTrees: make(map[plumbing.Hash]plumbing.Hash),
	}
}

// Diff is what a commit changes, and what git fsck rejects in the trees it
// adds.
type Diff struct {
	// Changes are sorted by path (see [Differ.CommitChanges]).
	Changes []Change
	// Problems are the entries of the commit's new trees that git fsck
	// rejects, and the trees (new or a parent's) that cannot be read as git
	// reads them: malformed, out of order, nested too deep. Under such a
	// tree the changes are incomplete. A tree the commit shares with a
	// parent is not looked at: only new entries can be bad.
	Problems []TreeProblem
	// Omitted counts the changes over the differ's limit (see
	// [Differ.LimitChanges]), which are not in Changes.
	Omitted int
}

// LimitChanges makes the differ keep at most n changes of a diff and count
// the others in [Diff.Omitted], bounding the memory a commit that changes
// millions of paths takes; every new entry is still checked for
// [Diff.Problems]. n <= 0 means no limit.
func (d *Differ) LimitChanges(n int) { d.maxChanges = n }

// CommitDiff is [Differ.CommitChanges] with the problems of the commit's
// trees.
func (d *Differ) CommitDiff(c *Commit) (*Diff, error) {
	changes, err := d.CommitChanges(c)
	if err != nil {
		return nil, err
	}
	return &Diff{Changes: changes, Problems: d.problems, Omitted: d.omitted}, nil
}

// CommitChanges returns the changes c makes, sorted by path:
//   - a root commit: against the empty tree;
//   - a commit with one parent: against the parent;
//   - a merge (two or more parents): the paths where c's tree differs from
//     every parent, as git diff-tree -c selects them, each reported against
//     the first parent. A change made in the merge itself (an "evil merge")
//     cannot hide: it differs from every parent.
//
// An empty commit has no changes.
func (d *Differ) CommitChanges(c *Commit) ([]Change, error) {
	d.problems, d.omitted = nil, 0
	d.rememberTree(c.Hash, c.Tree)
	parents := make([]plumbing.Hash, len(c.Parents))
	for i, p := range c.Parents {
		t, err := d.commitTree(p)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, &IncompleteHistoryError{Commit: c.Hash, Missing: p}
		}
		if err != nil {
			return nil, fmt.Errorf("diffing commit %s: parent: %w", c.Hash, err)
		}
		if t == c.Tree {
			return nil, nil // same tree as a parent: nothing differs from every parent
		}
		parents[i] = t
	}
	if len(parents) == 0 {
		parents = append(parents, plumbing.ZeroHash)
	}
	changes, err := d.diff(c.Tree, parents)
	if err != nil {
		return nil, fmt.Errorf("diffing commit %s: %w", c.Hash, err)
	}
	return changes, nil
}

// DiffTrees returns the changes from tree oldTree to tree newTree, sorted by
// path. The zero hash stands for the empty tree.
func (d *Differ) DiffTrees(oldTree, newTree plumbing.Hash) ([]Change, error) {
	d.problems, d.omitted = nil, 0
	if oldTree == newTree {
		return nil, nil
	}
	changes, err := d.diff(newTree, []plumbing.Hash{oldTree})
	if err != nil {
		return nil, fmt.Errorf("diffing tree %s to %s: %w", oldTree, newTree, err)
	}
	return changes, nil
}

func (d *Differ) diff(result plumbing.Hash, parents []plumbing.Hash) ([]Change, error) {
	var changes []Change
	d.path = d.path[:0]
	if err := d.diffLevel(0, result, parents, &changes); err != nil {
		return nil, err
	}
	changes = pairRenames(changes)
	for i := range changes {
		c := &changes[i]
		if c.NewMode != filemode.Symlink {
			continue
		}
		target, err := readLimited(d.r, c.NewBlob, maxLinkTarget)
		if err != nil {
			return nil, fmt.Errorf("reading target of symlink %s: %w", c.Path, err)
		}
		if target != nil { // a longer one is no file system's: it leads nowhere
			c.LinkTarget = resolveLink(c.Path, string(target))
		}
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.OldPath, b.OldPath), cmp.Compare(a.Kind, b.Kind))
	})
	return changes, nil
}

// diffLevel compares the tree result with the trees parents (the zero hash:
// absent) at the directory d.path, appending to out the paths where result
// differs from every parent, against parents[0]. It descends only into
// directories whose id differs from every parent's.
//
// A tree that is malformed, out of order or nested too deep is a problem
// (see [Diff.Problems]), not an error: the diff of its directory stops
// there, and the commit fails on the problem.
func (d *Differ) diffLevel(depth int, result plumbing.Hash, parents []plumbing.Hash, out *[]Change) error {
	if depth > maxTreeDepth {
		d.problem(d.treePath(), "maxTreeDepth", fmt.Sprintf("trees nested deeper than %d levels, which git 2.44 and later refuse to read", maxTreeDepth))
		return nil
	}
	l := d.level(depth, len(parents))
	its, present, sub := l.its, l.present, l.sub
	for i := range its {
		h := result
		if i > 0 {
			h = parents[i-1]
		}
		if h.IsZero() {
			continue
		}
		data, err := d.tree(h)
		if err != nil {
			return err
		}
		its[i] = newTreeIter(h, data)
		if _, err := its[i].next(); err != nil {
			return d.treeProblem(err, i)
		}
	}
	for {
		// The current key is the smallest entry of all trees.
		var key *treeEntry
		for i := range its {
			if its[i].ok && (key == nil || compareEntries(its[i].cur.name, its[i].cur.isDir(), key.name, key.isDir()) < 0) {
				key = &its[i].cur
			}
		}
		if key == nil {
			return nil
		}
		name, dir := key.name, key.isDir()
		for i := range its {
			present[i] = its[i].ok && compareEntries(its[i].cur.name, its[i].cur.isDir(), name, dir) == 0
		}
		at := func(i int) bool { return present[i] }
		var res treeEntry
		if at(0) {
			res = its[0].cur
		}
		interesting := true
		for i := 1; i < len(its) && interesting; i++ {
			if at(i) {
				p := &its[i].cur
				interesting = !at(0) || p.hash != res.hash || p.mode != res.mode
			} else {
				interesting = at(0)
			}
		}
		if interesting && at(0) {
			if err := d.checkEntry(&res); err != nil {
				return err
			}
		}
		if interesting {
			if dir {
				for i := range sub {
					sub[i] = plumbing.ZeroHash
					if at(i + 1) {
						sub[i] = its[i+1].cur.hash
					}
				}
				n := len(d.path)
				d.path = append(append(d.path, name...), '/')
				err := d.diffLevel(depth+1, res.hash, sub, out)
				d.path = d.path[:n]
				if err != nil {
					return err
				}
			} else if d.maxChanges > 0 && len(*out) >= d.maxChanges {
				d.omitted++
			} else {
				*out = append(*out, d.change(name, &its[1].cur, at(1), &res, at(0)))
			}
		}
		// Advance every tree that was at the key. Entries are strictly
		// ordered, so each tree holds the key at most once.
		for i := len(its) - 1; i >= 0; i-- {
			if at(i) {
				if _, err := its[i].next(); err != nil {
					return d.treeProblem(err, i)
				}
			}
		}
	}
}

// problem records a problem of the diff being made.
func (d *Differ) problem(path, id, msg string) {
	d.problems = append(d.problems, TreeProblem{Path: path, ID: id, Message: msg})
}

// treeProblem records a malformed tree, the result's (i == 0) or a
// parent's, as a problem; other errors are returned.
func (d *Differ) treeProblem(err error, i int) error {
	var te *treeError
	if !errors.As(err, &te) {
		return err
	}
	msg := fmt.Sprintf("tree %s at %s: %s", te.tree, d.dir(), te.what)
	if i > 0 {
		msg += " (in a parent's tree: what this commit changes under it cannot be read)"
	}
	d.problem(d.treePath(), te.id, msg)
	return nil
}

// treePath is the directory being compared as a path: "" for the root.
func (d *Differ) treePath() string {
	return strings.TrimSuffix(string(d.path), "/")
}

// checkEntry records what git fsck rejects about a new entry of the
// result, reading a .gitmodules file's content.
func (d *Differ) checkEntry(e *treeEntry) error {
	if !mayBeBad(e) {
		return nil
	}
	path := string(d.path) + string(e.name)
	for _, p := range entryProblems(e.name, e.raw, e.padded) {
		d.problem(path, p.ID, p.Message)
	}
	if (e.mode == filemode.Regular || e.mode == filemode.Executable) && isDotGitmodules(e.name) {
		data, err := readLimited(d.r, e.hash, maxGitmodulesSize)
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		for _, p := range gitmodulesProblems(data, data == nil) {
			d.problem(path, p.ID, p.Message)
		}
	}
	return nil
}

// change builds the change of the file name in d.path from old to new.
func (d *Differ) change(name []byte, old *treeEntry, hasOld bool, new *treeEntry, hasNew bool) Change {
	c := Change{Path: string(d.path) + string(name)}
	switch {
	case !hasOld:
		c.Kind = Added
	case !hasNew:
		c.Kind = Deleted
	case old.mode != new.mode:
		c.Kind = ModeChanged
	default:
		c.Kind = Modified
	}
	if hasOld {
		c.OldMode, c.OldBlob = old.mode, old.hash
	}
	if hasNew {
		c.NewMode, c.NewBlob = new.mode, new.hash
	}
	return c
}

// emptyBlobID is the id of the empty blob.
func emptyBlobID() plumbing.Hash {
	return plumbing.Hash{0xe6, 0x9d, 0xe2, 0x9b, 0xb2, 0xd1, 0xd6, 0x43, 0x4b, 0x8b,
		0x29, 0xae, 0x77, 0x5a, 0xd8, 0xc2, 0xe4, 0x8c, 0x53, 0x91}
}

// entryType is the type of entry a mode stands for; a rename keeps it.
func entryType(m filemode.FileMode) filemode.FileMode {
	if m == filemode.Executable {
		return filemode.Regular
	}
	return m
}

// pairRenames turns pairs of a deletion and an addition of the same blob
// and entry type into renames. Within each group of equal blobs, deletions
// and additions are paired in path order. Empty files are not paired: they
// share one blob without being copies of each other.
func pairRenames(changes []Change) []Change {
	type key struct {
		blob plumbing.Hash
		typ  filemode.FileMode
	}
	deleted := make(map[key][]int)
	for i, c := range changes {
		if c.Kind == Deleted && c.OldBlob != emptyBlobID() {
			k := key{c.OldBlob, entryType(c.OldMode)}
			deleted[k] = append(deleted[k], i)
		}
	}
	if len(deleted) == 0 {
		return changes
	}
	added := make(map[key][]int)
	for i, c := range changes {
		if c.Kind == Added {
			k := key{c.NewBlob, entryType(c.NewMode)}
			if _, ok := deleted[k]; ok {
				added[k] = append(added[k], i)
			}
		}
	}
	if len(added) == 0 {
		return changes
	}
	byPath := func(a, b int) int { return strings.Compare(changes[a].Path, changes[b].Path) }
	drop := make([]bool, len(changes))
	for k, add := range added {
		del := deleted[k]
		slices.SortFunc(add, byPath)
		slices.SortFunc(del, byPath)
		for j := range min(len(add), len(del)) {
			a, dl := &changes[add[j]], changes[del[j]]
			a.Kind = Renamed
			a.OldPath, a.OldMode, a.OldBlob = dl.Path, dl.OldMode, dl.OldBlob
			drop[del[j]] = true
		}
	}
	out := changes[:0]
	for i, c := range changes {
		if !drop[i] {
			out = append(out, c)
		}
	}
	return out
}

// resolveLink resolves the target of the symlink at linkPath against the
// link's directory. An absolute target, or one that leaves the repository,
// is returned as it is.
func resolveLink(linkPath, target string) string {
	if target == "" || strings.HasPrefix(target, "/") {
		return target
	}
	j := path.Join(path.Dir(linkPath), target)
	if j == ".." || strings.HasPrefix(j, "../") {
		return target
	}
	return j
}

// tree returns the raw tree h.
func (d *Differ) tree(h plumbing.Hash) ([]byte, error) {
	if h == emptyTreeID() {
		return nil, nil
	}
	typ, data, err := d.r.Read(h)
	if err != nil {
		return nil, fmt.Errorf("reading tree %s under %q: %w", h, d.dir(), missing(err))
	}
	if typ != plumbing.TreeObject {
		return nil, fmt.Errorf("reading tree %s under %q: object is a %s", h, d.dir(), typ)
	}
	return data, nil
}

// dir returns the directory being compared, for error messages.
func (d *Differ) dir() string {
	if len(d.path) == 0 {
		return "/"
	}
	return string(d.path)
}

// missing marks an error about a missing object as ErrIncompleteHistory
// too: a partial clone (--filter) lacks trees or blobs.
func missing(err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return fmt.Errorf("%w: %w", ErrIncompleteHistory, err)
	}
	return err
}

// rememberTree records the tree of commit c, so that diffing c's children
// need not read c again.
func (d *Differ) rememberTree(c, tree plumbing.Hash) {
	if len(d.commitTrees) >= maxCommitTrees {
		clear(d.commitTrees)
	}
	d.commitTrees[c] = tree
}

// commitTree returns the tree of commit c.
func (d *Differ) commitTree(c plumbing.Hash) (plumbing.Hash, error) {
	if t, ok := d.commitTrees[c]; ok {
		return t, nil
	}
	typ, data, err := d.r.Read(c)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading commit %s: %w", c, err)
	}
	if typ != plumbing.CommitObject {
		return plumbing.ZeroHash, fmt.Errorf("reading commit %s: object is a %s", c, typ)
	}
	commit, err := ParseCommit(c, data)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	d.rememberTree(c, commit.Tree)
	return commit.Tree, nil
}

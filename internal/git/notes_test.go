package git

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

// Interoperability of notes.go with real git: what we write git reads, what
// git writes we read, in the same tree layout git itself chooses, and
// concurrent writers (goroutines, processes, git) lose nothing.

const ntGitBin = "/usr/bin/git"

// NotesRef is the notes ref of the tests, the one agentcheck writes.
const NotesRef = "refs/notes/agentcheck"

var ntSig = Signature{Name: "agentcheck", Email: "agentcheck@example.com", When: time.Unix(1700000000, 0).UTC()}

// ntGit runs real git with no user configuration and fixed identities.
type ntGit struct {
	t   testing.TB
	env []string
}

func newNtGit(t testing.TB) *ntGit {
	t.Helper()
	if _, err := os.Stat(ntGitBin); err != nil {
		t.Skipf("no git at %s", ntGitBin)
	}
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=agentcheck", "GIT_AUTHOR_EMAIL=agentcheck@example.com",
		"GIT_COMMITTER_NAME=agentcheck", "GIT_COMMITTER_EMAIL=agentcheck@example.com",
		"GIT_AUTHOR_DATE=1700000000 +0000", "GIT_COMMITTER_DATE=1700000000 +0000")
	return &ntGit{t: t, env: env}
}

func (g *ntGit) run(dir string, args ...string) string {
	g.t.Helper()
	out, err := g.exec(dir, nil, "", args...)
	if err != nil {
		g.t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

func (g *ntGit) exec(dir string, env []string, stdin string, args ...string) (string, error) {
	return g.cmd(exec.Command(ntGitBin, args...), dir, env, stdin)
}

func (g *ntGit) shell(dir string, env []string, script string) (string, error) {
	return g.cmd(exec.Command("/bin/sh", "-c", script), dir, env, "")
}

func (g *ntGit) cmd(cmd *exec.Cmd, dir string, env []string, in string) (string, error) {
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), g.env...), env...)
	cmd.Stdin = strings.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s in %s: %v\n%s", strings.Join(cmd.Args, " "), dir, err, stderr.String())
	}
	return stdout.String(), nil
}

// ntRepo makes a repository with n commits on main, in one git fast-import.
func ntRepo(t testing.TB, g *ntGit, dir string, n int) []plumbing.Hash {
	t.Helper()
	g.run("", "-c", "init.defaultBranch=main", "init", "-q", dir)
	var in strings.Builder
	for i := 0; i < n; i++ {
		msg := fmt.Sprintf("commit %d\n", i)
		fmt.Fprintf(&in, "commit refs/heads/main\ncommitter C <c@example.com> %d +0000\ndata %d\n%s", 1700000000+i, len(msg), msg)
		content := fmt.Sprintf("%d\n", i)
		fmt.Fprintf(&in, "M 100644 inline f.txt\ndata %d\n%s\n", len(content), content)
	}
	if _, err := g.exec(dir, nil, in.String(), "fast-import", "--quiet"); err != nil {
		t.Fatal(err)
	}
	var out []plumbing.Hash
	for _, l := range strings.Fields(g.run(dir, "rev-list", "--reverse", "main")) {
		out = append(out, plumbing.NewHash(l))
	}
	return out
}

func ntOpen(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// ntNotes loads the current notes of repo (a fresh Open, so no caches).
func ntNotes(t testing.TB, dir string) *Notes {
	t.Helper()
	r := ntOpen(t, dir)
	tip, err := r.Ref(NotesRef)
	if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
		t.Fatal(err)
	}
	n, err := LoadNotes(r.Objects, tip)
	if err != nil {
		t.Fatal(err)
	}
	checkOpenNotes(t, r.Objects, tip, n)
	return n
}

// checkOpenNotes checks that OpenNotes reads every note of the tree as
// LoadNotes does: every test that loads notes with ntNotes checks it.
func checkOpenNotes(t testing.TB, s *Store, tip plumbing.Hash, loaded *Notes) {
	t.Helper()
	lazy, err := OpenNotes(s, tip)
	if err != nil {
		t.Fatalf("OpenNotes: %v (LoadNotes read the tree)", err)
	}
	for _, c := range loaded.Commits() {
		want, wantErr := loaded.Read(c, MaxNoteSize)
		got, err := lazy.Read(c, MaxNoteSize)
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("note for %s: OpenNotes reads %q, %v; LoadNotes %q, %v", c, got, err, want, wantErr)
		}
	}
	var missing plumbing.Hash
	missing[0] = 0xff
	if _, err := lazy.Read(missing, MaxNoteSize); !errors.Is(err, ErrNoteNotFound) && loaded.note[missing] == plumbing.ZeroHash {
		t.Fatalf("OpenNotes: a commit without a note: %v", err)
	}
	if lazy.Len() != loaded.Len() {
		t.Fatalf("OpenNotes indexes %d notes, LoadNotes %d", lazy.Len(), loaded.Len())
	}
}

func ntRead(t testing.TB, n *Notes, c plumbing.Hash) string {
	t.Helper()
	b, err := n.Read(c, MaxNoteSize)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ntAppend(t testing.TB, r *Repo, c plumbing.Hash, lines ...string) int {
	t.Helper()
	var bl [][]byte
	for _, l := range lines {
		bl = append(bl, []byte(l))
	}
	n, err := AppendNote(r, NotesRef, c, bl, ntSig)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// gitNotesList returns git's view: annotated object → note blob.
func gitNotesList(g *ntGit, dir string) map[plumbing.Hash]plumbing.Hash {
	out := map[plumbing.Hash]plumbing.Hash{}
	for _, line := range strings.Split(g.run(dir, "notes", "--ref", "agentcheck", "list"), "\n") {
		if line == "" {
			continue
		}
		note, obj, _ := strings.Cut(line, " ")
		out[plumbing.NewHash(obj)] = plumbing.NewHash(note)
	}
	return out
}

func ourNotesList(n *Notes) map[plumbing.Hash]plumbing.Hash {
	out := map[plumbing.Hash]plumbing.Hash{}
	for _, c := range n.Commits() {
		b, _ := n.Lookup(c)
		out[c] = b
	}
	return out
}

func TestAppendNoteReadByGit(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 3)
	r := ntOpen(t, dir)

	if n := ntAppend(t, r, commits[1], `{"line":1}`, `{"line":2}`); n != 2 {
		t.Fatalf("added %d lines, want 2", n)
	}
	if got := g.run(dir, "notes", "--ref", "agentcheck", "show", commits[1].String()); got != "{\"line\":1}\n{\"line\":2}" {
		t.Fatalf("git notes show = %q", got)
	}
	tip, _ := r.Ref(NotesRef)
	if n := ntAppend(t, r, commits[1], `{"line":2}`, `{"line":1}`, ""); n != 0 {
		t.Fatalf("re-adding present lines added %d", n)
	}
	if again, _ := r.Ref(NotesRef); again != tip {
		t.Fatal("a no-op append moved the notes ref")
	}
	if n := ntAppend(t, r, commits[1], `{"line":2}`, `{"line":3}`, `{"line":3}`); n != 1 {
		t.Fatalf("added %d lines, want 1", n)
	}
	if got := g.run(dir, "notes", "--ref", "agentcheck", "show", commits[1].String()); got != "{\"line\":1}\n{\"line\":2}\n{\"line\":3}" {
		t.Fatalf("git notes show = %q", got)
	}
	if got := g.run(dir, "log", "--format=%s|%an|%P", NotesRef); got != "Notes added by 'agentcheck attest'|agentcheck|"+tip.String()+"\nNotes added by 'agentcheck attest'|agentcheck|" {
		t.Fatalf("notes history:\n%s", got)
	}
	if _, err := AppendNote(r, NotesRef, commits[0], [][]byte{[]byte("a\nb")}, ntSig); err == nil {
		t.Fatal("a line with a newline was accepted")
	}
	if _, err := AppendNote(r, NotesRef, plumbing.NewHash("0123456789abcdef0123456789abcdef01234567"), [][]byte{[]byte("x")}, ntSig); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Fatalf("note on a missing object: %v", err)
	}
	g.run(dir, "fsck", "--strict", "--no-dangling")
}

func TestLoadNotesReadsGitNotes(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 3)
	c := commits[2].String()
	g.run(dir, "notes", "--ref", "agentcheck", "add", "-m", "first", c)
	g.run(dir, "notes", "--ref", "agentcheck", "append", "-m", "second", c)
	g.run(dir, "notes", "--ref", "agentcheck", "add", "-m", "other", commits[0].String())

	n := ntNotes(t, dir)
	show, _ := g.exec(dir, nil, "", "notes", "--ref", "agentcheck", "show", c)
	if got := ntRead(t, n, commits[2]); got != show || got != "first\n\nsecond\n" {
		t.Fatalf("Read = %q; git notes show = %q", got, show)
	}
	if diff := cmp.Diff(gitNotesList(g, dir), ourNotesList(n)); diff != "" {
		t.Fatalf("notes (-git +ours):\n%s", diff)
	}

	// Appending to a git-written note keeps its lines, blank one included.
	r := ntOpen(t, dir)
	if added := ntAppend(t, r, commits[2], "third", "second"); added != 1 {
		t.Fatalf("added %d, want 1", added)
	}
	show, _ = g.exec(dir, nil, "", "notes", "--ref", "agentcheck", "show", c)
	if show != "first\n\nsecond\nthird\n" {
		t.Fatalf("git notes show after our append = %q", show)
	}
	// And git appends to ours.
	g.run(dir, "notes", "--ref", "agentcheck", "append", "-m", "fourth", c)
	if got := ntRead(t, ntNotes(t, dir), commits[2]); got != "first\n\nsecond\nthird\n\nfourth\n" {
		t.Fatalf("Read after git append = %q", got)
	}
	if got := ntRead(t, ntNotes(t, dir), commits[0]); got != "other\n" {
		t.Fatalf("another note changed: %q", got)
	}
}

func TestNotesMergeCatSortUniq(t *testing.T) {
	g := newNtGit(t)
	root := t.TempDir()
	origin := filepath.Join(root, "origin")
	commits := ntRepo(t, g, origin, 2)
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	g.run("", "clone", "-q", origin, a)
	g.run("", "clone", "-q", origin, b)
	ntAppend(t, ntOpen(t, a), commits[1], `{"from":"a"}`)
	ntAppend(t, ntOpen(t, b), commits[1], `{"from":"b"}`, `{"from":"both"}`)
	ntAppend(t, ntOpen(t, a), commits[1], `{"from":"both"}`)
	g.run(a, "fetch", "-q", b, "+"+NotesRef+":refs/notes/theirs")
	g.run(a, "notes", "--ref", "agentcheck", "merge", "-q", "-s", "cat_sort_uniq", "refs/notes/theirs")
	got := ntRead(t, ntNotes(t, a), commits[1])
	if got != "{\"from\":\"a\"}\n{\"from\":\"b\"}\n{\"from\":\"both\"}\n" {
		t.Fatalf("merged note = %q", got)
	}
}

// TestNotesLayoutMatchesGit: after the same sequence of additions, our
// notes tree is byte-for-byte the tree git writes, flat and fanned out.
func TestNotesLayoutMatchesGit(t *testing.T) {
	g := newNtGit(t)
	root := t.TempDir()
	ours, theirs := filepath.Join(root, "ours"), filepath.Join(root, "theirs")
	commits := ntRepo(t, g, ours, 300)
	g.run("", "clone", "-q", "--bare", ours, theirs)

	var script strings.Builder
	r := ntOpen(t, ours)
	check := func(upTo int) {
		t.Helper()
		if _, err := g.shell(theirs, nil, script.String()); err != nil {
			t.Fatal(err)
		}
		script.Reset()
		want := g.run(theirs, "rev-parse", NotesRef+"^{tree}")
		got := g.run(ours, "rev-parse", NotesRef+"^{tree}")
		if got != want {
			t.Fatalf("after %d notes our tree is %s, git's %s\nours:\n%s\ngit's:\n%s", upTo, got, want,
				firstN(g.run(ours, "ls-tree", "-r", "--name-only", NotesRef), 20),
				firstN(g.run(theirs, "ls-tree", "-r", "--name-only", NotesRef), 20))
		}
	}
	for i, c := range commits {
		line := "note for " + c.String()
		ntAppend(t, r, c, line)
		fmt.Fprintf(&script, "git notes --ref agentcheck add -m '%s' %s || exit 1\n", line, c)
		if i == 9 || i == len(commits)-1 {
			check(i + 1)
		}
	}
	paths := g.run(ours, "ls-tree", "-r", "--name-only", NotesRef)
	if !strings.Contains(paths, "/") {
		t.Fatal("300 notes did not fan out")
	}
	if diff := cmp.Diff(gitNotesList(g, ours), ourNotesList(ntNotes(t, ours))); diff != "" {
		t.Fatalf("notes (-git +ours):\n%s", diff)
	}
}

// TestNotesTwoLevelFanout crafts object ids so that git fans one directory
// out a second level (ab/cd/…), and checks we write the same tree.
func TestNotesTwoLevelFanout(t *testing.T) {
	g := newNtGit(t)
	root := t.TempDir()
	ours, theirs := filepath.Join(root, "ours"), filepath.Join(root, "theirs")
	for _, d := range []string{ours, theirs} {
		g.run("", "init", "-q", "--bare", d)
	}
	// Blobs whose ids start with: every first hex digit twice, and "ab"
	// followed by every third digit twice.
	var wanted []string
	for d := 0; d < 16; d++ {
		wanted = append(wanted, fmt.Sprintf("%x", d), fmt.Sprintf("%x", d))
		wanted = append(wanted, fmt.Sprintf("ab%x", d), fmt.Sprintf("ab%x", d))
	}
	var contents []string
	var ids []plumbing.Hash
	seen := map[plumbing.Hash]bool{}
	for _, prefix := range wanted {
		for i := 0; ; i++ {
			c := fmt.Sprintf("blob %s %d\n", prefix, i)
			h := plumbing.ComputeHash(plumbing.BlobObject, []byte(c))
			if strings.HasPrefix(h.String(), prefix) && !seen[h] {
				seen[h] = true
				contents, ids = append(contents, c), append(ids, h)
				break
			}
		}
	}
	var script strings.Builder
	for _, c := range contents {
		fmt.Fprintf(&script, "printf '%%s\\n' '%s' | git hash-object -w --stdin >/dev/null\n", strings.TrimSuffix(c, "\n"))
	}
	for i := range ids {
		fmt.Fprintf(&script, "git notes --ref agentcheck add -m 'n%d' %s || exit 1\n", i, ids[i])
	}
	if _, err := g.shell(theirs, nil, script.String()); err != nil {
		t.Fatal(err)
	}
	r := ntOpen(t, ours)
	for _, c := range contents {
		if _, err := r.Objects.Write(plumbing.BlobObject, []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range ids {
		ntAppend(t, r, h, fmt.Sprintf("n%d", i))
	}
	paths := g.run(theirs, "ls-tree", "-r", "--name-only", NotesRef)
	if !strings.Contains(paths, "ab/") || strings.Count(firstMatching(paths, "ab/"), "/") != 2 {
		t.Fatalf("git did not fan out two levels:\n%s", paths)
	}
	if got, want := g.run(ours, "rev-parse", NotesRef+"^{tree}"), g.run(theirs, "rev-parse", NotesRef+"^{tree}"); got != want {
		t.Fatalf("our tree %s, git's %s\nours:\n%s", got, want, g.run(ours, "ls-tree", "-r", "--name-only", NotesRef))
	}
	n := ntNotes(t, theirs)
	if n.Len() != len(ids) {
		t.Fatalf("read %d notes from git's two-level tree, want %d", n.Len(), len(ids))
	}
}

func TestLoadNotesFastImport(t *testing.T) {
	// git fast-import chooses its own fan-out (2/38 from 256 notes on).
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 320)
	var in strings.Builder
	fmt.Fprintf(&in, "commit %s\ncommitter C <c@example.com> 1700000000 +0000\ndata 5\nnotes\n", NotesRef)
	for _, c := range commits[:310] {
		body := "imported " + c.String() + "\n"
		fmt.Fprintf(&in, "N inline %s\ndata %d\n%s\n", c, len(body), body)
	}
	if _, err := g.exec(dir, nil, in.String(), "fast-import", "--quiet"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(g.run(dir, "ls-tree", "-r", "--name-only", NotesRef), "/") {
		t.Fatal("fast-import wrote a flat tree")
	}
	n := ntNotes(t, dir)
	if diff := cmp.Diff(gitNotesList(g, dir), ourNotesList(n)); diff != "" {
		t.Fatalf("notes (-git +ours):\n%s", diff)
	}
	if got := ntRead(t, n, commits[7]); got != "imported "+commits[7].String()+"\n" {
		t.Fatalf("Read = %q", got)
	}
	r := ntOpen(t, dir)
	ntAppend(t, r, commits[315], "ours")
	ntAppend(t, r, commits[3], "ours too")
	n = ntNotes(t, dir)
	if n.Len() != 311 {
		t.Fatalf("%d notes after appending one", n.Len())
	}
	if diff := cmp.Diff(gitNotesList(g, dir), ourNotesList(n)); diff != "" {
		t.Fatalf("notes (-git +ours):\n%s", diff)
	}
	if got := g.run(dir, "notes", "--ref", "agentcheck", "show", commits[3].String()); got != "imported "+commits[3].String()+"\nours too" {
		t.Fatalf("git notes show = %q", got)
	}
}

// mktree builds a tree with git mktree from "mode type id\tpath" lines
// (one level; nested trees are built by the caller bottom-up).
func mktree(g *ntGit, dir string, entries ...string) string {
	out, err := g.exec(dir, nil, strings.Join(entries, "\n")+"\n", "mktree")
	if err != nil {
		g.t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

func blob(g *ntGit, dir, content string) string {
	out, err := g.exec(dir, nil, content, "hash-object", "-w", "--stdin")
	if err != nil {
		g.t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

func setNotesTree(g *ntGit, dir, tree string) {
	commit := g.run(dir, "commit-tree", "-m", "hand-made notes", tree)
	g.run(dir, "update-ref", NotesRef, commit)
}

// TestLoadNotesOddTrees: deeper fan-out than git writes, upper-case names,
// non-note entries and duplicate notes for one object, built with git
// mktree; git and we must see the same notes, and our rewrite must keep
// the non-notes.
func TestLoadNotesOddTrees(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 4)
	c0, c1, c2, c3 := commits[0].String(), commits[1].String(), commits[2].String(), commits[3].String()
	b1, b2, b3 := blob(g, dir, "deep\n"), blob(g, dir, "upper\n"), blob(g, dir, "readme\n")
	dupFlat, dupFan := blob(g, dir, "flat copy\n"), blob(g, dir, "fanned copy\n")

	// c0 at fan-out 3: xx/yy/zz/<34>.
	l3 := mktree(g, dir, "100644 blob "+b1+"\t"+c0[6:])
	l2 := mktree(g, dir, "040000 tree "+l3+"\t"+c0[4:6])
	l1 := mktree(g, dir, "040000 tree "+l2+"\t"+c0[2:4])
	// c3 twice: flat and at fan-out 1 (git concatenates the two).
	f1 := mktree(g, dir, "100644 blob "+dupFan+"\t"+c3[2:])
	entries := []string{
		"040000 tree " + l1 + "\t" + c0[:2],
		"100644 blob " + b2 + "\t" + strings.ToUpper(c1),
		"100644 blob " + b3 + "\tREADME",
		"100644 blob " + dupFlat + "\t" + c3,
	}
	if c3[:2] == c0[:2] {
		t.Skip("unlucky ids share a fan-out directory")
	}
	entries = append(entries, "040000 tree "+f1+"\t"+c3[:2])
	setNotesTree(g, dir, mktree(g, dir, entries...))

	n := ntNotes(t, dir)
	gitList := gitNotesList(g, dir)
	if len(gitList) != 3 || n.Len() != 3 {
		t.Fatalf("git lists %d notes, we %d", len(gitList), n.Len())
	}
	for _, c := range []string{c0, c1, c3} {
		show, err := g.exec(dir, nil, "", "notes", "--ref", "agentcheck", "show", c)
		if err != nil {
			t.Fatal(err)
		}
		if got := ntRead(t, n, plumbing.NewHash(c)); got != show {
			t.Fatalf("note for %s: ours %q, git's %q", c, got, show)
		}
	}

	r := ntOpen(t, dir)
	ntAppend(t, r, commits[2], "new")
	ntAppend(t, r, commits[3], "appended")
	tree := g.run(dir, "ls-tree", "-r", NotesRef)
	if !strings.Contains(tree, b3+"\tREADME") {
		t.Fatalf("non-note README lost:\n%s", tree)
	}
	if strings.Count(tree, c3[2:]) != 1 {
		t.Fatalf("duplicate entries for %s not consolidated:\n%s", c3, tree)
	}
	for _, c := range []string{c0, c1, c2} {
		if _, err := g.exec(dir, nil, "", "notes", "--ref", "agentcheck", "show", c); err != nil {
			t.Fatal(err)
		}
	}
	show := g.run(dir, "notes", "--ref", "agentcheck", "show", c3)
	if !strings.Contains(show, "flat copy") || !strings.Contains(show, "fanned copy") || !strings.HasSuffix(show, "appended") {
		t.Fatalf("consolidated note = %q", show)
	}
}

func TestNotesReadLimits(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 2)
	r := ntOpen(t, dir)
	ntAppend(t, r, commits[0], strings.Repeat("x", 100))
	n := ntNotes(t, dir)
	_, err := n.Read(commits[0], 50)
	var tl *NoteTooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrNoteTooLarge) || tl.Size != 101 || tl.Limit != 50 {
		t.Fatalf("Read over the limit: %v", err)
	}
	if got, err := n.Read(commits[0], 101); err != nil || len(got) != 101 {
		t.Fatalf("Read at the limit: %d bytes, %v", len(got), err)
	}
	if _, err := n.Read(commits[1], MaxNoteSize); !errors.Is(err, ErrNoteNotFound) {
		t.Fatalf("Read of a commit without a note: %v", err)
	}
	if _, ok := n.Lookup(commits[1]); ok {
		t.Fatal("Lookup found a missing note")
	}
	empty, err := LoadNotes(r.Objects, plumbing.ZeroHash)
	if err != nil || empty.Len() != 0 {
		t.Fatalf("LoadNotes(zero) = %v, %v", empty, err)
	}
	if _, err := LoadNotes(r.Objects, commits[0]); err != nil {
		t.Fatalf("a commit with a tree of non-notes: %v", err)
	}
}

func TestFanouts(t *testing.T) {
	key := func(hex string) plumbing.Hash { return plumbing.NewHash(hex + strings.Repeat("0", 40-len(hex))) }
	var keys []plumbing.Hash
	for d := 0; d < 16; d++ {
		keys = append(keys, key(fmt.Sprintf("%x1", d)), key(fmt.Sprintf("%x2", d)))
	}
	sortNoteKeys(keys)
	for i, f := range fanouts(keys) {
		if f != 1 {
			t.Fatalf("key %s: fan-out %d, want 1", keys[i], f)
		}
	}
	// One first digit with a single key keeps everything flat.
	flat := append([]plumbing.Hash{}, keys[1:]...)
	for _, f := range fanouts(flat) {
		if f != 0 {
			t.Fatalf("fan-out %d, want 0", f)
		}
	}
	if got := fanouts([]plumbing.Hash{key("ab")}); got[0] != 0 {
		t.Fatalf("single note: fan-out %d", got[0])
	}
	if got := notePath(key("abcdef"), 2); got != "ab/cd/ef"+strings.Repeat("0", 34) {
		t.Fatalf("notePath = %s", got)
	}
}

func TestCheckNotesAppendOnly(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 3)
	r := ntOpen(t, dir)
	tip := func() plumbing.Hash { h, _ := r.Ref(NotesRef); return h }
	ntAppend(t, r, commits[0], "a", "b")
	t1 := tip()
	ntAppend(t, r, commits[1], "c")
	t2 := tip()
	if err := CheckNotesAppendOnly(r.Objects, t1, t2); err != nil {
		t.Fatalf("an append was refused: %v", err)
	}
	if err := CheckNotesAppendOnly(r.Objects, plumbing.ZeroHash, t2); err != nil {
		t.Fatalf("a first note was refused: %v", err)
	}
	if err := CheckNotesAppendOnly(r.Objects, t2, t1); !errors.Is(err, ErrNoteLineDropped) {
		t.Fatalf("dropping a note: %v", err)
	}
	g.run(dir, "notes", "--ref", "agentcheck", "add", "-f", "-m", "b\na", commits[0].String()) // reordered
	if err := CheckNotesAppendOnly(r.Objects, t2, tip()); err != nil {
		t.Fatalf("reordering lines was refused: %v", err)
	}
	g.run(dir, "notes", "--ref", "agentcheck", "add", "-f", "-m", "b", commits[0].String())
	if err := CheckNotesAppendOnly(r.Objects, t2, tip()); !errors.Is(err, ErrNoteLineDropped) {
		t.Fatalf("dropping a line: %v", err)
	}
}

// The helper process: the concurrency tests run this test binary again as
// a separate appender, and as git's reference-transaction hook.
const ntHelperEnv = "AGENTCHECK_NOTES_HELPER"

func TestNotesHelperProcess(t *testing.T) {
	switch os.Getenv(ntHelperEnv) {
	case "":
		return
	case "append":
		os.Exit(ntHelperAppend())
	case "check":
		os.Exit(ntHelperCheck())
	}
	os.Exit(2)
}

// ntHelperAppend appends NOTES_COUNT lines "NOTES_PREFIX-i" to NOTES_COMMIT,
// one AppendNote each.
func ntHelperAppend() int {
	r, err := Open(os.Getenv("NOTES_REPO"), os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	count, _ := strconv.Atoi(os.Getenv("NOTES_COUNT"))
	for i := 0; i < count; i++ {
		line := fmt.Sprintf("%s-%d", os.Getenv("NOTES_PREFIX"), i)
		if _, err := AppendNote(r, NotesRef, plumbing.NewHash(os.Getenv("NOTES_COMMIT")), [][]byte{[]byte(line)}, ntSig); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// ntHelperCheck is a reference-transaction hook in "prepared" state:
// refuse an update of NotesRef that drops a note line.
func ntHelperCheck() int {
	r, err := Open(".", os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[2] != NotesRef {
			continue
		}
		cur, err := r.Ref(NotesRef)
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := CheckNotesAppendOnly(r.Objects, cur, plumbing.NewHash(f[1])); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func ntHelperCmd(t *testing.T, env ...string) *exec.Cmd {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestNotesHelperProcess$")
	cmd.Env = append(append(os.Environ(), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0"), env...)
	return cmd
}

// installNotesHook makes the test binary the repository's
// reference-transaction hook, checking notes updates with
// CheckNotesAppendOnly.
func installNotesHook(t *testing.T, dir string) {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// GORACE: a race-enabled binary otherwise sleeps a second at exit,
	// holding git's ref lock all that time.
	hook := fmt.Sprintf("#!/bin/sh\n[ \"$1\" = prepared ] || exit 0\nGORACE=\"$GORACE atexit_sleep_ms=0\" %s=check exec '%s' -test.run='^TestNotesHelperProcess$'\n", ntHelperEnv, bin)
	if err := os.WriteFile(filepath.Join(dir, ".git", "hooks", "reference-transaction"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
}

func sortedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// TestAppendNoteConcurrent: 8 goroutines and 8 processes append to 8
// commits (one goroutine and one process per commit) at once; every line
// arrives.
func TestAppendNoteConcurrent(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 8)
	const each = 4
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i, c := range commits {
		wg.Add(2)
		go func() {
			defer wg.Done()
			r, err := Open(dir, func(string) string { return "" })
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			for j := 0; j < each; j++ {
				if _, err := AppendNote(r, NotesRef, c, [][]byte{[]byte(fmt.Sprintf("goroutine%d-%d", i, j))}, ntSig); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			cmd := ntHelperCmd(t, ntHelperEnv+"=append", "NOTES_REPO="+dir, "NOTES_COMMIT="+c.String(),
				fmt.Sprintf("NOTES_PREFIX=process%d", i), fmt.Sprintf("NOTES_COUNT=%d", each))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("helper process %d: %v\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := ntNotes(t, dir)
	if n.Len() != len(commits) {
		t.Fatalf("%d notes, want %d", n.Len(), len(commits))
	}
	for i, c := range commits {
		var want []string
		for j := 0; j < each; j++ {
			want = append(want, fmt.Sprintf("goroutine%d-%d", i, j), fmt.Sprintf("process%d-%d", i, j))
		}
		sort.Strings(want)
		if diff := cmp.Diff(want, sortedLines(ntRead(t, n, c))); diff != "" {
			t.Fatalf("note of commit %d (-want +got):\n%s", i, diff)
		}
	}
	if got := strings.Count(g.run(dir, "rev-list", NotesRef), "\n") + 1; got != 2*each*len(commits) {
		t.Fatalf("%d notes commits, want one per append (%d)", got, 2*each*len(commits))
	}
	g.run(dir, "fsck", "--strict", "--no-dangling")
}

// TestAppendNoteWithGitLoop: our appends race git notes append running in
// a loop. git's notes commands are last-writer-wins (see
// TestGitNotesDropsConcurrentNotes), so the repository has the
// CheckNotesAppendOnly reference-transaction hook: a git update that would
// drop a line fails and the loop retries it. Nothing is lost either way.
func TestAppendNoteWithGitLoop(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	commits := ntRepo(t, g, dir, 5)
	installNotesHook(t, dir)
	const gitAppends, ourAppends = 20, 10
	gitTarget := commits[4]
	script := fmt.Sprintf(`i=0; retries=0
while [ $i -lt %d ]; do
	if git notes --ref agentcheck append -m "git-$i" %s 2>/dev/null; then i=$((i+1)); else retries=$((retries+1)); fi
done
echo $retries`, gitAppends, gitTarget)
	var wg sync.WaitGroup
	var gitOut string
	var gitErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		gitOut, gitErr = g.shell(dir, nil, script)
	}()
	errs := make(chan error, 4)
	for w, c := range commits[:4] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := Open(dir, func(string) string { return "" })
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			for j := 0; j < ourAppends; j++ {
				line := []byte(fmt.Sprintf("ours%d-%d", w, j))
				target := c
				if j%2 == 1 {
					target = gitTarget // share git's note too
				}
				if _, err := AppendNote(r, NotesRef, target, [][]byte{line}, ntSig); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if gitErr != nil {
		t.Fatal(gitErr)
	}
	t.Logf("git notes append retried %s times after the hook refused a lossy update", strings.TrimSpace(gitOut))
	n := ntNotes(t, dir)
	all := map[string]bool{}
	for _, c := range commits {
		if _, ok := n.Lookup(c); !ok {
			continue
		}
		for _, l := range sortedLines(ntRead(t, n, c)) {
			all[l] = true
		}
	}
	for i := 0; i < gitAppends; i++ {
		if !all[fmt.Sprintf("git-%d", i)] {
			t.Errorf("git's line git-%d was lost", i)
		}
	}
	for w := 0; w < 4; w++ {
		for j := 0; j < ourAppends; j++ {
			if l := fmt.Sprintf("ours%d-%d", w, j); !all[l] {
				t.Errorf("our line %s was lost", l)
			}
		}
	}
}

// TestGitNotesDropsConcurrentNotes documents why the hook above exists:
// git notes builds its tree from the notes it read when it started but
// takes the parent from the ref when it finishes, with no compare-and-swap,
// so a note written in between (by us, or by another git) silently
// disappears. The CheckNotesAppendOnly hook turns that into a failure of
// the git command.
func TestGitNotesDropsConcurrentNotes(t *testing.T) {
	for _, withHook := range []bool{false, true} {
		t.Run(fmt.Sprintf("hook=%v", withHook), func(t *testing.T) {
			g := newNtGit(t)
			dir := t.TempDir()
			commits := ntRepo(t, g, dir, 3)
			if withHook {
				installNotesHook(t, dir)
			}
			r := ntOpen(t, dir)
			ntAppend(t, r, commits[0], "before")
			// A slow git notes add: its editor waits until we have written.
			ready, goOn := filepath.Join(dir, "ready"), filepath.Join(dir, "go")
			editor := fmt.Sprintf(`sh -c 'touch %s; while [ ! -e %s ]; do sleep 0.02; done; echo slow > "$1"' --`, ready, goOn)
			cmd := exec.Command(ntGitBin, "notes", "--ref", "agentcheck", "add", commits[1].String())
			cmd.Dir = dir
			cmd.Env = append(append([]string(nil), g.env...), "GIT_EDITOR="+editor)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				if _, err := os.Stat(ready); err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("git's editor never started")
				}
			}
			ntAppend(t, r, commits[2], "ours, written while git edits")
			if err := os.WriteFile(goOn, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			gitErr := cmd.Wait()
			n := ntNotes(t, dir)
			_, ours := n.Lookup(commits[2])
			if withHook {
				if gitErr == nil || !ours {
					t.Fatalf("with the hook: git succeeded=%v, our note kept=%v\n%s", gitErr == nil, ours, stderr.String())
				}
				return
			}
			if gitErr != nil {
				t.Fatalf("git notes add: %v\n%s", gitErr, stderr.String())
			}
			if ours {
				t.Fatal("git kept the concurrent note: git's notes update has changed; revisit CheckNotesAppendOnly")
			}
			if _, ok := n.Lookup(commits[0]); !ok {
				t.Fatal("the note git read at its start is gone")
			}
		})
	}
}

func firstN(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func firstMatching(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// CheckNotesAppendOnly reads only where two notes trees differ; these
// trees hold the same 300 notes laid out flat and fanned out, so that
// whole subtrees differ in shape while the notes do not.
func TestCheckNotesAppendOnlyLayouts(t *testing.T) {
	g := newNtGit(t)
	dir := t.TempDir()
	ntRepo(t, g, dir, 1)
	r := ntOpen(t, dir)
	write := func(typ plumbing.ObjectType, data []byte) plumbing.Hash {
		t.Helper()
		h, err := r.Objects.Write(typ, data)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tree := func(entries map[string]plumbing.Hash) plumbing.Hash {
		names := slices.Sorted(maps.Keys(entries))
		var b bytes.Buffer
		for _, name := range names {
			mode := "100644"
			if len(name) == 2 {
				mode = "40000"
			}
			h := entries[name]
			fmt.Fprintf(&b, "%s %s\x00", mode, name)
			b.Write(h[:])
		}
		return write(plumbing.TreeObject, b.Bytes())
	}
	commit := func(notes map[plumbing.Hash]string, fanout bool) plumbing.Hash {
		root, subs := map[string]plumbing.Hash{}, map[string]map[string]plumbing.Hash{}
		for c, text := range notes {
			blob := write(plumbing.BlobObject, []byte(text))
			if !fanout {
				root[c.String()] = blob
				continue
			}
			if subs[c.String()[:2]] == nil {
				subs[c.String()[:2]] = map[string]plumbing.Hash{}
			}
			subs[c.String()[:2]][c.String()[2:]] = blob
		}
		for name, entries := range subs {
			root[name] = tree(entries)
		}
		return write(plumbing.CommitObject, fmt.Appendf(nil, "tree %s\nauthor a <a> 0 +0000\ncommitter a <a> 0 +0000\n\nnotes\n", tree(root)))
	}
	notes := map[plumbing.Hash]string{}
	var some plumbing.Hash
	for i := range 300 {
		c := plumbing.ComputeHash(plumbing.CommitObject, fmt.Appendf(nil, "commit %d", i))
		notes[c] = fmt.Sprintf("line one of %d\nline two of %d\n", i, i)
		some = c
	}
	with := func(c plumbing.Hash, text string) map[plumbing.Hash]string {
		m := maps.Clone(notes)
		if text == "" {
			delete(m, c)
		} else {
			m[c] = text
		}
		return m
	}
	flat, fanned := commit(notes, false), commit(notes, true)
	var extra plumbing.Hash
	extra[0] = 0xab
	for _, tc := range []struct {
		name       string
		prev, next plumbing.Hash
		dropped    bool
	}{
		{"flat to fanned", flat, fanned, false},
		{"fanned to flat", fanned, flat, false},
		{"a note appended", fanned, commit(with(extra, "new\n"), true), false},
		{"a line appended", fanned, commit(with(some, notes[some]+"line three\n"), true), false},
		{"lines reordered", fanned, commit(with(some, "line two of 299\nline one of 299\n"), false), false},
		{"a line dropped", fanned, commit(with(some, "line one of 299\n"), true), true},
		{"a line dropped, and the layout changed", flat, commit(with(some, "line one of 299\n"), true), true},
		{"a note dropped", fanned, commit(with(some, ""), true), true},
		{"a note dropped, and the layout changed", fanned, commit(with(some, ""), false), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckNotesAppendOnly(r.Objects, tc.prev, tc.next)
			if tc.dropped != errors.Is(err, ErrNoteLineDropped) || !tc.dropped && err != nil {
				t.Fatalf("CheckNotesAppendOnly = %v, want a dropped line: %v", err, tc.dropped)
			}
		})
	}
}

package git

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Git notes, read and written in exactly git's format (go-git has no notes
// API), so that git notes show/append/merge and agentcheck interoperate.
//
// A notes ref points at a commit whose tree maps annotated object ids to
// note blobs. Paths are the 40 hex digits of the id, either flat or split
// into fan-out directories of two digits each ("ab/cdef…", "ab/cd/ef…").
// Entries that do not fit that pattern are "non-notes"; git keeps them when
// it rewrites the tree and so do we. See git's notes.c.

// MaxNoteSize is the largest note this package reads or writes. Notes come
// from whoever can push to the notes ref: they are hostile input.
const MaxNoteSize = 16 << 20

// notesCommitMessage follows git's "Notes added by 'git notes add'".
const notesCommitMessage = "Notes added by 'agentcheck attest'\n"

// ErrNoteNotFound is returned by Notes.Read for an object without a note.
var ErrNoteNotFound = errors.New("no note")

// ErrNoteTooLarge matches every *NoteTooLargeError with errors.Is.
var ErrNoteTooLarge = errors.New("note too large")

// NoteTooLargeError reports a note over the size limit; it was not read.
type NoteTooLargeError struct {
	Commit plumbing.Hash
	Size   int64
	Limit  int64
}

func (e *NoteTooLargeError) Error() string {
	return fmt.Sprintf("note for %s is %d bytes, over the limit of %d", e.Commit, e.Size, e.Limit)
}

// Is makes errors.Is(err, ErrNoteTooLarge) true.
func (e *NoteTooLargeError) Is(target error) bool { return target == ErrNoteTooLarge }

// Notes is an index of a whole notes tree, annotated object → note blob
// ([LoadNotes]), or a reader of the notes of a few objects ([OpenNotes]).
type Notes struct {
	s    *Store
	tip  plumbing.Hash                     // the notes commit; zero for none
	tree plumbing.Hash                     // its tree
	note map[plumbing.Hash]plumbing.Hash   // object → note blob
	dups map[plumbing.Hash][]plumbing.Hash // further blobs for the same object
	non  []nonNote                         // entries that are not notes

	// lazy is set by OpenNotes: Read looks each note up in the tree, and
	// the index above is loaded by index, once, when it is needed.
	lazy    bool
	indexed sync.Once

	// levels holds the (sub)trees Read has looked notes up in, as find
	// reads them, up to maxLevelBytes: a check of a range looks up a note
	// for every commit, most of them through the same fan-out trees.
	levelsMu    sync.Mutex
	levels      map[plumbing.Hash]*noteLevel
	levelsBytes int
}

// maxLevelBytes bounds the note levels a Notes keeps: about 20,000 notes'
// entries, or all the fan-out directories of two levels (65,792).
const maxLevelBytes = 1 << 20

// nonNote is a tree entry that is not part of the notes structure, by its
// full path as git reconstructs it.
type nonNote struct {
	path string
	mode filemode.FileMode
	hash plumbing.Hash
}

// LoadNotes indexes the notes tree of notesCommit, reading fan-out
// directories at any depth and remembering entries that are not notes. A
// zero notesCommit means there are no notes.
func LoadNotes(s *Store, notesCommit plumbing.Hash) (*Notes, error) {
	n := &Notes{s: s, tip: notesCommit, note: map[plumbing.Hash]plumbing.Hash{}}
	if notesCommit.IsZero() {
		return n, nil
	}
	tree, err := notesTree(s, notesCommit)
	if err != nil {
		return nil, err
	}
	n.tree = tree
	var key plumbing.Hash
	if err := n.load(tree, key, 0); err != nil {
		return nil, fmt.Errorf("reading notes tree of %s: %w", notesCommit, err)
	}
	return n, nil
}

// OpenNotes is LoadNotes for reading the notes of some objects of a tree
// that may hold many: it reads the notes commit, and Read then reads only
// the subtrees on the way to each note asked for, where LoadNotes reads
// them all. A notes tree of 100,000 notes, fanned out in two levels, takes
// LoadNotes 51,580 trees and 160 ms; Read of one note three.
//
// A broken part of the tree is an error of the Read that meets it. Len,
// Commits and Lookup need the whole index: on a Notes from OpenNotes they
// load it the first time, and take a tree they cannot read as holding no
// notes; use LoadNotes where that matters.
func OpenNotes(s *Store, notesCommit plumbing.Hash) (*Notes, error) {
	n := &Notes{s: s, tip: notesCommit, lazy: true}
	if notesCommit.IsZero() {
		return n, nil
	}
	tree, err := notesTree(s, notesCommit)
	if err != nil {
		return nil, err
	}
	n.tree = tree
	return n, nil
}

// notesTree returns the tree of a notes commit.
func notesTree(s *Store, notesCommit plumbing.Hash) (plumbing.Hash, error) {
	t, data, err := s.Read(notesCommit)
	if err == nil && t != plumbing.CommitObject {
		err = fmt.Errorf("object is a %s", t)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading notes commit %s: %w", notesCommit, err)
	}
	c, err := ParseCommit(notesCommit, data)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading notes commit %s: %w", notesCommit, err)
	}
	return c.Tree, nil
}

// index loads the whole index of a Notes from OpenNotes.
func (n *Notes) index() {
	if !n.lazy {
		return
	}
	n.indexed.Do(func() {
		full := &Notes{s: n.s, note: map[plumbing.Hash]plumbing.Hash{}}
		var key plumbing.Hash
		if !n.tree.IsZero() {
			_ = full.load(n.tree, key, 0) // documented: unreadable reads as empty
		}
		n.note, n.dups, n.non = full.note, full.dups, full.non
	})
}

// find returns the note blobs of key in the notes (sub)tree whose entries
// continue the first prefix bytes of key, in the order load meets them:
// the entries load would index for key, and only those.
func (n *Notes) find(tree plumbing.Hash, key plumbing.Hash, prefix int, out []plumbing.Hash) ([]plumbing.Hash, error) {
	lvl, err := n.level(tree, prefix)
	if err != nil {
		return nil, err
	}
	for _, e := range lvl.byFirst[key[prefix]] {
		switch {
		case !e.dir:
			if bytes.Equal(e.rest, key[prefix:]) {
				out = append(out, e.hash)
			}
		default:
			if out, err = n.find(e.hash, key, prefix+1, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// noteLevel is a notes (sub)tree as find reads it: the entries that can
// hold notes, in tree order, by the first byte of the id their name
// continues.
type noteLevel struct {
	byFirst map[byte][]noteEntry
}

type noteEntry struct {
	hash plumbing.Hash
	dir  bool   // a fan-out directory; else a note
	rest []byte // a note's id from this level on
}

// level reads the notes (sub)tree at prefix bytes of the id, or returns it
// as read before.
func (n *Notes) level(tree plumbing.Hash, prefix int) (*noteLevel, error) {
	n.levelsMu.Lock()
	lvl := n.levels[tree]
	n.levelsMu.Unlock()
	if lvl != nil {
		return lvl, nil
	}
	data, err := readNoteObject(n.s, tree, plumbing.TreeObject)
	if err != nil {
		return nil, err
	}
	lvl = &noteLevel{byFirst: map[byte][]noteEntry{}}
	rest := 2 * (len(plumbing.Hash{}) - prefix) // hex digits still missing
	size := len(data)
	err = walkTree(tree, data, func(mode filemode.FileMode, name []byte, h plumbing.Hash) error {
		switch {
		case len(name) == rest && isRegularMode(mode):
			id := make([]byte, rest/2)
			if decodeHex(id, name) {
				lvl.byFirst[id[0]] = append(lvl.byFirst[id[0]], noteEntry{hash: h, rest: id})
			}
		case len(name) == 2 && mode == filemode.Dir && rest > 2:
			var b [1]byte
			if decodeHex(b[:], name) {
				lvl.byFirst[b[0]] = append(lvl.byFirst[b[0]], noteEntry{hash: h, dir: true})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	n.levelsMu.Lock()
	defer n.levelsMu.Unlock()
	if n.levelsBytes+size <= maxLevelBytes {
		if n.levels == nil {
			n.levels = map[plumbing.Hash]*noteLevel{}
		}
		n.levels[tree] = lvl
		n.levelsBytes += size
	}
	return lvl, nil
}

// blobs returns the note blobs of commit, the first one first.
func (n *Notes) blobs(commit plumbing.Hash) ([]plumbing.Hash, error) {
	if !n.lazy {
		first, ok := n.note[commit]
		if !ok {
			return nil, nil
		}
		return append([]plumbing.Hash{first}, n.dups[commit]...), nil
	}
	if n.tree.IsZero() {
		return nil, nil
	}
	blobs, err := n.find(n.tree, commit, 0, nil)
	if err != nil {
		return nil, fmt.Errorf("reading notes tree of %s: %w", n.tip, err)
	}
	return blobs, nil
}

// load reads the notes (sub)tree whose entries continue the first prefix
// bytes of key, as git's load_subtree does.
func (n *Notes) load(tree plumbing.Hash, key plumbing.Hash, prefix int) error {
	data, err := readNoteObject(n.s, tree, plumbing.TreeObject)
	if err != nil {
		return err
	}
	rest := 2 * (len(key) - prefix) // hex digits still missing
	return walkTree(tree, data, func(mode filemode.FileMode, name []byte, h plumbing.Hash) error {
		switch {
		case len(name) == rest && isRegularMode(mode) && decodeHex(key[prefix:], name):
			n.add(key, h)
			return nil
		case len(name) == 2 && mode == filemode.Dir && rest > 2 && decodeHex(key[prefix:prefix+1], name):
			return n.load(h, key, prefix+1)
		}
		// Not a note: git names it by the fan-out path of its subtree.
		var p strings.Builder
		for i := 0; i < prefix; i++ {
			fmt.Fprintf(&p, "%02x/", key[i])
		}
		p.Write(name)
		n.non = append(n.non, nonNote{p.String(), mode, h})
		return nil
	})
}

func (n *Notes) add(key, blob plumbing.Hash) {
	if _, ok := n.note[key]; !ok {
		n.note[key] = blob
		return
	}
	if n.dups == nil {
		n.dups = map[plumbing.Hash][]plumbing.Hash{}
	}
	n.dups[key] = append(n.dups[key], blob)
}

// Tip returns the notes commit the index was loaded from.
func (n *Notes) Tip() plumbing.Hash { return n.tip }

// Len returns the number of annotated objects.
func (n *Notes) Len() int {
	n.index()
	return len(n.note)
}

// Commits returns the annotated object ids, sorted.
func (n *Notes) Commits() []plumbing.Hash {
	n.index()
	out := make([]plumbing.Hash, 0, len(n.note))
	for h := range n.note {
		out = append(out, h)
	}
	sortNoteKeys(out)
	return out
}

// Lookup returns the note blob of commit. If a malformed tree holds several
// notes for the commit, it returns the first; Read combines them all.
func (n *Notes) Lookup(commit plumbing.Hash) (plumbing.Hash, bool) {
	n.index()
	h, ok := n.note[commit]
	return h, ok
}

// Read returns the note of commit. It refuses, without reading them, notes
// larger than limit bytes (*NoteTooLargeError). Several notes for one
// object (a tree with both flat and fanned-out entries) are combined as git
// combines them when it loads such a tree: separated by a blank line.
func (n *Notes) Read(commit plumbing.Hash, limit int64) ([]byte, error) {
	blobs, err := n.blobs(commit)
	if err != nil {
		return nil, fmt.Errorf("reading note for %s: %w", commit, err)
	}
	if len(blobs) == 0 {
		return nil, fmt.Errorf("reading note for %s: %w", commit, ErrNoteNotFound)
	}
	first := blobs[0]
	if len(blobs) == 1 {
		// One note: the store checks the size as it reads.
		t, data, err := n.s.ReadLimit(first, limit)
		var tl *TooLargeError
		switch {
		case errors.As(err, &tl):
			return nil, fmt.Errorf("reading note for %s: %w", commit, &NoteTooLargeError{Commit: commit, Size: tl.Size, Limit: limit})
		case err != nil:
			return nil, fmt.Errorf("reading note for %s: blob %s: %w", commit, first, err)
		case t != plumbing.BlobObject:
			return nil, fmt.Errorf("reading note for %s: object %s is a %s, not a blob", commit, first, t)
		case len(data) == 0:
			return nil, nil
		}
		return data, nil // the store keeps no blob: the caller's own
	}
	var total int64
	for _, b := range blobs {
		size, err := noteObjectSize(n.s, b)
		if err != nil {
			return nil, fmt.Errorf("reading note for %s: blob %s: %w", commit, b, err)
		}
		total += size + 2
		if total-2 > limit {
			return nil, fmt.Errorf("reading note for %s: %w", commit, &NoteTooLargeError{Commit: commit, Size: total - 2, Limit: limit})
		}
	}
	var out []byte
	for _, b := range blobs {
		data, err := readNoteObject(n.s, b, plumbing.BlobObject)
		if err != nil {
			return nil, fmt.Errorf("reading note for %s: %w", commit, err)
		}
		out = combineNotes(out, data)
	}
	if int64(len(out)) > limit { // sizes may lie in a corrupt store
		return nil, fmt.Errorf("reading note for %s: %w", commit, &NoteTooLargeError{Commit: commit, Size: int64(len(out)), Limit: limit})
	}
	return out, nil
}

// combineNotes is git's combine_notes_concatenate: an empty side yields the
// other; otherwise cur without its final newline, a blank line, then next.
func combineNotes(cur, next []byte) []byte {
	switch {
	case len(next) == 0:
		return cur
	case len(cur) == 0:
		return append([]byte(nil), next...)
	}
	cur = bytes.TrimSuffix(cur, []byte("\n"))
	out := make([]byte, 0, len(cur)+2+len(next))
	out = append(out, cur...)
	out = append(out, '\n', '\n')
	return append(out, next...)
}

// CheckNotesAppendOnly checks that the notes commit next keeps every line
// of every note of prev (as sets of lines: a cat_sort_uniq merge reorders
// them). It is meant for a reference-transaction hook on NotesRef: git's
// notes commands do not compare-and-swap; they build the tree from the
// notes they read when they started but take the parent from the ref when
// they finish, so a note written meanwhile is silently dropped. With this
// check in the hook, such an update is refused and the git command fails
// instead. A zero prev always passes.
//
// It reads only the parts of the two trees that differ: a note whose entry
// is at the same place with the same blob in both keeps its lines. Appending
// one note to a tree of 100,000 reads six trees, not the 103,000 of both
// whole trees.
func CheckNotesAppendOnly(s *Store, prev, next plumbing.Hash) error {
	if prev.IsZero() || prev == next {
		return nil
	}
	before, err := OpenNotes(s, prev)
	if err != nil {
		return err
	}
	after, err := OpenNotes(s, next)
	if err != nil {
		return err
	}
	if before.tree == after.tree {
		return nil
	}
	var changed []plumbing.Hash
	var key plumbing.Hash
	if err := changedNotes(s, before.tree, after.tree, key, 0, &changed); err != nil {
		return fmt.Errorf("checking notes %s against %s: reading notes tree: %w", next, prev, err)
	}
	sortNoteKeys(changed)
	changed = slices.Compact(changed)
	for _, c := range changed {
		old, err := before.Read(c, MaxNoteSize)
		if err != nil {
			return fmt.Errorf("checking notes %s against %s: %w", next, prev, err)
		}
		cur, err := after.Read(c, MaxNoteSize)
		if err != nil && !errors.Is(err, ErrNoteNotFound) {
			return fmt.Errorf("checking notes %s against %s: %w", next, prev, err)
		}
		have := map[string]bool{}
		for _, l := range bytes.Split(cur, []byte("\n")) {
			have[string(l)] = true
		}
		for _, l := range bytes.Split(old, []byte("\n")) {
			if len(l) > 0 && !have[string(l)] {
				return fmt.Errorf("notes commit %s drops a line of the note for %s that %s has: %w", next, c, prev, ErrNoteLineDropped)
			}
		}
	}
	return nil
}

// changedNotes appends to out the objects with a note entry in the notes
// (sub)tree a, whose entries continue the first prefix bytes of key, that
// is not also in b (the same place in the other tree; zero for none) with
// the same mode and id. An entry that is in b stays where Notes.Read finds
// it, so its note keeps its lines; only the others need reading. A subtree
// that differs is compared entry by entry in turn.
func changedNotes(s *Store, a, b plumbing.Hash, key plumbing.Hash, prefix int, out *[]plumbing.Hash) error {
	if a == b {
		return nil
	}
	type entry struct {
		mode filemode.FileMode
		h    plumbing.Hash
	}
	kept := map[string]entry{}
	if !b.IsZero() {
		data, err := readNoteObject(s, b, plumbing.TreeObject)
		if err != nil {
			return err
		}
		if err := walkTree(b, data, func(mode filemode.FileMode, name []byte, h plumbing.Hash) error {
			kept[string(name)] = entry{mode, h}
			return nil
		}); err != nil {
			return err
		}
	}
	data, err := readNoteObject(s, a, plumbing.TreeObject)
	if err != nil {
		return err
	}
	rest := 2 * (len(key) - prefix)
	return walkTree(a, data, func(mode filemode.FileMode, name []byte, h plumbing.Hash) error {
		other, inB := kept[string(name)]
		if inB && other == (entry{mode, h}) {
			return nil
		}
		k := key
		switch {
		case len(name) == rest && isRegularMode(mode) && decodeHex(k[prefix:], name):
			*out = append(*out, k)
		case len(name) == 2 && mode == filemode.Dir && rest > 2 && decodeHex(k[prefix:prefix+1], name):
			sub := plumbing.ZeroHash
			if inB && other.mode == filemode.Dir {
				sub = other.h
			}
			return changedNotes(s, h, sub, k, prefix+1, out)
		}
		return nil // not a note
	})
}

// ErrNoteLineDropped is returned by CheckNotesAppendOnly.
var ErrNoteLineDropped = errors.New("note line dropped")

// readNoteObject reads an object of type want. The slice is shared with the
// store's cache: callers must not modify it.
func readNoteObject(s *Store, h plumbing.Hash, want plumbing.ObjectType) ([]byte, error) {
	t, data, err := s.Read(h)
	if err != nil {
		return nil, err
	}
	if t != want {
		return nil, fmt.Errorf("object %s is a %s, not a %s", h, t, want)
	}
	return data, nil
}

// noteObjectSize returns the size of note blob h without reading it.
func noteObjectSize(s *Store, h plumbing.Hash) (int64, error) {
	t, size, err := s.Stat(h)
	if err == nil && t != plumbing.BlobObject {
		return 0, fmt.Errorf("object %s is a %s, not a blob", h, t)
	}
	return size, err
}

// isRegularMode reports whether a canonical tree entry mode is a file's
// (notes are files; anything else in the tree is kept as it is).
func isRegularMode(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable
}

func sortNoteKeys(hs []plumbing.Hash) {
	sort.Slice(hs, func(i, j int) bool { return bytes.Compare(hs[i][:], hs[j][:]) < 0 })
}

// Retry policy of AppendNote against concurrent writers: retry for up to
// appendTimeout, sleeping a jittered, doubling backoff between attempts.
const (
	appendTimeout    = 30 * time.Second
	appendBackoffMin = time.Millisecond
	appendBackoffMax = 50 * time.Millisecond
)

// AppendNote adds lines to commit's note in ref, one line each, and
// returns how many it added. It never drops an existing line and skips
// lines already present byte for byte, so running it again adds nothing;
// the note always ends with a newline. It writes the note blob, a new
// notes tree (every other note and non-note entry kept, fan-out as git
// chooses it) and a notes commit on top of the old one, then moves ref
// with a compare-and-swap. If another writer (agentcheck or git) moved or
// locked the ref meanwhile, it starts over from the new tip, with a short
// jittered backoff, so that concurrent appends lose nothing.
//
// Lines must not contain newlines; empty lines are ignored.
func AppendNote(repo *Repo, ref string, commit plumbing.Hash, lines [][]byte, sig Signature) (added int, err error) {
	for _, l := range lines {
		if bytes.IndexByte(l, '\n') >= 0 {
			return 0, fmt.Errorf("appending note to %s: a line contains a newline", commit)
		}
	}
	if ok, err := repo.Objects.Has(commit); err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	} else if !ok {
		return 0, fmt.Errorf("appending note to %s: %w", commit, plumbing.ErrObjectNotFound)
	}
	start := time.Now()
	backoff := appendBackoffMin
	for attempt := 1; ; attempt++ {
		added, err := appendOnce(repo, ref, commit, lines, sig)
		if err == nil || !(errors.Is(err, ErrRefChanged) || errors.Is(err, ErrRefLocked)) {
			return added, err
		}
		if time.Since(start) > appendTimeout {
			return 0, fmt.Errorf("appending note to %s: gave up after %d attempts in %v: %w", commit, attempt, time.Since(start).Round(time.Second), err)
		}
		time.Sleep(backoff/2 + rand.N(backoff/2+1))
		backoff = min(2*backoff, appendBackoffMax)
	}
}

// appendOnce is one read-modify-write of the notes ref.
func appendOnce(repo *Repo, ref string, commit plumbing.Hash, lines [][]byte, sig Signature) (int, error) {
	old, err := repo.Ref(ref)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		old, err = plumbing.ZeroHash, nil
	}
	if err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	notes, err := LoadNotes(repo.Objects, old)
	if err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	cur, err := notes.Read(commit, MaxNoteSize)
	if errors.Is(err, ErrNoteNotFound) {
		cur, err = nil, nil
	}
	if err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	have := map[string]bool{}
	for _, l := range bytes.Split(cur, []byte("\n")) {
		have[string(l)] = true
	}
	content := append([]byte(nil), cur...)
	if len(content) > 0 && content[len(content)-1] != '\n' {
		content = append(content, '\n')
	}
	added := 0
	for _, l := range lines {
		if len(l) == 0 || have[string(l)] {
			continue
		}
		have[string(l)] = true
		content = append(append(content, l...), '\n')
		added++
	}
	if added == 0 {
		return 0, nil
	}
	if len(content) > MaxNoteSize {
		return 0, fmt.Errorf("appending note to %s: %w", commit, &NoteTooLargeError{Commit: commit, Size: int64(len(content)), Limit: MaxNoteSize})
	}
	blob, err := repo.Objects.Write(plumbing.BlobObject, content)
	if err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	tree, err := notes.writeTree(repo.Objects, commit, blob)
	if err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	var parents []plumbing.Hash
	if !old.IsZero() {
		parents = []plumbing.Hash{old}
	}
	tip, err := repo.Objects.Write(plumbing.CommitObject, encodeCommit(tree, parents, sig, notesCommitMessage))
	if err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	if err := repo.UpdateRef(ref, tip, old); err != nil {
		return 0, fmt.Errorf("appending note to %s: %w", commit, err)
	}
	return added, nil
}

// writeTree writes the notes tree with commit's note replaced by blob and
// returns the root tree id. Duplicate entries for one object (see Read) are
// merged into one note.
func (n *Notes) writeTree(w *Store, commit, blob plumbing.Hash) (plumbing.Hash, error) {
	keys := make([]plumbing.Hash, 0, len(n.note)+1)
	for k := range n.note {
		if k != commit {
			keys = append(keys, k)
		}
	}
	keys = append(keys, commit)
	sortNoteKeys(keys)
	// Several notes for one object become one, combined as git does.
	merged := map[plumbing.Hash]plumbing.Hash{commit: blob}
	for k := range n.dups {
		if k == commit {
			continue
		}
		content, err := n.Read(k, MaxNoteSize)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if merged[k], err = w.Write(plumbing.BlobObject, content); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	root := &noteDir{}
	notePaths := map[string]bool{}
	for i, f := range fanouts(keys) {
		k := keys[i]
		v, ok := merged[k]
		if !ok {
			v = n.note[k]
		}
		p := notePath(k, f)
		notePaths[p] = true
		if err := root.insert(p, filemode.Regular, v); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	for _, nn := range n.non {
		if notePaths[nn.path] {
			continue // git prefers the note
		}
		if err := root.insert(nn.path, nn.mode, nn.hash); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return root.write(w)
}

// fanouts returns, for sorted distinct keys, the fan-out depth of each
// note's path as git's notes.c chooses it when it writes a fully loaded
// notes tree. git keeps notes in a 16-ary trie (one level per hex digit)
// in which a key sits alone in its slot once no other key shares its
// prefix. Walking the trie, at every even level n == 2*fanout it looks at
// the node's 16 slots: if each holds at least two keys (a subtree), the
// fan-out grows by one for everything below (determine_fanout). A note's
// path uses the fan-out in force at its slot.
func fanouts(keys []plumbing.Hash) []int {
	out := make([]int, len(keys))
	var walk func(lo, hi, n, fanout int)
	walk = func(lo, hi, n, fanout int) {
		// keys[lo:hi], at least two, share their first n hex digits.
		var bounds [17]int
		bounds[0] = lo
		i := lo
		for d := 0; d < 16; d++ {
			for i < hi && keyNibble(keys[i], n) == d {
				i++
			}
			bounds[d+1] = i
		}
		if n%2 == 0 && n <= 2*fanout {
			all := true
			for d := 0; d < 16; d++ {
				if bounds[d+1]-bounds[d] < 2 {
					all = false
					break
				}
			}
			if all {
				fanout++
			}
		}
		for d := 0; d < 16; d++ {
			switch size := bounds[d+1] - bounds[d]; {
			case size == 1:
				out[bounds[d]] = fanout
			case size > 1:
				walk(bounds[d], bounds[d+1], n+1, fanout)
			}
		}
	}
	if len(keys) > 1 {
		walk(0, len(keys), 0, 0)
	}
	return out
}

func keyNibble(h plumbing.Hash, n int) int {
	b := h[n/2]
	if n%2 == 0 {
		return int(b >> 4)
	}
	return int(b & 0xf)
}

// notePath is git's construct_path_with_fanout.
func notePath(h plumbing.Hash, fanout int) string {
	hex := h.String()
	var b strings.Builder
	for i := 0; i < fanout; i++ {
		b.WriteString(hex[2*i : 2*i+2])
		b.WriteByte('/')
	}
	b.WriteString(hex[2*fanout:])
	return b.String()
}

// noteDir builds a tree object from paths.
type noteDir struct {
	entries map[string]*noteDirEntry
}

type noteDirEntry struct {
	mode filemode.FileMode
	hash plumbing.Hash
	dir  *noteDir // for directories built here
}

func (d *noteDir) insert(path string, mode filemode.FileMode, h plumbing.Hash) error {
	name, rest, isDir := strings.Cut(path, "/")
	if d.entries == nil {
		d.entries = map[string]*noteDirEntry{}
	}
	e, exists := d.entries[name]
	if !isDir {
		if exists {
			return fmt.Errorf("notes tree has conflicting entries at %s", path)
		}
		d.entries[name] = &noteDirEntry{mode: mode, hash: h}
		return nil
	}
	if exists && e.dir == nil {
		return fmt.Errorf("notes tree has a non-note entry where a directory is needed: %s", name)
	}
	if !exists {
		e = &noteDirEntry{mode: filemode.Dir, dir: &noteDir{}}
		d.entries[name] = e
	}
	return e.dir.insert(rest, mode, h)
}

// write writes d and its subdirectories as git tree objects, entries in
// git's order (a directory sorts as if its name ended in '/').
func (d *noteDir) write(w *Store) (plumbing.Hash, error) {
	type named struct {
		name string
		e    *noteDirEntry
	}
	list := make([]named, 0, len(d.entries))
	for name, e := range d.entries {
		if e.dir != nil {
			h, err := e.dir.write(w)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			e.hash = h
		}
		list = append(list, named{name, e})
	}
	key := func(x named) string {
		if x.e.mode == filemode.Dir {
			return x.name + "/"
		}
		return x.name
	}
	sort.Slice(list, func(i, j int) bool { return key(list[i]) < key(list[j]) })
	var buf bytes.Buffer
	for _, x := range list {
		buf.WriteString(strconv.FormatUint(uint64(x.e.mode), 8))
		buf.WriteByte(' ')
		buf.WriteString(x.name)
		buf.WriteByte(0)
		buf.Write(x.e.hash[:])
	}
	return w.Write(plumbing.TreeObject, buf.Bytes())
}

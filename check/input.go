package check

import (
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Commit is what the rules know of a commit: its metadata, not its objects.
type Commit struct {
	Hash      plumbing.Hash
	Subject   string // the first line of the message
	Author    Person
	Committer Person
	// Trailers are the "Key: value" lines of the message's last
	// paragraph, trimmed.
	Trailers []string
}

// Person is the author or committer of a commit.
type Person struct {
	Name  string
	Email string
	When  time.Time
}

// Note is what a commit's note gives the rules.
type Note struct {
	// Lines are the note's non-empty lines, trimmed: each should be one
	// envelope (a session manifest or an approval).
	Lines [][]byte
	// MoreLines counts the lines after Lines that the reader did not
	// keep: a note of more than MaxNoteLines is an AC009 error.
	MoreLines int
	// OverLimit is set, to the limit, when the note was larger than its
	// reader allows and was not read: an AC009 error.
	OverLimit int64
}

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
	// ModeChanged is a change of mode, with or without a change of content.
	ModeChanged
)

// Change is one changed path of a commit: a file, symlink or submodule.
type Change struct {
	// Path is the path the change is about, relative to the repository root
	// with '/' separators: the new path of a rename, the removed path of a
	// deletion.
	Path string
	// OldPath is the path before a rename; it is "" for other kinds.
	OldPath string
	Kind    ChangeKind
	// OldMode and OldBlob describe the old side (zero for additions),
	// NewMode and NewBlob the new side (zero for deletions).
	OldMode, NewMode filemode.FileMode
	OldBlob, NewBlob plumbing.Hash
	// LinkTarget is set when the new side is a symlink: its target,
	// relative to the repository root and cleaned, or as it is when it is
	// absolute or leaves the repository. A symlink whose target is a
	// protected path touches that path.
	LinkTarget string
}

// touchesGitlink reports whether either side of the change is a submodule
// pointer (a gitlink, mode 160000).
func (c Change) touchesGitlink() bool {
	return c.OldMode == filemode.Submodule || c.NewMode == filemode.Submodule
}

// Paths returns the paths the change touches: both paths of a rename, else
// Path alone.
func (c Change) Paths() []string {
	if c.Kind == Renamed {
		return []string{c.OldPath, c.Path}
	}
	return []string{c.Path}
}

// TreeProblem is an entry of a commit's new trees that git fsck rejects, or
// a tree the gate cannot read as git does.
type TreeProblem struct {
	Path    string // the entry, or the directory of the tree at fault
	ID      string // git fsck's message id, e.g. hasDotgit
	Message string
}

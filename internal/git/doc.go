// Package git is agentcheck's git layer: everything that reads git objects
// or touches refs, read the way git itself reads them, fast, and correctly
// inside a server's pre-receive hook. It runs no git process.
//
// go-git is used where it is the right tool — packfile and loose-object
// decoding, config-file parsing, and [plumbing.Hash] as the object id
// ([Hash]) — but only behind this package: callers never choose between
// two ways of reading a repository.
//
// # Repositories
//
// [Find] finds a repository as git's setup does: GIT_DIR, GIT_WORK_TREE,
// GIT_COMMON_DIR and GIT_CEILING_DIRECTORIES, .git files of linked worktrees
// and submodules, bare repositories, core.worktree and core.bare. [Open]
// also opens its objects. [Config] reads the repository's own config files.
//
// # Objects
//
// A [Store] reads loose objects and packs (version 1 and 2 indexes, OFS and
// REF deltas) from an ordered list of object directories: the primary one,
// then alternates as git's prepare_alt_odb resolves them: from
// GIT_ALTERNATE_OBJECT_DIRECTORIES, then from objects/info/alternates,
// recursively, relative paths against the objects directory that lists
// them (GitHub Enterprise fork networks use ../../network.git/objects),
// comments, blank lines and C-quoted paths handled, each directory once.
// Pack indexes are memory-mapped and read in place; a lookup is a binary
// search. Packs are read with pread through a buffer, not mapped, so that
// what a check reads of a large pack does not stay in the process's
// resident memory. When an object is missing the pack directories are
// listed again once before [plumbing.ErrObjectNotFound] is reported,
// because a concurrent repack moves objects. Decompressed commits, trees
// and tags are kept in a cache bounded in bytes, and reconstructed delta
// bases in another. [Store.Read] is the fast path, [Store.ReadLimit] the
// one for untrusted objects that may be huge (notes). New objects are
// written as loose files the way git does (temporary file, sync, rename).
// Everything that reads objects takes an [ObjectReader]; the Store is the
// one production implementation.
//
// # Commits, trees and history
//
// [ParseCommit] parses commits as git does; one tree iterator reads every
// tree, checking its entries as git fsck would. A [Differ] computes the
// [Change] list of each commit by walking its tree and its parents' in
// lockstep, descending only where ids differ; a merge is judged on the
// paths where it differs from every parent, so an "evil merge" cannot hide
// a change. [ResolveRange] turns revision arguments into a [Range] with the
// repository's own refs and config; [Walk] lists commits oldest first, as
// git rev-list does, and fails with [ErrIncompleteHistory] rather than walk
// a partial history. [WalkNodes] lists only their ids and parents, for a
// checker that reads each commit when it gets to it. [ReadFileAt] reads one file of a commit.
//
// # Pre-receive quarantine
//
// While a pre-receive hook runs, git keeps the pushed objects in a
// quarantine directory and tells the hook through the environment:
// GIT_OBJECT_DIRECTORY is the quarantine (loose objects for small pushes, a
// pack for larger ones), GIT_ALTERNATE_OBJECT_DIRECTORIES the repository's
// real objects directory, GIT_QUARANTINE_PATH the quarantine again. [Open]
// takes the environment as a function, so a hook passes os.Getenv and sees
// exactly the objects git sees; no directory name is guessed. As in git,
// ref updates are refused in the quarantine ([ErrQuarantined]).
//
// # Refs
//
// [Repo.Ref] and [Repo.Refs] read loose refs and packed-refs, following
// symbolic refs. [Repo.UpdateRef] is a compare-and-swap that uses git's
// own lock files (NAME.lock), so it is safe against git processes running
// at the same time; it fails with [ErrRefChanged] or [ErrRefLocked] and the
// caller retries. [ValidRefName] is the one test of a ref name.
//
// # Notes
//
// [OpenNotes] reads the notes of a few commits from a notes tree of any
// size, reading only the subtrees on the way to them; [LoadNotes] indexes a
// whole tree. [AppendNote] adds lines to a note, writing the tree with the
// fan-out git chooses and moving the ref with a compare-and-swap, and
// [CheckNotesAppendOnly] checks that an update of a notes ref keeps every
// line. What a note's lines mean is package provenance's business.
//
// # Limits
//
// SHA-256 repositories and the reftable ref backend are detected and
// refused with [ErrUnsupportedFormat]. Multi-pack indexes, bitmaps and
// commit-graphs are ignored (the per-pack indexes they accompany are read
// instead). Reflogs are not written.
package git

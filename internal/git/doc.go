// Package git opens git repositories the way git itself does, fast,
// and correctly inside a server's pre-receive hook.
//
// go-git is agentcheck's git library, but its object storage ignores the
// environment git gives hooks, guesses at the quarantine directory of
// incoming objects by its name, never reads a quarantine that arrived as a
// pack, resolves relative alternates wrongly and is slow with its default
// caches. This package reads objects itself and hands go-git a storage built
// on that ([Repo.GoGit]), so that the rest of agentcheck can use go-git's
// object model.
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
// Packs and their indexes are memory-mapped and read in place; a lookup is
// a binary search. When an object is missing the pack directories are
// listed again once before [plumbing.ErrObjectNotFound] is reported,
// because a concurrent repack moves objects. Decompressed commits, trees
// and tags are kept in a cache bounded in bytes, and reconstructed delta
// bases in another. [Store.Read] is the fast path, [Store.ReadLimit] the
// one for untrusted objects that may be huge (notes); the Store also
// implements go-git's storer.EncodedObjectStorer, and writes new objects
// as loose files the way git does (temporary file, sync, rename).
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
// caller retries.
//
// # Limits
//
// SHA-256 repositories and the reftable ref backend are detected and
// refused with [ErrUnsupportedFormat]. Multi-pack indexes, bitmaps and
// commit-graphs are ignored (the per-pack indexes they accompany are read
// instead). Reflogs are not written.
package git

// Package gogit opens a repository found by gitrepo as a go-git Repository
// whose objects are read through gitrepo's Store. It is a package of its own
// so that what links gitrepo alone (the recording hook) does not link go-git's
// repository, transports and their dependencies.
package gogit

import (
	"fmt"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	gitrepo "github.com/agentcheck/agentcheck/internal/git"
)

// composite is a go-git storage whose objects come from the Store and whose
// refs, config, index, shallow list and submodules come from go-git's own
// filesystem storage. Only the methods of these interfaces are promoted, so
// go-git's probes for optional interfaces (packfile writers, transactions)
// do not reach the filesystem storage's object code.
type composite struct {
	*gitrepo.Store
	storer.ReferenceStorer
	storer.ShallowStorer
	storer.IndexStorer
	config.ConfigStorer
	storage.ModuleStorer
}

var _ storage.Storer = (*composite)(nil)

// Open returns a go-git Repository over r: objects are read through r's
// Store (fast, quarantine- and alternates-aware), everything else through
// go-git's filesystem storage. Ref updates through go-git do not use git's
// lock protocol; use gitrepo's UpdateRef for those.
func Open(r *gitrepo.Repo) (*git.Repository, error) {
	var fs billy.Filesystem = osfs.New(r.GitDir)
	if r.CommonDir != r.GitDir {
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(r.CommonDir))
	}
	fsStorage := filesystem.NewStorageWithOptions(fs, cache.NewObjectLRU(0), filesystem.Options{})
	st := &composite{
		Store:           r.Objects,
		ReferenceStorer: fsStorage,
		ShallowStorer:   fsStorage,
		IndexStorer:     fsStorage,
		ConfigStorer:    fsStorage,
		ModuleStorer:    fsStorage,
	}
	var wt billy.Filesystem
	if r.WorkTree != "" {
		wt = osfs.New(r.WorkTree)
	}
	repo, err := git.Open(st, wt)
	if err != nil {
		return nil, fmt.Errorf("opening %s with go-git: %w", r.GitDir, err)
	}
	return repo, nil
}

package agents

import (
	"errors"
	"fmt"
	"path/filepath"

	gitrepo "github.com/agentcheck/agentcheck/internal/git"
)

// Repo is the git repository a hook runs in, found as git finds it, without
// running git: the hook runs on every tool call and must start fast.
type Repo struct {
	// Root is the top of the work tree with symlinks resolved.
	Root string
	// GitDir is the repository's git directory; for a linked worktree or a
	// submodule it is the private one (.git/worktrees/NAME, .git/modules/NAME).
	GitDir string
	// CommonDir is the git directory shared by all worktrees, where the
	// session journals live (git rev-parse --git-common-dir).
	CommonDir string
}

// ErrNoRepo is returned by FindRepo when no git work tree contains the
// directory.
var ErrNoRepo = errors.New("not inside a git work tree")

// FindRepo finds the repository whose work tree contains dir, an absolute
// directory, as git does (see [gitrepo.Find]): GIT_DIR, GIT_WORK_TREE,
// GIT_COMMON_DIR and GIT_CEILING_DIRECTORIES are honoured when getenv
// returns them (an agent may run with them set), and .git files of linked
// worktrees and submodules are followed.
func FindRepo(dir string, getenv func(string) string) (Repo, error) {
	repo, _, err := findRepo(dir, getenv)
	return repo, err
}

// findRepo is FindRepo that also returns the work tree's top as found,
// before symlinks are resolved: payload paths may spell it either way.
func findRepo(dir string, getenv func(string) string) (repo Repo, lexical string, err error) {
	loc, _, err := gitrepo.Find(dir, getenv)
	if err != nil {
		return Repo{}, "", fmt.Errorf("finding repository from %s: %w (%w)", dir, ErrNoRepo, err)
	}
	if loc.WorkTree == "" {
		return Repo{}, "", fmt.Errorf("finding repository from %s: %w (%s has none)", dir, ErrNoRepo, loc.GitDir)
	}
	repo = Repo{Root: loc.WorkTree, GitDir: loc.GitDir, CommonDir: loc.CommonDir}
	if real, err := filepath.EvalSymlinks(loc.WorkTree); err == nil {
		repo.Root = real
	}
	return repo, loc.WorkTree, nil
}

// absUnder resolves p against base unless it is absolute.
func absUnder(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

package agents

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Repo is the git repository a hook runs in, found by reading .git files
// the way git does, without running git: the hook runs on every tool call
// and must start fast.
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
// directory. Like git, it honours GIT_DIR, GIT_WORK_TREE and GIT_COMMON_DIR
// when getenv returns them (an agent may run with them set), and otherwise
// walks up from dir to the first .git: a directory, or a file
// "gitdir: PATH" (linked worktrees, submodules) whose git directory may
// name its common directory in a "commondir" file.
func FindRepo(dir string, getenv func(string) string) (Repo, error) {
	repo, _, err := findRepo(dir, getenv)
	return repo, err
}

// findRepo is FindRepo that also returns the work tree's top as found,
// before symlinks are resolved: payload paths may spell it either way.
func findRepo(dir string, getenv func(string) string) (repo Repo, lexical string, err error) {
	if gitDir := getenv("GIT_DIR"); gitDir != "" {
		repo.GitDir = absUnder(dir, gitDir)
		lexical = dir // git: with GIT_DIR and no GIT_WORK_TREE, the cwd is the top
		if wt := getenv("GIT_WORK_TREE"); wt != "" {
			lexical = absUnder(dir, wt)
		}
	} else {
		for d := dir; ; {
			gitDir, err := dotGit(d)
			if err != nil {
				return Repo{}, "", err
			}
			if gitDir != "" {
				repo.GitDir, lexical = gitDir, d
				break
			}
			parent := filepath.Dir(d)
			if parent == d {
				return Repo{}, "", fmt.Errorf("finding repository from %s: %w", dir, ErrNoRepo)
			}
			d = parent
		}
	}
	repo.CommonDir = commonDir(repo.GitDir, getenv("GIT_COMMON_DIR"), dir)
	repo.Root = lexical
	if real, err := filepath.EvalSymlinks(lexical); err == nil {
		repo.Root = real
	}
	return repo, lexical, nil
}

// dotGit returns the git directory named by d/.git, or "" if d has none.
func dotGit(d string) (string, error) {
	p := filepath.Join(d, ".git")
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return "", nil // absent, unreadable or not a directory: keep walking
	case fi.IsDir():
		if _, err := os.Stat(filepath.Join(p, "HEAD")); err != nil {
			return "", nil // a stray .git directory is not a repository
		}
		return p, nil
	case fi.Mode().IsRegular():
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", p, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
		if !ok || strings.TrimSpace(target) == "" {
			return "", fmt.Errorf("reading %s: not a gitdir file", p)
		}
		return absUnder(d, strings.TrimSpace(target)), nil
	}
	return "", nil
}

// commonDir returns the common git directory of gitDir: GIT_COMMON_DIR if
// set, else the directory its "commondir" file names, else gitDir itself.
func commonDir(gitDir, env, cwd string) string {
	if env != "" {
		return absUnder(cwd, env)
	}
	b, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	c := strings.TrimSpace(string(b))
	if c == "" {
		return gitDir
	}
	return absUnder(gitDir, c)
}

// absUnder resolves p against base unless it is absolute.
func absUnder(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

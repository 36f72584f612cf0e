package git

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// Errors about what kind of repository was found.
var (
	// ErrNotRepository means no git repository was found.
	ErrNotRepository = errors.New("not a git repository")
	// ErrUnsupportedFormat means the repository uses a format this package
	// cannot read yet: SHA-256 object ids or the reftable ref backend.
	ErrUnsupportedFormat = errors.New("unsupported repository format")
)

// Location is where a repository's parts are, as discovery finds them.
type Location struct {
	// GitDir is the repository's git directory: .git, a linked worktree's
	// .git/worktrees/NAME, a submodule's .git/modules/NAME, or a bare
	// repository.
	GitDir string
	// CommonDir holds what all worktrees share: objects, refs, config. It
	// equals GitDir except in linked worktrees.
	CommonDir string
	// WorkTree is the top of the working tree, or "" for a bare repository
	// (and inside a git directory, where git knows no work tree either).
	WorkTree string
}

// Repo is an open git repository.
type Repo struct {
	Location
	// Config is the repository's configuration.
	Config *Config
	// Objects is the object store. In a pre-receive hook its primary
	// directory is git's quarantine.
	Objects *Store

	getenv     func(string) string
	quarantine string // GIT_QUARANTINE_PATH: ref updates are forbidden

	packedMu sync.Mutex
	packed   *packedRefs // cache, validated by stat
}

// Find finds the repository containing dir as git's setup does, without
// opening its objects: the first directory on the way up that has a .git
// directory, a .git file ("gitdir: PATH", as linked worktrees and
// submodules have) or is a bare repository, stopping below the
// GIT_CEILING_DIRECTORIES. It reads the repository's config, which can name
// the work tree (core.worktree, core.bare) and must declare a format this
// package reads. getenv supplies the environment (nil means an empty one);
// these variables are honoured:
//
//   - GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR: where the repository is.
//   - GIT_CEILING_DIRECTORIES: where discovery stops walking up.
//   - GIT_OBJECT_DIRECTORY: a git directory need not have objects/ then.
//
// Relative paths in the environment are taken relative to dir.
func Find(dir string, getenv func(string) string) (Location, *Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Location{}, nil, fmt.Errorf("finding the repository at %s: %w", dir, err)
	}
	var loc Location
	workTree := ""
	if gd := getenv("GIT_DIR"); gd != "" {
		var ok bool
		loc.GitDir = absUnder(dir, gd)
		if loc.CommonDir, ok = isGitDir(loc.GitDir, getenv); !ok {
			return Location{}, nil, fmt.Errorf("opening repository: GIT_DIR=%s: %w", gd, ErrNotRepository)
		}
		workTree = dir // as git: with GIT_DIR and no other say, the current directory
	} else {
		loc.GitDir, loc.CommonDir, workTree, err = discover(dir, getenv)
		if err != nil {
			return Location{}, nil, err
		}
	}
	if cd := getenv("GIT_COMMON_DIR"); cd != "" {
		loc.CommonDir = absUnder(dir, cd)
	}

	cfg, err := ReadConfig(loc.CommonDir, loc.GitDir)
	if err != nil {
		return Location{}, nil, err
	}
	if err := checkFormat(loc.GitDir, cfg); err != nil {
		return Location{}, nil, err
	}
	bare, err := cfg.Bool("core", "", "bare")
	if err != nil {
		return Location{}, nil, err
	}
	switch {
	case getenv("GIT_WORK_TREE") != "":
		loc.WorkTree = absUnder(dir, getenv("GIT_WORK_TREE"))
	case bare:
		loc.WorkTree = ""
	case cfg.Get("core", "", "worktree") != "":
		loc.WorkTree = absUnder(loc.GitDir, cfg.Get("core", "", "worktree"))
	default:
		loc.WorkTree = workTree
	}
	return loc, cfg, nil
}

// Open finds the repository containing dir as [Find] does and opens it.
// Beyond Find's, these variables of getenv are honoured:
//
//   - GIT_OBJECT_DIRECTORY: replaces the primary objects directory. In a
//     pre-receive hook git points it at the quarantine of incoming objects.
//   - GIT_ALTERNATE_OBJECT_DIRECTORIES: more object directories, separated
//     by the platform's list separator, each optionally C-quoted; in a
//     pre-receive hook, the repository's real objects directory.
//   - GIT_QUARANTINE_PATH: set in a pre-receive hook; UpdateRef then
//     refuses, as git does.
//   - GIT_SHALLOW_FILE: replaces $GIT_COMMON_DIR/shallow.
func Open(dir string, getenv func(string) string) (*Repo, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	loc, cfg, err := Find(dir, getenv)
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("opening repository at %s: %w", dir, err)
	}
	objDir := filepath.Join(loc.CommonDir, "objects")
	if od := getenv("GIT_OBJECT_DIRECTORY"); od != "" {
		objDir = absUnder(dir, od)
	}
	var alts []string
	if a := getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); a != "" {
		alts = parseAltEntries(a, os.PathListSeparator)
	}
	objects, err := OpenStore(objDir, alts, dir, StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("opening repository %s: %w", loc.GitDir, err)
	}
	return &Repo{Location: loc, Config: cfg, Objects: objects, getenv: getenv, quarantine: getenv("GIT_QUARANTINE_PATH")}, nil
}

// Close releases the object store's memory maps. The Repo must not be used
// afterwards.
func (r *Repo) Close() error { return r.Objects.Close() }

// checkFormat refuses what this package cannot read: SHA-256 object ids,
// the reftable ref backend and unknown repository format versions.
func checkFormat(gitDir string, cfg *Config) error {
	if f := strings.ToLower(cfg.Get("extensions", "", "objectformat")); f != "" && f != "sha1" {
		return fmt.Errorf("opening repository %s: it uses the %s object format: %w (only SHA-1 repositories are supported for now)", gitDir, f, ErrUnsupportedFormat)
	}
	if rs := strings.ToLower(cfg.Get("extensions", "", "refstorage")); rs != "" && rs != "files" {
		return fmt.Errorf("opening repository %s: it uses the %s ref storage: %w", gitDir, rs, ErrUnsupportedFormat)
	}
	if v := cfg.Get("core", "", "repositoryformatversion"); v != "" && v != "0" && v != "1" {
		return fmt.Errorf("opening repository %s: repository format version %s: %w", gitDir, v, ErrUnsupportedFormat)
	}
	return nil
}

// absUnder resolves p against base unless it is absolute.
func absUnder(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// readCommonDir reads gitDir's commondir file, which a linked worktree's
// git directory has: the common directory, relative to gitDir.
func readCommonDir(gitDir string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return "", false
	}
	cd := strings.TrimRight(string(b), "\r\n")
	if cd == "" {
		return "", false
	}
	return absUnder(gitDir, cd), true
}

// discover walks up from dir looking for a .git directory, a .git file
// ("gitdir: PATH", as in linked worktrees and submodules) or a bare
// repository, as git's setup.c does. A directory named in
// GIT_CEILING_DIRECTORIES is not entered: the walk stops below it.
func discover(dir string, getenv func(string) string) (gitDir, commonDir, workTree string, err error) {
	ceilings := map[string]bool{}
	for _, c := range filepath.SplitList(getenv("GIT_CEILING_DIRECTORIES")) {
		if c != "" && filepath.IsAbs(c) {
			ceilings[filepath.Clean(c)] = true
		}
	}
	for d := dir; ; {
		dotgit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotgit); err == nil {
			if fi.IsDir() {
				if common, ok := isGitDir(dotgit, getenv); ok {
					return dotgit, common, d, nil
				}
			}
			if fi.Mode().IsRegular() {
				gd, err := readGitFile(dotgit)
				if err != nil {
					return "", "", "", err
				}
				common, ok := isGitDir(gd, getenv)
				if !ok {
					return "", "", "", fmt.Errorf("opening repository: %s points to %s: %w", dotgit, gd, ErrNotRepository)
				}
				return gd, common, d, nil
			}
		}
		if common, ok := isGitDir(d, getenv); ok {
			return d, common, "", nil
		}
		parent := filepath.Dir(d)
		if parent == d || ceilings[parent] {
			return "", "", "", fmt.Errorf("opening repository at %s: %w (or any of the parent directories)", dir, ErrNotRepository)
		}
		d = parent
	}
}

// readGitFile reads a "gitdir: PATH" file; PATH is relative to the file.
func readGitFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	gd, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "gitdir: ")
	if !ok || gd == "" {
		return "", fmt.Errorf("reading %s: %w: invalid gitfile format", path, ErrNotRepository)
	}
	return absUnder(filepath.Dir(path), gd), nil
}

// isGitDir is git's is_git_directory: a HEAD, and objects and refs
// directories in the common directory, which it returns: d itself, or the
// directory its commondir file names (a linked worktree's).
func isGitDir(d string, getenv func(string) string) (commonDir string, ok bool) {
	if fi, err := os.Lstat(filepath.Join(d, "HEAD")); err != nil || fi.IsDir() {
		return "", false
	}
	common := d
	if cd, ok := readCommonDir(d); ok {
		common = cd
	}
	if getenv("GIT_OBJECT_DIRECTORY") == "" {
		if fi, err := os.Stat(filepath.Join(common, "objects")); err != nil || !fi.IsDir() {
			return "", false
		}
	}
	fi, err := os.Stat(filepath.Join(common, "refs"))
	return common, err == nil && fi.IsDir()
}

// IsShallow reports whether the repository is a shallow clone.
func (r *Repo) IsShallow() (bool, error) {
	c, err := r.ShallowCommits()
	return len(c) > 0, err
}

// ShallowCommits returns the commits whose parents a shallow clone lacks,
// from the shallow file.
func (r *Repo) ShallowCommits() ([]plumbing.Hash, error) {
	path := r.getenv("GIT_SHALLOW_FILE")
	if path == "" {
		path = filepath.Join(r.CommonDir, "shallow")
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading shallow file: %w", err)
	}
	defer f.Close()
	var out []plumbing.Hash
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		h, ok := ParseHash(line)
		if !ok {
			return nil, fmt.Errorf("reading %s: bad line %q", path, line)
		}
		out = append(out, h)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return out, nil
}

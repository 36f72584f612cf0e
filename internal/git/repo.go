package git

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"
)

// Errors about what kind of repository was found.
var (
	// ErrNotRepository means no git repository was found.
	ErrNotRepository = errors.New("not a git repository")
	// ErrUnsupportedFormat means the repository uses a format this package
	// cannot read yet: SHA-256 object ids or the reftable ref backend.
	ErrUnsupportedFormat = errors.New("unsupported repository format")
)

// Repo is an open git repository.
type Repo struct {
	// GitDir is the repository's git directory: .git, a linked worktree's
	// .git/worktrees/NAME, or a bare repository.
	GitDir string
	// CommonDir holds what all worktrees share: objects, refs, config. It
	// equals GitDir except in linked worktrees.
	CommonDir string
	// WorkTree is the top of the working tree, or "" for a bare repository.
	WorkTree string
	// Objects is the object store. In a pre-receive hook its primary
	// directory is git's quarantine.
	Objects *Store

	getenv     func(string) string
	quarantine string // GIT_QUARANTINE_PATH: ref updates are forbidden

	packedMu sync.Mutex
	packed   *packedRefs // cache, validated by stat
}

// Open finds the repository containing dir as git does and opens it.
// getenv supplies the environment (nil means an empty one); these
// variables are honoured:
//
//   - GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR: where the repository is.
//   - GIT_OBJECT_DIRECTORY: replaces the primary objects directory. In a
//     pre-receive hook git points it at the quarantine of incoming objects.
//   - GIT_ALTERNATE_OBJECT_DIRECTORIES: more object directories, separated
//     by the platform's list separator, each optionally C-quoted; in a
//     pre-receive hook, the repository's real objects directory.
//   - GIT_QUARANTINE_PATH: set in a pre-receive hook; UpdateRef then
//     refuses, as git does.
//   - GIT_CEILING_DIRECTORIES: where discovery stops walking up.
//   - GIT_SHALLOW_FILE: replaces $GIT_COMMON_DIR/shallow.
//
// Relative paths in the environment are taken relative to dir.
func Open(dir string, getenv func(string) string) (*Repo, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("opening repository at %s: %w", dir, err)
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(dir, p)
	}
	r := &Repo{getenv: getenv, quarantine: getenv("GIT_QUARANTINE_PATH")}
	workTree := ""
	if gd := getenv("GIT_DIR"); gd != "" {
		r.GitDir = abs(gd)
		if !isGitDir(r.GitDir, getenv) {
			return nil, fmt.Errorf("opening repository: GIT_DIR=%s: %w", gd, ErrNotRepository)
		}
		workTree = dir
	} else {
		gitDir, wt, err := discover(dir, getenv)
		if err != nil {
			return nil, err
		}
		r.GitDir, workTree = gitDir, wt
	}

	r.CommonDir = r.GitDir
	if cd := getenv("GIT_COMMON_DIR"); cd != "" {
		r.CommonDir = abs(cd)
	} else if b, err := os.ReadFile(filepath.Join(r.GitDir, "commondir")); err == nil {
		cd := strings.TrimRight(string(b), "\r\n")
		if !filepath.IsAbs(cd) {
			cd = filepath.Join(r.GitDir, cd)
		}
		r.CommonDir = filepath.Clean(cd)
	}

	cfg, err := readConfig(r.CommonDir, r.GitDir)
	if err != nil {
		return nil, err
	}
	core := cfg.Section("core")
	ext := cfg.Section("extensions")
	if f := strings.ToLower(ext.Option("objectformat")); f != "" && f != "sha1" {
		return nil, fmt.Errorf("opening repository %s: it uses the %s object format: %w (only SHA-1 repositories are supported for now)", r.GitDir, f, ErrUnsupportedFormat)
	}
	if rs := strings.ToLower(ext.Option("refstorage")); rs != "" && rs != "files" {
		return nil, fmt.Errorf("opening repository %s: it uses the %s ref storage: %w", r.GitDir, rs, ErrUnsupportedFormat)
	}
	if v := core.Option("repositoryformatversion"); v != "" && v != "0" && v != "1" {
		return nil, fmt.Errorf("opening repository %s: repository format version %s: %w", r.GitDir, v, ErrUnsupportedFormat)
	}

	switch {
	case getenv("GIT_WORK_TREE") != "":
		r.WorkTree = abs(getenv("GIT_WORK_TREE"))
	case isTrue(core.Option("bare")):
		r.WorkTree = ""
	case core.Option("worktree") != "":
		wt := core.Option("worktree")
		if !filepath.IsAbs(wt) {
			wt = filepath.Join(r.GitDir, wt)
		}
		r.WorkTree = filepath.Clean(wt)
	default:
		// As git: with GIT_DIR and no other say, the current directory.
		r.WorkTree = workTree
	}

	objDir := filepath.Join(r.CommonDir, "objects")
	if od := getenv("GIT_OBJECT_DIRECTORY"); od != "" {
		objDir = abs(od)
	}
	var alts []string
	if a := getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); a != "" {
		alts = parseAltEntries(a, os.PathListSeparator)
	}
	r.Objects, err = OpenStore(objDir, alts, dir, StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("opening repository %s: %w", r.GitDir, err)
	}
	return r, nil
}

// Close releases the object store's memory maps. The Repo must not be used
// afterwards.
func (r *Repo) Close() error { return r.Objects.Close() }

// discover walks up from dir looking for a .git directory, a .git file
// ("gitdir: PATH", as in linked worktrees and submodules) or a bare
// repository, as git's setup.c does.
func discover(dir string, getenv func(string) string) (gitDir, workTree string, err error) {
	ceilings := map[string]bool{}
	for _, c := range filepath.SplitList(getenv("GIT_CEILING_DIRECTORIES")) {
		if c != "" && filepath.IsAbs(c) {
			ceilings[filepath.Clean(c)] = true
		}
	}
	for d := dir; ; {
		dotgit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotgit); err == nil {
			if fi.IsDir() && isGitDir(dotgit, getenv) {
				return dotgit, d, nil
			}
			if fi.Mode().IsRegular() {
				gd, err := readGitFile(dotgit)
				if err != nil {
					return "", "", err
				}
				if !isGitDir(gd, getenv) {
					return "", "", fmt.Errorf("opening repository: %s points to %s: %w", dotgit, gd, ErrNotRepository)
				}
				return gd, d, nil
			}
		}
		if isGitDir(d, getenv) {
			return d, "", nil
		}
		parent := filepath.Dir(d)
		if parent == d || ceilings[parent] {
			return "", "", fmt.Errorf("opening repository at %s: %w (or any of the parent directories)", dir, ErrNotRepository)
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
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(filepath.Dir(path), gd)
	}
	return filepath.Clean(gd), nil
}

// isGitDir is git's is_git_directory: a HEAD, and objects and refs
// directories (in the common directory, for a linked worktree).
func isGitDir(d string, getenv func(string) string) bool {
	if fi, err := os.Lstat(filepath.Join(d, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	common := d
	if b, err := os.ReadFile(filepath.Join(d, "commondir")); err == nil {
		c := strings.TrimRight(string(b), "\r\n")
		if !filepath.IsAbs(c) {
			c = filepath.Join(d, c)
		}
		common = c
	}
	if getenv("GIT_OBJECT_DIRECTORY") == "" {
		if fi, err := os.Stat(filepath.Join(common, "objects")); err != nil || !fi.IsDir() {
			return false
		}
	}
	fi, err := os.Stat(filepath.Join(common, "refs"))
	return err == nil && fi.IsDir()
}

// readConfig reads the repository's config, then the worktree's
// config.worktree on top of it.
func readConfig(commonDir, gitDir string) (*formatcfg.Config, error) {
	cfg := formatcfg.New()
	for _, p := range []string{filepath.Join(commonDir, "config"), filepath.Join(gitDir, "config.worktree")} {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if err := formatcfg.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
	}
	return cfg, nil
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
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

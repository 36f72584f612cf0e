package agents

import (
	"path/filepath"
	"strings"
)

// resolver turns payload paths into journal paths: relative to the
// repository root, slash-separated and clean, or absolute (with a leading
// "/") when outside the repository.
type resolver struct {
	cwd   string   // absolute; relative payload paths are relative to it
	roots []string // the work tree's top as found and, if different, with symlinks resolved
}

func newResolver(cwd, lexicalRoot, realRoot string) resolver {
	r := resolver{cwd: cwd}
	for _, root := range []string{lexicalRoot, realRoot} {
		if root != "" && (len(r.roots) == 0 || r.roots[0] != root) {
			r.roots = append(r.roots, root)
		}
	}
	return r
}

// abs returns the payload path p as an absolute OS path.
func (r resolver) abs(p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(r.cwd, p)
}

// rel returns the journal form of the payload path p ("" stays "").
//
// A path is inside the repository if it is under the root as found or as
// resolved. Failing that, the path's parent directory is resolved once (an
// agent may spell the root through a symlink the hook did not start from,
// such as /tmp against /private/tmp); the file itself is not, since a
// symlink in the work tree is a file of its own.
func (r resolver) rel(p string) string {
	if p == "" {
		return ""
	}
	a := r.abs(p)
	if s, ok := r.under(a); ok {
		return s
	}
	if len(r.roots) > 0 {
		dir := filepath.Dir(a)
		if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
			if s, ok := r.under(filepath.Join(real, filepath.Base(a))); ok {
				return s
			}
		}
	}
	return filepath.ToSlash(a)
}

// under returns a relative to the first root that contains it.
func (r resolver) under(a string) (string, bool) {
	for _, root := range r.roots {
		rel, err := filepath.Rel(root, a)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		return filepath.ToSlash(rel), true
	}
	return "", false
}

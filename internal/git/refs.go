package git

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Errors of UpdateRef. Both mean another writer got there first: re-read
// the ref and try again.
var (
	// ErrRefChanged means the ref's current value is not the expected old
	// value.
	ErrRefChanged = errors.New("ref changed concurrently")
	// ErrRefLocked means another process holds the ref's lock file.
	ErrRefLocked = errors.New("ref is locked by another process")
	// ErrQuarantined means a ref update was attempted inside git's
	// pre-receive quarantine, where git forbids them.
	ErrQuarantined = errors.New("ref updates are forbidden inside the pre-receive quarantine")
)

// ErrRefNotFound matches the errors about a ref that does not exist
// ([RefNotFoundError]) with errors.Is. It is go-git's sentinel.
var ErrRefNotFound = plumbing.ErrReferenceNotFound

// RefNotFoundError reports a ref that does not exist. It matches
// plumbing.ErrReferenceNotFound with errors.Is.
type RefNotFoundError struct {
	Name string
}

func (e *RefNotFoundError) Error() string { return "ref " + e.Name + " not found" }

// Is makes errors.Is(err, plumbing.ErrReferenceNotFound) true.
func (e *RefNotFoundError) Is(target error) bool { return target == plumbing.ErrReferenceNotFound }

// maxSymrefDepth is git's SYMREF_MAXDEPTH.
const maxSymrefDepth = 5

// Ref returns the object id a ref points to, following symbolic refs such
// as HEAD. name is a full ref name ("refs/heads/main") or a pseudo-ref
// ("HEAD"). Loose refs take precedence over packed-refs, as in git.
func (r *Repo) Ref(name string) (plumbing.Hash, error) {
	orig := name
	for depth := 0; depth <= maxSymrefDepth; depth++ {
		h, target, err := r.readRef(name)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading ref %s: %w", orig, err)
		}
		if target == "" {
			return h, nil
		}
		name = target
	}
	return plumbing.ZeroHash, fmt.Errorf("reading ref %s: symbolic refs nested too deep", orig)
}

// readRef reads one ref without following symbolic refs: either its id or
// the name it points to.
func (r *Repo) readRef(name string) (plumbing.Hash, string, error) {
	if !readableRef(name) {
		return plumbing.ZeroHash, "", fmt.Errorf("invalid ref name %q", name)
	}
	h, target, exists, err := readLooseRef(r.refPath(name))
	if err != nil {
		return plumbing.ZeroHash, "", err
	}
	if exists {
		return h, target, nil
	}
	if strings.HasPrefix(name, "refs/") {
		pr, err := r.packedRefs()
		if err != nil {
			return plumbing.ZeroHash, "", err
		}
		if h, ok := pr.refs[name]; ok {
			return h, "", nil
		}
	}
	return plumbing.ZeroHash, "", &RefNotFoundError{Name: name}
}

// refPath is the file of a loose ref. Refs private to a worktree (HEAD and
// other pseudo-refs, refs/bisect, refs/worktree, refs/rewritten) live in
// the git directory; the others in the common directory.
func (r *Repo) refPath(name string) string {
	return filepath.Join(r.refBase(name), filepath.FromSlash(name))
}

func (r *Repo) refBase(name string) string {
	if !strings.HasPrefix(name, "refs/") ||
		strings.HasPrefix(name, "refs/bisect/") ||
		strings.HasPrefix(name, "refs/worktree/") ||
		strings.HasPrefix(name, "refs/rewritten/") {
		return r.GitDir
	}
	return r.CommonDir
}

// readLooseRef parses a loose ref file: "HEX\n" or "ref: NAME\n".
func readLooseRef(path string) (h plumbing.Hash, target string, exists bool, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.Is(err, fs.ErrNotExist) || (errors.As(err, &pe) && isDirErr(path)) {
			return h, "", false, nil
		}
		return h, "", false, err
	}
	s := strings.TrimRight(string(b), " \t\r\n")
	if t, ok := strings.CutPrefix(s, "ref:"); ok {
		t = strings.TrimLeft(t, " \t")
		if !readableRef(t) {
			return h, "", true, fmt.Errorf("broken symbolic ref %s", path)
		}
		return h, t, true, nil
	}
	if len(s) > 2*hashLen && (s[2*hashLen] == ' ' || s[2*hashLen] == '\t') {
		s = s[:2*hashLen] // FETCH_HEAD-like trailing text
	}
	h, ok := ParseHash(s)
	if !ok {
		return h, "", true, fmt.Errorf("broken ref %s", path)
	}
	return h, "", true, nil
}

func isDirErr(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// ValidRefName reports whether name is a valid ref name by the rules of git
// check-ref-format, with one-level names allowed (main, HEAD): no empty
// component, none starting with '.' or ending with ".lock"; no "..", "@{",
// control character, space or any of ~^:?*[\; not "@", and not starting or
// ending with '/' or ending with '.'. Bytes of 0x80 and above are allowed, as
// in git: print ref names escaped. It is the one test of a ref name: callers
// add their own constraints (a ref under refs/, a branch name that cannot be
// read as an option).
func ValidRefName(name string) bool {
	if name == "" || name == "@" || strings.HasSuffix(name, ".") || strings.Contains(name, "..") || strings.Contains(name, "@{") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == 0x7f || strings.IndexByte("~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for comp := range strings.SplitSeq(name, "/") {
		if comp == "" || comp[0] == '.' || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	return true
}

// readableRef reports whether a ref of this name may be read from a file
// under the git directory, as git's refname_is_safe has it: a valid name
// under refs/, or a pseudo-ref in capitals and underscores (HEAD,
// FETCH_HEAD). Anything else could name a file of the git directory that is
// not a ref.
func readableRef(name string) bool {
	if strings.HasPrefix(name, "refs/") {
		return ValidRefName(name)
	}
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// Refs returns every ref under refs/ with the object it points to,
// symbolic refs resolved. Broken and dangling refs are left out, as git's
// for-each-ref does (with a warning).
func (r *Repo) Refs() (map[string]plumbing.Hash, error) {
	out := map[string]plumbing.Hash{}
	pr, err := r.packedRefs()
	if err != nil {
		return nil, err
	}
	for name, h := range pr.refs {
		out[name] = h
	}
	bases := []string{r.CommonDir}
	if r.GitDir != r.CommonDir {
		bases = append(bases, r.GitDir)
	}
	for _, base := range bases {
		root := filepath.Join(base, "refs")
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(base, path)
			if err != nil {
				return err
			}
			name := filepath.ToSlash(rel)
			if !readableRef(name) || r.refBase(name) != base {
				return nil
			}
			h, err := r.Ref(name)
			if err != nil {
				delete(out, name) // a broken loose ref hides its packed value in git too
				return nil
			}
			out[name] = h
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("listing refs in %s: %w", base, err)
		}
	}
	return out, nil
}

// packedRefs is a parsed packed-refs file, valid while the file's identity
// and size and modification time are unchanged (git's stat_validity).
type packedRefs struct {
	fi   os.FileInfo // nil when there is no file
	refs map[string]plumbing.Hash
}

func (r *Repo) packedRefs() (*packedRefs, error) {
	path := filepath.Join(r.CommonDir, "packed-refs")
	fi, err := os.Stat(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading packed-refs: %w", err)
	}
	r.packedMu.Lock()
	defer r.packedMu.Unlock()
	if c := r.packed; c != nil {
		if fi == nil && c.fi == nil {
			return c, nil
		}
		if fi != nil && c.fi != nil && os.SameFile(fi, c.fi) && fi.Size() == c.fi.Size() && fi.ModTime().Equal(c.fi.ModTime()) {
			return c, nil
		}
	}
	pr := &packedRefs{refs: map[string]plumbing.Hash{}}
	if fi == nil {
		r.packed = pr
		return pr, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		r.packed = pr
		return pr, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading packed-refs: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		hex, name, ok := strings.Cut(line, " ")
		h, okh := ParseHash(hex)
		if !ok || !okh || !readableRef(name) {
			return nil, fmt.Errorf("reading packed-refs: bad line %q", line)
		}
		pr.refs[name] = h
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading packed-refs: %w", err)
	}
	pr.fi = fi
	r.packed = pr
	return pr, nil
}

// UpdateRef sets ref name to newHash if it currently points to oldHash (the
// zero hash: if it does not exist), using git's lock file protocol so that
// it interoperates with git processes running at the same time: create
// NAME.lock exclusively, check the current value (loose or packed), write
// and sync the lock file, rename it over the ref. It returns ErrRefLocked if
// another process holds the lock and ErrRefChanged if the ref moved; the
// caller should re-read and retry. Symbolic refs are not followed, and
// reflogs are not written.
func (r *Repo) UpdateRef(name string, newHash, oldHash plumbing.Hash) (err error) {
	if r.quarantine != "" {
		return fmt.Errorf("updating %s: %w", name, ErrQuarantined)
	}
	if !strings.HasPrefix(name, "refs/") || !ValidRefName(name) {
		return fmt.Errorf("updating %s: invalid ref name", name)
	}
	if newHash.IsZero() {
		return fmt.Errorf("updating %s: deleting refs is not supported", name)
	}
	path := r.refPath(name)
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	lockPath := path + ".lock"
	f, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("updating %s: %w (%s exists; if no git process is running, remove it)", name, ErrRefLocked, lockPath)
	}
	if err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	committed := false
	defer func() {
		if !committed {
			f.Close()
			os.Remove(lockPath)
		}
	}()

	cur, target, exists, err := readLooseRef(path)
	if err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	if target != "" {
		return fmt.Errorf("updating %s: it is a symbolic ref to %s", name, target)
	}
	if !exists {
		pr, err := r.packedRefs()
		if err != nil {
			return fmt.Errorf("updating %s: %w", name, err)
		}
		cur = pr.refs[name]
	}
	if cur != oldHash {
		return fmt.Errorf("updating %s: expected %s, found %s: %w", name, oldHash, cur, ErrRefChanged)
	}
	if _, err := f.WriteString(newHash.String() + "\n"); err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	if err := os.Rename(lockPath, path); err != nil {
		return fmt.Errorf("updating %s: %w", name, err)
	}
	committed = true
	return nil
}

// HeadBranch returns the short name of the branch HEAD is on; onBranch is
// false when HEAD is detached.
func (r *Repo) HeadBranch() (branch string, onBranch bool, err error) {
	_, target, err := r.readRef("HEAD")
	if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", false, fmt.Errorf("reading HEAD: %w", err)
	}
	branch, onBranch = strings.CutPrefix(target, "refs/heads/")
	return branch, onBranch, nil
}

// Upstream returns the remote-tracking ref of branch's upstream and the
// remote it comes from, as git reads them from branch.NAME.remote and
// branch.NAME.merge and the remote's fetch refspecs; ref is "" when the
// branch has no upstream. With remote ".", the upstream is a local branch.
// The ref need not exist: the remote may not have been fetched.
func (r *Repo) Upstream(branch string) (ref, remote string) {
	remote = r.Config.Get("branch", branch, "remote")
	merge := r.Config.Get("branch", branch, "merge")
	if remote == "" || merge == "" {
		return "", ""
	}
	if remote == "." {
		return merge, remote
	}
	for _, spec := range r.Config.GetAll("remote", remote, "fetch") {
		if dst, ok := fetchDestination(spec, merge); ok {
			return dst, remote
		}
	}
	return "refs/remotes/" + remote + "/" + strings.TrimPrefix(merge, "refs/heads/"), remote
}

// fetchDestination maps ref through one fetch refspec ("+refs/heads/*:
// refs/remotes/origin/*"): the local ref a fetch stores it in, if the
// refspec's source matches it. Negative refspecs ("^…") map nothing.
func fetchDestination(spec, ref string) (string, bool) {
	spec = strings.TrimPrefix(spec, "+")
	src, dst, ok := strings.Cut(spec, ":")
	if !ok || dst == "" || strings.HasPrefix(src, "^") {
		return "", false
	}
	prefix, suffix, wild := strings.Cut(src, "*")
	if !wild {
		return dst, src == ref
	}
	if len(ref) < len(prefix)+len(suffix) || !strings.HasPrefix(ref, prefix) || !strings.HasSuffix(ref, suffix) {
		return "", false
	}
	return strings.Replace(dst, "*", ref[len(prefix):len(ref)-len(suffix)], 1), true
}

// ResolveRef follows name through symbolic refs to the ref that holds an
// object id, and returns that ref's name and id: for
// refs/remotes/origin/HEAD, typically refs/remotes/origin/main and its
// commit.
func (r *Repo) ResolveRef(name string) (target string, h plumbing.Hash, err error) {
	target = name
	for depth := 0; depth <= maxSymrefDepth; depth++ {
		h, next, err := r.readRef(target)
		if err != nil {
			return "", plumbing.ZeroHash, fmt.Errorf("reading ref %s: %w", name, err)
		}
		if next == "" {
			return target, h, nil
		}
		target = next
	}
	return "", plumbing.ZeroHash, fmt.Errorf("reading ref %s: symbolic refs nested too deep", name)
}

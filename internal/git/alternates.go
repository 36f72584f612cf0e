package git

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxAltDepth is git's limit on nested alternates (link_alt_odb_entries).
const maxAltDepth = 5

// altResolver collects the ordered, deduplicated object directories of a
// repository the way git's object-file.c prepare_alt_odb does: first the
// entries of GIT_ALTERNATE_OBJECT_DIRECTORIES, then those of the primary
// directory's objects/info/alternates, each followed at once by the
// alternates it lists itself, depth first, at most five levels deep.
type altResolver struct {
	dirs []string // dirs[0] is the primary directory
	seen map[string]bool
}

func newAltResolver(primary string) *altResolver {
	primary = filepath.Clean(primary)
	return &altResolver{dirs: []string{primary}, seen: map[string]bool{primary: true}}
}

// link adds entries. Relative entries are resolved against relBase, which
// for an alternates file is the objects directory that lists it, after
// resolving symbolic links (git's strbuf_realpath), and for the environment
// the directory the repository was opened from.
func (r *altResolver) link(entries []string, relBase string, realBase bool, depth int) {
	if depth > maxAltDepth {
		return
	}
	base := relBase
	if realBase {
		if rb, err := filepath.EvalSymlinks(relBase); err == nil {
			base = rb
		}
	}
	for _, e := range entries {
		p := e
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		p = filepath.Clean(p)
		if r.seen[p] {
			continue
		}
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue // git reports and skips a missing alternate
		}
		r.seen[p] = true
		r.dirs = append(r.dirs, p)
		r.readInfo(p, depth+1)
	}
}

// readInfo links the entries of dir/info/alternates.
func (r *altResolver) readInfo(dir string, depth int) {
	data, err := os.ReadFile(filepath.Join(dir, "info", "alternates"))
	if err != nil {
		return
	}
	r.link(parseAltEntries(string(data), '\n'), dir, true, depth)
}

// parseAltEntries splits an alternates list as git's parse_alt_odb_entry
// does: entries are separated by sep; an entry starting with '#' is a
// comment; one starting with '"' is C-quoted (falling back to the raw text
// when the quoting is broken); empty entries are skipped.
func parseAltEntries(s string, sep byte) []string {
	var out []string
	for len(s) > 0 {
		var entry string
		var end int // index just past the entry
		switch {
		case s[0] == '#':
			end = indexOrLen(s, sep)
		case s[0] == '"':
			if u, n, ok := unquoteC(s); ok {
				entry, end = u, n
				break
			}
			fallthrough
		default:
			end = indexOrLen(s, sep)
			entry = s[:end]
		}
		if end < len(s) {
			end++ // git skips one character after the entry, whatever it is
		}
		s = s[end:]
		if entry != "" {
			out = append(out, entry)
		}
	}
	return out
}

func indexOrLen(s string, c byte) int {
	if i := strings.IndexByte(s, c); i >= 0 {
		return i
	}
	return len(s)
}

// unquoteC decodes a C-style quoted string at the start of s as git's
// quote.c unquote_c_style does, returning the text and the index just past
// the closing quote.
func unquoteC(s string) (string, int, bool) {
	if len(s) == 0 || s[0] != '"' {
		return "", 0, false
	}
	var b strings.Builder
	for i := 1; i < len(s); {
		c := s[i]
		i++
		switch c {
		case '"':
			return b.String(), i, true
		case '\\':
			if i >= len(s) {
				return "", 0, false
			}
			c = s[i]
			i++
			switch c {
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			case '\\', '"':
				b.WriteByte(c)
			case '0', '1', '2', '3':
				if i+1 >= len(s) || !isOctal(s[i]) || !isOctal(s[i+1]) {
					return "", 0, false
				}
				b.WriteByte((c-'0')<<6 | (s[i]-'0')<<3 | (s[i+1] - '0'))
				i += 2
			default:
				return "", 0, false
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false // no closing quote
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// AddAlternate appends dir to the primary directory's objects/info/alternates
// and starts reading it (and its own alternates) at once. A relative dir is
// relative to the primary objects directory, as in the file.
func (s *Store) AddAlternate(dir string) error {
	primary := s.dirList()[0]
	info := filepath.Join(primary, "info")
	if err := os.MkdirAll(info, 0o777); err != nil {
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	if strings.ContainsAny(dir, "\"\\\n") || strings.HasPrefix(dir, "#") {
		return fmt.Errorf("adding alternate %q: path needs quoting", dir)
	}
	f, err := os.OpenFile(filepath.Join(info, "alternates"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	if _, err := io.WriteString(f, dir+"\n"); err != nil {
		f.Close()
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("adding alternate %s: %w", dir, err)
	}
	s.mu.Lock()
	r := &altResolver{dirs: append([]string(nil), s.dirs...), seen: map[string]bool{}}
	for _, d := range s.dirs {
		r.seen[d] = true
	}
	r.link([]string{dir}, primary, true, 0)
	s.dirs = r.dirs
	s.mu.Unlock()
	_, err = s.rescan()
	return err
}

package check

import (
	"path"
	"sort"
	"strings"
)

// Links are the symlinks of the trusted tree (the range's base), so that a
// path is judged under every name its content is read by: when CLAUDE.md
// is a symlink to docs/agent.md, an edit of docs/agent.md changes the
// memory every agent session reads, and when .claude is a symlink to x/,
// x/settings.json is Claude Code's settings. Only the trusted tree is
// read: the commits being checked cannot add or remove a name for
// themselves (a symlink a commit adds is judged as a change of its own,
// by its target).
type Links struct {
	links   map[string]string   // link path → raw target
	readers map[string][]string // resolved target → the links that read it
}

// maxHops bounds how many symlinks one resolution follows, as Linux's
// MAXSYMLINKS does; a longer chain (or a loop) resolves to nothing.
const maxHops = 40

// NewLinks returns the links of a tree: each link's path and raw target,
// as git.Symlinks reads them.
func NewLinks(links map[string]string) *Links {
	l := &Links{links: links, readers: map[string][]string{}}
	for p := range links {
		if t := l.Resolve(p); t != "" && t != p {
			l.readers[t] = append(l.readers[t], p)
		}
	}
	for _, rs := range l.readers {
		sort.Strings(rs)
	}
	return l
}

// Resolve returns the path p names in the tree, its symlinks followed
// (any component may be one, and targets may chain): the path a checkout
// reads when it opens p; "." for the repository's root. It is "" when p
// leads outside the repository or through too many links.
func (l *Links) Resolve(p string) string {
	if l == nil || len(l.links) == 0 {
		return p
	}
	rest := strings.Split(p, "/")
	done := ""
	for hops := 0; len(rest) > 0; {
		next := path.Join(done, rest[0])
		rest = rest[1:]
		target, isLink := l.links[next]
		if !isLink {
			done = next
			continue
		}
		if hops++; hops > maxHops || target == "" || strings.HasPrefix(target, "/") {
			return ""
		}
		j := path.Join(path.Dir(next), target)
		if j == ".." || strings.HasPrefix(j, "../") {
			return ""
		}
		done = ""
		if j != "." {
			rest = append(strings.Split(j, "/"), rest...)
		}
	}
	if done == "" {
		return "."
	}
	return done
}

// Aliases returns the other names p is read by: for every symlink of the
// tree that resolves to p or to a directory above it (the root too), the
// path through that link. Sorted; nil when there are none.
func (l *Links) Aliases(p string) []string {
	if l == nil || len(l.readers) == 0 {
		return nil
	}
	var out []string
	for dir := p; ; dir = path.Dir(dir) {
		for _, link := range l.readers[dir] {
			if dir == "." {
				out = append(out, link+"/"+p)
			} else {
				out = append(out, link+p[len(dir):])
			}
		}
		if dir == "." {
			break
		}
	}
	sort.Strings(out)
	return out
}

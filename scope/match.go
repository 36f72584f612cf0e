package scope

import (
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
)

// Match is one protected class a path belongs to, and the glob that put it
// there.
type Match struct {
	Class  string
	Action string
	Glob   string
}

// gateGlobs are the gate's own files. An agent never edits the rules or the
// trust that judge it, so these are block for agent sessions whatever the
// policy says: a policy that let agents change it would protect nothing.
// ".agentcheck/**" also matches a file named
// ".agentcheck", which would replace the directory.
func gateGlobs() []string { return []string{".agentcheck.yml", ".agentcheck/**"} }

// MatchGlob reports whether path matches the doublestar glob. With
// caseInsensitive both are lowercased first, because doublestar itself only
// matches case-sensitively. An invalid glob matches nothing. A leading "!" has
// no special meaning here; exclusions belong to [Class].
func MatchGlob(glob, path string, caseInsensitive bool) bool {
	if caseInsensitive {
		path = strings.ToLower(path)
	}
	return matchLower(glob, path, caseInsensitive)
}

// matchLower is MatchGlob for a path already in lower case (a folded one)
// when caseInsensitive.
func matchLower(glob, path string, caseInsensitive bool) bool {
	if caseInsensitive {
		glob = strings.ToLower(glob)
	}
	if !mayMatch(glob, path) {
		return false
	}
	ok, err := doublestar.Match(glob, path)
	return err == nil && ok
}

// mayMatch is a quick test that rules most paths out before doublestar
// matches them (a policy has dozens of globs, and every changed path is
// tried against all of them). It is conservative: false means glob cannot
// match path. Every run of literal characters of the glob between
// wildcards, slashes, alternatives ({a,b}) and character classes ([ab])
// must match the same characters in the path, so each must occur in it. A
// glob with escapes, nested alternatives or anything but ASCII (doublestar
// compares runes, and invalid UTF-8 decodes to one rune whatever its bytes)
// is not looked at.
func mayMatch(glob, path string) bool {
	start := -1
	for i := 0; i <= len(glob); i++ {
		c := byte('/') // ends the last run
		if i < len(glob) {
			c = glob[i]
		}
		if c >= utf8.RuneSelf || c == '\\' {
			return true
		}
		switch c {
		case '*', '?', '/', '{', '[':
			if start >= 0 && !strings.Contains(path, glob[start:i]) {
				return false
			}
			start = -1
		default:
			if start < 0 {
				start = i
			}
			continue
		}
		// Skip what an alternative or a class may match.
		switch c {
		case '{':
			end := strings.IndexAny(glob[i+1:], "{}")
			if end < 0 || glob[i+1+end] != '}' {
				return true
			}
			i += 1 + end
		case '[':
			j := i + 1
			if j < len(glob) && (glob[j] == '!' || glob[j] == '^') {
				j++
			}
			end := strings.IndexByte(glob[j:], ']')
			if end <= 0 { // unclosed, or a ']' first, which some read as literal
				return true
			}
			i = j + end
		}
	}
	return true
}

// foldPath turns a repository path into the form protected and scope globs
// are matched against: cleaned, lowercased, and with trailing dots and spaces
// dropped from each element. A case-insensitive checkout makes
// ".GitHub/Workflows/x.yml" a live workflow, and Windows drops trailing dots
// and spaces, so ".github./workflows /x.yml" is one too; folding errs towards
// matching. ok is false for a path that is empty, absolute or outside the
// repository: no glob of a policy or a scope can cover it.
func foldPath(p string) (folded string, ok bool) {
	if p == "" || strings.HasPrefix(p, "/") {
		return "", false
	}
	p = path.Clean(p)
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	p = strings.ToLower(p)
	if !strings.ContainsAny(p, ". ") {
		return p, true
	}
	elems := strings.Split(p, "/")
	for i, e := range elems {
		// Only trim when something is left: "..." is a name on Linux, and
		// Clean has already removed "." and "..".
		if t := strings.TrimRight(e, ". "); t != "" {
			elems[i] = t
		}
	}
	return strings.Join(elems, "/"), true
}

// GateFile reports whether path is one of the gate's own files,
// ".agentcheck.yml" or under ".agentcheck/". [Policy.Classify] always reports
// these as block in class agent-config; a caller that judges a human's commit
// rather than an agent session's can use GateFile to tell that match apart.
func GateFile(path string) bool {
	fp, ok := foldPath(path)
	return ok && gateGlob(fp) != ""
}

// gateGlob returns the gate glob a folded path matches, or "".
func gateGlob(folded string) string {
	for _, g := range gateGlobs() {
		if MatchGlob(g, folded, false) {
			return g
		}
	}
	return ""
}

// matchFolded returns the first glob of c that matches the folded path, or ""
// when none does or an exclusion ("!glob") does.
func (c *Class) matchFolded(folded string) string {
	var hit string
	for _, g := range c.Paths {
		if !strings.HasPrefix(g, "!") && matchLower(g, folded, true) {
			hit = g
			break
		}
	}
	if hit == "" {
		return "" // most paths: the exclusions need not be tried
	}
	for _, g := range c.Paths {
		if ex, ok := strings.CutPrefix(g, "!"); ok && matchLower(ex, folded, true) {
			return ""
		}
	}
	return hit
}

// Classify returns the protected classes path belongs to, one [Match] per
// class with the first glob of the class that matched, sorted by class name.
// Classes whose action is off are skipped. Matching is case-insensitive.
// Class submodules is not tried: it holds submodule pointers, not files
// (see [Policy.ClassifyGitlink]).
//
// The gate's own files (see [GateFile]) always yield class agent-config with
// action block, even when the policy switched agent-config off or dropped
// those globs; that match replaces whatever agent-config said about the path.
// It applies to agent sessions: an agent never edits the rules that judge it.
func (p *Policy) Classify(path string) []Match {
	return p.classify(path, false)
}

// ClassifyGitlink is [Policy.Classify] for a submodule pointer (a gitlink,
// mode 160000, on either side of a change): the classes of its path, and
// class submodules when one of that class's globs matches it.
func (p *Policy) ClassifyGitlink(path string) []Match {
	return p.classify(path, true)
}

func (p *Policy) classify(path string, gitlink bool) []Match {
	fp, ok := foldPath(path)
	if !ok {
		return nil
	}
	gate := gateGlob(fp)
	var out []Match
	for i := range p.Protected {
		c := &p.Protected[i]
		if c.Action == ActionOff || (gate != "" && c.Name == ClassAgentConfig) || c.Name == ClassSubmodules && !gitlink {
			continue
		}
		if g := c.matchFolded(fp); g != "" {
			out = append(out, Match{Class: c.Name, Action: c.Action, Glob: g})
		}
	}
	if gate != "" {
		out = append(out, Match{Class: ClassAgentConfig, Action: ActionBlock, Glob: gate})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Class != out[j].Class {
			return out[i].Class < out[j].Class
		}
		return out[i].Glob < out[j].Glob
	})
	return out
}

// ProtectHookDirs adds the directories dirs, where the repository points
// git's core.hooksPath (see trusted.HookDirs), to class dev-exec: the hooks
// in them run on every developer's commit like those in .husky. A policy
// that switched the class off or removed it gets nothing.
func (p *Policy) ProtectHookDirs(dirs []string) {
	i := slices.IndexFunc(p.Protected, func(c Class) bool { return c.Name == ClassDevExec })
	if i < 0 || p.Protected[i].Action == ActionOff {
		return
	}
	c := &p.Protected[i]
	for _, d := range dirs {
		if g := escapeGlob(d) + "/**"; !slices.Contains(c.Paths, g) {
			c.Paths = append(c.Paths, g)
		}
	}
}

// InScopeAlways reports whether path matches a glob of scope.always: in scope
// for every session, whatever it declared. Matching is case-insensitive.
func (p *Policy) InScopeAlways(path string) bool {
	fp, ok := foldPath(path)
	if !ok {
		return false
	}
	for _, g := range p.Scope.Always {
		if matchLower(g, fp, true) {
			return true
		}
	}
	return false
}

package scope

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Resolver tells whether a path a human typed names a file or a directory of
// the repository. mention is the text as typed, without "@" and quotes: it may
// begin with "./" or be absolute. rel is the path relative to the repository
// root, slash-separated. The caller owns the file system; [FromPrompt] never
// touches it.
type Resolver = func(mention string) (rel string, isDir bool, ok bool)

// maxTries bounds how many spellings of one mention are tried on the file
// system ("foo.go).", "foo.go)", "foo.go"), so that a prompt full of
// punctuation cannot turn one mention into many stat calls.
const maxTries = 8

// FromPrompt derives the declared intent scope from one prompt of the
// human, in order of appearance and without duplicates: the boundary the
// checker holds the agent's changes to (AC005).
//
// A line that begins (after blanks) with "scope:", in any case, declares a
// hard boundary: the rest of the line is globs separated by blanks or commas
// (a comma inside {a,b} belongs to the glob; "double quotes" hold a glob with
// blanks). Globs are made relative and clean: a leading "./" or "@" is dropped,
// a trailing "/" becomes "/**", and a plain path that resolve says is a
// directory gets "/**". Absolute globs, globs with a ".." element and invalid
// globs are dropped. A directive may name paths that do not exist yet, so
// resolve does not filter them; but a "scope:" line with a word that is
// neither path-like (a "/", "." or glob character) nor an existing path is
// prose ("Scope: this is about payments") and declares nothing.
//
// "@path" elsewhere declares a soft boundary: a file as that exact path
// (glob-escaped), a directory as "dir/**". A mention counts only where resolve
// finds it, so decorators, handles and e-mail addresses declare nothing; "@"
// must start a word. "@\"a b.go\"" holds blanks; trailing punctuation
// ("(@foo.go)," "@foo.go.") and a "#L10-20" or ":42" location are dropped. A
// mention of the repository root is ignored: it would declare every protected
// path at once. Mentions inside code fences count; the human typed them.
//
// A nil resolve drops every mention and leaves directives as written.
func FromPrompt(text string, resolve Resolver) []journal.ScopeDecl {
	var out []journal.ScopeDecl
	seen := make(map[journal.ScopeDecl]bool)
	add := func(glob, source string) {
		d := journal.ScopeDecl{Glob: glob, Source: source}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if globs, ok := directive(line, resolve); ok {
			for _, g := range globs {
				add(g, journal.SourceDirective)
			}
			continue
		}
		for _, g := range mentions(line, resolve) {
			add(g, journal.SourceMention)
		}
	}
	return out
}

// directive parses a "scope:" line. ok is false when the line is not one.
func directive(line string, resolve Resolver) (globs []string, ok bool) {
	rest := strings.TrimLeftFunc(line, unicode.IsSpace)
	// ASCII only: strings.EqualFold would take "ſcope:" (long s) too.
	if len(rest) < len("scope:") || strings.ToLower(rest[:len("scope:")]) != "scope:" {
		return nil, false
	}
	tokens := splitGlobs(rest[len("scope:"):])
	if len(tokens) == 0 {
		return nil, false
	}
	for _, tok := range tokens {
		g, isPath := directiveGlob(tok, resolve)
		if !isPath {
			return nil, false
		}
		if g != "" {
			globs = append(globs, g)
		}
	}
	return globs, true
}

// directiveGlob normalizes one token of a directive. isPath is false for a
// word that looks like prose; g is "" for a path-like token that is dropped.
func directiveGlob(tok string, resolve Resolver) (g string, isPath bool) {
	tok = strings.TrimPrefix(tok, "@")
	g, ok := cleanGlob(tok)
	isPath = strings.ContainsAny(tok, "/.*?[{\\")
	if ok && resolve != nil && !strings.ContainsAny(g, "*?[]{}\\") {
		if rel, isDir, found := resolve(g); found {
			isPath = true
			// A resolver that calls a named path the root is wrong; keep
			// the glob as typed rather than declare the whole repository.
			// ("scope: ." never gets here: it is "**" already.)
			if r, relOK := cleanRel(rel); relOK && isDir && r != "" {
				g = escapeGlob(r) + "/**"
			}
		}
	}
	if !ok {
		return "", isPath
	}
	return g, isPath
}

// splitGlobs splits a directive's text on blanks and on commas outside
// braces and brackets. A token that begins with a double quote runs to the
// next one.
func splitGlobs(s string) []string {
	var tokens []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			tokens = append(tokens, cur.String())
			cur.Reset()
		}
	}
	braces, inClass := 0, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' && cur.Len() == 0:
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				end = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+end])
			flush()
			i += end + 2
			continue
		case r == '\\' && i+size < len(s):
			// An escape keeps the next character, whatever it is.
			_, next := utf8.DecodeRuneInString(s[i+size:])
			cur.WriteString(s[i : i+size+next])
			i += size + next
			continue
		case unicode.IsSpace(r):
			flush()
			braces, inClass = 0, false
		case r == ',' && braces == 0 && !inClass:
			flush()
		default:
			switch {
			case r == '[' && !inClass:
				inClass = true
			case r == ']' && inClass:
				inClass = false
			case r == '{' && !inClass:
				braces++
			case r == '}' && !inClass && braces > 0:
				braces--
			}
			cur.WriteRune(r)
		}
		i += size
	}
	flush()
	return tokens
}

// cleanGlob makes a glob a human typed relative and clean: no leading "./",
// no empty or "." elements, a trailing "/" as "/**". It rejects what could
// reach outside the repository and what doublestar cannot match.
func cleanGlob(g string) (string, bool) {
	if g == "" || hasControl(g) || !utf8.ValidString(g) || absolute(g) {
		return "", false
	}
	dir := strings.HasSuffix(g, "/") && !strings.HasSuffix(g, `\/`)
	var elems []string
	for e := range strings.SplitSeq(g, "/") {
		switch e {
		case "", ".":
			continue
		}
		elems = append(elems, e)
	}
	if escapes(g) {
		return "", false
	}
	if dir || len(elems) == 0 {
		// "dir/" is everything under dir; "./" alone is the whole
		// repository, which a directive may say in so many words.
		elems = append(elems, "**")
	}
	g = strings.Join(elems, "/")
	// Again after cleaning: "./\/x" would become an escaped root.
	if absolute(g) || !doublestar.ValidatePattern(g) {
		return "", false
	}
	return g, true
}

// escapes reports whether a glob has a literal ".." element: between
// slashes, or as one {alternative}, also spelt with escapes (`\.\.`). Such a
// glob says "outside the repository". (Wildcards can match ".." too, but no
// path they are matched against has one: [InScope] and [Policy.Classify]
// refuse such paths.)
func escapes(g string) bool {
	var elem strings.Builder
	depth := 0
	end := func() bool {
		dotdot := elem.String() == ".."
		elem.Reset()
		return dotdot
	}
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case c == '\\' && i+1 < len(g):
			i++
			elem.WriteByte(g[i])
		case c == '/', c == '{', c == '}' && depth > 0, c == ',' && depth > 0:
			if end() {
				return true
			}
			switch c {
			case '{':
				depth++
			case '}':
				depth--
			}
		default:
			elem.WriteByte(c)
		}
	}
	return end()
}

// absolute reports whether a typed path names something outside the
// repository by itself: "/x", "\x" (an escaped "/" is still a root),
// "C:/x", "C:\x" and "~/x" (any leading "~", to be safe).
func absolute(p string) bool {
	switch {
	case strings.HasPrefix(p, "/"), strings.HasPrefix(p, `\`), strings.HasPrefix(p, "~"):
		return true
	case driveLetter(p):
		return true
	}
	return false
}

// driveLetter reports whether p begins like a Windows absolute path, "C:/"
// or "C:\".
func driveLetter(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '/' || p[2] == '\\') &&
		(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z')
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// cleanRel checks a path that resolve returned and makes it clean; "" is the
// repository root. A resolver is the caller's code, so its answer is checked
// like any input: nothing absolute or outside the repository gets through.
func cleanRel(rel string) (string, bool) {
	if hasControl(rel) || !utf8.ValidString(rel) || strings.HasPrefix(rel, "/") || driveLetter(rel) {
		return "", false
	}
	var elems []string
	for e := range strings.SplitSeq(rel, "/") {
		switch e {
		case "", ".":
			continue
		case "..":
			return "", false
		}
		elems = append(elems, e)
	}
	return strings.Join(elems, "/"), true
}

// escapeGlob escapes doublestar's metacharacters in a path, so that the glob
// matches exactly that path. Unlike doublestar's own (unexported) escaping it
// also escapes "\", which would otherwise escape the character after it.
func escapeGlob(p string) string {
	if !strings.ContainsAny(p, `*?[]{}\`) {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// UnescapeGlob undoes escapeGlob: the path a glob of one literal path
// (a mention's) names. A backslash quotes the character after it.
func UnescapeGlob(g string) string {
	if !strings.Contains(g, `\`) {
		return g
	}
	var b strings.Builder
	for i := 0; i < len(g); i++ {
		if g[i] == '\\' && i+1 < len(g) {
			i++
		}
		b.WriteByte(g[i])
	}
	return b.String()
}

// mentionStart reports whether an "@" preceded by r starts a mention. A
// letter, digit or path character before it makes it part of a word: an
// e-mail address, "node_modules/@types", "a@b".
func mentionStart(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("([{<\"'`*~,;", r)
}

// trailing is punctuation a sentence may put after a mention.
const trailing = ".,;:!?)]}>\"'`*~"

// mentions returns the globs of the "@" mentions in a line that resolve finds.
func mentions(line string, resolve Resolver) []string {
	if resolve == nil {
		return nil
	}
	var globs []string
	for i := 0; i < len(line); i++ {
		if line[i] != '@' {
			continue
		}
		if i > 0 {
			if prev, _ := utf8.DecodeLastRuneInString(line[:i]); !mentionStart(prev) {
				continue
			}
		}
		rest := line[i+1:]
		if strings.HasPrefix(rest, `"`) {
			closing := strings.IndexByte(rest[1:], '"')
			if closing < 0 {
				continue
			}
			if g, _, ok := resolveMention([]string{rest[1 : 1+closing]}, resolve); ok {
				globs = append(globs, g)
				i += 1 + closing + 1 // past the closing quote
			}
			continue
		}
		if j := strings.IndexFunc(rest, unicode.IsSpace); j >= 0 {
			rest = rest[:j]
		}
		if g, used, ok := resolveMention(spellings(rest), resolve); ok {
			globs = append(globs, g)
			i += used // past the spelling; what follows may hold another mention
		}
	}
	return globs
}

// spellings lists what an unquoted mention may mean, longest first: as typed,
// then with trailing punctuation dropped one character at a time, then cut
// before a comma ("@a.go,@b.go") or a closing bracket or quote
// ("[@README](README)"), then without a "#L10-20" or ":42" location.
func spellings(run string) []string {
	var out []string
	addTrimmed := func(s string) {
		for s != "" && len(out) < maxTries {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
			r, size := utf8.DecodeLastRuneInString(s)
			if !strings.ContainsRune(trailing, r) {
				return
			}
			s = s[:len(s)-size]
		}
	}
	addTrimmed(run)
	if j := strings.IndexByte(run, ','); j > 0 {
		addTrimmed(run[:j])
	}
	if j := strings.IndexAny(run, ")]}>\"'`"); j > 0 {
		addTrimmed(run[:j])
	}
	base := strings.TrimRight(run, trailing)
	if j := strings.IndexByte(base, '#'); j > 0 {
		addTrimmed(base[:j])
	} else if j := strings.IndexByte(base, ':'); j > 0 && isLocation(base[j+1:]) {
		addTrimmed(base[:j])
	} else if j := strings.LastIndexByte(base, ':'); j > 0 && isLocation(base[j+1:]) {
		addTrimmed(base[:j])
	}
	return out
}

// isLocation reports whether s is a line location like "42", "42-50" or
// "42:7".
func isLocation(s string) bool {
	return s != "" && strings.Trim(s, "0123456789-:") == "" && s[0] >= '0' && s[0] <= '9'
}

// resolveMention returns the glob of the first spelling resolve finds, and
// that spelling's length.
func resolveMention(cands []string, resolve Resolver) (glob string, used int, ok bool) {
	for _, c := range cands {
		if c == "" || hasControl(c) || !utf8.ValidString(c) {
			continue
		}
		rel, isDir, found := resolve(c)
		if !found {
			continue
		}
		r, relOK := cleanRel(rel)
		if !relOK || r == "" {
			// Outside the repository, or the root itself: "@." would
			// declare every protected path.
			return "", 0, false
		}
		g := escapeGlob(r)
		if isDir {
			g += "/**"
		}
		if !doublestar.ValidatePattern(g) {
			return "", 0, false
		}
		return g, len(c), true
	}
	return "", 0, false
}

// InScope returns the declarations whose glob covers path, in their order.
// Matching is case-insensitive, like protected matching, and a path outside
// the repository is covered by none.
func InScope(decls []journal.ScopeDecl, path string) (matched []journal.ScopeDecl) {
	fp, ok := foldPath(path)
	if !ok {
		return nil
	}
	for _, d := range decls {
		if matchLower(d.Glob, fp, true) {
			matched = append(matched, d)
		}
	}
	return matched
}

// Declared reports whether the declarations declare path for the protected
// classes. Every declaration, hard or soft, declares exactly the paths it
// covers: a human who wrote "@.github/workflows/ci.yml" or
// "scope: .github/workflows/**" asked for that change.
func Declared(decls []journal.ScopeDecl, path string) bool {
	return len(InScope(decls, path)) > 0
}

// HasHard reports whether any declaration is a hard boundary (a directive or
// "agentcheck scope add"). Without one, leaving the scope is only a warning.
func HasHard(decls []journal.ScopeDecl) bool {
	for _, d := range decls {
		if d.Hard() {
			return true
		}
	}
	return false
}

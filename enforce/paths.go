package enforce

import (
	"cmp"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/shell"
)

// A path in a shell command is judged for where it leads, however it is
// spelled: relative to every directory the command may run in, with ..
// and // cleaned away, case-insensitively, through the variables the
// script assigned, through ~, $HOME and the other variables agentcheck
// knows the value of, and through git rev-parse --git-dir,
// --git-common-dir, --absolute-git-dir, --git-path and --show-toplevel,
// whose output agentcheck knows. A glob is judged by every protected
// place it may match. A path whose value agentcheck cannot know is
// judged by what it can see: it is refused when its command writes and
// it comes from git's own directory, names .git or agentcheck, or the
// script names the journal, the hooks or the key anywhere.

// maxValues bounds the values a word is resolved to (a variable assigned
// in a loop has several): past it, the word's value is unknown.
const maxValues = 16

// value is one value a word may have.
type value struct {
	text string // the value, or with glob set a pattern; unknown parts are '\x00'
	// pattern is text with the glob characters of its literal parts
	// escaped.
	pattern string
	known   bool // no part is unknown
	glob    bool
	// fromGit says an unknown part is a path git printed of its own
	// directory (or a variable conventionally holding one: $GIT_DIR).
	fromGit bool
	// hidden names the transform (base64, xxd…) whose output an unknown
	// part is: text hidden on purpose.
	hidden string
}

// resolve returns the values a word may have.
func (m *matcher) resolve(w shell.Word) []value {
	out := []value{{known: true}}
	for _, p := range w.Parts {
		var alts []value
		switch p.Kind {
		case shell.Lit:
			alts = []value{{text: p.Text, pattern: escapeGlob(p.Text), known: true}}
		case shell.Glob, shell.Brace:
			g := braceToGlob(p.Text)
			alts = []value{{text: g, pattern: g, known: true, glob: true}}
		case shell.Tilde:
			alts = []value{unknown(false)}
			if p.Text == "~" && m.env.Home != "" {
				alts = []value{{text: m.env.Home, pattern: escapeGlob(m.env.Home), known: true}}
			}
		case shell.Param:
			alts = m.param(p)
		case shell.Subst:
			alts = m.substitution(p.Script)
		default:
			alts = []value{unknown(false)}
		}
		out = product(out, alts)
	}
	for i := range out {
		if out[i].glob {
			out[i].text = out[i].pattern
		}
	}
	return out
}

func unknown(fromGit bool) value { return value{text: "\x00", pattern: "\x00", fromGit: fromGit} }

// product returns every concatenation of a value of a with one of b, or
// one unknown value past maxValues.
func product(a, b []value) []value {
	if len(a)*len(b) > maxValues {
		u := unknown(false)
		for _, v := range append(append([]value(nil), a...), b...) {
			u.fromGit = u.fromGit || v.fromGit
			u.hidden = cmp.Or(u.hidden, v.hidden)
		}
		return []value{u}
	}
	var out []value
	for _, x := range a {
		for _, y := range b {
			out = append(out, value{text: x.text + y.text, pattern: x.pattern + y.pattern,
				known: x.known && y.known, glob: x.glob || y.glob, fromGit: x.fromGit || y.fromGit,
				hidden: cmp.Or(x.hidden, y.hidden)})
		}
	}
	return out
}

// param returns the values of a variable: those the script assigned, or
// those agentcheck knows of the environment.
func (m *matcher) param(p shell.Part) []value {
	if !p.Plain {
		return []value{unknown(false)}
	}
	if vs, ok := m.vars[p.Name]; ok {
		return append([]value(nil), vs...)
	}
	known := func(s string) []value {
		if s == "" {
			return []value{unknown(false)}
		}
		return []value{{text: s, pattern: escapeGlob(s), known: true}}
	}
	switch p.Name {
	case "HOME":
		return known(m.env.Home)
	case "XDG_CONFIG_HOME":
		return known(m.env.ConfigHome)
	case "AGENTCHECK_HOME":
		return known(m.env.AgentcheckHome)
	case "PWD":
		return known(m.cwds[0])
	case "GIT_DIR", "GIT_COMMON_DIR":
		return []value{unknown(true)}
	}
	return []value{unknown(false)}
}

// gitDirOption reports whether an option of git rev-parse prints a path
// of the git directory (or the work tree: --show-toplevel).
func gitDirOption(opt string) bool {
	opt, _, _ = strings.Cut(opt, "=")
	switch opt {
	case "--git-dir", "--absolute-git-dir", "--git-common-dir", "--git-path", "--show-toplevel", "--show-superproject-working-tree":
		return true
	}
	return false
}

// substitution returns the values of a command substitution whose output
// agentcheck knows: git rev-parse's paths, pwd, echo of literal words.
func (m *matcher) substitution(s *shell.Script) []value {
	var cmds []*shell.Command
	fromGit := false
	for c := range s.Commands() {
		cmds = append(cmds, c)
		if c.Name() == "git" {
			for _, a := range c.Args() {
				fromGit = fromGit || gitDirOption(a) || strings.Contains(strings.ToLower(a), "hookspath")
			}
		}
	}
	if last := s.Last(); last != nil && isTransform(last.Name()) {
		u := unknown(fromGit)
		u.hidden = last.Name()
		return []value{u}
	}
	if len(cmds) != 1 || cmds[0].Piped || len(cmds[0].Redirs) > 0 {
		return []value{unknown(fromGit)}
	}
	c := cmds[0]
	args := c.Words[min(1, len(c.Words)):]
	for _, a := range args {
		if !a.Literal {
			return []value{unknown(fromGit)}
		}
	}
	known := func(ss ...string) []value {
		var out []value
		for _, s := range ss {
			if s != "" {
				out = append(out, value{text: s, pattern: escapeGlob(s), known: true})
			}
		}
		if len(out) == 0 {
			return []value{unknown(fromGit)}
		}
		return out
	}
	switch c.Name() {
	case "pwd":
		return known(m.cwds...)
	case "echo", "printf":
		if text, ok := shell.Printed(c); ok {
			return known(strings.TrimSuffix(text, "\n"))
		}
	case "git":
		g := parseGit(args)
		if g.sub == nil || g.sub.Text != "rev-parse" || len(g.args) == 0 {
			return []value{unknown(fromGit)}
		}
		switch opt := g.args[0].Text; opt {
		case "--git-dir", "--absolute-git-dir":
			return known(m.repo.GitDir)
		case "--git-common-dir":
			return known(m.repo.CommonDir)
		case "--show-toplevel":
			return known(m.repo.Root)
		case "--git-path":
			if len(g.args) > 1 && m.repo.GitDir != "" {
				rel := g.args[1].Text
				return known(filepath.Join(m.repo.GitDir, rel), filepath.Join(m.repo.CommonDir, rel))
			}
		}
	}
	return []value{unknown(fromGit)}
}

// absolute returns the absolute paths a value may be: relative to each
// directory the command may run in. A relative value in a directory
// agentcheck cannot know stays unknown.
func (m *matcher) absolute(v value) []value {
	if !v.known && !strings.HasPrefix(v.text, "/") {
		return []value{v}
	}
	if strings.HasPrefix(v.text, "/") {
		v.text = filepath.Clean(v.text)
		return []value{v}
	}
	var out []value
	for _, cwd := range m.cwds {
		if cwd == "" {
			continue
		}
		a := v
		a.text = filepath.Clean(filepath.Join(cwd, v.text))
		out = append(out, a)
	}
	if m.cwdUnknown || len(out) == 0 {
		u := v
		u.known = false
		u.fromGit = u.fromGit || m.cwdFromGit
		out = append(out, u)
	}
	return out
}

// pathsOf returns the absolute paths a word may name: the word, and for
// --option=VALUE or of=VALUE the value too.
func (m *matcher) pathsOf(w shell.Word) []value {
	var out []value
	words := []shell.Word{w}
	if v := afterEquals(w); v.Text != w.Text {
		words = append(words, v)
	}
	for _, x := range words {
		if x.Text == "" {
			continue
		}
		for _, v := range m.resolve(x) {
			out = append(out, m.absolute(v)...)
		}
	}
	return out
}

// afterEquals returns the part of a word after its first "=" in a
// literal part, or the word itself when it has none.
func afterEquals(w shell.Word) shell.Word {
	if _, after, ok := w.Cut("="); ok {
		return after
	}
	return w
}

func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?[\`) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// braceToGlob turns the brace expansions of a word into a glob that
// matches all they expand to ({a,b} becomes *).
func braceToGlob(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			if depth == 0 {
				b.WriteString(s[i : i+2])
			}
			i++
		case c == '{':
			if depth == 0 {
				b.WriteByte('*')
			}
			depth++
		case c == '}' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// globReaches returns the first of places a glob may match, match inside
// or be a directory above (rm -rf .g* removes .git), or "". As in the
// shell, a wildcard does not match a leading dot.
func globReaches(pattern string, places []string) string {
	pc := foldedElems(pattern)
	for _, place := range places {
		if place == "" {
			continue
		}
		dc := foldedElems(place)
		n := min(len(pc), len(dc))
		ok := n > 0
		for i := 0; i < n && ok; i++ {
			ok = componentMatch(pc[i], dc[i])
		}
		if ok {
			return place
		}
	}
	return ""
}

// foldedElems splits a path into its elements as a case-insensitive,
// Windows-like file system compares them: lower case, trailing dots and
// spaces dropped.
func foldedElems(p string) []string {
	elems := strings.Split(strings.ToLower(filepath.ToSlash(filepath.Clean(p))), "/")
	for i, e := range elems {
		if t := strings.TrimRight(e, ". "); t != "" {
			elems[i] = t
		}
	}
	return elems
}

func componentMatch(pattern, name string) bool {
	if strings.HasPrefix(name, ".") && !strings.HasPrefix(pattern, ".") && !strings.HasPrefix(pattern, `\.`) {
		return false
	}
	matched, err := path.Match(goClasses(pattern), name)
	if err != nil {
		return pattern == name
	}
	return matched
}

// goClasses spells the shell's negated bracket expression, [!…], as
// path.Match reads it, [^…]: path.Match takes [!.] for "'!' or '.'", so
// rm -rf .[!.]* would not be seen to reach .git.
func goClasses(pattern string) string {
	if !strings.Contains(pattern, "[!") {
		return pattern
	}
	b := []byte(pattern)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '\\':
			i++
		case b[i] == '[' && i+1 < len(b) && b[i+1] == '!':
			b[i+1] = '^'
		}
	}
	return string(b)
}

func (m *matcher) globReaches(pattern string, places []string) string {
	return globReaches(pattern, places)
}

// protectedPlaces lists the places a write must not reach, for matching
// globs against: the git directory, the hooks directory, the agents' hook
// configuration, git's global configuration, the key and ~/.ssh.
func (m *matcher) protectedPlaces() []string {
	var out []string
	add := func(ps ...string) {
		for _, p := range ps {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	if m.repo.Root != "" {
		add(filepath.Join(m.repo.Root, ".git"))
		for _, f := range []string{".claude/settings.json", ".claude/settings.local.json", ".cursor/hooks.json", ".codex/hooks.json", ".codex/config.toml", ".opencode/plugins", ".opencode/plugin"} {
			add(filepath.Join(m.repo.Root, filepath.FromSlash(f)))
		}
	}
	add(m.repo.GitDir, m.repo.CommonDir, m.hooksDir())
	add(userHookConfigs(m.env)...)
	add(gitConfigFiles(m.env)...)
	add(m.keyPlaces()...)
	if m.env.Home != "" {
		add(filepath.Join(m.env.Home, ".ssh"))
	}
	return out
}

// tamperAbs reports why writing an absolute path tampers with the record.
func (m *matcher) tamperAbs(abs string) string {
	if r := m.tamperAt(abs); r != "" {
		return r
	}
	// A symlink already there leads the write elsewhere (cp -s made
	// notes.txt a link to the journal; echo >> notes.txt appends to it).
	if real := agents.WriteTarget(abs); real != abs {
		return m.tamperAt(real)
	}
	return ""
}

// tamperAt reports why writing the absolute path abs tampers with the
// record, as it is spelled.
func (m *matcher) tamperAt(abs string) string {
	p := filepath.ToSlash(abs)
	if m.repo.Root != "" {
		if rel, err := filepath.Rel(m.repo.Root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") && rel != "." {
			p = filepath.ToSlash(rel)
		}
	}
	return tamperPath(m.env, m.repo, p, true)
}

// writes refuses a command that writes into the record, however the path
// is spelled.
func (m *matcher) writes(c *shell.Command) string {
	if c.Name() == "find" {
		if r := m.findReaches(c); r != "" {
			return r
		}
	}
	targets := writeTargets(c)
	if len(targets) > 0 {
		m.hooksDir() // tamperPath reads it from m.env
	}
	for _, t := range targets {
		for _, v := range m.pathsOf(t) {
			switch {
			case v.known && !v.glob:
				if r := m.tamperAbs(v.text); r != "" {
					return fmt.Sprintf("it writes to %s: %s", t.Text, r)
				}
			case v.known:
				if place := m.globReaches(v.text, m.protectedPlaces()); place != "" {
					return fmt.Sprintf("it writes to %s, which may lead into %s: %s", t.Text, place, tamperPath(m.env, m.repo, filepath.ToSlash(place), true))
				}
			case v.fromGit:
				return fmt.Sprintf("it writes to %s, a path in git's own directory that agentcheck cannot resolve before it runs: the journal, hooks and config there are agentcheck's record; agents may not change them", t.Text)
			case m.namesProtected(v):
				return fmt.Sprintf("it writes to %s, whose value agentcheck cannot know before it runs and which names a protected directory (.git, agentcheck): agents may not change agentcheck's record", t.Text)
			case m.namesRecord():
				return fmt.Sprintf("it writes to %s, whose value agentcheck cannot know before it runs, in a command that names agentcheck's record (the journal, the hooks or the key): agents may not change it", t.Text)
			}
		}
	}
	return ""
}

// readsOnly reports whether a program only reads the files its arguments
// name (or does not touch files at all). Programs that write their
// operands are listed in writesArgs and judged by what they write; git is
// judged on its own. Any other program given a path in a protected place
// may write it (an editor, ex -sc wq, xxd -r, an interpreter's script), so
// it is refused there: agentcheck knows what these programs do, not every
// program's.
func readsOnly(name string) bool {
	switch name {
	case "cat", "less", "more", "head", "tail", "grep", "egrep", "fgrep", "rg", "ag", "ack", "wc", "ls", "stat", "file",
		"jq", "yq", "diff", "cmp", "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum", "strings", "du",
		"test", "[", "realpath", "readlink", "basename", "dirname", "echo", "printf", "cd", "pushd", "popd", "pwd",
		"export", "local", "declare", "typeset", "readonly", "nl", "tac", "tree", "ssh", "ssh-add", "true", "false",
		"type", "which", "agentcheck":
		return true
	}
	return false
}

// unknownWriter refuses a program agentcheck does not know to only read,
// or to write only what writeTargets finds, given a path in a protected
// place: its arguments, and the environment it is given
// (GIT_WORK_TREE=.git/hooks …). A program that xargs runs gets arguments
// agentcheck cannot see at all: in a script that names the record, it is
// refused unless it only reads.
func (m *matcher) unknownWriter(c *shell.Command) string {
	name := c.Name()
	if len(c.Words) == 0 || name == "git" || readsOnly(name) {
		return ""
	}
	if slices.Contains(c.Wrappers, "xargs") && m.namesRecord() {
		return fmt.Sprintf("xargs runs %s on arguments agentcheck cannot know before it runs, in a command that names agentcheck's record (the journal, the hooks or the key): agents may not change it", name)
	}
	if writesArgs(name) {
		return ""
	}
	words := append([]shell.Word(nil), c.Words[1:]...)
	for _, a := range c.Env.Set {
		words = append(words, a.Value)
	}
	for _, w := range words {
		if r := m.protectedPath(w); r != "" {
			return fmt.Sprintf("it gives %s %s, and agentcheck does not know that %s only reads it: %s", name, w.Text, name, r)
		}
	}
	return ""
}

// protectedPath reports why a word's known paths would lead into a place
// an agent may not write, or "". The hooks directory is read (git config,
// a process) only for a word that looks like a path: most arguments of
// most programs are not.
func (m *matcher) protectedPath(w shell.Word) string {
	if strings.Contains(w.Text, "/") || strings.HasPrefix(w.Text, ".") {
		m.hooksDir() // tamperPath reads it from m.env
	}
	for _, v := range m.pathsOf(w) {
		switch {
		case v.known && !v.glob:
			if r := m.tamperAbs(v.text); r != "" {
				return r
			}
		case v.known:
			if place := m.globReaches(v.text, m.protectedPlaces()); place != "" {
				return tamperPath(m.env, m.repo, filepath.ToSlash(place), true)
			}
		}
	}
	return ""
}

// findReaches refuses a find that changes what it finds (-delete, or -exec
// of a program that does not only read), started above a protected place,
// whose tests may select something inside it: find . -name '*.jsonl'
// -delete empties the journal though no word of it names the journal. The
// tests are matched against what is there (the journal's and the hooks'
// files, the git config); a find without -name or -path tests, or with a
// negation or a regular expression, may select anything. find . -name
// '*.orig' -delete selects nothing there and runs.
func (m *matcher) findReaches(c *shell.Command) string {
	if !findChanges(c.Words[1:]) {
		return ""
	}
	if start, what, place := m.findSelection(c); what != "" {
		return fmt.Sprintf("find %s changes what it finds, and its tests may select %s: %s", start, what, tamperPath(m.env, m.repo, filepath.ToSlash(place), true))
	}
	return ""
}

// findSelection returns what of a protected place a find may select (""
// for nothing): the starting point as written, the first path its tests
// may select and the place it is in.
func (m *matcher) findSelection(c *shell.Command) (start, what, place string) {
	args := c.Words[1:]
	starts := []shell.Word{}
	for _, a := range args {
		if strings.HasPrefix(a.Text, "-") || a.Text == "(" || a.Text == "!" {
			break
		}
		starts = append(starts, a)
	}
	if len(starts) == 0 {
		starts = append(starts, shell.Word{Text: ".", Literal: true, Parts: []shell.Part{{Kind: shell.Lit, Text: "."}}})
	}
	m.hooksDir()
	for _, st := range starts {
		for _, v := range m.pathsOf(st) {
			if !v.known || v.glob {
				continue
			}
			for _, p := range m.protectedPlaces() {
				if !within(p, v.text) {
					continue
				}
				if what := findSelects(args, st.Text, v.text, m.findCandidates(p)); what != "" {
					return st.Text, what, p
				}
			}
		}
	}
	return "", "", ""
}

// findChanges reports whether find's expression changes or removes what
// it finds: -delete, or -exec and its kin running a program that does not
// only read (find . -name '*.go' -exec grep -l x {} + reads).
func findChanges(args []shell.Word) bool {
	for i, a := range args {
		switch a.Text {
		case "-delete":
			return true
		case "-exec", "-execdir", "-ok", "-okdir":
			if i+1 >= len(args) || !readsOnly(shell.ProgramName(args[i+1].Text)) {
				return true
			}
		}
	}
	return false
}

// maxFindCandidates bounds the files findCandidates lists.
const maxFindCandidates = 512

// findCandidates lists the paths inside a protected place that a find's
// tests are matched against: the place, and for the git directory its
// config, the journal's files and the hooks; for another directory, its
// files.
func (m *matcher) findCandidates(place string) []string {
	out := []string{place}
	var dirs, known []string
	if within(place, m.repo.GitDir) || within(place, m.repo.CommonDir) || sameFile(place, filepath.Join(m.repo.Root, ".git")) {
		for _, d := range []string{m.repo.CommonDir, m.repo.GitDir} {
			if d != "" {
				dirs = append(dirs, filepath.Join(d, "agentcheck", "sessions"), filepath.Join(d, "agentcheck"), filepath.Join(d, "hooks"))
			}
		}
		// What is there whether or not it could be read: the config, a
		// journal and its pin, the hooks agentcheck installs.
		sessions := filepath.Join(place, "agentcheck", "sessions")
		known = append(known, filepath.Join(place, "config"), filepath.Join(sessions, "agent-session.jsonl"), filepath.Join(sessions, "agent-session.jsonl.trust"))
		for _, h := range []string{"prepare-commit-msg", "post-commit", "post-rewrite", "pre-push", "reference-transaction"} {
			known = append(known, filepath.Join(place, "hooks", h))
		}
	} else {
		dirs = append(dirs, place)
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if len(out) >= maxFindCandidates {
				break
			}
			out = append(out, filepath.Join(d, e.Name()))
		}
	}
	return append(out, known...)
}

// findSelects returns the first candidate find's tests may select ("" for
// none): every candidate when the expression has no -name or -path test,
// or has a negation or a regular expression, which agentcheck does not
// read. start is the starting point as written and abs as resolved: -path
// matches the path find prints, which begins with start.
func findSelects(args []shell.Word, start, abs string, candidates []string) string {
	var names, paths []string
	for i := 0; i < len(args); i++ {
		t := args[i].Text
		switch t {
		case "!", "-not", "-regex", "-iregex":
			return candidates[0]
		case "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename":
			if i+1 >= len(args) || !args[i+1].Literal {
				return candidates[0]
			}
			i++
			pattern := args[i].Text
			if strings.HasPrefix(t, "-i") {
				pattern = strings.ToLower(pattern)
			}
			if strings.HasSuffix(t, "name") && !strings.HasSuffix(t, "wholename") {
				names = append(names, pattern)
			} else {
				paths = append(paths, pattern)
			}
		}
	}
	if len(names) == 0 && len(paths) == 0 {
		return candidates[0]
	}
	for _, c := range candidates {
		rel, err := filepath.Rel(abs, c)
		if err != nil {
			continue
		}
		printed := strings.TrimSuffix(start, "/") + "/" + filepath.ToSlash(rel)
		base := filepath.Base(c)
		for _, n := range names {
			if ok, _ := path.Match(goClasses(n), base); ok {
				return c
			}
			if ok, _ := path.Match(goClasses(n), strings.ToLower(base)); ok {
				return c
			}
		}
		for _, p := range paths {
			if fnmatchRegexp(p).MatchString(printed) || fnmatchRegexp(p).MatchString(strings.ToLower(printed)) {
				return c
			}
		}
	}
	return ""
}

// fnmatchRegexp compiles a find -path pattern, in which * and ? match '/'
// too, to a regular expression.
func fnmatchRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '\\':
			if i+1 < len(pattern) {
				i++
				b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
			}
		case '[':
			end := strings.IndexByte(pattern[i+1:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := pattern[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(".*") // a pattern agentcheck cannot read may match anything
	}
	return re
}

// namesProtected reports whether the literal parts of an unknown value
// name a protected directory: a path element .git or agentcheck, or the
// key's own names.
func (m *matcher) namesProtected(v value) bool {
	names := []string{".git", "agentcheck"}
	for _, p := range m.keyPlaces() {
		names = append(names, strings.ToLower(filepath.Base(p)))
	}
	for _, part := range strings.FieldsFunc(strings.ToLower(v.text), func(r rune) bool { return r == '/' || r == 0 }) {
		part = strings.TrimRight(part, ". ")
		for _, n := range names {
			if part == n {
				return true
			}
		}
	}
	return false
}

// namesRecord reports whether any word of the script leads into the
// journal, the hooks or the key, or asks git for its directory.
func (m *matcher) namesRecord() bool {
	if m.record != nil {
		return *m.record
	}
	found := false
	for c := range m.script.Commands() {
		words := append([]shell.Word(nil), c.Words...)
		for _, r := range c.Redirs {
			words = append(words, r.Word)
		}
		for _, a := range c.Assigns {
			words = append(words, a.Value)
		}
		for _, w := range words {
			if found = m.recordPath(w) != "" || c.Name() == "git" && gitDirOption(w.Text) && w.Text != "--show-toplevel"; found {
				break
			}
		}
		if !found && c.Name() == "find" {
			// A find whose tests may select the journal or the hooks
			// names them as well as a path does.
			_, what, _ := m.findSelection(c)
			found = what != ""
		}
		if found {
			break
		}
	}
	m.record = &found
	return found
}

// writesArgs reports whether a command writes files its arguments name
// (creates, changes, removes or moves them), beside its redirections.
func writesArgs(name string) bool {
	switch name {
	case "tee", "sponge", "truncate", "touch", "rm", "rmdir", "unlink", "shred", "mkdir", "mv", "ln", "mkfifo",
		"cp", "install", "rsync", "chmod", "chown", "chgrp", "chattr", "setfacl", "sed", "gsed", "perl", "ruby",
		"dd", "tar", "unzip", "find", "curl", "wget", "go", "gcc", "cc", "clang", "g++", "c++", "rustc", "sort",
		"patch", "ssh-keygen":
		return true
	}
	return false
}

// writeTargets returns the words of the paths a command writes: its
// redirections, and the operands or options a writing command writes.
func writeTargets(c *shell.Command) []shell.Word {
	var out []shell.Word
	for _, r := range c.Redirs {
		if r.Writes() {
			out = append(out, r.Word)
		}
	}
	name := c.Name()
	if len(c.Words) < 2 || !writesArgs(name) {
		return out
	}
	args := c.Words[1:]
	ops := operands(args)
	optionValue := func(names ...string) {
		for i, a := range args {
			for _, n := range names {
				switch {
				case a.Text == n && i+1 < len(args):
					out = append(out, args[i+1])
				case strings.HasPrefix(n, "--") && strings.HasPrefix(a.Text, n+"="):
					out = append(out, afterEquals(a))
				case !strings.HasPrefix(n, "--") && len(a.Text) > len(n) && strings.HasPrefix(a.Text, n):
					if _, v, ok := a.Cut(n); ok {
						out = append(out, v)
					}
				case !strings.HasPrefix(n, "--"):
					// In a cluster of short options (curl -so FILE, wget
					// -qO FILE, tar -czf FILE) the option's value is the
					// rest of the word, or the next word when it ends it.
					if j := clusterOption(a.Text, n[1]); j == len(a.Text)-1 && i+1 < len(args) {
						out = append(out, args[i+1])
					} else if j > 0 {
						if _, v, ok := a.Cut(a.Text[:j+1]); ok {
							out = append(out, v)
						}
					}
				}
			}
		}
	}
	switch name {
	case "cp", "install", "rsync":
		optionValue("-t", "--target-directory")
		if len(ops) > 1 {
			out = append(out, ops[len(ops)-1])
		}
		if name == "cp" && makesLinks(args) {
			// cp -s and cp -l link to their sources, as ln does: a
			// write through the link writes the source.
			out = append(out, ops...)
		}
		if name == "rsync" && hasOption(args, "--remove-source-files") {
			out = append(out, ops...)
		}
	case "sed", "gsed", "perl", "ruby":
		if !inPlace(args) {
			break
		}
		if name == "sed" || name == "gsed" {
			if !hasOption(args, "-e", "--expression", "-f", "--file") && len(ops) > 0 {
				ops = ops[1:] // the script
			}
		}
		out = append(out, ops...)
	case "dd":
		for _, a := range args {
			if strings.HasPrefix(a.Text, "of=") {
				out = append(out, afterEquals(a))
			}
		}
	case "tar":
		optionValue("-C", "--directory")
		if len(args) > 0 && strings.ContainsAny(strings.TrimPrefix(args[0].Text, "-"), "cru") {
			optionValue("-f", "--file")
		}
	case "unzip":
		optionValue("-d")
	case "find":
		if findWrites(args) {
			for _, a := range args {
				if strings.HasPrefix(a.Text, "-") || a.Text == "(" || a.Text == "!" {
					break
				}
				out = append(out, a)
			}
			optionValue("-fprint", "-fprint0", "-fprintf", "-fls")
		}
	case "curl":
		optionValue("-o", "--output", "--output-dir")
	case "wget":
		optionValue("-O", "--output-document", "-P", "--directory-prefix")
	case "patch":
		// patch FILE [PATCHFILE] changes FILE; -d changes directory first.
		optionValue("-o", "--output", "-d", "--directory")
		out = append(out, ops...)
	case "go", "gcc", "cc", "clang", "g++", "c++", "rustc", "sort":
		optionValue("-o", "--output")
	case "ssh-keygen":
		optionValue("-f")
	default:
		out = append(out, ops...)
	}
	return out
}

// clusterOption returns where option letter c stands in a cluster of
// short options after other letters (-so, -czf), or -1.
func clusterOption(word string, c byte) int {
	if len(word) < 3 || word[0] != '-' || word[1] == '-' {
		return -1
	}
	for j := 1; j < len(word); j++ {
		switch {
		case word[j] == c && j > 1:
			return j
		case !isASCIILetter(word[j]):
			return -1
		}
	}
	return -1
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// operands returns the words that are not options (all after --).
func operands(args []shell.Word) []shell.Word {
	var out []shell.Word
	for i, a := range args {
		if a.Text == "--" {
			return append(out, args[i+1:]...)
		}
		if !strings.HasPrefix(a.Text, "-") || a.Text == "-" {
			out = append(out, a)
		}
	}
	return out
}

func hasOption(args []shell.Word, names ...string) bool {
	for _, a := range args {
		for _, n := range names {
			if a.Text == n || strings.HasPrefix(a.Text, n+"=") {
				return true
			}
		}
	}
	return false
}

// makesLinks reports whether cp makes links instead of copies: -s, -l,
// --symbolic-link, --link, or s or l in a cluster of short options.
func makesLinks(args []shell.Word) bool {
	for _, a := range args {
		t := a.Text
		switch {
		case t == "--":
			return false
		case t == "--link" || t == "--symbolic-link":
			return true
		case strings.HasPrefix(t, "-") && !strings.HasPrefix(t, "--") && strings.ContainsAny(t, "sl"):
			return true
		}
	}
	return false
}

// inPlace reports whether sed, perl or ruby edit their files in place:
// -i, -i.bak, --in-place, or i in a cluster of short options (-pi).
func inPlace(args []shell.Word) bool {
	for _, a := range args {
		t := a.Text
		if t == "--" {
			return false
		}
		if strings.HasPrefix(t, "--in-place") {
			return true
		}
		if strings.HasPrefix(t, "-") && !strings.HasPrefix(t, "--") && strings.Contains(t, "i") {
			return true
		}
	}
	return false
}

// findWrites reports whether find's expression changes the files it finds.
func findWrites(args []shell.Word) bool {
	for _, a := range args {
		switch a.Text {
		case "-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls":
			return true
		}
	}
	return false
}

package enforce

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/shell"
)

// Shell commands are read with the shell parser (package internal/shell)
// into the simple commands they run, as the checker reads the commands a
// manifest recorded, and each is judged for what it would do to
// agentcheck's own record:
//
//   - switch off the git hooks that mark and attest the agent's commits:
//     git commit --no-verify, core.hooksPath in any form git takes a config
//     key in, another git directory or an emptied environment around a
//     command that runs hooks, making a commit object without them
//     (commit-tree, am, fast-import, …);
//   - write into the repository's git directory (the journal, the hooks,
//     the config, the notes), the hooks directory, the agents' hook
//     configuration or git's global configuration, however the path is
//     spelled; read or write the signing key;
//   - run agentcheck's commands that are the human's;
//   - hand a shell code the reader cannot see: the output of base64 -d, a
//     variable given to eval.
//
// A command that merely mentions these (a grep, a commit message, a
// heredoc given to anything but a shell) is not refused: only what it
// would run or write is judged. Where a word's value depends on running
// something, the judgement leans towards refusing when the command writes
// and the word may lead into the record. What a program does inside (a
// script file, a Makefile, a binary) is not seen; the checker at verify
// time judges its effects.

// CheckCommand reports why a shell command is refused as tampering with
// agentcheck's record, or "" when nothing in it is. repo says which
// repository it runs in and cwd its working directory ("" for the
// repository's root).
func CheckCommand(command string, env Env, repo agents.Repo, cwd string) string {
	return checkCommand(command, env, repo, cwd, 0)
}

// checkCommand is CheckCommand for a command line found inside another
// (an alias, a variable's value, a string of Python), depth levels down.
func checkCommand(command string, env Env, repo agents.Repo, cwd string, depth int) string {
	if depth > shell.MaxDepth {
		return ""
	}
	s := shell.Parse(command)
	if s.Err != nil {
		if what := unreadMention(command); what != "" {
			return fmt.Sprintf("it does not parse as a shell command (%v), so agentcheck cannot tell what it would do, and it mentions %s; fix its quoting", s.Err, what)
		}
		// The commands read before the error are judged below; the rest
		// mentions nothing of the record (PowerShell, a typo).
	}
	if s.Deep {
		return fmt.Sprintf("it nests code in code more than %d levels deep, past what agentcheck reads; run the inner command directly", shell.MaxDepth)
	}
	if cwd == "" {
		cwd = repo.Root
	}
	m := newMatcher(env, repo, cwd, s)
	m.depth = depth
	for c := range s.Commands() {
		if r := m.command(c); r != "" {
			return r
		}
	}
	return ""
}

// unreadMention returns what a command the reader could not read mentions
// of the record and of the ways around it, or "": a text that does not
// parse is judged as the matcher did before it had a parser, by what it
// names. Most such texts are PowerShell (Claude Code's PowerShell tool)
// or a typo, and mention none of these.
func unreadMention(command string) string {
	lower := strings.ToLower(command)
	for _, m := range []string{"hookspath", "no-verify", "no-ver", "agentcheck", ".git/", `.git\`, "commit-tree", "hash-object", "fast-import",
		"git_config", "git_dir", "husky", "notes/", "base64", "-encodedcommand", "invoke-expression", "iex "} {
		if strings.Contains(lower, m) {
			return m
		}
	}
	words := strings.FieldsFunc(lower, func(r rune) bool { return strings.ContainsRune(" \t\n;|&()'\"`", r) })
	commit := false
	for _, w := range words {
		commit = commit || w == "commit"
		if commit && strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "--") && strings.Contains(w, "n") {
			return "git commit " + w
		}
	}
	return ""
}

// matcher judges the commands of one script in order, tracking what the
// script itself changes that later commands depend on: its variables, the
// directories it changes to, the environment it exports.
type matcher struct {
	env    Env
	repo   agents.Repo
	script *shell.Script
	// cwds are the directories a command may run in: the working
	// directory and every one the script changes to (a cd in a subshell
	// or a substitution is taken as possibly lasting).
	cwds []string
	// cwdUnknown is set once the script changes to a directory agentcheck
	// cannot resolve; cwdFromGit when git printed it.
	cwdUnknown, cwdFromGit bool
	// vars holds every value the script assigns to a variable; a variable
	// set from input (read) or unset holds an unknown value.
	vars map[string][]value
	// assigned holds the environment variables the script assigns or
	// exports, for the git commands after them.
	assigned map[string]shell.Word
	// unset lists the variables the script unsets.
	unset map[string]bool
	// record is computed once: whether the script names the journal, the
	// hooks or the key anywhere (see namesRecord).
	record *bool
	// depth is how many command lines this one is nested in.
	depth int
}

// hooksDir returns the git hooks directory, reading it the first time.
func (m *matcher) hooksDir() string {
	if m.env.HooksDir == "" && m.env.ReadHooksDir != nil {
		m.env.HooksDir = m.env.ReadHooksDir()
		m.env.ReadHooksDir = nil
	}
	return m.env.HooksDir
}

// nested judges a command line found inside this one.
func (m *matcher) nested(line string) string {
	return checkCommand(line, m.env, m.repo, m.cwds[0], m.depth+1)
}

func newMatcher(env Env, repo agents.Repo, cwd string, s *shell.Script) *matcher {
	return &matcher{env: env, repo: repo, script: s, cwds: []string{cwd},
		vars: map[string][]value{}, assigned: map[string]shell.Word{}, unset: map[string]bool{}}
}

// command judges one command, then takes in what it changes for the
// commands after it.
func (m *matcher) command(c *shell.Command) string {
	if r := m.assignments(c); r != "" {
		return r
	}
	if r := m.opaque(c); r != "" {
		return r
	}
	if r := m.program(c); r != "" {
		return r
	}
	if r := m.writes(c); r != "" {
		return r
	}
	if r := m.unknownWriter(c); r != "" {
		return r
	}
	if r := m.keyAccess(c); r != "" {
		return r
	}
	m.track(c)
	return ""
}

// assignments judges what c assigns, to the shell or to its environment.
func (m *matcher) assignments(c *shell.Command) string {
	all := append(append([]shell.Assign(nil), c.Env.Set...), c.Assigns...)
	for _, a := range all {
		if r := configEnv(a); r != "" {
			return r
		}
		if strings.EqualFold(a.Name, "HUSKY") && a.Value.Text == "0" {
			return "HUSKY=0 switches off the repository's git hooks, agentcheck's among them"
		}
	}
	for _, a := range c.Assigns {
		if !a.Naked {
			m.assigned[a.Name] = a.Value
		}
	}
	return ""
}

// track takes in what c changes for the commands after it: variables,
// the working directory, unset variables.
func (m *matcher) track(c *shell.Command) {
	for _, a := range c.Assigns {
		if !a.Naked {
			m.vars[a.Name] = append(m.vars[a.Name], m.resolve(a.Value)...)
		}
	}
	args := c.Words
	if len(args) == 0 {
		return
	}
	switch c.Name() {
	case "cd", "pushd", "popd":
		m.changeDir(c)
	case "read", "mapfile", "readarray", "getopts":
		for _, a := range args[1:] {
			if !strings.HasPrefix(a.Text, "-") {
				m.vars[a.Text] = append(m.vars[a.Text], value{})
			}
		}
	case "unset":
		for _, a := range args[1:] {
			m.unset[a.Text] = true
			m.vars[a.Text] = append(m.vars[a.Text], value{})
		}
	case "printf":
		for i, a := range args {
			if a.Text == "-v" && i+1 < len(args) {
				m.vars[args[i+1].Text] = append(m.vars[args[i+1].Text], value{})
			}
		}
	}
}

// changeDir takes in a cd: every directory it may lead to is a place
// later commands may run in.
func (m *matcher) changeDir(c *shell.Command) {
	var target *shell.Word
	for i := 1; i < len(c.Words); i++ {
		if !strings.HasPrefix(c.Words[i].Text, "-") || c.Words[i].Text == "-" {
			target = &c.Words[i]
			break
		}
	}
	if c.Name() == "popd" || target != nil && target.Text == "-" {
		m.cwdUnknown = true
		return
	}
	if target == nil {
		if m.env.Home != "" {
			m.cwds = append(m.cwds, m.env.Home)
		}
		return
	}
	for _, v := range m.resolve(*target) {
		if !v.known {
			m.cwdUnknown = true
			m.cwdFromGit = m.cwdFromGit || v.fromGit
			continue
		}
		for _, p := range m.absolute(v) {
			if len(m.cwds) < maxValues {
				m.cwds = append(m.cwds, p.text)
			}
		}
	}
}

// program judges the program c runs.
func (m *matcher) program(c *shell.Command) string {
	if len(c.Words) == 0 {
		return ""
	}
	name := c.Name()
	args := c.Words[1:]
	switch {
	case name == "git":
		return m.git(c, args)
	case name == "agentcheck":
		return checkAgentcheck(args)
	case name == "agentcheck-hook":
		return "agentcheck-hook records this session from the agent's own hook events; run by hand it would write the record"
	case name == "go" && len(args) > 0 && args[0].Text == "run":
		// go run PACKAGE ARGS: the first word that is not an option is
		// the package.
		for i, a := range args[1:] {
			if strings.HasPrefix(a.Text, "-") {
				continue
			}
			if pkg, _, _ := strings.Cut(a.Text, "@"); shell.ProgramName(pkg) == "agentcheck" {
				return checkAgentcheck(args[i+2:])
			}
			break
		}
	case codeOptions(name) != nil:
		return m.interpreter(c, name)
	case !c.Words[0].Literal:
		return m.unreadName(c)
	}
	return ""
}

// unreadName judges a command whose name is not literal. Where the
// script assigned the variable it comes from, the shell splits each of
// its values into words ($c with c='git commit -n' runs git): each is
// judged as the command line it makes. Otherwise the command may be git,
// and its arguments are judged as git's.
func (m *matcher) unreadName(c *shell.Command) string {
	rest := c.Argv()[1:]
	var lines []string
	for _, v := range m.resolve(c.Words[0]) {
		if !v.known || v.glob {
			return m.git(c, c.Words[1:])
		}
		name := v.text
		for _, ifs := range m.vars["IFS"] {
			for _, r := range ifs.text {
				name = strings.ReplaceAll(name, string(r), " ")
			}
		}
		lines = append(lines, strings.Join(append([]string{name}, quoteAll(rest)...), " "))
	}
	for _, line := range lines {
		if r := m.nested(line); r != "" {
			return r
		}
	}
	return ""
}

// quoteAll quotes words for a shell, so that each stays one word.
func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return out
}

// readOnlyCommand reports whether an agent may run the agentcheck
// subcommand: it reads the record and changes nothing.
func readOnlyCommand(sub string) bool {
	switch sub {
	case "verify", "show", "version", "help", "doctor", "log", "export", "-h", "-help", "--help":
		return true
	}
	return false
}

// checkAgentcheck refuses every agentcheck subcommand but the read-only ones.
func checkAgentcheck(args []shell.Word) string {
	for _, a := range args {
		if readOnlyCommand(a.Text) {
			return ""
		}
		if strings.HasPrefix(a.Text, "-") {
			continue
		}
		return "agentcheck " + a.Text + " is for the human: an agent never attests, declares scope, approves, installs or writes its own record"
	}
	return ""
}

// isTransform reports whether a program's output is its input recoded:
// code a shell reads from one of them was hidden on purpose.
func isTransform(name string) bool {
	switch name {
	case "base64", "base32", "basenc", "xxd", "od", "rev", "tr", "sed", "awk", "gawk", "mawk", "openssl",
		"gzip", "gunzip", "zcat", "bzcat", "bzip2", "bunzip2", "xz", "unxz", "xzcat", "zstd", "unzstd",
		"zstdcat", "lz4", "uudecode", "iconv", "cut", "perl", "python", "python3", "python2", "node", "ruby", "php":
		return true
	}
	return false
}

// opaque refuses code handed to a shell that agentcheck cannot see: the
// output of a command piped into a shell (echo … | base64 -d | sh), but a
// script downloaded or read from a file; a command whose name is the value
// of a variable inside code given to eval or sh -c; the output of a
// transform run as a command.
func (m *matcher) opaque(c *shell.Command) string {
	if code := c.Code; code != nil && !code.Read && code.Feeder != nil && !scriptSource(code.Feeder) {
		what := code.Feeder.Name()
		if what == "" {
			what = "a compound command"
		}
		return fmt.Sprintf("it runs the output of %s as shell code, which agentcheck cannot read before it runs; run the commands themselves", what)
	}
	if len(c.Words) == 0 || c.Words[0].Literal {
		return ""
	}
	for _, v := range m.resolve(c.Words[0]) {
		if v.hidden != "" {
			return fmt.Sprintf("it runs the output of %s as a command, which agentcheck cannot read before it runs; run the command itself", v.hidden)
		}
	}
	for _, p := range c.Words[0].Parts {
		if p.Kind == shell.Param && c.Depth > 0 && viaCode(c.Via) && !m.knownVar(p) {
			return fmt.Sprintf("it gives a shell (%s) the value of %s as code, which agentcheck cannot read before it runs; run the command itself", c.Via, p.Text)
		}
	}
	return ""
}

// scriptSource reports whether a command whose output a shell reads is a
// script fetched or read as it is (curl … | sh, cat install.sh | sh): like
// running a script file, it is not hidden on purpose, only not on the
// command line.
func scriptSource(c *shell.Command) bool {
	switch c.Name() {
	case "curl", "wget":
		return true
	case "cat", "head", "tail", "less", "more":
		for _, a := range c.Args() {
			if !strings.HasPrefix(a, "-") {
				return true
			}
		}
	}
	return false
}

// viaCode reports whether a nested command was read from code given to a
// shell, rather than from a substitution.
func viaCode(via string) bool {
	switch via {
	case "", "$( )", "<( )", ">( )":
		return false
	}
	return !strings.HasPrefix(via, "find ")
}

// knownVar reports whether a variable holds only values the script
// assigned literally.
func (m *matcher) knownVar(p shell.Part) bool {
	vs, ok := m.vars[p.Name]
	if !ok || !p.Plain {
		return false
	}
	for _, v := range vs {
		if !v.known {
			return false
		}
	}
	return true
}

// keyAccess refuses any word that leads into the agentcheck key
// directory or names the signing key: agents may not read it either.
func (m *matcher) keyAccess(c *shell.Command) string {
	places := m.keyPlaces()
	if len(places) == 0 {
		return ""
	}
	words := append([]shell.Word(nil), c.Words...)
	for _, r := range c.Redirs {
		words = append(words, r.Word)
	}
	for _, w := range words {
		if w.Literal && !m.mayNameKey(w.Text) {
			continue
		}
		for _, cand := range m.pathsOf(w) {
			if cand.glob {
				if m.globReaches(cand.text, m.keyPlaces()) != "" {
					return fmt.Sprintf("%s leads into the agentcheck key directory: %s", w.Text, keysWhy)
				}
				continue
			}
			if m.isKey(cand.text) {
				return fmt.Sprintf("%s is in the agentcheck key directory: %s", w.Text, keysWhy)
			}
		}
	}
	return ""
}

const keysWhy = "it holds the agentcheck signing key; agents may not read or change it"

func (m *matcher) keyPlaces() []string {
	var out []string
	for _, p := range []string{m.env.AgentcheckHome, m.env.SigningKey} {
		if p != "" {
			out = append(out, p)
		}
	}
	if m.env.SigningKey != "" {
		out = append(out, m.env.SigningKey+".pub")
	}
	return out
}

// mayNameKey reports whether a literal word may lead into the key
// directory: it names the directory or the key file, or the command may
// run inside the directory. Most words do not, and are not resolved.
func (m *matcher) mayNameKey(text string) bool {
	lower := strings.ToLower(text)
	for _, p := range m.keyPlaces() {
		if strings.Contains(lower, strings.ToLower(filepath.Base(p))) {
			return true
		}
		for _, cwd := range m.cwds {
			if within(cwd, p) {
				return true
			}
		}
	}
	return m.cwdUnknown
}

func (m *matcher) isKey(abs string) bool {
	for _, p := range m.keyPlaces() {
		if within(abs, p) {
			return true
		}
	}
	return false
}

// codeOptions returns, for a program that runs code of another language,
// the options whose value is that code; nil for any other program.
func codeOptions(name string) []string {
	switch name {
	case "python", "python3", "python2", "pypy3":
		return []string{"-c"}
	case "node", "nodejs", "bun":
		return []string{"-e", "--eval", "-p", "--print"}
	case "deno":
		return []string{"eval"}
	case "perl":
		return []string{"-e", "-E"}
	case "ruby", "lua":
		return []string{"-e"}
	case "php":
		return []string{"-r"}
	case "pwsh", "powershell":
		return []string{"-c", "-command"}
	}
	return nil
}

// interpreter judges code of another language given on the command line
// or in a heredoc: it cannot be read as shell, but the shell commands and
// paths it spells out in its strings can. A PowerShell encoded command
// hides its code and is refused.
func (m *matcher) interpreter(c *shell.Command, name string) string {
	var code []string
	args := c.Words[1:]
	for i, a := range args {
		lower := strings.ToLower(a.Text)
		if (name == "pwsh" || name == "powershell") && (lower == "-e" || lower == "-ec" || strings.HasPrefix(lower, "-enc")) {
			return name + " " + a.Text + " runs base64-encoded code, which agentcheck cannot read before it runs; run the commands themselves"
		}
		for _, opt := range codeOptions(name) {
			if lower == opt && i+1 < len(args) {
				code = append(code, args[i+1].Text)
			} else if v, ok := strings.CutPrefix(a.Text, opt+"="); ok && strings.HasPrefix(opt, "--") {
				code = append(code, v)
			}
		}
	}
	for _, r := range c.Redirs {
		if r.Heredoc != nil {
			code = append(code, r.Heredoc.Text)
		} else if r.Op == "<<<" {
			code = append(code, r.Word.Text)
		}
	}
	for _, src := range code {
		if r := m.foreignCode(src); r != "" {
			return fmt.Sprintf("the %s code %s", name, r)
		}
	}
	return ""
}

// foreignCode judges the string literals of code in another language:
// each as a shell command line, all of them joined as one (an argument
// list), and each as a path that would lead into the record.
func (m *matcher) foreignCode(src string) string {
	lits := stringLiterals(src)
	lines := append(append([]string(nil), lits...), strings.Join(lits, " "))
	for _, line := range lines {
		if r := m.nested(line); r != "" && !strings.HasPrefix(r, "it does not parse") {
			return "runs a shell command: " + r
		}
	}
	for _, l := range lits {
		w := shell.Word{Text: l, Literal: true, Parts: []shell.Part{{Kind: shell.Lit, Text: l}}}
		if r := m.recordPath(w); r != "" {
			return "names " + l + ": " + r
		}
	}
	return ""
}

// stringLiterals returns the quoted strings of source code: '…', "…" and
// `…`, with backslash escapes kept as written.
func stringLiterals(src string) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		q := src[i]
		if q != '\'' && q != '"' && q != '`' {
			continue
		}
		j := i + 1
		for j < len(src) && src[j] != q {
			if src[j] == '\\' {
				j++
			}
			j++
		}
		if j > len(src) {
			j = len(src)
		}
		if s := src[i+1 : j]; strings.TrimSpace(s) != "" && len(out) < 64 {
			out = append(out, s)
		}
		i = j
	}
	return out
}

// recordPath reports why a path would lead into the journal, the hooks or
// the key, or "".
func (m *matcher) recordPath(w shell.Word) string {
	for _, cand := range m.pathsOf(w) {
		for _, place := range m.recordPlaces() {
			if cand.glob && m.globReaches(cand.text, []string{place}) != "" || !cand.glob && within(cand.text, place) {
				return recordWhy(m, place)
			}
		}
	}
	return ""
}

// recordPlaces are the directories that hold agentcheck's record and its
// means: the journal, the git hooks, the key.
func (m *matcher) recordPlaces() []string {
	var out []string
	for _, d := range []string{m.repo.CommonDir, m.repo.GitDir} {
		if d != "" {
			out = append(out, filepath.Join(d, "agentcheck"), filepath.Join(d, "hooks"))
		}
	}
	if d := m.hooksDir(); d != "" {
		out = append(out, d)
	}
	return append(out, m.keyPlaces()...)
}

func recordWhy(m *matcher, place string) string {
	switch {
	case m.isKey(place):
		return keysWhy
	case filepath.Base(place) == "agentcheck":
		return "it is the session journal, agentcheck's record of this session"
	}
	return "it holds the git hooks that attest and verify the agent's commits"
}

package enforce

import (
	"fmt"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/shell"
)

// What counts as switching off agentcheck's git hooks, and what is
// ordinary work:
//
//   - core.hooksPath decides which hooks run. Setting it in any form git
//     reads a config key from is refused: -c, --config-env,
//     GIT_CONFIG_COUNT/KEY_n, GIT_CONFIG_PARAMETERS, git config in any
//     scope or file (set, unset, --add, the new "git config set"), keys
//     compared as git compares them (section and name case-insensitive).
//     So are include.path and includeIf.*.path (an included file can set
//     it), a git alias whose expansion would be refused, and pointing git
//     at other config files (GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, HOME,
//     XDG_CONFIG_HOME) for a command that runs hooks. Reading a key is
//     ordinary, and so is setting any other (git -c user.name=x commit).
//   - git commit --no-verify and -n in any cluster of short options skip
//     the pre-commit and commit-msg hooks. agentcheck's own hooks
//     (prepare-commit-msg, post-commit) still run, but the repository's
//     other hooks are policy too, so these stay refused; --no-post-rewrite
//     skips the hook that attests an amended commit. git push --no-verify
//     skips the pre-push verification.
//   - A commit made without git's porcelain runs no hook at all, so it
//     carries no Agent-Session trailer and no note: commit-tree,
//     hash-object -t commit -w, fast-import, filter-branch, filter-repo,
//     replay, stash create, and am (which runs only the applypatch hooks).
//     These are refused. Moving a ref (update-ref, reset, branch -f) is
//     ordinary work: it makes no commit.
//   - Another git directory (GIT_DIR, GIT_COMMON_DIR, --git-dir) for a
//     command that runs hooks runs that repository's hooks, not this
//     one's: refused unless it resolves to this repository's own.
//     GIT_INDEX_FILE and GIT_WORK_TREE are ordinary: the hooks still run.
//     --exec-path=DIR and GIT_EXEC_PATH replace git's own programs and
//     are refused.
//   - The agent's environment is how the commit hooks know a commit is an
//     agent's: env -i, env -u or unset of CLAUDECODE,
//     CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID and the like, or assigning
//     them, around a command that makes commits is refused.
//   - An amend is ordinary work, with -m or --no-edit: the hooks run.
//     post-rewrite carries the amended commit's manifest to the new commit,
//     and where the agent's shell names its session (Claude Code, Codex),
//     prepare-commit-msg adds the trailer to the new message. (--amend -m
//     in a shell that names no session, and with nothing staged, leaves
//     the new commit without the trailer but with the manifest.)
//   - The notes ref refs/notes/agentcheck holds the signed manifests:
//     git notes that write it (--ref, GIT_NOTES_REF or core.notesRef),
//     update-ref or symbolic-ref of it, a push that deletes or forces it,
//     and a forced fetch into it are refused.
//   - The remote-tracking refs (refs/remotes/…) are the trusted side the
//     runtime policy is read from: update-ref or symbolic-ref of one is
//     refused (the recording hook also pins that side per session and
//     detects a move no fetch vouches for). So is changing what a fetch
//     writes into them: a remote's URL or fetch refspecs (git remote
//     set-url, set-branches, rename; remote.NAME.url and .fetch and
//     url.BASE.insteadOf in every form git takes a config key in), since
//     the reflog of such a fetch reads as an ordinary fetch of the remote.

// gitCall is one git invocation with its global options read.
type gitCall struct {
	configs  []gitConfig
	gitDir   *shell.Word // --git-dir
	execPath string      // --exec-path=DIR
	sub      *shell.Word
	args     []shell.Word
}

// gitConfig is one config setting on git's command line or in its
// environment.
type gitConfig struct {
	key        string
	keyLiteral bool
	value      shell.Word
	how        string // how it was given, for the reason: "git -c", "GIT_CONFIG_KEY_0"…
}

// parseGit reads git's global options (shell.ReadGit) for what they
// change: configuration, the git directory, git's own programs.
func parseGit(args []shell.Word) gitCall {
	r := shell.ReadGit(args)
	g := gitCall{sub: r.Sub, args: r.Args}
	for _, o := range r.Options {
		switch {
		case o.Value == nil:
		case o.Name == "-c":
			g.configs = append(g.configs, configWord(*o.Value, "git -c"))
		case o.Name == "--config-env":
			g.configs = append(g.configs, configWord(*o.Value, "git --config-env"))
		case o.Name == "--git-dir":
			g.gitDir = o.Value
		case o.Name == "--exec-path":
			g.execPath = o.Value.Text
		}
	}
	return g
}

// configWord reads key=value (or, for --config-env, key=ENVVAR).
func configWord(w shell.Word, how string) gitConfig {
	key, value, ok := w.Cut("=")
	if !ok {
		value = shell.Word{Literal: true} // -c key alone sets it to true
	}
	literalKey := w.Literal || ok && len(w.Parts) > 0 && w.Parts[0].Kind == shell.Lit && strings.Contains(w.Parts[0].Text, "=")
	return gitConfig{key: key, keyLiteral: literalKey, value: value, how: how}
}

// configKey splits a config key as git compares it: section and name
// case-insensitive, the subsection between them as it is.
func configKey(key string) (section, sub, name string) {
	first, last := strings.IndexByte(key, '.'), strings.LastIndexByte(key, '.')
	if first < 0 {
		return strings.ToLower(key), "", ""
	}
	section, name = strings.ToLower(key[:first]), strings.ToLower(key[last+1:])
	if last > first {
		sub = key[first+1 : last]
	}
	return section, sub, name
}

const hooksPathWhy = "core.hooksPath decides which git hooks run; changing it switches off agentcheck's commit and push hooks"

// configSetting reports why setting a config key is refused, or "".
func (m *matcher) configSetting(c gitConfig) string {
	if !c.keyLiteral {
		return fmt.Sprintf("%s sets a config key agentcheck cannot read before it runs (%s); it may be core.hooksPath, which decides which git hooks run. Spell the key out", c.how, c.key)
	}
	section, _, name := configKey(c.key)
	switch {
	case section == "core" && name == "hookspath":
		return fmt.Sprintf("%s changes %s: %s", c.how, c.key, hooksPathWhy)
	case (section == "include" || section == "includeif") && name == "path":
		return fmt.Sprintf("%s changes %s: an included config file can set core.hooksPath, which decides which git hooks run", c.how, c.key)
	case section == "core" && name == "notesref" && strings.Contains(strings.ToLower(c.value.Text), "agentcheck"):
		return fmt.Sprintf("%s points git notes at %s, which holds the signed session manifests; only agentcheck writes them", c.how, c.value.Text)
	case remoteKey(section, name):
		return fmt.Sprintf("%s changes %s: %s", c.how, c.key, remoteWhy)
	case section == "alias":
		return m.alias(c)
	}
	return ""
}

// remoteWhy says why a remote's URL and fetch refspecs are not the agent's
// to change: a fetch of the remote then writes another repository's
// commits into its remote-tracking refs, and its reflog reads as an
// ordinary fetch of the remote, which the runtime's pinned policy follows.
const remoteWhy = "a remote's URL and fetch refspecs decide what git fetch writes into the remote-tracking refs, the trusted side the runtime policy is read from; ask the human to change them"

// remoteKey reports whether a config key decides where a fetch of a
// remote comes from or which refs it writes: remote.NAME.url and .fetch,
// and url.BASE.insteadOf, which rewrites any remote's URL.
func remoteKey(section, name string) bool {
	return section == "remote" && (name == "url" || name == "fetch") || section == "url" && name == "insteadof"
}

// alias judges a git alias as what it expands to.
func (m *matcher) alias(c gitConfig) string {
	v := c.value
	if !v.Literal {
		return fmt.Sprintf("%s sets the git alias %s to a value agentcheck cannot read before it runs; run the git command itself", c.how, c.key)
	}
	line := "git " + v.Text
	if code, ok := strings.CutPrefix(v.Text, "!"); ok {
		line = code
	}
	if r := m.nested(line); r != "" {
		return fmt.Sprintf("%s sets the git alias %s to a command that is refused: %s", c.how, c.key, r)
	}
	return ""
}

// isConfigKeyVar reports whether a variable is GIT_CONFIG_KEY_n.
func isConfigKeyVar(name string) bool {
	n, ok := strings.CutPrefix(name, "GIT_CONFIG_KEY_")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// configEnv judges an assignment of the variables git reads config from.
func configEnv(a shell.Assign) string {
	name := strings.ToUpper(a.Name)
	switch {
	case isConfigKeyVar(name):
		if !a.Value.Literal {
			return fmt.Sprintf("%s sets a git config key agentcheck cannot read before it runs; it may be core.hooksPath, which decides which git hooks run", a.Name)
		}
		section, _, key := configKey(a.Value.Text)
		switch {
		case section == "core" && key == "hookspath":
			return fmt.Sprintf("%s=%s: %s", a.Name, a.Value.Text, hooksPathWhy)
		case (section == "include" || section == "includeif") && key == "path":
			return fmt.Sprintf("%s=%s: an included config file can set core.hooksPath, which decides which git hooks run", a.Name, a.Value.Text)
		case section == "alias":
			return fmt.Sprintf("%s=%s sets a git alias through the environment, which agentcheck does not follow; run the git command itself", a.Name, a.Value.Text)
		case remoteKey(section, key):
			return fmt.Sprintf("%s=%s: %s", a.Name, a.Value.Text, remoteWhy)
		}
	case name == "GIT_CONFIG_PARAMETERS":
		v := strings.ToLower(a.Value.Text)
		if !a.Value.Literal {
			return "GIT_CONFIG_PARAMETERS sets git config agentcheck cannot read before it runs; it may set core.hooksPath, which decides which git hooks run"
		}
		for _, k := range []string{"core.hookspath", "include.path", "includeif.", "alias.", "core.notesref"} {
			if strings.Contains(v, k) {
				return "GIT_CONFIG_PARAMETERS sets " + k + ": " + hooksPathWhy
			}
		}
		if strings.Contains(v, ".insteadof") || strings.Contains(v, "remote.") && (strings.Contains(v, ".url") || strings.Contains(v, ".fetch")) {
			return "GIT_CONFIG_PARAMETERS sets a remote's URL or fetch refspec: " + remoteWhy
		}
	case name == "GIT_EXEC_PATH":
		return "GIT_EXEC_PATH makes git run its subcommands from another directory, which need not hold git's own; unset it"
	}
	return ""
}

// makesCommits reports whether a git command makes commits through the
// porcelain, whose hooks mark and attest an agent's commit.
func makesCommits(sub string) bool {
	switch sub {
	case "commit", "merge", "cherry-pick", "revert", "rebase", "pull", "am":
		return true
	}
	return false
}

// runsHooks reports whether a git command runs a hook agentcheck relies on.
func runsHooks(sub string) bool {
	return makesCommits(sub) || sub == "push" || sub == "notes" || sub == "update-ref"
}

// git judges one git invocation; args are the words after its name.
func (m *matcher) git(c *shell.Command, args []shell.Word) string {
	g := parseGit(args)
	for _, cfg := range g.configs {
		if r := m.configSetting(cfg); r != "" {
			return r
		}
	}
	if g.execPath != "" {
		return "git --exec-path=" + g.execPath + " runs git's subcommands from another directory, which need not hold git's own; leave it out"
	}
	if r := m.gitWritesInto(c, g); r != "" {
		return r
	}
	if g.sub == nil {
		return ""
	}
	sub := g.sub.Text
	if !g.sub.Literal {
		// A subcommand that is not literal may be commit: judge the rest
		// as commit's options.
		if r := checkCommitArgs(g.args); r != "" {
			return fmt.Sprintf("git %s: the subcommand is not literal, and %s", sub, r)
		}
		return ""
	}
	if r := m.gitEnv(c, g, sub); r != "" {
		return r
	}
	switch sub {
	case "commit":
		return checkCommitArgs(g.args)
	case "push":
		return checkPush(g.args)
	case "notes":
		return m.checkNotes(c, g)
	case "update-ref", "symbolic-ref":
		for _, a := range g.args {
			if mentionsNotesRef(a.Text) {
				return "git " + sub + " on refs/notes/agentcheck would change the signed session manifests; only agentcheck writes them"
			}
			if strings.HasPrefix(a.Text, "refs/remotes/") {
				return "git " + sub + " on " + a.Text + " would move a remote-tracking ref, the trusted side the runtime policy is read from; only git fetch moves them"
			}
		}
	case "fetch":
		return checkFetch(g.args)
	case "remote":
		if len(g.args) > 0 {
			switch g.args[0].Text {
			case "set-url", "set-branches", "rename":
				return "git remote " + g.args[0].Text + ": " + remoteWhy
			}
		}
	case "config":
		return m.checkConfig(g.args)
	case "commit-tree", "fast-import", "filter-branch", "filter-repo", "replay":
		return "git " + sub + " makes commits without running the commit hooks, so they would carry neither the session's trailer nor its manifest; commit with git commit"
	case "hash-object":
		if hashesCommit(g.args) {
			return "git hash-object -t commit writes a commit without running the commit hooks, so it would carry neither the session's trailer nor its manifest; commit with git commit"
		}
	case "stash":
		if len(g.args) > 0 && g.args[0].Text == "create" {
			return "git stash create makes a commit without running the commit hooks, which a ref could then point at; use git stash push"
		}
	case "am":
		for _, a := range g.args {
			switch a.Text {
			case "--abort", "--quit", "--show-current-patch":
				return ""
			}
		}
		return "git am makes commits without the hooks that mark and attest an agent's commit (it runs only the applypatch hooks); apply the patch with git apply and commit it with git commit"
	}
	return ""
}

// gitWritesInto refuses a git command that writes files under a directory
// it is told, when that leads into a protected place: a work tree
// (--work-tree, GIT_WORK_TREE: git --work-tree=.git checkout -- config
// writes the index's config over the repository's) and checkout-index
// --prefix.
func (m *matcher) gitWritesInto(c *shell.Command, g gitCall) string {
	var dirs []shell.Word
	for _, o := range shell.ReadGit(c.Words[1:]).Options {
		if o.Name == "--work-tree" && o.Value != nil {
			dirs = append(dirs, *o.Value)
		}
	}
	if w, ok := m.assigned["GIT_WORK_TREE"]; ok {
		dirs = append(dirs, w)
	}
	for _, a := range c.Env.Set {
		if a.Name == "GIT_WORK_TREE" {
			dirs = append(dirs, a.Value)
		}
	}
	if g.sub != nil && g.sub.Text == "checkout-index" {
		for i, a := range g.args {
			switch {
			case a.Text == "--prefix" && i+1 < len(g.args):
				dirs = append(dirs, g.args[i+1])
			case strings.HasPrefix(a.Text, "--prefix="):
				dirs = append(dirs, afterEquals(a))
			}
		}
	}
	for _, d := range dirs {
		if r := m.protectedPath(d); r != "" {
			return fmt.Sprintf("git writes files under %s: %s", d.Text, r)
		}
	}
	return ""
}

// gitEnv judges the environment a git command that runs hooks gets: the
// script's assignments and exports, and the command's own.
func (m *matcher) gitEnv(c *shell.Command, g gitCall, sub string) string {
	if !runsHooks(sub) {
		return ""
	}
	env := map[string]shell.Word{}
	for k, v := range m.assigned {
		env[strings.ToUpper(k)] = v
	}
	for _, a := range c.Env.Set {
		env[strings.ToUpper(a.Name)] = a.Value
	}
	if makesCommits(sub) {
		if c.Env.Cleared {
			return fmt.Sprintf("git %s with an emptied environment (env -i) hides the agent session from agentcheck's commit hooks, so the commit would not be marked as the agent's; run it in the agent's environment", sub)
		}
		for _, v := range agents.SessionVars() {
			_, set := env[v]
			if set || m.unset[v] || containsFold(c.Env.Unset, v) {
				return fmt.Sprintf("git %s with %s changed or unset hides the agent session from agentcheck's commit hooks, so the commit would not be marked as the agent's; leave the agent's environment as it is", sub, v)
			}
		}
	}
	dirs := []struct {
		name string
		w    *shell.Word
	}{{"--git-dir", g.gitDir}}
	for _, name := range []string{"GIT_DIR", "GIT_COMMON_DIR"} {
		if w, ok := env[name]; ok {
			dirs = append(dirs, struct {
				name string
				w    *shell.Word
			}{name, &w})
		}
	}
	for _, d := range dirs {
		if d.w != nil && !m.ownGitDir(*d.w) {
			return fmt.Sprintf("git %s with %s=%s runs another repository's hooks, not this one's, so agentcheck's hooks would not mark or attest what it does; run it in this repository", sub, d.name, d.w.Text)
		}
	}
	for _, name := range []string{"GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG", "HOME", "XDG_CONFIG_HOME"} {
		w, ok := env[name]
		if !ok || strings.HasPrefix(name, "GIT_CONFIG") && w.Literal && w.Text == "/dev/null" {
			continue
		}
		return fmt.Sprintf("git %s with %s=%s reads git config from another file, which can set core.hooksPath and switch off agentcheck's hooks; run it with the user's own config", sub, name, w.Text)
	}
	return ""
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// ownGitDir reports whether a git directory named on the command line is
// this repository's own.
func (m *matcher) ownGitDir(w shell.Word) bool {
	own := []string{m.repo.GitDir, m.repo.CommonDir}
	vals := m.pathsOf(w)
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if !v.known || v.glob {
			return false
		}
		ok := false
		for _, d := range own {
			ok = ok || d != "" && sameFile(v.text, d)
		}
		if !ok {
			return false
		}
	}
	return true
}

// commitValueFlags are git commit's short options that take a value, as
// the rest of the word or the next word. -S and -u take one only attached.
const (
	commitValueFlags    = "mFCct"
	commitAttachedFlags = "Su"
)

// commitValueLongs are git commit's long options that take a value as the
// next word.
var commitValueLongs = []string{"message", "file", "reuse-message", "reedit-message", "template", "author", "date", "fixup", "squash", "trailer", "cleanup", "pathspec-from-file"}

// checkCommitArgs refuses the options of git commit that skip hooks, and
// options agentcheck cannot read.
func checkCommitArgs(args []shell.Word) string {
	const why = "skips the repository's commit hooks; commit without it"
	for i := 0; i < len(args); i++ {
		w := args[i]
		a := w.Text
		if mayBeOptions(w) {
			return "git commit with an argument agentcheck cannot read before it runs (" + a + "): it may be --no-verify; spell the options out"
		}
		switch {
		case a == "--":
			return ""
		case strings.HasPrefix(a, "--"):
			if longPrefix(a, "no-verify", len("no-ver")) {
				return "git commit --no-verify " + why
			}
			if longPrefix(a, "no-post-rewrite", len("no-po")) {
				return "git commit --no-post-rewrite skips the hook that attests an amended commit; commit without it"
			}
			if !strings.Contains(a, "=") && takesValue(a[2:]) {
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				c := a[j]
				if c == 'n' {
					return "git commit -n (--no-verify) " + why
				}
				if strings.IndexByte(commitAttachedFlags, c) >= 0 {
					break
				}
				if strings.IndexByte(commitValueFlags, c) >= 0 {
					if j == len(a)-1 {
						i++ // the value is the next word
					}
					break
				}
			}
		}
	}
	return ""
}

// takesValue reports whether a long option of git commit, or an
// abbreviation of one git would accept, takes the next word as its value.
func takesValue(opt string) bool {
	if len(opt) < 3 {
		return false
	}
	for _, l := range commitValueLongs {
		if strings.HasPrefix(l, opt) {
			return true
		}
	}
	return false
}

// mayBeOptions reports whether a word that is not literal may become one
// or more options: it starts with a variable or substitution, or holds
// one unquoted (which the shell splits into words).
func mayBeOptions(w shell.Word) bool {
	if w.Literal || len(w.Parts) == 0 {
		return false
	}
	if w.Parts[0].Kind != shell.Lit {
		return true
	}
	for _, p := range w.Parts {
		if (p.Kind == shell.Param || p.Kind == shell.Subst) && !p.Quoted {
			return true
		}
	}
	return false
}

// longPrefix reports whether arg is --NAME or an abbreviation of it at
// least min letters long (git accepts unambiguous prefixes of long
// options), with or without "=value".
func longPrefix(arg, name string, min int) bool {
	opt, ok := strings.CutPrefix(arg, "--")
	if !ok {
		return false
	}
	opt, _, _ = strings.Cut(opt, "=")
	return len(opt) >= min && strings.HasPrefix(name, opt)
}

// checkPush refuses git push --no-verify and pushes that delete or force
// the remote's agentcheck notes.
func checkPush(args []shell.Word) string {
	force := false
	for _, a := range args {
		switch {
		case a.Text == "--":
		case longPrefix(a.Text, "no-verify", len("no-ver")):
			return "git push --no-verify skips the pre-push hook, which verifies the pushed commits and pushes their manifests; push without it"
		case a.Text == "-d" || longPrefix(a.Text, "delete", 3) || a.Text == "-f" || longPrefix(a.Text, "force", 3) || longPrefix(a.Text, "force-with-lease", 7) || longPrefix(a.Text, "mirror", 3):
			force = true
		case strings.HasPrefix(a.Text, "-") && !strings.HasPrefix(a.Text, "--") && strings.ContainsAny(a.Text, "df"):
			force = true
		}
	}
	for _, a := range args {
		src, dst, hasColon := strings.Cut(a.Text, ":")
		if !mentionsNotesRef(a.Text) {
			continue
		}
		if force || strings.HasPrefix(src, "+") || hasColon && src == "" && mentionsNotesRef(dst) {
			return "git push that deletes or forces refs/notes/agentcheck would change the signed session manifests on the remote; push the notes as they are"
		}
	}
	return ""
}

// checkFetch refuses a forced fetch into the local agentcheck notes.
func checkFetch(args []shell.Word) string {
	force := false
	for _, a := range args {
		if a.Text == "-f" || longPrefix(a.Text, "force", 3) {
			force = true
		}
	}
	for _, a := range args {
		src, dst, ok := strings.Cut(a.Text, ":")
		if ok && mentionsNotesRef(dst) && !strings.Contains(strings.ToLower(dst), "notes/remotes/") && (force || strings.HasPrefix(src, "+")) {
			return "a forced fetch into refs/notes/agentcheck would replace the signed session manifests; fetch the remote's notes into refs/notes/remotes/ as agentcheck init configures"
		}
	}
	return ""
}

// mentionsNotesRef reports whether a word names the agentcheck notes ref.
func mentionsNotesRef(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "notes/agentcheck") || strings.HasSuffix(s, "refs/notes/agentcheck")
}

// checkNotes refuses git notes commands that write the agentcheck notes.
func (m *matcher) checkNotes(c *shell.Command, g gitCall) string {
	var ref *shell.Word
	for _, cfg := range g.configs {
		if section, _, name := configKey(cfg.key); section == "core" && name == "notesref" {
			v := cfg.value
			ref = &v
		}
	}
	if w, ok := m.assigned["GIT_NOTES_REF"]; ok {
		ref = &w
	}
	for _, a := range c.Env.Set {
		if strings.EqualFold(a.Name, "GIT_NOTES_REF") {
			v := a.Value
			ref = &v
		}
	}
	sub := ""
	for i := 0; i < len(g.args); i++ {
		a := g.args[i]
		switch {
		case a.Text == "--ref" && i+1 < len(g.args):
			i++
			w := g.args[i]
			ref = &w
		case strings.HasPrefix(a.Text, "--ref="):
			w := afterEquals(a)
			ref = &w
		case strings.HasPrefix(a.Text, "-"):
		default:
			sub = a.Text
			i = len(g.args)
		}
	}
	switch sub {
	case "", "list", "show", "get-ref":
		return ""
	}
	if ref == nil {
		return ""
	}
	if !ref.Literal {
		return "git notes " + sub + " on a notes ref agentcheck cannot read before it runs (" + ref.Text + "); it may be refs/notes/agentcheck, which only agentcheck writes"
	}
	if strings.Contains(strings.ToLower(ref.Text), "agentcheck") {
		return "git notes " + sub + " on the agentcheck ref would change the signed session manifests; only agentcheck writes them"
	}
	return ""
}

// hashesCommit reports whether git hash-object's arguments write a commit
// object.
func hashesCommit(args []shell.Word) bool {
	commit, write := false, false
	for i, a := range args {
		switch {
		case a.Text == "-t" && i+1 < len(args):
			commit = commit || strings.EqualFold(args[i+1].Text, "commit") || !args[i+1].Literal
		case a.Text == "-tcommit" || strings.EqualFold(a.Text, "--type=commit"):
			commit = true
		case a.Text == "-w" || a.Text == "--stdin-paths":
			write = write || a.Text == "-w"
		}
	}
	return commit && write
}

// configOption says what an option of git config does: "read" (it only
// reads), "write" (it writes without a value of its own: --unset), "value"
// (it takes the next word: --file F), or "".
func configOption(opt string) string {
	switch opt {
	case "--get", "--get-all", "--get-regexp", "--get-urlmatch", "--get-color", "--get-colorbool", "-l", "--list":
		return "read"
	case "--add", "--replace-all", "--unset", "--unset-all", "--rename-section", "--remove-section", "-e", "--edit":
		return "write"
	case "-f", "--file", "--blob", "--type", "--default", "--comment", "--value":
		return "value"
	}
	return ""
}

// checkConfig refuses git config commands that set, unset or drop a key
// that decides which hooks run (see configSetting).
func (m *matcher) checkConfig(args []shell.Word) string {
	mode := ""
	var ops []shell.Word
	for i := 0; i < len(args); i++ {
		a := args[i]
		t := a.Text
		switch {
		case i == 0 && a.Literal && (t == "get" || t == "list"):
			return ""
		case i == 0 && a.Literal && (t == "set" || t == "unset" || t == "rename-section" || t == "remove-section" || t == "edit"):
			mode = t
		case configOption(t) == "read":
			return ""
		case configOption(t) == "write":
			mode = t
		case configOption(t) == "value":
			i++
		case strings.HasPrefix(t, "-") && a.Literal:
		default:
			ops = append(ops, a)
		}
	}
	switch mode {
	case "edit", "-e", "--edit":
		return "git config --edit changes the config by hand, where core.hooksPath decides which git hooks run; set keys with git config KEY VALUE"
	case "rename-section", "--rename-section", "remove-section", "--remove-section":
		if len(ops) > 0 {
			if s, _, _ := configKey(ops[0].Text + ".x"); !ops[0].Literal || s == "core" || s == "include" || s == "includeif" || s == "alias" {
				return "git config " + mode + " " + ops[0].Text + " would drop core.hooksPath or what sets it, which decides which git hooks run"
			}
		}
		return ""
	}
	if mode == "" && len(ops) < 2 {
		return "" // git config KEY reads it
	}
	if len(ops) == 0 {
		return ""
	}
	cfg := gitConfig{key: ops[0].Text, keyLiteral: ops[0].Literal, how: "git config"}
	if len(ops) > 1 {
		cfg.value = ops[1]
	} else {
		cfg.value = shell.Word{Literal: true}
	}
	return m.configSetting(cfg)
}

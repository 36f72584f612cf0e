// Package enforce is agentcheck's runtime enforcement: it judges what a
// pending tool call of a coding agent would do ([agents.Hook.Proposed])
// against the policy and the session's declared scope, before the call
// runs, so that the agent is stopped at once instead of failing the check
// later.
//
// # What is refused
//
// Two kinds of effects are refused (or, with "runtime: warn", flagged):
//
//   - Protected edits: a write, delete, move or patch of a path in a
//     protected class whose action is block, or of a path in a declare class
//     that the session has not declared (the union of the scope its prompts
//     and "agentcheck scope add" declared so far). A path in a warn class,
//     or one outside a hard scope boundary, is flagged but allowed.
//   - Self-tampering: writing inside the repository's git directory (its
//     hooks, config, the session journal, the notes), the git hooks
//     directory, the agent hook configuration agentcheck installed, the
//     agentcheck key directory, ~/.ssh or git's global configuration;
//     reading the signing keys; and shell commands that switch off or
//     rewrite the record, read with the shell parser (see [CheckCommand]).
//
// Every path of an effect is judged, including where it leads through
// symlinks ([agents.Proposed.Paths]).
//
// # Cost
//
// Check runs on every pre-tool event of the agent. It reads nothing for a
// read, fetch, search or MCP call; the policy is asked for only when an
// edit is proposed or something was found, and the session's scope only
// when an edit touches a protected or scoped path.
package enforce

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// Env is what enforcement knows of the machine beyond the payload. Paths
// are absolute; an empty one is not checked.
type Env struct {
	Home           string // the user's home directory (~/.ssh, user-level agent configuration)
	AgentcheckHome string // $AGENTCHECK_HOME or its default: the signing key's directory
	ConfigHome     string // $XDG_CONFIG_HOME or ~/.config (OpenCode's global plugins)
	CodexHome      string // $CODEX_HOME or ~/.codex
	SigningKey     string // a key file named by $AGENTCHECK_SIGNING_KEY
	HooksDir       string // core.hooksPath, when it is set: the git hooks directory
	// ReadHooksDir, when set, reads HooksDir the first time a shell
	// command is found to write somewhere: most commands write nothing,
	// and the hook runs on every one.
	ReadHooksDir func() string
}

// EnvFrom derives an Env from the environment.
func EnvFrom(getenv func(string) string) Env {
	e := Env{Home: getenv("HOME")}
	if e.Home == "" {
		e.Home = getenv("USERPROFILE")
	}
	under := func(dir string, elem ...string) string {
		if dir == "" {
			return ""
		}
		return filepath.Join(append([]string{dir}, elem...)...)
	}
	e.AgentcheckHome = getenv("AGENTCHECK_HOME")
	if e.AgentcheckHome == "" {
		e.AgentcheckHome = under(e.Home, ".config", "agentcheck")
	}
	e.ConfigHome = getenv("XDG_CONFIG_HOME")
	if e.ConfigHome == "" {
		e.ConfigHome = under(e.Home, ".config")
	}
	e.CodexHome = getenv("CODEX_HOME")
	if e.CodexHome == "" {
		e.CodexHome = under(e.Home, ".codex")
	}
	if k := getenv("AGENTCHECK_SIGNING_KEY"); filepath.IsAbs(k) {
		e.SigningKey = k
	}
	return e
}

// Request is one pending tool call to judge.
type Request struct {
	Hook *agents.Hook
	Env  Env
	// Policy returns the trusted policy. It is called at most once, and only
	// when needed; it must not fail (a caller that cannot read the trusted
	// policy returns the built-in defaults, which are strict).
	Policy func() *scope.Policy
	// Scope returns the session's declared scope so far. It is called at most
	// once, and only when needed.
	Scope func() ([]journal.ScopeDecl, error)
}

// Finding is one reason to refuse or flag a pending call.
type Finding struct {
	Effect int    // the index of the effect in Hook.Proposed
	Path   string // the path judged; "" for a shell command
	Tamper bool   // self-tampering rather than a protected path
	Block  bool   // refused under runtime: deny (false: flagged only)
	Reason string // a sentence the agent can act on
}

// Verdict is the outcome of Check.
type Verdict struct {
	// Mode is the policy's runtime mode (deny, warn or off); "" when nothing
	// was found and the policy was not needed.
	Mode     string
	Findings []Finding
}

// Deny reports whether the call must be refused.
func (v Verdict) Deny() bool {
	if v.Mode != scope.RuntimeDeny {
		return false
	}
	for _, f := range v.Findings {
		if f.Block {
			return true
		}
	}
	return false
}

// Reason joins the reasons of the findings that decide the verdict: the
// blocking ones when the call is denied, all of them otherwise.
func (v Verdict) Reason() string {
	deny := v.Deny()
	var parts []string
	for _, f := range v.Findings {
		switch {
		case deny && f.Block:
			parts = append(parts, f.Reason)
		case !deny:
			// Under runtime: warn the call goes on: say so.
			if rest, ok := strings.CutPrefix(f.Reason, "agentcheck refused this "); ok {
				parts = append(parts, "agentcheck would refuse this "+rest+" (runtime: warn lets it through; the check will report it)")
			} else {
				parts = append(parts, f.Reason)
			}
		}
	}
	return strings.Join(parts, " ")
}

// checker carries one Check's lazily loaded inputs.
type checker struct {
	req      Request
	policy   *scope.Policy
	decls    []journal.ScopeDecl
	declsErr error
	declsOK  bool
}

func (c *checker) pol() *scope.Policy {
	if c.policy == nil {
		c.policy = c.req.Policy()
		if c.policy == nil {
			c.policy = scope.Default()
		}
	}
	return c.policy
}

func (c *checker) scope() ([]journal.ScopeDecl, error) {
	if !c.declsOK {
		c.declsOK = true
		if c.req.Scope != nil {
			c.decls, c.declsErr = c.req.Scope()
		}
	}
	return c.decls, c.declsErr
}

// Check judges the pending call of req.Hook. Only pre-tool events are
// judged. The error reports a session scope that could not be read; the
// verdict is then made as if the session had declared nothing (stricter).
func Check(req Request) (Verdict, error) {
	h := req.Hook
	if h == nil || h.Phase != agents.PhasePre || len(h.Proposed) == 0 {
		return Verdict{}, nil
	}
	c := &checker{req: req}
	var findings []Finding
	for i, p := range h.Proposed {
		switch p.Kind {
		case journal.KindExec:
			if r := CheckCommand(p.Command, req.Env, h.Repo, h.Cwd); r != "" {
				findings = append(findings, Finding{Effect: i, Tamper: true, Block: true,
					Reason: fmt.Sprintf("agentcheck refused this %s command: %s.", toolName(p), r)})
			}
		case journal.KindEdit, journal.KindDelete:
			findings = append(findings, c.write(i, p)...)
		case journal.KindRead:
			for _, path := range p.Paths() {
				if r := c.tamperPath(path, false); r != "" {
					findings = append(findings, Finding{Effect: i, Path: path, Tamper: true, Block: true,
						Reason: fmt.Sprintf("agentcheck refused this %s of %s: %s.", toolName(p), path, r)})
					break
				}
			}
		}
	}
	if len(findings) == 0 {
		return Verdict{}, nil
	}
	v := Verdict{Mode: c.pol().Runtime, Findings: findings}
	if v.Mode == "" {
		v.Mode = scope.RuntimeDeny
	}
	if v.Mode == scope.RuntimeOff {
		v.Findings = nil
	}
	return v, c.declsErr
}

func toolName(p agents.Proposed) string {
	if p.Tool != "" {
		return p.Tool
	}
	return string(p.Kind)
}

func verb(p agents.Proposed) string {
	if p.Kind == journal.KindDelete {
		return "delete"
	}
	return "change"
}

// write judges every path a write, delete or move would touch.
func (c *checker) write(i int, p agents.Proposed) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, path := range p.Paths() {
		if path == "" || seen[path] {
			continue
		}
		seen[path] = true
		what := fmt.Sprintf("agentcheck refused this %s of %s", toolName(p), path)
		if path != p.Path && path == p.Target {
			what = fmt.Sprintf("agentcheck refused this %s of %s (it leads to %s)", toolName(p), p.Path, path)
		}
		if r := c.tamperPath(path, true); r != "" {
			out = append(out, Finding{Effect: i, Path: path, Tamper: true, Block: true, Reason: what + ": " + r + "."})
			continue
		}
		if strings.HasPrefix(path, "/") {
			continue // outside the repository: no class or scope covers it
		}
		out = append(out, c.protected(i, p, path, what)...)
	}
	return out
}

// protected judges one repository path against the policy's classes and
// the session's scope.
func (c *checker) protected(i int, p agents.Proposed, path, what string) []Finding {
	pol := c.pol()
	var out []Finding
	for _, m := range pol.Classify(path) {
		switch m.Action {
		case scope.ActionBlock:
			out = append(out, Finding{Effect: i, Path: path, Block: true, Reason: fmt.Sprintf(
				"%s: it is in the protected class %s (%s), which agents may not %s. Leave it as it is; if the change is needed, tell the human, who can make it.",
				what, m.Class, m.Glob, verb(p))})
		case scope.ActionDeclare:
			decls, _ := c.scope()
			if scope.Declared(decls, path) {
				continue
			}
			out = append(out, Finding{Effect: i, Path: path, Block: true, Reason: fmt.Sprintf(
				"%s: it is in the protected class %s (%s) and this session has not declared it. Leave it as it is, or ask the human to declare it: a line \"scope: %s\" in their prompt, or \"agentcheck scope add %s\" in their terminal.",
				what, m.Class, m.Glob, path, path)})
		case scope.ActionWarn:
			out = append(out, Finding{Effect: i, Path: path, Reason: fmt.Sprintf(
				"agentcheck: %s is in the protected class %s (%s); the check will report this change.", path, m.Class, m.Glob)})
		}
	}
	if len(out) > 0 {
		return out
	}
	decls, _ := c.scope()
	if scope.HasHard(decls) && len(scope.InScope(decls, path)) == 0 && !pol.InScopeAlways(path) {
		level := "warn about"
		if pol.Scope.Enforce {
			level = "fail"
		}
		out = append(out, Finding{Effect: i, Path: path, Reason: fmt.Sprintf(
			"agentcheck: %s is outside the scope the human declared for this session; the check will %s this change unless they declare it.", path, level)})
	}
	return out
}

func (c *checker) tamperPath(path string, write bool) string {
	return tamperPath(c.req.Env, c.req.Hook.Repo, path, write)
}

// tamperPath reports why writing (or, with write false, reading) path
// tampers with agentcheck's record, or "". path is in journal form:
// relative to the repository root, or absolute outside it.
func tamperPath(env Env, repo agents.Repo, path string, write bool) string {
	var abs, rel string
	if strings.HasPrefix(path, "/") {
		abs = filepath.FromSlash(path)
	} else {
		rel = fold(path)
		if repo.Root != "" {
			abs = filepath.Join(repo.Root, filepath.FromSlash(path))
		}
	}
	const gitDir = "it is inside the repository's git directory, which holds the git hooks, the config, the session journal and the signed notes agentcheck keeps for this session; agents may not change them"
	const hookConfig = "it is the agent hook configuration that records this session; agents may not change it"
	const keys = "it holds the agentcheck signing key; agents may not read or change it"
	const ssh = "it holds the user's SSH keys; agents may not read or change them"
	if write {
		if rel != "" {
			if rel == ".git" || strings.HasPrefix(rel, ".git/") {
				return gitDir
			}
			if repoHookConfig(rel) {
				return hookConfig
			}
		}
		for _, d := range []string{repo.GitDir, repo.CommonDir} {
			if within(abs, d) {
				return gitDir
			}
		}
		if within(abs, env.HooksDir) {
			return "it is in the git hooks directory (core.hooksPath), whose hooks attest and verify the agent's commits; agents may not change it"
		}
		if userHookConfig(abs, env) {
			return hookConfig
		}
		for _, f := range gitConfigFiles(env) {
			if sameFile(abs, f) {
				return "it is git's global configuration, which can set core.hooksPath and so decide which git hooks run; change settings with git config, whose keys agentcheck checks"
			}
		}
	}
	if within(abs, env.AgentcheckHome) || (env.SigningKey != "" && (sameFile(abs, env.SigningKey) || sameFile(abs, env.SigningKey+".pub"))) {
		return keys
	}
	if env.Home != "" && within(abs, filepath.Join(env.Home, ".ssh")) {
		if write || privateSSHFile(filepath.Base(abs)) {
			return ssh
		}
	}
	return ""
}

// repoHookConfig reports whether a folded repository path is an agent hook
// configuration: the files agentcheck init writes, and the settings that can
// switch hooks off.
func repoHookConfig(rel string) bool {
	switch rel {
	case ".claude/settings.json", ".claude/settings.local.json", ".cursor/hooks.json", ".codex/hooks.json", ".codex/config.toml":
		return true
	}
	return strings.HasPrefix(rel, ".opencode/plugins/") || strings.HasPrefix(rel, ".opencode/plugin/")
}

// userHookConfig reports whether abs is a user-level agent hook
// configuration.
func userHookConfig(abs string, env Env) bool {
	if abs == "" {
		return false
	}
	files, dirs := userHookFiles(env)
	for _, f := range files {
		if sameFile(abs, f) {
			return true
		}
	}
	for _, d := range dirs {
		if within(abs, d) {
			return true
		}
	}
	return false
}

// userHookFiles returns the user-level agent hook configuration: files,
// and directories all of whose files are.
func userHookFiles(env Env) (files, dirs []string) {
	if env.Home != "" {
		files = append(files,
			filepath.Join(env.Home, ".claude", "settings.json"),
			filepath.Join(env.Home, ".claude", "settings.local.json"),
			filepath.Join(env.Home, ".cursor", "hooks.json"))
	}
	if env.CodexHome != "" {
		files = append(files, filepath.Join(env.CodexHome, "hooks.json"), filepath.Join(env.CodexHome, "config.toml"))
	}
	if env.ConfigHome != "" {
		dirs = append(dirs, filepath.Join(env.ConfigHome, "opencode", "plugins"), filepath.Join(env.ConfigHome, "opencode", "plugin"))
	}
	return files, dirs
}

// userHookConfigs returns every user-level agent hook configuration path.
func userHookConfigs(env Env) []string {
	files, dirs := userHookFiles(env)
	return append(files, dirs...)
}

// gitConfigFiles returns git's global and system configuration files:
// core.hooksPath set there switches hooks off in every repository.
func gitConfigFiles(env Env) []string {
	var out []string
	if env.Home != "" {
		out = append(out, filepath.Join(env.Home, ".gitconfig"))
	}
	if env.ConfigHome != "" {
		out = append(out, filepath.Join(env.ConfigHome, "git", "config"))
	}
	return append(out, "/etc/gitconfig")
}

// privateSSHFile reports whether a file of ~/.ssh may hold a secret: all
// but public keys, known_hosts, config and authorized_keys.
func privateSSHFile(name string) bool {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".pub"), strings.HasPrefix(n, "known_hosts"), n == "config", strings.HasPrefix(n, "authorized_keys"):
		return false
	}
	return true
}

// within reports whether abs is dir or inside it, case-insensitively (a
// case-insensitive file system makes .GIT/hooks the hooks directory).
func within(abs, dir string) bool {
	if abs == "" || dir == "" {
		return false
	}
	a, d := strings.ToLower(filepath.Clean(abs)), strings.ToLower(filepath.Clean(dir))
	return a == d || strings.HasPrefix(a, strings.TrimSuffix(d, string(filepath.Separator))+string(filepath.Separator))
}

func sameFile(a, b string) bool {
	return a != "" && b != "" && strings.EqualFold(filepath.Clean(a), filepath.Clean(b))
}

// fold lowercases a repository path and drops trailing dots and spaces of
// its elements, as protected matching does: ".GIT./hooks" is .git/hooks on
// a case-insensitive, Windows-like file system.
func fold(p string) string {
	elems := strings.Split(strings.ToLower(filepath.ToSlash(filepath.Clean(filepath.FromSlash(p)))), "/")
	for i, e := range elems {
		if t := strings.TrimRight(e, ". "); t != "" {
			elems[i] = t
		}
	}
	return strings.Join(elems, "/")
}

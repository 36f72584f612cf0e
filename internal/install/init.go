package install

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/attest"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// Env is where init and doctor run.
type Env struct {
	// Dir is the working directory.
	Dir string
	// Getenv reads the environment: HOME, XDG_CONFIG_HOME, CODEX_HOME and
	// the signing key's variables.
	Getenv func(string) string
	// Stdout gets the report, Stderr the warnings.
	Stdout, Stderr io.Writer
}

func (e Env) getenv(key string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(key)
}

// InitOptions are the choices of agentcheck init.
type InitOptions struct {
	// Agents are the agents to set up (see Agents and ParseAgents).
	Agents []string
	// Global installs the agents' hooks for the user's account instead of
	// into the repository; the git side stays per repository.
	Global bool
	// CodexTrust writes into Codex's config.toml that the user trusts the
	// project and agentcheck's Codex hooks, which Codex skips until then.
	CodexTrust bool
}

// Init sets a repository up (or, with Global, the user's agents): the
// agents' hooks, the git hooks, the notes refspecs, the policy, the signing
// key and its allowed_signers line. Every step keeps what is there and is
// idempotent; the report on env.Stdout says what each did, and ends with
// the steps left to the human.
func Init(ctx context.Context, env Env, opts InitOptions) error {
	r := &initRun{ctx: ctx, env: env, out: env.Stdout, home: userHome(env.getenv), codexTrust: opts.CodexTrust}
	if opts.Global {
		return r.global(opts.Agents)
	}
	repo, err := git.Open(env.Dir, env.getenv)
	if err != nil {
		return hint.With(fmt.Errorf("opening repository: %w", err), "run agentcheck init inside a git repository, or use --global for your user account")
	}
	defer repo.Close()
	if repo.WorkTree == "" {
		return hint.With(errors.New("this is a bare repository: agents work in a work tree"), "run agentcheck init in a clone; for a server, see 'agentcheck pre-receive'")
	}
	r.repo = repo
	r.root = repo.WorkTree
	return r.repository(opts.Agents)
}

// ParseAgents parses a comma-separated list of agents (--agent).
func ParseAgents(list string) ([]string, error) {
	var out []string
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !slices.Contains(Agents(), a) {
			return nil, fmt.Errorf("unknown agent %q (want %s)", a, strings.Join(Agents(), ", "))
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--agent names no agent")
	}
	return out, nil
}

type initRun struct {
	ctx  context.Context
	env  Env
	out  io.Writer
	home string
	repo *git.Repo
	root string
	// next collects the steps left to the human, printed at the end.
	next []string
	// codexTrust: write Codex's trust for agentcheck's hooks (--codex-trust).
	codexTrust bool
	// codexHooks is where the Codex hooks are, "" when they were not
	// installed; codexUser says they are the user's own.
	codexHooks string
	codexUser  bool
}

func userHome(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	return getenv("USERPROFILE")
}

// userPaths returns where the user-level agent configuration lives.
func userPaths(getenv func(string) string) (home, configHome, codexHome string) {
	home = userHome(getenv)
	configHome = getenv("XDG_CONFIG_HOME")
	if configHome == "" && home != "" {
		configHome = filepath.Join(home, ".config")
	}
	codexHome = getenv("CODEX_HOME")
	if codexHome == "" && home != "" {
		codexHome = filepath.Join(home, ".codex")
	}
	return home, configHome, codexHome
}

// show prints one line of the report: what, where, and what happened.
func (r *initRun) show(what, path string, outcome Outcome, detail string) {
	line := fmt.Sprintf("  %-12s %s: %s", what, r.rel(path), outcome)
	if detail != "" {
		line += " (" + detail + ")"
	}
	fmt.Fprintln(r.out, line)
}

// rel shortens a path for the report (see shortPath).
func (r *initRun) rel(p string) string { return shortPath(p, r.root, r.home) }

func (r *initRun) global(agents []string) error {
	home, configHome, codexHome := userPaths(r.env.getenv)
	if home == "" {
		return errors.New("HOME is not set: cannot find your user-level agent configuration")
	}
	fmt.Fprintln(r.out, "agentcheck init --global: the agents' hooks for your user account")
	for _, a := range agents {
		if _, err := r.agentConfig(a, ConfigPath(a, "", home, configHome, codexHome)); err != nil {
			return err
		}
	}
	if err := r.codex("", codexHome); err != nil {
		return err
	}
	if err := r.key(); err != nil {
		return err
	}
	r.next = append(r.next, "run 'agentcheck init' in each repository you work in: it installs the git hooks that attest and verify commits (the agents' hooks are already installed for your account)")
	r.printNext()
	return nil
}

func (r *initRun) repository(agents []string) error {
	fmt.Fprintf(r.out, "agentcheck init in %s\n", r.root)
	home, configHome, codexHome := userPaths(r.env.getenv)
	for _, a := range agents {
		if home != "" {
			user := ConfigPath(a, "", home, configHome, codexHome)
			if present, _, err := HasAgentHooks(a, user); err == nil && present {
				r.show(a, user, Unchanged, "installed for your account; not written into this repository")
				if a == Codex {
					r.codexHooks, r.codexUser = user, true
				}
				continue
			}
		}
		c, err := r.agentConfig(a, ConfigPath(a, r.root, "", "", ""))
		if err != nil {
			return err
		}
		if c.Outcome == Created || c.Outcome == Updated {
			r.addNext("commit the agents' hook configuration (.claude/, .cursor/, .codex/, .opencode/) so that your team's sessions are recorded too; each machine needs agentcheck on PATH")
		}
	}
	if err := r.gitHooks(); err != nil {
		return err
	}
	if err := r.notesRefspecs(); err != nil {
		return err
	}
	if err := r.policy(); err != nil {
		return err
	}
	if err := r.key(); err != nil {
		return err
	}
	if err := r.signers(); err != nil {
		return err
	}
	if err := r.approvers(); err != nil {
		return err
	}
	project := r.root
	if r.codexUser {
		project = ""
	}
	if err := r.codex(project, codexHome); err != nil {
		return err
	}
	r.next = append(r.next, "run 'agentcheck doctor' to check the setup")
	r.printNext()
	return nil
}

// agentConfig writes agent's hooks into its configuration at path and
// reports it.
func (r *initRun) agentConfig(agent, path string) (Change, error) {
	c, err := WriteAgentConfig(agent, path)
	if err != nil {
		return c, err
	}
	r.show(agent, path, c.Outcome, c.Detail)
	if agent == Codex && c.Outcome != Skipped {
		r.codexHooks = path
	}
	return c, nil
}

func (r *initRun) addNext(s string) {
	if !slices.Contains(r.next, s) {
		r.next = append(r.next, s)
	}
}

// firstNext adds a step that the others wait for.
func (r *initRun) firstNext(s string) {
	if !slices.Contains(r.next, s) {
		r.next = slices.Insert(r.next, 0, s)
	}
}

// codex reports, and with --codex-trust writes, the two trusts Codex needs
// before it runs agentcheck's hooks: the project's (for a repository's
// .codex/hooks.json; project is "" for the user's own hooks file) and each
// hook's, by its hash. Without them Codex skips the hooks and says nothing.
func (r *initRun) codex(project, codexHome string) error {
	if r.codexHooks == "" {
		return nil
	}
	if codexHome == "" {
		return errors.New("HOME is not set: cannot find Codex's configuration")
	}
	t, err := readCodexState(r.codexHooks, project, codexHome)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("agentcheck's %d hooks", t.count())
	if project != "" {
		what = "this project and " + what
	}
	if r.codexTrust {
		outcome, err := t.grant()
		if err != nil {
			return hint.With(err, "trust them in Codex instead: codex exec --trust for the project, /hooks for each hook")
		}
		r.show("codex trust", t.config, outcome, what+" trusted")
		return nil
	}
	if problem := t.problem(); problem != "" {
		r.show("codex trust", t.config, Skipped, "Codex skips the hooks: "+problem)
		// The user's own hooks file is trusted by init --global: run
		// outside a repository, plain init refuses.
		cmd, yourself := "agentcheck init --agent codex --codex-trust", "'codex exec --trust' for the project and /hooks for each hook"
		if project == "" {
			cmd, yourself = "agentcheck init --global --agent codex --codex-trust", "/hooks for each hook"
		}
		r.addNext("Codex runs agentcheck's hooks only once you trust " + what + ": run '" + cmd + "' (it writes that trust into " + r.rel(t.config) +
			"), or trust them in Codex yourself: " + yourself)
		return nil
	}
	r.show("codex trust", t.config, Unchanged, what+" trusted")
	return nil
}

func (r *initRun) printNext() {
	if len(r.next) == 0 {
		return
	}
	fmt.Fprintln(r.out, "next:")
	for i, s := range r.next {
		fmt.Fprintf(r.out, "  %d. %s\n", i+1, s)
	}
}

// hooksDir returns the effective git hooks directory, absolute.
func hooksDir(ctx context.Context, dir string) (string, error) {
	out, err := gitcli.Output(ctx, dir, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join(dir, out)
	}
	return filepath.Clean(out), nil
}

// selfPath returns the absolute path of the running agentcheck for the git
// hooks, or "" when it is not one a hook could run later (a test binary, a
// "go run" build in a temporary directory): the hooks then use PATH.
func selfPath() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if strings.TrimSuffix(filepath.Base(exe), ".exe") != "agentcheck" {
		return ""
	}
	if strings.Contains(filepath.ToSlash(exe), "/go-build") {
		return ""
	}
	return exe
}

func (r *initRun) gitHooks() error {
	dir, err := hooksDir(r.ctx, r.root)
	if err != nil {
		return err
	}
	o := GitHookOptions{Dir: dir, WorkTree: r.root, CommonDir: r.repo.CommonDir, Binary: selfPath()}
	changes, err := InstallGitHooks(o)
	if err != nil {
		return err
	}
	for _, c := range changes {
		r.show("git hook", c.Path, c.Outcome, c.Detail)
		if c.Outcome == Skipped {
			r.addNext("merge agentcheck into the git hooks marked skipped above, by hand")
		}
	}
	if !within(dir, r.root) && !within(dir, r.repo.CommonDir) {
		fmt.Fprintf(r.env.Stderr, "agentcheck: warning: core.hooksPath is %s, outside this repository: agentcheck's git hooks there run in every repository that uses it\n", dir)
	}
	if l := LayoutOf(o, "post-commit"); !l.Standalone {
		r.addNext("commit the hook scripts agentcheck added a block to (" + r.rel(l.ScriptDir) + "/): they run agentcheck only where it is installed")
	}
	if v := gitcli.Config(r.ctx, r.root, "notes.rewriteRef"); v != "" && refGlobMatches(v, provenance.NotesRef) {
		fmt.Fprintf(r.env.Stderr, "agentcheck: warning: notes.rewriteRef (%s) makes git copy agentcheck's notes to rewritten commits, where they name the old commit (AC003); agentcheck's post-rewrite hook attests them itself\n", v)
		r.addNext("drop refs/notes/agentcheck from notes.rewriteRef (git config --unset notes.rewriteRef, or name your other notes refs only)")
	}
	return nil
}

// refGlobMatches reports whether a ref glob of git's config (refs/notes/*)
// matches ref.
func refGlobMatches(glob, ref string) bool {
	ok, err := filepath.Match(glob, ref)
	return glob == ref || (err == nil && ok)
}

// notesRefspec is the fetch refspec that brings a remote's notes next to
// the local ones; the reference-transaction hook merges them in.
func notesRefspec(remote string) string {
	return "+" + provenance.NotesRef + ":refs/notes/remotes/" + remote + "/agentcheck"
}

func (r *initRun) notesRefspecs() error {
	out, err := gitcli.Output(r.ctx, r.root, "remote")
	if err != nil {
		return err
	}
	remotes := strings.Fields(out)
	if len(remotes) == 0 {
		fmt.Fprintf(r.out, "  %-12s no remote yet: run agentcheck init again after git remote add, so that fetches bring the remote's notes\n", "notes")
		return nil
	}
	for _, rm := range remotes {
		spec := notesRefspec(rm)
		have, _ := gitcli.Output(r.ctx, r.root, "config", "--get-all", "remote."+rm+".fetch")
		if slices.Contains(strings.Split(have, "\n"), spec) {
			fmt.Fprintf(r.out, "  %-12s remote %s fetches %s: unchanged\n", "notes", rm, provenance.NotesRef)
			continue
		}
		if _, err := gitcli.Output(r.ctx, r.root, "config", "--add", "remote."+rm+".fetch", spec); err != nil {
			return err
		}
		fmt.Fprintf(r.out, "  %-12s remote %s fetches %s into refs/notes/remotes/%s/agentcheck: added\n", "notes", rm, provenance.NotesRef, rm)
	}
	return nil
}

// policy writes the commented default policy when the repository has none.
func (r *initRun) policy() error {
	path := filepath.Join(r.root, scope.PolicyFile)
	if _, err := os.Lstat(path); err == nil {
		r.show("policy", path, Unchanged, "")
		return nil
	}
	if err := os.WriteFile(path, scope.DefaultYAML(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	r.show("policy", path, Created, "the built-in policy, commented")
	r.addNext("commit .agentcheck.yml and .agentcheck/allowed_signers through a reviewed change (a pull request to the base branch): the gate trusts only what is on the base branch")
	return nil
}

// key makes sure there is a signing key, creating the keygen default when
// no key is configured at all.
func (r *initRun) key() error {
	pub, spec, source, err := attest.PublicKey(r.ctx, r.env.Dir, r.env.getenv)
	if err == nil {
		r.show("key", spec, Unchanged, fmt.Sprintf("%s, from %s", ssh.FingerprintSHA256(pub), source))
		return nil
	}
	def := provenance.DefaultKeyPath(r.env.getenv)
	if source != "default key path" || def == "" || !errors.Is(err, fs.ErrNotExist) {
		return hint.With(fmt.Errorf("reading your signing key %s (from %s): %w", spec, source, err), "fix the key, or see 'Signing keys' in the manual")
	}
	email := gitcli.Config(r.ctx, r.env.Dir, "user.email")
	pub, err = provenance.GenerateKey(def, email)
	if err != nil {
		return fmt.Errorf("creating a signing key: %w", err)
	}
	r.show("key", def, Created, ssh.FingerprintSHA256(pub)+"; keep it private, or use a hardware-backed key through ssh-agent")
	return nil
}

// signersPath returns the allowed_signers file the work tree's policy
// names.
func signersPath(root string) string {
	return filepath.Join(root, filepath.FromSlash(workTreePolicy(root).Trust.AllowedSigners))
}

// workTreePolicy returns the work tree's policy, or the built-in one when
// it has none or it does not parse.
func workTreePolicy(root string) *scope.Policy {
	if data, err := os.ReadFile(filepath.Join(root, scope.PolicyFile)); err == nil {
		if parsed, err := scope.Parse(data, scope.PolicyFile); err == nil {
			return parsed
		}
	}
	return scope.Default()
}

// approversHeader opens the approvers file init writes; the file has the
// allowed_signers format, and # starts a comment.
const approversHeader = `# Who may approve agentcheck findings (agentcheck approve): one line per
# maintainer, in the allowed_signers format of ssh-keygen(1).
# The gate reads this file from the base branch only, so a change to it
# takes effect once merged: merge it through a reviewed change, never from
# the branch it would approve. By the two-person rule a maintainer cannot
# approve their own commit unless approvals.allow_self is true in the policy.
`

// approvers writes the approvers file the policy names, listing the user's
// key, when there is none. An existing file is the maintainers' list and is
// never changed.
func (r *initRun) approvers() error {
	p := workTreePolicy(r.root)
	if p.Trust.Approvers == "" {
		return nil
	}
	path := filepath.Join(r.root, filepath.FromSlash(p.Trust.Approvers))
	if _, err := os.Lstat(path); err == nil {
		r.show("approvers", path, Unchanged, "")
		return nil
	}
	email := gitcli.Config(r.ctx, r.env.Dir, "user.email")
	if email == "" {
		fmt.Fprintf(r.out, "  %-12s %s: skipped (git config user.email is not set)\n", "approvers", r.rel(path))
		r.firstNext(noEmailNext)
		return nil
	}
	pub, _, _, err := attest.PublicKey(r.ctx, r.env.Dir, r.env.getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data := approversHeader + provenance.AllowedSignersLine(email, pub) + "\n"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.WriteString(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	r.show("approvers", path, Created, "you may approve findings, as "+email)
	r.addNext("commit " + p.Trust.Approvers + " through a reviewed change: it lists who may approve findings, and the gate reads it from the base branch only")
	return nil
}

// noEmailNext is the step when the trust files could not name the user:
// their lines are for an email.
const noEmailNext = "set the email you commit as, git config --global user.email YOU@EXAMPLE.COM, then run agentcheck init again: it adds your key to the allowed_signers and approvers files for that email"

// signers adds the user's key to the allowed_signers file when it does not
// trust it yet for the user's email.
func (r *initRun) signers() error {
	path := signersPath(r.root)
	email := gitcli.Config(r.ctx, r.env.Dir, "user.email")
	if email == "" {
		fmt.Fprintf(r.out, "  %-12s %s: skipped (git config user.email is not set)\n", "signers", r.rel(path))
		r.firstNext(noEmailNext)
		return nil
	}
	pub, _, _, err := attest.PublicKey(r.ctx, r.env.Dir, r.env.getenv)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > 0 {
		as, err := provenance.ParseAllowedSigners(data, path)
		if err != nil {
			return hint.With(fmt.Errorf("reading %s: %w", path, err), "fix the file, then run agentcheck init again")
		}
		if as.Allowed(pub, provenance.SignatureNamespace, email, time.Now()) {
			r.show("signers", path, Unchanged, "trusts your key for "+email)
			return nil
		}
	}
	line := provenance.AllowedSignersLine(email, pub) + "\n"
	if len(data) > 0 && data[len(data)-1] != '\n' {
		line = "\n" + line
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	outcome := Updated
	if len(data) == 0 {
		outcome = Created
	}
	r.show("signers", path, outcome, "trusts your key for "+email)
	r.addNext("commit .agentcheck.yml and .agentcheck/allowed_signers through a reviewed change (a pull request to the base branch): the gate trusts only what is on the base branch")
	return nil
}

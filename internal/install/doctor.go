package install

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/attest"
	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/buildinfo"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/hookcmd"
	"github.com/agentcheck/agentcheck/internal/trusted"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// Statuses of a doctor line. Only missing ones make doctor exit 1.
const (
	docOK      = "ok"
	docMissing = "missing"
	docWarn    = "warn"
	docOff     = "off" // not set up, and not required (an agent you may not use)
)

// doctor collects the lines of the report.
type doctor struct {
	ctx     context.Context
	env     Env
	lines   []docLine
	missing int
}

type docLine struct{ status, what, text, fix string }

func (d *doctor) add(status, what, text, fix string) {
	d.lines = append(d.lines, docLine{status, what, text, fix})
	if status == docMissing {
		d.missing++
	}
}

// Doctor reports on env.Stdout what is installed and what is missing, each
// line with the command that fixes it, and returns how many required things
// are missing. It changes nothing. build is agentcheck's own, reported
// with the agentcheck found on PATH and compared with agentcheck-hook's.
func Doctor(ctx context.Context, env Env, build buildinfo.Build) (missing int) {
	d := &doctor{ctx: ctx, env: env}
	d.binary(build)
	repo, err := git.Open(env.Dir, env.getenv)
	if err != nil || repo.WorkTree == "" {
		d.add(docMissing, "repository", "not inside a git work tree", "run agentcheck doctor in the repository your agents work in")
		d.print()
		return d.missing
	}
	defer repo.Close()
	root := repo.WorkTree
	d.agents(root)
	d.gitHooks(repo)
	d.notes(root)
	d.key()
	d.trust(repo)
	d.print()
	return d.missing
}

// nameWidth is the width of doctor's second column: its longest name,
// "agentcheck-hook", so that every line's text starts in the same column.
const nameWidth = len("agentcheck-hook")

func (d *doctor) print() {
	for _, l := range d.lines {
		fmt.Fprintf(d.env.Stdout, "%-8s %-*s %s\n", l.status, nameWidth, l.what, l.text)
		if l.fix != "" && l.status != docOK {
			fmt.Fprintf(d.env.Stdout, "%-8s %-*s fix: %s\n", "", nameWidth, "", l.fix)
		}
	}
}

// installFix installs both binaries from what a user has: a release
// archive or a clone (go install …@latest needs the module published).
const installFix = "install agentcheck and agentcheck-hook together, on PATH: both are in a release archive; in a clone of agentcheck, go install ./cmd/agentcheck ./cmd/agentcheck-hook writes them to $(go env GOPATH)/bin, which must be on PATH"

// binary checks that git and agentcheck can be found as the hooks find them.
func (d *doctor) binary(build buildinfo.Build) {
	if p, err := exec.LookPath("agentcheck"); err == nil {
		d.add(docOK, "agentcheck", fmt.Sprintf("%s on PATH (this is %s)", p, build.VersionOrDevel()), "")
	} else {
		d.add(docMissing, "agentcheck", "not on PATH: the git hooks fall back to it, and you need it to attest and verify",
			installFix)
	}
	if p, err := exec.LookPath("agentcheck-hook"); err == nil {
		d.hookVersion(p, build)
	} else {
		d.add(docMissing, "agentcheck-hook", "not on PATH: the agents' hooks run 'agentcheck-hook', so nothing is recorded and nothing is enforced",
			installFix)
	}
	out, err := gitcli.Output(d.ctx, d.env.Dir, "version")
	if err != nil {
		d.add(docMissing, "git", err.Error(), "install git")
		return
	}
	v := strings.TrimPrefix(out, "git version ")
	if gitAtLeast(v, 2, 28) {
		d.add(docOK, "git", v, "")
	} else {
		d.add(docWarn, "git", v+": older than 2.28, which runs no reference-transaction hook: fetched notes are not merged and notes updates are not guarded", "upgrade git")
	}
}

// hookVersion compares the agentcheck-hook at path with this agentcheck's
// build: the agents run the hook binary on every tool call, and one left by
// an older install lacks the runtime checks added since, with nothing else
// to show it.
func (d *doctor) hookVersion(path string, build buildinfo.Build) {
	ctx, cancel := context.WithTimeout(d.ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	line := strings.TrimSpace(string(out))
	got, ok := strings.CutPrefix(line, "agentcheck-hook ")
	if err != nil || !ok || strings.Contains(got, "\n") {
		d.add(docWarn, "agentcheck-hook", path+" on PATH does not say its version: it is older than this agentcheck ("+build.VersionOrDevel()+") and may lack its runtime checks", installFix)
		return
	}
	want, _ := strings.CutPrefix(build.Line("agentcheck"), "agentcheck ")
	if got != want {
		d.add(docWarn, "agentcheck-hook", fmt.Sprintf("%s on PATH is %s, this agentcheck is %s: install both from one release", path, got, want), installFix)
		return
	}
	d.add(docOK, "agentcheck-hook", fmt.Sprintf("%s on PATH (%s, as this agentcheck)", path, build.VersionOrDevel()), "")
}

// gitAtLeast reports whether a git version string is at least major.minor.
func gitAtLeast(v string, major, minor int) bool {
	var a, b int
	if _, err := fmt.Sscanf(v, "%d.%d", &a, &b); err != nil {
		return false
	}
	return a > major || a == major && b >= minor
}

func (d *doctor) agents(root string) {
	home, configHome, codexHome := userPaths(d.env.getenv)
	anyOK := false
	for _, a := range Agents() {
		var found []string
		incomplete := ""
		for _, path := range []string{ConfigPath(a, root, "", "", ""), userConfigPath(a, home, configHome, codexHome)} {
			if path == "" {
				continue
			}
			present, complete, err := HasAgentHooks(a, path)
			switch {
			case err != nil:
				d.add(docWarn, a, fmt.Sprintf("%s: %v", shortPath(path, root, home), err), "fix the file, then run agentcheck init --agent "+a)
			case present && complete:
				found = append(found, shortPath(path, root, home))
			case present:
				incomplete = shortPath(path, root, home)
			}
		}
		switch {
		case len(found) > 0:
			anyOK = true
			text := "hooks in " + strings.Join(found, " and ")
			if len(found) > 1 {
				text += " (both run: events may be recorded twice)"
			}
			d.add(docOK, a, text, "")
			if a == Codex {
				d.codexTrust(root, home, codexHome)
			}
		case incomplete != "":
			d.add(docWarn, a, incomplete+" misses some of agentcheck's hooks (an older version?)", "agentcheck init --agent "+a)
		default:
			d.add(docOff, a, "not set up", "agentcheck init --agent "+a+" (if you use it)")
		}
	}
	if !anyOK {
		d.add(docMissing, "agents", "no agent's hooks record sessions in this repository", "agentcheck init")
	}
}

// codexTrust checks that Codex will run the agentcheck hooks it has: that
// the project and each hook are trusted in $CODEX_HOME/config.toml. Codex
// skips untrusted hooks silently, and the commit lands unattested. It is a
// missing step when Codex has been set up on this machine (config.toml
// exists), a warning otherwise.
func (d *doctor) codexTrust(root, home, codexHome string) {
	if codexHome == "" {
		return
	}
	for _, f := range []struct{ hooks, project string }{
		{ConfigPath(Codex, root, "", "", ""), root},
		{userConfigPath(Codex, home, "", codexHome), ""},
	} {
		if present, _, err := HasAgentHooks(Codex, f.hooks); err != nil || !present {
			continue
		}
		t, err := readCodexState(f.hooks, f.project, codexHome)
		if err != nil {
			d.add(docWarn, "codex trust", err.Error(), "")
			continue
		}
		where := shortPath(f.hooks, root, home)
		problem := t.problem()
		if problem == "" {
			d.add(docOK, "codex trust", fmt.Sprintf("%s trusts the hooks in %s", shortPath(t.config, root, home), where), "")
			continue
		}
		status := docWarn
		if _, err := os.Stat(t.config); err == nil {
			status = docMissing
		}
		fix := "agentcheck init --agent codex --codex-trust (or trust them in Codex: codex exec --trust for the project, /hooks for each hook)"
		if f.project == "" {
			fix = "agentcheck init --global --agent codex --codex-trust (or trust them in Codex's /hooks)"
		}
		d.add(status, "codex trust", fmt.Sprintf("Codex skips the hooks in %s: %s", where, problem), fix)
	}
}

func userConfigPath(agent, home, configHome, codexHome string) string {
	if home == "" {
		return ""
	}
	return ConfigPath(agent, "", home, configHome, codexHome)
}

// shortPath shortens a path for a report: relative to the repository
// root, or with ~ for the home directory; root and home may be "".
func shortPath(p, root, home string) string {
	if root != "" {
		if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	if home != "" {
		if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") {
			return "~/" + filepath.ToSlash(rel)
		}
	}
	return p
}

func (d *doctor) gitHooks(repo *git.Repo) {
	dir, err := hooksDir(d.ctx, repo.WorkTree)
	if err != nil {
		d.add(docMissing, "git hooks", err.Error(), "")
		return
	}
	o := GitHookOptions{Dir: dir, WorkTree: repo.WorkTree, CommonDir: repo.CommonDir}
	for _, name := range GitHooks() {
		path, ok := HookState(o, name)
		if ok {
			d.add(docOK, "git hook", name+" ("+shortPath(path, repo.WorkTree, "")+")", "")
			continue
		}
		state := " is not installed ("
		if _, err := os.Stat(path); err == nil {
			state = " is not agentcheck's and does not run it ("
		}
		d.add(docMissing, "git hook", name+state+shortPath(path, repo.WorkTree, "")+")", "agentcheck init")
	}
	if v := gitcli.Config(d.ctx, repo.WorkTree, "notes.rewriteRef"); v != "" && refGlobMatches(v, provenance.NotesRef) {
		d.add(docWarn, "notes", "notes.rewriteRef ("+v+") copies agentcheck's notes to rewritten commits, where they name the old commit (AC003)",
			"git config --unset notes.rewriteRef, or list only your other notes refs")
	}
}

func (d *doctor) notes(root string) {
	out, _ := gitcli.Output(d.ctx, root, "remote")
	remotes := strings.Fields(out)
	if len(remotes) == 0 {
		d.add(docOff, "notes", "no remote: notes stay local until you add one", "after git remote add, run agentcheck init again")
		return
	}
	for _, rm := range remotes {
		have, _ := gitcli.Output(d.ctx, root, "config", "--get-all", "remote."+rm+".fetch")
		if slices.Contains(strings.Split(have, "\n"), notesRefspec(rm)) {
			d.add(docOK, "notes", "fetching "+rm+" brings its notes (merged into "+provenance.NotesRef+" by the reference-transaction hook)", "")
		} else {
			d.add(docMissing, "notes", "fetching "+rm+" does not bring its agentcheck notes", "agentcheck init (adds "+notesRefspec(rm)+" to remote."+rm+".fetch)")
		}
	}
}

func (d *doctor) key() {
	pub, spec, source, err := attest.PublicKey(d.ctx, d.env.Dir, d.env.getenv)
	if err != nil {
		fix := "agentcheck keygen (or agentcheck init)"
		if !errors.Is(err, fs.ErrNotExist) {
			fix = "fix the key named by " + source + ", or see 'Signing keys' in the manual"
		}
		d.add(docMissing, "key", fmt.Sprintf("no usable signing key (%s from %s: %v)", spec, source, err), fix)
		return
	}
	if _, _, err := attest.Signer(d.ctx, d.env.Dir, "", d.env.getenv); err != nil {
		d.add(docWarn, "key", fmt.Sprintf("%s (%s): its public half is here but it cannot sign now: %v", ssh.FingerprintSHA256(pub), source, err),
			"add it to ssh-agent (ssh-add), so that the git hooks can sign")
		return
	}
	d.add(docOK, "key", fmt.Sprintf("%s (%s)", ssh.FingerprintSHA256(pub), source), "")
}

// trust checks the policy and the allowed_signers line for the user's key
// where the gate reads them: the trusted side, as runtime enforcement
// finds it.
func (d *doctor) trust(repo *git.Repo) {
	root := repo.WorkTree
	email := gitcli.Config(d.ctx, d.env.Dir, "user.email")
	pub, _, _, keyErr := attest.PublicKey(d.ctx, d.env.Dir, d.env.getenv)
	var base git.Hash
	var baseRef string
	for _, ref := range hookcmd.TrustedRefs(repo) {
		if h, err := repo.Ref(ref); err == nil {
			base, baseRef = h, ref
			break
		}
	}
	pol := scope.Default()
	if baseRef != "" {
		p, found, err := trusted.Policy(repo.Objects, base, baseRef)
		switch {
		case err != nil:
			d.add(docMissing, "policy", err.Error(), "fix the policy on the base branch")
		case !found:
			fix := "agentcheck init writes one; commit it through a reviewed change"
			if _, err := os.Stat(filepath.Join(root, scope.PolicyFile)); err == nil {
				fix = "commit " + scope.PolicyFile + " to the base branch through a reviewed change"
			}
			d.add(docWarn, "policy", fmt.Sprintf("no %s at %s: the built-in defaults apply", scope.PolicyFile, baseRef), fix)
		default:
			pol = p
			d.add(docOK, "policy", fmt.Sprintf("%s at %s (runtime: %s)", scope.PolicyFile, baseRef, p.Runtime), "")
		}
	} else {
		d.add(docWarn, "policy", "no commit yet: the built-in defaults apply", "commit "+scope.PolicyFile+" (agentcheck init writes one)")
	}
	d.recognition(pol)
	d.commitSigning(pol)
	switch {
	case email == "":
		d.add(docMissing, "signers", "git config user.email is not set: no allowed_signers principal can match your commits", "git config --global user.email YOU@EXAMPLE.COM")
		return
	case keyErr != nil:
		return // reported by the key line
	}
	trustsKey := func(data []byte, name string) bool {
		as, err := provenance.ParseAllowedSigners(data, name)
		return err == nil && as.Allowed(pub, provenance.SignatureNamespace, email, time.Now())
	}
	d.signers(repo, base, baseRef, pol.Trust.AllowedSigners, email, trustsKey)
	d.approvers(repo, base, baseRef, pol.Trust.Approvers, email, trustsKey)
}

// signers checks that the allowed_signers file at the trusted side trusts
// the user's key, which signs the manifests of the user's agents.
func (d *doctor) signers(repo *git.Repo, base git.Hash, baseRef, signers, email string, trustsKey func(data []byte, name string) bool) {
	root := repo.WorkTree
	if baseRef != "" {
		if data, ok, err := trusted.File(repo.Objects, base, signers); err == nil && ok && trustsKey(data, signers) {
			d.add(docOK, "signers", fmt.Sprintf("%s at %s trusts your key for %s", signers, baseRef, email), "")
			return
		}
	}
	if data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(signers))); err == nil && trustsKey(data, signers) {
		d.add(docMissing, "signers", fmt.Sprintf("%s trusts your key for %s in the work tree, but not yet at %s: manifests verify once it is there", signers, email, orNone(baseRef)),
			"commit "+signers+" to the base branch through a reviewed change")
		return
	}
	d.add(docMissing, "signers", fmt.Sprintf("%s does not trust your key for %s", signers, email),
		"agentcheck init adds the line; then commit it to the base branch through a reviewed change")
}

// approvers reports the approvers file at the trusted side: whether
// findings can be approved at all, and whether the user may approve them.
// Nobody need be listed, so only a file the gate cannot read is missing.
func (d *doctor) approvers(repo *git.Repo, base git.Hash, baseRef, approvers, email string, trustsKey func(data []byte, name string) bool) {
	inWorkTree := false
	if data, err := os.ReadFile(filepath.Join(repo.WorkTree, filepath.FromSlash(approvers))); err == nil && len(data) > 0 {
		inWorkTree = true
	}
	var data []byte
	found := false
	if baseRef != "" {
		var err error
		if data, found, err = trusted.File(repo.Objects, base, approvers); err != nil {
			d.add(docMissing, "approvers", fmt.Sprintf("reading %s at %s: %v", approvers, baseRef, err), "fix "+approvers+" on the base branch")
			return
		}
	}
	if !found {
		fix := "agentcheck init writes one that lists your key; commit it to the base branch through a reviewed change"
		if inWorkTree {
			fix = "commit " + approvers + " to the base branch through a reviewed change"
		}
		d.add(docOff, "approvers", fmt.Sprintf("no %s at %s: nobody can approve a finding, only fix it", approvers, orNone(baseRef)), fix)
		return
	}
	as, err := provenance.ParseAllowedSigners(data, approvers)
	if err != nil {
		d.add(docMissing, "approvers", fmt.Sprintf("%s at %s: %v: every approval fails", approvers, baseRef, err), "fix "+approvers+" on the base branch through a reviewed change")
		return
	}
	keys := fmt.Sprintf("%d keys", len(as.Entries))
	if len(as.Entries) == 1 {
		keys = "1 key"
	}
	if trustsKey(data, approvers) {
		d.add(docOK, "approvers", fmt.Sprintf("%s at %s lists %s, yours for %s: you may approve findings", approvers, baseRef, keys, email), "")
		return
	}
	d.add(docOK, "approvers", fmt.Sprintf("%s at %s lists %s, not yours for %s: approvals are for the maintainers it lists", approvers, baseRef, keys, email), "")
}

// commitSigning says, under require: all, whether the user's own commits
// will pass: a commit without a manifest needs the committer's SSH
// signature, by a security key where trust.presence asks for one.
func (d *doctor) commitSigning(pol *scope.Policy) {
	if pol.Require != scope.RequireAll {
		return
	}
	config := func(key string) string { return gitcli.Config(d.ctx, d.env.Dir, key) }
	format, key, always := config("gpg.format"), config("user.signingkey"), config("commit.gpgsign")
	manifestKey := ""
	if config("agentcheck.signingKey") == "" && d.env.getenv(provenance.EnvSigningKey) == "" {
		manifestKey = provenance.DefaultKeyPath(d.env.getenv)
	}
	setUp := signingSetUp(pol.Trust.Presence, manifestKey)
	if format != "ssh" || key == "" {
		d.add(docMissing, "signing", "require: all: your commits need an SSH commit signature to pass without a manifest, and git does not sign with SSH here", setUp)
		return
	}
	pub, err := signingPublicKey(key, d.env.getenv("HOME"))
	if err != nil {
		d.add(docMissing, "signing", fmt.Sprintf("user.signingkey %s: %v", key, err), setUp)
		return
	}
	if pol.Trust.Presence != scope.PresenceAny && !provenance.IsSecurityKey(pub) {
		d.add(docMissing, "signing", fmt.Sprintf("trust.presence: %s needs a FIDO security key, and user.signingkey is a %s key on disk: your commits will fail AC015", pol.Trust.Presence, pub.Type()),
			setUp)
		return
	}
	if always != "true" {
		d.add(docWarn, "signing", fmt.Sprintf("%s %s signs only with git commit -S: require: all fails unsigned commits", pub.Type(), ssh.FingerprintSHA256(pub)), "git config commit.gpgsign true")
		return
	}
	d.add(docOK, "signing", fmt.Sprintf("commits signed with %s %s (it must be listed for your email with namespaces=\"git\" in %s)", pub.Type(), ssh.FingerprintSHA256(pub), pol.Trust.AllowedSigners), "")
}

// signingSetUp is the fix that sets up git's SSH commit signing, with a
// key that can prove what presence asks for. It makes the key, unless the
// user has one there: a hint must work when followed literally, and the
// key it names may not exist (nor ~/.ssh, which ssh-keygen -f does not
// create). git's gpg.format ssh also makes
// user.signingkey the key agentcheck signs manifests with, which is not
// the key allowed_signers trusts for manifests (and, a security key, would
// ask for a touch at every attestation); so unless manifestKey is empty
// (a manifest key is configured), the fix first pins manifests to it.
func signingSetUp(presence, manifestKey string) string {
	key, gen := "~/.ssh/id_ed25519", "ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519"
	switch presence {
	case scope.PresenceTouch:
		key, gen = "~/.ssh/id_ed25519_sk", "ssh-keygen -t ed25519-sk -f ~/.ssh/id_ed25519_sk"
	case scope.PresenceVerified:
		key, gen = "~/.ssh/id_ed25519_sk", "ssh-keygen -t ed25519-sk -O verify-required -f ~/.ssh/id_ed25519_sk"
	}
	fix := "mkdir -p ~/.ssh; " + gen + " (unless you have that key)"
	if manifestKey != "" {
		fix += "; git config agentcheck.signingKey " + manifestKey
	}
	return fix + "; git config gpg.format ssh; git config user.signingkey " + key + ".pub; git config commit.gpgsign true"
}

// signingPublicKey reads the public key git's user.signingkey names: a
// literal key ("key::…"), or a key file (its .pub beside it).
func signingPublicKey(spec, home string) (ssh.PublicKey, error) {
	literal := strings.TrimPrefix(spec, "key::")
	if pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(literal)); err == nil {
		return pub, nil
	}
	path := spec
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		path = filepath.Join(home, rest)
	}
	for _, p := range []string{path, path + ".pub"} {
		if data, err := os.ReadFile(p); err == nil {
			if pub, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
				return pub, nil
			}
		}
	}
	return nil, errors.New("no public key found there (or beside it, .pub)")
}

func orNone(ref string) string {
	if ref == "" {
		return "any commit"
	}
	return ref
}

// recognition lists the agents whose commits the policy counts as agent
// commits, and the automation it recognises but does not count.
func (d *doctor) recognition(pol *scope.Policy) {
	rec, err := check.AgentRecognizer(pol)
	if err != nil {
		d.add(docMissing, "agents", err.Error(), "fix agents.registry in the policy on the base branch")
		return
	}
	var counted, ignored []string
	for _, a := range rec.Agents() {
		if a.Enabled {
			counted = append(counted, a.Name)
		} else {
			ignored = append(ignored, a.Name)
		}
	}
	text := "recognised by e-mail and account: " + strings.Join(counted, ", ")
	if len(ignored) > 0 {
		text += "; not counted as agents: " + strings.Join(ignored, ", ")
	}
	d.add(docOK, "recognises", text, "")
}

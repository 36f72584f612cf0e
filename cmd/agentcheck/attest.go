package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

func runAttest(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "attest", "[COMMIT]")
	sessionFlag := fs.String("session", "", "attest with this session (`ID` or AGENT/ID) instead of the sessions whose edits the commit contains")
	keyFlag := fs.String("key", "", "sign with the SSH key at `PATH` (see 'Signing keys' in the manual)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("attest takes at most one commit")
	}
	rev := "HEAD"
	if len(pos) == 1 {
		rev = pos[0]
	}
	repo, dir, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	commit, err := resolveCommit(repo, rev)
	if err != nil {
		return err
	}
	changed, err := changedBlobs(repo, commit)
	if err != nil {
		return err
	}
	all, err := readJournals(repo.CommonDir)
	if err != nil {
		return err
	}
	env, _ := agentSessionFromEnv(inv.getenv)
	journals, err := selectSessions(all, *sessionFlag, env, commit.Hash.String(), changed)
	if err != nil {
		return err
	}
	a := &attester{inv: inv, repo: repo, commit: commit, changed: changed, keyFlag: *keyFlag, dir: dir}
	return a.attest(ctx, journals)
}

// sessionRef names one agent session.
type sessionRef struct{ agent, id string }

func (s sessionRef) String() string { return s.agent + "/" + s.id }

// agentSessionFromEnv returns the agent session whose shell this process
// runs in, as the agent's environment names it: Claude Code gives its
// shell commands CLAUDE_CODE_SESSION_ID, Codex CODEX_THREAD_ID, and some
// OpenCode builds OPENCODE_SESSION_ID. Cursor names none; its commits (and
// OpenCode's) are found by their pending edits.
func agentSessionFromEnv(getenv func(string) string) (sessionRef, bool) {
	if id := getenv("CLAUDE_CODE_SESSION_ID"); id != "" {
		return sessionRef{"claude-code", id}, true
	}
	if id := getenv("CODEX_THREAD_ID"); id != "" {
		return sessionRef{"codex", id}, true
	}
	if id := getenv("OPENCODE_SESSION_ID"); id != "" {
		return sessionRef{"opencode", id}, true
	}
	return sessionRef{}, false
}

// readJournals reads every session journal of the repository.
func readJournals(commonDir string) ([]*journal.Journal, error) {
	paths, err := journal.List(commonDir)
	if err != nil {
		return nil, err
	}
	var all []*journal.Journal
	for _, p := range paths {
		j, err := journal.Read(p)
		if err != nil {
			return nil, err
		}
		if len(j.Events) > 0 {
			all = append(all, j)
		}
	}
	return all, nil
}

// findJournal returns the journal of a session, or nil.
func findJournal(all []*journal.Journal, s sessionRef) *journal.Journal {
	for _, j := range all {
		if agent, id := j.SessionOf(); agent == s.agent && id == s.id {
			return j
		}
	}
	return nil
}

// resolveCommit resolves a revision to a commit.
func resolveCommit(repo *git.Repo, rev string) (*git.Commit, error) {
	rng, err := git.ResolveRange(repo, []string{rev})
	if err != nil || len(rng.Include) != 1 {
		return nil, withHint(fmt.Errorf("resolving %q: %w", rev, err), "name one commit, e.g. HEAD or a commit id")
	}
	return readCommit(repo.Objects, rng.Include[0])
}

func readCommit(r git.ObjectReader, h git.Hash) (*git.Commit, error) {
	t, data, err := r.Read(h)
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	if t != git.CommitObject {
		return nil, fmt.Errorf("%s is a %s, not a commit", h, t)
	}
	return git.ParseCommit(h, data)
}

// changedBlobs returns, for every path of the commit's diff, the blob the
// commit leaves there: ZeroBlob for a deletion and for the old side of a
// rename.
func changedBlobs(repo *git.Repo, c *git.Commit) (map[string]string, error) {
	changes, err := git.NewDiffer(repo.Objects).CommitChanges(c)
	if err != nil {
		return nil, fmt.Errorf("diffing commit %s: %w", c.Hash, err)
	}
	changed := map[string]string{}
	for _, ch := range changes {
		for _, p := range ch.Paths() {
			changed[p] = journal.ZeroBlob
		}
		if ch.Kind != git.Deleted {
			changed[ch.Path] = ch.NewBlob.String()
		}
	}
	return changed, nil
}

// selectSessions picks the sessions to attest a commit with: the one
// named, else those whose pending edits the commit contains, the session
// whose shell made the commit (env, when set and recorded), and those
// already attested on it (so that attesting again says so).
func selectSessions(all []*journal.Journal, named string, env sessionRef, commit string, changed map[string]string) ([]*journal.Journal, error) {
	if named != "" {
		for _, j := range all {
			agent, id := j.SessionOf()
			if named == id || named == agent+"/"+id {
				return []*journal.Journal{j}, nil
			}
		}
		return nil, withHint(fmt.Errorf("no recorded session %q", named), "journals are under .git/agentcheck/sessions, named AGENT-ID.jsonl")
	}
	matched := provenance.MatchSessions(all, changed)
	if env.id != "" {
		if j := findJournal(all, env); j != nil && !slices.Contains(matched, j) {
			matched = append(matched, j)
		}
	}
	for _, j := range all {
		if j.Attested(commit) && !slices.Contains(matched, j) {
			matched = append(matched, j) // attesting again says so instead of failing
		}
	}
	if len(matched) == 0 {
		return nil, withHint(errors.New("no recorded agent session left the content this commit has"),
			"name the session with --session ID if the agent changed files through a shell command")
	}
	return matched, nil
}

// attester seals sessions into manifests on one commit.
type attester struct {
	inv     *Invocation
	repo    *git.Repo
	commit  *git.Commit
	changed map[string]string
	keyFlag string
	dir     string
	quiet   bool // say nothing of sessions already attested (the git hooks)
}

func (a *attester) attest(ctx context.Context, journals []*journal.Journal) error {
	hash := a.commit.Hash.String()
	note, err := a.currentNote()
	if err != nil {
		return err
	}
	policy, err := a.localPolicy()
	if err != nil {
		return err
	}
	var lines [][]byte
	var labels []string
	var attested []*journal.Journal
	signer, keyDesc, err := loadSigner(ctx, a.inv, a.dir, a.keyFlag)
	if err != nil {
		return err
	}
	changedPaths := make([]string, 0, len(a.changed))
	for p := range a.changed {
		changedPaths = append(changedPaths, p)
	}
	remotes, err := gitRemotes(ctx, a.dir)
	if err != nil {
		return err
	}
	masker := provenance.NewMasker()
	for _, j := range journals {
		agent, id := j.SessionOf()
		if provenance.HasManifest(note, hash, agent, id) {
			if a.quiet {
				continue
			}
			fmt.Fprintf(a.inv.Stderr, "agentcheck: %s already attested by session %s/%s\n", hash[:12], agent, id)
			continue
		}
		st, err := provenance.BuildStatement(j.Events, provenance.BuildOptions{
			Commit: hash, Changed: changedPaths, Prompts: policy.Record.Prompts,
			MaskCommand: masker.Mask, MaskText: masker.Mask, Remotes: remotes,
		})
		if err != nil {
			return err
		}
		env, err := provenance.SignStatement(st, signer)
		if err != nil {
			return fmt.Errorf("signing the manifest of session %s/%s: %w", agent, id, err)
		}
		line, err := env.MarshalLine()
		if err != nil {
			return err
		}
		lines = append(lines, line)
		labels = append(labels, agent+"/"+id)
		attested = append(attested, j)
	}
	if len(lines) == 0 {
		return nil
	}
	ident, err := notesIdentity(ctx, a.dir)
	if err != nil {
		return err
	}
	if _, err := git.AppendNote(a.repo, provenance.NotesRef, a.commit.Hash, lines, ident); err != nil {
		return fmt.Errorf("writing the note of %s: %w", hash[:12], err)
	}
	fmt.Fprintf(a.inv.Stderr, "agentcheck: attested %s with session %s, signed with %s\n", hash[:12], strings.Join(labels, ", "), keyDesc)
	return a.markAttested(attested)
}

// markAttested records in each session's journal which of its edits the
// commit covered, so that later commits holding the same content are not
// attributed to the session again.
func (a *attester) markAttested(journals []*journal.Journal) error {
	for _, j := range journals {
		agent, id := j.SessionOf()
		covered := map[string]string{}
		for path, blob := range provenance.PendingFiles(j.Events) {
			if a.changed[path] == blob {
				covered[path] = blob
			}
		}
		ev := journal.Event{Time: time.Now().UTC(), Agent: agent, Session: id, Kind: journal.KindAttest, Commit: a.commit.Hash.String(), Files: covered}
		if err := journal.Append(j.Path, []journal.Event{ev}); err != nil {
			return fmt.Errorf("recording the attestation in the journal: %w", err)
		}
	}
	return nil
}

func (a *attester) currentNote() ([]byte, error) {
	notes, err := gate.OpenNotes(a.repo)
	if err != nil {
		return nil, err
	}
	data, err := notes.Read(a.commit.Hash, git.MaxNoteSize)
	if errors.Is(err, git.ErrNoteNotFound) {
		return nil, nil
	}
	return data, err
}

// localPolicy reads the policy that decides what is recorded (prompt
// redaction): the work tree's .agentcheck.yml, else the defaults. A policy
// that does not parse stops the attestation rather than record more than the
// developer allowed.
func (a *attester) localPolicy() (*scope.Policy, error) {
	if a.repo.WorkTree == "" {
		return scope.Default(), nil
	}
	path := filepath.Join(a.repo.WorkTree, scope.PolicyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return scope.Default(), nil
	}
	if err != nil {
		return nil, err
	}
	return scope.Parse(data, path)
}

// loadSigner resolves and loads the signing key, returning a description of
// it for messages.
func loadSigner(ctx context.Context, inv *Invocation, dir, flag string) (signer sshSigner, desc string, err error) {
	spec, source, err := provenance.ResolveSigningKey(flag, inv.getenv, func(key string) string { return gitConfig(ctx, dir, key) })
	if err != nil {
		return nil, "", withHint(fmt.Errorf("finding a signing key: %w", err), "create one with 'agentcheck keygen' or pass --key PATH")
	}
	s, err := provenance.LoadSigner(spec, inv.getenv)
	if err != nil {
		hint := "create one with 'agentcheck keygen', or pass --key PATH"
		if errors.Is(err, provenance.ErrEncryptedKey) {
			hint = "add the key to ssh-agent (ssh-add " + spec + ") and make sure SSH_AUTH_SOCK is set"
		}
		return nil, "", withHint(fmt.Errorf("loading signing key %s (from %s): %w", spec, source, err), hint)
	}
	return s, fmt.Sprintf("%s (%s)", fingerprint(s), source), nil
}

// notesIdentity is the author of the notes commits agentcheck writes: the
// user's git identity, as git itself would use.
func notesIdentity(ctx context.Context, dir string) (git.Signature, error) {
	out, err := gitOutput(ctx, dir, "var", "GIT_COMMITTER_IDENT")
	if err != nil {
		return git.Signature{}, withHint(fmt.Errorf("reading your git identity: %w", err), "set git config user.name and user.email")
	}
	name, rest, ok := strings.Cut(out, " <")
	email, _, ok2 := strings.Cut(rest, ">")
	if !ok || !ok2 {
		return git.Signature{}, fmt.Errorf("unexpected git identity %q", out)
	}
	return git.Signature{Name: name, Email: email, When: time.Now()}, nil
}

// gitRemotes reads the repository's remotes (name → fetch and push URLs) as
// git resolves them, includes and all. They are recorded in each manifest so
// that the checker, which never sees the attesting machine's configuration,
// can tell a push to the project's own remote from a push elsewhere (AC010).
// A repository without remotes records an empty list.
func gitRemotes(ctx context.Context, dir string) (map[string][]string, error) {
	remotes := map[string][]string{}
	out, err := gitOutput(ctx, dir, "config", "--get-regexp", `^remote\..*\.(url|pushurl)$`)
	if err != nil {
		// git config exits 1 when nothing matches; anything else is a
		// configuration git itself cannot read.
		if _, lerr := gitOutput(ctx, dir, "config", "--list"); lerr != nil {
			return nil, withHint(fmt.Errorf("reading the repository's remotes: %w", lerr), "fix the git configuration (git config --list shows the error)")
		}
		return remotes, nil
	}
	for _, line := range strings.Split(out, "\n") {
		key, url, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		rest, _ := strings.CutPrefix(key, "remote.")
		name, found := strings.CutSuffix(rest, ".pushurl")
		if !found {
			name, _ = strings.CutSuffix(rest, ".url")
		}
		if name != "" {
			remotes[name] = append(remotes[name], url)
		}
	}
	return remotes, nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/report"
)

// The git hooks "agentcheck init" installs call "agentcheck git-hook NAME
// ARGS…" with git's arguments and stdin. Except where a hook exists to
// refuse (pre-push: a commit the gate would block; reference-transaction: a
// notes update that drops a manifest), a failure here never fails the git
// command: the commit is made and the problem reported on stderr.

func runGitHook(ctx context.Context, inv *Invocation, args []string) error {
	if len(args) == 0 {
		return usageError("git-hook needs the hook's name (it is called by the git hooks agentcheck init installs)")
	}
	name, args := args[0], args[1:]
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	h := &gitHook{inv: inv, dir: dir, name: name}
	switch name {
	case "prepare-commit-msg":
		return h.soft(h.prepareCommitMsg(ctx, args))
	case "post-commit":
		return h.soft(h.postCommit(ctx))
	case "post-rewrite":
		return h.soft(h.postRewrite(ctx, args))
	case "pre-push":
		return h.prePush(ctx, args)
	case "reference-transaction":
		return h.referenceTransaction(ctx, args)
	}
	return usageError("git-hook: unknown hook %q", name)
}

type gitHook struct {
	inv  *Invocation
	dir  string
	name string
}

// soft reports an error of a hook that must not fail the git command.
func (h *gitHook) soft(err error) error {
	if err != nil {
		fmt.Fprintf(h.inv.Stderr, "agentcheck: %s: %v\n", h.name, strings.ReplaceAll(err.Error(), "\n", " "))
		var e *exitErr
		if errors.As(err, &e) && e.hint != "" {
			fmt.Fprintf(h.inv.Stderr, "agentcheck: hint: %s\n", e.hint)
		}
	}
	return nil
}

func (h *gitHook) open() (*git.Repo, error) {
	repo, err := git.Open(h.dir, h.inv.getenv)
	if err != nil {
		return nil, fmt.Errorf("opening repository: %w", err)
	}
	return repo, nil
}

// prepareCommitMsg adds an "Agent-Session: AGENT/ID" trailer for the
// session whose shell runs git commit, and for each session whose pending
// edits the staged changes hold: the commit is recognised as an agent's
// even if its note is lost.
func (h *gitHook) prepareCommitMsg(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("no message file given")
	}
	msgFile := args[0]
	if !filepath.IsAbs(msgFile) {
		msgFile = filepath.Join(h.dir, msgFile)
	}
	repo, err := h.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	var sessions []sessionRef
	if env, ok := agentSessionFromEnv(h.inv.getenv); ok {
		sessions = append(sessions, env)
	}
	all, err := readJournals(repo.CommonDir)
	if err != nil {
		return err
	}
	if len(all) > 0 {
		staged, err := stagedBlobs(ctx, h.dir)
		if err != nil {
			return err
		}
		for _, j := range provenance.MatchSessions(all, staged) {
			agent, id := j.SessionOf()
			if s := (sessionRef{agent, id}); !slices.Contains(sessions, s) {
				sessions = append(sessions, s)
			}
		}
	}
	if len(sessions) == 0 {
		return nil
	}
	gitArgs := []string{"interpret-trailers", "--in-place", "--if-exists", "addIfDifferent"}
	for _, s := range sessions {
		gitArgs = append(gitArgs, "--trailer", "Agent-Session: "+s.String())
	}
	_, err = gitOutput(ctx, h.dir, append(gitArgs, msgFile)...)
	return err
}

// stagedBlobs returns what the commit being prepared changes: for each
// path staged differently from HEAD, its staged blob, or ZeroBlob for a
// deletion. The index is git's own for the commit (GIT_INDEX_FILE is set
// for "git commit -a" and "git commit PATH").
func stagedBlobs(ctx context.Context, dir string) (map[string]string, error) {
	base := "HEAD"
	if _, err := gitOutput(ctx, dir, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err != nil {
		base = emptyTree
	}
	out, err := gitOutput(ctx, dir, "diff-index", "--cached", "-z", "--raw", "--no-renames", base)
	if err != nil {
		return nil, err
	}
	changed := map[string]string{}
	fields := strings.Split(out, "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		meta := strings.Fields(fields[i])
		if len(meta) < 5 {
			break
		}
		blob := meta[3]
		if strings.Trim(blob, "0") == "" {
			blob = journal.ZeroBlob
		}
		changed[fields[i+1]] = blob
	}
	return changed, nil
}

// emptyTree is git's empty tree (SHA-1).
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// postCommit attests the new commit with the session whose shell made it
// and with the sessions whose pending edits it holds. A commit no session
// touched (a human's) is left alone, silently.
func (h *gitHook) postCommit(ctx context.Context) error {
	repo, err := h.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	commit, err := resolveCommit(repo, "HEAD")
	if err != nil {
		return err
	}
	return h.attestWith(ctx, repo, commit, nil)
}

// attestWith attests commit with the sessions of want plus, when want is
// nil, those found as post-commit finds them.
func (h *gitHook) attestWith(ctx context.Context, repo *git.Repo, commit *git.Commit, want []sessionRef) error {
	changed, err := changedBlobs(repo, commit)
	if err != nil {
		return err
	}
	all, err := readJournals(repo.CommonDir)
	if err != nil {
		return err
	}
	var journals []*journal.Journal
	var missing []string
	if want == nil {
		journals = provenance.MatchSessions(all, changed)
		if env, ok := agentSessionFromEnv(h.inv.getenv); ok {
			want = append(want, env)
		}
	}
	for _, s := range want {
		j := findJournal(all, s)
		if j == nil {
			missing = append(missing, s.String())
			continue
		}
		if !slices.Contains(journals, j) {
			journals = append(journals, j)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(h.inv.Stderr, "agentcheck: %s: no journal of session %s here, so %s is not attested with it\n",
			h.name, strings.Join(missing, ", "), commit.Hash.String()[:12])
		fmt.Fprintf(h.inv.Stderr, "agentcheck: hint: is agentcheck's hook installed for that agent? run 'agentcheck doctor'\n")
	}
	if len(journals) == 0 {
		return nil
	}
	a := &attester{inv: h.inv, repo: repo, commit: commit, changed: changed, dir: h.dir, quiet: true}
	if err := a.attest(ctx, journals); err != nil {
		return withHint(fmt.Errorf("attesting %s: %w", commit.Hash.String()[:12], err),
			"fix the cause, then run 'agentcheck attest "+commit.Hash.String()[:12]+"' in your terminal")
	}
	return nil
}

// postRewrite attests each rewritten commit (amend, rebase) with the
// sessions of the commit it replaces: those of its manifests that verify
// with this machine's own signing key and whose journal is here. Notes
// signed by anyone else are not re-signed: that would launder them.
func (h *gitHook) postRewrite(ctx context.Context, args []string) error {
	repo, err := h.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	notes, err := gate.OpenNotes(repo)
	if err != nil {
		return err
	}
	var signer sshSigner
	news := map[string][]sessionRef{}
	var order []string
	sc := bufio.NewScanner(h.inv.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		oldH, newH := hookHash(f[0]), hookHash(f[1])
		if oldH.IsZero() || newH.IsZero() || oldH == newH {
			continue
		}
		note, err := notes.Read(oldH, git.MaxNoteSize)
		if errors.Is(err, git.ErrNoteNotFound) {
			continue
		}
		if err != nil {
			fmt.Fprintf(h.inv.Stderr, "agentcheck: post-rewrite: %v\n", err)
			continue
		}
		if signer == nil {
			if signer, _, err = loadSigner(ctx, h.inv, h.dir, ""); err != nil {
				return err
			}
		}
		if _, ok := news[f[1]]; !ok {
			order = append(order, f[1])
		}
		for _, s := range ownSessions(note, oldH.String(), signer) {
			if !slices.Contains(news[f[1]], s) {
				news[f[1]] = append(news[f[1]], s)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the rewritten commits: %w", err)
	}
	var errs []error
	for _, n := range order {
		if len(news[n]) == 0 {
			continue
		}
		commit, err := readCommit(repo.Objects, hookHash(n))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := h.attestWith(ctx, repo, commit, news[n]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ownSessions returns the sessions of the session manifests in note that
// are about commit and verify with key.
func ownSessions(note []byte, commit string, key sshSigner) []sessionRef {
	var out []sessionRef
	for _, line := range strings.Split(string(note), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		env, err := provenance.ParseEnvelope([]byte(line))
		if err != nil {
			continue
		}
		v, err := provenance.VerifyEnvelope(env, provenance.VerifyOptions{
			Commit: commit,
			Emails: []string{"*"},
			ExtraKeys: func(k sshPublicKey) (string, bool) {
				return "*", string(k.Marshal()) == string(key.PublicKey().Marshal())
			},
		})
		if err != nil {
			continue
		}
		p, err := provenance.DecodeSessionPredicate(v.Statement)
		if err != nil {
			continue
		}
		out = append(out, sessionRef{p.Agent.Name, p.Session.ID})
	}
	return out
}

// referenceTransaction guards and merges the notes. In the prepared state
// it refuses an update of refs/notes/agentcheck that would drop a line of a
// note (git notes commands do not compare-and-swap; see
// git.CheckNotesAppendOnly) or delete the ref. In the committed
// state, when a fetch updated a remote's notes
// (refs/notes/remotes/REMOTE/agentcheck, as agentcheck init configures),
// it merges them into the local notes with cat_sort_uniq: git has no
// post-fetch hook, and this is where a fetch shows.
func (h *gitHook) referenceTransaction(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return nil
	}
	state := args[0]
	if state != "prepared" && state != "committed" {
		return nil
	}
	var updates [][3]string
	sc := bufio.NewScanner(h.inv.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && strings.HasPrefix(f[2], "refs/notes/") {
			updates = append(updates, [3]string{f[0], f[1], f[2]})
		}
	}
	if len(updates) == 0 {
		return nil
	}
	repo, err := h.open()
	if err != nil {
		return h.soft(err)
	}
	defer repo.Close()
	for _, u := range updates {
		oldH, newH, ref := hookHash(u[0]), hookHash(u[1]), u[2]
		switch {
		case state == "prepared" && ref == provenance.NotesRef:
			// Without an expected old value git passes zeros: the ref's
			// current value is what the update replaces.
			if cur, err := repo.Ref(ref); err == nil {
				oldH = cur
			}
			if oldH.IsZero() || oldH == newH {
				continue
			}
			if newH.IsZero() {
				fmt.Fprintf(h.inv.Stderr, "agentcheck: refusing to delete %s: it holds the signed session manifests\n", ref)
				return quietExit(exitViolations)
			}
			if err := git.CheckNotesAppendOnly(repo.Objects, oldH, newH); err != nil {
				fmt.Fprintf(h.inv.Stderr, "agentcheck: refusing to update %s: %v\n", ref, err)
				fmt.Fprintf(h.inv.Stderr, "agentcheck: hint: the notes ref only grows; if another writer moved it meanwhile, run the command again\n")
				return quietExit(exitViolations)
			}
		case state == "committed" && isRemoteNotesRef(ref) && !newH.IsZero():
			if err := mergeNotes(ctx, h.dir, ref); err != nil {
				return h.soft(err)
			}
		}
	}
	return nil
}

// isRemoteNotesRef reports whether ref is where agentcheck init has a
// remote's notes fetched: refs/notes/remotes/REMOTE/agentcheck.
func isRemoteNotesRef(ref string) bool {
	rest, ok := strings.CutPrefix(ref, "refs/notes/remotes/")
	return ok && strings.HasSuffix(rest, "/agentcheck") && len(rest) > len("/agentcheck")
}

// mergeNotes merges the notes ref into refs/notes/agentcheck, keeping every
// line of both sides (manifests are one line each).
func mergeNotes(ctx context.Context, dir, ref string) error {
	_, err := gitOutput(ctx, dir, "notes", "--ref", provenance.NotesRef, "merge", "-q", "-s", "cat_sort_uniq", ref)
	if err != nil {
		return fmt.Errorf("merging %s into %s: %w", ref, provenance.NotesRef, err)
	}
	return nil
}

// prePush verifies what is being pushed and makes sure the manifests of the
// pushed commits reach the remote. git gives the remote's name (or URL) and
// URL as arguments and one line per ref on stdin: LOCAL-REF LOCAL-SHA
// REMOTE-REF REMOTE-SHA.
//
// The commits checked are those the remote does not have yet: for an
// existing branch REMOTE-SHA..LOCAL-SHA, for a new one what no
// remote-tracking branch of the remote holds. The trusted side is the
// remote's tip of the branch (else the remote's default branch), as a
// server-side pre-receive hook would read it. An error-level finding, or a
// check that cannot decide, stops the push.
//
// The notes are pushed in a separate "git push --no-verify REMOTE
// refs/notes/agentcheck" (the flag keeps this hook from running again), so
// that what a plain "git push" pushes is otherwise unchanged; a push
// refspec in the config would change it. When the remote's notes moved
// meanwhile, they are fetched and merged (cat_sort_uniq) and the push is
// tried again. If the notes cannot be pushed, the push stops: the commits
// would arrive without their manifests.
func (h *gitHook) prePush(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return usageError("pre-push needs the remote's name")
	}
	remote := args[0]
	type update struct{ localRef, remoteRef, local, remote string }
	var updates []update
	sc := bufio.NewScanner(h.inv.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			continue
		}
		u := update{f[0], f[2], f[1], f[3]}
		if strings.Trim(u.local, "0") == "" || strings.HasPrefix(u.localRef, "refs/notes/") || strings.HasPrefix(u.remoteRef, "refs/notes/") {
			continue // a deletion, or a push of notes
		}
		updates = append(updates, u)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("pre-push: reading the refs: %w", err)
	}
	if len(updates) == 0 {
		return nil
	}
	repo, err := h.open()
	if err != nil {
		return h.blocked(err)
	}
	defer repo.Close()
	tracking := remoteTips(repo, remote)
	notes, err := gate.OpenNotes(repo)
	if err != nil {
		return h.blocked(err)
	}
	failed, untrusted, annotated, checked := false, false, false, 0
	for _, u := range updates {
		local := hookHash(u.local)
		exclude := slices.Clone(tracking)
		base := git.ZeroHash
		if r := hookHash(u.remote); !r.IsZero() {
			if ok, _ := repo.Objects.Has(r); ok {
				exclude = append(exclude, r)
				base = r
			}
		}
		for _, b := range []string{"HEAD", "main", "master"} {
			if !base.IsZero() {
				break
			}
			if r, err := repo.Ref("refs/remotes/" + remote + "/" + b); err == nil {
				base = r
			}
		}
		rng := &git.Range{Include: []git.Hash{local}, Exclude: exclude, Base: base, Spec: u.localRef + " -> " + u.remoteRef}
		res, err := gate.CheckRange(ctx, repo, rng, gate.Options{})
		var ih *git.IncompleteHistoryError
		if errors.As(err, &ih) {
			err = fmt.Errorf("listing the commits of %s: %w", u.localRef, err)
		}
		if err != nil {
			return h.blocked(historyError(err))
		}
		if len(res.Commits) == 0 {
			continue
		}
		checked += len(res.Commits)
		for _, c := range res.Commits {
			if _, ok := notes.Lookup(c.Hash); ok {
				annotated = true
			}
		}
		if res.Report.Failed() {
			failed = true
			untrusted = untrusted || base.IsZero()
			if err := report.WriteText(h.inv.Stderr, res.Report, report.TextOptions{Color: isTerminal(h.inv.Stderr)}); err != nil {
				return h.blocked(err)
			}
		}
	}
	if failed {
		fmt.Fprintln(h.inv.Stderr, "agentcheck: pre-push: the push was stopped: the gate would block the commits above")
		if untrusted {
			fmt.Fprintf(h.inv.Stderr, "agentcheck: hint: %s has none of this history yet, so nothing on it is trusted: push the commit that adds .agentcheck.yml and .agentcheck/allowed_signers first (git push %s COMMIT:refs/heads/main), then the rest\n", remote, remote)
		}
		fmt.Fprintln(h.inv.Stderr, "agentcheck: hint: fix them (the hints say how); a human who must push anyway can use git push --no-verify")
		return quietExit(exitViolations)
	}
	if checked > 0 {
		fmt.Fprintf(h.inv.Stderr, "agentcheck: pre-push: %d commit(s) verified\n", checked)
	}
	if !annotated {
		return nil
	}
	if err := pushNotes(ctx, h.dir, remote, h.inv.Stderr); err != nil {
		return h.blocked(err)
	}
	return nil
}

// blocked reports an error that stops the push.
func (h *gitHook) blocked(err error) error {
	fmt.Fprintf(h.inv.Stderr, "agentcheck: pre-push: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	var e *exitErr
	if errors.As(err, &e) && e.hint != "" {
		fmt.Fprintf(h.inv.Stderr, "agentcheck: hint: %s\n", e.hint)
	}
	fmt.Fprintln(h.inv.Stderr, "agentcheck: pre-push: the push was stopped (a human who must push anyway can use git push --no-verify)")
	return quietExit(exitViolations)
}

// remoteTips returns the tips of the remote's remote-tracking branches:
// what it is known to have.
func remoteTips(repo *git.Repo, remote string) []git.Hash {
	refs, err := repo.Refs()
	if err != nil {
		return nil
	}
	var out []git.Hash
	prefix := "refs/remotes/" + remote + "/"
	for name, h := range refs {
		if strings.HasPrefix(name, prefix) {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b git.Hash) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// notesPushAttempts bounds the fetch-merge-push rounds when the remote's
// notes keep moving.
const notesPushAttempts = 3

// pushNotes pushes refs/notes/agentcheck to the remote, merging the
// remote's notes first when the push is refused because they moved.
func pushNotes(ctx context.Context, dir, remote string, stderr io.Writer) error {
	tracking := "refs/notes/remotes/" + remoteRefName(remote) + "/agentcheck"
	var err error
	for attempt := 1; attempt <= notesPushAttempts; attempt++ {
		if _, err = gitOutput(ctx, dir, "push", "--no-verify", "--quiet", remote, provenance.NotesRef+":"+provenance.NotesRef); err == nil {
			fmt.Fprintf(stderr, "agentcheck: pre-push: pushed %s to %s\n", provenance.NotesRef, remote)
			return nil
		}
		if _, ferr := gitOutput(ctx, dir, "fetch", "--no-write-fetch-head", "--quiet", remote, "+"+provenance.NotesRef+":"+tracking); ferr != nil {
			return withHint(fmt.Errorf("pushing the notes: %w; and fetching the remote's: %v", err, ferr),
				"check that you can push refs/notes/agentcheck to "+remote)
		}
		if merr := mergeNotes(ctx, dir, tracking); merr != nil {
			return merr
		}
		fmt.Fprintf(stderr, "agentcheck: pre-push: the notes on %s moved: merged them into %s, pushing again\n", remote, provenance.NotesRef)
		time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
	}
	return withHint(fmt.Errorf("pushing the notes: %w", err), "try the push again")
}

// remoteRefName turns a remote name or URL into a ref name component.
func remoteRefName(remote string) string {
	if !strings.ContainsAny(remote, "/:\\") && remote != "" && !strings.HasPrefix(remote, ".") {
		return remote
	}
	b := []byte(remote)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '-'
		}
	}
	return "url-" + strings.Trim(string(b), "-")
}

// hookHash parses an object id of a git hook's input; anything else is the
// zero id, which the hooks skip.
func hookHash(s string) git.Hash {
	h, _ := git.ParseHash(s)
	return h
}

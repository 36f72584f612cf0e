package githook

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/report"
)

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
func (h *Hook) prePush(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return errors.New("pre-push needs the remote's name")
	}
	remote := args[0]
	var updates []pushUpdate
	notesInPush := false // the push sends the notes itself
	sc := bufio.NewScanner(h.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			continue
		}
		u := pushUpdate{f[0], f[2], f[1], f[3]}
		if u.remoteRef == provenance.NotesRef {
			notesInPush = true
		}
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
			return h.blocked(gate.WithHint(err, ""))
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
			if err := report.WriteText(h.Stderr, res.Report, report.TextOptions{Color: h.Color}); err != nil {
				return h.blocked(err)
			}
		}
	}
	if failed {
		fmt.Fprintln(h.Stderr, "agentcheck: pre-push: the push was stopped: the gate would block the commits above")
		if untrusted {
			fmt.Fprintf(h.Stderr, "agentcheck: hint: %s has none of this history yet, so nothing on it is trusted: push the commit that adds .agentcheck.yml and .agentcheck/allowed_signers first (git push %s COMMIT:refs/heads/main), then the rest\n", remote, remote)
		}
		fmt.Fprintf(h.Stderr, "agentcheck: hint: fix them (the hints say how); %s\n", noVerifyHint(repo, remote, updates))
		return ErrRefused
	}
	switch {
	case checked == 1:
		fmt.Fprintln(h.Stderr, "agentcheck: pre-push: 1 commit verified")
	case checked > 1:
		fmt.Fprintf(h.Stderr, "agentcheck: pre-push: %d commits verified\n", checked)
	}
	if !annotated || notesInPush {
		// Pushed again here, the notes would make git refuse the
		// push's own update of them: the ref would exist already.
		return nil
	}
	if err := pushNotes(ctx, h.Dir, remote, h.Stderr); err != nil {
		return h.blocked(err)
	}
	return nil
}

// pushUpdate is one line of pre-push's stdin.
type pushUpdate struct{ localRef, remoteRef, local, remote string }

// noVerifyHint is how a human pushes a stopped push anyway. --no-verify
// skips this hook, and with it the push of the notes it makes: a plain
// "git push --no-verify" would bring the commits without their manifests,
// and a server-side gate would then report them unattested (AC001) rather
// than what is really wrong. So the command names the notes too, when there
// are any.
func noVerifyHint(repo *git.Repo, remote string, updates []pushUpdate) string {
	if _, err := repo.Ref(provenance.NotesRef); err != nil {
		return "a human who must push anyway can use git push --no-verify"
	}
	cmd := "git push --no-verify " + remote
	for _, u := range updates {
		if u.localRef == u.remoteRef {
			cmd += " " + u.localRef
		} else {
			cmd += " " + u.localRef + ":" + u.remoteRef
		}
	}
	return "a human who must push anyway can do it with the notes, which this hook would have pushed: " + cmd + " " + provenance.NotesRef
}

// blocked reports an error that stops the push.
func (h *Hook) blocked(err error) error {
	fmt.Fprintf(h.Stderr, "agentcheck: pre-push: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	if hn := hint.Of(err); hn != "" {
		fmt.Fprintf(h.Stderr, "agentcheck: hint: %s\n", hn)
	}
	fmt.Fprintln(h.Stderr, "agentcheck: pre-push: the push was stopped (a human who must push anyway can use git push --no-verify)")
	return ErrRefused
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

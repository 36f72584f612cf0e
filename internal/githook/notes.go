package githook

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
)

// referenceTransaction guards and merges the notes, and guards the
// branches (see branch.go). In the prepared state it refuses an update of
// refs/notes/agentcheck that would drop a line of a
// note (git notes commands do not compare-and-swap; see
// git.CheckNotesAppendOnly) or delete the ref. In the committed state,
// when a fetch updated a remote's notes (refs/notes/remotes/REMOTE/agentcheck,
// as agentcheck init configures), it merges them into the local notes with
// cat_sort_uniq: git has no post-fetch hook, and this is where a fetch
// shows.
func (h *Hook) referenceTransaction(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return nil
	}
	state := args[0]
	if state != "prepared" && state != "committed" {
		return nil
	}
	var updates, branches [][3]string
	sc := bufio.NewScanner(h.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) != 3:
		case strings.HasPrefix(f[2], "refs/notes/"):
			updates = append(updates, [3]string{f[0], f[1], f[2]})
		case state == "prepared" && strings.HasPrefix(f[2], "refs/heads/"):
			branches = append(branches, [3]string{f[0], f[1], f[2]})
		}
	}
	if len(updates)+len(branches) == 0 {
		return nil
	}
	repo, err := h.open()
	if err != nil {
		return h.soft(err)
	}
	defer repo.Close()
	if len(branches) > 0 {
		why, err := h.guardBranches(repo, branches)
		if err != nil {
			// Reported, not refused (see branch.go); the notes are
			// still guarded below.
			h.soft(fmt.Errorf("checking the branch update: %w", err))
		}
		if why != "" {
			fmt.Fprintf(h.Stderr, "agentcheck: %s\n", why)
			fmt.Fprintf(h.Stderr, "agentcheck: hint: an agent commits with git commit, whose prepare-commit-msg hook adds its session's trailer; a human committing an agent's work gets the trailer the same way (or adds it), and one committing other files is not refused\n")
			return ErrRefused
		}
	}
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
				fmt.Fprintf(h.Stderr, "agentcheck: refusing to delete %s: it holds the signed session manifests\n", ref)
				return ErrRefused
			}
			if err := git.CheckNotesAppendOnly(repo.Objects, oldH, newH); err != nil {
				fmt.Fprintf(h.Stderr, "agentcheck: refusing to update %s: %v\n", ref, err)
				fmt.Fprintf(h.Stderr, "agentcheck: hint: the notes ref only grows; if another writer moved it meanwhile, run the command again\n")
				return ErrRefused
			}
		case state == "committed" && isRemoteNotesRef(ref) && !newH.IsZero():
			if err := mergeNotes(ctx, h.Dir, ref); err != nil {
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
	_, err := gitcli.Output(ctx, dir, "notes", "--ref", provenance.NotesRef, "merge", "-q", "-s", "cat_sort_uniq", ref)
	if err != nil {
		return fmt.Errorf("merging %s into %s: %w", ref, provenance.NotesRef, err)
	}
	return nil
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
		if _, err = gitcli.Output(ctx, dir, "push", "--no-verify", "--quiet", remote, provenance.NotesRef+":"+provenance.NotesRef); err == nil {
			fmt.Fprintf(stderr, "agentcheck: pre-push: pushed %s to %s\n", provenance.NotesRef, remote)
			return nil
		}
		if _, ferr := gitcli.Output(ctx, dir, "fetch", "--no-write-fetch-head", "--quiet", remote, "+"+provenance.NotesRef+":"+tracking); ferr != nil {
			return hint.With(fmt.Errorf("pushing the notes: %w; and fetching the remote's: %v", err, ferr),
				"check that you can push refs/notes/agentcheck to "+remote)
		}
		if merr := mergeNotes(ctx, dir, tracking); merr != nil {
			return merr
		}
		fmt.Fprintf(stderr, "agentcheck: pre-push: the notes on %s moved: merged them into %s, pushing again\n", remote, provenance.NotesRef)
		time.Sleep(time.Duration(attempt) * 100 * time.Millisecond)
	}
	return hint.With(fmt.Errorf("pushing the notes: %w", err), "try the push again")
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

package gate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
)

// Options tune a check.
type Options struct {
	// Trust says where the trusted side is read from. CheckRange reads
	// it at the range's base unless Trust.Base is set or files are named.
	Trust TrustSource
	// Tune, if set, adjusts the trusted side once it is read: the GitHub
	// gate also trusts keys registered on GitHub when the policy says so.
	Tune func(t *check.Trust)
	// Workers is how many commits are checked at once; 0 means 2.
	Workers int
	// ReportOnly says the caller needs only the report, as verify, the
	// GitHub gate and the server do: CheckRange then keeps neither the
	// walked commits (Result.Commits is nil) nor the sessions' predicates
	// (check.SessionSummary.Predicate), which an account of the sessions
	// (agentcheck log and export) reads. The memory of a check then holds
	// no commit message and no manifest beyond the commit being checked.
	ReportOnly bool
	// Progress, if set, is called with the number of commits to check
	// before checking starts; the function it returns, if not nil, is
	// called with 1 each time a commit has been checked, from the worker
	// goroutines, and must be safe for concurrent use. It is for showing
	// progress; nothing may depend on it.
	Progress func(total int) (checked func(n int))
	// Emit, if set, receives the report of each commit, in range order,
	// as soon as it and every commit before it are checked, so that the
	// caller can write it out: the reports are then not kept, and
	// Result.Report has no commits but counts them in its summary. Emit
	// is never called concurrently; its error stops the check. Workers
	// run at most emitWindow commits ahead of the oldest commit not yet
	// emitted, so that what waits for a slow commit stays bounded.
	Emit func(check.CommitReport) error
	// Begin, if set, is called by CheckRange before the first Emit, with
	// the report as far as it is known before any commit is checked: its
	// range, base and sources, and in Summary.Commits the number of
	// commits to check. Its error stops the check.
	Begin func(header *check.Report) error

	// checked, if set, is called with each commit once it is checked, and
	// its index in the range, from the worker goroutines.
	checked func(i int, c *git.Commit)
}

// Result is a checked range.
type Result struct {
	Trust *check.Trust
	// Commits are the commits of the range, oldest first, in the order of
	// the report's; nil with Options.ReportOnly.
	Commits []*git.Commit
	Report  *check.Report
}

// TrustError is an error reading the trusted side: its policy or keys.
type TrustError struct{ Err error }

func (e *TrustError) Error() string { return e.Err.Error() }
func (e *TrustError) Unwrap() error { return e.Err }

// openTrustAndNotes reads the trusted side src names (a *TrustError when
// that fails), lets tune adjust it, and opens the notes: what every check of
// a range starts from.
func openTrustAndNotes(repo *git.Repo, src TrustSource, tune func(*check.Trust)) (*check.Trust, *git.Notes, error) {
	t, err := LoadTrust(repo.Objects, src)
	if err != nil {
		return nil, nil, &TrustError{err}
	}
	if tune != nil {
		tune(t)
	}
	notes, err := OpenNotes(repo)
	if err != nil {
		return nil, nil, err
	}
	return t, notes, nil
}

// CheckRange checks the commits of rng: it walks the range (an
// incomplete history is a *git.IncompleteHistoryError), reads the trusted
// side (a *TrustError when that fails), opens the notes and checks every
// commit. verify, log, export, approve, the git hooks and the GitHub gate
// run it, so that they agree on every range and never read the trusted
// side differently.
func CheckRange(ctx context.Context, repo *git.Repo, rng *git.Range, opts Options) (*Result, error) {
	nodes, err := Walk(ctx, repo, rng)
	if err != nil {
		return nil, err
	}
	src := opts.Trust
	if src.Base.IsZero() {
		src.Base = rng.Base
	}
	t, notes, err := openTrustAndNotes(repo, src, opts.Tune)
	if err != nil {
		return nil, err
	}
	res := &Result{Trust: t}
	if !opts.ReportOnly {
		res.Commits = make([]*git.Commit, len(nodes))
		opts.checked = func(i int, c *git.Commit) { res.Commits[i] = c }
	}
	// Emitted reports are not kept: the report is tallied as they pass.
	var streamed *check.Report
	if emit := opts.Emit; emit != nil {
		streamed = check.NewReport(rng.Spec, src.Base, t, nil)
		opts.Emit = func(c check.CommitReport) error {
			streamed.Tally(&c, t)
			return emit(c)
		}
	}
	if opts.Begin != nil {
		header := check.NewReport(rng.Spec, src.Base, t, nil)
		header.Summary.Commits = len(nodes)
		if err := opts.Begin(header); err != nil {
			return nil, err
		}
	}
	reports, err := Check(ctx, repo.Objects, t, notes, nodes, opts)
	if err != nil {
		return nil, err
	}
	if streamed != nil {
		res.Report = streamed
	} else {
		res.Report = check.NewReport(rng.Spec, src.Base, t, reports)
	}
	return res, nil
}

// Walk lists the commits of rng, oldest first, knowing which commits the
// repository's shallow file cut off. It lists their ids and parents: Check
// reads each commit when it checks it.
func Walk(ctx context.Context, repo *git.Repo, rng *git.Range) ([]git.CommitNode, error) {
	shallow, err := repo.ShallowCommits()
	if err != nil {
		return nil, err
	}
	return rng.WalkNodes(ctx, repo.Objects, git.WithShallow(shallow))
}

// OpenNotes opens the repository's provenance.NotesRef; a repository
// without it has no notes.
func OpenNotes(repo *git.Repo) (*git.Notes, error) {
	tip, err := repo.Ref(provenance.NotesRef)
	if errors.Is(err, git.ErrRefNotFound) {
		tip, err = git.ZeroHash, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", provenance.NotesRef, err)
	}
	notes, err := git.OpenNotes(repo.Objects, tip)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", provenance.NotesRef, err)
	}
	return notes, nil
}

// Check checks commits (oldest first, as Walk returns them) against the
// trusted side t, with their notes from notes: for each commit it reads the
// commit and its note, diffs the commit when a rule needs its changes,
// judges it (check.Judge) and adds the first changed lines to its findings.
// Only the reports are kept: what was read for one commit is dropped once
// it is judged, the raw commit a walk kept in its node (CommitNode.Data)
// too. Any error fails the whole check: the gate never passes what
// it could not check.
func Check(ctx context.Context, r git.ObjectReader, t *check.Trust, notes *git.Notes, commits []git.CommitNode, opts Options) ([]check.CommitReport, error) {
	var reports []check.CommitReport
	var em *emitter
	if opts.Emit != nil {
		em = newEmitter(opts.Emit)
	} else {
		reports = make([]check.CommitReport, len(commits))
	}
	var progress func(int)
	if opts.Progress != nil {
		progress = opts.Progress(len(commits))
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 2
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     int
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		if em != nil {
			em.stop()
		}
	}
	for range min(workers, len(commits)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			differ := git.NewDiffer(r) // a Differ is not safe for concurrent use
			differ.LimitChanges(check.MaxPaths)
			for {
				mu.Lock()
				i := next
				next++
				stop := firstErr != nil
				mu.Unlock()
				if stop || i >= len(commits) {
					return
				}
				if em != nil && !em.wait(i) {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(err)
					return
				}
				h, data := commits[i].Hash, commits[i].Data
				commits[i].Data = nil // read once: release it as the check goes
				c, err := readCommit(r, h, data)
				var rep check.CommitReport
				if err == nil {
					rep, err = checkCommit(r, differ, t, notes, c)
				}
				if err != nil {
					fail(fmt.Errorf("checking commit %s: %w", h, err))
					return
				}
				if opts.ReportOnly {
					for j := range rep.Sessions {
						rep.Sessions[j].Predicate = nil
					}
				}
				if em == nil {
					reports[i] = rep
				} else if err := em.done(i, rep); err != nil {
					fail(err)
					return
				}
				if opts.checked != nil {
					opts.checked(i, c)
				}
				if progress != nil {
					progress(1)
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return reports, nil
}

// readCommit parses commit h from data, what the walk kept of it, or else
// reads it.
func readCommit(r git.ObjectReader, h git.Hash, data []byte) (*git.Commit, error) {
	if data != nil {
		return git.ParseCommit(h, data)
	}
	typ, data, err := r.Read(h)
	if err != nil {
		return nil, err
	}
	if typ != git.CommitObject {
		return nil, fmt.Errorf("object %s is a %s, not a commit", h, typ)
	}
	return git.ParseCommit(h, data)
}

// checkCommit reads what the rules need of one commit, judges it, and adds
// the first changed lines of the files its findings are about.
func checkCommit(r git.ObjectReader, differ *git.Differ, t *check.Trust, notes *git.Notes, c *git.Commit) (check.CommitReport, error) {
	note, err := readNote(notes, c.Hash)
	if err != nil {
		return check.CommitReport{}, err
	}
	// Every commit is diffed, a human's too: the trees it adds are checked
	// for what git fsck rejects (AC014) as the differ walks them.
	diff, err := differ.CommitDiff(c)
	if err != nil {
		return check.CommitReport{}, err
	}
	in := check.Input{
		Commit:         checkCommitOf(c),
		Note:           note,
		Changes:        func() ([]check.Change, error) { return checkChanges(diff.Changes), nil },
		OmittedChanges: diff.Omitted,
		TreeProblems:   checkProblems(diff.Problems),
		Signed:         func() ([]byte, []byte, error) { return signedPayload(r, c.Hash) },
	}
	rep, err := check.Judge(t, in)
	if err != nil {
		return rep, err
	}
	if err := addLines(r, rep.Findings, diff.Changes); err != nil {
		return rep, err
	}
	return rep, nil
}

// signedPayload reads commit h again, when a rule needs its signature: the
// walk keeps no raw objects.
func signedPayload(r git.ObjectReader, h git.Hash) (payload, signature []byte, err error) {
	_, data, err := r.Read(h)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the signature of commit %s: %w", h, err)
	}
	payload, signature, _ = git.SignedPayload(data)
	return payload, signature, nil
}

// checkProblems converts the differ's tree problems to the rules' own.
func checkProblems(problems []git.TreeProblem) []check.TreeProblem {
	out := make([]check.TreeProblem, len(problems))
	for i, p := range problems {
		out[i] = check.TreeProblem(p)
	}
	return out
}

// readNote returns the non-empty lines of the commit's note. A note over the
// size limit is a finding, not an error.
func readNote(notes *git.Notes, commit git.Hash) (check.Note, error) {
	if notes == nil {
		return check.Note{}, nil
	}
	data, err := notes.Read(commit, git.MaxNoteSize)
	switch {
	case errors.Is(err, git.ErrNoteNotFound):
		return check.Note{}, nil
	case errors.Is(err, git.ErrNoteTooLarge):
		return check.Note{OverLimit: git.MaxNoteSize}, nil
	case err != nil:
		return check.Note{}, err
	}
	var note check.Note
	for l := range bytes.SplitSeq(data, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) == 0 {
			continue
		}
		if len(note.Lines) == check.MaxNoteLines {
			note.MoreLines++ // counted, not kept: check.Judge reads no more
			continue
		}
		note.Lines = append(note.Lines, l)
	}
	return note, nil
}

// checkCommitOf is what the rules know of c.
func checkCommitOf(c *git.Commit) check.Commit {
	return check.Commit{
		Hash:      c.Hash,
		Subject:   strings.Clone(c.Subject()), // not a slice of the whole message, which the report would keep
		Author:    check.Person(c.Author),
		Committer: check.Person(c.Committer),
		Trailers:  c.Trailers(),
	}
}

// checkChanges converts the differ's changes to the rules' own.
func checkChanges(changes []git.Change) []check.Change {
	out := make([]check.Change, len(changes))
	for i, ch := range changes {
		out[i] = check.Change{
			Path: ch.Path, OldPath: ch.OldPath, Kind: checkKind(ch.Kind),
			OldMode: ch.OldMode, NewMode: ch.NewMode, OldBlob: ch.OldBlob, NewBlob: ch.NewBlob,
			LinkTarget: ch.LinkTarget,
		}
	}
	return out
}

func checkKind(k git.ChangeKind) check.ChangeKind {
	switch k {
	case git.Added:
		return check.Added
	case git.Modified:
		return check.Modified
	case git.Deleted:
		return check.Deleted
	case git.Renamed:
		return check.Renamed
	case git.ModeChanged:
		return check.ModeChanged
	}
	panic(fmt.Sprintf("gate: unknown change kind %v", k))
}

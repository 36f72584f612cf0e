package gate

import (
	"context"
	"fmt"
	"sync"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
)

// Identified is a range whose commits were identified ([IdentifyRange]):
// who made each, and whether it carries a valid manifest.
type Identified struct {
	Trust *check.Trust
	// Base is the commit the trusted side was read from (files the user
	// named win over it); zero for none.
	Base git.Hash
	// Commits are the commits of the range, oldest first; Reports[i] is
	// Commits[i]'s.
	Commits []*git.Commit
	Reports []check.CommitReport
}

// IdentifyRange says who made each commit of rng, reading commits and
// notes only: it walks the range, reads the trusted side opts.Trust names
// (the files, else its Base; unlike [CheckRange], never the range's base
// implicitly: the caller decides), opens the notes and identifies each commit
// ([Identify]). It is what agentcheck census runs on a history before the
// gate is turned on, so it must stay fast on tens of thousands of commits:
// it never diffs.
func IdentifyRange(ctx context.Context, repo *git.Repo, rng *git.Range, opts Options) (*Identified, error) {
	// The census reports each commit's author and date: it keeps the whole
	// commits, where Walk gives only ids and parents.
	shallow, err := repo.ShallowCommits()
	if err != nil {
		return nil, err
	}
	commits, err := rng.Walk(ctx, repo.Objects, git.WithShallow(shallow))
	if err != nil {
		return nil, err
	}
	t, notes, err := openTrustAndNotes(repo, opts.Trust, opts.Tune)
	if err != nil {
		return nil, err
	}
	reports, err := Identify(ctx, t, notes, commits)
	if err != nil {
		return nil, err
	}
	return &Identified{Trust: t, Base: opts.Trust.Base, Commits: commits, Reports: reports}, nil
}

// Identify says who made each of commits and whether it carries a valid
// manifest: it reads each commit's note and judges the commit without its
// changes (check.Judge with none), which verifies the note's manifests and
// recognises the agent from the commit's metadata. The reports it returns
// hold the commit's MadeBy, Manifest, Agent and Sessions; their Findings
// and Approvals are cleared, because the rules that need a commit's changes
// did not run: an identified range has not been checked. Two goroutines
// share the work, as in [Check]: verifying manifests is most of it.
func Identify(ctx context.Context, t *check.Trust, notes *git.Notes, commits []*git.Commit) ([]check.CommitReport, error) {
	reports := make([]check.CommitReport, len(commits))
	const workers = 2
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range min(workers, len(commits)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(commits); i += workers {
				if (i/workers)%256 == 0 && ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				rep, err := identify(t, notes, commits[i])
				if err != nil {
					errs[w] = err
					return
				}
				reports[i] = rep
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return reports, nil
}

// identify is what [Identify] says of one commit.
func identify(t *check.Trust, notes *git.Notes, c *git.Commit) (check.CommitReport, error) {
	note, err := readNote(notes, c.Hash)
	if err != nil {
		return check.CommitReport{}, fmt.Errorf("reading the note of commit %s: %w", c.Hash, err)
	}
	rep, err := check.Judge(t, check.Input{Commit: checkCommitOf(c), Note: note})
	if err != nil {
		return check.CommitReport{}, fmt.Errorf("identifying commit %s: %w", c.Hash, err)
	}
	rep.Findings, rep.Approvals = []check.Finding{}, nil
	return rep, nil
}

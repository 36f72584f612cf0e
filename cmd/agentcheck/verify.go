package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/term"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/gitrepo"
	"github.com/agentcheck/agentcheck/internal/gitrepo/gogit"
	"github.com/agentcheck/agentcheck/provenance"
)

// outputFlags are the flags shared by the commands that render a report.
type outputFlags struct {
	format   *string
	output   *string
	exitZero *bool
}

func addOutputFlags(fs interface {
	String(name, value, usage string) *string
	Bool(name string, value bool, usage string) *bool
}) outputFlags {
	return outputFlags{
		format:   fs.String("format", "text", "output `format`: text, json, sarif, codeclimate (GitLab Code Quality) or junit"),
		output:   fs.String("output", "", "write the report to `FILE` instead of stdout"),
		exitZero: fs.Bool("exit-zero", false, "exit 0 even when error-level findings are reported (for upload pipelines)"),
	}
}

func (o outputFlags) check() error {
	switch *o.format {
	case "text", "json", "sarif", "codeclimate", "junit":
		return nil
	}
	return usageError("unknown format %q (want text, json, sarif, codeclimate or junit)", *o.format)
}

// trustFlags name the trusted side explicitly.
type trustFlags struct {
	policy, signers, approvers *string
}

func addTrustFlags(fs interface {
	String(name, value, usage string) *string
}) trustFlags {
	return trustFlags{
		policy:    fs.String("policy", "", "read the policy from `FILE` instead of the range's base commit"),
		signers:   fs.String("allowed-signers", "", "read trusted keys from `FILE` instead of the base commit"),
		approvers: fs.String("approvers", "", "read trusted approvers from `FILE` instead of the base commit"),
	}
}

func runVerify(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "verify", "[RANGE...]")
	out := addOutputFlags(fs)
	trust := addTrustFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = preCommitRange(inv.getenv)
	}
	checked, err := checkRange(ctx, inv, pos, trust, rangeOptions{})
	if err != nil {
		return err
	}
	report := checked.report
	if err := writeReport(inv, out, report); err != nil {
		return err
	}
	if report.Failed() && !*out.exitZero {
		return errViolations
	}
	return nil
}

// preCommitRange is the range pre-commit's pre-push stage is pushing, which
// it passes to its hooks in PRE_COMMIT_FROM_REF (the remote's tip, or the
// parent of the first commit the remote lacks) and PRE_COMMIT_TO_REF. It is
// nil outside such a hook, and when pre-commit pushes a history from its
// root (it then sets neither).
func preCommitRange(getenv func(string) string) []string {
	from, to := getenv("PRE_COMMIT_FROM_REF"), getenv("PRE_COMMIT_TO_REF")
	if from == "" || to == "" {
		return nil
	}
	return []string{from + ".." + to}
}

// checkedRange is a revision range walked and verified: what verify reports,
// and what log and export give an account of.
type checkedRange struct {
	repo    *gitrepo.Repo
	trust   *check.Trust
	commits []*check.Commit // oldest first, as the report's commits
	report  *check.Report
}

// rangeOptions adapt checkRange to where it runs.
type rangeOptions struct {
	// resolveHint says how to fix a range that does not resolve.
	resolveHint string
	// trustHint says how to fix a trusted side that cannot be read.
	trustHint string
	// checkTrustFiles, if set, vets the trusted files the flags name
	// before anything is read (the GitHub gate refuses files inside the
	// pull request's own work tree).
	checkTrustFiles func(repo *gitrepo.Repo, files ...string) error
	// tune, if set, adjusts the verifier: the GitHub gate also trusts keys
	// registered on GitHub when the policy says so.
	tune func(t *check.Trust, v *check.Verifier)
}

// checkRange resolves the range the arguments name (default
// @{upstream}..HEAD, else HEAD), reads the trusted side (the policy and keys
// from the range's base, or the files the flags name), walks the range and
// verifies every commit. verify, log, export and the GitHub gate share it,
// so that they agree on every range and never read the trusted side
// differently.
func checkRange(ctx context.Context, inv *Invocation, pos []string, trust trustFlags, opts rangeOptions) (*checkedRange, error) {
	repo, _, err := openRepo(inv)
	if err != nil {
		return nil, err
	}
	if opts.checkTrustFiles != nil {
		if err := opts.checkTrustFiles(repo, *trust.policy, *trust.signers, *trust.approvers); err != nil {
			return nil, err
		}
	}
	gg, err := gogit.Open(repo)
	if err != nil {
		return nil, err
	}
	rng, err := check.ResolveRange(gg, pos)
	if err != nil {
		return nil, withHint(fmt.Errorf("resolving range: %w", err), cmp.Or(opts.resolveHint, "give a range like HEAD~3..HEAD or a commit"))
	}
	shallow, err := repo.ShallowCommits()
	if err != nil {
		return nil, err
	}
	commits, err := rng.Walk(ctx, repo.Objects, check.WithShallow(shallow))
	if err != nil {
		return nil, historyError(err)
	}
	t, err := check.LoadTrust(repo.Objects, check.TrustSource{
		PolicyFile: *trust.policy, SignersFile: *trust.signers, ApproversFile: *trust.approvers, Base: rng.Base,
	})
	if err != nil {
		return nil, withHint(err, cmp.Or(opts.trustHint, "fix the policy on the base branch, or pass --policy FILE"))
	}
	notes, err := loadNotes(repo)
	if err != nil {
		return nil, err
	}
	v := check.NewVerifier(t, notes, repo.Objects)
	if opts.tune != nil {
		opts.tune(t, v)
	}
	reports, err := verifyCommits(ctx, inv, v, commits)
	if err != nil {
		return nil, historyError(err)
	}
	return &checkedRange{repo: repo, trust: t, commits: commits, report: check.NewReport(rng.Spec, rng.Base, t, reports)}, nil
}

// historyError adds the fetch hint to an incomplete-history error.
func historyError(err error) error {
	var ih *check.IncompleteHistoryError
	if errors.As(err, &ih) {
		return withHint(err, ih.Hint())
	}
	return err
}

// loadNotes reads the local notes ref; a repository without it has no notes.
func loadNotes(repo *gitrepo.Repo) (*provenance.Notes, error) {
	tip, err := repo.Ref(provenance.NotesRef)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return provenance.OpenNotes(repo.Objects, plumbing.ZeroHash)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", provenance.NotesRef, err)
	}
	notes, err := provenance.OpenNotes(repo.Objects, tip)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", provenance.NotesRef, err)
	}
	return notes, nil
}

// writeReport renders the report to --output or stdout. Only the report goes
// to stdout.
func writeReport(inv *Invocation, out outputFlags, r *check.Report) error {
	w := inv.Stdout
	var f *os.File
	if *out.output != "" {
		var err error
		if f, err = os.Create(*out.output); err != nil {
			return fmt.Errorf("creating report file: %w", err)
		}
		w = f
	}
	err := render(w, *out.format, r, isTerminal(w))
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func render(w io.Writer, format string, r *check.Report, color bool) error {
	switch format {
	case "json":
		return check.WriteJSON(w, r)
	case "sarif":
		return check.WriteSARIF(w, r, check.SARIFOptions{Version: buildVersion()})
	case "codeclimate":
		return check.WriteCodeClimate(w, r)
	case "junit":
		return check.WriteJUnit(w, r)
	default:
		return check.WriteText(w, r, check.TextOptions{Color: color})
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

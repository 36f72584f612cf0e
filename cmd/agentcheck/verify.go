package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/report"
)

// outputFlags are the flags shared by the commands that render a report.
type outputFlags struct {
	format   *string
	output   *string
	exitZero *bool
	color    *string
}

func addOutputFlags(fs *flagSet) outputFlags {
	return outputFlags{
		format:   fs.String("format", "text", "output `format`: text, json, sarif, codeclimate (GitLab Code Quality) or junit"),
		output:   fs.String("output", "", "write the report to `FILE` instead of stdout"),
		exitZero: fs.Bool("exit-zero", false, "exit 0 even when error-level findings are reported (for upload pipelines)"),
		color:    addColorFlag(fs),
	}
}

func (o outputFlags) check() error {
	switch *o.format {
	case "text", "json", "sarif", "codeclimate", "junit":
		return checkColor(*o.color)
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
	prof := addProfileFlags(fs)
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
	stopProfile, err := prof.start()
	if err != nil {
		return err
	}
	streamed := *out.format == "text" || *out.format == "sarif" || *out.format == "json"
	var checked *gate.Result
	if streamed {
		checked, err = verifyStreamed(ctx, inv, pos, trust, out)
	} else {
		checked, err = checkRange(ctx, inv, pos, trust, rangeOptions{reportOnly: true})
	}
	if perr := stopProfile(); err == nil && perr != nil {
		return perr
	}
	if err != nil {
		return err
	}
	if !streamed {
		if err := writeReport(inv, out, checked.Report); err != nil {
			return err
		}
	}
	if checked.Report.Failed() && !*out.exitZero {
		return errViolations
	}
	return nil
}

// verifyStreamed checks the range and writes its text, SARIF or JSON
// report as the check goes, each commit as soon as it and every commit
// before it are checked, with the bytes and the order the report has
// always had: the report of a long range is never held whole
// (docs/performance.md, "Memory"). The JSON report's commits are encoded
// into a temporary file and the document is written when the check ends:
// its approversSource, before the commits, depends on them all. A check
// that fails with an error after some commits leaves their part of a text
// report on stdout, without its end; a SARIF report on stdout is spooled
// and the JSON document written only when whole; a report written to a
// file (--output) takes its place only when it is whole.
func verifyStreamed(ctx context.Context, inv *Invocation, pos []string, trust trustFlags, out outputFlags) (*gate.Result, error) {
	var (
		w io.Writer = inv.Stdout
		f interface{ finish(failed error) error }
	)
	switch {
	case *out.output != "":
		rf := &reportFile{path: *out.output}
		w, f = rf, rf
	case *out.format == "sarif":
		// SARIF on stdout is for a program, which must not be handed the
		// start of a log whose check failed: it is spooled, and written
		// out only once whole.
		sp := &stdoutSpool{w: inv.Stdout}
		w, f = sp, sp
	}
	// A text or SARIF report that goes straight to a terminal shows the
	// check's progress itself; the JSON document comes at the end.
	terminal := f == nil && *out.format != "json" && isTerminal(inv.Stdout)
	var (
		commit func(check.CommitReport) error
		end    func(r *check.Report) error
	)
	begin := func(header *check.Report) error {
		if *out.format == "json" {
			j := report.NewJSONWriter(w)
			commit, end = j.Commit, j.Close
			return nil
		}
		if *out.format == "sarif" {
			s, err := report.NewSARIFWriter(w, header, report.SARIFOptions{Version: buildVersion()})
			if err != nil {
				return err
			}
			commit, end = s.Commit, func(*check.Report) error { return s.Close() }
			return nil
		}
		t := report.NewTextWriter(w, report.TextOptions{Color: wantColor(*out.color, terminal, inv.getenv)})
		commit, end = t.Commit, t.Close
		return nil
	}
	res, err := checkRange(ctx, inv, pos, trust, rangeOptions{
		reportOnly: true,
		begin:      begin,
		emit:       func(c check.CommitReport) error { return commit(c) },
		noProgress: terminal, // the report on the terminal shows the progress
	})
	if err == nil {
		err = end(res.Report)
	} else if end != nil && *out.format == "json" {
		end(nil) // removes the commits encoded so far
	}
	if f != nil {
		if ferr := f.finish(err); err == nil {
			err = ferr
		}
	}
	return res, err
}

// reportFile writes a report to a temporary file beside path, which
// becomes path only once the whole report is written: a check that fails
// part way leaves neither a truncated report nor a clobbered older one
// (a CI step that uploads whatever file is there must not upload half a
// SARIF log).
type reportFile struct {
	path string
	f    *os.File
}

func (r *reportFile) Write(p []byte) (int, error) {
	if r.f == nil {
		f, err := os.CreateTemp(filepath.Dir(r.path), "."+filepath.Base(r.path)+".*.tmp")
		if err != nil {
			return 0, fmt.Errorf("creating report file %s: %w", r.path, err)
		}
		r.f = f
	}
	return r.f.Write(p)
}

// finish puts the report in place when failed is nil, and otherwise
// removes what was written of it.
func (r *reportFile) finish(failed error) error {
	if r.f == nil {
		if failed != nil {
			return nil
		}
		if _, err := r.Write(nil); err != nil {
			return err
		}
	}
	tmp := r.f.Name()
	err := r.f.Chmod(0o644) // CreateTemp's 0600 would hide the report from a CI step of another user
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if failed == nil && err == nil {
		if err = os.Rename(tmp, r.path); err == nil {
			return nil
		}
		err = fmt.Errorf("writing report file: %w", err)
	}
	os.Remove(tmp)
	return err
}

// stdoutSpool holds a report until it is whole, then copies it to w: a
// check that fails part way writes nothing to w.
type stdoutSpool struct {
	report.Spool
	w io.Writer
}

// finish copies the report to w when failed is nil, and drops it either
// way.
func (s *stdoutSpool) finish(failed error) error {
	defer s.Close()
	if failed != nil {
		return nil
	}
	if _, err := s.WriteTo(s.w); err != nil {
		return fmt.Errorf("writing the report: %w", err)
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

// rangeOptions adapt checkRange to where it runs.
type rangeOptions struct {
	// resolveHint says how to fix a range that does not resolve.
	resolveHint string
	// trustHint says how to fix a trusted side that cannot be read.
	trustHint string
	// checkTrustFiles, if set, vets the trusted files the flags name
	// before anything is read (the GitHub gate refuses files inside the
	// pull request's own work tree).
	checkTrustFiles func(repo *git.Repo, files ...string) error
	// tune, if set, adjusts the trusted side once it is read: the GitHub
	// gate also trusts keys registered on GitHub when the policy says so.
	tune func(t *check.Trust)
	// reportOnly: the caller reads only the report (see
	// gate.Options.ReportOnly).
	reportOnly bool
	// begin and emit, if set, receive the report's start and each
	// commit's report as soon as it can be written (gate.Options.Begin
	// and Emit).
	begin func(header *check.Report) error
	emit  func(check.CommitReport) error
	// noProgress: draw no progress, which would mix with a report
	// written to the same terminal as the check goes.
	noProgress bool
}

// checkRange resolves the range the arguments name (default
// @{upstream}..HEAD, else HEAD) and checks it with gate.CheckRange: the
// trusted side is read from the range's base, or the files the flags
// name. verify, log, export and the GitHub gate share it.
func checkRange(ctx context.Context, inv *Invocation, pos []string, trust trustFlags, opts rangeOptions) (*gate.Result, error) {
	repo, _, err := openRepo(inv)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	if opts.checkTrustFiles != nil {
		if err := opts.checkTrustFiles(repo, *trust.policy, *trust.signers, *trust.approvers); err != nil {
			return nil, err
		}
	}
	rng, err := git.ResolveRange(repo, pos)
	if err != nil {
		h := "give a range like HEAD~3..HEAD or a commit"
		if _, herr := repo.Ref("HEAD"); herr != nil {
			// A new repository: no range or commit can help yet.
			h = "this repository has no commit yet: there is nothing to check before the first one (git commit)"
		} else if errors.Is(err, git.ErrNoParent) {
			// The example above is what failed: the history is shorter.
			h = "the history does not reach that far back: give a commit that git log --oneline lists, as the range's base (BASE..HEAD) or alone (checked against its parent)"
		}
		return nil, withHint(fmt.Errorf("resolving range: %w", err), cmp.Or(opts.resolveHint, h))
	}
	gopts := gate.Options{
		Trust:      gate.TrustSource{PolicyFile: *trust.policy, SignersFile: *trust.signers, ApproversFile: *trust.approvers},
		Tune:       opts.tune,
		ReportOnly: opts.reportOnly,
		Begin:      opts.begin,
		Emit:       opts.emit,
	}
	var res *gate.Result
	if opts.noProgress {
		res, err = gate.CheckRange(ctx, repo, rng, gopts)
	} else {
		res, err = checkWithProgress(ctx, inv, repo, rng, gopts)
	}
	if err != nil {
		return nil, gate.WithHint(err, cmp.Or(opts.trustHint, "fix the policy on the base branch, or pass --policy FILE"))
	}
	return res, nil
}

// writeReport renders the report to --output or stdout. Only the report goes
// to stdout.
func writeReport(inv *Invocation, out outputFlags, r *check.Report) error {
	if *out.output == "" {
		return render(inv.Stdout, *out.format, r, colorFor(inv, *out.color, inv.Stdout))
	}
	f := &reportFile{path: *out.output}
	err := render(f, *out.format, r, colorFor(inv, *out.color, f))
	if ferr := f.finish(err); err == nil {
		err = ferr
	}
	return err
}

func render(w io.Writer, format string, r *check.Report, color bool) error {
	switch format {
	case "json":
		return report.WriteJSON(w, r)
	case "sarif":
		return report.WriteSARIF(w, r, report.SARIFOptions{Version: buildVersion()})
	case "codeclimate":
		return report.WriteCodeClimate(w, r)
	case "junit":
		return report.WriteJUnit(w, r)
	default:
		return report.WriteText(w, r, report.TextOptions{Color: color})
	}
}

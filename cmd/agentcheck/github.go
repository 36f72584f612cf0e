package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/agentcheck/agentcheck/action"
	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/report"
)

// runGitHub is agentcheck github: the pull-request gate inside GitHub
// Actions. See doc.go (# GitHub) and package action.
func runGitHub(ctx context.Context, inv *Invocation, args []string) error {
	// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later: either
	// cancels ctx instead of killing the process, so that a check run
	// already created is completed before the step ends.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return singleLineErr(gitHub(ctx, inv, args))
}

// singleLineErr keeps an error's message and hint on one line each. The runner
// reads workflow commands from stderr as well as stdout and ends a line at
// CR as at LF: a message that quotes a hostile ref or path must not start a
// line of its own.
func singleLineErr(err error) error {
	if err == nil || err == errViolations || errors.Is(err, errHelp) {
		return err
	}
	h := hint.Of(err)
	msg := err.Error()
	if clean(msg) == msg && clean(h) == h {
		return err
	}
	return withHint(&exitErr{code: exitCodeOf(err), err: errors.New(clean(msg))}, clean(h))
}

// clean replaces line breaks and other control characters with spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

func gitHub(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "github", "")
	sarifFile := fs.String("sarif-file", "agentcheck.sarif", "write the SARIF log to `FILE`")
	failOnFlag := fs.String("fail-on", "error", "which findings fail the step: `error`, warning or never")
	plan := fs.Bool("fetch-plan", false, "print the history the check needs, one item per line, and exit")
	apiTimeout := fs.Duration("api-timeout", defaultAPITimeout, "give the GitHub API requests of the run, retries and their waits included, `DURATION` in all")
	trust := addTrustFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return withHint(usageError("agentcheck github takes no arguments"), "the range comes from the event; use agentcheck verify RANGE outside GitHub Actions")
	}
	failOn, err := action.ParseFailOn(*failOnFlag)
	if err != nil {
		return usageError("%v", err)
	}
	if *apiTimeout <= 0 {
		return usageError("api-timeout %s: want a positive duration such as 5m or 90s", *apiTimeout)
	}
	env, err := action.LoadEnv(inv.getenv)
	if err != nil {
		return withHint(err, "agentcheck github runs inside GitHub Actions; use agentcheck verify elsewhere")
	}
	ev, err := env.ReadEvent()
	if err != nil {
		if !*plan {
			writeErrorResult(env)
		}
		if errors.Is(err, action.ErrUnsupportedEvent) {
			return withHint(err, "run the gate on pull_request, pull_request_target, push or merge_group")
		}
		return err
	}
	if *plan {
		for _, line := range ev.FetchPlan() {
			fmt.Fprintln(inv.Stdout, line)
		}
		return nil
	}
	g := &githubGate{inv: inv, env: env, ev: ev, failOn: failOn, sarifFile: *sarifFile}
	err = g.run(ctx, *apiTimeout, trust)
	if err != nil && exitCodeOf(err) == exitError && !g.wroteResult {
		writeErrorResult(env)
	}
	return err
}

// run checks the event's range and reports the result.
func (g *githubGate) run(ctx context.Context, apiTimeout time.Duration, trust trustFlags) error {
	retry := action.Retry{Logf: g.logf, Sleep: g.inv.Sleep}
	var err error
	if g.client, err = action.NewClient(g.env.APIURL, g.env.Token, "agentcheck/"+buildVersion(), retry); err != nil {
		return err
	}
	// One deadline for every GitHub API request of the run, so that rate
	// limits and retries never hold the job past it.
	apiCtx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	report, err := g.check(ctx, apiCtx, trust)
	if ctx.Err() != nil {
		err = fmt.Errorf("the job was cancelled (%v)", context.Cause(ctx))
	}
	if err != nil {
		g.reportError(ctx, err)
		return err
	}
	return g.publish(apiCtx, report)
}

// writeErrorResult sets the step's result output to error, for a run that
// stopped before it could report anything: the result output and the exit
// code (2) always agree.
func writeErrorResult(env *action.Env) {
	if env.Output == "" {
		return
	}
	var buf bytes.Buffer
	if action.WriteOutputs(&buf, [][2]string{{"result", "error"}}) != nil {
		return
	}
	if f, err := os.OpenFile(env.Output, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		f.Write(buf.Bytes())
		f.Close()
	}
}

// defaultAPITimeout is the default of --api-timeout: long enough to wait out
// a secondary rate limit (GitHub asks for a minute) and a few server
// errors, short enough that a job does not sit on a spent primary limit.
const defaultAPITimeout = 5 * time.Minute

// githubGate is one run of agentcheck github.
type githubGate struct {
	inv       *Invocation
	env       *action.Env
	ev        *action.Event
	failOn    action.FailOn
	sarifFile string
	client    *github.Client
	notes     []string // operational remarks for the job summary
	// wroteResult is set once the step outputs, result among them, are
	// written.
	wroteResult bool

	stderr sync.Mutex // the API client logs from the verifier's workers
}

func (g *githubGate) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	g.notes = append(g.notes, msg)
	g.logf("warning: %s", msg)
}

// logf writes one line to stderr. The runner reads workflow commands on
// stderr as well as stdout: the prefix keeps a line from ever starting with
// "::".
func (g *githubGate) logf(format string, args ...any) {
	g.stderr.Lock()
	defer g.stderr.Unlock()
	fmt.Fprintf(g.inv.Stderr, "agentcheck: %s\n", clean(fmt.Sprintf(format, args...)))
}

// check verifies the event's range and returns the report. apiCtx bounds
// the requests for keys registered on GitHub.
func (g *githubGate) check(ctx, apiCtx context.Context, trust trustFlags) (*check.Report, error) {
	if g.ev.Deleted {
		t := &check.Trust{PolicySource: "none (nothing to check)"}
		return check.NewReport(g.ev.Ref+" deleted", git.ZeroHash, t, nil), nil
	}
	var keys *action.GitHubKeys
	checked, err := checkRange(ctx, g.inv, []string{g.ev.Range()}, trust, rangeOptions{
		reportOnly:  true,
		resolveHint: "fetch the base and head commits of " + g.ev.Describe() + " first: the agentcheck action does (fetch-history.sh)",
		trustHint:   "fix the policy on the base branch, or pass the action a policy file",
		checkTrustFiles: func(repo *git.Repo, files ...string) error {
			for _, f := range files {
				if err := outsideWorkTree(repo, f); err != nil {
					return err
				}
			}
			return nil
		},
		// Approvals come from the base's approvers file, never from keys
		// registered on GitHub; manifests may, when the policy says so.
		tune: func(t *check.Trust) {
			if !t.Policy.Trust.GitHubSSHKeys {
				return
			}
			keys = &action.GitHubKeys{Client: g.client, Owner: g.env.Owner(), Repo: g.env.Repo()}
			if g.ev.PullRequest != nil {
				keys.PullRequest = g.ev.PullRequest.Number
			}
			t.ExtraKeys = keys.Trust(apiCtx)
		},
	})
	if err != nil {
		return nil, err
	}
	if keys != nil {
		for _, n := range keys.Notes() {
			g.warnf("trust.github_ssh_keys: %s", n)
		}
		for _, e := range keys.Errors() {
			g.warnf("trust.github_ssh_keys: %s", e)
		}
	}
	return checked.Report, nil
}

// outsideWorkTree refuses a trusted file inside the repository's work tree:
// in a pull_request workflow the work tree holds the pull request's own
// files, which must not choose the rules that judge them.
func outsideWorkTree(repo *git.Repo, file string) error {
	if file == "" || repo.WorkTree == "" {
		return nil
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	wt := repo.WorkTree
	if real, err := filepath.EvalSymlinks(wt); err == nil {
		wt = real
	}
	if rel, err := filepath.Rel(wt, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return withHint(usageError("trusted file %s is inside the checked-out repository, whose files the checked commits may have written", file),
			"leave the policy input empty to read the policy from the base commit, or keep the file outside the work tree")
	}
	return nil
}

// publish writes the SARIF file, the check run (or workflow commands), the
// job summary and the step outputs, and returns the verdict's error, or the
// error that kept the gate from reporting it. The result output is error
// exactly when the returned error is not the verdict's.
func (g *githubGate) publish(ctx context.Context, report *check.Report) error {
	if err := g.writeSARIF(report); err != nil {
		return err
	}
	verdict := action.Decide(report, g.failOn)
	// The check run's summary carries the notes known so far (a failed key
	// lookup explains an untrusted manifest); the job summary, written
	// last, all of them.
	info := action.SummaryInfo{
		Event: g.ev, Verdict: verdict, FailOn: g.failOn, RepoURL: g.env.RepositoryURL(), RunURL: g.env.RunURL(),
		Notes: append([]string(nil), g.notes...),
	}
	var summary bytes.Buffer
	if err := action.WriteSummary(&summary, report, info); err != nil {
		return err
	}

	result := verdict.Conclusion
	var opErr error
	fallback := false
	instead := "the findings are reported as workflow annotations instead"
	if len(report.Findings()) == 0 {
		instead = "there are no findings; the verdict is in the job summary and the step's result"
	}
	switch {
	case g.ev.Deleted:
	case g.env.Token == "":
		fallback = true
		g.warnf("no GitHub token: the %s check run was not created; %s", action.CheckRunName, instead)
	default:
		cr := &action.CheckRun{Client: g.client, Owner: g.env.Owner(), Repo: g.env.Repo(), HeadSHA: g.ev.Head, DetailsURL: g.env.RunURL()}
		pub, err := cr.Publish(ctx, verdict, summary.String(), action.Annotations(report))
		switch {
		case err == nil:
		case pub.ID == 0 && errors.Is(ctx.Err(), context.Canceled):
			err := fmt.Errorf("the job was cancelled (%v)", context.Cause(ctx))
			g.reportError(ctx, err)
			return err
		case pub.ID == 0 && action.NotPermitted(err):
			fallback = true
			g.warnf("the token may not create check runs (%s): %s; "+
				"give the workflow permissions: checks: write, or run it on pull_request_target for pull requests from forks", action.APIError(err), instead)
		case pub.ID == 0:
			fallback, result = true, "error"
			opErr = withHint(fmt.Errorf("the %s check run was not created: %s", action.CheckRunName, action.APIError(err)),
				"re-run the job to create the check run; the job summary and the SARIF file have the report")
			g.warnf("the %s check run was not created (%s); %s", action.CheckRunName, action.APIError(err), instead)
		case pub.Conclusion == "":
			// Neither the annotations nor the request that completes the
			// run went through: annotate the step instead.
			fallback, result = true, "error"
			opErr = withHint(err, "re-run the job: a new run replaces the one left in progress")
			g.warnf("check run %d could not be completed and stays in progress (%s); %s", pub.ID, action.APIError(err), instead)
		default:
			result = "error"
			what := "not all the annotations were added (" + action.APIError(err) + ")"
			if errors.Is(ctx.Err(), context.Canceled) {
				what = fmt.Sprintf("the job was cancelled (%v)", context.Cause(ctx))
			}
			opErr = withHint(fmt.Errorf("%s: check run %d has %d of %d annotations", what, pub.ID, pub.Annotated, len(action.Annotations(report))),
				"re-run the job to annotate the findings; the check run's details list the rest")
			g.warnf("%s: check run %d was completed as %s with %d of the annotations and the rest of the findings in its details",
				what, pub.ID, pub.Conclusion, pub.Annotated)
		}
	}
	if fallback {
		// Say so where people look, then the annotations.
		note := g.notes[len(g.notes)-1]
		if err := action.WriteCommand(g.inv.Stdout, "warning", map[string]string{"title": "agentcheck"}, note); err != nil {
			return err
		}
		if err := action.WriteAnnotationCommands(g.inv.Stdout, report); err != nil {
			return err
		}
	}

	info.Notes = g.notes
	if err := g.appendFile(g.env.StepSummary, func(w *bytes.Buffer) error { return action.WriteSummary(w, report, info) }); err != nil {
		return err
	}
	outputs := [][2]string{
		{"sarif-file", g.sarifFile},
		{"findings", strconv.Itoa(len(report.Findings()))},
		{"result", result},
	}
	if err := g.appendFile(g.env.Output, func(w *bytes.Buffer) error { return action.WriteOutputs(w, outputs) }); err != nil {
		return err
	}
	g.wroteResult = true

	word := "ok"
	if verdict.Failed {
		word = "FAIL"
	}
	fmt.Fprintf(g.inv.Stderr, "agentcheck: %s: %s (%s, %s)\n", word, verdict.Title, clean(g.ev.Describe()), clean(report.Range))
	if opErr != nil {
		return opErr
	}
	if verdict.Failed {
		return errViolations
	}
	return nil
}

func (g *githubGate) writeSARIF(rep *check.Report) error {
	if g.sarifFile == "" {
		return nil
	}
	var buf bytes.Buffer
	opts := report.SARIFOptions{Version: buildVersion(), RepositoryURI: g.env.RepositoryURL(), RevisionID: g.ev.Head}
	if err := report.WriteSARIF(&buf, rep, opts); err != nil {
		return err
	}
	if err := os.WriteFile(g.sarifFile, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the SARIF file: %w", err)
	}
	return nil
}

// appendFile appends what fill writes to the file GitHub named (the job
// summary, the step outputs); "" means the runner gave none.
func (g *githubGate) appendFile(name string, fill func(*bytes.Buffer) error) error {
	if name == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// reportError tells GitHub that the gate could not decide: a check run
// (failure, or cancelled when the job was) and a job summary with the
// error, so a required check shows why. It is best effort: the error itself
// is returned by the caller. It runs when the job is being cancelled too:
// its request has a few seconds of its own.
func (g *githubGate) reportError(ctx context.Context, cause error) {
	cancelled := errors.Is(ctx.Err(), context.Canceled)
	heading, title, conclusion := "## ❌ agentcheck: could not check", "Could not check", "failure"
	closing := "The gate fails closed: what it cannot check, it does not pass."
	if cancelled {
		heading, title, conclusion = "## ⏹️ agentcheck: cancelled", "Cancelled", "cancelled"
		closing = "The job was cancelled before the gate finished: re-run it for a verdict."
	}
	msg := cause.Error()
	if h := hint.Of(cause); h != "" {
		msg += "\n\nHint: " + h
	}
	summary := heading + "\n\n" + action.MarkdownText(strings.ReplaceAll(msg, "\n", " ")) + "\n\n" + closing + "\n"
	if len(g.notes) > 0 {
		summary += "\n### Notes\n\n"
		for _, n := range g.notes {
			summary += "- " + action.MarkdownText(n) + "\n"
		}
	}
	_ = g.appendFile(g.env.StepSummary, func(w *bytes.Buffer) error { w.WriteString(summary); return nil })
	if g.appendFile(g.env.Output, func(w *bytes.Buffer) error {
		return action.WriteOutputs(w, [][2]string{{"sarif-file", ""}, {"findings", "0"}, {"result", "error"}})
	}) == nil {
		g.wroteResult = true
	}
	if g.env.Token == "" || g.ev.Head == "" || g.client == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), action.FinishTimeout)
	defer cancel()
	cr := &action.CheckRun{Client: g.client, Owner: g.env.Owner(), Repo: g.env.Repo(), HeadSHA: g.ev.Head, DetailsURL: g.env.RunURL()}
	v := action.Verdict{Failed: true, Conclusion: conclusion, Title: title}
	if _, err := cr.Publish(fctx, v, summary, nil); err != nil {
		g.logf("warning: the %s check run was not created: %s", action.CheckRunName, action.APIError(err))
	}
}

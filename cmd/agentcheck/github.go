package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-github/v62/github"

	"github.com/agentcheck/agentcheck/action"
	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/gitrepo"
)

// runGitHub is agentcheck github: the pull-request gate inside GitHub
// Actions. See doc.go (# GitHub) and package action.
func runGitHub(ctx context.Context, inv *Invocation, args []string) error {
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
	var e *exitErr
	hint := ""
	if errors.As(err, &e) {
		hint = e.hint
	}
	msg := err.Error()
	if clean(msg) == msg && clean(hint) == hint {
		return err
	}
	return &exitErr{code: exitCodeOf(err), err: errors.New(clean(msg)), hint: clean(hint)}
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
	env, err := action.LoadEnv(inv.getenv)
	if err != nil {
		return withHint(err, "agentcheck github runs inside GitHub Actions; use agentcheck verify elsewhere")
	}
	ev, err := env.ReadEvent()
	if err != nil {
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
	g := &gate{inv: inv, env: env, ev: ev, failOn: failOn, sarifFile: *sarifFile}
	if g.client, err = action.NewClient(env.APIURL, env.Token, "agentcheck/"+buildVersion()); err != nil {
		return err
	}
	report, err := g.check(ctx, trust)
	if err != nil {
		g.reportError(ctx, err)
		return err
	}
	return g.publish(ctx, report)
}

// gate is one run of agentcheck github.
type gate struct {
	inv       *Invocation
	env       *action.Env
	ev        *action.Event
	failOn    action.FailOn
	sarifFile string
	client    *github.Client
	notes     []string // operational remarks for the job summary
}

func (g *gate) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	g.notes = append(g.notes, msg)
	// The runner reads workflow commands on stderr as well as stdout: the
	// prefix keeps a line from ever starting with "::".
	fmt.Fprintf(g.inv.Stderr, "agentcheck: warning: %s\n", clean(msg))
}

// check verifies the event's range and returns the report.
func (g *gate) check(ctx context.Context, trust trustFlags) (*check.Report, error) {
	if g.ev.Deleted {
		t := &check.Trust{PolicySource: "none (nothing to check)"}
		return check.NewReport(g.ev.Ref+" deleted", plumbing.ZeroHash, t, nil), nil
	}
	var keys *action.GitHubKeys
	checked, err := checkRange(ctx, g.inv, []string{g.ev.Range()}, trust, rangeOptions{
		resolveHint: "fetch the base and head commits of " + g.ev.Describe() + " first: the agentcheck action does (fetch-history.sh)",
		trustHint:   "fix the policy on the base branch, or pass the action a policy file",
		checkTrustFiles: func(repo *gitrepo.Repo, files ...string) error {
			for _, f := range files {
				if err := outsideWorkTree(repo, f); err != nil {
					return err
				}
			}
			return nil
		},
		// Approvals come from the base's approvers file, never from keys
		// registered on GitHub; manifests may, when the policy says so.
		tune: func(t *check.Trust, v *check.Verifier) {
			if !t.Policy.Trust.GitHubSSHKeys {
				return
			}
			keys = &action.GitHubKeys{Client: g.client, Owner: g.env.Owner(), Repo: g.env.Repo()}
			if g.ev.PullRequest != nil {
				keys.PullRequest = g.ev.PullRequest.Number
			}
			v.ExtraKeys = keys.Trust(ctx)
		},
	})
	if err != nil {
		return nil, err
	}
	defer checked.repo.Close()
	if keys != nil {
		for _, e := range keys.Errors() {
			g.warnf("trust.github_ssh_keys: %s; manifests signed with keys registered on GitHub could not be trusted", e)
		}
	}
	return checked.report, nil
}

// outsideWorkTree refuses a trusted file inside the repository's work tree:
// in a pull_request workflow the work tree holds the pull request's own
// files, which must not choose the rules that judge them.
func outsideWorkTree(repo *gitrepo.Repo, file string) error {
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
// job summary and the step outputs, and returns the verdict's error.
func (g *gate) publish(ctx context.Context, report *check.Report) error {
	if err := g.writeSARIF(report); err != nil {
		return err
	}
	verdict := action.Decide(report, g.failOn)
	info := action.SummaryInfo{
		Event: g.ev, Verdict: verdict, FailOn: g.failOn, RepoURL: g.env.RepositoryURL(), RunURL: g.env.RunURL(),
	}
	var summary bytes.Buffer
	if err := action.WriteSummary(&summary, report, info); err != nil {
		return err
	}

	var opErr error
	fallback := false
	switch {
	case g.ev.Deleted:
	case g.env.Token == "":
		fallback = true
		g.warnf("no GitHub token: the %s check run was not created; the findings are reported as workflow annotations instead", action.CheckRunName)
	default:
		cr := &action.CheckRun{Client: g.client, Owner: g.env.Owner(), Repo: g.env.Repo(), HeadSHA: g.ev.Head, DetailsURL: g.env.RunURL()}
		_, err := cr.Publish(ctx, verdict, summary.String(), action.Annotations(report))
		switch {
		case err == nil:
		case action.NotPermitted(err):
			fallback = true
			g.warnf("the token may not create check runs (GitHub answered %s): the findings are reported as workflow annotations instead; "+
				"give the workflow permissions: checks: write, or run it on pull_request_target for pull requests from forks", action.APIError(err))
		default:
			fallback = true
			opErr = withHint(err, "re-run the job; the findings are in the job summary, the annotations and the SARIF file")
			g.warnf("%v; the findings are reported as workflow annotations instead", err)
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
		{"result", verdict.Conclusion},
	}
	if err := g.appendFile(g.env.Output, func(w *bytes.Buffer) error { return action.WriteOutputs(w, outputs) }); err != nil {
		return err
	}

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

func (g *gate) writeSARIF(report *check.Report) error {
	if g.sarifFile == "" {
		return nil
	}
	var buf bytes.Buffer
	opts := check.SARIFOptions{Version: buildVersion(), RepositoryURI: g.env.RepositoryURL(), RevisionID: g.ev.Head}
	if err := check.WriteSARIF(&buf, report, opts); err != nil {
		return err
	}
	if err := os.WriteFile(g.sarifFile, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing the SARIF file: %w", err)
	}
	return nil
}

// appendFile appends what fill writes to the file GitHub named (the job
// summary, the step outputs); "" means the runner gave none.
func (g *gate) appendFile(name string, fill func(*bytes.Buffer) error) error {
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

// reportError tells GitHub that the gate could not decide: a failing check
// run and a job summary with the error, so a required check shows why. It
// is best effort: the error itself is returned by the caller.
func (g *gate) reportError(ctx context.Context, cause error) {
	msg := cause.Error()
	var e *exitErr
	if errors.As(cause, &e) && e.hint != "" {
		msg += "\n\nHint: " + e.hint
	}
	summary := "## ❌ agentcheck: could not check\n\n" + action.MarkdownText(strings.ReplaceAll(msg, "\n", " ")) +
		"\n\nThe gate fails closed: what it cannot check, it does not pass.\n"
	_ = g.appendFile(g.env.StepSummary, func(w *bytes.Buffer) error { w.WriteString(summary); return nil })
	_ = g.appendFile(g.env.Output, func(w *bytes.Buffer) error {
		return action.WriteOutputs(w, [][2]string{{"sarif-file", ""}, {"findings", "0"}, {"result", "error"}})
	})
	if g.env.Token == "" || g.ev.Head == "" {
		return
	}
	cr := &action.CheckRun{Client: g.client, Owner: g.env.Owner(), Repo: g.env.Repo(), HeadSHA: g.ev.Head, DetailsURL: g.env.RunURL()}
	v := action.Verdict{Failed: true, Conclusion: "failure", Title: "Could not check"}
	if _, err := cr.Publish(ctx, v, summary, nil); err != nil {
		fmt.Fprintf(g.inv.Stderr, "agentcheck: warning: the %s check run was not created: %s\n", action.CheckRunName, clean(err.Error()))
	}
}

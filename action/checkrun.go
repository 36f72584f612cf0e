package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/scope"
)

// CheckRunName is the name of the check run the gate creates; make it a
// required status check.
const CheckRunName = "agentcheck"

// MaxAnnotationsPerRequest is the most annotations the Checks API takes in
// one create or update request; more go in further updates.
const MaxAnnotationsPerRequest = 50

// Limits of the Checks API on a check run's output.
const (
	maxSummary    = 65535
	maxTitle      = 255
	maxAnnotation = 64 << 10
)

// FailOn says which findings fail the gate: the action's fail-on input.
type FailOn string

// Values of FailOn.
const (
	FailOnError   FailOn = "error"   // error-level findings fail (the default)
	FailOnWarning FailOn = "warning" // errors and warnings fail
	FailOnNever   FailOn = "never"   // report only; the step never fails on findings
)

// ParseFailOn parses the fail-on input; "" is error.
func ParseFailOn(s string) (FailOn, error) {
	switch f := FailOn(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return FailOnError, nil
	case FailOnError, FailOnWarning, FailOnNever:
		return f, nil
	}
	return "", fmt.Errorf("fail-on %q: want error, warning or never", s)
}

// Verdict is the outcome of the gate for a report.
type Verdict struct {
	// Failed is whether the step fails (exit code 1).
	Failed bool
	// Conclusion is the check run's conclusion: "failure" when the gate
	// fails; "neutral" when error-level findings are reported but fail-on
	// is never; "success" otherwise.
	Conclusion string
	// Title is the check run's title, e.g. "2 errors, 1 warning in 3 commits".
	Title string
}

// Decide judges a report under failOn.
func Decide(r *check.Report, failOn FailOn) Verdict {
	s := r.Summary
	v := Verdict{Conclusion: "success"}
	switch failOn {
	case FailOnWarning:
		v.Failed = s.Errors+s.Warnings > 0
	case FailOnNever:
	default:
		v.Failed = s.Errors > 0
	}
	switch {
	case v.Failed:
		v.Conclusion = "failure"
	case s.Errors > 0:
		v.Conclusion = "neutral"
	}
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{s.Errors, "error"}, {s.Warnings, "warning"}, {s.Notes, "note"}} {
		if c.n > 0 {
			parts = append(parts, plural(c.n, c.word))
		}
	}
	if len(parts) == 0 {
		parts = []string{"No findings"}
	}
	v.Title = strings.Join(parts, ", ") + " in " + plural(s.Commits, "commit")
	return v
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Annotation is one check run annotation, made from one finding.
type Annotation struct {
	Path      string // repository-relative; the policy file for a finding about a whole commit
	StartLine int    // the finding's first changed line, or 1
	Level     string // annotation_level: failure, warning or notice
	Title     string // "AC004 protected-path (commit 1a2b3c4d5e6f)"
	Message   string // the finding's message and hint
	level     check.Level
}

// Annotations turns the findings of r, in report order, into annotations.
// A finding about a whole commit (no path) is placed at line 1 of the
// policy file, as in the SARIF output.
func Annotations(r *check.Report) []Annotation {
	var anns []Annotation
	for _, c := range r.Commits {
		for _, f := range c.Findings {
			commit := f.Commit
			if commit == "" {
				commit = c.Commit
			}
			a := Annotation{Path: f.Path, StartLine: max(f.Line, 1), level: f.Level}
			msg := f.Message
			if f.Path == "" {
				a.Path = scope.PolicyFile
				msg += fmt.Sprintf(" (This finding concerns commit %s as a whole; it is shown at the policy file.)", commit)
			}
			switch {
			case f.Approval != nil:
				msg += fmt.Sprintf("\n\nApproved by %s (was %s): %s", f.Approval.Approver, f.Approval.Level, f.Approval.Reason)
			case f.Hint != "":
				msg += "\n\nHint: " + f.Hint
			}
			if f.Session != "" {
				msg += "\n\nSession: " + f.Session
			}
			a.Message = truncateBytes(msg, maxAnnotation-64)
			a.Title = truncateBytes(fmt.Sprintf("%s %s (commit %s)", f.Rule, f.Name, short(commit)), maxTitle)
			switch f.Level {
			case check.LevelError:
				a.Level = "failure"
			case check.LevelWarning:
				a.Level = "warning"
			default:
				a.Level = "notice"
			}
			anns = append(anns, a)
		}
	}
	return anns
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// truncateBytes cuts s to at most n bytes on a rune boundary, marking the cut.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := n - len(mark)
	for cut > 0 && cut < len(s) && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + mark
}

// CheckRun publishes the gate's result as a check run through the Checks
// API.
type CheckRun struct {
	Client      *github.Client
	Owner, Repo string
	// HeadSHA is the commit the check run is attached to: the pull
	// request's head, the pushed commit or the merge group's head.
	HeadSHA string
	// DetailsURL links the check run to the workflow run ("" for none).
	DetailsURL string
	// Now returns the time for started_at and completed_at.
	Now func() time.Time
}

// Published says how far [CheckRun.Publish] got.
type Published struct {
	// ID is the check run's id; 0 when none was created.
	ID int64
	// Requests is the number of API calls made (retries not counted).
	Requests int
	// Annotated is the number of annotations GitHub took.
	Annotated int
	// Conclusion is the conclusion the check run was completed with: the
	// verdict's, or on a failure path the one [CheckRun.Publish] chose; ""
	// when no check run was created or it could not be completed.
	Conclusion string
}

// FinishTimeout bounds the request that completes a check run on a failure
// path. That request goes out even when the job is being cancelled (the
// runner sends SIGINT, then SIGTERM 7.5 s later, then kills the step 2.5 s
// after that) or the api-timeout has passed: a run left in progress keeps
// a required check pending until someone re-runs the job.
const FinishTimeout = 5 * time.Second

// Publish creates the check run with the verdict, the summary (Markdown,
// cut to the API's limit) and the annotations: at most
// MaxAnnotationsPerRequest per request, so the first batch goes with the
// create request and every further batch with an update; the last request
// sets the conclusion. With at most one batch, a single request creates the
// completed check run.
//
// Once the check run exists it is always completed: when an update fails
// (after the client's retries), when ctx is cancelled (the job was
// cancelled) or when Publish panics, a last request completes it with the
// findings not yet added listed in its text, conclusion cancelled for a
// cancelled job and otherwise failure for a failing verdict and neutral for
// the others (the decision stands; only the annotations are incomplete).
// The error then says what failed; Published.Conclusion says how the run
// ended.
//
// An error for which [NotPermitted] is true means the token may not create
// check runs (a pull request from a fork under the pull_request event, or a
// workflow without checks: write); no check run exists then.
func (p *CheckRun) Publish(ctx context.Context, v Verdict, summary string, anns []Annotation) (pub Published, err error) {
	batches := batch(anns, MaxAnnotationsPerRequest)
	var details *string
	if p.DetailsURL != "" {
		details = github.String(p.DetailsURL)
	}
	started := github.Timestamp{Time: p.now()}
	create := github.CreateCheckRunOptions{
		Name: CheckRunName, HeadSHA: p.HeadSHA, DetailsURL: details,
		StartedAt: &started, Output: output(v.Title, summary, batches, 0),
	}
	last := len(batches) <= 1
	if last {
		create.Status = github.String("completed")
		create.Conclusion = github.String(v.Conclusion)
		create.CompletedAt = &github.Timestamp{Time: p.now()}
	} else {
		create.Status = github.String("in_progress")
	}
	pub.Requests = 1
	run, _, err := p.Client.Checks.CreateCheckRun(ctx, p.Owner, p.Repo, create)
	if err != nil {
		return pub, fmt.Errorf("creating check run %s: %w", CheckRunName, err)
	}
	pub.ID = run.GetID()
	if len(batches) > 0 {
		pub.Annotated = len(batches[0])
	}
	if last {
		pub.Conclusion = v.Conclusion
		return pub, nil
	}

	// The run is in progress until the last batch completes it; on every
	// other way out of this function, finish does.
	defer func() {
		if pub.Conclusion != "" {
			return
		}
		cause := err
		r := recover()
		if r != nil {
			cause = fmt.Errorf("internal error: %v", r)
		}
		if ferr := p.finish(ctx, &pub, v, summary, anns[pub.Annotated:], cause); ferr != nil {
			err = fmt.Errorf("%w; %w", cause, ferr)
		}
		if r != nil {
			panic(r)
		}
	}()
	for i := 1; i < len(batches); i++ {
		update := github.UpdateCheckRunOptions{Name: CheckRunName, DetailsURL: details, Output: output(v.Title, summary, batches, i)}
		if i == len(batches)-1 {
			update.Status = github.String("completed")
			update.Conclusion = github.String(v.Conclusion)
			update.CompletedAt = &github.Timestamp{Time: p.now()}
		}
		pub.Requests++
		if _, _, err := p.Client.Checks.UpdateCheckRun(ctx, p.Owner, p.Repo, pub.ID, update); err != nil {
			return pub, fmt.Errorf("adding annotations %d to %d to check run %d: %w",
				pub.Annotated+1, pub.Annotated+len(batches[i]), pub.ID, err)
		}
		pub.Annotated += len(batches[i])
	}
	pub.Conclusion = v.Conclusion
	return pub, nil
}

// finish completes an in-progress check run after cause stopped Publish:
// the summary says what happened, the text lists the findings that are not
// annotations. It returns why the run could not be completed, if so.
func (p *CheckRun) finish(ctx context.Context, pub *Published, v Verdict, summary string, rest []Annotation, cause error) error {
	conclusion := incompleteConclusion(v)
	what := fmt.Sprintf("adding the annotations failed: %s", APIError(cause))
	if ctx.Err() == context.Canceled {
		conclusion = "cancelled"
		what = fmt.Sprintf("the job was cancelled (%s)", context.Cause(ctx))
	}
	note := fmt.Sprintf("> **Incomplete:** %s after %d of %d annotations. The verdict stands; the findings that are not annotations "+
		"are listed in the details below.\n\n", MarkdownText(what), pub.Annotated, pub.Annotated+len(rest))
	update := github.UpdateCheckRunOptions{
		Name:        CheckRunName,
		Status:      github.String("completed"),
		Conclusion:  github.String(conclusion),
		CompletedAt: &github.Timestamp{Time: p.now()},
		Output: &github.CheckRunOutput{
			Title:   github.String(truncateBytes(v.Title+" (annotations incomplete)", maxTitle)),
			Summary: github.String(truncateMarkdown(note+summary, maxSummary)),
			Text:    github.String(unsentText(rest)),
		},
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), FinishTimeout)
	defer cancel()
	pub.Requests++
	if _, _, err := withoutRateMemory(p.Client).Checks.UpdateCheckRun(fctx, p.Owner, p.Repo, pub.ID, update); err != nil {
		return fmt.Errorf("completing check run %d failed too, so it stays in progress: %w", pub.ID, err)
	}
	pub.Conclusion = conclusion
	return nil
}

// incompleteConclusion is the conclusion of a check run whose annotations
// could not all be added: a failing verdict still fails; a passing one is
// neutral, which a required check accepts but which shows that the report is
// incomplete.
func incompleteConclusion(v Verdict) string {
	if v.Failed {
		return "failure"
	}
	return "neutral"
}

// unsentText lists findings that are not annotations, as Markdown.
func unsentText(rest []Annotation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Findings not added as annotations (%d)\n\n", len(rest))
	for _, a := range rest {
		msg, _, _ := strings.Cut(a.Message, "\n")
		fmt.Fprintf(&b, "- %s **%s** `%s` line %d: %s\n", levelMark(a.level), MarkdownText(a.Title), codeSpanSafe(a.Path), a.StartLine, MarkdownText(msg))
	}
	return truncateMarkdown(b.String(), maxSummary)
}

// output is the check run output of request i: the title, the summary and
// batch i of the annotations.
func output(title, summary string, batches [][]Annotation, i int) *github.CheckRunOutput {
	o := &github.CheckRunOutput{
		Title:   github.String(truncateBytes(title, maxTitle)),
		Summary: github.String(truncateMarkdown(summary, maxSummary)),
	}
	if i < len(batches) {
		for _, a := range batches[i] {
			o.Annotations = append(o.Annotations, &github.CheckRunAnnotation{
				Path:            github.String(a.Path),
				StartLine:       github.Int(a.StartLine),
				EndLine:         github.Int(a.StartLine),
				AnnotationLevel: github.String(a.Level),
				Title:           github.String(a.Title),
				Message:         github.String(a.Message),
			})
		}
	}
	return o
}

func (p *CheckRun) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func batch[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > n {
		out = append(out, xs[:n])
		xs = xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}

// NotPermitted reports whether err is GitHub refusing the token the right to
// do what was asked: 403 or 404 ("Resource not accessible by integration"
// is what a GITHUB_TOKEN without checks: write gets). A rate limit is not a
// refusal, whatever its body says: a 429, or a 403 with retry-after or
// x-ratelimit-remaining 0 (the status and headers decide, not the body's
// documentation_url), or one whose message speaks of a rate limit.
func NotPermitted(err error) bool {
	var rl *github.RateLimitError
	var arl *github.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &arl) {
		return false
	}
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || rateLimited(er.Response) ||
		strings.Contains(strings.ToLower(er.Message), "rate limit") {
		return false
	}
	switch er.Response.StatusCode {
	case http.StatusForbidden, http.StatusNotFound:
		return true
	}
	return false
}

// APIError says what became of a request to GitHub, for people: "GitHub
// answered 403 Resource not accessible by integration" for an error
// response or a rate limit, "GitHub did not answer before the api-timeout"
// when the deadline passed, "GitHub could not be reached (…)" when no
// connection could be made.
func APIError(err error) string {
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var arl *github.AbuseRateLimitError
	var ue *url.Error
	switch {
	case errors.As(err, &er) && er.Response != nil:
		return fmt.Sprintf("GitHub answered %d %s", er.Response.StatusCode, er.Message)
	case errors.As(err, &rl) && rl.Response != nil:
		return fmt.Sprintf("GitHub answered %d %s (the rate limit resets at %s)", rl.Response.StatusCode, rl.Message, rl.Rate.Reset.UTC().Format(time.RFC3339))
	case errors.As(err, &arl) && arl.Response != nil:
		return fmt.Sprintf("GitHub answered %d %s", arl.Response.StatusCode, arl.Message)
	case errors.Is(err, context.DeadlineExceeded):
		return "GitHub did not answer before the deadline of the GitHub API requests (api-timeout)"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	case errors.As(err, &ue):
		return fmt.Sprintf("GitHub could not be reached (%v)", ue.Err)
	}
	return err.Error()
}

// truncateMarkdown cuts Markdown to at most n bytes at a line boundary and
// says so in a last line.
func truncateMarkdown(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const tail = "\n\n*The rest is cut to fit GitHub's limit: see the job summary and the SARIF file.*\n"
	cut := strings.LastIndexByte(s[:n-len(tail)], '\n')
	if cut < 0 {
		cut = 0
	}
	return s[:cut] + tail
}

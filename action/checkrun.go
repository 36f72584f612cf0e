package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

// Publish creates the check run with the verdict, the summary (Markdown,
// cut to the API's limit) and the annotations: at most
// MaxAnnotationsPerRequest per request, so the first batch goes with the
// create request and every further batch with an update; the last request
// sets the conclusion. With at most one batch, a single request creates the
// completed check run. It returns the number of requests made.
//
// An error for which [NotPermitted] is true means the token may not create
// check runs (a pull request from a fork under the pull_request event, or a
// workflow without checks: write).
func (p *CheckRun) Publish(ctx context.Context, v Verdict, summary string, anns []Annotation) (int, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	batches := batch(anns, MaxAnnotationsPerRequest)
	output := func(i int) *github.CheckRunOutput {
		o := &github.CheckRunOutput{
			Title:   github.String(truncateBytes(v.Title, maxTitle)),
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
	var details *string
	if p.DetailsURL != "" {
		details = github.String(p.DetailsURL)
	}
	started := github.Timestamp{Time: now()}
	create := github.CreateCheckRunOptions{
		Name: CheckRunName, HeadSHA: p.HeadSHA, DetailsURL: details,
		StartedAt: &started, Output: output(0),
	}
	last := len(batches) <= 1
	if last {
		create.Status = github.String("completed")
		create.Conclusion = github.String(v.Conclusion)
		create.CompletedAt = &github.Timestamp{Time: now()}
	} else {
		create.Status = github.String("in_progress")
	}
	run, _, err := p.Client.Checks.CreateCheckRun(ctx, p.Owner, p.Repo, create)
	if err != nil {
		return 1, fmt.Errorf("creating check run %s: %w", CheckRunName, err)
	}
	requests := 1
	for i := 1; i < len(batches); i++ {
		update := github.UpdateCheckRunOptions{Name: CheckRunName, DetailsURL: details, Output: output(i)}
		if i == len(batches)-1 {
			update.Status = github.String("completed")
			update.Conclusion = github.String(v.Conclusion)
			update.CompletedAt = &github.Timestamp{Time: now()}
		}
		requests++
		if _, _, err := p.Client.Checks.UpdateCheckRun(ctx, p.Owner, p.Repo, run.GetID(), update); err != nil {
			return requests, fmt.Errorf("adding annotations %d to %d to check run %d: %w",
				i*MaxAnnotationsPerRequest+1, i*MaxAnnotationsPerRequest+len(batches[i]), run.GetID(), err)
		}
	}
	return requests, nil
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
// do what was asked: 403 or 404 with "Resource not accessible by
// integration" (or any 403 or 404 that is not a rate limit), which is what a
// GITHUB_TOKEN without checks: write gets.
func NotPermitted(err error) bool {
	var rl *github.RateLimitError
	var arl *github.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &arl) {
		return false
	}
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return false
	}
	switch er.Response.StatusCode {
	case http.StatusForbidden, http.StatusNotFound:
		return true
	}
	return false
}

// APIError says what GitHub answered, for people: "403 Resource not
// accessible by integration" for an error response, else the error.
func APIError(err error) string {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return fmt.Sprintf("%d %s", er.Response.StatusCode, er.Message)
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

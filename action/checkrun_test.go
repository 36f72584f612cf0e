package action

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-github/v62/github"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/ghreplay"
)

// reportWith returns a report of one commit with n findings: errors when
// errors is true, warnings otherwise.
func reportWith(n int, errors bool) *check.Report {
	level := check.LevelWarning
	if errors {
		level = check.LevelError
	}
	c := check.CommitReport{Commit: headSHA, Subject: "Many files", Author: "alice@example.com", Agent: true,
		Sessions: []check.SessionSummary{}, Findings: []check.Finding{}}
	for i := range n {
		c.Findings = append(c.Findings, check.Finding{
			Rule: "AC004", Name: "protected-path", Level: level, Commit: headSHA,
			Path: fmt.Sprintf(".github/workflows/w%03d.yml", i), Line: 1, Message: "protected", Class: "ci",
		})
	}
	return check.NewReport(baseSHA+".."+headSHA, plumbing.NewHash(baseSHA), &check.Trust{PolicySource: "test"}, []check.CommitReport{c})
}

// startReplay starts a replay server that fails the test on any request or
// response GitHub's description does not allow.
func startReplay(t *testing.T, cfg ghreplay.Config) *ghreplay.Server {
	t.Helper()
	cfg.Dir = filepath.Join("..", "testdata", "github", "api")
	if cfg.Vars == nil {
		cfg.Vars = shaVars()
	}
	srv := ghreplay.Start(cfg)
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("not allowed by GitHub's description: %s", v)
		}
	})
	return srv
}

// faults parses ghreplay faults.
func faults(t *testing.T, specs ...string) []ghreplay.Fault {
	t.Helper()
	var fs []ghreplay.Fault
	for _, s := range specs {
		f, err := ghreplay.ParseFault(s)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// replay starts a replay server and a check run publisher that talks to it
// with a fake clock, which it returns too.
func replay(t *testing.T, cfg ghreplay.Config) (*ghreplay.Server, *CheckRun, *clock) {
	t.Helper()
	srv := startReplay(t, cfg)
	clk := newClock()
	client, err := NewClient(srv.URL+"/", "test-token", "agentcheck-test", clk.retry(t))
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	return srv, &CheckRun{Client: client, Owner: "octo-org", Repo: "octo-repo", HeadSHA: headSHA,
		DetailsURL: "https://github.com/octo-org/octo-repo/actions/runs/42", Now: func() time.Time { return fixed }}, clk
}

type checkRunBody struct {
	Name       string  `json:"name"`
	HeadSHA    string  `json:"head_sha"`
	Status     string  `json:"status"`
	Conclusion *string `json:"conclusion"`
	Output     struct {
		Title       string            `json:"title"`
		Summary     string            `json:"summary"`
		Annotations []json.RawMessage `json:"annotations"`
	} `json:"output"`
}

func decodeBody(t *testing.T, r ghreplay.Request) checkRunBody {
	t.Helper()
	var b checkRunBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	return b
}

// TestCheckRunBatches: the Checks API takes at most 50 annotations a
// request, so 120 findings take a create and two updates (50, 50, 20), and
// only the last request completes the run with its conclusion.
func TestCheckRunBatches(t *testing.T) {
	for _, tc := range []struct {
		findings   int
		errors     bool
		batches    []int
		conclusion string
	}{
		{0, false, []int{0}, "success"},
		{1, true, []int{1}, "failure"},
		{50, true, []int{50}, "failure"},
		{51, true, []int{50, 1}, "failure"},
		{120, true, []int{50, 50, 20}, "failure"},
		{120, false, []int{50, 50, 20}, "success"},
	} {
		t.Run(fmt.Sprintf("%d/%s", tc.findings, tc.conclusion), func(t *testing.T) {
			srv, cr, _ := replay(t, ghreplay.Config{})
			r := reportWith(tc.findings, tc.errors)
			v := Decide(r, FailOnError)
			if v.Conclusion != tc.conclusion {
				t.Fatalf("conclusion = %s, want %s", v.Conclusion, tc.conclusion)
			}
			pub, err := cr.Publish(context.Background(), v, "summary", Annotations(r))
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if pub.Requests != len(tc.batches) || len(reqs) != len(tc.batches) {
				t.Fatalf("%d requests reported, %d received, want %d:\n%s", pub.Requests, len(reqs), len(tc.batches), ghreplay.Describe(reqs))
			}
			if pub.Conclusion != tc.conclusion || pub.Annotated != tc.findings || pub.ID != 4 {
				t.Errorf("published %+v, want conclusion %s, %d annotations, id 4", pub, tc.conclusion, tc.findings)
			}
			for i, req := range reqs {
				wantMethod, wantPath := "PATCH", "/repos/octo-org/octo-repo/check-runs/4"
				if i == 0 {
					wantMethod, wantPath = "POST", "/repos/octo-org/octo-repo/check-runs"
				}
				if req.Method != wantMethod || req.Path != wantPath {
					t.Errorf("request %d is %s %s, want %s %s", i, req.Method, req.Path, wantMethod, wantPath)
				}
				b := decodeBody(t, req)
				if got := len(b.Output.Annotations); got != tc.batches[i] {
					t.Errorf("request %d has %d annotations, want %d", i, got, tc.batches[i])
				}
				if b.Name != CheckRunName || b.Output.Title == "" || b.Output.Summary != "summary" {
					t.Errorf("request %d: name %q, title %q, summary %q", i, b.Name, b.Output.Title, b.Output.Summary)
				}
				last := i == len(reqs)-1
				switch {
				case last && (b.Status != "completed" || b.Conclusion == nil || *b.Conclusion != tc.conclusion):
					t.Errorf("last request: status %q, conclusion %v; want completed, %s", b.Status, b.Conclusion, tc.conclusion)
				case !last && b.Conclusion != nil:
					t.Errorf("request %d: conclusion %v before the last batch", i, *b.Conclusion)
				case !last && i == 0 && b.Status != "in_progress":
					t.Errorf("create request: status %q, want in_progress while annotations follow", b.Status)
				}
			}
			if first := decodeBody(t, reqs[0]); first.HeadSHA != headSHA {
				t.Errorf("head_sha = %q, want the head %s", first.HeadSHA, headSHA)
			}
		})
	}
}

// TestCheckRunForbidden: a token without checks: write is refused with 403
// "Resource not accessible by integration"; that is a refusal (the gate
// falls back to workflow commands), and no retry can change it.
func TestCheckRunForbidden(t *testing.T) {
	srv, cr, clk := replay(t, ghreplay.Config{Faults: faults(t, "checks/create:403")})
	r := reportWith(3, true)
	pub, err := cr.Publish(context.Background(), Decide(r, FailOnError), "s", Annotations(r))
	if err == nil || !NotPermitted(err) {
		t.Fatalf("error = %v; want one NotPermitted accepts", err)
	}
	if !strings.Contains(err.Error(), "Resource not accessible by integration") || APIError(err) != "GitHub answered 403 Resource not accessible by integration" {
		t.Errorf("error %q does not quote GitHub's message", err)
	}
	if n := len(srv.Requests()); n != 1 || pub.ID != 0 || len(clk.waits) != 0 {
		t.Errorf("%d requests, %d waits, run %d after a refusal, want 1, 0, none", n, len(clk.waits), pub.ID)
	}
}

func TestDecide(t *testing.T) {
	errs, warns, clean := reportWith(2, true), reportWith(1, false), reportWith(0, false)
	for _, tc := range []struct {
		r          *check.Report
		failOn     FailOn
		failed     bool
		conclusion string
		title      string
	}{
		{errs, FailOnError, true, "failure", "2 errors in 1 commit"},
		{errs, FailOnNever, false, "neutral", "2 errors in 1 commit"},
		{warns, FailOnError, false, "success", "1 warning in 1 commit"},
		{warns, FailOnWarning, true, "failure", "1 warning in 1 commit"},
		{clean, FailOnWarning, false, "success", "No findings in 1 commit"},
	} {
		v := Decide(tc.r, tc.failOn)
		if v.Failed != tc.failed || v.Conclusion != tc.conclusion || v.Title != tc.title {
			t.Errorf("Decide(%s, fail-on %s) = %+v, want failed %v, %s, %q", tc.r.Range, tc.failOn, v, tc.failed, tc.conclusion, tc.title)
		}
	}
	if _, err := ParseFailOn("sometimes"); err == nil {
		t.Error("fail-on sometimes was accepted")
	}
}

func TestTruncate(t *testing.T) {
	s := strings.Repeat("é", 100) // 2 bytes each
	got := truncateBytes(s, 51)
	if len(got) > 51 || !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("truncateBytes = %q (%d bytes)", got, len(got))
	}
	md := strings.Repeat("line\n", 20000)
	if got := truncateMarkdown(md, maxSummary); len(got) > maxSummary || !strings.Contains(got, "cut to fit") {
		t.Errorf("truncateMarkdown: %d bytes", len(got))
	}
}

// lastRun decodes the last request, which must complete the check run.
func lastRun(t *testing.T, srv *ghreplay.Server) (checkRunBody, string) {
	t.Helper()
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != "PATCH" || last.Path != "/repos/octo-org/octo-repo/check-runs/4" {
		t.Fatalf("last request %s %s, want the update of check run 4:\n%s", last.Method, last.Path, ghreplay.Describe(reqs))
	}
	var text struct {
		Output struct {
			Text string `json:"text"`
		} `json:"output"`
	}
	json.Unmarshal(last.Body, &text)
	return decodeBody(t, last), text.Output.Text
}

// TestCheckRunFailedBatch: GitHub refuses a later batch of annotations (422,
// or 500 until the retries give up). The check run does not stay in
// progress: one more request completes it, failure for a failing verdict and
// neutral for a passing one, with the findings that are not annotations
// listed in its text.
func TestCheckRunFailedBatch(t *testing.T) {
	for _, tc := range []struct {
		name, fault string
		errors      bool
		conclusion  string
		updates     int // batch attempts before the completion
	}{
		{"422 failing verdict", "checks/update[1]:422", true, "failure", 1},
		{"422 passing verdict", "checks/update[1]:422", false, "neutral", 1},
		{"500 until the retries give up", "checks/update[1-5]:500", true, "failure", 5},
		{"422 on the last batch", "checks/update[2]:422", true, "failure", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cr, _ := replay(t, ghreplay.Config{Faults: faults(t, tc.fault)})
			r := reportWith(120, tc.errors)
			v := Decide(r, FailOnError)
			pub, err := cr.Publish(context.Background(), v, "the summary", Annotations(r))
			if err == nil {
				t.Fatal("no error for a refused batch")
			}
			sent := 50
			if tc.fault == "checks/update[2]:422" {
				sent = 100
			}
			if pub.Conclusion != tc.conclusion || pub.Annotated != sent || pub.ID != 4 {
				t.Errorf("published %+v; want conclusion %s after %d annotations", pub, tc.conclusion, sent)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("adding annotations %d to", sent+1)) {
				t.Errorf("error %q does not say which annotations failed", err)
			}
			if n := len(srv.Requests()); n != 1+tc.updates+1 {
				t.Errorf("%d requests, want create, %d updates and the completion", n, tc.updates)
			}
			b, text := lastRun(t, srv)
			if b.Status != "completed" || b.Conclusion == nil || *b.Conclusion != tc.conclusion || len(b.Output.Annotations) != 0 {
				t.Errorf("completion: status %s, conclusion %v, %d annotations", b.Status, b.Conclusion, len(b.Output.Annotations))
			}
			if !strings.Contains(b.Output.Summary, "Incomplete") || !strings.HasSuffix(b.Output.Summary, "the summary") {
				t.Errorf("summary %q does not say the run is incomplete before the report", b.Output.Summary)
			}
			if want := fmt.Sprintf("Findings not added as annotations (%d)", 120-sent); !strings.Contains(text, want) ||
				strings.Count(text, "\n- ") != 120-sent || !strings.Contains(text, fmt.Sprintf("w%03d", sent)) || strings.Contains(text, fmt.Sprintf("w%03d", sent-1)) {
				t.Errorf("text does not list exactly the findings %d to 120:\n%s", sent+1, text)
			}
		})
	}
}

// TestCheckRunCancelled: the job is cancelled (SIGINT/SIGTERM cancel the
// context) while a batch is in flight. The check run is completed as
// cancelled, by a request that does not depend on the cancelled context.
func TestCheckRunCancelled(t *testing.T) {
	srv, cr, _ := replay(t, ghreplay.Config{Faults: faults(t, "checks/update[1]:hang")})
	r := reportWith(120, true)
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		srv.Await(context.Background(), "checks/update", 1)
		cancel(errors.New("terminated signal received"))
	}()
	pub, err := cr.Publish(ctx, Decide(r, FailOnError), "summary", Annotations(r))
	if err == nil || pub.Conclusion != "cancelled" {
		t.Fatalf("Publish: %+v, %v; want an error and a cancelled run", pub, err)
	}
	b, text := lastRun(t, srv)
	if b.Status != "completed" || *b.Conclusion != "cancelled" || !strings.Contains(b.Output.Summary, "terminated signal received") ||
		!strings.Contains(text, "(70)") {
		t.Errorf("completion: %+v\n%s", b, text)
	}
}

// TestCheckRunCompletionFails: when the completion fails too, the error says
// that the run stays in progress.
func TestCheckRunCompletionFails(t *testing.T) {
	_, cr, _ := replay(t, ghreplay.Config{Faults: faults(t, "checks/update:422")})
	r := reportWith(60, true)
	pub, err := cr.Publish(context.Background(), Decide(r, FailOnError), "summary", Annotations(r))
	if err == nil || pub.Conclusion != "" || !strings.Contains(err.Error(), "stays in progress") {
		t.Errorf("Publish: %+v, %v", pub, err)
	}
}

// TestCheckRunRateLimitedBatch: the primary rate limit is spent while
// annotations are added and resets after the deadline. go-github then
// refuses further requests by itself; the completion is still tried, and
// here GitHub takes it.
func TestCheckRunRateLimitedBatch(t *testing.T) {
	srv, cr, clk := replay(t, ghreplay.Config{Faults: faults(t, "checks/update[1]:403:x-ratelimit-remaining=0:x-ratelimit-reset=+3600")})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r := reportWith(60, true)
	pub, err := cr.Publish(ctx, Decide(r, FailOnError), "summary", Annotations(r))
	if err == nil || pub.Conclusion != "failure" || len(clk.waits) != 0 {
		t.Fatalf("Publish: %+v, %v, waits %v", pub, err, clk.waits)
	}
	if !strings.Contains(APIError(err), "rate limit") {
		t.Errorf("APIError %q does not name the rate limit", APIError(err))
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want create, refused batch, completion", n)
	}
}

// panicTransport panics on the first request with method, as a bug in the
// gate would.
type panicTransport struct {
	next   http.RoundTripper
	method string
	done   bool
}

func (p *panicTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == p.method && !p.done {
		p.done = true
		panic("internal error for the test")
	}
	return p.next.RoundTrip(r)
}

// TestCheckRunPanic: a panic while annotations are added still completes the
// check run, then goes on.
func TestCheckRunPanic(t *testing.T) {
	srv, cr, _ := replay(t, ghreplay.Config{})
	hc := cr.Client.Client()
	hc.Transport = &panicTransport{next: hc.Transport, method: "PATCH"}
	c := github.NewClient(hc)
	c.BaseURL = cr.Client.BaseURL
	cr.Client = c
	r := reportWith(60, false)
	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Error("the panic was swallowed")
			}
		}()
		cr.Publish(context.Background(), Decide(r, FailOnError), "summary", Annotations(r))
	}()
	b, _ := lastRun(t, srv)
	if *b.Conclusion != "neutral" || !strings.Contains(b.Output.Summary, "internal error for the test") {
		t.Errorf("completion after a panic: %+v", b)
	}
}

// TestNewClientURLs: the forms GITHUB_API_URL takes, GitHub Enterprise
// Server's /api/v3 among them, reach the API; the requests are checked
// against the description under that prefix.
func TestNewClientURLs(t *testing.T) {
	for _, tc := range []struct{ prefix, suffix string }{
		{"", ""},
		{"", "/"},
		{"/api/v3", ""},
		{"/api/v3", "/"},
	} {
		srv := startReplay(t, ghreplay.Config{Prefix: tc.prefix})
		client, err := NewClient(srv.URL+tc.suffix, "test-token", "agentcheck-test", Retry{})
		if err != nil {
			t.Fatal(err)
		}
		cr := &CheckRun{Client: client, Owner: "octo-org", Repo: "octo-repo", HeadSHA: headSHA}
		r := reportWith(1, true)
		if _, err := cr.Publish(context.Background(), Decide(r, FailOnError), "s", Annotations(r)); err != nil {
			t.Errorf("GITHUB_API_URL %s%s: %v", srv.URL, tc.suffix, err)
		}
		if got := srv.Requests(); len(got) != 1 || got[0].Path != tc.prefix+"/repos/octo-org/octo-repo/check-runs" {
			t.Errorf("GITHUB_API_URL %s%s: requests %s", srv.URL, tc.suffix, ghreplay.Describe(got))
		}
	}
	for _, bad := range []string{"ftp://example.com", "https://", "https://ghe.example.com/api/v3?x=1", "https://u:p@ghe.example.com/api/v3"} {
		if _, err := NewClient(bad, "", "", Retry{}); err == nil {
			t.Errorf("NewClient(%q) accepted", bad)
		}
	}
}

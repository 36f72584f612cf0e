package action

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

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

func replay(t *testing.T, cfg ghreplay.Config) (*ghreplay.Server, *CheckRun) {
	t.Helper()
	cfg.Dir = filepath.Join("..", "testdata", "github", "api")
	if cfg.Vars == nil {
		cfg.Vars = shaVars()
	}
	srv := ghreplay.Start(cfg)
	t.Cleanup(srv.Close)
	client, err := NewClient(srv.URL+"/", "test-token", "agentcheck-test")
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	return srv, &CheckRun{Client: client, Owner: "octo-org", Repo: "octo-repo", HeadSHA: headSHA,
		DetailsURL: "https://github.com/octo-org/octo-repo/actions/runs/42", Now: func() time.Time { return fixed }}
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
			srv, cr := replay(t, ghreplay.Config{})
			r := reportWith(tc.findings, tc.errors)
			v := Decide(r, FailOnError)
			if v.Conclusion != tc.conclusion {
				t.Fatalf("conclusion = %s, want %s", v.Conclusion, tc.conclusion)
			}
			n, err := cr.Publish(context.Background(), v, "summary", Annotations(r))
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if n != len(tc.batches) || len(reqs) != len(tc.batches) {
				t.Fatalf("%d requests reported, %d received, want %d:\n%s", n, len(reqs), len(tc.batches), ghreplay.Describe(reqs))
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

func TestCheckRunForbidden(t *testing.T) {
	srv, cr := replay(t, ghreplay.Config{Checks: ghreplay.ChecksForbidden})
	r := reportWith(3, true)
	_, err := cr.Publish(context.Background(), Decide(r, FailOnError), "s", Annotations(r))
	if err == nil || !NotPermitted(err) {
		t.Fatalf("error = %v; want one NotPermitted accepts", err)
	}
	if !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("error %q does not quote GitHub's message", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests after a refusal, want 1", n)
	}

	srv, cr = replay(t, ghreplay.Config{Checks: ghreplay.ChecksError})
	_, err = cr.Publish(context.Background(), Decide(r, FailOnError), "s", Annotations(r))
	if err == nil || NotPermitted(err) {
		t.Fatalf("a server error: error = %v, NotPermitted = %v; want an error that is not a refusal", err, NotPermitted(err))
	}
	_ = srv
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

package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/agentcheck/agentcheck/internal/ghreplay"
)

// clock is a fake clock: sleeping advances it at once and records the wait.
// It starts at the real time, so that context deadlines and the replay
// server's x-ratelimit-reset compare with it as with the real one.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
	log   []string
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func (c *clock) retry(t *testing.T) Retry {
	return Retry{Now: c.now, Sleep: c.sleep, Logf: func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		t.Log(line)
		c.mu.Lock()
		c.log = append(c.log, line)
		c.mu.Unlock()
	}}
}

func (c *clock) logged() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.log, "\n")
}

// TestRetry: rate limits and server errors are retried after the wait GitHub
// asks for, or a growing one, and each wait is logged; the request is sent
// again unchanged.
func TestRetry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault string
		waits []time.Duration // nil: compared by within
		// within bounds the single wait when it depends on the time of
		// day (x-ratelimit-reset is whole seconds).
		within [2]time.Duration
		log    string
	}{
		{"429 retry-after", "checks/create[1]:429:retry-after=1", []time.Duration{time.Second}, [2]time.Duration{}, "429 Too Many Requests (secondary rate limit, retry-after 1s)"},
		// The body's documentation_url has no secondary-rate-limit anchor:
		// the status and retry-after decide.
		{"secondary 403 retry-after", "checks/create[1]:403:retry-after=1", []time.Duration{time.Second}, [2]time.Duration{}, "403 Forbidden (secondary rate limit, retry-after 1s)"},
		{"5xx twice", "checks/create[1-2]:502", []time.Duration{time.Second, 2 * time.Second}, [2]time.Duration{}, "502 Bad Gateway to POST /repos/octo-org/octo-repo/check-runs: retrying in 2s (attempt 3 of 5)"},
		{"503 retry-after", "checks/create[1]:503:retry-after=7", []time.Duration{7 * time.Second}, [2]time.Duration{}, "retrying in 7s"},
		{"429 without a time", "checks/create[1]:429", []time.Duration{time.Minute}, [2]time.Duration{}, "retrying in 1m0s"},
		{"primary limit resets soon", "checks/create[1]:403:x-ratelimit-remaining=0:x-ratelimit-reset=+5", nil, [2]time.Duration{3 * time.Second, 5 * time.Second}, "(rate limit used up until"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cr, clk := replay(t, ghreplay.Config{Faults: faults(t, tc.fault)})
			r := reportWith(1, true)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			pub, err := cr.Publish(ctx, Decide(r, FailOnError), "summary", Annotations(r))
			if err != nil || pub.Conclusion != "failure" {
				t.Fatalf("Publish: %+v, %v", pub, err)
			}
			switch {
			case tc.waits != nil && fmt.Sprint(clk.waits) != fmt.Sprint(tc.waits):
				t.Errorf("waits %v, want %v", clk.waits, tc.waits)
			case tc.waits == nil && (len(clk.waits) != 1 || clk.waits[0] < tc.within[0] || clk.waits[0] > tc.within[1]):
				t.Errorf("waits %v, want one within %v", clk.waits, tc.within)
			}
			if !strings.Contains(clk.logged(), tc.log) {
				t.Errorf("log %q does not say %q", clk.logged(), tc.log)
			}
			reqs := srv.Requests()
			if len(reqs) != len(clk.waits)+1 {
				t.Fatalf("%d requests for %d waits", len(reqs), len(clk.waits))
			}
			for _, r := range reqs[1:] {
				if string(r.Body) != string(reqs[0].Body) || r.Header.Get("Authorization") != "Bearer test-token" {
					t.Errorf("a retry sent another request:\n%s\n%s", r.Body, reqs[0].Body)
				}
			}
		})
	}
}

// TestRetryGivesUp: a wait that would pass the deadline is not started, the
// error says what GitHub answered, and a rate limit is never taken for a
// refusal (the gate would then report "may not create check runs").
func TestRetryGivesUp(t *testing.T) {
	for _, tc := range []struct {
		name, fault string
		waits       int
		log         string
	}{
		{"primary limit resets after the deadline", "checks/create:403:x-ratelimit-remaining=0:x-ratelimit-reset=+3600", 0, "would pass the deadline"},
		{"secondary limit after the deadline", "checks/create:403:retry-after=3600", 0, "would pass the deadline"},
		{"429 after the deadline", "checks/create:429:retry-after=600", 0, "would pass the deadline"},
		{"server errors", "checks/create:500", 4, "giving up after 5 attempts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cr, clk := replay(t, ghreplay.Config{Faults: faults(t, tc.fault)})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			r := reportWith(1, true)
			pub, err := cr.Publish(ctx, Decide(r, FailOnError), "summary", Annotations(r))
			if err == nil || pub.ID != 0 {
				t.Fatalf("Publish: %+v, %v; want an error and no check run", pub, err)
			}
			if NotPermitted(err) {
				t.Errorf("%v taken for a refusal", err)
			}
			if len(clk.waits) != tc.waits || len(srv.Requests()) != tc.waits+1 {
				t.Errorf("%d waits, %d requests; want %d, %d", len(clk.waits), len(srv.Requests()), tc.waits, tc.waits+1)
			}
			if !strings.Contains(clk.logged(), tc.log) {
				t.Errorf("log %q does not say %q", clk.logged(), tc.log)
			}
			t.Logf("APIError: %s", APIError(err))
		})
	}
}

// TestRetryRealClock is the one test that waits on the real clock: a second,
// as GitHub's retry-after asks.
func TestRetryRealClock(t *testing.T) {
	srv := startReplay(t, ghreplay.Config{Faults: faults(t, "repos/get-commit[1]:429:retry-after=1")})
	client, err := NewClient(srv.URL, "", "agentcheck-test", Retry{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, _, err := client.Repositories.GetCommit(context.Background(), "octo-org", "octo-repo", headSHA, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %s, before the second GitHub asked for", d)
	}
}

// TestRetryCancelled: a wait on the real clock ends when the job is
// cancelled.
func TestRetryCancelled(t *testing.T) {
	srv := startReplay(t, ghreplay.Config{Faults: faults(t, "repos/get-commit:503:retry-after=30")})
	client, err := NewClient(srv.URL, "", "agentcheck-test", Retry{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		srv.Await(ctx, "repos/get-commit", 1)
		cancel()
	}()
	start := time.Now()
	_, _, err = client.Repositories.GetCommit(ctx, "octo-org", "octo-repo", headSHA, nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Errorf("GetCommit: %v after %s; want the cancellation at once", err, time.Since(start))
	}
}

func TestRetryWait(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	resp := func(status int, h ...string) *http.Response {
		r := &http.Response{StatusCode: status, Header: http.Header{}}
		for i := 0; i < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return r
	}
	for _, tc := range []struct {
		resp    *http.Response
		attempt int
		wait    time.Duration
		retry   bool
	}{
		{resp(403), 1, 0, false},
		{resp(404), 1, 0, false},
		{resp(422), 1, 0, false},
		{resp(501), 1, 0, false},
		{resp(500), 3, 4 * time.Second, true},
		{resp(502), 10, maxBackoff, true},
		{resp(503, "Retry-After", "Thu, 26 Nov 2026 10:00:09 GMT"), 1, 9 * time.Second, true},
		{resp(429, "Retry-After", "0"), 1, 0, true},
		{resp(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", fmt.Sprint(now.Add(90*time.Second).Unix())), 1, 90 * time.Second, true},
		{resp(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", fmt.Sprint(now.Add(-time.Hour).Unix())), 1, time.Second, true},
		{resp(403, "X-RateLimit-Remaining", "1"), 1, 0, false},
	} {
		wait, why, retry := retryWait(tc.resp, tc.attempt, now)
		if wait != tc.wait || retry != tc.retry {
			t.Errorf("%d %v attempt %d: wait %s, retry %v (%s); want %s, %v", tc.resp.StatusCode, tc.resp.Header, tc.attempt, wait, retry, why, tc.wait, tc.retry)
		}
	}
}

// TestNotPermitted: a refusal is 403 or 404 without rate limit headers; a
// rate limit, whatever its documentation_url, is not one.
func TestNotPermitted(t *testing.T) {
	errResp := func(status int, msg string, h ...string) error {
		r := &http.Response{StatusCode: status, Header: http.Header{}}
		for i := 0; i < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return &github.ErrorResponse{Response: r, Message: msg}
	}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{errResp(403, "Resource not accessible by integration"), true},
		{errResp(404, "Not Found"), true},
		{errResp(403, "You have exceeded a secondary rate limit", "Retry-After", "60"), false},
		{errResp(403, "API rate limit exceeded", "X-RateLimit-Remaining", "0"), false},
		{errResp(403, "You have exceeded a secondary rate limit."), false},
		{errResp(429, "Too many requests"), false},
		{errResp(500, "Server Error"), false},
		{&github.RateLimitError{Response: &http.Response{StatusCode: 403}}, false},
		{&github.AbuseRateLimitError{Response: &http.Response{StatusCode: 403}}, false},
		{context.DeadlineExceeded, false},
	} {
		if got := NotPermitted(fmt.Errorf("creating check run: %w", tc.err)); got != tc.want {
			t.Errorf("NotPermitted(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// FuzzRetryWait: whatever headers come back, the wait is never negative, a
// refusal (a 403 without rate limit headers, any other 4xx) is never
// retried, and a retried 403 is one NotPermitted would not call a refusal.
func FuzzRetryWait(f *testing.F) {
	f.Add(429, "1", "", "")
	f.Add(403, "", "0", "1700000000")
	f.Add(503, "Thu, 26 Nov 2026 10:00:09 GMT", "", "")
	f.Add(403, "99999999999999999", "", "")
	f.Add(502, "", "", "")
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, retryAfter, remaining, reset string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		for name, v := range map[string]string{"Retry-After": retryAfter, "X-RateLimit-Remaining": remaining, "X-RateLimit-Reset": reset} {
			if v != "" {
				resp.Header.Set(name, v)
			}
		}
		for attempt := 1; attempt <= maxAttempts; attempt++ {
			wait, _, retry := retryWait(resp, attempt, now)
			if wait < 0 {
				t.Fatalf("%d %v: wait %s", status, resp.Header, wait)
			}
			if retry && status < 500 && status != http.StatusTooManyRequests && !(status == http.StatusForbidden && rateLimited(resp)) {
				t.Fatalf("%d %v: a refusal retried", status, resp.Header)
			}
		}
	})
}

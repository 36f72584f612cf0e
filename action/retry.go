package action

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry says how the client waits when GitHub asks it to, or fails for a
// moment. The zero value waits on the real clock and logs nothing.
type Retry struct {
	// Logf reports each wait and each time the client stops retrying, one
	// line each; nil for none.
	Logf func(format string, args ...any)
	// Now and Sleep are the clock; nil for the real one. Tests give fakes,
	// so that a wait of a second takes none.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Bounds of the retries. The deadline of the request's context (the gate's
// api-timeout) bounds them too: a wait that would end after it is not
// started.
const (
	maxAttempts  = 5
	firstBackoff = time.Second
	maxBackoff   = 30 * time.Second
	// secondaryWait is how long to wait on a secondary rate limit that
	// names no time: GitHub's documentation says at least a minute.
	secondaryWait = time.Minute
)

// mediaType is the media type GitHub's REST documentation asks every
// request to accept. go-github v62 still sends the retired
// application/vnd.github.antiope-preview+json to the Checks API and
// application/vnd.github.v3+json elsewhere.
const mediaType = "application/vnd.github+json"

// retryTransport sends each request with GitHub's current media type and
// retries it while GitHub answers with a rate limit or a server error.
// Whether an answer is a rate limit is decided from its status and headers
// (see retryWait), never from the body's documentation_url.
//
// A request whose body cannot be sent again (no GetBody) is not retried;
// go-github's requests always can be.
type retryTransport struct {
	next  http.RoundTripper
	retry Retry
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		r.Header.Set("Accept", mediaType)
		resp, err := t.next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		wait, why, retry := retryWait(resp, attempt, t.now())
		if !retry {
			return resp, nil
		}
		what := fmt.Sprintf("GitHub answered %s to %s %s", why, req.Method, req.URL.Path)
		switch {
		case attempt == maxAttempts:
			t.logf("%s: giving up after %d attempts", what, attempt)
			return resp, nil
		case req.Body != nil && req.GetBody == nil:
			return resp, nil
		}
		if deadline, ok := ctx.Deadline(); ok && t.now().Add(wait).After(deadline) {
			t.logf("%s: waiting %s would pass the deadline of the GitHub API requests (api-timeout): giving up", what, wait.Round(time.Second))
			return resp, nil
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		t.logf("%s: retrying in %s (attempt %d of %d)", what, wait.Round(time.Millisecond), attempt+1, maxAttempts)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryWait says whether resp, the answer to attempt, is worth another
// attempt, how long to wait first and why, for the log:
//
//   - 429, or 403 with retry-after: a secondary rate limit. Wait
//     retry-after, or until x-ratelimit-reset when x-ratelimit-remaining is
//     0, else at least a minute (GitHub's documented rules).
//   - 403 with x-ratelimit-remaining 0: the primary rate limit is spent.
//     Wait until x-ratelimit-reset.
//   - 500, 502, 503, 504: a server error. Wait retry-after if given, else
//     1 s, 2 s, 4 s… up to 30 s.
//
// Any other 403 is a refusal, not a limit: retrying cannot change it.
func retryWait(resp *http.Response, attempt int, now time.Time) (time.Duration, string, bool) {
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	retryAfter, hasRetryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), now)
	reset, spent := rateLimitReset(resp.Header, now)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusForbidden:
		switch {
		case hasRetryAfter:
			return retryAfter, fmt.Sprintf("%s (secondary rate limit, retry-after %s)", status, retryAfter), true
		case spent:
			return reset, fmt.Sprintf("%s (rate limit used up until %s)", status, now.Add(reset).UTC().Format("15:04:05 MST")), true
		case resp.StatusCode == http.StatusTooManyRequests:
			return max(secondaryWait, backoff(attempt)), status + " (secondary rate limit)", true
		}
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if hasRetryAfter {
			return retryAfter, fmt.Sprintf("%s (retry-after %s)", status, retryAfter), true
		}
		return backoff(attempt), status, true
	}
	return 0, "", false
}

// rateLimited reports whether resp is a rate limit, by its status and
// headers.
func rateLimited(resp *http.Response) bool {
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusForbidden:
		return resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Remaining") == "0"
	}
	return false
}

func backoff(attempt int) time.Duration {
	d := firstBackoff << (attempt - 1)
	if d <= 0 || d > maxBackoff {
		return maxBackoff
	}
	return d
}

// parseRetryAfter reads a retry-after header: seconds (what GitHub sends) or
// an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		// A day is as good as forever to a job, and keeps the product
		// from overflowing.
		return time.Duration(min(secs, 24*60*60)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// rateLimitReset says, for an answer with x-ratelimit-remaining 0, how long
// until x-ratelimit-reset (at least a second).
func rateLimitReset(h http.Header, now time.Time) (time.Duration, bool) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return 0, false
	}
	reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		return secondaryWait, true
	}
	return max(time.Unix(reset, 0).Sub(now), time.Second), true
}

func (t *retryTransport) now() time.Time {
	if t.retry.Now != nil {
		return t.retry.Now()
	}
	return time.Now()
}

func (t *retryTransport) sleep(ctx context.Context, d time.Duration) error {
	if t.retry.Sleep != nil {
		return t.retry.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *retryTransport) logf(format string, args ...any) {
	if t.retry.Logf != nil {
		t.retry.Logf(format, args...)
	}
}

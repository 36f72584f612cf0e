package action

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
)

// requestTimeout bounds the wait for GitHub's answer to one request. The
// requests of a run together are bounded by their context's deadline (the
// gate's api-timeout), which retries and their waits count against.
const requestTimeout = 30 * time.Second

// NewClient returns a go-github client for the REST API at apiURL,
// authenticated with token when it is not empty. apiURL is GITHUB_API_URL:
// https://api.github.com, https://api.SUBDOMAIN.ghe.com on GitHub Enterprise
// Cloud with data residency, or https://HOST/api/v3 on GitHub Enterprise
// Server. The client retries rate limits and server errors as retry says
// (see [Retry]). The gate uploads nothing, so no upload URL is needed.
func NewClient(apiURL, token, userAgent string, retry Retry) (*github.Client, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("GITHUB_API_URL %q: %w", apiURL, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not an http(s) URL", apiURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("GITHUB_API_URL %q has a query, a fragment or credentials", apiURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.ResponseHeaderTimeout = requestTimeout
	c := github.NewClient(&http.Client{Transport: &retryTransport{next: base, retry: retry}})
	if token != "" {
		c = c.WithAuthToken(token)
	}
	c.BaseURL = u
	if userAgent != "" {
		c.UserAgent = userAgent
	}
	return c, nil
}

// withoutRateMemory returns a client that sends its requests as c does but
// has not seen c's answers. go-github remembers a spent rate limit and
// answers further requests itself until the reset; the request that takes
// a check run out of in_progress must still be tried once.
func withoutRateMemory(c *github.Client) *github.Client {
	f := github.NewClient(c.Client())
	f.BaseURL, f.UploadURL, f.UserAgent = c.BaseURL, c.UploadURL, c.UserAgent
	return f
}

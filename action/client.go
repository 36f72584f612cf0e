package action

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
)

// requestTimeout bounds one GitHub API request.
const requestTimeout = 30 * time.Second

// NewClient returns a go-github client for the REST API at apiURL
// (GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GitHub
// Enterprise Server), authenticated with token when it is not empty.
func NewClient(apiURL, token, userAgent string) (*github.Client, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("GITHUB_API_URL %q: %w", apiURL, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not an http(s) URL", apiURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	c := github.NewClient(&http.Client{Timeout: requestTimeout})
	if token != "" {
		c = c.WithAuthToken(token)
	}
	c.BaseURL = u
	if userAgent != "" {
		c.UserAgent = userAgent
	}
	return c, nil
}

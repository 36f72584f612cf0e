package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/google/go-github/v62/github"
	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/check"
)

// GitHubKeys trusts, for a commit, the SSH signing keys that the commit's
// author has registered on GitHub (policy trust.github_ssh_keys: true).
//
// # Whose keys
//
// The author's GitHub account is the one GitHub itself links to the commit:
// the author.login of the commit in the pull request's commits API
// (GET /repos/{owner}/{repo}/pulls/{number}/commits, one request per 100
// commits) or, for a commit outside a pull request or beyond the 250 commits
// that endpoint lists, of GET /repos/{owner}/{repo}/commits/{sha}. GitHub
// makes that link from the commit's author email and the emails on the
// account, so the link says the account owns that email; a commit whose
// email no account claims has no login and none of its keys is trusted.
// The keys are those of GET /users/{login}/ssh_signing_keys
// (Users.ListSSHSigningKeys) — signing keys, not authentication keys. A key
// found there is trusted for one principal: the commit's author email (as
// a key in allowed_signers would be for "alice@example.com"), never for the
// committer.
//
// Lookups are cached per commit and per login and are safe for concurrent
// use. A failed lookup trusts nothing (the manifest is then reported as
// untrusted, AC002) and is remembered: [GitHubKeys.Errors] says what failed
// and what it cost, so the gate can tell a missing key from an unreachable
// API. A failure that was worked around (the pull request's listing failed,
// each commit was looked up on its own) costs nothing and is only a
// [GitHubKeys.Notes] entry.
type GitHubKeys struct {
	Client      *github.Client
	Owner, Repo string
	// PullRequest is the pull request number, 0 for none.
	PullRequest int

	mu       sync.Mutex
	prLoaded bool
	logins   map[string]string          // commit sha → login, "" for none
	keys     map[string][]ssh.PublicKey // login → signing keys
	errs     map[string]error           // what failed, by what was looked up
	order    []string                   // keys of errs, in the order they failed
	notes    []string                   // failures worked around
}

// Trust returns the function check.Trust.ExtraKeys wants: the principal
// (the commit's author email) if key is one of the author's GitHub signing
// keys. ctx bounds the API requests it makes.
func (g *GitHubKeys) Trust(ctx context.Context) func(c *check.Commit, key ssh.PublicKey) (string, bool) {
	return func(c *check.Commit, key ssh.PublicKey) (string, bool) {
		if c.Author.Email == "" {
			return "", false
		}
		login := g.login(ctx, c.Hash.String())
		if login == "" {
			return "", false
		}
		want := key.Marshal()
		for _, k := range g.signingKeys(ctx, login) {
			if bytes.Equal(k.Marshal(), want) {
				return c.Author.Email, true
			}
		}
		return "", false
	}
}

// Notes lists the failures that were worked around, one sentence each.
func (g *GitHubKeys) Notes() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.notes...)
}

// Errors lists the lookups that failed, one sentence each saying what it
// cost, in the order they failed.
func (g *GitHubKeys) Errors() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, k := range g.order {
		out = append(out, g.errs[k].Error())
	}
	return out
}

func (g *GitHubKeys) fail(what string, err error) {
	if g.errs == nil {
		g.errs = make(map[string]error)
	}
	if _, ok := g.errs[what]; !ok {
		g.errs[what] = err
		g.order = append(g.order, what)
	}
}

// login returns the GitHub login linked to commit sha, or "".
func (g *GitHubKeys) login(ctx context.Context, sha string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.logins == nil {
		g.logins = make(map[string]string)
	}
	if g.PullRequest > 0 && !g.prLoaded {
		g.prLoaded = true
		if err := g.loadPullRequest(ctx); err != nil {
			g.notes = append(g.notes, fmt.Sprintf("%v; each commit's account was looked up on its own instead", err))
		}
	}
	if login, ok := g.logins[sha]; ok {
		return login
	}
	rc, _, err := g.Client.Repositories.GetCommit(ctx, g.Owner, g.Repo, sha, nil)
	if err != nil {
		g.fail("commit "+sha, fmt.Errorf("finding the GitHub account of commit %s: %s; "+
			"its manifests signed with keys registered on GitHub are not trusted", short(sha), APIError(err)))
		return ""
	}
	g.logins[sha] = rc.GetAuthor().GetLogin()
	return g.logins[sha]
}

// maxPRCommitPages bounds the pull request commit listing: the endpoint
// lists at most 250 commits.
const maxPRCommitPages = 3

func (g *GitHubKeys) loadPullRequest(ctx context.Context) error {
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < maxPRCommitPages; page++ {
		commits, resp, err := g.Client.PullRequests.ListCommits(ctx, g.Owner, g.Repo, g.PullRequest, opts)
		if err != nil {
			return fmt.Errorf("listing the commits of pull request #%d failed: %s", g.PullRequest, APIError(err))
		}
		for _, c := range commits {
			if c.GetSHA() != "" {
				g.logins[c.GetSHA()] = c.GetAuthor().GetLogin()
			}
		}
		if resp == nil || resp.NextPage == 0 {
			return nil
		}
		opts.Page = resp.NextPage
	}
	return nil
}

// maxKeyPages bounds the signing key listing of one account.
const maxKeyPages = 5

// signingKeys returns login's SSH signing keys registered on GitHub.
func (g *GitHubKeys) signingKeys(ctx context.Context, login string) []ssh.PublicKey {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.keys == nil {
		g.keys = make(map[string][]ssh.PublicKey)
	}
	if ks, ok := g.keys[login]; ok {
		return ks
	}
	var keys []ssh.PublicKey
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < maxKeyPages; page++ {
		list, resp, err := g.Client.Users.ListSSHSigningKeys(ctx, login, opts)
		if err != nil {
			var er *github.ErrorResponse
			if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound {
				break // no such user: no keys
			}
			g.fail("keys "+login, fmt.Errorf("listing the SSH signing keys of GitHub user %s: %s; "+
				"manifests signed with %s's keys registered on GitHub are not trusted", login, APIError(err), login))
			g.keys[login] = nil
			return nil
		}
		for _, k := range list {
			pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(k.GetKey())))
			if err != nil {
				continue // a key type this verifier cannot use cannot have signed a manifest
			}
			keys = append(keys, pk)
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i].Marshal(), keys[j].Marshal()) < 0 })
	g.keys[login] = keys
	return keys
}

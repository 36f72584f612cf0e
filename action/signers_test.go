package action

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/ghreplay"
)

func testKey(t *testing.T, name string) ssh.PublicKey {
	t.Helper()
	seed := sha256.Sum256([]byte("agentcheck test key " + name))
	pub, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(seed[:]).Public())
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func keysClient(t *testing.T, vars map[string]string, keys map[string][]string) (*ghreplay.Server, *GitHubKeys) {
	t.Helper()
	return keysClientWith(t, ghreplay.Config{Vars: vars, Keys: keys})
}

func keysClientWith(t *testing.T, cfg ghreplay.Config) (*ghreplay.Server, *GitHubKeys) {
	t.Helper()
	srv := startReplay(t, cfg)
	client, err := NewClient(srv.URL, "", "agentcheck-test", newClock().retry(t))
	if err != nil {
		t.Fatal(err)
	}
	return srv, &GitHubKeys{Client: client, Owner: "octo-org", Repo: "octo-repo", PullRequest: 7}
}

func commitBy(sha, email string) *check.Commit {
	return &check.Commit{Hash: plumbing.NewHash(sha), Author: check.Person{Email: email}, Committer: check.Person{Email: "noreply@github.com"}}
}

// TestGitHubKeys: a key the commit author registered on GitHub as a
// signing key is trusted for the author's email; other keys are not, and
// the lookups are made once.
func TestGitHubKeys(t *testing.T) {
	bob, mallory := testKey(t, "bob"), testKey(t, "mallory")
	vars := shaVars()
	vars["LOGIN"], vars["EMAIL"] = "bob", "bob@example.com"
	srv, g := keysClient(t, vars, map[string][]string{"bob": {string(ssh.MarshalAuthorizedKey(bob))}})
	trust := g.Trust(context.Background())

	var wg sync.WaitGroup
	for range 4 { // concurrent use, as the verifier's workers do
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, ok := trust(commitBy(headSHA, "bob@example.com"), bob); !ok || p != "bob@example.com" {
				t.Errorf("bob's registered key: %q, %v; want bob@example.com, true", p, ok)
			}
		}()
	}
	wg.Wait()
	if p, ok := trust(commitBy(headSHA, "bob@example.com"), mallory); ok {
		t.Errorf("a key bob did not register is trusted for %q", p)
	}
	// A commit outside the pull request's list is looked up by id.
	if _, ok := trust(commitBy(baseSHA, "bob@example.com"), bob); !ok {
		t.Error("a commit looked up by id: bob's key is not trusted")
	}
	if errs := g.Errors(); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
	got := ghreplay.Describe(srv.Requests())
	want := "GET /repos/octo-org/octo-repo/pulls/7/commits?per_page=100\n" +
		"GET /users/bob/ssh_signing_keys?per_page=100\n" +
		"GET /repos/octo-org/octo-repo/commits/" + baseSHA + "\n"
	if got != want {
		t.Errorf("requests:\n%s\nwant:\n%s", got, want)
	}
}

// TestGitHubKeysNoAccount: a commit GitHub links to no account, and an
// account with no signing keys, trust nothing and are not errors.
func TestGitHubKeysNoAccount(t *testing.T) {
	bob := testKey(t, "bob")
	vars := shaVars()
	vars["LOGIN"], vars["EMAIL"] = "", "bob@example.com"
	_, g := keysClient(t, vars, nil)
	if _, ok := g.Trust(context.Background())(commitBy(headSHA, "bob@example.com"), bob); ok {
		t.Error("a commit with no GitHub account: key trusted")
	}
	vars["LOGIN"] = "ghost"
	_, g = keysClient(t, vars, nil)
	if _, ok := g.Trust(context.Background())(commitBy(headSHA, "bob@example.com"), bob); ok {
		t.Error("an account that does not exist: key trusted")
	}
	if errs := g.Errors(); len(errs) > 0 {
		t.Errorf("errors: %v", errs)
	}
}

// TestGitHubKeysAPIDown: when the API cannot be reached nothing is trusted
// and the failure is reported with what it cost.
func TestGitHubKeysAPIDown(t *testing.T) {
	srv, g := keysClient(t, shaVars(), nil)
	srv.Close()
	if _, ok := g.Trust(context.Background())(commitBy(headSHA, "bob@example.com"), testKey(t, "bob")); ok {
		t.Error("key trusted while the API is down")
	}
	if notes := strings.Join(g.Notes(), "\n"); !strings.Contains(notes, "listing the commits of pull request #7 failed") {
		t.Errorf("notes = %q, want the failed pull request listing", notes)
	}
	errs := strings.Join(g.Errors(), "\n")
	if !strings.Contains(errs, "finding the GitHub account of commit "+headSHA[:12]) || !strings.Contains(errs, "are not trusted") {
		t.Errorf("errors = %q, want the failed commit lookup and what it cost", errs)
	}
}

// TestGitHubKeysListingRefused: the pull request's commits cannot be listed
// (a token without pull-requests: read gets 403), but each commit can be
// looked up: the key is trusted, nothing failed, and the note says what
// happened instead of claiming that manifests could not be trusted.
func TestGitHubKeysListingRefused(t *testing.T) {
	bob := testKey(t, "bob")
	vars := shaVars()
	vars["LOGIN"], vars["EMAIL"] = "bob", "bob@example.com"
	srv, g := keysClientWith(t, ghreplay.Config{Vars: vars, Keys: map[string][]string{"bob": {string(ssh.MarshalAuthorizedKey(bob))}},
		Faults: faults(t, "pulls/list-commits:403")})
	if _, ok := g.Trust(context.Background())(commitBy(headSHA, "bob@example.com"), bob); !ok {
		t.Error("bob's registered key is not trusted after the per-commit lookup")
	}
	if errs := g.Errors(); len(errs) > 0 {
		t.Errorf("errors %q, want none: the lookup succeeded", errs)
	}
	want := "listing the commits of pull request #7 failed: GitHub answered 403 Resource not accessible by integration; each commit's account was looked up on its own instead"
	if notes := g.Notes(); len(notes) != 1 || notes[0] != want {
		t.Errorf("notes %q, want %q", notes, want)
	}
	got := ghreplay.Describe(srv.Requests())
	if !strings.Contains(got, "GET /repos/octo-org/octo-repo/commits/"+headSHA) {
		t.Errorf("requests:\n%s", got)
	}
}

// TestGitHubKeysServerErrors: a key listing that fails for a moment is
// retried; one that keeps failing trusts nothing and says what it cost.
func TestGitHubKeysServerErrors(t *testing.T) {
	bob := testKey(t, "bob")
	vars := shaVars()
	vars["LOGIN"], vars["EMAIL"] = "bob", "bob@example.com"
	keys := map[string][]string{"bob": {string(ssh.MarshalAuthorizedKey(bob))}}

	_, g := keysClientWith(t, ghreplay.Config{Vars: vars, Keys: keys, Faults: faults(t, "users/list-ssh-signing-keys-for-user[1-2]:502")})
	if _, ok := g.Trust(context.Background())(commitBy(headSHA, "bob@example.com"), bob); !ok || len(g.Errors()) > 0 {
		t.Errorf("two 502s then 200: trusted %v, errors %q", ok, g.Errors())
	}

	_, g = keysClientWith(t, ghreplay.Config{Vars: vars, Keys: keys, Faults: faults(t, "users/list-ssh-signing-keys-for-user:500")})
	if _, ok := g.Trust(context.Background())(commitBy(headSHA, "bob@example.com"), bob); ok {
		t.Error("trusted while the key listing fails")
	}
	want := "listing the SSH signing keys of GitHub user bob: GitHub answered 500 Server Error; manifests signed with bob's keys registered on GitHub are not trusted"
	if errs := g.Errors(); len(errs) != 1 || errs[0] != want {
		t.Errorf("errors %q, want %q", errs, want)
	}
}

package gitcli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/internal/hint"
)

// newRepo makes a repository in a temporary directory with git's
// configuration limited to it and to the environment the test sets.
func newRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE", "EMAIL"} {
		t.Setenv(k, "") // restored at the end of the test
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	if _, err := Output(context.Background(), dir, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOutput(t *testing.T) {
	dir := newRepo(t)
	ctx := context.Background()
	out, err := Output(ctx, dir, "rev-parse", "--git-dir")
	if err != nil || out != ".git" {
		t.Errorf("rev-parse --git-dir = %q, %v; want .git without the newline", out, err)
	}
	_, err = Output(ctx, dir, "rev-parse", "--verify", "no-such-ref")
	if err == nil || !strings.HasPrefix(err.Error(), "git rev-parse --verify no-such-ref: fatal: ") {
		t.Errorf("error %v: want the command and git's message", err)
	}
}

func TestConfig(t *testing.T) {
	dir := newRepo(t)
	ctx := context.Background()
	if got := Config(ctx, dir, "user.signingkey"); got != "" {
		t.Errorf("unset key = %q", got)
	}
	if _, err := Output(ctx, dir, "config", "user.signingKey", "~/.ssh/id"); err != nil {
		t.Fatal(err)
	}
	if got := Config(ctx, dir, "user.signingkey"); got != "~/.ssh/id" {
		t.Errorf("user.signingkey = %q (keys are case-insensitive, as git reads them)", got)
	}
}

func TestIdentity(t *testing.T) {
	dir := newRepo(t)
	ctx := context.Background()
	t.Setenv("GIT_COMMITTER_NAME", "Alice Dev")
	t.Setenv("GIT_COMMITTER_EMAIL", "alice@example.com")
	t.Setenv("GIT_COMMITTER_DATE", "2026-11-26T10:00:00Z")
	sig, err := Identity(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if sig.Name != "Alice Dev" || sig.Email != "alice@example.com" || !sig.When.Equal(want) {
		t.Errorf("Identity = %+v", sig)
	}
}

func TestIdentityUnset(t *testing.T) {
	dir := newRepo(t)
	_, err := Identity(context.Background(), dir)
	if err == nil {
		t.Skip("git found an identity on this machine without user.email (hostname)")
	}
	if h := hint.Of(err); h != "set git config user.name and user.email" {
		t.Errorf("hint %q", h)
	}
}

func TestParseIdent(t *testing.T) {
	for _, s := range []string{"", "Alice", "Alice <a@example.com>", "Alice <> 1 +0000", "Alice <a@example.com> x +0000"} {
		if _, err := parseIdent(s); err == nil {
			t.Errorf("parseIdent(%q) succeeded", s)
		}
	}
	sig, err := parseIdent("Alice Dev <alice@example.com> 1700000000 +0200")
	if err != nil || sig.Name != "Alice Dev" || sig.Email != "alice@example.com" || sig.When.Unix() != 1700000000 || sig.When.Location() != time.UTC {
		t.Errorf("parseIdent = %+v, %v", sig, err)
	}
}

func TestRemotes(t *testing.T) {
	dir := newRepo(t)
	ctx := context.Background()
	got, err := Remotes(ctx, dir)
	if err != nil || len(got) != 0 {
		t.Fatalf("no remotes: %v, %v", got, err)
	}
	for _, args := range [][]string{
		{"remote", "add", "origin", "https://example.com/a.git"},
		{"config", "remote.origin.pushurl", "ssh://git@example.com/a.git"},
		{"remote", "add", "fork", "../fork"},
	} {
		if _, err := Output(ctx, dir, args...); err != nil {
			t.Fatal(err)
		}
	}
	got, err = Remotes(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"origin": {"https://example.com/a.git", "ssh://git@example.com/a.git"},
		"fork":   {"../fork"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Remotes (-want +got):\n%s", diff)
	}
}

func TestRemotesBrokenConfig(t *testing.T) {
	dir := newRepo(t)
	if err := appendFile(filepath.Join(dir, ".git", "config"), "[remote \"origin\"\n"); err != nil {
		t.Fatal(err)
	}
	_, err := Remotes(context.Background(), dir)
	if err == nil || hint.Of(err) == "" {
		t.Errorf("a config git cannot read: %v (want an error with a hint)", err)
	}
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

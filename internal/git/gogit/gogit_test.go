package gogit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	gitrepo "github.com/agentcheck/agentcheck/internal/git"
)

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir(),
		"GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestOpen(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "repo")
	runGit(t, root, "init", "-q", "-b", "main", dir)
	var commits []string
	for i := range 6 {
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte{byte('a' + i)}, 0o644); err != nil {
			t.Fatal(err)
		}
		runGit(t, dir, "add", "f.txt")
		runGit(t, dir, "commit", "-q", "-m", "c")
		commits = append(commits, runGit(t, dir, "rev-parse", "HEAD"))
	}
	runGit(t, dir, "gc", "-q")
	runGit(t, dir, "config", "remote.origin.url", "https://example.com/repo.git")
	wt := filepath.Join(root, "linked")
	runGit(t, dir, "worktree", "add", "-q", "-b", "side", wt, commits[4])

	for _, tc := range []struct{ dir, head string }{{dir, commits[5]}, {wt, commits[4]}} {
		r, err := gitrepo.Open(tc.dir, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		repo, err := Open(r)
		if err != nil {
			t.Fatal(err)
		}
		h, err := repo.ResolveRevision("HEAD~3")
		if want := runGit(t, tc.dir, "rev-parse", "HEAD~3"); err != nil || h.String() != want {
			t.Fatalf("%s: ResolveRevision(HEAD~3) = %v, %v; want %s", tc.dir, h, err, want)
		}
		if h, err := repo.ResolveRevision(plumbing.Revision(tc.head[:9])); err != nil || h.String() != tc.head {
			t.Fatalf("ResolveRevision(%s) = %v, %v", tc.head[:9], h, err)
		}
		cfg, err := repo.Config()
		if err != nil || cfg.Remotes["origin"] == nil || cfg.Remotes["origin"].URLs[0] != "https://example.com/repo.git" {
			t.Fatalf("Config() = %+v, %v", cfg, err)
		}
		c, err := repo.CommitObject(plumbing.NewHash(tc.head))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Tree(); err != nil {
			t.Fatal(err)
		}
		// go-git reads objects through the Store, not its own storage.
		if _, ok := repo.Storer.(*composite); !ok {
			t.Fatalf("storer is %T", repo.Storer)
		}
		r.Close()
	}
}

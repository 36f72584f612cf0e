package trusted

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/git"
)

// commitFiles makes a repository whose one commit holds files, and returns
// it open with the commit.
func commitFiles(t *testing.T, files map[string]string) (*git.Repo, git.Hash) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", ".")
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("add", "-A")
	run("commit", "-q", "--allow-empty", "-m", "files")
	repo, err := git.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	h, _ := git.ParseHash(run("rev-parse", "HEAD"))
	return repo, h
}

func TestPolicy(t *testing.T) {
	repo, c := commitFiles(t, map[string]string{".agentcheck.yml": "version: 1\nruntime: warn\n"})
	p, found, err := Policy(repo.Objects, c, "main")
	if err != nil || !found || p.Runtime != "warn" {
		t.Fatalf("Policy = %+v, %v, %v; want the commit's (runtime: warn)", p, found, err)
	}

	repo, c = commitFiles(t, nil)
	p, found, err = Policy(repo.Objects, c, "main")
	if err != nil || found || p.Runtime != "deny" {
		t.Fatalf("no policy file: %+v, %v, %v; want the defaults", p, found, err)
	}

	repo, c = commitFiles(t, map[string]string{".agentcheck.yml": "version: 1\nruntim: warn\n"})
	if _, _, err := Policy(repo.Objects, c, "main"); err == nil || !strings.Contains(err.Error(), ".agentcheck.yml@main") {
		t.Fatalf("a policy that does not parse: %v, want an error naming .agentcheck.yml@main", err)
	}
}

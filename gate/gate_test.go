package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/scope"
)

func TestFirstChangedLine(t *testing.T) {
	for _, tt := range []struct {
		name, old, new string
		want           int
	}{
		{"added file", "", "a\nb\n", 1},
		{"line added in the middle", "a\nb\nc\n", "a\nb\nx\nc\n", 3},
		{"line changed", "a\nb\nc\n", "a\nB\nc\n", 2},
		{"removed, then added further down", "a\nb\nc\nd\ne\n", "a\nc\nd\ne\nf\n", 5},
		{"lines removed only", "a\nb\nc\nd\n", "a\nd\n", 2},
		{"last lines removed", "a\nb\nc\n", "a\n", 1},
		{"everything removed", "a\nb\n", "", 1},
		{"no newline at the end", "a\nb", "a\nb\nc", 2},
		{"unchanged (a mode change)", "a\n", "a\n", 1},
	} {
		if got := firstChangedLine(tt.old, tt.new); got != tt.want {
			t.Errorf("%s: firstChangedLine = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// gitRun runs git in dir with fixed identities and no user configuration.
func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckRange checks an agent commit without a manifest that changes a
// workflow on top of a human base commit, in a real repository.
func TestCheckRange(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q", "-b", "main", ".")
	ci := filepath.Join(dir, ".github", "workflows", "ci.yml")
	writeFile(t, ci, "on: push\njobs:\n  test:\n")
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "commit", "-q", "-m", "base")
	writeFile(t, ci, "on: push\njobs:\n  test:\n    runs-on: evil\n")
	gitRun(t, dir, "commit", "-q", "-a", "-m", "agent change\n\nAgent-Session: claude-code/s1")

	repo, err := git.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	rng, err := git.ResolveRange(repo, []string{"main~1..main"})
	if err != nil {
		t.Fatal(err)
	}
	var total, checked int
	res, err := CheckRange(context.Background(), repo, rng, Options{Progress: func(n int) func(int) {
		total = n
		return func(k int) { checked += k }
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Commits) != 1 || res.Commits[0].Hash.String() != gitRun(t, dir, "rev-parse", "main") || total != 1 || checked != 1 {
		t.Fatalf("commits %v, progress %d/%d", res.Commits, checked, total)
	}
	if want := "built-in defaults (no .agentcheck.yml at base " + gitRun(t, dir, "rev-parse", "--short=12", "main~1") + ")"; res.Report.PolicySource != want {
		t.Errorf("policy source %q, want %q", res.Report.PolicySource, want)
	}
	var got []string
	for _, f := range res.Report.Findings() {
		got = append(got, f.Rule+" "+f.Path+":"+strconv.Itoa(f.Line))
	}
	if strings.Join(got, ", ") != "AC001 :0, AC004 .github/workflows/ci.yml:4" {
		t.Errorf("findings %v, want AC001 and AC004 at the changed line 4", got)
	}
	if !res.Report.Failed() {
		t.Error("the report does not fail")
	}

	// A policy at the base that does not parse is a TrustError.
	bad := filepath.Join(t.TempDir(), "policy.yml")
	writeFile(t, bad, "version: 1\nunknown_key: true\n")
	_, err = CheckRange(context.Background(), repo, rng, Options{Trust: TrustSource{PolicyFile: bad}})
	var te *TrustError
	if !errors.As(err, &te) {
		t.Errorf("a broken policy: %v, want a TrustError", err)
	}
}

// TestCheckNoNotes: without notes, commits are judged on their metadata.
func TestCheckNoNotes(t *testing.T) {
	raw := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbca4904\n" +
		"author Dev <dev@example.com> 1700000000 +0000\ncommitter Dev <dev@example.com> 1700000000 +0000\n\nhuman change\n")
	h := git.Hash{1} // any id: the reader serves what it holds
	objects := mapReader{h: {git.CommitObject, raw}}
	reps, err := Check(context.Background(), objects, &check.Trust{Policy: scope.Default()}, nil, []git.CommitNode{{Hash: h}}, Options{})
	if err != nil || len(reps) != 1 || len(reps[0].Findings) != 0 || reps[0].Agent || reps[0].Subject != "human change" {
		t.Fatalf("Check = %+v, %v", reps, err)
	}
}

// mapReader is an object store in memory.
type mapReader map[git.Hash]struct {
	typ  git.ObjectType
	data []byte
}

func (m mapReader) Read(h git.Hash) (git.ObjectType, []byte, error) {
	o, ok := m[h]
	if !ok {
		return 0, nil, fmt.Errorf("object %s: %w", h, git.ErrObjectNotFound)
	}
	return o.typ, o.data, nil
}

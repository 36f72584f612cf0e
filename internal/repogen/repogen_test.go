package repogen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	p := Params{Files: 300, FanOut: 4, Commits: 20, ChangesPerCommit: 3, Seed: 9}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if err := Generate(ctx, dir, p); err != nil {
			t.Fatal(err)
		}
	}
	if ha, hb := git(t, a, "rev-parse", "main"), git(t, b, "rev-parse", "main"); ha != hb {
		t.Errorf("same parameters, different histories: %s and %s", ha, hb)
	}
	if n := git(t, a, "rev-list", "--count", "main"); n != "21" {
		t.Errorf("%s commits, want 21", n)
	}
	files := strings.Split(git(t, a, "ls-tree", "-r", "--name-only", "main"), "\n")
	if len(files) != 300 {
		t.Errorf("%d files, want 300", len(files))
	}
	if files[0] != p.Path(0) || strings.Count(files[0], "/") != 4 {
		t.Errorf("first file %q, Path(0) %q: want 4 directory levels for 75 leaves of fan-out 4", files[0], p.Path(0))
	}
	for _, c := range strings.Split(git(t, a, "rev-list", "main~20..main"), "\n") {
		if n := len(strings.Split(git(t, a, "diff-tree", "-r", "--name-only", "--no-commit-id", c), "\n")); n != 3 {
			t.Errorf("commit %s changes %d files, want 3", c, n)
		}
	}

	if err := Explode(ctx, a); err != nil {
		t.Fatal(err)
	}
	if packs, _ := filepath.Glob(filepath.Join(a, ".git/objects/pack/*.pack")); len(packs) != 0 {
		t.Errorf("packs left after Explode: %v", packs)
	}
	git(t, a, "fsck", "--no-progress")
	if err := Repack(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(b, ".git/objects/pack")); err != nil {
		t.Error(err)
	}
	git(t, b, "fsck", "--no-progress")
}

func TestParamsValidate(t *testing.T) {
	for _, p := range []Params{{Files: 0, FanOut: 2}, {Files: 1, FanOut: 1}, {Files: 1, FanOut: 2, Commits: -1}, {Files: 1, FanOut: 2, ChangesPerCommit: 2}} {
		if err := Generate(context.Background(), filepath.Join(t.TempDir(), "r"), p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

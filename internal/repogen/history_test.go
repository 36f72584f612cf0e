package repogen

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateHistory(t *testing.T) {
	ctx := context.Background()
	p := PrometheusShape
	p.Files, p.Dirs, p.Steps, p.OctopusShare, p.RenameShare = 200, 40, 150, 0.2, 0.1
	p.LargeMin, p.LargeMax = 20<<10, 40<<10
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if err := GenerateHistory(ctx, dir, p); err != nil {
			t.Fatal(err)
		}
	}
	if ha, hb := git(t, a, "rev-parse", "main"), git(t, b, "rev-parse", "main"); ha != hb {
		t.Errorf("same parameters, different histories: %s and %s", ha, hb)
	}
	if refs := git(t, a, "for-each-ref", "--format=%(refname)"); refs != "refs/heads/main" {
		t.Errorf("refs %q, want only refs/heads/main", refs)
	}
	git(t, a, "fsck", "--no-progress")
	if n := git(t, a, "rev-list", "--count", "--first-parent", "main"); n != "151" {
		t.Errorf("%s first-parent commits, want 151", n)
	}
	merges := git(t, a, "rev-list", "--count", "--merges", "main")
	octopus := git(t, a, "rev-list", "--count", "--min-parents=3", "main")
	if merges == "0" || octopus == "0" {
		t.Errorf("%s merges, %s octopus merges: want some of each", merges, octopus)
	}
	raw := git(t, a, "log", "-M", "--raw", "--format=", "--diff-merges=first-parent", "main")
	for _, kind := range []string{" A\t", " D\t", " M\t", " R100\t"} {
		if !strings.Contains(raw, kind) {
			t.Errorf("no change of kind %q in the history", strings.TrimSpace(kind))
		}
	}
	if !strings.Contains(git(t, a, "ls-tree", "-r", "--name-only", "main"), "generated") {
		t.Error("no large generated file")
	}
}

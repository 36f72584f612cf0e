package git

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestSymlinks(t *testing.T) {
	g := newGit(t)
	dir := g.initRepo(filepath.Join(t.TempDir(), "r"))
	// A target no file system takes is written straight into the index.
	long := strings.Repeat("x/", maxLinkTarget/2+1)
	if _, err := g.shell(dir, nil, `mkdir -p docs deep/er && echo a > docs/agent.md &&
		ln -s docs/agent.md CLAUDE.md && ln -s ../../docs deep/er/link && git add -A &&
		git update-index --add --cacheinfo 120000,$(printf %s `+long+` | git hash-object -w --stdin),toolong &&
		git commit -q -m links`); err != nil {
		t.Fatal(err)
	}
	head := plumbing.NewHash(g.run(dir, "rev-parse", "HEAD"))
	s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
	got, err := Symlinks(s, head)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"CLAUDE.md": "docs/agent.md", "deep/er/link": "../../docs"}
	if !maps.Equal(got, want) {
		t.Errorf("Symlinks = %q, want %q (a target longer than a file system takes left out)", got, want)
	}
}

// TestSymlinksMany reads a tree of many directories, which Symlinks reads
// on several goroutines, and compares with git's own listing; then a tree
// with a subtree missing, which must be an error however the walk is
// split.
func TestSymlinksMany(t *testing.T) {
	g := newGit(t)
	dir := g.initRepo(filepath.Join(t.TempDir(), "r"))
	if _, err := g.shell(dir, nil, `for i in $(seq 24); do for j in $(seq 4); do
		mkdir -p d$i/e$j && echo x > d$i/e$j/f && ln -s ../../d$((i % 7 + 1)) d$i/e$j/up; done; ln -s d$i link$i; done &&
		git add -A && git commit -q -m links`); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(g.run(dir, "ls-tree", "-r", "--format=%(objectmode) %(path)", "HEAD"), "\n") {
		if mode, path, _ := strings.Cut(line, " "); mode == "120000" {
			want[path] = strings.TrimSpace(g.run(dir, "cat-file", "blob", "HEAD:"+path))
		}
	}
	head := plumbing.NewHash(g.run(dir, "rev-parse", "HEAD"))
	s := mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
	got, err := Symlinks(s, head)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 120 || !maps.Equal(got, want) {
		t.Errorf("Symlinks found %d links, git lists %d (want 120); they differ: %v", len(got), len(want), !maps.Equal(got, want))
	}

	// A subtree deep in the walk is missing (it is at several paths: d17/e3
	// has the same content as other directories).
	sub := g.run(dir, "rev-parse", "HEAD:d17/e3")
	if _, err := g.shell(dir, nil, `rm -f .git/objects/`+sub[:2]+`/`+sub[2:]); err != nil {
		t.Fatal(err)
	}
	s = mustOpenStore(t, filepath.Join(dir, ".git", "objects"))
	if _, err := Symlinks(s, head); err == nil || !strings.Contains(err.Error(), "reading tree "+sub+` under "d`) {
		t.Errorf("Symlinks with a missing subtree: %v, want an error about tree %s", err, sub)
	}
}

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

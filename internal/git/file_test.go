package git

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestReadFileAt(t *testing.T) {
	g := newGit(t)
	dir := filepath.Join(t.TempDir(), "repo")
	g.initRepo(dir)
	c := g.commit(dir, "files", map[string]string{
		".agentcheck.yml":             "version: 1\n",
		".agentcheck/allowed_signers": "a@example.com ssh-ed25519 AAAA\n",
		"big.txt":                     strings.Repeat("x", 100),
	})
	if err := os.Symlink("big.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	g.run(dir, "add", "link")
	g.run(dir, "commit", "-q", "-m", "link")
	withLink := g.run(dir, "rev-parse", "HEAD")
	g.run(dir, "tag", "-a", "-m", "tag", "v1")
	tag := g.run(dir, "rev-parse", "v1")

	r, err := Open(dir, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head := plumbing.NewHash(withLink)
	for _, tt := range []struct {
		at      string
		path    string
		want    string
		ok, bad bool
	}{
		{c.String(), ".agentcheck.yml", "version: 1\n", true, false},
		{c.String(), ".agentcheck/allowed_signers", "a@example.com ssh-ed25519 AAAA\n", true, false},
		{c.String(), ".agentcheck/nope", "", false, false},
		{c.String(), "big.txt/inside", "", false, false}, // a file is not a directory
		{c.String(), "missing.yml", "", false, false},
		{c.String(), "big.txt", "", false, true}, // over the limit
		{head.String(), "link", "", false, true}, // a symlink is not followed
		{tag, ".agentcheck.yml", "version: 1\n", true, false},
	} {
		data, ok, err := ReadFileAt(r.Objects, plumbing.NewHash(tt.at), tt.path, 50)
		if ok != tt.ok || (err != nil) != tt.bad || string(data) != tt.want {
			t.Errorf("ReadFileAt(%.8s, %s) = %q, %v, %v; want %q, %v, error %v", tt.at, tt.path, data, ok, err, tt.want, tt.ok, tt.bad)
		}
	}
}

package git

import (
	"testing"
)

func TestResolveCommit(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	for rev, want := range map[string]string{"HEAD": "m", "main^!": "m", "main~1": "c", "v1": "b", "light": "c", ids["f"].String()[:8]: "f"} {
		c, err := ResolveCommit(repo, rev)
		if err != nil {
			t.Errorf("ResolveCommit(%q): %v", rev, err)
			continue
		}
		if c.Hash != ids[want] {
			t.Errorf("ResolveCommit(%q) = %s, want %s", rev, c.Hash, want)
		}
	}
	for _, rev := range []string{"main~1..main", "^main", "no-such-ref", "main...v1", ""} {
		if c, err := ResolveCommit(repo, rev); err == nil {
			t.Errorf("ResolveCommit(%q) = %s, want an error", rev, c.Hash)
		}
	}
	if _, err := ResolveCommit(repo, "main~1..main"); err == nil || err.Error() != `"main~1..main" is a range, not one commit` {
		t.Errorf("a range: %v", err)
	}
}

func TestReadCommitOfATree(t *testing.T) {
	dir, ids := revRepo(t)
	repo := openRepo(t, dir)
	c, err := ReadCommit(repo.Objects, ids["m"])
	if err != nil || c.Hash != ids["m"] {
		t.Fatalf("ReadCommit: %v, %v", c, err)
	}
	if _, err := ReadCommit(repo.Objects, c.Tree); err == nil {
		t.Error("ReadCommit of a tree succeeded")
	}
	if _, err := ReadCommit(repo.Objects, ZeroHash); err == nil {
		t.Error("ReadCommit of a missing object succeeded")
	}
}

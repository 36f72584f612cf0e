package git

import (
	"path/filepath"
	"testing"
)

// TestValidRefNameMatchesGit compares ValidRefName with git
// check-ref-format --allow-onelevel, the rules it implements.
func TestValidRefNameMatchesGit(t *testing.T) {
	g := newGit(t)
	for _, name := range []string{
		"main", "HEAD", "refs/heads/main", "refs/heads/feature/x", "refs/notes/agentcheck", "v1.2.3",
		"refs/heads/ünïcode", "a.b", "a-b_c", "refs/tags/v1.0",
		"", "@", "a@{b", "a..b", "a/.b", ".a", "a/", "/a", "a//b", "a.", "a.lock", "refs/heads/x.lock/y",
		"a b", "a\tb", "a~1", "a^", "a:b", "a?", "a*", "a[b", `a\b`, "a\x7f", "@/a", "a/@", "refs/heads/@",
	} {
		_, err := g.exec("", nil, "", "check-ref-format", "--allow-onelevel", name)
		if want := err == nil; ValidRefName(name) != want {
			t.Errorf("ValidRefName(%q) = %v; git check-ref-format says %v", name, !want, want)
		}
	}
}

func FuzzValidRefName(f *testing.F) {
	for _, s := range []string{"refs/heads/main", "a..b", "a/.lock", "@{", "x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if ValidRefName(name) && !readableRef("refs/"+name) {
			t.Errorf("%q is valid, refs/%s is not", name, name)
		}
	})
}

func TestUpstream(t *testing.T) {
	g := newGit(t)
	dir := filepath.Join(t.TempDir(), "repo")
	g.initRepo(dir)
	g.run(dir, "config", "remote.up.url", "https://example.com/x.git")
	g.run(dir, "config", "remote.up.fetch", "+refs/heads/*:refs/remotes/mirror/*")
	g.run(dir, "config", "branch.main.remote", "up")
	g.run(dir, "config", "branch.main.merge", "refs/heads/trunk")
	g.run(dir, "config", "branch.local.remote", ".")
	g.run(dir, "config", "branch.local.merge", "refs/heads/main")
	g.run(dir, "config", "branch.bare.remote", "nofetch")
	g.run(dir, "config", "branch.bare.merge", "refs/heads/dev")
	g.commit(dir, "c", map[string]string{"f": "f\n"})
	r, err := Open(dir, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for branch, want := range map[string][2]string{
		"main":  {"refs/remotes/mirror/trunk", "up"}, // mapped by the remote's fetch refspec
		"local": {"refs/heads/main", "."},
		"bare":  {"refs/remotes/nofetch/dev", "nofetch"}, // no refspec: the conventional name
		"none":  {"", ""},
	} {
		ref, remote := r.Upstream(branch)
		if ref != want[0] || remote != want[1] {
			t.Errorf("Upstream(%s) = %s, %s; want %s, %s", branch, ref, remote, want[0], want[1])
		}
	}
	if b, ok, err := r.HeadBranch(); err != nil || !ok || b != "main" {
		t.Errorf("HeadBranch = %q, %v, %v", b, ok, err)
	}
}

// TestReadConfigWorktree: a linked worktree's config.worktree counts only
// when the repository enables extensions.worktreeConfig, as in git.
func TestReadConfigWorktree(t *testing.T) {
	g := newGit(t)
	root := t.TempDir()
	main := filepath.Join(root, "main")
	g.history(main, 1)
	wt := filepath.Join(root, "wt")
	g.run(main, "worktree", "add", "-q", "-b", "side", wt)
	writeFile(t, filepath.Join(main, ".git", "worktrees", "wt", "config.worktree"), "[agentcheck]\n\tmode = warn\n")
	r, err := Open(wt, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Config.Get("agentcheck", "", "mode"); got != "" {
		t.Errorf("without extensions.worktreeConfig, config.worktree was read: mode = %q", got)
	}
	r.Close()
	g.run(main, "config", "extensions.worktreeConfig", "true")
	r, err = Open(wt, noGetenv)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, want := r.Config.Get("agentcheck", "", "mode"), g.run(wt, "config", "agentcheck.mode"); got != want {
		t.Errorf("mode = %q; git says %q", got, want)
	}
}

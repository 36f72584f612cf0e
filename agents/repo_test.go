package agents

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	mkdirs(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// realTempDir returns a temporary directory with symlinks resolved, so that
// tests can compare paths exactly on systems where TMPDIR is a symlink.
func realTempDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func noEnv(string) string { return "" }

// writeGitDir makes gitDir a git directory as git recognises one: a HEAD,
// and objects and refs directories.
func writeGitDir(t *testing.T, gitDir, head string) {
	t.Helper()
	writeFile(t, filepath.Join(gitDir, "HEAD"), head)
	mkdirs(t, filepath.Join(gitDir, "objects"), filepath.Join(gitDir, "refs"))
}

func TestFindRepo(t *testing.T) {
	tmp := realTempDir(t)
	main := filepath.Join(tmp, "main")
	writeGitDir(t, filepath.Join(main, ".git"), "ref: refs/heads/main\n")
	mkdirs(t, filepath.Join(main, "a", "b"))

	// A linked worktree: .git is a file naming .git/worktrees/wt, whose
	// commondir file points back at the main git directory.
	wt := filepath.Join(tmp, "wt")
	wtGit := filepath.Join(main, ".git", "worktrees", "wt")
	writeFile(t, filepath.Join(wt, ".git"), "gitdir: "+wtGit+"\n")
	writeFile(t, filepath.Join(wtGit, "commondir"), "../..\n")
	writeFile(t, filepath.Join(wtGit, "HEAD"), "ref: refs/heads/wt\n")

	// A submodule: a relative gitdir and no commondir.
	sub := filepath.Join(main, "vendor", "sub")
	subGit := filepath.Join(main, ".git", "modules", "sub")
	writeFile(t, filepath.Join(sub, ".git"), "gitdir: ../../.git/modules/sub\n")
	writeGitDir(t, subGit, "0123456789012345678901234567890123456789\n")

	// A stray .git directory with no HEAD is not a repository.
	stray := filepath.Join(main, "a", "stray")
	mkdirs(t, filepath.Join(stray, ".git"))

	mainGit := filepath.Join(main, ".git")
	for _, tc := range []struct {
		name string
		dir  string
		env  map[string]string
		want Repo
	}{
		{"root", main, nil, Repo{main, mainGit, mainGit}},
		{"subdirectory", filepath.Join(main, "a", "b"), nil, Repo{main, mainGit, mainGit}},
		{"stray .git", stray, nil, Repo{main, mainGit, mainGit}},
		{"worktree", wt, nil, Repo{wt, wtGit, mainGit}},
		{"submodule", sub, nil, Repo{sub, subGit, subGit}},
		{"GIT_DIR", filepath.Join(main, "a"), map[string]string{"GIT_DIR": "../.git"},
			Repo{filepath.Join(main, "a"), mainGit, mainGit}},
		{"GIT_DIR and GIT_WORK_TREE", filepath.Join(main, "a"), map[string]string{"GIT_DIR": mainGit, "GIT_WORK_TREE": main},
			Repo{main, mainGit, mainGit}},
		{"GIT_COMMON_DIR", wt, map[string]string{"GIT_DIR": wtGit, "GIT_WORK_TREE": wt, "GIT_COMMON_DIR": mainGit},
			Repo{wt, wtGit, mainGit}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FindRepo(tc.dir, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("FindRepo(%s) =\n%+v, want\n%+v", tc.dir, got, tc.want)
			}
		})
	}

	t.Run("none", func(t *testing.T) {
		_, err := FindRepo(filepath.Join(tmp), noEnv)
		if !errors.Is(err, ErrNoRepo) {
			t.Errorf("FindRepo outside a repository: %v, want ErrNoRepo", err)
		}
	})
	t.Run("ceiling", func(t *testing.T) {
		env := func(k string) string {
			if k == "GIT_CEILING_DIRECTORIES" {
				return filepath.Join(main, "a")
			}
			return ""
		}
		if _, err := FindRepo(filepath.Join(main, "a", "b"), env); !errors.Is(err, ErrNoRepo) {
			t.Errorf("FindRepo below a ceiling: %v, want ErrNoRepo", err)
		}
	})
	t.Run("bad gitdir file", func(t *testing.T) {
		bad := filepath.Join(tmp, "bad")
		writeFile(t, filepath.Join(bad, ".git"), "not a gitdir line\n")
		if _, err := FindRepo(bad, noEnv); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("FindRepo with a bad .git file: %v, want an error naming it", err)
		}
	})
}

// TestFindRepoGit checks FindRepo against git itself for a repository and
// a linked worktree.
func TestFindRepoGit(t *testing.T) {
	tmp := realTempDir(t)
	main := filepath.Join(tmp, "main")
	git(t, tmp, "init", "-q", "-b", "main", main)
	git(t, main, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "init")
	wt := filepath.Join(tmp, "linked")
	git(t, main, "worktree", "add", "-q", wt)
	mkdirs(t, filepath.Join(wt, "deep", "er"))
	for _, dir := range []string{main, wt, filepath.Join(wt, "deep", "er")} {
		repo, err := FindRepo(dir, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		want := Repo{
			Root:      git(t, dir, "rev-parse", "--show-toplevel"),
			GitDir:    absUnder(dir, git(t, dir, "rev-parse", "--git-dir")),
			CommonDir: absUnder(dir, git(t, dir, "rev-parse", "--git-common-dir")),
		}
		if repo != want {
			t.Errorf("FindRepo(%s) =\n%+v, git says\n%+v", dir, repo, want)
		}
	}
}

// git runs git in dir with a configuration of its own and returns its
// trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestResolverRel(t *testing.T) {
	tmp := realTempDir(t)
	root := filepath.Join(tmp, "repo")
	writeGitDir(t, filepath.Join(root, ".git"), "ref: refs/heads/main\n")
	mkdirs(t, filepath.Join(root, "src"))
	outside := filepath.Join(tmp, "elsewhere")
	mkdirs(t, outside)
	// link is a symlink to the repository: an agent started there spells
	// the root differently from the resolved one.
	link := filepath.Join(tmp, "link")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	// A directory inside the repository reached through a symlink from
	// outside it.
	side := filepath.Join(tmp, "side")
	if err := os.Symlink(filepath.Join(root, "src"), side); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, cwd, path, want string
	}{
		{"absolute inside", root, filepath.Join(root, "src", "a.go"), "src/a.go"},
		{"absolute outside", root, filepath.Join(outside, "x.txt"), filepath.ToSlash(filepath.Join(outside, "x.txt"))},
		{"relative to root", root, "src/a.go", "src/a.go"},
		{"relative to a subdirectory", filepath.Join(root, "src"), "a.go", "src/a.go"},
		{"dot segments", filepath.Join(root, "src"), "./b/../a.go", "src/a.go"},
		{"parent inside", filepath.Join(root, "src"), "../README.md", "README.md"},
		{"parent outside", root, "../elsewhere/x.txt", filepath.ToSlash(filepath.Join(outside, "x.txt"))},
		{"dotdot-prefixed name is inside", root, "..hidden", "..hidden"},
		{"the root itself", root, root, "."},
		{"unclean absolute", root, root + "//src/./a.go", "src/a.go"},
		{"cwd through a symlink, real path", link, filepath.Join(root, "src", "a.go"), "src/a.go"},
		{"cwd through a symlink, link path", link, filepath.Join(link, "src", "a.go"), "src/a.go"},
		{"cwd through a symlink, relative", filepath.Join(link, "src"), "a.go", "src/a.go"},
		{"real cwd, link path", root, filepath.Join(link, "src", "a.go"), "src/a.go"},
		{"parent reached through a symlink", root, filepath.Join(side, "a.go"), "src/a.go"},
		{"empty", root, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, lexical, err := findRepo(tc.cwd, noEnv)
			if err != nil {
				t.Fatal(err)
			}
			r := newResolver(tc.cwd, lexical, repo.Root)
			if got := r.rel(tc.path); got != tc.want {
				t.Errorf("rel(%q) from %s = %q, want %q", tc.path, tc.cwd, got, tc.want)
			}
		})
	}

	t.Run("no repository", func(t *testing.T) {
		r := newResolver(outside, "", "")
		if got, want := r.rel("x/../y.txt"), filepath.ToSlash(filepath.Join(outside, "y.txt")); got != want {
			t.Errorf("rel = %q, want %q", got, want)
		}
	})
}

// TestProposedTarget checks that a pending write, read or delete through a
// symlink names the path it really reaches.
func TestProposedTarget(t *testing.T) {
	root := realTempDir(t)
	writeGitDir(t, filepath.Join(root, ".git"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(root, ".github", "workflows", "ci.yml"), "on: push\n")
	writeFile(t, filepath.Join(root, "src", "main.go"), "package main\n")
	for link, target := range map[string]string{
		"link.txt":     "src/main.go",
		"wf":           ".github/workflows",
		"docs/ci":      "../.github/workflows/ci.yml",
		"dangling.yml": ".github/workflows/new.yml",
		"chain":        "link.txt",
		"out":          "/etc/passwd",
	} {
		p := filepath.Join(root, link)
		mkdirs(t, filepath.Dir(p))
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	call := func(tool string, input map[string]any) []Proposed {
		t.Helper()
		payload, _ := json.Marshal(map[string]any{
			"session_id": "s", "cwd": root, "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input,
		})
		h, err := Parse(Input{Agent: AgentClaude, Payload: payload, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		return h.Proposed
	}
	abs := func(rel string) string { return filepath.Join(root, rel) }
	for _, tc := range []struct {
		name       string
		tool       string
		file       string
		wantPath   string
		wantTarget string
	}{
		{"plain file", "Write", abs("src/main.go"), "src/main.go", ""},
		{"file symlink", "Edit", abs("link.txt"), "link.txt", "src/main.go"},
		{"chain of symlinks", "Edit", abs("chain"), "chain", "src/main.go"},
		{"symlinked directory", "Write", abs("wf/ci.yml"), "wf/ci.yml", ".github/workflows/ci.yml"},
		{"new file in a symlinked directory", "Write", abs("wf/release.yml"), "wf/release.yml", ".github/workflows/release.yml"},
		{"new directory in a symlinked directory", "Write", abs("wf/sub/x.yml"), "wf/sub/x.yml", ".github/workflows/sub/x.yml"},
		{"relative symlink in a subdirectory", "Edit", abs("docs/ci"), "docs/ci", ".github/workflows/ci.yml"},
		{"dangling symlink", "Write", abs("dangling.yml"), "dangling.yml", ".github/workflows/new.yml"},
		{"read through a symlink leaving the repository", "Read", abs("out"), "out", "/etc/passwd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := call(tc.tool, map[string]any{"file_path": tc.file})
			if len(got) != 1 || got[0].Path != tc.wantPath || got[0].Target != tc.wantTarget {
				t.Errorf("Proposed = %+v, want path %q, target %q", got, tc.wantPath, tc.wantTarget)
			}
		})
	}

	t.Run("patch", func(t *testing.T) {
		patch := "*** Begin Patch\n*** Delete File: link.txt\n*** Delete File: wf/ci.yml\n" +
			"*** Update File: src/main.go\n*** Move to: wf/moved.yml\n*** End Patch"
		payload, _ := json.Marshal(map[string]any{
			"session_id": "s", "cwd": root, "hook_event_name": "PreToolUse", "tool_name": "apply_patch",
			"tool_input": map[string]any{"command": patch},
		})
		h, err := Parse(Input{Agent: AgentCodex, Payload: payload, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		want := []Proposed{
			// Deleting a symlink removes the link, not its target.
			{Kind: journal.KindDelete, Path: "link.txt", Tool: "apply_patch"},
			{Kind: journal.KindDelete, Path: "wf/ci.yml", Target: ".github/workflows/ci.yml", Tool: "apply_patch"},
			{Kind: journal.KindEdit, Path: "wf/moved.yml", From: "src/main.go", Target: ".github/workflows/moved.yml", Tool: "apply_patch"},
		}
		if diff := cmp.Diff(want, h.Proposed); diff != "" {
			t.Errorf("Proposed (-want +got):\n%s", diff)
		}
		if got, want := h.Proposed[2].Paths(), []string{"src/main.go", "wf/moved.yml", ".github/workflows/moved.yml"}; !slices.Equal(got, want) {
			t.Errorf("Paths() = %q, want %q", got, want)
		}
	})
}

// TestAsLeftThroughSymlinks checks that an edit or delete made through a
// symlink is also journaled at the path it reached, the one git sees.
func TestAsLeftThroughSymlinks(t *testing.T) {
	root := realTempDir(t)
	writeGitDir(t, filepath.Join(root, ".git"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(root, ".github", "workflows", "ci.yml"), "on: push\n")
	if err := os.Symlink(".github/workflows", filepath.Join(root, "wf")); err != nil {
		t.Fatal(err)
	}
	ci := blobOf([]byte("on: push\n"))
	for _, tc := range []struct {
		name string
		tool string
		file string
		want []string
	}{
		{"edit through a symlinked directory", "Edit", "wf/ci.yml",
			[]string{"edit wf/ci.yml " + ci, "edit .github/workflows/ci.yml " + ci}},
		{"delete through a symlinked directory", "Write", "wf/gone.yml",
			[]string{"delete wf/gone.yml " + journal.ZeroBlob, "delete .github/workflows/gone.yml " + journal.ZeroBlob}},
		{"no symlink", "Edit", ".github/workflows/ci.yml",
			[]string{"edit .github/workflows/ci.yml " + ci}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			payload, _ := json.Marshal(map[string]any{
				"session_id": "s", "cwd": root, "hook_event_name": "PostToolUse", "tool_name": tc.tool,
				"tool_input": map[string]any{"file_path": filepath.Join(root, tc.file)},
			})
			h, err := Parse(Input{Agent: AgentClaude, Payload: payload, Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range h.Events {
				got = append(got, string(e.Kind)+" "+e.Path+" "+e.Blob)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

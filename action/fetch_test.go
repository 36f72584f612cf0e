package action

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitEnv isolates the git the tests run from the machine's configuration.
func gitEnv(t *testing.T) []string {
	home := t.TempDir()
	return append(os.Environ(),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Alice Dev", "GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice Dev", "GIT_COMMITTER_EMAIL=alice@example.com",
		"GIT_AUTHOR_DATE=2026-11-26T10:00:00Z", "GIT_COMMITTER_DATE=2026-11-26T10:00:00Z")
}

func run(t *testing.T, env []string, dir string, stdin string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func requireGit(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"git", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// origin makes a bare "GitHub" repository: main with 40 commits, a pull
// request of 3 commits on top of it (refs/pull/7/head and a branch), a
// side branch merged into the pull request from far back, and notes on the
// pull request's head. It returns the repository and the base and head ids.
func origin(t *testing.T, env []string) (dir, base, head string) {
	root := t.TempDir()
	dir = filepath.Join(root, "origin.git")
	work := filepath.Join(root, "work")
	run(t, env, root, "", "git", "init", "-q", "--bare", "-b", "main", dir)
	run(t, env, root, "", "git", "init", "-q", "-b", "main", work)
	tick := 0
	commit := func(msg string) {
		tick++
		date := fmt.Sprintf("GIT_COMMITTER_DATE=2026-11-%02dT10:%02d:00Z", 1+tick/60, tick%60)
		run(t, append(env, date), work, "", "git", "commit", "-q", "--allow-empty", "-m", msg)
	}
	for i := range 40 {
		commit(fmt.Sprintf("main %d", i))
		if i == 5 {
			run(t, env, work, "", "git", "branch", "side")
		}
	}
	base = run(t, env, work, "", "git", "rev-parse", "HEAD")
	run(t, env, work, "", "git", "checkout", "-q", "-b", "agent/fix")
	commit("one")
	commit("two")
	// The side branch forked at commit 6 of main: walking the pull
	// request's merge reaches deep into main's history.
	run(t, env, work, "", "git", "checkout", "-q", "side")
	commit("side work")
	run(t, env, work, "", "git", "checkout", "-q", "agent/fix")
	tick++
	run(t, append(env, fmt.Sprintf("GIT_COMMITTER_DATE=2026-11-02T11:%02d:00Z", tick%60)), work, "", "git", "merge", "-q", "--no-ff", "-m", "merge side", "side")
	head = run(t, env, work, "", "git", "rev-parse", "HEAD")
	run(t, env, work, "", "git", "notes", "--ref", "agentcheck", "add", "-m", `{"line":"head"}`, head)
	run(t, env, work, "", "git", "push", "-q", dir, "main", "agent/fix", "agent/fix:refs/pull/7/head", "refs/notes/agentcheck")
	return dir, base, head
}

// TestFetchHistory runs the action's fetch script in a one-commit shallow
// clone of the base, as actions/checkout leaves it, and checks that the
// range base..head is then complete, the notes are there and nothing was
// checked out.
func TestFetchHistory(t *testing.T) {
	requireGit(t)
	// The side branch forked 34 commits below the base: deepening by 2, 4,
	// 8, 16 and 32 reaches it; three rounds do not, and the script then
	// fetches the whole history.
	for _, tc := range []struct {
		rounds    string
		unshallow bool
	}{{"5", false}, {"3", true}} {
		t.Run("rounds="+tc.rounds, func(t *testing.T) {
			env := gitEnv(t)
			originDir, base, head := origin(t, env)
			clone := filepath.Join(t.TempDir(), "clone")
			run(t, env, "", "", "git", "clone", "-q", "--depth", "1", "--no-tags", "file://"+originDir, clone)
			run(t, env, clone, "", "git", "checkout", "-q", "--detach", base)

			script, _ := filepath.Abs("fetch-history.sh")
			plan := "commit " + base + "\ncommit " + head + "\npull 7\n"
			out := run(t, append(env, "AGENTCHECK_DEPTH=2", "AGENTCHECK_DEEPEN_ROUNDS="+tc.rounds), clone, plan, "bash", script)
			t.Logf("fetch-history.sh:\n%s", out)

			if got := run(t, env, clone, "", "git", "rev-list", "--count", base+".."+head); got != "4" {
				t.Errorf("%s..%s has %s commits, want 4 (one, two, side work, the merge)", base[:12], head[:12], got)
			}
			shallow, _ := os.ReadFile(filepath.Join(clone, ".git", "shallow"))
			for _, c := range strings.Fields(run(t, env, clone, "", "git", "rev-list", head, "--not", base)) {
				if strings.Contains(string(shallow), c) {
					t.Errorf("commit %s of the range is a shallow boundary", c)
				}
			}
			if got := run(t, env, clone, "", "git", "notes", "--ref", "agentcheck", "show", head); got != `{"line":"head"}` {
				t.Errorf("note on the head = %q", got)
			}
			if got := run(t, env, clone, "", "git", "rev-parse", "HEAD"); got != base {
				t.Errorf("HEAD moved to %s: the script must not check anything out", got)
			}
			if !strings.Contains(out, "deepening") {
				t.Errorf("the script did not deepen a depth-2 fetch:\n%s", out)
			}
			if got := strings.Contains(out, "fetching the whole history"); got != tc.unshallow {
				t.Errorf("unshallowed: %v, want %v", got, tc.unshallow)
			}
		})
	}
}

// TestFetchHistoryNewBranchAndFork: a new branch is checked against the
// default branch fetched as refs/remotes/origin/main, and a fork's notes are
// merged line by line into the base repository's.
func TestFetchHistoryNewBranchAndFork(t *testing.T) {
	requireGit(t)
	env := gitEnv(t)
	originDir, base, head := origin(t, env)
	// The fork has a note of its own on the head.
	fork := filepath.Join(t.TempDir(), "fork.git")
	run(t, env, "", "", "git", "clone", "-q", "--bare", originDir, fork)
	tmp := filepath.Join(t.TempDir(), "w")
	run(t, env, "", "", "git", "clone", "-q", fork, tmp)
	run(t, env, tmp, "", "git", "notes", "--ref", "agentcheck", "add", "-m", `{"line":"fork"}`, head)
	run(t, env, tmp, "", "git", "push", "-q", "origin", "refs/notes/agentcheck")

	clone := filepath.Join(t.TempDir(), "clone")
	run(t, env, "", "", "git", "clone", "-q", "--depth", "1", "--no-tags", "-b", "agent/fix", "file://"+originDir, clone)
	// The fork's https URL, as the event names it, is served from the
	// local directory: git's own URL rewriting, no test hook in the script.
	run(t, env, clone, "", "git", "config", "url.file://"+fork+".insteadOf", "https://github.com/monalisa/octo-repo.git")

	script, _ := filepath.Abs("fetch-history.sh")
	plan := "branch main\ncommit " + head + "\nnotes https://github.com/monalisa/octo-repo.git\n"
	out := run(t, env, clone, plan, "bash", script)
	t.Logf("fetch-history.sh:\n%s", out)

	if got := run(t, env, clone, "", "git", "rev-parse", "refs/remotes/origin/main"); got != base {
		t.Errorf("refs/remotes/origin/main = %s, want %s", got, base)
	}
	if got := run(t, env, clone, "", "git", "rev-list", "--count", "refs/remotes/origin/main.."+head); got != "4" {
		t.Errorf("origin/main..head has %s commits, want 4", got)
	}
	note := run(t, env, clone, "", "git", "notes", "--ref", "agentcheck", "show", head)
	if note != "{\"line\":\"fork\"}\n{\"line\":\"head\"}" { // cat_sort_uniq: sorted, one line each
		t.Errorf("merged note on the head = %q, want both lines", note)
	}
	if refs := run(t, env, clone, "", "git", "for-each-ref", "refs/notes/"); strings.Contains(refs, "agentcheck-fork") {
		t.Errorf("temporary notes ref left behind:\n%s", refs)
	}
}

// TestFetchHistoryRefusesBadPlans: the script validates what it is given
// again, so nothing in a plan can become an option or a command.
func TestFetchHistoryRefusesBadPlans(t *testing.T) {
	requireGit(t)
	env := gitEnv(t)
	dir := t.TempDir()
	run(t, env, dir, "", "git", "init", "-q")
	script, _ := filepath.Abs("fetch-history.sh")
	for _, plan := range []string{
		"commit --upload-pack=touch\n",
		"branch -x\n",
		"branch a..b\n",
		"pull 7;rm\n",
		"notes ext::sh -c touch\n",
		"notes https://example.com/a b\n",
		"exec ls\n",
	} {
		cmd := exec.Command("bash", script)
		cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(plan)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "fetch-history:") {
			t.Errorf("plan %q: err %v, output %s", plan, err, out)
		}
	}
}

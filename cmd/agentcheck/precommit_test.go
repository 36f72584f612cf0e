package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestPreCommit runs the scripts in testdata/precommit with the real
// pre-commit framework (Debian's pre-commit package; .ci/run installs it):
// pre-commit builds agentcheck from a clone of this repository at HEAD, as
// it would from GitHub at a release tag, and runs the hook of
// .pre-commit-hooks.yaml. HEAD, not the work tree: commit before running it.
//
// The hook's stage is pre-push, the name pre-commit uses since 3.2. Debian
// 12's pre-commit (3.0.4) knows the stage only by its older name, push,
// which newer versions still accept with a deprecation warning; with such a
// pre-commit the test clones the repository and spells the stage push in
// the clone's manifest (the shipped one asks for 3.2), and says so.
// Everything else is the manifest as shipped.
func TestPreCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: pre-commit builds agentcheck from a clone")
	}
	for _, tool := range []string{"git", "go", "pre-commit"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (pre-commit: apt-get install pre-commit)", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	rev, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("%s is not a git checkout: %v", root, err)
	}
	repo, stage := root, "pre-push"
	if old, version := preCommitBefore32(t); old {
		t.Logf("pre-commit %s names the stage push: testing a clone whose manifest says push instead of pre-push", version)
		repo, stage = filepath.Join(t.TempDir(), "agentcheck"), "push"
		rev = []byte(oldStageClone(t, root, strings.TrimSpace(string(rev)), repo))
	}
	// pre-commit's go install runs with the scripts' empty HOME: give it
	// the machine's build and module caches and proxy, or it compiles
	// everything and downloads every module again.
	goEnv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN", "GONOSUMDB", "GOPRIVATE"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv[k] = strings.TrimSpace(string(out))
	}
	// pre-commit builds from a clone of its own, and a build's key holds
	// its source directory unless -trimpath is given: every package of the
	// module compiled again: the script took 23 s. With -trimpath and
	// without cgo, as the release and action's tests build, the packages
	// come from the build cache: 6–7 s.
	goEnv["GOFLAGS"] = strings.TrimSpace(goEnv["GOFLAGS"] + " -trimpath")
	goEnv["CGO_ENABLED"] = "0"
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "precommit"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("AGENTCHECK_REPO", repo)
			env.Setenv("PUSH_STAGE", stage)
			env.Setenv("AGENTCHECK_REV", strings.TrimSpace(string(rev)))
			env.Setenv("PRE_COMMIT_HOME", filepath.Join(env.WorkDir, ".pre-commit"))
			env.Setenv("PRE_COMMIT_COLOR", "never")
			return os.MkdirAll(filepath.Join(env.WorkDir, ".pre-commit"), 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"replay": cmdReplay,
		},
	})
}

// preCommitBefore32 reports whether the installed pre-commit predates 3.2,
// which renamed the stage push to pre-push, and its version.
func preCommitBefore32(t *testing.T) (bool, string) {
	out, err := exec.Command("pre-commit", "--version").Output()
	if err != nil {
		t.Fatalf("pre-commit --version: %v", err)
	}
	version := strings.TrimPrefix(strings.TrimSpace(string(out)), "pre-commit ")
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("pre-commit --version: %q: %v", out, err)
	}
	return major < 3 || major == 3 && minor < 2, version
}

// oldStageClone clones root at rev into dir, names the hook's stage push in
// its manifest (and lowers its minimum pre-commit version to match),
// commits that and returns the new commit.
func oldStageClone(t *testing.T, root, rev, dir string) string {
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("clone", "-q", "--no-checkout", root, dir)
	git("-C", dir, "checkout", "-q", rev)
	manifest := filepath.Join(dir, ".pre-commit-hooks.yaml")
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "stages: [pre-push]") {
		t.Fatalf("%s at %s has no \"stages: [pre-push]\"", manifest, rev)
	}
	old := strings.NewReplacer("stages: [pre-push]", "stages: [push]", `minimum_pre_commit_version: "3.2.0"`, `minimum_pre_commit_version: "3.0.0"`)
	if err := os.WriteFile(manifest, []byte(old.Replace(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	git("-C", dir, "commit", "-q", "-a", "-m", "the stage's name before pre-commit 3.2")
	return git("-C", dir, "rev-parse", "HEAD")
}

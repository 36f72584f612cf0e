package main

import (
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
			env.Setenv("AGENTCHECK_REPO", root)
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

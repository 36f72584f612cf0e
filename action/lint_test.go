package action

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// actionlint is the version of github.com/rhysd/actionlint the workflows and
// action.yml are checked with. It is run with go run, not added to go.mod.
const actionlint = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"

// TestActionlint lints the repository's workflows with actionlint. The
// example gate workflow uses the action as "./", so actionlint also checks
// action.yml's metadata and the inputs the workflow gives it. With
// shellcheck installed, actionlint checks run: scripts too.
func TestActionlint(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: actionlint is built from the module proxy")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "run", actionlint, "-no-color")
	cmd.Dir = filepath.Join("..") // actionlint finds .github/workflows from the repository root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
	t.Logf("actionlint: no problems found in .github/workflows/*.yml and action.yml")
}

// TestShellcheck checks the action's fetch script with shellcheck, when it
// is installed.
func TestShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed")
	}
	out, err := exec.Command(sc, "fetch-history.sh").CombinedOutput()
	if err != nil {
		t.Fatalf("shellcheck fetch-history.sh: %v\n%s", err, out)
	}
}

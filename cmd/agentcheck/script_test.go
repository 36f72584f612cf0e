package main

import (
	"bufio"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden output in testdata/*.txtar")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"agentcheck": main,
	})
}

// TestScript runs the end-to-end scripts in testdata: each drives the real
// binary and real git in a temporary directory.
func TestScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup:               setupScript,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"replay": cmdReplay,
			"subst":  cmdSubst,
		},
	})
}

// setupScript gives each script a home of its own with a git identity, so
// scripts never read the machine's configuration.
func setupScript(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	gitconfig := "[user]\n\tname = Alice Dev\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o600); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("AGENTCHECK_HOME", filepath.Join(home, ".config", "agentcheck"))
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_AUTHOR_DATE", "2026-11-26T10:00:00Z")
	env.Setenv("GIT_COMMITTER_DATE", "2026-11-26T10:00:00Z")
	env.Setenv("TZ", "UTC")
	for _, k := range []string{"SSH_AUTH_SOCK", "CLAUDECODE", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID"} {
		env.Setenv(k, "")
	}
	return nil
}

// cmdReplay feeds recorded hook payloads to "agentcheck hook": one payload per
// line of each file, with $WORK replaced by the script's work directory, as
// the agent would call the hook once per event.
//
//	replay AGENT FILE...
func cmdReplay(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: replay AGENT FILE...")
	}
	agent := args[0]
	payload := filepath.Join(ts.Getenv("WORK"), ".replay-payload.json")
	for _, name := range args[1:] {
		sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(name)))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			line = strings.ReplaceAll(line, "$WORK", ts.Getenv("WORK"))
			if err := os.WriteFile(payload, []byte(line), 0o600); err != nil {
				ts.Fatalf("%v", err)
			}
			err := ts.Exec("sh", "-c", `exec agentcheck hook --agent "$1" < "$2"`, "sh", agent, payload)
			if (err != nil) != neg {
				ts.Fatalf("agentcheck hook on %.100s: %v", line, err)
			}
		}
		if err := sc.Err(); err != nil {
			ts.Fatalf("reading %s: %v", name, err)
		}
	}
}

// cmdSubst replaces $WORK in files with the script's work directory.
//
//	subst FILE...
func cmdSubst(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		data := strings.ReplaceAll(ts.ReadFile(name), "$WORK", ts.Getenv("WORK"))
		if err := os.WriteFile(ts.MkAbs(name), []byte(data), 0o644); err != nil {
			ts.Fatalf("%v", err)
		}
	}
}

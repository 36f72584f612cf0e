package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/agentcheck/agentcheck/internal/ghreplay"
)

// TestGitHubScript runs the end-to-end scripts of agentcheck github in
// testdata/github: real git repositories, real agent sessions replayed from
// recorded hook payloads, recorded GitHub event payloads
// (testdata/github/events at the repository's root) and a local server that
// replays recorded GitHub API responses (testdata/github/api) and records
// the requests agentcheck makes. The GitHub API itself cannot be reached
// where the tests run: the responses are GitHub's documented shapes.
//
// The scripts live in their own directory, with their own commands, so that
// TestScript's scripts stay as they are.
func TestGitHubScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var servers sync.Map // *testscript.TestScript → *ghreplay.Server
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "github"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			env.Setenv("ROOT", root)
			env.Setenv("GITHUB_REPOSITORY", "octo-org/octo-repo")
			env.Setenv("GITHUB_SERVER_URL", "https://github.com")
			env.Setenv("GITHUB_RUN_ID", "42")
			env.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(env.WorkDir, "summary.md"))
			env.Setenv("GITHUB_OUTPUT", filepath.Join(env.WorkDir, "output.txt"))
			// Nothing is reachable until a script starts github-api.
			env.Setenv("GITHUB_API_URL", "http://127.0.0.1:9/")
			env.Setenv("GITHUB_TOKEN", "")
			// scripts/sarif-validate.sh looks for the validator in the
			// user's cache, not in the script's own HOME.
			if cache, err := os.UserCacheDir(); err == nil {
				env.Setenv("AGENTCHECK_SARIF_CACHE", filepath.Join(cache, "agentcheck-sarif"))
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "sarif-multitool" {
				return sarifMultitool() != "", nil
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"replay":          cmdReplay,
			"subst":           cmdSubst,
			"gitenv":          cmdGitEnv,
			"expand":          cmdExpand,
			"github-api":      func(ts *testscript.TestScript, neg bool, args []string) { cmdGitHubAPI(ts, args, &servers) },
			"github-requests": func(ts *testscript.TestScript, neg bool, args []string) { cmdGitHubRequests(ts, args, &servers) },
		},
	})
}

// cmdGitEnv sets an environment variable to the id of a revision of the
// repository in the current directory, and NAME_SHORT to its first 12 digits.
//
//	gitenv NAME REV
func cmdGitEnv(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: gitenv NAME REV")
	}
	cmd := exec.Command("git", "rev-parse", "--verify", args[1]+"^{commit}")
	cmd.Dir = ts.MkAbs(".")
	out, err := cmd.Output()
	if err != nil {
		ts.Fatalf("git rev-parse %s: %v", args[1], err)
	}
	id := strings.TrimSpace(string(out))
	ts.Setenv(args[0], id)
	ts.Setenv(args[0]+"_SHORT", id[:12])
}

// cmdExpand copies a recorded shape, filling its ${NAME} placeholders from
// the script's environment.
//
//	expand SRC DST
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: expand SRC DST")
	}
	data := os.Expand(ts.ReadFile(args[0]), ts.Getenv)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(data), 0o644))
}

// cmdGitHubAPI starts the replay server for this script and points
// GITHUB_API_URL at it.
//
//	github-api [checks=ok|forbidden|error] [key:LOGIN=PUBFILE]... [NAME=VALUE]...
func cmdGitHubAPI(ts *testscript.TestScript, args []string, servers *sync.Map) {
	cfg := ghreplay.Config{
		Dir:  filepath.Join(ts.Getenv("ROOT"), "testdata", "github", "api"),
		Vars: map[string]string{},
		Keys: map[string][]string{},
	}
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("github-api: argument %q is not NAME=VALUE", a)
		}
		switch {
		case name == "checks":
			cfg.Checks = value
		case strings.HasPrefix(name, "key:"):
			login := strings.TrimPrefix(name, "key:")
			cfg.Keys[login] = append(cfg.Keys[login], ts.ReadFile(value))
		default:
			cfg.Vars[name] = value
		}
	}
	srv := ghreplay.Start(cfg)
	if old, loaded := servers.Swap(ts, srv); loaded {
		old.(*ghreplay.Server).Close()
	}
	ts.Defer(func() {
		srv.Close()
		servers.CompareAndDelete(ts, srv)
	})
	ts.Setenv("GITHUB_API_URL", srv.URL+"/")
}

// cmdGitHubRequests writes the requests the replay server received, as
// ghreplay.Describe renders them, to FILE, and forgets them.
//
//	github-requests FILE
func cmdGitHubRequests(ts *testscript.TestScript, args []string, servers *sync.Map) {
	if len(args) != 1 {
		ts.Fatalf("usage: github-requests FILE")
	}
	v, ok := servers.Load(ts)
	if !ok {
		ts.Fatalf("github-requests: no github-api server started")
	}
	srv := v.(*ghreplay.Server)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(ghreplay.Describe(srv.Requests())), 0o644))
}

// sarifMultitool returns the SARIF Multitool that scripts/sarif-validate.sh
// installs, or "" when it or node is missing.
func sarifMultitool() string {
	if _, err := exec.LookPath("node"); err != nil {
		return ""
	}
	if p := os.Getenv("SARIF_MULTITOOL"); p != "" {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil || (runtime.GOOS != "linux" && runtime.GOOS != "darwin") {
		return ""
	}
	p := filepath.Join(cache, "agentcheck-sarif", "node_modules", "@microsoft", "sarif-multitool-"+runtime.GOOS, "Sarif.Multitool")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// TestSingleLineErr: an error that quotes hostile text cannot start a line
// of stderr, where the runner would read it as a workflow command; the exit
// code and the hint are kept.
func TestSingleLineErr(t *testing.T) {
	err := singleLineErr(withHint(usageError("ref %q\r::error::forged", "x\ny"), "fix\r\n::add-mask::x"))
	var b strings.Builder
	code := writeError(&b, err)
	if code != exitError {
		t.Errorf("exit code %d, want %d", code, exitError)
	}
	for _, line := range strings.FieldsFunc(b.String(), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if !strings.HasPrefix(line, "agentcheck: ") {
			t.Errorf("stderr line %q does not start with agentcheck:", line)
		}
	}
	if singleLineErr(errViolations) != errViolations || singleLineErr(nil) != nil {
		t.Error("violations or nil changed")
	}
}

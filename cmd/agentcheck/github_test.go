package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

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
	// A request or a replayed response that GitHub's description does not
	// allow fails the script that made it. The scripts run in parallel
	// subtests, after this function returns: t.Cleanup runs after them.
	var violations struct {
		sync.Mutex
		list []string
	}
	t.Cleanup(func() {
		for _, v := range violations.list {
			t.Error(v)
		}
	})
	checkServer := func(ts *testscript.TestScript, srv *ghreplay.Server) {
		violations.Lock()
		defer violations.Unlock()
		for _, v := range srv.Violations() {
			violations.list = append(violations.list, ts.Getenv("WORK")+": "+v)
		}
	}
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
			"replay": cmdReplay,
			"subst":  cmdSubst,
			"gitenv": cmdGitEnv,
			"expand": cmdExpand,
			"github-api": func(ts *testscript.TestScript, neg bool, args []string) {
				cmdGitHubAPI(ts, args, &servers, checkServer)
			},
			"github-requests":  func(ts *testscript.TestScript, neg bool, args []string) { cmdGitHubRequests(ts, args, &servers) },
			"github-interrupt": func(ts *testscript.TestScript, neg bool, args []string) { cmdGitHubInterrupt(ts, neg, args, &servers) },
			"github-checkrun":  func(ts *testscript.TestScript, neg bool, args []string) { cmdGitHubCheckRun(ts, args, &servers) },
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
// GITHUB_API_URL at it, as the runner sets it: https://api.github.com, or
// https://HOST/api/v3 with prefix=/api/v3. fail= arguments are ghreplay faults (see
// ghreplay.ParseFault); prefix= serves the API under a path, as GitHub
// Enterprise Server does (/api/v3).
//
//	github-api [fail=FAULT]... [prefix=PATH] [key:LOGIN=PUBFILE]... [NAME=VALUE]...
func cmdGitHubAPI(ts *testscript.TestScript, args []string, servers *sync.Map, check func(*testscript.TestScript, *ghreplay.Server)) {
	cfg := ghreplay.Config{
		Dir:         filepath.Join(ts.Getenv("ROOT"), "testdata", "github", "api"),
		Description: filepath.Join(ts.Getenv("ROOT"), "testdata", "github", "openapi", "api.github.com.json"),
		Vars:        map[string]string{},
		Keys:        map[string][]string{},
	}
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("github-api: argument %q is not NAME=VALUE", a)
		}
		switch {
		case name == "fail":
			f, err := ghreplay.ParseFault(value)
			ts.Check(err)
			cfg.Faults = append(cfg.Faults, f)
		case name == "prefix":
			cfg.Prefix = value
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
		check(ts, old.(*ghreplay.Server))
	}
	ts.Defer(func() {
		srv.Close()
		check(ts, srv)
		servers.CompareAndDelete(ts, srv)
	})
	// As the runner sets it: no trailing slash.
	ts.Setenv("GITHUB_API_URL", srv.URL)
}

func replayServer(ts *testscript.TestScript, servers *sync.Map) *ghreplay.Server {
	v, ok := servers.Load(ts)
	if !ok {
		ts.Fatalf("no github-api server started")
	}
	return v.(*ghreplay.Server)
}

// cmdGitHubRequests writes the requests the replay server received, as
// ghreplay.Describe renders them, to FILE. It fails when a request or a
// response broke GitHub's description.
//
//	github-requests FILE
func cmdGitHubRequests(ts *testscript.TestScript, args []string, servers *sync.Map) {
	if len(args) != 1 {
		ts.Fatalf("usage: github-requests FILE")
	}
	srv := replayServer(ts, servers)
	if v := srv.Violations(); len(v) > 0 {
		ts.Fatalf("requests or responses GitHub's description does not allow:\n%s", strings.Join(v, "\n"))
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(ghreplay.Describe(srv.Requests())), 0o644))
}

// cmdGitHubCheckRun writes the last check run request the replay server
// received to FILE: a line "status: S, conclusion: C", its title, its
// summary and, after a line "-- text --", its text.
//
//	github-checkrun FILE
func cmdGitHubCheckRun(ts *testscript.TestScript, args []string, servers *sync.Map) {
	if len(args) != 1 {
		ts.Fatalf("usage: github-checkrun FILE")
	}
	var last *ghreplay.Request
	for _, r := range replayServer(ts, servers).Requests() {
		if strings.Contains(r.Path, "/check-runs") {
			last = &r
		}
	}
	if last == nil {
		ts.Fatalf("github-checkrun: no check run request")
	}
	var body struct {
		Status, Conclusion string
		Output             struct{ Title, Summary, Text string } `json:"output"`
	}
	ts.Check(json.Unmarshal(last.Body, &body))
	o := body.Output
	head := fmt.Sprintf("status: %s, conclusion: %s\n", body.Status, body.Conclusion)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(head+o.Title+"\n"+o.Summary+"\n-- text --\n"+o.Text), 0o644))
}

// cmdGitHubInterrupt runs agentcheck github with ARGS as the runner cancels a
// job: once request N of operation OP has reached the replay server (set up
// to leave it hanging), the process gets SIGNAL (INT or TERM). Its stdout
// and stderr become the command's; it must exit non-zero unless the command
// is not negated.
//
//	github-interrupt SIGNAL OP N ARGS...
func cmdGitHubInterrupt(ts *testscript.TestScript, neg bool, args []string, servers *sync.Map) {
	if len(args) < 3 {
		ts.Fatalf("usage: github-interrupt INT|TERM OP N ARGS...")
	}
	sig := map[string]os.Signal{"INT": os.Interrupt, "TERM": syscall.SIGTERM}[args[0]]
	n, err := strconv.Atoi(args[2])
	if sig == nil || err != nil {
		ts.Fatalf("usage: github-interrupt INT|TERM OP N ARGS...")
	}
	srv := replayServer(ts, servers)
	bin, err := exec.LookPath("agentcheck")
	ts.Check(err)
	cmd := exec.Command(bin, append([]string{"github"}, args[3:]...)...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = scriptEnv(ts)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ts.Check(cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Await(ctx, args[1], n); err != nil {
		cmd.Process.Kill()
		<-done
		ts.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	ts.Check(cmd.Process.Signal(sig))
	select {
	case err = <-done:
	case <-ctx.Done():
		cmd.Process.Kill()
		<-done
		ts.Fatalf("agentcheck github did not exit after SIGINT/SIGTERM\nstderr:\n%s", stderr.String())
	}
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	if (err != nil) != neg {
		ts.Fatalf("agentcheck github: %v (want failure: %v)", err, neg)
	}
}

// scriptEnv is the environment a script's exec would give a command: the
// test process's, overridden by what the script set.
func scriptEnv(ts *testscript.TestScript) []string {
	env := os.Environ()
	for _, k := range []string{"PATH", "HOME", "TZ", "WORK", "AGENTCHECK_HOME", "GIT_CONFIG_NOSYSTEM", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE",
		"GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_API_URL", "GITHUB_SERVER_URL",
		"GITHUB_RUN_ID", "GITHUB_TOKEN", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
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

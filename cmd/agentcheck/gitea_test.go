package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// giteaPassword is the password of every account the Gitea scripts create.
const giteaPassword = "agentcheck-e2e"

// TestGitea runs the scripts in testdata/gitea against a real Gitea server:
// each starts its own (gitea start), on 127.0.0.1 with SQLite in the
// script's directory, installs agentcheck as a repository's pre-receive hook
// the way examples/hooks/gitea says, and pushes to it over HTTP with git.
//
// It needs a Gitea binary and the Gitea source it was built from (Gitea
// without its web assets built in reads its templates and options from
// there): AGENTCHECK_GITEA and AGENTCHECK_GITEA_SOURCE.
// scripts/gitea-e2e.sh builds both (a few minutes, then cached) and runs
// this test; without them it skips.
func TestGitea(t *testing.T) {
	bin, src := os.Getenv("AGENTCHECK_GITEA"), os.Getenv("AGENTCHECK_GITEA_SOURCE")
	if bin == "" || src == "" {
		t.Skip("AGENTCHECK_GITEA and AGENTCHECK_GITEA_SOURCE are not set: scripts/gitea-e2e.sh builds Gitea and runs this test")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples", "hooks"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := scriptCmds()
	cmds["gitea"] = cmdGitea
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "gitea"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			env.Setenv("GITEA_BIN", bin)
			env.Setenv("GITEA_SOURCE", src)
			env.Setenv("GITEA_PASSWORD", giteaPassword)
			return os.CopyFS(filepath.Join(env.WorkDir, "examples"), os.DirFS(examples))
		},
		Cmds: cmds,
	})
}

// cmdGitea drives the script's Gitea server.
//
//	gitea start INI
//
// writes INI, with $WORK, $GITEA_PORT and $GITEA_SOURCE replaced, to
// $WORK/gitea/app.ini, starts "gitea web" with it, waits until it answers,
// and creates the site administrator alice with Gitea's command line (the
// API needs an administrator to create accounts). It sets $GITEA_HOST
// (127.0.0.1:PORT) and $GITEA_REPOS (where Gitea keeps the repositories).
// The server is stopped when the script ends; its log is shown when the
// script fails.
//
//	gitea api [-u USER] METHOD PATH [JSON]
//
// calls the API (PATH under /api/v1) as USER (default alice) with basic
// authentication, and writes the response body to stdout. It fails on a
// status of 400 or more, unless negated: then it fails on anything else.
//
//	gitea poll PATH REGEXP
//
// repeats GET PATH as alice until the response matches REGEXP (a minute at
// most): for what Gitea does in the background, such as testing whether a
// pull request can be merged.
//
//	gitea githook OWNER/REPO HOOK FILE
//
// sets the repository's git hook HOOK to FILE's content through the API,
// which is what pasting it into Settings → Git Hooks does.
func cmdGitea(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: gitea start|api|poll|githook ...")
	}
	switch args[0] {
	case "start":
		if neg || len(args) != 2 {
			ts.Fatalf("usage: gitea start INI")
		}
		giteaStart(ts, args[1])
	case "api":
		giteaAPI(ts, neg, args[1:])
	case "poll":
		if neg || len(args) != 3 {
			ts.Fatalf("usage: gitea poll PATH REGEXP")
		}
		re, err := regexp.Compile(args[2])
		ts.Check(err)
		giteaPoll(ts, args[1], re)
	case "githook":
		if neg || len(args) != 4 {
			ts.Fatalf("usage: gitea githook OWNER/REPO HOOK FILE")
		}
		body, err := json.Marshal(map[string]string{"content": ts.ReadFile(args[3])})
		ts.Check(err)
		status, resp := giteaRequest(ts, "alice", http.MethodPatch, "/repos/"+args[1]+"/hooks/git/"+args[2], body)
		if status != http.StatusOK {
			ts.Fatalf("setting the git hook %s of %s: %d %s", args[2], args[1], status, resp)
		}
	default:
		ts.Fatalf("unknown gitea command %q", args[0])
	}
}

func giteaStart(ts *testscript.TestScript, iniFile string) {
	if ts.Getenv("GITEA_HOST") != "" {
		ts.Fatalf("gitea start: the script's Gitea is already running")
	}
	port := freePort(ts)
	dir := ts.MkAbs("gitea")
	ts.Check(os.MkdirAll(dir, 0o700))
	ini := strings.NewReplacer("$WORK", ts.Getenv("WORK"), "$GITEA_PORT", port, "$GITEA_SOURCE", ts.Getenv("GITEA_SOURCE")).
		Replace(ts.ReadFile(iniFile))
	conf := filepath.Join(dir, "app.ini")
	ts.Check(os.WriteFile(conf, []byte(ini), 0o600))

	// Gitea and the hooks it runs get the script's environment (PATH holds
	// agentcheck), nothing of the machine's.
	env := []string{"PATH=" + ts.Getenv("PATH"), "HOME=" + ts.Getenv("HOME"), "TZ=UTC", "GIT_CONFIG_NOSYSTEM=1"}
	if os.Geteuid() == 0 {
		// Gitea refuses to run as root unless told this.
		env = append(env, "GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT=true")
	}
	logFile, err := os.Create(filepath.Join(dir, "stdout.log"))
	ts.Check(err)
	cmd := exec.Command(ts.Getenv("GITEA_BIN"), "--config", conf, "web")
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stop the git processes it started too
	start := time.Now()
	ts.Check(cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	ts.Defer(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		logFile.Close()
		if out, err := os.ReadFile(logFile.Name()); err == nil && len(out) > 0 {
			ts.Logf("gitea's output:\n%s", out)
		}
	})

	host := "127.0.0.1:" + port
	waitHealthy(ts, host, exited)
	ts.Logf("gitea answered after %s", time.Since(start).Round(10*time.Millisecond))

	admin := exec.Command(ts.Getenv("GITEA_BIN"), "--config", conf, "admin", "user", "create", "--admin",
		"--username", "alice", "--email", "alice@example.com", "--password", giteaPassword, "--must-change-password=false")
	admin.Dir, admin.Env = dir, env
	if out, err := admin.CombinedOutput(); err != nil {
		ts.Fatalf("creating the administrator: %v\n%s", err, out)
	}
	ts.Setenv("GITEA_HOST", host)
	ts.Setenv("GITEA_REPOS", filepath.Join(dir, "repositories"))
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(ts *testscript.TestScript) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	ts.Check(err)
	return port
}

// waitHealthy waits for Gitea's health check to pass, at most two minutes
// (a first start creates its database), and fails if Gitea exits.
func waitHealthy(ts *testscript.TestScript, host string, exited <-chan error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get("http://" + host + "/api/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			ts.Fatalf("gitea exited before it answered: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			ts.Fatalf("gitea did not answer on %s within two minutes", host)
		}
	}
}

func giteaAPI(ts *testscript.TestScript, neg bool, args []string) {
	user := "alice"
	if len(args) > 1 && args[0] == "-u" {
		user, args = args[1], args[2:]
	}
	if len(args) != 2 && len(args) != 3 {
		ts.Fatalf("usage: gitea api [-u USER] METHOD PATH [JSON]")
	}
	var body []byte
	if len(args) == 3 {
		body = []byte(args[2])
	}
	status, resp := giteaRequest(ts, user, args[0], args[1], body)
	// Gitea answers 405 "Please try again later" while it tests in the
	// background whether a pull request can be merged, which it does again
	// after every push to the base branch: wait for it, a minute at most.
	for deadline := time.Now().Add(time.Minute); isGiteaBusy(status, resp) && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		status, resp = giteaRequest(ts, user, args[0], args[1], body)
	}
	ts.Stdout().Write(resp)
	switch {
	case status >= 400 && !neg:
		ts.Fatalf("%s %s: %d %s", args[0], args[1], status, resp)
	case status < 400 && neg:
		ts.Fatalf("%s %s: %d, want an error", args[0], args[1], status)
	}
}

// isGiteaBusy reports whether Gitea's answer asks to repeat the request once
// its background check of a pull request is done.
func isGiteaBusy(status int, resp []byte) bool {
	return status == http.StatusMethodNotAllowed && bytes.Contains(resp, []byte("Please try again later"))
}

func giteaPoll(ts *testscript.TestScript, path string, re *regexp.Regexp) {
	deadline := time.Now().Add(time.Minute)
	for {
		status, resp := giteaRequest(ts, "alice", http.MethodGet, path, nil)
		if status == http.StatusOK && re.Match(resp) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("GET %s: no match for %q within a minute; last answer %d %s", path, re, status, resp)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// giteaRequest calls the script's Gitea API as user.
func giteaRequest(ts *testscript.TestScript, user, method, path string, body []byte) (int, []byte) {
	host := ts.Getenv("GITEA_HOST")
	if host == "" {
		ts.Fatalf("gitea: no server: run gitea start first")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+host+"/api/v1"+path, bytes.NewReader(body))
	ts.Check(err)
	req.SetBasicAuth(user, giteaPassword)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.Fatalf("%s %s: reading the response: %v", method, path, err)
	}
	return resp.StatusCode, append(data, '\n')
}

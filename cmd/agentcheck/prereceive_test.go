package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestPreReceiveHTTP runs the prereceive_*.txtar scripts again, with
// gitserver serving the bare repositories over smart HTTP (git http-backend
// behind net/http/cgi on 127.0.0.1) instead of file:// URLs. TestScript runs
// them over file://.
func TestPreReceiveHTTP(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "prereceive_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no prereceive scripts: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			env.Values[gitServerKey{}] = &gitServer{}
			env.Setenv("GITSERVER_TRANSPORT", "http")
			return nil
		},
		Cmds: scriptCmds(),
	})
}

// scriptCmds are the custom commands of the end-to-end scripts.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"replay":    cmdReplay,
		"subst":     cmdSubst,
		"dsse":      cmdDSSE,
		"gitserver": cmdGitServer,
	}
}

type gitServerKey struct{}

// gitServer serves the bare repositories of one script over smart HTTP.
type gitServer struct {
	mu  sync.Mutex
	env []string // the hooks' environment, refreshed by each gitserver command
	url string
	log lockedBuffer // http-backend's own stderr
}

// lockedBuffer is a buffer that CGI handlers write concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// hookEnvVars are the variables of the script passed to git http-backend
// and so to the hooks: what the hooks need to run agentcheck, and the
// variables hosting platforms set for hooks.
var hookEnvVars = []string{
	"PATH", "HOME", "AGENTCHECK_HOME", "GIT_CONFIG_NOSYSTEM", "TZ",
	"GITHUB_USER_LOGIN", "GITHUB_REPO_NAME", "GITHUB_VIA",
	"GL_ID", "GL_USERNAME", "GL_PROTOCOL", "GL_REPOSITORY",
	"GITEA_PUSHER_NAME", "GITEA_REPO_NAME", "GITEA_PUSH_TRIGGER", "GITEA_INTERNAL_PUSH",
	"REMOTE_USER",
}

// cmdGitServer serves the bare repositories under DIR and sets $URL to
// their base URL: file://DIR, or, when the script runs under
// TestPreReceiveHTTP, an http://127.0.0.1 URL of git http-backend. Over
// HTTP the hooks see the script's variables named in hookEnvVars as they
// are when gitserver runs; run it again after changing them.
//
//	gitserver DIR
func cmdGitServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: gitserver DIR")
	}
	root := ts.MkAbs(args[0])
	srv, _ := ts.Value(gitServerKey{}).(*gitServer)
	if srv == nil {
		ts.Setenv("URL", "file://"+root)
		return
	}
	env := []string{
		"GIT_PROJECT_ROOT=" + root,
		"GIT_HTTP_EXPORT_ALL=1",
		// Anonymous pushes: http-backend refuses them unless enabled.
		"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.receivepack", "GIT_CONFIG_VALUE_0=true",
	}
	for _, k := range hookEnvVars {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	srv.mu.Lock()
	srv.env = env
	url := srv.url
	srv.mu.Unlock()
	if url != "" {
		ts.Setenv("URL", url)
		return
	}

	out, err := exec.Command("git", "--exec-path").Output()
	ts.Check(err)
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			srv.mu.Lock()
			h := &cgi.Handler{Path: backend, Root: "/git", Env: append([]string(nil), srv.env...), Stderr: &srv.log}
			srv.mu.Unlock()
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go hs.Serve(ln)
	ts.Defer(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			ts.Logf("shutting down the git server: %v", err)
		}
		if log := srv.log.String(); log != "" {
			ts.Logf("git http-backend stderr:\n%s", log)
		}
	})
	url = "http://" + ln.Addr().String() + "/git"
	srv.mu.Lock()
	srv.url = url
	srv.mu.Unlock()
	ts.Setenv("URL", url)
}

// TestExampleHooks installs the example hooks of examples/hooks as their
// guides say and pushes through them (testdata/examples/hooks.txtar).
func TestExampleHooks(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples", "hooks"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files:               []string{filepath.Join("testdata", "examples", "hooks.txtar")},
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			if err := setupScript(env); err != nil {
				return err
			}
			return os.CopyFS(filepath.Join(env.WorkDir, "examples"), os.DirFS(examples))
		},
		Cmds: scriptCmds(),
	})
}

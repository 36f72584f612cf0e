package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The driver: it installs the pinned agents from npm into a cache
// directory, builds agentcheck, and runs each agent non-interactively in
// a throwaway HOME against a real repository set up with agentcheck init,
// talking to the scripted model on 127.0.0.1.

// suite is what every run shares.
type suite struct {
	server *Server
	bin    string         // agentcheck, agentcheck-hook (a recording wrapper) and git on PATH
	agents map[string]Pin // installed agents
	cache  string         // where they are installed
	root   string         // the module's root

	mu       sync.Mutex
	payloads map[string][]payload // agent → recorded hook payloads, for the fixtures
}

// payload is one hook payload an agent sent, as recorded by the wrapper.
type payload struct {
	scenario string
	data     []byte
	home     string // the run's HOME and repository, to normalize away
	repo     string
}

// runTimeout bounds one agent session.
const runTimeout = 3 * time.Minute

// cacheDir is where the agents are installed: $AGENTCHECK_E2E_CACHE, or
// agentcheck-e2e in the user's cache directory.
func cacheDir() (string, error) {
	if d := os.Getenv("AGENTCHECK_E2E_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "agentcheck-e2e"), nil
}

// install installs a pinned agent unless the cache has it already, and
// returns the path of its command.
func install(ctx context.Context, cache string, p Pin) (string, error) {
	prefix := filepath.Join(cache, p.Agent+"-"+p.Version)
	bin := filepath.Join(prefix, p.Bin())
	if out, err := exec.CommandContext(ctx, bin, "--version").Output(); err == nil && strings.Contains(string(out), p.Version) {
		return bin, nil
	}
	if err := os.MkdirAll(prefix, 0o755); err != nil {
		return "", err
	}
	// Claude Code's install script copies the native binary of its
	// optional dependency over a placeholder: scripts must run.
	cmd := exec.CommandContext(ctx, "npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save",
		"--loglevel=error", p.Package+"@"+p.Version)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install %s@%s: %v\n%s", p.Package, p.Version, err, out)
	}
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil || !strings.Contains(string(out), p.Version) {
		return "", fmt.Errorf("%s --version after install: %q, %v", bin, out, err)
	}
	return bin, nil
}

// build builds agentcheck and agentcheck-hook into dir/real, and puts in dir
// agentcheck and a recording wrapper named agentcheck-hook: it keeps each
// payload in $AGENTCHECK_E2E_PAYLOADS, then runs the real hook on it.
func build(ctx context.Context, root, dir string) error {
	real := filepath.Join(dir, "real")
	for _, c := range [][]string{
		{"build", "-o", filepath.Join(dir, "agentcheck"), "./cmd/agentcheck"},
		{"build", "-o", filepath.Join(real, "agentcheck-hook"), "./cmd/agentcheck-hook"},
	} {
		cmd := exec.CommandContext(ctx, "go", c...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	wrapper := `#!/bin/sh
# Records the hook's payload for the e2e suite, then runs the real hook on it.
f="$AGENTCHECK_E2E_PAYLOADS/$(date +%s%N)-$$.json"
cat > "$f"
exec "` + filepath.Join(real, "agentcheck-hook") + `" "$@" < "$f"
`
	return os.WriteFile(filepath.Join(dir, "agentcheck-hook"), []byte(wrapper), 0o755)
}

// run is one scenario played with one agent.
type run struct {
	t     *testing.T
	s     *suite
	sc    *Scenario
	agent string
	name  string // the scenario's name on the server: SCENARIO-AGENT
	home  string
	repo  string
	env   []string
	base  string // the commit the session starts from
	logs  bytes.Buffer
}

func newRun(t *testing.T, s *suite, sc *Scenario, agent string) *run {
	home := t.TempDir()
	r := &run{t: t, s: s, sc: sc, agent: agent, name: sc.Name + "-" + agent, home: home, repo: filepath.Join(home, "repo")}
	payloads := filepath.Join(home, "payloads")
	if err := os.MkdirAll(payloads, 0o755); err != nil {
		t.Fatal(err)
	}
	r.env = []string{
		"HOME=" + home,
		"PATH=" + s.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"TMPDIR=" + os.TempDir(),
		"GIT_CONFIG_NOSYSTEM=1",
		"AGENTCHECK_E2E_PAYLOADS=" + payloads,
		"CODEX_HOME=" + filepath.Join(home, ".codex"),
		// Claude Code, offline and quiet.
		"ANTHROPIC_API_KEY=e2e-dummy-key",
		"ANTHROPIC_BASE_URL=" + s.server.URL() + "/s/" + r.name,
		"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
		"DISABLE_TELEMETRY=1",
		"DISABLE_AUTOUPDATER=1",
		// OpenCode, offline: no model catalogue, updates, LSP downloads,
		// sharing or default plugins from the network.
		"OPENCODE_DISABLE_MODELS_FETCH=1",
		"OPENCODE_DISABLE_AUTOUPDATE=1",
		"OPENCODE_DISABLE_LSP_DOWNLOAD=1",
		"OPENCODE_DISABLE_SHARE=1",
		"OPENCODE_DISABLE_DEFAULT_PLUGINS=1",
		// OpenCode also installs @opencode-ai/plugin from the npm registry
		// into each of its configuration directories (the home's and the
		// repository's .opencode/) at every start, through npm's Arborist,
		// which reads npm's settings from the environment. In a new home
		// that was two downloads and extractions of thousands of files a
		// session, two thirds of its time. agentcheck's plugin imports
		// nothing from that package, so npm is told it is offline: the
		// install fails at once, OpenCode logs it and goes on.
		"npm_config_offline=true",
	}
	return r
}

// cmd runs a command in the repository (or dir) with the run's
// environment and returns its stdout and error; stderr goes to the log.
func (r *run) cmdIn(dir string, extraEnv []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	path := name
	if own := filepath.Join(r.s.bin, name); !strings.Contains(name, "/") && exists(own) {
		path = own // exec looks commands up in the test's PATH, not the run's
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	fmt.Fprintf(&r.logs, "$ %s %s\n%s%s", name, strings.Join(args, " "), stdout.String(), stderr.String())
	return stdout.String(), err
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func (r *run) cmd(name string, args ...string) (string, error) {
	return r.cmdIn(r.repo, nil, name, args...)
}

// must runs a command that has to succeed.
func (r *run) must(name string, args ...string) string {
	r.t.Helper()
	out, err := r.cmd(name, args...)
	if err != nil {
		r.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, r.logs.String())
	}
	return strings.TrimSpace(out)
}

// vars are what a scenario's ${NAME} may name.
func (r *run) vars() map[string]string {
	return map[string]string{"REPO": r.repo, "WEB": r.s.server.URL() + "/web"}
}

// setup makes the repository: the scenario's files, committed; Codex's
// provider; agentcheck init, following what it says to do for Codex's
// trust; and a commit of the setup, which the session starts from.
func (r *run) setup() {
	t := r.t
	if err := os.MkdirAll(r.repo, 0o755); err != nil {
		t.Fatal(err)
	}
	r.must("git", "config", "--global", "user.name", "Alice Dev")
	r.must("git", "config", "--global", "user.email", "alice@example.com")
	r.must("git", "config", "--global", "init.defaultBranch", "main")
	r.must("git", "init", "-q")
	for name, content := range r.sc.Files {
		p := filepath.Join(r.repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(Expand(content, r.vars())), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r.must("git", "add", "-A")
	r.must("git", "commit", "-q", "--allow-empty", "-m", "initial")
	switch r.agent {
	case "codex":
		r.codexConfig()
	case "opencode":
		r.openCodeConfig()
	}
	out := r.must("agentcheck", "init", "--agent", r.agent)
	if r.agent == "codex" && (r.sc.Trust == nil || *r.sc.Trust) {
		r.followCodexTrust(out)
	}
	r.must("git", "add", "-A")
	r.must("git", "commit", "-q", "-m", "agentcheck init")
	r.base = r.must("git", "rev-parse", "HEAD")
	for name, body := range r.sc.Pages {
		r.s.server.Page(name, Expand(body, r.vars()))
	}
	r.s.server.Play(r.name, r.sc.For(r.agent, r.repo, r.vars()))
}

// codexConfig points Codex at the scripted model: a custom provider with
// the Responses API. The model must be a slug Codex knows, or it offers no
// apply_patch tool.
func (r *run) codexConfig() {
	dir := filepath.Join(r.home, ".codex")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		r.t.Fatal(err)
	}
	cfg := `model = "gpt-5.5"
model_provider = "scripted"

[model_providers.scripted]
name = "scripted"
base_url = "` + r.s.server.URL() + `/s/` + r.name + `/v1"
wire_api = "responses"
`
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// openCodeConfig points OpenCode at the scripted model through its openai
// provider, which speaks the Responses API. A gpt-5 model gets the
// apply_patch tool for edits.
func (r *run) openCodeConfig() {
	dir := filepath.Join(r.home, ".config", "opencode")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		r.t.Fatal(err)
	}
	cfg := `{
  "$schema": "https://opencode.ai/config.json",
  "provider": {"openai": {"options": {"baseURL": "` + r.s.server.URL() + `/s/` + r.name + `/v1", "apiKey": "e2e-dummy-key"}}},
  "model": "openai/gpt-5.1",
  "autoupdate": false,
  "share": "disabled"
}
`
	if err := os.WriteFile(filepath.Join(dir, "opencode.json"), []byte(cfg), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// trustStep is the command agentcheck init tells the human to run for
// Codex's trust.
var trustStep = regexp.MustCompile(`run '(agentcheck init [^']*--codex-trust[^']*)'`)

// followCodexTrust runs, word for word, the command init's output says
// makes Codex trust the hooks.
func (r *run) followCodexTrust(initOut string) {
	m := trustStep.FindStringSubmatch(initOut)
	if m == nil {
		r.t.Fatalf("agentcheck init does not say how to trust the Codex hooks:\n%s", initOut)
	}
	words := strings.Fields(m[1])
	out := r.must(words[0], words[1:]...)
	if !strings.Contains(out, "codex trust") {
		r.t.Fatalf("%s did not report Codex's trust:\n%s", m[1], out)
	}
}

// session runs the agent on the scenario's prompt.
func (r *run) session() {
	bin := r.s.agents[r.agent].Bin()
	bin = filepath.Join(r.s.cache, r.agent+"-"+r.s.agents[r.agent].Version, bin)
	prompt := Expand(r.sc.Prompt, r.vars())
	var args []string
	switch r.agent {
	case "claude-code":
		args = []string{"-p", prompt, "--permission-mode", "acceptEdits", "--allowedTools", "Bash",
			"--output-format", "stream-json", "--verbose"}
	case "codex":
		args = []string{"exec", "--skip-git-repo-check", prompt}
	case "opencode":
		// opencode run quotes an argument that holds a blank: given word
		// by word, the prompt keeps its lines (a "scope:" line) as typed.
		args = append([]string{"run"}, strings.Split(prompt, " ")...)
	}
	start := time.Now()
	_, err := r.cmd(bin, args...)
	r.t.Logf("%s session: %s", r.agent, time.Since(start).Round(100*time.Millisecond))
	if err != nil {
		r.t.Fatalf("%s: %v\n%s", r.agent, err, r.logs.String())
	}
	for _, req := range r.s.server.Requests(r.name) {
		if req.Err != "" {
			r.t.Errorf("the scripted model could not answer %s: %s", req.Path, req.Err)
		}
	}
}

// humanCommit commits what the session left when the scenario says the
// human does and the agent did not commit itself.
func (r *run) humanCommit() {
	if r.sc.Commit == "" || r.must("git", "rev-parse", "HEAD") != r.base {
		return
	}
	if r.must("git", "status", "--porcelain") == "" {
		return
	}
	r.must("git", "add", "-A")
	r.must("git", "commit", "-q", "-m", r.sc.Commit)
}

// collect keeps the payloads the agent's hooks received, for the fixtures.
func (r *run) collect() {
	files, _ := filepath.Glob(filepath.Join(r.home, "payloads", "*.json"))
	var got []payload
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			got = append(got, payload{scenario: r.sc.Name, data: data, home: r.home, repo: r.repo})
		}
	}
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.s.payloads[r.agent] = append(r.s.payloads[r.agent], got...)
	if os.Getenv("AGENTCHECK_E2E_FIXTURES") != "" && !r.t.Failed() {
		r.keepTranscript(got)
	}
}

// keepTranscript writes the transcript the agent kept of the session (the
// transcript_path of its payloads, Claude Code's JSONL or Codex's rollout
// file) as testdata/transcripts/<agent>/<scenario>.jsonl, made stable as
// the payloads are: the attest-time cross-check's tests and fuzz targets
// read them.
func (r *run) keepTranscript(got []payload) {
	for _, p := range got {
		var obj struct {
			TranscriptPath string `json:"transcript_path"`
		}
		if json.Unmarshal(p.data, &obj) != nil || obj.TranscriptPath == "" {
			continue
		}
		data, err := os.ReadFile(obj.TranscriptPath)
		if err != nil {
			continue
		}
		var out []byte
		for line := range bytes.Lines(data) {
			out = append(out, normalizeText(string(line), p.home, p.repo)...)
		}
		dir := filepath.Join(r.s.root, "testdata", "transcripts", r.agent)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, r.sc.Name+".jsonl"), out, 0o644); err != nil {
			r.t.Fatal(err)
		}
		// Claude Code keeps each subagent's turns beside it, in
		// <transcript>/subagents/agent-<id>.jsonl.
		subs, _ := filepath.Glob(filepath.Join(strings.TrimSuffix(obj.TranscriptPath, ".jsonl"), "subagents", "agent-*.jsonl"))
		for i, sub := range subs {
			data, err := os.ReadFile(sub)
			if err != nil {
				continue
			}
			name := fmt.Sprintf("%s.subagent-%d.jsonl", r.sc.Name, i+1)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(normalizeText(string(data), p.home, p.repo)), 0o644); err != nil {
				r.t.Fatal(err)
			}
		}
		return
	}
}

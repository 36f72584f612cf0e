package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkHookPreToolProcess measures one "agentcheck hook" event as a whole
// process, as an agent runs it on every tool call, beside "git rev-parse
// --git-dir" in the same repository: the floor of any git-side tool. It
// builds the real binary (the test binary links the testing packages and
// starts slower). Each sub-benchmark reports the median wall time per
// event, ms/median, besides Go's mean.
//
//	go test ./cmd/agentcheck -run XXX -bench HookPreToolProcess -benchtime 200x
func BenchmarkHookPreToolProcess(b *testing.B) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Skip("go is not installed")
	}
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "agentcheck")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	home := filepath.Join(dir, "home")
	repo := filepath.Join(dir, "repo")
	env := append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "AGENTCHECK_HOME="+filepath.Join(home, "agentcheck"),
		"CLAUDECODE=", "CLAUDE_CODE_SESSION_ID=", "CODEX_THREAD_ID=")
	run := func(stdin []byte, name string, args ...string) {
		b.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = repo, env
		if stdin != nil {
			cmd.Stdin = bytes.NewReader(stdin)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	if err := os.MkdirAll(filepath.Join(repo, "src"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		b.Fatal(err)
	}
	run(nil, "git", "init", "-q")
	run(nil, "git", "config", "user.email", "bench@example.com")
	run(nil, "git", "config", "user.name", "Bench")
	if err := os.WriteFile(filepath.Join(repo, "src", "main.go"), []byte("package main\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	run(nil, bin, "init", "--agent", "claude-code")
	run(nil, "git", "add", "-A")
	run(nil, "git", "commit", "-q", "-m", "initial")
	payload := func(event, tool, input string) []byte {
		return []byte(`{"session_id":"bench","cwd":"` + repo + `","permission_mode":"default","hook_event_name":"` + event +
			`","tool_name":"` + tool + `","tool_input":` + input + `,"tool_response":{}}`)
	}
	// A session of some length, so that reading its scope is not free.
	for i := 0; i < 200; i++ {
		run(payload("PostToolUse", "Read", `{"file_path":"`+repo+`/src/main.go"}`), bin, "hook", "--agent", "claude-code")
	}
	cases := []struct {
		name  string
		stdin []byte
		argv  []string
	}{
		{"git-rev-parse", nil, []string{"git", "rev-parse", "--git-dir"}},
		{"pre-edit-denied", payload("PreToolUse", "Edit", `{"file_path":"`+repo+`/.github/workflows/ci.yml"}`), []string{bin, "hook", "--agent", "claude-code"}},
		{"pre-edit-allowed", payload("PreToolUse", "Edit", `{"file_path":"`+repo+`/src/main.go"}`), []string{bin, "hook", "--agent", "claude-code"}},
		{"pre-bash", payload("PreToolUse", "Bash", `{"command":"go test ./..."}`), []string{bin, "hook", "--agent", "claude-code"}},
		{"post-edit", payload("PostToolUse", "Edit", `{"file_path":"`+repo+`/src/main.go"}`), []string{bin, "hook", "--agent", "claude-code"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				run(c.stdin, c.argv[0], c.argv[1:]...)
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/median")
		})
	}
}

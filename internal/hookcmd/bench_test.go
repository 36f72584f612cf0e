package hookcmd

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchRepo is a repository with one file of a kilobyte for the hook to
// record edits of, and the payload of a Claude Code PostToolUse Edit of it.
func benchRepo(b *testing.B) (dir string, payload []byte) {
	b.Helper()
	dir = b.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		b.Skipf("git init: %v %s", err, out)
	}
	file := filepath.Join(dir, "main.go")
	if err := os.WriteFile(file, bytes.Repeat([]byte("package main // some padding for a file of a kilobyte\n"), 20), 0o644); err != nil {
		b.Fatal(err)
	}
	payload = fmt.Appendf(nil, `{"session_id":"bench","cwd":%q,"permission_mode":"default","hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":%q,"old_string":"a","new_string":"b"},"tool_response":{}}`, dir, file)
	return dir, payload
}

// BenchmarkRecord is the hook's own work for one event, in-process: parse
// the payload, find the repository, hash the edited file, append to the
// journal.
func BenchmarkRecord(b *testing.B) {
	_, payload := benchRepo(b)
	for b.Loop() {
		if _, err := Record("claude-code", IO{Stdin: bytes.NewReader(payload), Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcess is the same event as the agent sees it: a whole
// agentcheck-hook process, start-up included, beside the cheapest git
// command that finds the repository. make bench reports their medians.
func BenchmarkProcess(b *testing.B) {
	dir, payload := benchRepo(b)
	bin := filepath.Join(b.TempDir(), "agentcheck-hook")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/agentcheck/agentcheck/cmd/agentcheck-hook").CombinedOutput(); err != nil {
		b.Fatalf("building agentcheck-hook: %v\n%s", err, out)
	}
	b.Run("agentcheck-hook", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command(bin, "--agent", "claude-code")
			cmd.Dir, cmd.Stdin = dir, bytes.NewReader(payload)
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				b.Fatalf("agentcheck-hook: %v %s", err, out)
			}
		}
	})
	b.Run("git-rev-parse", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command("git", "rev-parse", "--git-dir")
			cmd.Dir = dir
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecordPre is a pre-tool event that reads the runtime policy:
// the session's pinned trusted commit (refs/remotes/origin/HEAD), checked
// against the ref, then the policy at it.
func BenchmarkRecordPre(b *testing.B) {
	dir, _ := benchRepo(b)
	for _, args := range [][]string{
		{"add", "-A"},
		{"-c", "user.name=B", "-c", "user.email=b@example.com", "commit", "-q", "-m", "base"},
		{"update-ref", "refs/remotes/origin/main", "HEAD"},
		{"symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	payload := fmt.Appendf(nil, `{"session_id":"bench","cwd":%q,"permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":%q,"content":"x"}}`, dir, filepath.Join(dir, "main.go"))
	for b.Loop() {
		if _, err := Record("claude-code", IO{Stdin: bytes.NewReader(payload), Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}

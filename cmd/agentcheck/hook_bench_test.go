package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchRepo makes a repository with one file for the hook to record edits of.
func benchRepo(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	for _, args := range [][]string{{"init", "-q", dir}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), bytes.Repeat([]byte("package main // padding\n"), 40), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

func editPayload(dir string) []byte {
	return fmt.Appendf(nil, `{"session_id":"bench","cwd":%q,"permission_mode":"default","hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":%q,"old_string":"a","new_string":"b"},"tool_response":{}}`,
		dir, filepath.Join(dir, "main.go"))
}

// BenchmarkHookInProcess measures one PostToolUse edit event through the CLI
// function: parse, hash the edited file, append to the journal.
func BenchmarkHookInProcess(b *testing.B) {
	dir := benchRepo(b)
	payload := editPayload(dir)
	for b.Loop() {
		inv := &Invocation{Args: []string{"hook", "--agent", "claude-code"}, Stdin: bytes.NewReader(payload), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Dir: dir}
		if err := Run(context.Background(), inv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHookProcess measures the same event as the agent sees it: a whole
// process, startup included. Compare with BenchmarkGitRevParse.
func BenchmarkHookProcess(b *testing.B) {
	dir := benchRepo(b)
	bin := filepath.Join(b.TempDir(), "agentcheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("building agentcheck: %v\n%s", err, out)
	}
	payload := editPayload(dir)
	for b.Loop() {
		cmd := exec.Command(bin, "hook", "--agent", "claude-code")
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(payload)
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			b.Fatalf("hook: %v %s", err, out)
		}
	}
}

// BenchmarkGitRevParse is the baseline: the cheapest git command that finds
// the repository.
func BenchmarkGitRevParse(b *testing.B) {
	dir := benchRepo(b)
	for b.Loop() {
		cmd := exec.Command("git", "rev-parse", "--git-dir")
		cmd.Dir = dir
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/agents"
)

// processTable reads processes from a table: the test process's parent is
// 100, and a missing pid ends the walk.
func processTable(table map[int]agents.Process) agents.ReadProcess {
	return func(pid int) (agents.Process, error) {
		if pid == os.Getpid() {
			return agents.Process{PID: pid, PPID: 100, Name: "agentcheck"}, nil
		}
		if p, ok := table[pid]; ok {
			return p, nil
		}
		return agents.Process{}, errors.New("no such process")
	}
}

// TestApproveRefusedUnderAgent runs approve in-process, with an emptied
// environment, below a coding agent in the process tree: it refuses
// before reading anything.
func TestApproveRefusedUnderAgent(t *testing.T) {
	for name, agent := range map[string]agents.Process{
		"claude by title":     {PID: 101, PPID: 1, Name: "claude"},
		"codex":               {PID: 101, PPID: 1, Name: "codex", Args: []string{"/usr/local/bin/codex", "exec"}},
		"claude code by node": {PID: 101, PPID: 1, Name: "node", Args: []string{"node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"}},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			inv := &Invocation{
				Args:   []string{"approve", "HEAD", "--reason", "fine"},
				Stdout: &stdout, Stderr: &stderr,
				Getenv: func(string) string { return "" },
				Dir:    t.TempDir(),
				ReadProcess: processTable(map[int]agents.Process{
					100: {PID: 100, PPID: 101, Name: "sh", Args: []string{"env", "-i", "sh"}},
					101: agent,
				}),
			}
			if code := writeError(&stderr, Run(context.Background(), inv)); code != exitError {
				t.Errorf("exit code %d, want %d", code, exitError)
			}
			if want := "process 101 (" + agent.Name + ") above this one is the coding agent"; !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), want)
			}
		})
	}
}

// TestApproveRefusedInAgentSession runs approve in-process with each
// variable that marks an agent session: it refuses before reading anything.
func TestApproveRefusedInAgentSession(t *testing.T) {
	for _, v := range agents.SessionVars() {
		t.Run(v, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			inv := &Invocation{
				Args:   []string{"approve", "HEAD", "--reason", "fine"},
				Stdout: &stdout, Stderr: &stderr,
				Getenv: func(k string) string {
					if k == v {
						return "1"
					}
					return ""
				},
				Dir:         t.TempDir(), // not a repository: the refusal comes first
				ReadProcess: processTable(nil),
			}
			err := Run(context.Background(), inv)
			if code := writeError(&stderr, err); code != exitError {
				t.Errorf("exit code %d, want %d", code, exitError)
			}
			if want := "refusing to run inside an agent session (" + v + " is set)"; !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/agents"
)

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
				Dir: t.TempDir(), // not a repository: the refusal comes first
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

package githook

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcheck/agentcheck/internal/testrepo"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// openSessionAt records a session of claude-code/s1 that began at start,
// left edits (path → blob) and is still open now.
func openSessionAt(t *testing.T, r *testrepo.Repo, start time.Time, edits map[string]string) {
	t.Helper()
	events := []journal.Event{{Time: start, Agent: "claude-code", Session: "s1", Kind: journal.KindStart}}
	for path, blob := range edits {
		events = append(events, journal.Event{Time: time.Now(), Agent: "claude-code", Session: "s1", Kind: journal.KindEdit, Path: path, Blob: blob})
	}
	if err := journal.Append(journal.Path(filepath.Join(r.Dir, ".git"), "claude-code", "s1"), events); err != nil {
		t.Fatal(err)
	}
}

// guard runs the prepared reference-transaction on an update of main from
// old to new, with no agent above the hook.
func guard(t *testing.T, r *testrepo.Repo, env map[string]string, old, new string) (error, string) {
	t.Helper()
	var stderr strings.Builder
	h := &Hook{Dir: r.Dir, Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(old + " " + new + " refs/heads/main\n"), Stderr: &stderr,
		ReadProcess: noProcesses}
	err := h.Run(t.Context(), "reference-transaction", []string{"prepared"})
	return err, stderr.String()
}

func TestGuardBranches(t *testing.T) {
	r := testrepo.New(t)
	r.Write("a.txt", "base\n")
	r.Write("gone.txt", "to delete\n")
	base := r.Commit("base").Hash.String()
	sessionStart := testrepo.Time.Add(-time.Hour) // the commits are dated testrepo.Time
	agentBlob := r.Write("a.txt", "agent\n")
	openSessionAt(t, r, sessionStart, map[string]string{"a.txt": agentBlob, "gone.txt": journal.ZeroBlob})

	tree := func() string { r.Git("add", "-A"); return strings.TrimSpace(r.Git("write-tree")) }
	commitTree := func(msg string) string {
		return strings.TrimSpace(r.Git("commit-tree", "-p", base, "-m", msg, tree()))
	}
	agentsCommit := commitTree("sneaky")
	marked := commitTree("marked\n\nAgent-Session: claude-code/s1")
	r.Write("a.txt", "base\n")
	r.Git("rm", "-q", "gone.txt")
	deletion := commitTree("deletes what the agent deleted")
	r.Git("reset", "-q", "--hard", base)
	r.Write("b.txt", "human\n")
	human := commitTree("a human's other file")

	tests := []struct {
		name, new string
		env       map[string]string
		refused   string
	}{
		{"the agent's content, unmarked", agentsCommit, nil, "holds the pending edit of agent session claude-code/s1 at a.txt"},
		{"the agent's deletion, unmarked", deletion, nil, "at gone.txt"},
		{"the agent's content with its trailer", marked, nil, ""},
		{"a human's other file", human, nil, ""},
		{"a human's other file, made under the agent", human, map[string]string{"CLAUDE_CODE_SESSION_ID": "s1"}, "was made inside agent session claude-code/s1 (CLAUDE_CODE_SESSION_ID is set)"},
		{"a deletion of the branch", "0000000000000000000000000000000000000000", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err, stderr := guard(t, r, tt.env, base, tt.new)
			if tt.refused == "" {
				if err != nil || stderr != "" {
					t.Fatalf("refused: %v, %q", err, stderr)
				}
				return
			}
			if !errors.Is(err, ErrRefused) || !strings.Contains(stderr, tt.refused) {
				t.Fatalf("%v, stderr %q; want a refusal saying %q", err, stderr, tt.refused)
			}
		})
	}

	// A commit dated before the session began is not the session's.
	r2 := testrepo.New(t)
	r2.Write("a.txt", "base\n")
	base2 := r2.Commit("base").Hash.String()
	blob := r2.Write("a.txt", "agent\n")
	openSessionAt(t, r2, time.Now(), map[string]string{"a.txt": blob})
	r2.Git("add", "-A")
	old := strings.TrimSpace(r2.Git("commit-tree", "-p", base2, "-m", "dated before the session", strings.TrimSpace(r2.Git("write-tree"))))
	if err, stderr := guard(t, r2, nil, base2, old); err != nil || stderr != "" {
		t.Errorf("a commit dated before the session: %v, %q", err, stderr)
	}
}

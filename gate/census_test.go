package gate

import (
	"context"
	"errors"
	"testing"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/scope"
)

// TestIdentify: commits are identified from their metadata and notes, with
// no object store to diff them against, and no findings survive.
func TestIdentify(t *testing.T) {
	pol := scope.Default()
	rec, err := check.AgentRecognizer(pol)
	if err != nil {
		t.Fatal(err)
	}
	tr := &check.Trust{Policy: pol, Agents: rec}
	commits := []*git.Commit{
		{Message: "human change\n", Author: git.Signature{Email: "dev@example.com"}},
		{Message: "agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", Author: git.Signature{Email: "dev@example.com"}},
		{Message: "bump\n", Author: git.Signature{Email: "49699333+dependabot[bot]@users.noreply.github.com"}},
	}
	reps, err := Identify(context.Background(), tr, nil, commits)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "Claude Code: co-author trailer noreply@anthropic.com", "Dependabot: author account 49699333+dependabot[bot], not counted as an agent"}
	for i, r := range reps {
		got := ""
		if len(r.MadeBy) > 0 {
			got = r.MadeBy[0].String()
		}
		if got != want[i] || r.Manifest != check.ManifestNone || len(r.Findings) != 0 || r.Findings == nil {
			t.Errorf("commit %d: MadeBy %q, Manifest %q, findings %+v; want %q, none and no findings", i, got, r.Manifest, r.Findings, want[i])
		}
	}
	if !reps[1].Agent || reps[0].Agent || reps[2].Agent {
		t.Errorf("agent commits: %v %v %v, want only the second", reps[0].Agent, reps[1].Agent, reps[2].Agent)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Identify(ctx, tr, nil, commits); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v", err)
	}
}

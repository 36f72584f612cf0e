package githook

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcheck/agentcheck/internal/testrepo"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// BenchmarkGuardBranches is the branch guard's cost on one branch update
// while a session with 2,000 pending edits is open: the update adds 50
// commits made since the session began, each read, diffed and looked up
// in the notes. The hook runs it before every branch update of a
// repository with an open session.
func BenchmarkGuardBranches(b *testing.B) {
	r := testrepo.New(b)
	r.Write("a.txt", "base\n")
	base := r.Commit("base").Hash.String()
	events := []journal.Event{{Time: testrepo.Time.Add(-time.Hour), Agent: "claude-code", Session: "s1", Kind: journal.KindStart}}
	for i := range 2000 {
		events = append(events, journal.Event{Time: time.Now(), Agent: "claude-code", Session: "s1", Kind: journal.KindEdit,
			Path: fmt.Sprintf("src/f%d.go", i), Blob: fmt.Sprintf("%040x", i)})
	}
	if err := journal.Append(journal.Path(filepath.Join(r.Dir, ".git"), "claude-code", "s1"), events); err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		r.Write(fmt.Sprintf("human/%d.txt", i), "human\n")
		r.Commit(fmt.Sprintf("human %d", i))
	}
	tip := r.Head().Hash.String()
	r.Git("update-ref", "refs/heads/main", base)
	input := base + " " + tip + " refs/heads/main\n"
	for b.Loop() {
		h := &Hook{Dir: r.Dir, Getenv: func(string) string { return "" }, Stdin: strings.NewReader(input), Stderr: io.Discard, ReadProcess: noProcesses}
		if err := h.Run(b.Context(), "reference-transaction", []string{"prepared"}); err != nil {
			b.Fatal(err)
		}
	}
}

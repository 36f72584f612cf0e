package git

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

// BenchmarkLoadNotes indexes a notes tree of 500 manifests (fanned out as
// git does) and reads every note, as the checker does for a range of 1,000
// commits of which half are agent commits.
func BenchmarkLoadNotes(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "repo")
	p := repogen.Params{Files: 200, FanOut: 10, Commits: 1_000, ChangesPerCommit: 3, Seed: 1, AgentShare: 0.5}
	if err := repogen.Generate(context.Background(), dir, p); err != nil {
		b.Fatal(err)
	}
	if err := repogen.Repack(context.Background(), dir); err != nil {
		b.Fatal(err)
	}
	repo, err := Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	tip, err := repo.Ref(NotesRef)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			n, err := LoadNotes(repo.Objects, tip)
			if err != nil || n.Len() != 500 {
				b.Fatalf("LoadNotes: %d notes, %v", n.Len(), err)
			}
		}
	})
	b.Run("load-and-read", func(b *testing.B) {
		for b.Loop() {
			n, err := LoadNotes(repo.Objects, tip)
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range n.Commits() {
				if _, err := n.Read(c, MaxNoteSize); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

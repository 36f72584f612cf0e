package gate

import (
	"context"
	"testing"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/repogen"
)

// BenchmarkIdentifyRange is agentcheck census without the process: open the
// repository, walk the whole history of 10,001 commits packed by git gc,
// load the trusted side at the tip and the notes, and identify every
// commit. Half of them are agent commits with signed manifests, each
// verified; none is diffed. The baseline is git log printing each commit's
// people, trailers and note.
func BenchmarkIdentifyRange(b *testing.B) {
	p := repogen.Params{Files: 1_000, FanOut: 16, Commits: 10_000, ChangesPerCommit: 2, Seed: 1, AgentShare: 0.5}
	dir := repogen.BenchmarkRepo(b, p, "packed")
	gitArgs := []string{"log", "--notes=agentcheck", "--format=%H %an <%ae> %cn <%ce> %(trailers:unfold,separator=%x09) %N", "main"}
	repogen.BenchAgainstGit(b, dir, gitArgs, func() {
		repo, err := git.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer repo.Close()
		rng, err := git.ResolveRange(repo, []string{"main"})
		if err != nil {
			b.Fatal(err)
		}
		rng.Exclude, rng.Base = nil, rng.Include[0] // the whole history, trusted at its tip
		res, err := IdentifyRange(context.Background(), repo, rng, Options{Trust: TrustSource{Base: rng.Base}})
		if err != nil {
			b.Fatal(err)
		}
		valid := 0
		for _, r := range res.Reports {
			if r.Manifest == check.ManifestValid {
				valid++
			}
		}
		if len(res.Reports) != 10_001 || valid != 5_000 {
			b.Fatalf("%d commits, %d with a valid manifest; want 10001 and 5000", len(res.Reports), valid)
		}
	})
}

package gate

import (
	"context"
	"testing"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/repogen"
)

// BenchmarkCheckRange is agentcheck verify without the process: open the
// repository, walk 1,000 commits of a 50,000-file repository packed by git
// gc, load the notes and the trusted side, and check every commit. Half of
// them are agent commits with signed manifests, which are diffed and
// judged; the others are human commits. The baseline is git log --raw over
// the same range, which diffs all of them.
func BenchmarkCheckRange(b *testing.B) {
	p := repogen.Params{Files: 50_000, FanOut: 16, Commits: 1_000, ChangesPerCommit: 3, Seed: 1, AgentShare: 0.5}
	dir := repogen.BenchmarkRepo(b, p, "packed")
	gitArgs := []string{"log", "--raw", "--no-renames", "--format=%H", "main~1000..main"}
	repogen.BenchAgainstGit(b, dir, gitArgs, func() {
		repo, err := git.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer repo.Close()
		rng, err := git.ResolveRange(repo, []string{"main~1000..main"})
		if err != nil {
			b.Fatal(err)
		}
		res, err := CheckRange(context.Background(), repo, rng, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Commits) != 1000 || len(res.Report.Findings()) > 0 {
			b.Fatalf("%d commits, findings %v", len(res.Commits), res.Report.Findings())
		}
	})
}

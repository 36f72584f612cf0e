// Command repogen writes a deterministic synthetic git repository with
// internal/repogen, for the benchmark scripts in bench/.
//
//	go run ./bench/repogen -dir DIR -files 100000 -commits 1001 -changes 10 -agents 0.5
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

func main() {
	var p repogen.Params
	dir := flag.String("dir", "", "create the repository in `DIR` (must not exist or be empty)")
	flag.IntVar(&p.Files, "files", 100000, "files in the first commit")
	flag.IntVar(&p.FanOut, "fanout", 16, "files per leaf directory and subdirectories per directory")
	flag.IntVar(&p.Commits, "commits", 1001, "commits after the first one")
	flag.IntVar(&p.ChangesPerCommit, "changes", 10, "files each later commit modifies")
	flag.Uint64Var(&p.Seed, "seed", 1, "seed of the choice of files")
	flag.Float64Var(&p.AgentShare, "agents", 0, "share of agent commits with signed manifests, 0 to 1")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := repogen.Generate(context.Background(), *dir, p); err != nil {
		fmt.Fprintf(os.Stderr, "repogen: %v\n", err)
		os.Exit(1)
	}
}

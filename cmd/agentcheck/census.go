package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/agentcheck/agentcheck/audit"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
)

// runCensus lists, per agent, the commits of a range it made and how many
// carry a valid manifest: a team's exposure on its existing history before
// it turns the gate on. It reads commits and notes only, and exits 0
// whatever it finds.
func runCensus(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "census", "[RANGE...]")
	format := fs.String("format", "text", "output `format`: text, json or csv")
	output := fs.String("output", "", "write the census to `FILE` instead of stdout")
	policy := fs.String("policy", "", "read the policy from `FILE` instead of the trusted commit")
	signers := fs.String("allowed-signers", "", "read trusted keys from `FILE` instead of the trusted commit")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case "text", "json", "csv":
	default:
		return usageError("unknown format %q (want text, json or csv)", *format)
	}
	repo, _, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	rng, err := censusRange(repo, pos)
	if err != nil {
		return withHint(fmt.Errorf("resolving range: %w", err), "give a revision (its whole history) or a range like v1.0..HEAD")
	}
	src := gate.TrustSource{PolicyFile: *policy, SignersFile: *signers, Base: rng.Base}
	res, err := gate.IdentifyRange(ctx, repo, rng, gate.Options{Trust: src})
	if err != nil {
		return rangeError(err, "fix the policy at the trusted commit, or pass --policy FILE")
	}
	c := audit.BuildCensus(rng.Spec, res.Base, res.Trust, res.Commits, res.Reports)
	return writeTo(inv, *output, func(w io.Writer) error {
		switch *format {
		case "json":
			return audit.WriteCensusJSON(w, c)
		case "csv":
			return audit.WriteCensusCSV(w, c)
		}
		return audit.WriteCensusText(w, c)
	})
}

// censusRange resolves the census's arguments as git log reads them, not
// as verify does: a revision R is the whole history reachable from R, A..B
// the commits of B not in A, C^! commit C alone; the default is HEAD's whole
// history. Its Base, where the trusted side is read, is A for A..B as for
// verify, and R itself for a whole history, which has no commit outside it:
// the census gates nothing, and the keys that signed its manifests are
// those listed at its tip.
func censusRange(repo *git.Repo, args []string) (*git.Range, error) {
	if len(args) == 0 {
		args = []string{"HEAD"}
	}
	var parts []git.Range
	for _, arg := range args {
		r, err := git.ResolveRange(repo, []string{arg})
		if err != nil {
			return nil, err
		}
		if !strings.Contains(arg, "..") && !strings.HasSuffix(arg, "^!") {
			r.Exclude, r.Base = nil, r.Include[0]
		}
		parts = append(parts, *r)
	}
	if len(parts) == 1 {
		return &parts[0], nil
	}
	r := &git.Range{Base: parts[0].Base, Spec: strings.Join(args, " "), Parts: parts}
	for _, p := range parts {
		r.Include = append(r.Include, p.Include...)
		r.Exclude = append(r.Exclude, p.Exclude...)
	}
	return r, nil
}

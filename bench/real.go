package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	gitobj "github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/repogen"
	"github.com/agentcheck/agentcheck/provenance"
)

// The real-history scenario runs on prometheus/prometheus as it was
// fetched for the figures in docs/performance.md: its main branch at
// realTip. Any clone that holds that commit will do (see realUsage).
const (
	realName = "prometheus/prometheus"
	realTip  = "d15adb9ad7e5d9fbde3a9a8f30200593a5a14d86"
)

// realUsage says how to get the real repository.
const realUsage = "git clone --mirror https://github.com/prometheus/prometheus.git (it must hold commit " + realTip + "), then -real DIR"

// realRange is a range of a history: Depth first-parent commits below
// its tip, which is Commits commits in all (merged branches count).
type realRange struct {
	Depth   int
	Commits int
}

// The ranges of the real history: the 2,158 commits of the issue that
// asked for it, and a smaller and a larger one to show how memory grows.
var realRanges = []realRange{{230, 536}, {1000, 2158}, {4750, 9976}}

// shapedTargets are the commit counts of the generated history's ranges:
// the shortest ranges of at least these many commits.
var shapedTargets = []int{500, 2158, 10_000}

// shapedParams is the generated history, shaped like the real one.
var shapedParams = repogen.PrometheusShape

// historyBench is a history the history scenarios run on: the real one or
// the generated one.
type historyBench struct {
	name   string // for the table
	key    string // names its clones in the cache
	src    string // the repository
	tip    string // the commit every range ends at
	ranges []realRange
	main   realRange // the range the time ratios are taken on
}

func (hb *historyBench) spec(r realRange) string {
	return fmt.Sprintf("%s~%d..%s", hb.tip, r.Depth, hb.tip)
}

// realBench is prometheus/prometheus, from the clone given with -real.
func (b *bench) realBench(ctx context.Context) (*historyBench, error) {
	if _, err := git(ctx, b.realSrc, "cat-file", "-e", realTip+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%s lacks commit %s: %s", b.realSrc, realTip, realUsage)
	}
	hb := &historyBench{name: realName, key: "real-" + realTip[:12], src: b.realSrc, tip: realTip, ranges: realRanges, main: realRanges[1]}
	for _, r := range hb.ranges {
		n, err := countRange(ctx, hb.src, hb.spec(r))
		if err != nil {
			return nil, err
		}
		if n != r.Commits {
			return nil, fmt.Errorf("%s has %d commits, want %d", hb.spec(r), n, r.Commits)
		}
	}
	return hb, nil
}

// shapedBench is the generated history (repogen.PrometheusShape),
// generated once into the cache; its ranges are the shortest with at least
// shapedTargets commits.
func (b *bench) shapedBench(ctx context.Context) (*historyBench, error) {
	key := shapedParams.Key()
	dir := filepath.Join(b.cache, generation+"-"+key+"-packed")
	if !fileExists(filepath.Join(dir, ".git", "bench-done")) {
		logf("generating %s (once; kept in %s) ...", key, b.cache)
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := repogen.GenerateHistory(ctx, dir, shapedParams); err != nil {
			return nil, err
		}
		if err := repogen.RepackFresh(ctx, dir); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, ".git", "bench-done"), nil, 0o644); err != nil {
			return nil, err
		}
	}
	tip, err := git(ctx, dir, "rev-parse", "main")
	if err != nil {
		return nil, err
	}
	hb := &historyBench{name: "generated history (`repogen.PrometheusShape`)", key: key, src: dir, tip: tip}
	for _, want := range shapedTargets {
		r, err := hb.rangeOf(ctx, want)
		if err != nil {
			return nil, err
		}
		hb.ranges = append(hb.ranges, r)
	}
	hb.main = hb.ranges[1]
	return hb, nil
}

// rangeOf finds the shortest range below the tip with at least want
// commits, by bisecting its first-parent depth.
func (hb *historyBench) rangeOf(ctx context.Context, want int) (realRange, error) {
	out, err := git(ctx, hb.src, "rev-list", "--count", "--first-parent", hb.tip)
	if err != nil {
		return realRange{}, err
	}
	total, err := strconv.Atoi(out)
	if err != nil {
		return realRange{}, err
	}
	lo, hi := 1, total-1 // the range of depth hi has at least want commits, if any has
	for lo < hi {
		mid := (lo + hi) / 2
		n, err := countRange(ctx, hb.src, hb.spec(realRange{Depth: mid}))
		if err != nil {
			return realRange{}, err
		}
		if n >= want {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	n, err := countRange(ctx, hb.src, hb.spec(realRange{Depth: lo}))
	if err != nil {
		return realRange{}, err
	}
	if n < want {
		return realRange{}, fmt.Errorf("%s has %d commits below %s, fewer than %d", hb.src, n, hb.tip, want)
	}
	return realRange{Depth: lo, Commits: n}, nil
}

// realHistory is a history, prepared: two bare clones of the source, one
// as it is and one with a notes ref that gives every other commit of the
// longest range a signed manifest of its changes, and the trusted files
// that make every commit an agent commit.
type realHistory struct {
	*historyBench
	plain, noted    string
	policy, signers string
}

// realRepos prepares the clones of hb once, under the cache.
func (b *bench) realRepos(ctx context.Context, hb *historyBench) (*realHistory, error) {
	h := &realHistory{
		historyBench: hb,
		plain:        filepath.Join(b.cache, generation+"-"+hb.key+".git"),
		noted:        filepath.Join(b.cache, generation+"-"+hb.key+"-notes.git"),
		policy:       filepath.Join(b.tmp, "all-agents.yml"),
		signers:      filepath.Join(b.tmp, "allowed_signers"),
	}
	if err := b.realClone(ctx, hb, h.plain); err != nil {
		return nil, err
	}
	if err := b.realClone(ctx, hb, h.noted); err != nil {
		return nil, err
	}
	if err := writeRealNotes(ctx, h); err != nil {
		return nil, err
	}
	if err := os.WriteFile(h.policy, []byte("version: 1\nagents:\n  authors: [\"*\"]\n"), 0o644); err != nil {
		return nil, err
	}
	signers := provenance.AllowedSignersLine("*", repogen.Signer().PublicKey()) + "\n"
	if err := os.WriteFile(h.signers, []byte(signers), 0o644); err != nil {
		return nil, err
	}
	return h, nil
}

// realClone makes a bare clone of the source in dir, once. A local clone
// hard-links the source's packs: it takes seconds and no space.
func (b *bench) realClone(ctx context.Context, hb *historyBench, dir string) error {
	done := filepath.Join(dir, "bench-done")
	if fileExists(done) {
		return nil
	}
	logf("cloning %s into %s (once) ...", hb.src, dir)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if _, err := git(ctx, "", "clone", "-q", "--bare", "--no-tags", hb.src, dir); err != nil {
		return err
	}
	if _, err := git(ctx, dir, "update-ref", "refs/heads/main", hb.tip); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// writeRealNotes gives every other commit of the longest range, oldest
// first, a signed manifest that records exactly the changes the commit
// makes (as agentcheck diffs it), once.
func writeRealNotes(ctx context.Context, h *realHistory) error {
	dir := h.noted
	done := filepath.Join(dir, "bench-notes-done")
	if fileExists(done) {
		return nil
	}
	longest := h.spec(h.ranges[len(h.ranges)-1])
	logf("writing manifests for every other commit of %s (once) ...", longest)
	repo, err := gitobj.Open(dir, nil)
	if err != nil {
		return err
	}
	defer repo.Close()
	rng, err := gitobj.ResolveRange(repo, []string{longest})
	if err != nil {
		return err
	}
	commits, err := rng.Walk(ctx, repo.Objects)
	if err != nil {
		return err
	}
	signer := repogen.Signer()
	differ := gitobj.NewDiffer(repo.Objects)
	var notes []repogen.Note
	for i, c := range commits {
		if i%2 == 0 {
			continue
		}
		changes, err := differ.CommitChanges(c)
		if err != nil {
			return err
		}
		var paths, blobs []string
		for _, ch := range changes {
			for _, p := range ch.Paths() {
				blob := "0000000000000000000000000000000000000000" // deleted, or the old side of a rename
				if p == ch.Path && ch.Kind != gitobj.Deleted {
					blob = ch.NewBlob.String()
				}
				paths, blobs = append(paths, p), append(blobs, blob)
			}
		}
		line, err := repogen.Manifest(i, c.Hash.String(), paths, blobs, signer)
		if err != nil {
			return err
		}
		notes = append(notes, repogen.Note{Commit: c.Hash.String(), Text: line})
	}
	before, err := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack"))
	if err != nil {
		return err
	}
	if err := repogen.WriteNotes(ctx, dir, notes, time.Unix(1_700_000_000, 0)); err != nil {
		return err
	}
	if err := repackNotes(ctx, dir, before); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// repackNotes packs the notes again as git packs objects, and removes the
// pack fast-import wrote them to (the packs of dir not in before).
// fast-import deltifies each note against the note before it, oldest to
// newest, so that reading the newest resolves a chain of up to 50 deltas,
// which a check reading the notes oldest first pays again for each note;
// git keeps the newest whole, as a server's packs, and the packs a push
// sends, have them.
func repackNotes(ctx context.Context, dir string, before []string) error {
	written, err := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack"))
	if err != nil {
		return err
	}
	pack := exec.CommandContext(ctx, "git", "pack-objects", "-q", "--revs", "--no-reuse-delta", filepath.Join(dir, "objects", "pack", "pack"))
	pack.Dir, pack.Env = dir, gitEnv()
	pack.Stdin = strings.NewReader(provenance.NotesRef + "\n^refs/heads/main\n")
	if out, err := pack.CombinedOutput(); err != nil {
		return fmt.Errorf("git pack-objects of the notes: %w: %s", err, out)
	}
	for _, p := range written {
		if slices.Contains(before, p) {
			continue
		}
		base := strings.TrimSuffix(p, ".pack")
		for _, ext := range []string{".pack", ".idx", ".rev"} {
			if err := os.Remove(base + ext); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	// Every note must still be there.
	if _, err := git(ctx, dir, "rev-list", "--objects", "--missing=error", provenance.NotesRef, "^refs/heads/main"); err != nil {
		return fmt.Errorf("the notes after repacking them: %w", err)
	}
	return nil
}

// countRange counts the commits of a range with git.
func countRange(ctx context.Context, dir, spec string) (int, error) {
	out, err := git(ctx, dir, "rev-list", "--count", spec)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(out)
}

// realVerify measures verify on a history: the common case (the
// repository as it is, the built-in policy) on the main range, and the
// worst case (every commit an agent commit, every other one with a
// manifest) on every range.
func (b *bench) realVerify(ctx context.Context, hb *historyBench) error {
	h, err := b.realRepos(ctx, hb)
	if err != nil {
		return err
	}
	gitLog := func(dir string, r realRange) *command {
		return &command{name: "git log --raw", dir: dir, env: gitEnv(), args: []string{"git", "log", "--raw", "--no-renames", "--format=%H", h.spec(r)}}
	}
	logf("%s, common case: %d runs ...", h.name, b.runs)
	st, err := b.measure(ctx, 1,
		&command{name: "agentcheck verify", dir: h.plain, env: gitEnv(), ok: func(code int) bool { return code <= 1 }, // the agent commits lack manifests: AC001
			args: []string{b.bin, "verify", h.spec(h.main)}},
		gitLog(h.plain, h.main),
	)
	if err != nil {
		return err
	}
	b.rows = append(b.rows, row{
		name:     fmt.Sprintf("%s, `verify` of %s commits, built-in policy (the agent commits its registry recognises)", h.name, thousands(h.main.Commits)),
		ours:     st[0],
		baseName: "`git log --raw` of the range",
		base:     st[1], ratioTarget: 1.2, target: "≤ 1.2× git",
	})
	for _, r := range h.ranges {
		logf("%s, worst case, %s commits: %d runs ...", h.name, thousands(r.Commits), b.runs)
		st, err := b.measure(ctx, 1,
			&command{name: "agentcheck verify", dir: h.noted, env: gitEnv(), ok: func(code int) bool { return code == 1 },
				args: []string{b.bin, "verify", "--policy", h.policy, "--allowed-signers", h.signers, h.spec(r)}},
			gitLog(h.noted, r),
		)
		if err != nil {
			return err
		}
		rw := row{
			name:     fmt.Sprintf("%s, `verify` of %s commits, every commit an agent commit, every other one with a manifest (the others fail AC001)", h.name, thousands(r.Commits)),
			ours:     st[0],
			baseName: "`git log --raw` of the range",
			base:     st[1], rssTarget: 80 << 10,
		}
		if r == h.main {
			rw.ratioTarget, rw.target = 1.5, "≤ 1.5× git, ≤ 80 MB"
		} else {
			rw.target = "≤ 80 MB"
		}
		b.rows = append(b.rows, rw)
	}
	return nil
}

// realServer returns the cached bare repository the pushes go to: the
// history below the main range (its base, tip~Depth, on main), with the
// allowed signers of the manifests in its configuration, as a server's
// administrator would set them.
func (b *bench) realServer(ctx context.Context, h *realHistory) (string, error) {
	dir := filepath.Join(b.cache, generation+"-"+h.key+"-server.git")
	if !fileExists(filepath.Join(dir, "bench-done")) {
		logf("setting up the server repository of %s (once) ...", h.name)
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if _, err := git(ctx, "", "init", "-q", "--bare", dir); err != nil {
			return "", err
		}
		// The history below the range, packed for the server. Not a push:
		// the fetched mirror lacks a few large blobs of old commits (none of
		// the range's), which git push refuses to send and the server does
		// not need.
		base := fmt.Sprintf("%s~%d", h.tip, h.main.Depth)
		pack := exec.CommandContext(ctx, "git", "pack-objects", "-q", "--revs", "--missing=allow-any", filepath.Join(dir, "objects", "pack", "pack"))
		pack.Dir, pack.Env, pack.Stdin = h.plain, gitEnv(), strings.NewReader(base+"\n")
		if out, err := pack.CombinedOutput(); err != nil {
			return "", fmt.Errorf("git pack-objects: %w: %s", err, out)
		}
		id, err := git(ctx, h.plain, "rev-parse", base)
		if err != nil {
			return "", err
		}
		if _, err := git(ctx, dir, "update-ref", "refs/heads/main", id); err != nil {
			return "", err
		}
		if _, err := git(ctx, dir, "config", "agentcheck.allowedSigners", "agentcheck/allowed_signers"); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "bench-done"), nil, 0o644); err != nil {
			return "", err
		}
	}
	signers, err := os.ReadFile(h.signers)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "agentcheck"), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "agentcheck", "allowed_signers"), signers, 0o644); err != nil {
		return "", err
	}
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	hook := fmt.Sprintf("#!/bin/sh\n# written by agentcheck's bench: see bench/prereceive.go\nexec %q %s\n", self, probeCommand)
	return dir, os.WriteFile(filepath.Join(dir, "hooks", "pre-receive"), []byte(hook), 0o755)
}

// realPreReceive measures pre-receive on the push of the main range of the
// real history: as it is (no notes, the built-in policy), and with every
// commit an agent commit, every other one with a manifest in the notes
// pushed with it.
func (b *bench) realPreReceive(ctx context.Context, hb *historyBench) error {
	h, err := b.realRepos(ctx, hb)
	if err != nil {
		return err
	}
	server, err := b.realServer(ctx, h)
	if err != nil {
		return err
	}
	pushes := []struct {
		src, policy string
		wantCode    []int
		row         row
	}{
		// Its history has agent commits (Claude Code's trailers) without
		// manifests: AC001 may refuse the push.
		{h.plain, "", []int{0, 1}, row{
			name:        fmt.Sprintf("%s, `pre-receive` of a push of %s commits, built-in policy", h.name, thousands(h.main.Commits)),
			ratioTarget: 1.2, target: "≤ 1.2× git",
		}},
		{h.noted, h.policy, []int{1}, row{
			name:        fmt.Sprintf("%s, `pre-receive` of the same push, every commit an agent commit, every other one with a manifest", h.name),
			ratioTarget: 1.5, target: "≤ 1.5× git, ≤ 80 MB", rssTarget: 80 << 10,
		}},
	}
	for _, p := range pushes {
		logf("%s, pre-receive%s: %d pushes ...", h.name, map[bool]string{true: " (every commit an agent commit)", false: ""}[p.policy != ""], b.runs+1)
		rw := p.row
		if rw.ours, rw.base, err = b.pushRuns(ctx, p.src, server, h.tip, p.policy, p.wantCode...); err != nil {
			return err
		}
		rw.baseName = "`git log --raw` of the pushed range, in the hook"
		b.rows = append(b.rows, rw)
	}
	return nil
}

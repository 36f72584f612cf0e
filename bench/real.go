package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// realRange is a range of the real history: Depth first-parent commits
// below the tip, which is Commits commits in all (merged branches count).
type realRange struct {
	Depth   int
	Commits int
}

// The ranges of the scenario: the 2,158 commits of the issue that asked
// for it, and a smaller and a larger one to show how memory grows.
var realRanges = []realRange{{230, 536}, {1000, 2158}, {4750, 9976}}

// realMain is the range the time ratios are taken on.
var realMain = realRanges[1]

func (r realRange) spec() string { return fmt.Sprintf("%s~%d..%s", realTip, r.Depth, realTip) }

// realHistory is the real repository, prepared: two bare clones of the
// source, one as it is and one with a notes ref that gives every other
// commit of the longest range a signed manifest of its changes, and the
// trusted files that make every commit an agent commit.
type realHistory struct {
	plain, noted     string
	policy, signers  string
	manifests, total int // of the longest range
}

// realRepos prepares the clones once, under the cache.
func (b *bench) realRepos(ctx context.Context) (*realHistory, error) {
	if b.realSrc == "" {
		return nil, fmt.Errorf("the real-history scenario needs %s: %s", realName, realUsage)
	}
	if _, err := git(ctx, b.realSrc, "cat-file", "-e", realTip+"^{commit}"); err != nil {
		return nil, fmt.Errorf("%s lacks commit %s: %s", b.realSrc, realTip, realUsage)
	}
	h := &realHistory{
		plain:   filepath.Join(b.cache, generation+"-real-"+realTip[:12]+".git"),
		noted:   filepath.Join(b.cache, generation+"-real-"+realTip[:12]+"-notes.git"),
		policy:  filepath.Join(b.tmp, "all-agents.yml"),
		signers: filepath.Join(b.tmp, "allowed_signers"),
	}
	if err := b.realClone(ctx, h.plain); err != nil {
		return nil, err
	}
	if err := b.realClone(ctx, h.noted); err != nil {
		return nil, err
	}
	if err := writeRealNotes(ctx, h.noted); err != nil {
		return nil, err
	}
	n, err := countNotes(ctx, h.noted)
	if err != nil {
		return nil, err
	}
	h.manifests, h.total = n, realRanges[len(realRanges)-1].Commits
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
func (b *bench) realClone(ctx context.Context, dir string) error {
	done := filepath.Join(dir, "bench-done")
	if fileExists(done) {
		return nil
	}
	logf("cloning %s into %s (once) ...", b.realSrc, dir)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if _, err := git(ctx, "", "clone", "-q", "--bare", "--no-tags", b.realSrc, dir); err != nil {
		return err
	}
	if _, err := git(ctx, dir, "update-ref", "refs/heads/main", realTip); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

// writeRealNotes gives every other commit of the longest range, oldest
// first, a signed manifest that records exactly the changes the commit
// makes (as agentcheck diffs it), once.
func writeRealNotes(ctx context.Context, dir string) error {
	done := filepath.Join(dir, "bench-notes-done")
	if fileExists(done) {
		return nil
	}
	longest := realRanges[len(realRanges)-1]
	logf("writing manifests for every other commit of %s (once) ...", longest.spec())
	repo, err := gitobj.Open(dir, nil)
	if err != nil {
		return err
	}
	defer repo.Close()
	rng, err := gitobj.ResolveRange(repo, []string{longest.spec()})
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
	if err := repogen.WriteNotes(ctx, dir, notes, time.Unix(1_700_000_000, 0)); err != nil {
		return err
	}
	return os.WriteFile(done, nil, 0o644)
}

func countNotes(ctx context.Context, dir string) (int, error) {
	out, err := git(ctx, dir, "ls-tree", "-r", "--name-only", provenance.NotesRef)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range out {
		if c == '\n' {
			n++
		}
	}
	return n + 1, nil
}

// countRange counts the commits of a range with git.
func countRange(ctx context.Context, dir string, r realRange) (int, error) {
	out, err := git(ctx, dir, "rev-list", "--count", r.spec())
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(out)
}

// realVerify measures verify on the real history: the common case (the
// repository as it is, the built-in policy) on the main range, and the
// worst case (every commit an agent commit, every other one with a
// manifest) on every range.
func (b *bench) realVerify(ctx context.Context) error {
	h, err := b.realRepos(ctx)
	if err != nil {
		return err
	}
	for _, r := range realRanges {
		n, err := countRange(ctx, h.plain, r)
		if err != nil {
			return err
		}
		if n != r.Commits {
			return fmt.Errorf("%s has %d commits, want %d", r.spec(), n, r.Commits)
		}
	}
	gitLog := func(dir string, r realRange) *command {
		return &command{name: "git log --raw", dir: dir, env: gitEnv(), args: []string{"git", "log", "--raw", "--no-renames", "--format=%H", r.spec()}}
	}
	logf("real history, common case: %d runs ...", b.runs)
	st, err := b.measure(ctx, 1,
		&command{name: "agentcheck verify", dir: h.plain, env: gitEnv(), ok: func(code int) bool { return code <= 1 }, // the agent commits lack manifests: AC001
			args: []string{b.bin, "verify", realMain.spec()}},
		gitLog(h.plain, realMain),
	)
	if err != nil {
		return err
	}
	b.rows = append(b.rows, row{
		name:     fmt.Sprintf("%s, `verify` of %s commits, built-in policy (the agent commits its registry recognises)", realName, thousands(realMain.Commits)),
		ours:     st[0],
		baseName: "`git log --raw` of the range",
		base:     st[1], ratioTarget: 1.2, target: "≤ 1.2× git",
	})
	for _, r := range realRanges {
		logf("real history, worst case, %s commits: %d runs ...", thousands(r.Commits), b.runs)
		st, err := b.measure(ctx, 1,
			&command{name: "agentcheck verify", dir: h.noted, env: gitEnv(), ok: func(code int) bool { return code == 1 },
				args: []string{b.bin, "verify", "--policy", h.policy, "--allowed-signers", h.signers, r.spec()}},
			gitLog(h.noted, r),
		)
		if err != nil {
			return err
		}
		rw := row{
			name:     fmt.Sprintf("%s, `verify` of %s commits, every commit an agent commit, every other one with a manifest (the others fail AC001)", realName, thousands(r.Commits)),
			ours:     st[0],
			baseName: "`git log --raw` of the range",
			base:     st[1], rssTarget: 80 << 10,
		}
		if r == realMain {
			rw.ratioTarget, rw.target = 1.5, "≤ 1.5× git, ≤ 80 MB"
		} else {
			rw.target = "≤ 80 MB"
		}
		b.rows = append(b.rows, rw)
	}
	return nil
}

// realServer returns the cached bare repository the real pushes go to:
// the history below the main range (its base, realTip~Depth, on main),
// with the allowed signers of the manifests in its configuration, as a
// server's administrator would set them.
func (b *bench) realServer(ctx context.Context, h *realHistory) (string, error) {
	dir := filepath.Join(b.cache, generation+"-real-"+realTip[:12]+"-server.git")
	if !fileExists(filepath.Join(dir, "bench-done")) {
		logf("setting up the real server repository (once) ...")
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
		base := fmt.Sprintf("%s~%d", realTip, realMain.Depth)
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
func (b *bench) realPreReceive(ctx context.Context) error {
	h, err := b.realRepos(ctx)
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
			name:        fmt.Sprintf("%s, `pre-receive` of a push of %s commits, built-in policy", realName, thousands(realMain.Commits)),
			ratioTarget: 1.2, target: "≤ 1.2× git",
		}},
		{h.noted, h.policy, []int{1}, row{
			name:        fmt.Sprintf("%s, `pre-receive` of the same push, every commit an agent commit, every other one with a manifest", realName),
			ratioTarget: 1.5, target: "≤ 1.5× git, ≤ 80 MB", rssTarget: 80 << 10,
		}},
	}
	for _, p := range pushes {
		logf("real history, pre-receive%s: %d pushes ...", map[bool]string{true: " (every commit an agent commit)", false: ""}[p.policy != ""], b.runs+1)
		rw := p.row
		if rw.ours, rw.base, err = b.pushRuns(ctx, p.src, server, realTip, p.policy, p.wantCode...); err != nil {
			return err
		}
		rw.baseName = "`git log --raw` of the pushed range, in the hook"
		b.rows = append(b.rows, rw)
	}
	return nil
}

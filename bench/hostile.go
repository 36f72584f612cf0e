package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

// hostile measures "agentcheck verify" on each input of
// repogen.HostileCases, built to make the gate run out of time or memory
// (a note full of signatures by an untrusted key, a commit changing
// 200,000 protected files, ...). Each must fail (exit 1 or 2) within 5 s and
// 200 MB; the tests check that it fails, this measures how fast and in how
// much memory.
func (b *bench) hostile(ctx context.Context) error {
	for _, h := range repogen.HostileCases() {
		dir := filepath.Join(b.cache, "hostile-"+generation+"-"+h.Name)
		done := filepath.Join(dir, ".git", "repogen-done")
		if !fileExists(done) {
			logf("generating hostile input %s ...", h.Name)
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			if err := h.Generate(ctx, dir); err != nil {
				return err
			}
			if err := os.WriteFile(done, nil, 0o644); err != nil {
				return err
			}
		}
		want := 1
		if len(h.Rules) == 0 {
			want = 2
		}
		logf("hostile %s: %d runs ...", h.Name, b.runs)
		st, err := b.measure(ctx, 1, &command{
			name: "agentcheck verify (" + h.Name + ")", dir: dir, env: gitEnv(),
			args: []string{b.bin, "verify", h.Range()},
			ok:   func(code int) bool { return code == want },
		})
		if err != nil {
			return err
		}
		b.rows = append(b.rows, row{
			name: fmt.Sprintf("`verify` on %s (exit %d)", h.What, want), ours: st[0],
			target: "≤ 5 s, ≤ 200 MB", absTarget: 5 * time.Second, rssTarget: 200 << 10,
		})
	}
	return b.manyFindings(ctx)
}

// manyFindingsCommits is the length of the range of manyFindings.
const manyFindingsCommits = 50_000

// manyFindings measures "agentcheck verify" of a long range in which every
// commit is a finding: manyFindingsCommits unsigned commits under require:
// all, each an AC001 error. The reports are written as the check goes, so
// peak RSS must not grow with the range (docs/performance.md, "Memory"):
// at 50,000 commits it is what 10,000 cost, and the report, text or
// SARIF, is 35 or 86 MB.
func (b *bench) manyFindings(ctx context.Context) error {
	dir := filepath.Join(b.cache, fmt.Sprintf("hostile-%s-unsigned-%d", generation, manyFindingsCommits))
	done := filepath.Join(dir, ".git", "repogen-done")
	if !fileExists(done) {
		logf("generating %d unsigned commits ...", manyFindingsCommits)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		if err := unsignedHistory(ctx, dir, manyFindingsCommits); err != nil {
			return err
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			return err
		}
	}
	for _, format := range []string{"text", "sarif"} {
		logf("hostile unsigned-%d (%s): %d runs ...", manyFindingsCommits, format, b.runs)
		st, err := b.measure(ctx, 1, &command{
			name: "agentcheck verify --format " + format, dir: dir, env: gitEnv(),
			args: []string{b.bin, "verify", "--format", format, "--output", os.DevNull, "base..main"},
			ok:   func(code int) bool { return code == 1 },
		})
		if err != nil {
			return err
		}
		b.rows = append(b.rows, row{
			name:   fmt.Sprintf("`verify --format %s` of %s unsigned commits under `require: all` (%s AC001 errors, exit 1)", format, thousands(manyFindingsCommits), thousands(manyFindingsCommits)),
			ours:   st[0],
			target: "≤ 100 MB", rssTarget: 100 << 10,
		})
	}
	return nil
}

// unsignedHistory writes into dir a repository with branch base, whose
// policy says require: all, and branch main, n commits on top of it that
// each change one file, by a person who signs none of them.
func unsignedHistory(ctx context.Context, dir string, n int) error {
	if _, err := git(ctx, "", "init", "-q", "-b", "main", dir); err != nil {
		return err
	}
	var stream bytes.Buffer
	commit := func(branch string, mark int, msg string) {
		ts := 1_700_000_000 + 60*mark
		fmt.Fprintf(&stream, "commit refs/heads/%s\nmark :%d\n", branch, mark)
		fmt.Fprintf(&stream, "author Gen Author <author@example.com> %d +0000\ncommitter Gen Author <author@example.com> %d +0000\n", ts, ts)
		fmt.Fprintf(&stream, "data %d\n%s\n", len(msg), msg)
	}
	file := func(path, content string) {
		fmt.Fprintf(&stream, "M 100644 inline %s\ndata %d\n%s\n", path, len(content), content)
	}
	commit("base", 1, "base\n")
	file(".agentcheck.yml", "version: 1\nrequire: all\n")
	file("README.md", "hello\n")
	stream.WriteString("\nreset refs/heads/main\nfrom :1\n\n")
	for i := range n {
		commit("main", i+2, fmt.Sprintf("change %d of the file\n", i))
		file(fmt.Sprintf("d%d/f%d.txt", i%100, i%1000), fmt.Sprintf("revision %d\n", i))
		stream.WriteString("\n")
	}
	stream.WriteString("done\n")
	cmd := exec.CommandContext(ctx, "git", "fast-import", "--quiet", "--done")
	cmd.Dir = dir
	cmd.Env = gitEnv()
	cmd.Stdin = &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git fast-import: %w: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

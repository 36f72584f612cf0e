package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/provenance"
)

// probeCommand makes this program the pre-receive hook of the benchmark's
// server: see probe.
const probeCommand = "__prereceive-probe"

// probeResult is what one run of the probe measured.
type probeResult struct {
	Ours, Base sample
	Code       int    // agentcheck's exit status
	Stderr     string // agentcheck's last lines
}

// The probe's environment, set on the git push that runs it.
const (
	envBin    = "BENCH_AGENTCHECK" // the agentcheck binary
	envPolicy = "BENCH_POLICY"     // a --policy file, or ""
	envOut    = "BENCH_OUT"        // where to append the result
	envRSS    = "BENCH_RSS"        // a file for GNU time's output, or "": measure the peak RSS with it
)

// probe is the pre-receive hook of the benchmark's server. It runs
// "agentcheck pre-receive" on git's input, then "git log --raw" over the
// pushed range, both in the push's quarantine environment, appends what it
// measured to $BENCH_OUT, and refuses the push so that the server never
// changes.
func probe() int {
	fail := func(err error) int {
		fmt.Fprintf(os.Stderr, "bench probe: %v\n", err)
		return 2
	}
	input, err := readAll(os.Stdin)
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	args := []string{os.Getenv(envBin), "pre-receive", "--timeout", "60s"}
	if p := os.Getenv(envPolicy); p != "" {
		args = append(args, "--policy", p)
	}
	var res probeResult
	ours := &command{name: "agentcheck pre-receive", args: args, stdin: input, env: os.Environ(), ok: func(code int) bool {
		res.Code = code
		return true
	}}
	var stderr bytes.Buffer
	if res.Ours, err = ours.execStderr(ctx, os.Getenv(envRSS), &stderr); err != nil {
		return fail(err)
	}
	res.Stderr = lastLines(stderr.String(), 3)
	var old, new string
	for _, line := range strings.Split(strings.TrimSpace(string(input)), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[2] == "refs/heads/main" {
			old, new = f[0], f[1]
		}
	}
	if old == "" {
		return fail(errors.New("the push does not update refs/heads/main"))
	}
	base := &command{name: "git log --raw", args: []string{"git", "log", "--raw", "--no-renames", "--format=%H", old + ".." + new}, env: os.Environ()}
	if res.Base, err = base.exec(ctx, os.Getenv(envRSS)); err != nil {
		return fail(err)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return fail(err)
	}
	f, err := os.OpenFile(os.Getenv(envOut), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fail(err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	fmt.Fprintln(os.Stderr, "bench probe: measured; refusing the push so that the server stays as it was")
	return 1
}

func readAll(f *os.File) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(bufio.NewReader(f))
	return buf.Bytes(), err
}

// execStderr is exec with agentcheck's stderr kept.
func (c *command) execStderr(ctx context.Context, gnuTime string, stderr *bytes.Buffer) (sample, error) {
	c.stderr = stderr
	defer func() { c.stderr = nil }()
	return c.exec(ctx, gnuTime)
}

// server returns the cached bare repository the pushes go to: the first
// two commits of src (commit 0, the import, and commit 1) on main, packed.
func (b *bench) server(ctx context.Context, src string) (string, error) {
	dir := filepath.Join(b.cache, generation+"-"+pushParams.Key()+"-server.git")
	done := filepath.Join(dir, "bench-done")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	logf("setting up the server repository (once) ...")
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if _, err := git(ctx, "", "init", "-q", "--bare", dir); err != nil {
		return "", err
	}
	if _, err := git(ctx, src, "push", "-q", dir, fmt.Sprintf("main~%d:refs/heads/main", pushParams.Commits-1)); err != nil {
		return "", err
	}
	if _, err := git(ctx, dir, "repack", "-adq"); err != nil {
		return "", err
	}
	return dir, os.WriteFile(done, nil, 0o644)
}

func (b *bench) preReceive(ctx context.Context) error {
	src, err := b.repo(ctx, pushParams, false)
	if err != nil {
		return err
	}
	server, err := b.server(ctx, src)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	hook := fmt.Sprintf("#!/bin/sh\n# written by agentcheck's bench: see bench/prereceive.go\nexec %q %s\n", self, probeCommand)
	if err := os.WriteFile(filepath.Join(server, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		return err
	}
	allAgents := filepath.Join(b.tmp, "all-agents.yml")
	if err := os.WriteFile(allAgents, []byte("version: 1\nagents:\n  authors: [\"committer@example.com\"]\n"), 0o644); err != nil {
		return err
	}
	n := pushParams.Commits - 1 // commits on top of the server's main
	pushes := []struct {
		rev, policy string
		wantCode    int
		row         row
	}{
		{fmt.Sprintf("main~%d", n-1), "", 0, row{
			name:      fmt.Sprintf("`pre-receive`, push of 1 agent commit (with its manifest) into %s files", thousands(pushParams.Files)),
			absTarget: 100 * time.Millisecond, target: "≤ 100 ms",
		}},
		{"main", "", 0, row{
			name:      fmt.Sprintf("`pre-receive`, push of %s commits (%s agent commits with manifests), %d files changed each", thousands(n), thousands(agentCommits(pushParams, 2)), pushParams.ChangesPerCommit),
			absTarget: 2 * time.Second, target: "≤ 2 s",
		}},
		{"main", allAgents, 1, row{
			name:      fmt.Sprintf("`pre-receive`, the same push with every commit judged as an agent commit (%s diffed; the human ones fail AC001)", thousands(n)),
			absTarget: 2 * time.Second, target: "≤ 2 s",
		}},
	}
	for _, p := range pushes {
		logf("pre-receive: %d pushes of %s%s ...", b.runs+1, p.rev, map[bool]string{true: " (every commit an agent commit)", false: ""}[p.policy != ""])
		rw := p.row
		if rw.ours, rw.base, err = b.pushRuns(ctx, src, server, p.rev, p.policy, p.wantCode); err != nil {
			return err
		}
		rw.baseName = "`git log --raw` of the pushed range, in the hook"
		b.rows = append(b.rows, rw)
	}
	return nil
}

// pushRuns pushes rev from src to server -runs times, and once more for
// the peak RSS, checks that agentcheck exited with one of wantCode, and
// returns the medians of agentcheck and of git.
func (b *bench) pushRuns(ctx context.Context, src, server, rev, policy string, wantCode ...int) (ours, base stats, err error) {
	var results []probeResult
	for i := 0; i <= b.runs; i++ {
		rss := ""
		if i == b.runs && b.gnu {
			rss = filepath.Join(b.tmp, "rss.txt")
		}
		r, err := b.push(ctx, src, server, rev, policy, rss)
		if err != nil {
			return stats{}, stats{}, err
		}
		if !slices.Contains(wantCode, r.Code) {
			return stats{}, stats{}, fmt.Errorf("pushing %s: agentcheck pre-receive exited %d, want %v:\n%s", rev, r.Code, wantCode, r.Stderr)
		}
		results = append(results, r)
	}
	o, g := make([]sample, b.runs), make([]sample, b.runs)
	for i, r := range results[:b.runs] {
		o[i], g[i] = r.Ours, r.Base
	}
	ours, base = median(o), median(g)
	last := results[b.runs]
	ours.rss, base.rss = last.Ours.RSS, last.Base.RSS
	ours.rssBound, base.rssBound = !b.gnu, !b.gnu
	return ours, base, nil
}

// push pushes rev, with the notes when src has any, to the server, whose hook (the probe)
// measures agentcheck and refuses the push, and returns what it measured.
func (b *bench) push(ctx context.Context, src, server, rev, policy, rss string) (probeResult, error) {
	out := filepath.Join(b.tmp, "probe.jsonl")
	if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
		return probeResult{}, err
	}
	args := []string{"push", "-q", server, rev + ":refs/heads/main"}
	if _, err := git(ctx, src, "rev-parse", "-q", "--verify", provenance.NotesRef); err == nil {
		args = append(args, provenance.NotesRef+":"+provenance.NotesRef)
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = src
	cmd.Env = append(gitEnv(), envBin+"="+b.bin, envPolicy+"="+policy, envOut+"="+out, envRSS+"="+rss)
	msg, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err == nil || !errors.As(err, &exit) {
		return probeResult{}, fmt.Errorf("git push %s: %v (the probe should have refused it): %s", rev, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return probeResult{}, fmt.Errorf("git push %s: the probe measured nothing: %s", rev, lastLines(string(msg), 10))
	}
	var r probeResult
	if err := json.Unmarshal(data, &r); err != nil {
		return probeResult{}, fmt.Errorf("reading the probe's result: %w", err)
	}
	return r, nil
}

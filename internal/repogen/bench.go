package repogen

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Cached returns the repository generated from p under root in layout:
// "fastimport" (fast-import's one pack), "loose" (see [Explode]) or
// "packed" (see [Repack]). It is generated the first time and reused after;
// benchmarks pass $AGENTCHECK_BENCH_CACHE as root to keep repositories
// between runs, or a temporary directory.
func Cached(ctx context.Context, root string, p Params, layout string) (string, error) {
	dir := filepath.Join(root, "repogen-"+p.Key()+"-"+layout)
	done := filepath.Join(dir, ".git", "repogen-done")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("repogen: %w", err)
	}
	if err := Generate(ctx, dir, p); err != nil {
		return "", err
	}
	var err error
	switch layout {
	case "fastimport":
	case "loose":
		err = Explode(ctx, dir)
	case "packed":
		err = Repack(ctx, dir)
	default:
		err = fmt.Errorf("repogen: unknown layout %q", layout)
	}
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		return "", fmt.Errorf("repogen: %w", err)
	}
	return dir, nil
}

// BenchmarkRepo is [Cached] for a benchmark, under $AGENTCHECK_BENCH_CACHE
// or else b's temporary directory.
func BenchmarkRepo(b *testing.B, p Params, layout string) string {
	b.Helper()
	root := os.Getenv("AGENTCHECK_BENCH_CACHE")
	if root == "" {
		root = b.TempDir()
	}
	dir, err := Cached(context.Background(), root, p, layout)
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchAgainstGit runs op b.N times, and git with gitArgs in dir as many
// times with the timer stopped, and reports git's time per run (git-ns/op)
// and the ratio of op's to git's (x-git).
func BenchAgainstGit(b *testing.B, dir string, gitArgs []string, op func()) {
	var gitTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		op()
		b.StopTimer()
		gitTime += timeGit(b, dir, gitArgs...)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(gitTime.Nanoseconds())/float64(b.N), "git-ns/op")
	b.ReportMetric(float64(b.Elapsed())/float64(gitTime), "x-git")
}

// timeGit runs git with its output to /dev/null and returns the wall time.
func timeGit(b *testing.B, dir string, args ...string) time.Duration {
	b.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return time.Since(start)
}

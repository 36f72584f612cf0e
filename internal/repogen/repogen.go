// Package repogen builds deterministic synthetic git repositories for tests
// and benchmarks.
//
// A repository is streamed into git fast-import: a first commit that adds
// [Params.Files] files laid out in a directory tree of [Params.FanOut]
// entries per directory, then [Params.Commits] commits that each modify
// [Params.ChangesPerCommit] files chosen by a seeded random generator. The
// same parameters always give the same commit ids, so benchmark figures from
// different runs and machines describe the same history.
//
// fast-import writes one pack. [Explode] turns it into loose objects and
// [Repack] runs git gc, to measure the layouts real repositories have.
package repogen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Params describes a synthetic history.
type Params struct {
	// Files is the number of files in the first commit.
	Files int
	// FanOut is the number of files per leaf directory and of subdirectories
	// per directory above them (at least 2).
	FanOut int
	// Commits is the number of commits after the first one.
	Commits int
	// ChangesPerCommit is the number of files each of those commits modifies.
	ChangesPerCommit int
	// Seed selects the files each commit changes.
	Seed uint64
	// Branch is the branch the history is written to; "" means "main".
	Branch string
}

func (p Params) validate() error {
	switch {
	case p.Files < 1:
		return fmt.Errorf("repogen: Files is %d, want at least 1", p.Files)
	case p.FanOut < 2:
		return fmt.Errorf("repogen: FanOut is %d, want at least 2", p.FanOut)
	case p.Commits < 0:
		return fmt.Errorf("repogen: Commits is %d, want at least 0", p.Commits)
	case p.ChangesPerCommit < 0 || p.ChangesPerCommit > p.Files:
		return fmt.Errorf("repogen: ChangesPerCommit is %d, want 0 to Files (%d)", p.ChangesPerCommit, p.Files)
	}
	return nil
}

// Path returns the path of file i (0 <= i < Files) in the generated tree:
// leaf directory i/FanOut, spelled in base FanOut with one directory level
// per digit, holding file i%FanOut. For 50,000 files and a fan-out of 16
// that is three levels of directories, e.g. "d0/d12/d3/f7.txt".
func (p Params) Path(i int) string {
	leaves := (p.Files + p.FanOut - 1) / p.FanOut
	depth := 1
	for n := p.FanOut; n < leaves; n *= p.FanOut {
		depth++
	}
	parts := make([]string, depth+1)
	leaf := i / p.FanOut
	for d := depth - 1; d >= 0; d-- {
		parts[d] = fmt.Sprintf("d%d", leaf%p.FanOut)
		leaf /= p.FanOut
	}
	parts[depth] = fmt.Sprintf("f%d.txt", i%p.FanOut)
	return strings.Join(parts, "/")
}

// Generate creates a git repository in dir (which must not exist or be
// empty) holding the history p describes on branch p.Branch, checked out as
// HEAD but with no work tree files written.
func Generate(ctx context.Context, dir string, p Params) error {
	if err := p.validate(); err != nil {
		return err
	}
	branch := p.Branch
	if branch == "" {
		branch = "main"
	}
	if err := run(ctx, "", nil, "git", "init", "-q", "-b", branch, dir); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		err := writeStream(w, p, branch)
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
		errc <- err
	}()
	err := run(ctx, dir, pr, "git", "fast-import", "--quiet", "--done")
	pr.Close()
	if werr := <-errc; err == nil && werr != nil && !errors.Is(werr, io.ErrClosedPipe) {
		err = fmt.Errorf("repogen: writing fast-import stream: %w", werr)
	}
	return err
}

// writeStream writes the fast-import stream for p.
func writeStream(w *bufio.Writer, p Params, branch string) error {
	rng := rand.New(rand.NewPCG(p.Seed, 0x61676e74636b)) // "agntck"
	version := make([]int, p.Files)
	const epoch = 1_700_000_000
	var content bytes.Buffer
	blob := func(i int) []byte {
		content.Reset()
		fmt.Fprintf(&content, "file %d\nrevision %d\n", i, version[i])
		// Some filler so blobs are not trivially small.
		for l := 0; l < 4; l++ {
			fmt.Fprintf(&content, "line %d of file %d: lorem ipsum dolor sit amet\n", l, i)
		}
		return content.Bytes()
	}
	commit := func(n int, msg string) {
		ts := epoch + int64(n)*60
		fmt.Fprintf(w, "commit refs/heads/%s\n", branch)
		fmt.Fprintf(w, "author Gen Author <author@example.com> %d +0000\n", ts)
		fmt.Fprintf(w, "committer Gen Committer <committer@example.com> %d +0000\n", ts)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	}
	modify := func(i int) {
		b := blob(i)
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", p.Path(i), len(b))
		w.Write(b)
		w.WriteByte('\n')
	}
	commit(0, "initial import")
	for i := 0; i < p.Files; i++ {
		modify(i)
	}
	w.WriteByte('\n')
	picked := make(map[int]bool, p.ChangesPerCommit)
	for c := 1; c <= p.Commits; c++ {
		commit(c, fmt.Sprintf("change %d", c))
		clear(picked)
		for len(picked) < p.ChangesPerCommit {
			i := rng.IntN(p.Files)
			if picked[i] {
				continue
			}
			picked[i] = true
			version[i]++
			modify(i)
		}
		w.WriteByte('\n')
	}
	_, err := w.WriteString("done\n")
	return err
}

// Explode replaces the packs of the repository in dir with loose objects.
func Explode(ctx context.Context, dir string) error {
	packDir := filepath.Join(dir, ".git", "objects", "pack")
	packs, err := filepath.Glob(filepath.Join(packDir, "*.pack"))
	if err != nil {
		return fmt.Errorf("repogen: listing packs of %s: %w", dir, err)
	}
	for _, pack := range packs {
		data, err := os.ReadFile(pack)
		if err != nil {
			return fmt.Errorf("repogen: reading pack: %w", err)
		}
		// unpack-objects skips objects that already exist, which includes
		// those of the pack itself: remove it first.
		base := strings.TrimSuffix(pack, ".pack")
		for _, ext := range []string{".pack", ".idx", ".rev"} {
			if err := os.Remove(base + ext); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("repogen: removing pack: %w", err)
			}
		}
		if err := run(ctx, dir, bytes.NewReader(data), "git", "unpack-objects", "-q"); err != nil {
			return err
		}
	}
	return nil
}

// Repack packs the repository in dir the way real repositories are packed
// (git gc, with deltas between blobs and between trees).
func Repack(ctx context.Context, dir string) error {
	return run(ctx, dir, nil, "git", "gc", "-q", "--prune=now")
}

// run runs a git command with a controlled environment: no system or global
// configuration, so generated ids do not depend on the machine.
func run(ctx context.Context, dir string, stdin io.Reader, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("repogen: %s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

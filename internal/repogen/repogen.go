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
// With [Params.AgentShare] above zero, a share of those commits are agent
// commits: each carries an "Agent-Session:" trailer and a real signed
// manifest in refs/notes/agentcheck, built with provenance.BuildStatement
// from a synthetic session (a prompt that declares the directories it
// changes as its scope, reads, a fetch, the edits with their blob ids, a
// command) and signed with the fixed key of [Signer]; the first commit then
// also holds .agentcheck/allowed_signers, trusting that key for the author.
// The notes are written by a second fast-import stream, which fans the notes
// tree out as git does ("ab/cdef…"). Such a history passes agentcheck verify
// with the built-in policy.
//
// [HostileCases] are inputs an attacker builds to make the gate run out of
// time or memory, each one commit on a base; cmd/agentcheck's tests check
// that verify refuses each, and bench measures how fast.
//
// fast-import writes one pack. [Explode] turns it into loose objects and
// [Repack] runs git gc, to measure the layouts real repositories have.
package repogen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
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
	// AgentShare is the share of the commits after the first one that are
	// agent commits with a signed manifest, from 0 to 1; see [Params.Agent].
	AgentShare float64
}

// Agent reports whether commit c (1 to Commits; 0 is the first commit) is an
// agent commit. Agent commits are spread evenly: c is one when
// floor(c*AgentShare) > floor((c-1)*AgentShare), so with a share of 0.5 every
// even commit is.
func (p Params) Agent(c int) bool {
	if c < 1 || p.AgentShare <= 0 {
		return false
	}
	return math.Floor(float64(c)*p.AgentShare) > math.Floor(float64(c-1)*p.AgentShare)
}

// Key names the history p describes, for caches of generated repositories.
// Two Params with the same Key generate the same repository.
func (p Params) Key() string {
	k := fmt.Sprintf("f%d-o%d-c%d-k%d-s%d", p.Files, p.FanOut, p.Commits, p.ChangesPerCommit, p.Seed)
	if p.AgentShare > 0 {
		k += fmt.Sprintf("-a%g", p.AgentShare)
	}
	if p.Branch != "" && p.Branch != "main" {
		k += "-" + p.Branch
	}
	return k
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
	case !(p.AgentShare >= 0 && p.AgentShare <= 1):
		return fmt.Errorf("repogen: AgentShare is %v, want 0 to 1", p.AgentShare)
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
	marks := filepath.Join(dir, ".git", "repogen-marks")
	var sessions []session
	err := fastImport(ctx, dir, func(w *bufio.Writer) error {
		var err error
		sessions, err = writeStream(w, p, branch)
		return err
	}, "--export-marks="+marks)
	if err != nil || len(sessions) == 0 {
		return err
	}
	ids, err := readMarks(marks)
	if err != nil {
		return err
	}
	if err := os.Remove(marks); err != nil {
		return fmt.Errorf("repogen: %w", err)
	}
	signer := Signer()
	notes := make([]Note, 0, len(sessions))
	for _, s := range sessions {
		id, ok := ids[s.commit+1]
		if !ok {
			return fmt.Errorf("repogen: no id for commit %d", s.commit)
		}
		line, err := Manifest(s.commit, id, s.paths, s.blobs, signer)
		if err != nil {
			return err
		}
		notes = append(notes, Note{Commit: id, Text: line})
	}
	return WriteNotes(ctx, dir, notes, time.Unix(epoch+int64(p.Commits+1)*60, 0))
}

// fastImport runs git fast-import in dir on the stream write produces.
func fastImport(ctx context.Context, dir string, write func(*bufio.Writer) error, args ...string) error {
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		err := write(w)
		if err == nil {
			_, err = w.WriteString("done\n")
		}
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
		errc <- err
	}()
	err := run(ctx, dir, pr, "git", append([]string{"fast-import", "--quiet", "--done"}, args...)...)
	pr.Close()
	if werr := <-errc; err == nil && werr != nil && !errors.Is(werr, io.ErrClosedPipe) {
		err = fmt.Errorf("repogen: writing fast-import stream: %w", werr)
	}
	return err
}

// session is what an agent commit's manifest is built from: the commit's
// mark and the files it changed, with their new blob ids.
type session struct {
	commit int
	paths  []string
	blobs  []string
}

const (
	epoch       = 1_700_000_000
	authorEmail = "author@example.com"
	signersPath = ".agentcheck/allowed_signers"
)

// writeStream writes the fast-import stream for p's commits. Commit c gets
// mark c+1. It returns the agent sessions, in commit order.
func writeStream(w *bufio.Writer, p Params, branch string) ([]session, error) {
	rng := rand.New(rand.NewPCG(p.Seed, 0x61676e74636b)) // "agntck"
	version := make([]int, p.Files)
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
		fmt.Fprintf(w, "commit refs/heads/%s\nmark :%d\n", branch, n+1)
		fmt.Fprintf(w, "author Gen Author <%s> %d +0000\n", authorEmail, ts)
		fmt.Fprintf(w, "committer Gen Committer <committer@example.com> %d +0000\n", ts)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	}
	inline := func(path string, b []byte) {
		fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", path, len(b))
		w.Write(b)
		w.WriteByte('\n')
	}
	commit(0, "initial import")
	for i := 0; i < p.Files; i++ {
		inline(p.Path(i), blob(i))
	}
	if p.AgentShare > 0 {
		inline(signersPath, AllowedSigners())
	}
	w.WriteByte('\n')
	var sessions []session
	picked := make(map[int]bool, p.ChangesPerCommit)
	order := make([]int, 0, p.ChangesPerCommit)
	for c := 1; c <= p.Commits; c++ {
		msg := fmt.Sprintf("change %d", c)
		if p.Agent(c) {
			msg += "\n\nAgent-Session: claude-code/" + sessionID(c)
		}
		commit(c, msg)
		clear(picked)
		order = order[:0]
		for len(picked) < p.ChangesPerCommit {
			i := rng.IntN(p.Files)
			if picked[i] {
				continue
			}
			picked[i] = true
			order = append(order, i)
		}
		s := session{commit: c}
		for _, i := range order {
			version[i]++
			b := blob(i)
			inline(p.Path(i), b)
			if p.Agent(c) {
				s.paths = append(s.paths, p.Path(i))
				s.blobs = append(s.blobs, blobID(b))
			}
		}
		if p.Agent(c) {
			sessions = append(sessions, s)
		}
		w.WriteByte('\n')
	}
	return sessions, nil
}

func sessionID(c int) string { return fmt.Sprintf("bench-%d", c) }

// blobID returns git's id of a blob with content b.
func blobID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// readMarks reads a marks file fast-import exported: ":MARK ID" lines.
func readMarks(path string) (map[int]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("repogen: reading marks: %w", err)
	}
	ids := map[int]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var mark int
		var id string
		if _, err := fmt.Sscanf(line, ":%d %s", &mark, &id); err != nil {
			return nil, fmt.Errorf("repogen: marks line %q: %w", line, err)
		}
		ids[mark] = id
	}
	return ids, nil
}

// Note is the note of one commit: a manifest line, for instance.
type Note struct {
	Commit string // the commit's full hex id
	Text   []byte // the note, without its final newline
}

// WriteNotes writes one commit holding notes on provenance.NotesRef of the
// repository in dir, which must not have that ref yet. fast-import
// fans the notes tree out as git notes does ("ab/cdef…"), and at is the
// commit's time, so the same notes give the same notes commit.
func WriteNotes(ctx context.Context, dir string, notes []Note, at time.Time) error {
	return fastImport(ctx, dir, func(w *bufio.Writer) error {
		msg := "Notes added by 'agentcheck attest'\n"
		fmt.Fprintf(w, "commit %s\n", provenance.NotesRef)
		fmt.Fprintf(w, "committer Gen Committer <committer@example.com> %d +0000\n", at.Unix())
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		for _, n := range notes {
			fmt.Fprintf(w, "N inline %s\ndata %d\n%s\n\n", n.Commit, len(n.Text)+1, n.Text)
		}
		return w.WriteByte('\n')
	})
}

// Manifest returns the note line of agent commit c (number c of the
// history, id commit) that changed paths to blobs: a DSSE envelope over the
// statement provenance.BuildStatement makes of a synthetic session, signed
// by signer.
func Manifest(c int, commit string, paths, blobs []string, signer ssh.Signer) ([]byte, error) {
	at := time.Unix(epoch+int64(c)*60-50, 0).UTC()
	ev := func(k journal.Kind) journal.Event {
		at = at.Add(time.Second)
		return journal.Event{Time: at, Agent: "claude-code", Session: sessionID(c), Kind: k}
	}
	start := ev(journal.KindStart)
	start.AgentVersion, start.Model, start.PermissionMode = "2.0.0", "claude-bench", "acceptEdits"
	prompt := ev(journal.KindPrompt)
	var dirs []string
	for _, p := range paths {
		d := path.Dir(p) + "/**"
		if path.Dir(p) == "." {
			d = p // a file at the root is declared alone
		}
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	prompt.Text = fmt.Sprintf("Apply change %d to the generated files.\nscope: %s", c, strings.Join(dirs, " "))
	for _, d := range dirs {
		prompt.Scope = append(prompt.Scope, journal.ScopeDecl{Glob: d, Source: journal.SourceDirective})
	}
	events := []journal.Event{start, prompt}
	for _, p := range paths {
		e := ev(journal.KindRead)
		e.Path, e.Tool = p, "Read"
		events = append(events, e)
	}
	fetch := ev(journal.KindFetch)
	fetch.URL = "https://pkg.go.dev/strings"
	events = append(events, fetch)
	for i, p := range paths {
		e := ev(journal.KindEdit)
		e.Path, e.Blob, e.Tool = p, blobs[i], "Edit"
		events = append(events, e)
	}
	exec := ev(journal.KindExec)
	exec.Command, exec.Tool = "go test ./...", "Bash"
	events = append(events, exec, ev(journal.KindStop))
	st, err := provenance.BuildStatement(events, provenance.BuildOptions{Commit: commit, Changed: paths})
	if err != nil {
		return nil, fmt.Errorf("repogen: %w", err)
	}
	env, err := provenance.SignStatement(st, signer)
	if err != nil {
		return nil, fmt.Errorf("repogen: %w", err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		return nil, fmt.Errorf("repogen: %w", err)
	}
	return line, nil
}

// Signer returns the fixed ed25519 key that signs generated manifests. Its
// seed is public: never trust it outside tests and benchmarks.
func Signer() ssh.Signer {
	seed := sha256.Sum256([]byte("agentcheck repogen signing key"))
	s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		panic(err) // an ed25519 key is always accepted
	}
	return s
}

// AllowedSigners returns the allowed_signers file of generated
// repositories: Signer's key, trusted for the generated author's email.
func AllowedSigners() []byte {
	return []byte(provenance.AllowedSignersLine(authorEmail, Signer().PublicKey()) + "\n")
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

// RepackFresh packs the repository in dir anew, computing every delta
// again (git repack -a -d -f), as a server's repack lays a pack out.
// fast-import deltifies each object against the one written before it, old
// to new, the reverse of git's order; [Repack] reuses those deltas, which
// leaves the newest trees at the ends of long delta chains, and a range
// near the tip then costs a reader several times what it costs in a
// repository git packed.
func RepackFresh(ctx context.Context, dir string) error {
	return run(ctx, dir, nil, "git", "repack", "-a", "-d", "-f", "-q")
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

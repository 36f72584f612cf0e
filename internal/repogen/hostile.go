package repogen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Hostile is an input an attacker builds to make the gate run out of time
// or memory: one commit on top of a base that trusts [Signer] for the
// generated author, with whatever note and tree the attack needs. verify
// must refuse each within the gate's bounds; the tests check that it does,
// and bench/resources measures how long it takes and how much memory.
type Hostile struct {
	// Name names the case, e.g. untrusted-signatures.
	Name string
	// What says what the input is, in a line.
	What string
	// Rules are the rules of findings verify must report (with exit 1);
	// none when verify must refuse with an error (exit 2) instead.
	Rules []string
	// attack writes the attacking commit (mark :2, on top of the base,
	// mark :1) to the fast-import stream.
	attack func(w *bufio.Writer)
	// note, if set, returns the note lines of the attacking commit, given
	// its id.
	note func(commit string) ([][]byte, error)
}

// Range is the range that holds the attacking commit.
func (h Hostile) Range() string { return "base..attack" }

// maxNoteSize is the largest note the gate reads (internal/git's
// MaxNoteSize, which this package cannot import: internal/git's benchmarks
// import it).
const maxNoteSize = 16 << 20

// HostileCases returns the cases, in a fixed order.
func HostileCases() []Hostile {
	return []Hostile{
		{
			Name:  "untrusted-signatures",
			What:  "a 16 MiB note of manifests, each with the most signatures an envelope may have, by a 16,384-bit RSA key nobody trusts",
			Rules: []string{"AC002"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "fix a typo\n\nAgent-Session: claude-code/hostile\n")
				inlineFile(w, "README.md", []byte("hallo\n"))
			},
			note: untrustedSignatures,
		},
		{
			Name:  "duplicate-sessions",
			What:  "one large signed session manifest, repeated to fill a 16 MiB note",
			Rules: []string{"AC004", "AC005"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "tidy\n\nAgent-Session: claude-code/hostile\n")
				manyFiles(w, "src/f%d.go", sessionFiles)
				inlineFile(w, ".github/workflows/ci.yml", []byte("on: push\n"))
			},
			note: func(commit string) ([][]byte, error) { return sessions(commit, false) },
		},
		{
			Name:  "many-sessions",
			What:  "as many different large sessions as a 16 MiB note holds, each signed by the trusted key",
			Rules: []string{"AC009", "AC004"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "tidy\n\nAgent-Session: claude-code/hostile\n")
				manyFiles(w, "src/f%d.go", sessionFiles)
				inlineFile(w, ".github/workflows/ci.yml", []byte("on: push\n"))
			},
			note: func(commit string) ([][]byte, error) { return sessions(commit, true) },
		},
		{
			Name:  "note-lines",
			What:  "a 16 MiB note of two million short lines that are no manifest",
			Rules: []string{"AC009"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "fix a typo\n\nAgent-Session: claude-code/hostile\n")
				inlineFile(w, "README.md", []byte("hallo\n"))
			},
			note: func(string) ([][]byte, error) {
				lines := make([][]byte, 0, 2_000_000)
				for i := range cap(lines) {
					lines = append(lines, fmt.Appendf(nil, "x%d", i%1000))
				}
				return lines, nil
			},
		},
		{
			Name:  "protected-files",
			What:  "an agent commit that adds 200,000 workflow files (in .github/workflows/d000/ to d199/)",
			Rules: []string{"AC009", "AC004"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "add workflows\n\nAgent-Session: claude-code/hostile\n")
				// In directories of a thousand: fast-import takes a minute
				// over one directory of 200,000 entries.
				manyFilesNamed(w, 200_000, func(i int) string { return fmt.Sprintf(".github/workflows/d%03d/w%03d.yml", i/1000, i%1000) })
			},
		},
		{
			Name:  "huge-tree",
			What:  "an agent commit that adds a million files in a thousand directories, with a .git at the end",
			Rules: []string{"AC014", "AC009"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "vendor\n\nAgent-Session: claude-code/hostile\n")
				manyFilesNamed(w, 1_000_000, func(i int) string { return fmt.Sprintf("src/d%03d/f%03d", i/1000, i%1000) })
				inlineFile(w, "src/zzz/.git/config", []byte("[core]\n\tfsmonitor = touch pwned\n"))
			},
		},
		{
			Name:  "deep-tree",
			What:  "an agent commit with a file 5,000 directories deep",
			Rules: []string{"AC014"},
			attack: func(w *bufio.Writer) {
				attackCommit(w, "nest\n\nAgent-Session: claude-code/hostile\n")
				inlineFile(w, strings.Repeat("d/", 5000)+"f", []byte("deep\n"))
			},
		},
		{
			Name: "huge-message",
			What: "an agent commit whose message is 64 MiB of trailers",
			attack: func(w *bufio.Writer) {
				msg := "x\n\n" + strings.Repeat("Agent-Session: claude-code/hostile\n", 64<<20/35)
				attackCommit(w, msg)
				inlineFile(w, "README.md", []byte("hallo\n"))
			},
		},
	}
}

// Generate writes the case's repository into dir (which must not exist or
// be empty): branch base with the base commit, branch attack with the
// attacking commit, and its note in refs/notes/agentcheck.
func (h Hostile) Generate(ctx context.Context, dir string) error {
	if err := run(ctx, "", nil, "git", "init", "-q", "-b", "attack", dir); err != nil {
		return err
	}
	marks := filepath.Join(dir, ".git", "repogen-marks")
	err := fastImport(ctx, dir, func(w *bufio.Writer) error {
		commitHeader(w, "base", 1, 0, "base\n")
		inlineFile(w, signersPath, AllowedSigners())
		inlineFile(w, "README.md", []byte("hello\n"))
		w.WriteString("\nreset refs/heads/attack\nfrom :1\n\n")
		h.attack(w)
		w.WriteByte('\n')
		return nil
	}, "--export-marks="+marks)
	if err != nil || h.note == nil {
		return err
	}
	ids, err := readMarks(marks)
	if err != nil {
		return err
	}
	lines, err := h.note(ids[2])
	if err != nil {
		return err
	}
	return fastImport(ctx, dir, func(w *bufio.Writer) error {
		n := 0
		for _, l := range lines {
			n += len(l) + 1
		}
		fmt.Fprintf(w, "commit %s\ncommitter Gen Committer <committer@example.com> %d +0000\ndata 0\n", provenance.NotesRef, epoch)
		fmt.Fprintf(w, "N inline %s\ndata %d\n", ids[2], n)
		for _, l := range lines {
			w.Write(l)
			w.WriteByte('\n')
		}
		w.WriteString("\n")
		return nil
	})
}

// commitHeader writes the header of commit mark on branch, by the
// generated author.
func commitHeader(w *bufio.Writer, branch string, mark, n int, msg string) {
	ts := epoch + int64(n)*60
	fmt.Fprintf(w, "commit refs/heads/%s\nmark :%d\n", branch, mark)
	fmt.Fprintf(w, "author Gen Author <%s> %d +0000\n", authorEmail, ts)
	fmt.Fprintf(w, "committer Gen Author <%s> %d +0000\n", authorEmail, ts)
	fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
}

// attackCommit writes the header of the attacking commit.
func attackCommit(w *bufio.Writer, msg string) { commitHeader(w, "attack", 2, 1, msg) }

func inlineFile(w *bufio.Writer, path string, data []byte) {
	fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", path, len(data))
	w.Write(data)
	w.WriteByte('\n')
}

// manyFiles adds n files named by format (given i), all with one blob.
func manyFiles(w *bufio.Writer, format string, n int) {
	manyFilesNamed(w, n, func(i int) string { return fmt.Sprintf(format, i) })
}

// manyFilesNamed adds n files, file i named name(i), all with one blob.
func manyFilesNamed(w *bufio.Writer, n int, name func(i int) string) {
	fmt.Fprintf(w, "M 100644 inline %s\ndata 2\nx\n\n", name(0))
	for i := 1; i < n; i++ {
		fmt.Fprintf(w, "M 100644 %s %s\n", blobID([]byte("x\n")), name(i))
	}
}

// sessionFiles is how many files the attacking commit of the session cases
// changes, and each of its sessions records.
const sessionFiles = 2_000

// sessions returns note lines that fill a 16 MiB note with large session
// manifests about commit, signed by the trusted key: one manifest repeated,
// or each a different session. Each records the commit's files, thousands
// of commands and reads, and declares src/** but not the workflow.
func sessions(commit string, distinct bool) ([][]byte, error) {
	var lines [][]byte
	size := 0
	for i := 0; ; i++ {
		id := "hostile"
		if distinct {
			id = fmt.Sprintf("hostile-%d", i)
		}
		line, err := bigManifest(commit, id)
		if err != nil {
			return nil, err
		}
		if size+len(line)+1 > maxNoteSize {
			return lines, nil
		}
		size += len(line) + 1
		lines = append(lines, line)
	}
}

func bigManifest(commit, id string) ([]byte, error) {
	at := time.Unix(epoch, 0).UTC()
	ev := func(k journal.Kind) journal.Event {
		at = at.Add(time.Second)
		return journal.Event{Time: at, Agent: "claude-code", Session: id, Kind: k}
	}
	prompt := ev(journal.KindPrompt)
	prompt.Text = "tidy the sources\nscope: src/**"
	prompt.Scope = []journal.ScopeDecl{{Glob: "src/**", Source: journal.SourceDirective}}
	events := []journal.Event{ev(journal.KindStart), prompt}
	var changed []string
	blob := blobID([]byte("x\n"))
	for i := range sessionFiles {
		p := fmt.Sprintf("src/f%d.go", i)
		changed = append(changed, p)
		r := ev(journal.KindRead)
		r.Path, r.Tool = p, "Read"
		x := ev(journal.KindExec)
		x.Command, x.Tool = fmt.Sprintf("go test ./src/... -run 'Test%d' | tee /tmp/out%d.txt && curl -sS https://pkg.go.dev/ -o /dev/null", i, i), "Bash"
		e := ev(journal.KindEdit)
		e.Path, e.Blob, e.Tool = p, blob, "Edit"
		events = append(events, r, x, e)
	}
	st, err := provenance.BuildStatement(events, provenance.BuildOptions{Commit: commit, Changed: changed})
	if err != nil {
		return nil, fmt.Errorf("repogen: %w", err)
	}
	env, err := provenance.SignStatement(st, Signer())
	if err != nil {
		return nil, fmt.Errorf("repogen: %w", err)
	}
	return env.MarshalLine()
}

// untrustedSignatures returns note lines that fill a 16 MiB note: each a
// manifest about commit (each of a different session, so that no two lines
// are alike) carrying as many signatures as an envelope may have by a 16,384-bit RSA key that nobody
// trusts. The signatures are not valid; checking one costs as much as if
// it were.
func untrustedSignatures(commit string) ([][]byte, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	const bits = 16384
	n := new(big.Int)
	buf := make([]byte, bits/8)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	buf[0] |= 0x80
	buf[len(buf)-1] |= 1
	n.SetBytes(buf)
	pub, err := ssh.NewPublicKey(&rsa.PublicKey{N: n, E: 65537})
	if err != nil {
		return nil, fmt.Errorf("repogen: %w", err)
	}
	sigBytes := make([]byte, bits/8)
	for i := range sigBytes {
		sigBytes[i] = byte(rng.Uint32())
	}
	sigBytes[0] = 0
	sig := &provenance.SSHSig{PublicKey: pub, Namespace: provenance.SignatureNamespace, HashAlgorithm: "sha512",
		Signature: &ssh.Signature{Format: ssh.KeyAlgoRSASHA512, Blob: sigBytes}}
	b64 := base64.StdEncoding.EncodeToString(sig.Marshal())
	var lines [][]byte
	size := 0
	for i := 0; ; i++ {
		events := []journal.Event{{Time: time.Unix(epoch, 0).UTC(), Agent: "claude-code", Session: fmt.Sprintf("s%d", i), Kind: journal.KindStart}}
		st, err := provenance.BuildStatement(events, provenance.BuildOptions{Commit: commit})
		if err != nil {
			return nil, fmt.Errorf("repogen: %w", err)
		}
		env, err := provenance.SignStatement(st, Signer()) // for its payload: its signature is replaced
		if err != nil {
			return nil, fmt.Errorf("repogen: %w", err)
		}
		env.Signatures = env.Signatures[:0]
		for range provenance.MaxSignatures {
			env.Signatures = append(env.Signatures, provenance.Signature{Sig: b64})
		}
		line, err := env.MarshalLine()
		if err != nil {
			return nil, fmt.Errorf("repogen: %w", err)
		}
		b := bytes.NewBuffer(line)
		if size+b.Len()+1 > maxNoteSize {
			return lines, nil
		}
		size += b.Len() + 1
		lines = append(lines, line)
	}
}

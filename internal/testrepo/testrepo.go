// Package testrepo makes real git repositories for the tests of the
// packages that attest, approve and run the git hooks: a repository in a
// temporary directory with git's configuration limited to what the test
// sets, deterministic SSH keys, and session journals.
package testrepo

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Repo is a real git repository in a temporary directory, with git's
// configuration limited to what the test sets: the user is Alice Dev
// (alice@example.com, in the environment and the repository's
// configuration), and every commit is dated [Time].
type Repo struct {
	t    testing.TB
	Dir  string // the work tree
	keys string // the directory of the test keys
}

// Time is the date of every commit, and when sessions start.
var Time = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// New makes a repository (branch main, no commit yet) and the keys of
// alice, bob and mallory. It sets the process's environment for the test
// (git runs with it), so tests that use it cannot run in parallel.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Alice Dev", "GIT_AUTHOR_EMAIL": "alice@example.com",
		"GIT_COMMITTER_NAME": "Alice Dev", "GIT_COMMITTER_EMAIL": "alice@example.com",
		"GIT_AUTHOR_DATE": "2026-11-26T10:00:00Z", "GIT_COMMITTER_DATE": "2026-11-26T10:00:00Z",
	} {
		t.Setenv(k, v)
	}
	unset := append([]string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "SSH_AUTH_SOCK", provenance.EnvSigningKey, provenance.EnvHome}, agents.SessionVars()...)
	for _, k := range unset {
		t.Setenv(k, "") // restored at the end of the test
		os.Unsetenv(k)
	}
	r := &Repo{t: t, Dir: t.TempDir(), keys: t.TempDir()}
	r.Git("init", "-q", "-b", "main")
	r.Git("config", "user.name", "Alice Dev")
	r.Git("config", "user.email", "alice@example.com")
	for _, name := range []string{"alice", "bob", "mallory"} {
		r.writeKey(name)
	}
	return r
}

// Git runs git in the repository and returns its output.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	out, err := gitcli.Output(context.Background(), r.Dir, args...)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// Write writes a file of the work tree and returns its blob id.
func (r *Repo) Write(path, content string) string {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
	return r.Git("hash-object", path)
}

// Commit commits everything in the work tree and returns the commit.
func (r *Repo) Commit(msg string) *git.Commit {
	r.t.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Head()
}

// Head returns the commit HEAD names.
func (r *Repo) Head() *git.Commit {
	r.t.Helper()
	repo := r.Open()
	defer repo.Close()
	c, err := git.ResolveCommit(repo, "HEAD")
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// Open opens the repository; the caller closes it.
func (r *Repo) Open() *git.Repo {
	r.t.Helper()
	repo, err := git.Open(r.Dir, os.Getenv)
	if err != nil {
		r.t.Fatal(err)
	}
	return repo
}

// Session records a session of agent that was given a prompt and left
// the edits (path → blob) and ran the commands.
func (r *Repo) Session(agent, id string, edits map[string]string, commands ...string) {
	r.t.Helper()
	at := Time
	ev := func(k journal.Kind) journal.Event {
		at = at.Add(time.Second)
		return journal.Event{Time: at, Agent: agent, Session: id, Kind: k}
	}
	start := ev(journal.KindStart)
	prompt := ev(journal.KindPrompt)
	prompt.Text = "fix the greeting"
	events := []journal.Event{start, prompt}
	for _, c := range commands {
		e := ev(journal.KindExec)
		e.Command = c
		events = append(events, e)
	}
	for path, blob := range edits {
		e := ev(journal.KindEdit)
		e.Path, e.Blob = path, blob
		events = append(events, e)
	}
	if err := journal.Append(journal.Path(filepath.Join(r.Dir, ".git"), agent, id), events); err != nil {
		r.t.Fatal(err)
	}
}

// Journal reads a session's journal.
func (r *Repo) Journal(agent, id string) *journal.Journal {
	r.t.Helper()
	j, err := journal.Read(journal.Path(filepath.Join(r.Dir, ".git"), agent, id))
	if err != nil {
		r.t.Fatal(err)
	}
	return j
}

// Note returns the lines of a commit's agentcheck note.
func (r *Repo) Note(c *git.Commit) []string {
	r.t.Helper()
	out, err := gitcli.Output(context.Background(), r.Dir, "notes", "--ref", provenance.NotesRef, "show", c.Hash.String())
	if err != nil {
		return nil
	}
	return strings.Split(out, "\n")
}

// writeKey writes a deterministic ed25519 key for name@example.com, and
// its allowed_signers line beside it (NAME.allowed).
func (r *Repo) writeKey(name string) {
	r.t.Helper()
	seed := sha256.Sum256([]byte("agentcheck test key " + name))
	priv := ed25519.NewKeyFromSeed(seed[:])
	block, err := ssh.MarshalPrivateKey(priv, name+"@example.com")
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(r.Key(name), pem.EncodeToMemory(block), 0o600); err != nil {
		r.t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		r.t.Fatal(err)
	}
	line := provenance.AllowedSignersLine(name+"@example.com", pub) + "\n"
	if err := os.WriteFile(r.Key(name)+".allowed", []byte(line), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Key returns the path of name's private key.
func (r *Repo) Key(name string) string { return filepath.Join(r.keys, name) }

// Allowed returns the allowed_signers lines of the names' keys.
func (r *Repo) Allowed(names ...string) string {
	r.t.Helper()
	var b strings.Builder
	for _, n := range names {
		data, err := os.ReadFile(r.Key(n) + ".allowed")
		if err != nil {
			r.t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// Manifest decodes a line of a note as a session manifest and verifies
// it with name's key for commit c.
func (r *Repo) Manifest(c *git.Commit, line string, name string) *provenance.SessionPredicate {
	r.t.Helper()
	signers, err := provenance.ParseAllowedSigners([]byte(r.Allowed(name)), "test")
	if err != nil {
		r.t.Fatal(err)
	}
	env, err := provenance.ParseEnvelope([]byte(line))
	if err != nil {
		r.t.Fatal(err)
	}
	v, err := provenance.VerifyEnvelope(env, provenance.VerifyOptions{Signers: signers, Emails: []string{c.Author.Email}, Commit: c.Hash.String(), At: c.Committer.When})
	if err != nil {
		r.t.Fatalf("the manifest does not verify with %s's key: %v", name, err)
	}
	p, err := provenance.DecodeSessionPredicate(v.Statement)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

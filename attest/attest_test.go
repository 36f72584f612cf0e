package attest

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/testrepo"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

func TestAttestSealsPendingEdits(t *testing.T) {
	var stderr bytes.Buffer
	r := testrepo.New(t)
	ctx := context.Background()
	r.Write("README.md", "hello\n")
	r.Commit("base")
	blob := r.Write("README.md", "hello, world\n")
	r.Session("claude-code", "s1", map[string]string{"README.md": blob}, "curl -H 'Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ0123456789' https://api.github.com")
	// Another session left README.md otherwise: it has no part in the
	// commit.
	r.Session("codex", "other", map[string]string{"README.md": strings.Repeat("1", 40)})
	c := r.Commit("greet the world")
	repo := r.Open()
	defer repo.Close()

	if err := testAttester(r, repo, "alice", &stderr, nil).Attest(ctx, c, ""); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^agentcheck: attested ` + c.Hash.String()[:12] + ` with session claude-code/s1, signed with SHA256:\S+ \(--key flag\)\n$`)
	if !want.MatchString(stderr.String()) {
		t.Errorf("stderr %q", stderr.String())
	}
	lines := r.Note(c)
	if len(lines) != 1 {
		t.Fatalf("the note has %d lines, want 1", len(lines))
	}
	p := r.Manifest(c, lines[0], "alice")
	if p.Agent.Name != "claude-code" || p.Session.ID != "s1" || p.Files["README.md"] != blob {
		t.Errorf("manifest of %s/%s with files %v", p.Agent.Name, p.Session.ID, p.Files)
	}
	if len(p.Actions) == 0 || strings.Contains(lines[0], "ghp_0123") || strings.Contains(p.Actions[0].Command, "ghp_0123") {
		t.Errorf("the secret in the command was not masked: %+v", p.Actions)
	}

	// The journal says which edits the commit covered: they are no
	// longer pending.
	j := r.Journal("claude-code", "s1")
	last := j.Events[len(j.Events)-1]
	if last.Kind != journal.KindAttest || last.Commit != c.Hash.String() || last.Files["README.md"] != blob {
		t.Errorf("last journal event %+v", last)
	}

	// Attesting again adds nothing and says so.
	if err := testAttester(r, repo, "alice", &stderr, nil).Attest(ctx, c, ""); err != nil {
		t.Fatal(err)
	}
	if want := "agentcheck: " + c.Hash.String()[:12] + " already attested by session claude-code/s1, and the session's declared scope has not changed since: nothing to supersede\n"; stderr.String() != want {
		t.Errorf("again: stderr %q, want %q", stderr.String(), want)
	}
	if n := len(r.Note(c)); n != 1 {
		t.Errorf("again: the note has %d lines", n)
	}
}

func TestAttestFindsNoSession(t *testing.T) {
	var stderr bytes.Buffer
	r := testrepo.New(t)
	r.Write("a.txt", "human\n")
	c := r.Commit("a human's commit")
	r.Session("claude-code", "s1", map[string]string{"a.txt": r.Write("b.txt", "other\n")})
	repo := r.Open()
	defer repo.Close()
	err := testAttester(r, repo, "alice", &stderr, nil).Attest(context.Background(), c, "")
	if err == nil || err.Error() != "no recorded agent session left the content this commit has" || !strings.Contains(hint.Of(err), "--session AGENT/ID") {
		t.Errorf("error %v, hint %q", err, hint.Of(err))
	}
	err = testAttester(r, repo, "alice", &stderr, nil).Attest(context.Background(), c, "nope")
	if err == nil || err.Error() != `no recorded session "nope"` || hint.Of(err) != "name one of the sessions recorded here: claude-code/s1" {
		t.Errorf("unknown session: %v, hint %q", err, hint.Of(err))
	}
	// Named, the session is attested although the commit holds none of
	// its edits (it changed files through a shell command, say).
	if err := testAttester(r, repo, "alice", &stderr, nil).Attest(context.Background(), c, "claude-code/s1"); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Note(c)); n != 1 {
		t.Errorf("named: the note has %d lines", n)
	}
}

func TestAttestKeyErrors(t *testing.T) {
	var stderr bytes.Buffer
	r := testrepo.New(t)
	blob := r.Write("a.txt", "agent\n")
	r.Session("claude-code", "s1", map[string]string{"a.txt": blob})
	c := r.Commit("agent work")
	repo := r.Open()
	defer repo.Close()
	a := testAttester(r, repo, "alice", &stderr, nil)
	a.Key = r.Key("missing")
	err := a.Attest(context.Background(), c, "")
	if err == nil || !strings.HasPrefix(err.Error(), "loading signing key "+a.Key+" (from --key flag): ") || hint.Of(err) == "" {
		t.Errorf("a missing key: %v (hint %q)", err, hint.Of(err))
	}
	if r.Note(c) != nil {
		t.Error("a note was written without a key")
	}
}

func TestAttestCommitted(t *testing.T) {
	var stderr bytes.Buffer
	r := testrepo.New(t)
	ctx := context.Background()
	blob := r.Write("a.txt", "agent\n")
	r.Session("cursor", "c1", map[string]string{"a.txt": blob})
	c := r.Commit("agent work")
	repo := r.Open()
	defer repo.Close()

	// The shell that made the commit names a Claude Code session whose
	// journal is not here: the commit is attested with the session whose
	// edits it holds, and the missing one reported.
	a := testAttester(r, repo, "alice", &stderr, map[string]string{"CLAUDE_CODE_SESSION_ID": "gone"})
	a.Hook = "post-commit"
	if err := a.AttestCommitted(ctx); err != nil {
		t.Fatal(err)
	}
	short := c.Hash.String()[:12]
	for _, want := range []string{
		"agentcheck: post-commit: no journal of session claude-code/gone here, so " + short + " is not attested with it\n",
		"agentcheck: hint: is agentcheck's hook installed for that agent? run 'agentcheck doctor'\n",
		"agentcheck: attested " + short + " with session cursor/c1, signed with ",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	// Run again, a hook says nothing of what is already attested.
	a = testAttester(r, repo, "alice", &stderr, nil)
	a.Hook = "post-commit"
	if err := a.AttestCommitted(ctx); err != nil || stderr.Len() != 0 {
		t.Errorf("again: %v, stderr %q", err, stderr.String())
	}
	// A commit no session touched is left alone, silently.
	r.Write("b.txt", "human\n")
	h := r.Commit("human work")
	if err := a.AttestCommitted(ctx); err != nil || stderr.Len() != 0 || r.Note(h) != nil {
		t.Errorf("a human's commit: %v, stderr %q, note %q", err, stderr.String(), r.Note(h))
	}
	// A failure says how to attest by hand.
	blob = r.Write("c.txt", "agent again\n")
	r.Session("cursor", "c2", map[string]string{"c.txt": blob})
	f := r.Commit("more agent work")
	a.Key = r.Key("missing")
	err := a.AttestCommitted(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "attesting "+f.Hash.String()[:12]+": loading signing key") ||
		hint.Of(err) != "fix the cause, then run 'agentcheck attest "+f.Hash.String()[:12]+"' in your terminal" {
		t.Errorf("error %v, hint %q", err, hint.Of(err))
	}
}

func TestAttestRewritten(t *testing.T) {
	var stderr bytes.Buffer
	r := testrepo.New(t)
	ctx := context.Background()
	blob := r.Write("a.txt", "agent\n")
	r.Session("claude-code", "s1", map[string]string{"a.txt": blob})
	old := r.Commit("agent work")
	repo := r.Open()
	if err := testAttester(r, repo, "alice", &stderr, nil).Attest(ctx, old, ""); err != nil {
		t.Fatal(err)
	}
	// mallory's manifest of a session whose journal is here too.
	r.Session("codex", "m1", nil)
	if err := testAttester(r, repo, "mallory", &stderr, nil).Attest(ctx, old, "codex/m1"); err != nil {
		t.Fatal(err)
	}
	repo.Close()
	r.Git("commit", "-q", "--amend", "-m", "agent work, reworded")
	amended := r.Head()

	repo = r.Open()
	defer repo.Close()
	a := testAttester(r, repo, "alice", &stderr, nil)
	a.Hook = "post-rewrite"
	rewrites := []Rewrite{{Old: old.Hash, New: amended.Hash}, {Old: git.ZeroHash, New: amended.Hash}, {Old: amended.Hash, New: amended.Hash}}
	if err := a.AttestRewritten(ctx, rewrites); err != nil {
		t.Fatal(err)
	}
	lines := r.Note(amended)
	if len(lines) != 1 {
		t.Fatalf("the amended commit's note has %d lines, want alice's manifest alone: %q", len(lines), lines)
	}
	if p := r.Manifest(amended, lines[0], "alice"); p.Session.ID != "s1" {
		t.Errorf("the amended commit is attested with %s", p.Session.ID)
	}
	// A commit without a note, or whose manifests are another's, gets
	// none.
	r.Git("commit", "-q", "--amend", "-m", "again")
	again := r.Head()
	a = testAttester(r, repo, "bob", &stderr, nil)
	a.Hook = "post-rewrite"
	if err := a.AttestRewritten(ctx, []Rewrite{{Old: amended.Hash, New: again.Hash}}); err != nil {
		t.Fatal(err)
	}
	if lines := r.Note(again); lines != nil {
		t.Errorf("bob re-signed alice's manifest: %q", lines)
	}
}

package githook

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/testrepo"
	"github.com/agentcheck/agentcheck/provenance"
)

// run runs hook name in r with stdin and env, and returns its error and
// what it wrote to stderr.
func run(t *testing.T, r *testrepo.Repo, env map[string]string, stdin, name string, args ...string) (error, string) {
	t.Helper()
	var stderr bytes.Buffer
	h := &Hook{Dir: r.Dir, Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(stdin), Stderr: &stderr, ReadProcess: noProcesses}
	err := h.Run(context.Background(), name, args)
	return err, stderr.String()
}

func TestUnknownHook(t *testing.T) {
	r := testrepo.New(t)
	if err, _ := run(t, r, nil, "", "pre-commit"); err == nil || err.Error() != `git-hook: unknown hook "pre-commit"` {
		t.Errorf("error %v", err)
	}
}

func TestPrepareCommitMsg(t *testing.T) {
	r := testrepo.New(t)
	r.Write("a.txt", "human\n")
	r.Commit("base")
	blob := r.Write("a.txt", "agent\n")
	r.Git("add", "a.txt")
	r.Session("cursor", "c1", map[string]string{"a.txt": blob})
	r.Session("cursor", "c2", map[string]string{"a.txt": strings.Repeat("1", 40)})
	msg := filepath.Join(r.Dir, ".git", "COMMIT_EDITMSG")
	if err := os.WriteFile(msg, []byte("Change a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CLAUDE_CODE_SESSION_ID": "s1"}
	if err, stderr := run(t, r, env, "", "prepare-commit-msg", ".git/COMMIT_EDITMSG", "message"); err != nil || stderr != "" {
		t.Fatalf("%v, stderr %q", err, stderr)
	}
	got, _ := os.ReadFile(msg)
	want := "Change a\n\nAgent-Session: claude-code/s1\nAgent-Session: cursor/c1\n"
	if string(got) != want {
		t.Errorf("message %q, want %q", got, want)
	}
	// Again (an amend keeps the message): no trailer twice.
	run(t, r, env, "", "prepare-commit-msg", msg)
	if got, _ := os.ReadFile(msg); string(got) != want {
		t.Errorf("again: message %q", got)
	}
	// A failure is reported and does not stop the commit.
	err, stderr := run(t, r, env, "", "prepare-commit-msg")
	if err != nil || stderr != "agentcheck: prepare-commit-msg: no message file given\n" {
		t.Errorf("%v, stderr %q", err, stderr)
	}
}

func TestParseRawDiff(t *testing.T) {
	out := ":100644 100644 " + strings.Repeat("a", 40) + " " + strings.Repeat("b", 40) + " M\x00src/a b.go\x00" +
		":100644 000000 " + strings.Repeat("c", 40) + " " + strings.Repeat("0", 40) + " D\x00gone.txt\x00"
	got := parseRawDiff(out)
	if len(got) != 2 || got["src/a b.go"] != strings.Repeat("b", 40) || got["gone.txt"] != strings.Repeat("0", 40) {
		t.Errorf("parseRawDiff = %v", got)
	}
	if got := parseRawDiff(""); len(got) != 0 {
		t.Errorf("nothing staged: %v", got)
	}
}

func TestPostCommitAndRewrite(t *testing.T) {
	r := testrepo.New(t)
	r.Git("config", "agentcheck.signingKey", r.Key("alice"))
	blob := r.Write("a.txt", "agent\n")
	r.Session("cursor", "c1", map[string]string{"a.txt": blob})
	c := r.Commit("agent work")
	err, stderr := run(t, r, nil, "", "post-commit")
	if err != nil || !strings.HasPrefix(stderr, "agentcheck: attested "+c.Hash.String()[:12]+" with session cursor/c1") {
		t.Fatalf("post-commit: %v, stderr %q", err, stderr)
	}
	r.Git("commit", "-q", "--amend", "-m", "agent work, reworded")
	amended := r.Head()
	err, stderr = run(t, r, nil, c.Hash.String()+" "+amended.Hash.String()+"\n", "post-rewrite", "amend")
	if err != nil || !strings.HasPrefix(stderr, "agentcheck: attested "+amended.Hash.String()[:12]+" with session cursor/c1") {
		t.Fatalf("post-rewrite: %v, stderr %q", err, stderr)
	}
	if n := len(r.Note(amended)); n != 1 {
		t.Errorf("the amended commit's note has %d lines", n)
	}
	// Without a key the commit is made, and the hook says how to attest.
	r.Git("config", "agentcheck.signingKey", r.Key("missing"))
	blob = r.Write("b.txt", "agent\n")
	r.Session("cursor", "c2", map[string]string{"b.txt": blob})
	f := r.Commit("more agent work")
	err, stderr = run(t, r, nil, "", "post-commit")
	short := f.Hash.String()[:12]
	if err != nil || !strings.HasPrefix(stderr, "agentcheck: post-commit: attesting "+short+": loading signing key") ||
		!strings.HasSuffix(stderr, "agentcheck: hint: fix the cause, then run 'agentcheck attest "+short+"' in your terminal\n") {
		t.Errorf("post-commit without a key: %v, stderr %q", err, stderr)
	}
}

func TestReferenceTransaction(t *testing.T) {
	r := testrepo.New(t)
	r.Git("config", "agentcheck.signingKey", r.Key("alice"))
	for i, content := range []string{"one\n", "two\n"} {
		blob := r.Write("a.txt", content)
		r.Session("cursor", "c"+string(rune('1'+i)), map[string]string{"a.txt": blob})
		r.Commit("agent work")
		if err, stderr := run(t, r, nil, "", "post-commit"); err != nil || !strings.HasPrefix(stderr, "agentcheck: attested") {
			t.Fatalf("post-commit: %v, %q", err, stderr)
		}
	}
	notes := r.Git("rev-parse", provenance.NotesRef)
	first := r.Git("rev-parse", provenance.NotesRef+"~1")
	zero := strings.Repeat("0", 40)
	for _, tc := range []struct {
		name, state, stdin string
		refused            string
	}{
		{"a delete", "prepared", notes + " " + zero + " " + provenance.NotesRef, "agentcheck: refusing to delete refs/notes/agentcheck: it holds the signed session manifests\n"},
		{"a rewind", "prepared", notes + " " + first + " " + provenance.NotesRef, "agentcheck: refusing to update refs/notes/agentcheck: "},
		{"a rewind with no expected value", "prepared", zero + " " + first + " " + provenance.NotesRef, "agentcheck: refusing to update refs/notes/agentcheck: "},
		{"growth", "prepared", first + " " + notes + " " + provenance.NotesRef, ""},
		{"another notes ref", "prepared", notes + " " + zero + " refs/notes/commits", ""},
		{"a branch", "prepared", notes + " " + zero + " refs/heads/main", ""},
		{"committed", "committed", notes + " " + zero + " " + provenance.NotesRef, ""},
		{"aborted", "aborted", notes + " " + zero + " " + provenance.NotesRef, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err, stderr := run(t, r, nil, tc.stdin+"\n", "reference-transaction", tc.state)
			if tc.refused == "" {
				if err != nil || stderr != "" {
					t.Errorf("%v, stderr %q", err, stderr)
				}
				return
			}
			if !errors.Is(err, ErrRefused) || !strings.HasPrefix(stderr, tc.refused) {
				t.Errorf("%v, stderr %q, want %q", err, stderr, tc.refused)
			}
		})
	}
}

func TestRemoteNames(t *testing.T) {
	for ref, want := range map[string]bool{
		"refs/notes/remotes/origin/agentcheck":   true,
		"refs/notes/remotes/a/b/agentcheck":      true,
		"refs/notes/remotes//agentcheck":         false,
		"refs/notes/remotes/agentcheck":          false,
		"refs/notes/agentcheck":                  false,
		"refs/notes/remotes/origin/agentcheck-x": false,
	} {
		if got := isRemoteNotesRef(ref); got != want {
			t.Errorf("isRemoteNotesRef(%q) = %v", ref, got)
		}
	}
	for remote, want := range map[string]string{
		"origin":                        "origin",
		"https://example.com/a/b.git":   "url-https---example-com-a-b-git",
		"../fork":                       "url-fork",
		".hidden":                       "url-hidden",
		"git@example.com:team/repo.git": "url-git-example-com-team-repo-git",
	} {
		if got := remoteRefName(remote); got != want {
			t.Errorf("remoteRefName(%q) = %q, want %q", remote, got, want)
		}
		if ref := "refs/notes/remotes/" + remoteRefName(remote) + "/agentcheck"; !git.ValidRefName(ref) {
			t.Errorf("%s: %s is no valid ref name", remote, ref)
		}
	}
}

// pushRepo is a repository with a bare remote, origin, that has its base
// commit: the policy's defaults and alice's key as the trusted signer.
func pushRepo(t *testing.T) (r *testrepo.Repo, remote string) {
	r = testrepo.New(t)
	remote = t.TempDir()
	if _, err := gitcli.Output(context.Background(), remote, "init", "-q", "--bare"); err != nil {
		t.Fatal(err)
	}
	r.Git("remote", "add", "origin", remote)
	r.Git("config", "agentcheck.signingKey", r.Key("alice"))
	r.Write(".agentcheck/allowed_signers", r.Allowed("alice"))
	r.Write(".github/workflows/ci.yml", "on: push\n")
	r.Commit("base")
	r.Git("push", "-q", "origin", "main")
	r.Git("fetch", "-q", "origin")
	return r, remote
}

func TestPrePush(t *testing.T) {
	r, remote := pushRepo(t)
	base := r.Head()
	blob := r.Write("a.txt", "agent\n")
	r.Session("cursor", "c1", map[string]string{"a.txt": blob})
	c := r.Commit("agent work")
	if err, _ := run(t, r, nil, "", "post-commit"); err != nil {
		t.Fatal(err)
	}
	stdin := "refs/heads/main " + c.Hash.String() + " refs/heads/main " + base.Hash.String() + "\n"
	err, stderr := run(t, r, nil, stdin, "pre-push", "origin", remote)
	if err != nil {
		t.Fatalf("%v, stderr %q", err, stderr)
	}
	want := "agentcheck: pre-push: 1 commit verified\nagentcheck: pre-push: pushed refs/notes/agentcheck to origin\n"
	if stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if got, err := gitcli.Output(context.Background(), remote, "rev-parse", provenance.NotesRef); err != nil || got != r.Git("rev-parse", provenance.NotesRef) {
		t.Errorf("the remote's notes: %q, %v", got, err)
	}
	// No ref to check: nothing to say.
	if err, stderr := run(t, r, nil, "", "pre-push", "origin", remote); err != nil || stderr != "" {
		t.Errorf("an empty push: %v, %q", err, stderr)
	}
	if err, _ := run(t, r, nil, "", "pre-push"); err == nil || err.Error() != "pre-push needs the remote's name" {
		t.Errorf("no remote: %v", err)
	}
}

func TestPrePushStopsABlockedCommit(t *testing.T) {
	r, remote := pushRepo(t)
	base := r.Head()
	blob := r.Write(".github/workflows/ci.yml", "on: [push, pull_request]\n")
	r.Session("cursor", "c1", map[string]string{".github/workflows/ci.yml": blob})
	c := r.Commit("agent CI change")
	if err, _ := run(t, r, nil, "", "post-commit"); err != nil {
		t.Fatal(err)
	}
	stdin := "refs/heads/main " + c.Hash.String() + " refs/heads/main " + base.Hash.String() + "\n"
	err, stderr := run(t, r, nil, stdin, "pre-push", "origin", remote)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("%v, stderr %q", err, stderr)
	}
	for _, want := range []string{"AC004", "agentcheck: pre-push: the push was stopped: the gate would block the commits above\n",
		"agentcheck: hint: fix them (the hints say how); a human who must push anyway can do it with the notes, which this hook would have pushed: git push --no-verify origin refs/heads/main refs/notes/agentcheck\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	if _, err := gitcli.Output(context.Background(), remote, "rev-parse", "--verify", "-q", provenance.NotesRef); err == nil {
		t.Error("the notes were pushed for a stopped push")
	}
	// Deleting a branch and pushing notes are not checked.
	stdin = "(delete) " + strings.Repeat("0", 40) + " refs/heads/old " + base.Hash.String() + "\n" +
		"refs/notes/agentcheck " + c.Hash.String() + " refs/notes/agentcheck " + strings.Repeat("0", 40) + "\n"
	if err, stderr := run(t, r, nil, stdin, "pre-push", "origin", remote); err != nil || stderr != "" {
		t.Errorf("%v, %q", err, stderr)
	}
}

// noProcesses reads no process: the tests' own ancestry (go test, and
// whatever runs it) is not the hook's.
func noProcesses(int) (agents.Process, error) {
	return agents.Process{}, errors.New("no process table in tests")
}

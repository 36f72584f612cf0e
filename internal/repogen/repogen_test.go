package repogen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/provenance"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	p := Params{Files: 300, FanOut: 4, Commits: 20, ChangesPerCommit: 3, Seed: 9}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if err := Generate(ctx, dir, p); err != nil {
			t.Fatal(err)
		}
	}
	if ha, hb := git(t, a, "rev-parse", "main"), git(t, b, "rev-parse", "main"); ha != hb {
		t.Errorf("same parameters, different histories: %s and %s", ha, hb)
	}
	if n := git(t, a, "rev-list", "--count", "main"); n != "21" {
		t.Errorf("%s commits, want 21", n)
	}
	files := strings.Split(git(t, a, "ls-tree", "-r", "--name-only", "main"), "\n")
	if len(files) != 300 {
		t.Errorf("%d files, want 300", len(files))
	}
	if files[0] != p.Path(0) || strings.Count(files[0], "/") != 4 {
		t.Errorf("first file %q, Path(0) %q: want 4 directory levels for 75 leaves of fan-out 4", files[0], p.Path(0))
	}
	for _, c := range strings.Split(git(t, a, "rev-list", "main~20..main"), "\n") {
		if n := len(strings.Split(git(t, a, "diff-tree", "-r", "--name-only", "--no-commit-id", c), "\n")); n != 3 {
			t.Errorf("commit %s changes %d files, want 3", c, n)
		}
	}

	if err := Explode(ctx, a); err != nil {
		t.Fatal(err)
	}
	if packs, _ := filepath.Glob(filepath.Join(a, ".git/objects/pack/*.pack")); len(packs) != 0 {
		t.Errorf("packs left after Explode: %v", packs)
	}
	git(t, a, "fsck", "--no-progress")
	if err := Repack(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(b, ".git/objects/pack")); err != nil {
		t.Error(err)
	}
	git(t, b, "fsck", "--no-progress")
}

func TestParamsValidate(t *testing.T) {
	for _, p := range []Params{{Files: 0, FanOut: 2}, {Files: 1, FanOut: 1}, {Files: 1, FanOut: 2, Commits: -1}, {Files: 1, FanOut: 2, ChangesPerCommit: 2}, {Files: 1, FanOut: 2, AgentShare: 1.5}} {
		if err := Generate(context.Background(), filepath.Join(t.TempDir(), "r"), p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

func TestGenerateAgentCommits(t *testing.T) {
	ctx := context.Background()
	// 300 agent commits: enough notes for git's fan-out ("ab/cdef…").
	p := Params{Files: 40, FanOut: 4, Commits: 600, ChangesPerCommit: 2, Seed: 3, AgentShare: 0.5}
	dir := filepath.Join(t.TempDir(), "r")
	if err := Generate(ctx, dir, p); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "fsck", "--no-progress")
	if got := git(t, dir, "show", "main~600:"+signersPath); got+"\n" != string(AllowedSigners()) {
		t.Errorf("allowed_signers in the first commit = %q, want %q", got, AllowedSigners())
	}
	signers, err := provenance.ParseAllowedSigners(AllowedSigners(), signersPath)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Split(git(t, dir, "notes", "--ref", "agentcheck", "list"), "\n")
	if len(notes) != 300 {
		t.Fatalf("%d notes, want 300", len(notes))
	}
	if top := git(t, dir, "ls-tree", "--name-only", "refs/notes/agentcheck"); len(strings.Split(top, "\n")[0]) != 2 {
		t.Errorf("notes tree is not fanned out: %q…", top[:min(len(top), 80)])
	}
	// Each commit's note, trailer and changed files, read with two git
	// processes rather than three a commit.
	type commitInfo struct{ id, trailer, note, raw string }
	var commits []commitInfo
	for rec := range strings.SplitSeq(git(t, dir, "log", "--reverse", "--notes=agentcheck",
		"--format=%x1e%H%x00%(trailers:key=Agent-Session,valueonly)%x00%N", "main"), "\x1e") {
		if f := strings.Split(rec, "\x00"); len(f) == 3 {
			commits = append(commits, commitInfo{id: f[0], trailer: strings.TrimSpace(f[1]), note: strings.TrimSpace(f[2])})
		}
	}
	raws := strings.Split(git(t, dir, "log", "--reverse", "--raw", "--no-abbrev", "--no-renames", "--format=%x1e", "main"), "\x1e")[1:]
	if len(commits) != 601 || len(raws) != len(commits) {
		t.Fatalf("git log listed %d commits and %d diffs, want 601", len(commits), len(raws))
	}
	for c, ci := range commits {
		id := ci.id
		if !p.Agent(c) {
			if ci.note != "" {
				t.Errorf("human commit %d has a note", c)
			}
			continue
		}
		if ci.note == "" {
			t.Fatalf("agent commit %d: no note", c)
		}
		if ci.trailer != "claude-code/"+sessionID(c) {
			t.Errorf("commit %d: Agent-Session trailer %q", c, ci.trailer)
		}
		env, err := provenance.ParseEnvelope([]byte(ci.note))
		if err != nil {
			t.Fatalf("commit %d: %v", c, err)
		}
		v, err := provenance.VerifyEnvelope(env, provenance.VerifyOptions{Signers: signers, Emails: []string{authorEmail}, Commit: id})
		if err != nil {
			t.Fatalf("commit %d: %v", c, err)
		}
		pred, err := provenance.DecodeSessionPredicate(v.Statement)
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Fields(raws[c])
		// Fields of a raw diff line: :old-mode new-mode old new status path.
		if len(changed) != 12 || len(pred.Files) != 2 || pred.Files[changed[5]] != changed[3] || pred.Files[changed[11]] != changed[9] {
			t.Errorf("commit %d: manifest files %v, diff %v", c, pred.Files, changed)
		}
		if len(pred.Task.Scope) == 0 {
			t.Errorf("commit %d: manifest declares no scope", c)
		}
	}
}

func TestAgent(t *testing.T) {
	for _, tc := range []struct {
		share float64
		want  string
	}{{0, "......"}, {0.5, ".x.x.x"}, {1, "xxxxxx"}, {1.0 / 3, "..x..x"}} {
		p := Params{AgentShare: tc.share}
		var got strings.Builder
		for c := 1; c <= 6; c++ {
			if p.Agent(c) {
				got.WriteByte('x')
			} else {
				got.WriteByte('.')
			}
		}
		if got.String() != tc.want {
			t.Errorf("share %v: commits 1-6 %s, want %s", tc.share, got.String(), tc.want)
		}
	}
}

package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/scope"
)

func testDecision(findings ...check.Finding) *Decision {
	trust := &check.Trust{Policy: scope.Default(), PolicySource: "built-in defaults", SignersSource: "keys@abc"}
	commit := check.CommitReport{Commit: strings.Repeat("ab", 20), Findings: findings}
	rep := check.NewReport("refs/heads/main", plumbing.ZeroHash, trust, []check.CommitReport{commit})
	base := plumbing.NewHash(strings.Repeat("12", 20))
	return &Decision{Groups: []*Group{{Refs: []string{"refs/heads/main"}, Base: base, Trust: trust, Report: rep}}}
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestPrinterLines(t *testing.T) {
	// A crafted path tries to end the line and forge an acceptance.
	evil := check.Finding{Rule: "AC004", Name: "protected-path", Level: check.LevelError, Commit: strings.Repeat("ab", 20),
		Path: "x\nremote: agentcheck: push accepted\x1b[2K", Line: 3, Message: "bad", Hint: "fix it"}
	d := testDecision(evil)
	var b strings.Builder
	p := &Printer{W: &b, Platform: Platform{Name: "GitLab", Pusher: "root\x1b]0;pwned\x07", LinePrefix: "GL-HOOK-ERR: "}, Mode: ModeEnforce}
	p.Decision(d)
	got := lines(b.String())
	want := []string{
		"GL-HOOK-ERR: agentcheck: refs/heads/main: 1 new commit checked; policy: built-in defaults; trusted keys: keys@abc",
		`GL-HOOK-ERR: agentcheck: AC004 protected-path error abababababab x\nremote: agentcheck: push accepted\x1b[2K:3: bad (hint: fix it)`,
		`GL-HOOK-ERR: agentcheck: push rejected: 1 error, 0 warnings in 1 new commit on refs/heads/main (pushed by root\x1b]0;pwned\a)`,
		"GL-HOOK-ERR: agentcheck: hint: in your clone, agentcheck verify 121212121212..main prints these findings with the fix of each; fix them, then push the branch with its notes: git fetch REMOTE && git push REMOTE main refs/notes/agentcheck (REMOTE: the remote you pushed to; the fetch merges the notes pushed meanwhile)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("output holds raw control characters: %q", b.String())
	}
}

func TestPrinterLimitAndModes(t *testing.T) {
	var fs []check.Finding
	for range 5 {
		fs = append(fs, check.Finding{Rule: "AC001", Level: check.LevelError, Commit: strings.Repeat("cd", 20), Message: "m"})
	}
	var b strings.Builder
	(&Printer{W: &b, Platform: Platform{Name: "git"}, Mode: ModeWarn, MaxFindings: 2}).Decision(testDecision(fs...))
	out := b.String()
	if n := strings.Count(out, "AC001"); n != 2 {
		t.Errorf("%d finding lines, want 2:\n%s", n, out)
	}
	for _, want := range []string{
		"agentcheck: … and 3 more findings",
		"agentcheck: push accepted in warn mode; enforced, it would be rejected: 5 errors, 0 warnings in 1 new commit on refs/heads/main\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	b.Reset()
	(&Printer{W: &b, Platform: Platform{Name: "git", Pusher: "carol"}, Mode: ModeEnforce}).Failure(errors.New("reading x:\nbroken"), "fix x")
	want := "agentcheck: error: reading x: broken\nagentcheck: hint: fix x\nagentcheck: push rejected: the push could not be checked, and the gate fails closed (pushed by carol)\n"
	if b.String() != want {
		t.Errorf("Failure:\n%s\nwant:\n%s", b.String(), want)
	}

	b.Reset()
	(&Printer{W: &b, Platform: Platform{Name: "git"}, Mode: ModeEnforce}).Timeout(4500*time.Millisecond, false)
	if !strings.Contains(b.String(), "agentcheck: error: the check did not finish within 4.5s\n") ||
		!strings.Contains(b.String(), "agentcheck: push rejected: the check timed out") {
		t.Errorf("Timeout:\n%s", b.String())
	}
}

func TestPrinterPullHeads(t *testing.T) {
	var b strings.Builder
	gitea := Platform{Kind: PlatformGitea, Name: "Gitea", Pusher: "bob", Internal: `GITEA_INTERNAL_PUSH="true"`}
	(&Printer{W: &b, Platform: gitea, Mode: ModeEnforce}).Decision(&Decision{PullHeads: []string{"refs/pull/1/head"}})
	want := `agentcheck: refs/pull/1/head: accepted unchecked: Gitea stores the head of a pull request (GITEA_INTERNAL_PUSH="true"); its commits are checked when they are pushed to a branch, or merged under server.platform_merges: check
agentcheck: push accepted: no new commits to check (pushed by bob)
`
	if b.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestDecisionRejected(t *testing.T) {
	if d := testDecision(); d.Rejected() {
		t.Error("a decision without findings is rejected")
	}
	if d := testDecision(check.Finding{Rule: "AC005", Level: check.LevelWarning, Commit: strings.Repeat("ab", 20)}); d.Rejected() {
		t.Error("a decision with a warning is rejected")
	}
	if d := testDecision(check.Finding{Rule: "AC005", Level: check.LevelError, Commit: strings.Repeat("ab", 20)}); !d.Rejected() {
		t.Error("a decision with an error is accepted")
	}
	if d := (&Decision{Refusals: []Refusal{{Ref: "refs/notes/agentcheck"}}}); !d.Rejected() {
		t.Error("a decision with a refusal is accepted")
	}
}

package attest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/testrepo"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/hint"
)

// approvalRepo is a repository whose base commit trusts alice's key for
// manifests and bob's and alice's for approvals, and whose HEAD is an
// agent commit, attested by alice, that changes a CI workflow: AC004.
func approvalRepo(t *testing.T) (*testrepo.Repo, *git.Commit) {
	var stderr bytes.Buffer
	r := testrepo.New(t)
	r.Write(".github/workflows/ci.yml", "on: push\n")
	r.Write(".agentcheck/allowed_signers", r.Allowed("alice"))
	r.Write(".agentcheck/approvers", r.Allowed("bob", "alice"))
	r.Commit("base: CI, trusted keys and approvers")
	r.Git("branch", "base")
	blob := r.Write(".github/workflows/ci.yml", "on: [push, pull_request]\n")
	r.Session("claude-code", "s1", map[string]string{".github/workflows/ci.yml": blob})
	c := r.Commit("Run CI on pull requests")
	repo := r.Open()
	defer repo.Close()
	if err := testAttester(r, repo, "alice", &stderr, nil).Attest(context.Background(), c, ""); err != nil {
		t.Fatal(err)
	}
	return r, c
}

func verifyRange(t *testing.T, repo *git.Repo, spec string) bool {
	t.Helper()
	rng, err := git.ResolveRange(repo, []string{spec})
	if err != nil {
		t.Fatal(err)
	}
	res, err := gate.CheckRange(context.Background(), repo, rng, gate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return !res.Report.Failed()
}

func TestApprove(t *testing.T) {
	var stderr bytes.Buffer
	r, c := approvalRepo(t)
	repo := r.Open()
	defer repo.Close()
	if verifyRange(t, repo, "base..HEAD") {
		t.Fatal("the agent's CI change passes without an approval")
	}
	short := c.Hash.String()[:12]
	approval := Approval{Commit: "HEAD", Reason: "  reviewed in #42  "}

	// alice attested the commit's session: the two-person rule refuses
	// her approval.
	err := testAttester(r, repo, "alice", &stderr, nil).Approve(context.Background(), approval)
	if err == nil || !strings.Contains(err.Error(), "and the two-person rule (approvals.allow_self: false in ") {
		t.Errorf("alice approves her own agent's commit: %v", err)
	}
	if n := len(r.Note(c)); n != 1 {
		t.Fatalf("the note has %d lines after a refused approval", n)
	}

	// bob may.
	t.Setenv("GIT_COMMITTER_EMAIL", "bob@example.com")
	if err := testAttester(r, repo, "bob", &stderr, nil).Approve(context.Background(), approval); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"agentcheck: approved " + short + " as bob@example.com, signed with SHA256:",
		"\n  AC004 .github/workflows/ci.yml\n",
		"agentcheck: push it with: git fetch origin && git push origin refs/notes/agentcheck (the fetch merges the notes pushed meanwhile)\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("bob is an approver, yet: %s", stderr.String())
	}
	if n := len(r.Note(c)); n != 2 {
		t.Errorf("the note has %d lines, want the manifest and the approval", n)
	}
	repo.Close()
	repo = r.Open()
	if !verifyRange(t, repo, "base..HEAD") {
		t.Error("the approved commit still fails")
	}
}

func TestApproveRefusals(t *testing.T) {
	var stderr bytes.Buffer
	r, c := approvalRepo(t)
	repo := r.Open()
	defer repo.Close()
	t.Setenv("GIT_COMMITTER_EMAIL", "bob@example.com")
	short := c.Hash.String()[:12]
	findings := "the commit's findings: AC004 .github/workflows/ci.yml (see agentcheck verify " + short + ")"
	for _, tc := range []struct {
		name      string
		env       map[string]string
		approval  Approval
		err, hint string
	}{
		{"in an agent session", map[string]string{"CODEX_THREAD_ID": "t1"}, Approval{Commit: "HEAD", Reason: "x"},
			"approve is a human's decision: refusing to run inside an agent session (CODEX_THREAD_ID is set)", "review the commit and run agentcheck approve in your own terminal"},
		{"no reason", nil, Approval{Commit: "HEAD", Reason: " "}, "approve needs --reason", "say why the findings are acceptable, e.g. --reason 'CI bump reviewed in #42'"},
		{"another rule", nil, Approval{Commit: "HEAD", Reason: "x", Rules: []string{"AC005"}},
			"commit " + short + " has no finding that matches the filters and can be approved", findings},
		{"another path", nil, Approval{Commit: "HEAD", Reason: "x", Paths: []string{"docs/**"}},
			"commit " + short + " has no finding that matches the filters and can be approved", findings},
		{"a filter that matches nothing", nil, Approval{Commit: "HEAD", Reason: "x", Paths: []string{".github/**", "docs/**"}},
			"--path docs/** matches no current finding of " + short, findings},
		{"never approvable", nil, Approval{Commit: "HEAD", Reason: "x", Rules: []string{"AC002"}},
			"AC002 findings can never be approved (approvals.never in built-in defaults", "fix what the finding reports instead: an invalid signature, a copied note or a malformed manifest means the record itself cannot be trusted"},
		{"a commit without findings", nil, Approval{Commit: "base", Reason: "x"},
			"commit " + r.Git("rev-parse", "base")[:12] + " has no finding that can be approved", "the commit has no findings: agentcheck verify " + r.Git("rev-parse", "base")[:12] + " passes without an approval"},
		{"an unknown base", nil, Approval{Commit: "HEAD", Reason: "x", Base: "nope"}, "", "name the base branch or commit, e.g. origin/main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := testAttester(r, repo, "bob", &stderr, tc.env).Approve(context.Background(), tc.approval)
			if err == nil {
				t.Fatal("approved")
			}
			if tc.err != "" && !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("error %q, want %q", err, tc.err)
			}
			if hint.Of(err) != tc.hint {
				t.Errorf("hint %q, want %q", hint.Of(err), tc.hint)
			}
			if n := len(r.Note(c)); n != 1 {
				t.Errorf("the note has %d lines", n)
			}
		})
	}
}

func TestApprovalCheck(t *testing.T) {
	for _, tc := range []struct {
		a   Approval
		err string
	}{
		{Approval{Commit: "HEAD", Reason: "ok", Rules: []string{"AC004"}, Paths: []string{"src/**", "a.go"}}, ""},
		{Approval{Commit: "HEAD", Reason: "\t"}, "approve needs --reason"},
		{Approval{Commit: "HEAD", Reason: strings.Repeat("x", 4097)}, "--reason is 4097 bytes; the limit is 4096"},
		{Approval{Commit: "HEAD", Reason: "ok", Rules: []string{"ac004"}}, `--rule "ac004" is not a rule id like AC004`},
		{Approval{Commit: "HEAD", Reason: "ok", Paths: []string{"/etc/**"}}, `--path "/etc/**" is not a valid repository-relative glob`},
		{Approval{Commit: "HEAD", Reason: "ok", Paths: []string{"src/[a"}}, `--path "src/[a" is not a valid repository-relative glob`},
		{Approval{Commit: "main..HEAD", Reason: "ok"}, "approve takes one commit, not a range (main..HEAD)"},
	} {
		err := tc.a.Check()
		if got := errString(err); got != tc.err {
			t.Errorf("Check(%+v) = %q, want %q", tc.a, got, tc.err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestIsRuleID(t *testing.T) {
	for s, want := range map[string]bool{"AC004": true, "AC010": true, "ac004": false, "AC04": false, "AC0040": false, "AC00x": false, "": false} {
		if got := isRuleID(s); got != want {
			t.Errorf("isRuleID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDescribePath(t *testing.T) {
	for p, want := range map[string]string{
		"":                                  "(whole commit)",
		"src/a.go":                          "src/a.go",
		"evil\n\x1b[2Jagentcheck: approved": "evil [2Jagentcheck: approved",
	} {
		if got := describePath(p); got != want {
			t.Errorf("describePath(%q) = %q, want %q", p, got, want)
		}
	}
}

package check

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

var approvedAt = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func approvalOf(approver string, at time.Time, line int, covers ...provenance.ApprovalCover) honouredApproval {
	return honouredApproval{
		pred:  &provenance.ApprovalPredicate{Approver: approver, Time: at, Reason: "reviewed by " + approver, Covers: covers},
		keyID: "SHA256:" + approver, id: "id-" + approver, line: line,
	}
}

func TestApplyApprovals(t *testing.T) {
	ci := Finding{Rule: RuleProtectedPath, Level: LevelError, Path: ".github/workflows/ci.yml", Hint: "declare it"}
	taint := Finding{Rule: RuleTainted, Level: LevelError, Path: ".github/workflows/ci.yml", Session: "claude-code/s"}
	scopeWarn := Finding{Rule: RuleOutOfScope, Level: LevelWarning, Path: "docs/a.md"}
	unattested := Finding{Rule: RuleUnattested, Level: LevelError}
	badSig := Finding{Rule: RuleInvalidSignature, Level: LevelError, Hint: "re-attest"}
	never4 := scope.Default()
	never4.Approvals.Never = append(never4.Approvals.Never, RuleProtectedPath)

	tests := []struct {
		name      string
		finding   Finding
		approvals []honouredApproval
		policy    *scope.Policy
		approver  string // "" means not approved
		hint      string // substring of the resulting hint, when not approved
	}{
		{name: "exact rule and path", finding: ci,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/ci.yml"})},
			approver:  "bob@x"},
		{name: "another path", finding: ci,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/release.yml"})},
			hint:      "the approval by bob@x does not cover AC004 on .github/workflows/ci.yml; declare it"},
		{name: "another rule on the path", finding: taint,
			approvals: []honouredApproval{
				approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/ci.yml"}),
				approvalOf("carol@x", approvedAt, 2, provenance.ApprovalCover{Rule: "AC005", Path: ".github/workflows/ci.yml"}),
			},
			hint: "the approvals by bob@x and carol@x do not cover AC007 on .github/workflows/ci.yml"},
		{name: "glob", finding: taint,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC007", Glob: ".github/workflows/*.yml"})},
			approver:  "bob@x"},
		{name: "glob of another directory", finding: taint,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC007", Glob: "docs/**"})},
			hint:      "does not cover AC007 on .github/workflows/ci.yml"},
		{name: "a warning", finding: scopeWarn,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC005", Path: "docs/a.md"})},
			approver:  "bob@x"},
		{name: "whole commit", finding: unattested,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC001"})},
			approver:  "bob@x"},
		{name: "a path cover does not cover the whole commit", finding: unattested,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC001", Glob: "**"})},
			hint:      "does not cover AC001 on the whole commit"},
		{name: "an unapprovable finding is not told it is not covered", finding: badSig,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC004", Glob: "**"})}},
		{name: "never approvable", finding: badSig,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC002"})},
			hint:      "the approval by bob@x does not apply: AC002 can never be approved (approvals.never); re-attest"},
		{name: "unapprovable by policy", finding: ci, policy: never4,
			approvals: []honouredApproval{approvalOf("bob@x", approvedAt, 1, provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/ci.yml"})},
			hint:      "AC004 can never be approved (approvals.never); declare it"},
		{name: "the earliest approval is recorded", finding: ci,
			approvals: []honouredApproval{
				approvalOf("carol@x", approvedAt.Add(time.Hour), 1, provenance.ApprovalCover{Rule: "AC004", Glob: "**"}),
				approvalOf("bob@x", approvedAt, 2, provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/ci.yml"}),
				approvalOf("dave@x", approvedAt, 3, provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/ci.yml"}),
			},
			approver: "bob@x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.policy
			if p == nil {
				p = scope.Default()
			}
			fs := []Finding{tt.finding}
			applyApprovals(fs, tt.approvals, p)
			got := fs[0]
			if tt.approver == "" {
				if got.Approval != nil || got.Level != tt.finding.Level {
					t.Errorf("approved: %+v", got)
				}
				if tt.hint != "" && !strings.Contains(got.Hint, tt.hint) {
					t.Errorf("hint %q, want it to contain %q", got.Hint, tt.hint)
				}
				if tt.hint == "" && got.Hint != tt.finding.Hint {
					t.Errorf("hint changed to %q", got.Hint)
				}
				return
			}
			want := tt.finding
			want.Level = LevelNote
			want.Approval = &Approval{Approver: tt.approver, Reason: "reviewed by " + tt.approver, Time: approvedAt,
				Level: tt.finding.Level, KeyID: "SHA256:" + tt.approver, ID: "id-" + tt.approver}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// testKey is a deterministic ed25519 key for name.
func testKey(t *testing.T, name string) ssh.Signer {
	t.Helper()
	seed := sha256.Sum256([]byte("check test key " + name))
	s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func allowedLine(t *testing.T, principal, key string) string {
	return principal + ` namespaces="agentcheck" ` + string(ssh.MarshalAuthorizedKey(testKey(t, key).PublicKey()))
}

// signedApproval signs an approval statement about commit with key's key.
func signedApproval(t *testing.T, line int, commit, approver, key string, covers ...provenance.ApprovalCover) approvalNote {
	t.Helper()
	st, err := provenance.BuildApprovalStatement(commit, provenance.ApprovalPredicate{
		Approver: approver, Time: approvedAt, Reason: "looked at it", Covers: covers,
	})
	if err != nil {
		t.Fatal(err)
	}
	return signedNote(t, line, st, key)
}

func signedNote(t *testing.T, line int, st *provenance.Statement, key string) approvalNote {
	t.Helper()
	env, err := provenance.SignStatement(st, testKey(t, key))
	if err != nil {
		t.Fatal(err)
	}
	return approvalNote{line: line, env: env, st: st}
}

// TestJudgeApprovals runs the approval judgement of one commit, authored by
// alice with a session signed by carol's key, against an approvers file that
// lists bob, alice and carol.
func TestJudgeApprovals(t *testing.T) {
	const (
		this  = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
		other = "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"
	)
	approvers, err := provenance.ParseAllowedSigners([]byte(
		allowedLine(t, "bob@example.com", "bob")+allowedLine(t, "alice@example.com", "alice")+allowedLine(t, "carol@example.com", "carol")+
			allowedLine(t, "ci-bot@example.com", "session")), ".agentcheck/approvers@9f8e7d6c5b4a")
	if err != nil {
		t.Fatal(err)
	}
	ci := provenance.ApprovalCover{Rule: "AC004", Path: ".github/workflows/ci.yml"}
	sessionKey := ssh.FingerprintSHA256(testKey(t, "session").PublicKey())
	malformed := &provenance.Statement{
		Type:          provenance.StatementType,
		Subject:       []provenance.Subject{{Name: "commit", Digest: map[string]string{"gitCommit": this}}},
		PredicateType: provenance.ApprovalPredicateType,
		Predicate:     json.RawMessage(`{"approver":"bob@example.com","time":"2026-11-26T10:00:00Z","reason":"all","covers":[{"rule":"*"}]}`),
	}

	tests := []struct {
		name      string
		note      approvalNote
		allowSelf bool
		approvers *provenance.AllowedSigners
		approved  bool
		rule      string // the rule of the finding the approval adds, if any
		level     Level
		message   string
		summary   string // valid/honoured of the summary
	}{
		{name: "trusted approver", note: signedApproval(t, 2, this, "bob@example.com", "bob", ci), approved: true, summary: "valid honoured"},
		{name: "untrusted key", note: signedApproval(t, 2, this, "bob@example.com", "mallory", ci),
			rule: RuleInvalidSignature, level: LevelError, message: "approval by bob@example.com (note line 2) is not trusted: signature 0: untrusted signing key: key SHA256:"},
		{name: "no approvers file", note: signedApproval(t, 2, this, "bob@example.com", "bob", ci), approvers: nil,
			rule: RuleInvalidSignature, level: LevelError, message: "there is no approvers file"},
		{name: "a key listed for someone else", note: signedApproval(t, 2, this, "bob@example.com", "carol", ci),
			rule: RuleInvalidSignature, level: LevelError, message: "trusted in .agentcheck/approvers@9f8e7d6c5b4a for carol@example.com, not for the approver it names, bob@example.com"},
		{name: "copied from another commit", note: signedApproval(t, 2, other, "bob@example.com", "bob", ci),
			rule: RuleSubjectMismatch, level: LevelError, message: "is for another commit (the approval is about commit " + other},
		{name: "the commit's author", note: signedApproval(t, 2, this, "alice@example.com", "alice", ci),
			rule: RuleInvalidSignature, level: LevelWarning, message: "alice@example.com is the commit's author, and the two-person rule", summary: "valid"},
		{name: "the author's email in another case", note: signedApproval(t, 2, this, "Alice@Example.com", "alice", ci),
			approvers: mustSigners(t, allowedLine(t, "Alice@Example.com", "alice")),
			rule:      RuleInvalidSignature, level: LevelWarning, message: "is the commit's author", summary: "valid"},
		{name: "the author, allowed by policy", note: signedApproval(t, 2, this, "alice@example.com", "alice", ci), allowSelf: true,
			approved: true, summary: "valid honoured"},
		{name: "the session's signer", note: signedApproval(t, 2, this, "carol@example.com", "carol", ci),
			rule: RuleInvalidSignature, level: LevelWarning, message: "carol@example.com signed the manifest of session claude-code/s1", summary: "valid"},
		{name: "the session's key", note: signedApproval(t, 2, this, "ci-bot@example.com", "session", ci),
			rule: RuleInvalidSignature, level: LevelWarning, message: "its key " + sessionKey + " signed the manifest of session claude-code/s1", summary: "valid"},
		{name: "malformed predicate", note: signedNote(t, 2, malformed, "bob"),
			rule: RuleMalformed, level: LevelError, message: "note line 2 is not a valid approval: malformed manifest: approval: covers 0: rule \"*\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := scope.Default()
			p.Approvals.AllowSelf = tt.allowSelf
			trust := &Trust{Policy: p, Approvers: approvers}
			if tt.approvers != nil || tt.name == "no approvers file" {
				trust.Approvers = tt.approvers
			}
			cc := &commitCheck{
				t: trust, hash: this,
				c:         &Commit{Hash: plumbing.NewHash(this), Author: Person{Email: "alice@example.com"}},
				approvals: []approvalNote{tt.note},
				findings:  []Finding{{Rule: RuleProtectedPath, Level: LevelError, Path: ".github/workflows/ci.yml"}},
			}
			rep := &CommitReport{Commit: this, Author: "alice@example.com", Sessions: []SessionSummary{
				{Agent: "claude-code", ID: "s1", Valid: true, Signer: "carol@example.com", KeyID: sessionKey},
			}}
			sums := cc.judgeApprovals(rep)
			if got := cc.findings[0].Approval != nil; got != tt.approved {
				t.Errorf("approved = %v, want %v; findings %+v", got, tt.approved, cc.findings)
			}
			if tt.approved && cc.findings[0].Level != LevelNote {
				t.Errorf("approved finding has level %s", cc.findings[0].Level)
			}
			if !tt.approved && cc.findings[0].Level != LevelError {
				t.Errorf("unapproved finding has level %s", cc.findings[0].Level)
			}
			if tt.rule == "" {
				if len(cc.findings) != 1 {
					t.Errorf("extra findings: %+v", cc.findings[1:])
				}
			} else {
				if len(cc.findings) != 2 {
					t.Fatalf("findings %+v, want the approval's own", cc.findings)
				}
				f := cc.findings[1]
				if f.Rule != tt.rule || f.Level != tt.level || f.Path != "" || !strings.Contains(f.Message, tt.message) || f.Hint == "" {
					t.Errorf("finding %+v, want %s %s mentioning %q with a hint", f, tt.rule, tt.level, tt.message)
				}
			}
			if tt.rule == RuleMalformed {
				if len(sums) != 0 {
					t.Errorf("summaries of a malformed approval: %+v", sums)
				}
				return
			}
			if len(sums) != 1 {
				t.Fatalf("%d summaries", len(sums))
			}
			var state []string
			if sums[0].Valid {
				state = append(state, "valid")
			}
			if sums[0].Honoured {
				state = append(state, "honoured")
			}
			if got := strings.Join(state, " "); got != tt.summary {
				t.Errorf("summary is %q, want %q", got, tt.summary)
			}
		})
	}
}

func mustSigners(t *testing.T, text string) *provenance.AllowedSigners {
	t.Helper()
	a, err := provenance.ParseAllowedSigners([]byte(text), "approvers")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAnotherApproverHint(t *testing.T) {
	const act = "approve the commit (agentcheck approve 1a2b3c4d5e6f)"
	team := mustSigners(t, allowedLine(t, "alice@example.com", "alice")+allowedLine(t, "bob@example.com", "bob"))
	solo := mustSigners(t, allowedLine(t, "Alice@Example.com", "alice")+allowedLine(t, "alice@example.com", "session"))
	domain := mustSigners(t, allowedLine(t, "*@example.com", "alice"))
	empty := mustSigners(t, "# nobody yet\n")
	tests := []struct {
		name      string
		approvers *provenance.AllowedSigners
		want      string
	}{
		{"a team", team, "ask another maintainer listed in .agentcheck/approvers@9f8e7d6c5b4a to review and " + act},
		{"no approvers file", nil, "nobody can approve: the base branch has no .agentcheck/approvers; agentcheck init writes one listing your key: " +
			"commit it through a reviewed change to the base branch, then ask another maintainer listed there to review and " + act},
		{"an empty approvers file", empty, "nobody can approve: .agentcheck/approvers@9f8e7d6c5b4a lists no key; add the maintainers' keys there through a reviewed change, then ask one of them to review and " + act},
		{"a solo maintainer", solo, "alice@example.com is the only approver in .agentcheck/approvers@9f8e7d6c5b4a: add another maintainer's key there through a reviewed change and ask them to review and " + act +
			"; or, working alone, set approvals.allow_self: true in .agentcheck.yml on the base branch, which turns the two-person rule off: anyone with your key, including an agent running as you, can then approve"},
		{"a pattern others match", domain, "ask another maintainer listed in .agentcheck/approvers@9f8e7d6c5b4a to review and " + act},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trust := &Trust{Policy: scope.Default(), Approvers: tt.approvers, ApproversSource: ".agentcheck/approvers@9f8e7d6c5b4a"}
			if got := AnotherApproverHint(trust, "alice@example.com", act); got != tt.want {
				t.Errorf("hint\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

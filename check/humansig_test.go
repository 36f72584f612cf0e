package check

import (
	"crypto/sha256"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/internal/sktest"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// skKey is a software security key for name whose signatures carry flags.
func skKey(t *testing.T, name string, flags byte) *sktest.Key {
	t.Helper()
	seed := sha256.Sum256([]byte("check test security key " + name))
	k, err := sktest.NewEd25519(seed[:], flags)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// commitSigned returns Signed for a commit payload signed by s in
// namespace ns.
func commitSigned(t *testing.T, s ssh.Signer, ns string) func() ([]byte, []byte, error) {
	t.Helper()
	payload := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ncommitter Dev <dev@example.com> 1700000000 +0000\n\nchange\n")
	blob, err := provenance.SSHSign(s, ns, payload)
	if err != nil {
		t.Fatal(err)
	}
	return func() ([]byte, []byte, error) { return payload, provenance.ArmorSSHSig(blob), nil }
}

// TestJudgeHumanSignature: under require: all, a commit without a manifest
// passes with the committer's trusted SSH signature, and under
// trust.presence only with a touched security key's.
func TestJudgeHumanSignature(t *testing.T) {
	file := testKey(t, "dev")
	touched := skKey(t, "dev-sk", sktest.UserPresent)
	untouched := skKey(t, "dev-sk", 0)
	pinned := skKey(t, "dev-sk", sktest.UserPresent|sktest.UserVerified)
	signers := mustSigners(t,
		"dev@example.com namespaces=\"git\" "+string(ssh.MarshalAuthorizedKey(file.PublicKey()))+
			"dev@example.com namespaces=\"git\" "+string(ssh.MarshalAuthorizedKey(touched.PublicKey()))+
			allowedLine(t, "agent@example.com", "agent"))
	tests := []struct {
		name     string
		signed   func() ([]byte, []byte, error)
		presence string
		want     string // rule and level, "" for a pass
		message  string
	}{
		{"unsigned", nil, scope.PresenceAny, "AC001 error", "neither a provenance manifest nor an SSH commit signature"},
		{"file key", commitSigned(t, file, "git"), scope.PresenceAny, "", ""},
		{"file key, manifest namespace", commitSigned(t, file, provenance.SignatureNamespace), scope.PresenceAny, "AC015 error", "namespace"},
		{"agent's manifest key", commitSigned(t, testKey(t, "agent"), "git"), scope.PresenceAny, "AC015 error", "not for namespace \"git\""},
		{"file key under touch", commitSigned(t, file, "git"), scope.PresenceTouch, "AC015 error", "not a FIDO security key"},
		{"touched security key", commitSigned(t, touched, "git"), scope.PresenceTouch, "", ""},
		{"untouched security key", commitSigned(t, untouched, "git"), scope.PresenceTouch, "AC015 error", "user presence"},
		{"touched, no PIN, under verified", commitSigned(t, touched, "git"), scope.PresenceVerified, "AC015 error", "no user-verification flag"},
		{"touched with PIN", commitSigned(t, pinned, "git"), scope.PresenceVerified, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &Trust{Policy: scope.Default(), Signers: signers}
			tr.Policy.Require = scope.RequireAll
			tr.Policy.Trust.Presence = tt.presence
			rep, err := Judge(tr, Input{Commit: commit(), Signed: tt.signed})
			if err != nil {
				t.Fatal(err)
			}
			got := ruleLevels(rep.Findings)
			if got != tt.want || tt.want != "" && !strings.Contains(rep.Findings[0].Message, tt.message) {
				t.Fatalf("findings %q %+v, want %q with %q", got, rep.Findings, tt.want, tt.message)
			}
			if (rep.SignedBy == "dev@example.com") != (tt.want == "") {
				t.Errorf("SignedBy %q", rep.SignedBy)
			}
		})
	}

	// A commit recognised as an agent's needs its manifest, signed or not.
	tr := &Trust{Policy: scope.Default(), Signers: signers}
	tr.Policy.Require = scope.RequireAll
	rep, err := Judge(tr, Input{Commit: commit("Agent-Session: claude-code/s1"), Signed: commitSigned(t, file, "git")})
	if err != nil || ruleLevels(rep.Findings) != "AC001 error" {
		t.Fatalf("signed agent commit: %+v, %v", rep.Findings, err)
	}
}

// TestJudgeApprovalPresence: under trust.presence an approval signed with
// a key on disk, or by a security key without the user-presence flag, is
// an AC015 error and approves nothing; a touched security key's is
// honoured.
func TestJudgeApprovalPresence(t *testing.T) {
	ci := modified(".github/workflows/ci.yml", "on: push\n")
	session := manifest(t, "dev", thisCommit, ci.Paths(), edit(ci.Path, "on: push\n"))
	cover := provenance.ApprovalCover{Rule: RuleProtectedPath, Path: ci.Path}
	touched := skKey(t, "bob-sk", sktest.UserPresent)
	untouched := skKey(t, "bob-sk", 0)
	approval := func(s ssh.Signer) []byte {
		st, err := provenance.BuildApprovalStatement(thisCommit, provenance.ApprovalPredicate{
			Approver: "bob@example.com", Time: approvedAt, Reason: "looked at it", Covers: []provenance.ApprovalCover{cover},
		})
		if err != nil {
			t.Fatal(err)
		}
		env, err := provenance.SignStatement(st, s)
		if err != nil {
			t.Fatal(err)
		}
		line, err := env.MarshalLine()
		if err != nil {
			t.Fatal(err)
		}
		return line
	}
	tests := []struct {
		name     string
		signer   ssh.Signer
		presence string
		want     string
	}{
		{"file key, any", testKey(t, "bob"), scope.PresenceAny, "AC004 note .github/workflows/ci.yml"},
		{"file key, touch", testKey(t, "bob"), scope.PresenceTouch, "AC015 error; AC004 error .github/workflows/ci.yml"},
		{"touched security key", touched, scope.PresenceTouch, "AC004 note .github/workflows/ci.yml"},
		{"touched, verified asked", touched, scope.PresenceVerified, "AC015 error; AC004 error .github/workflows/ci.yml"},
		{"untouched security key", untouched, scope.PresenceTouch, "AC002 error; AC004 error .github/workflows/ci.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := trust(t)
			tr.Policy.Trust.Presence = tt.presence
			tr.Approvers = mustSigners(t, allowedLine(t, "bob@example.com", "bob")+
				"bob@example.com "+string(ssh.MarshalAuthorizedKey(touched.PublicKey())))
			rep := judged(t, tr, commit(), []Change{ci}, session, approval(tt.signer))
			if got := ruleLevels(rep.Findings); got != tt.want {
				t.Fatalf("findings %q, want %q: %+v", got, tt.want, rep.Findings)
			}
		})
	}
}

package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
)

func noteKey(t *testing.T, name string) (ssh.Signer, string) {
	t.Helper()
	seed := sha256.Sum256([]byte("audit note test key " + name))
	s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	return s, provenance.AllowedSignersLine(name+"@example.com", s.PublicKey()) + "\n"
}

// signedLine signs a statement of predicateType about commit whose
// predicate is pred.
func signedLine(t *testing.T, signer ssh.Signer, commit, predicateType string, pred any) []byte {
	t.Helper()
	raw, err := json.Marshal(pred)
	if err != nil {
		t.Fatal(err)
	}
	st := &provenance.Statement{
		Type:          provenance.StatementType,
		Subject:       []provenance.Subject{{Name: "commit", Digest: map[string]string{"gitCommit": commit}}},
		PredicateType: predicateType,
		Predicate:     raw,
	}
	env, err := provenance.SignStatement(st, signer)
	if err != nil {
		t.Fatal(err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func TestReadNote(t *testing.T) {
	alice, aliceLine := noteKey(t, "alice")
	bob, bobLine := noteKey(t, "bob")
	mallory, _ := noteKey(t, "mallory")
	signers, err := provenance.ParseAllowedSigners([]byte(aliceLine), "allowed_signers")
	if err != nil {
		t.Fatal(err)
	}
	approvers, err := provenance.ParseAllowedSigners([]byte(bobLine), "approvers")
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	hash, _ := git.ParseHash("0123456789abcdef0123456789abcdef01234567")
	c := &git.Commit{Hash: hash, Author: git.Signature{Email: "alice@example.com", When: when}, Committer: git.Signature{Email: "alice@example.com", When: when}}
	commit := hash.String()

	session := provenance.SessionPredicate{
		Agent:   provenance.AgentInfo{Name: "claude-code", Model: "opus\x1b[2J"},
		Session: provenance.SessionInfo{ID: "s1", Started: when, Ended: when.Add(time.Minute)},
		Task:    provenance.Task{Prompts: []provenance.Prompt{{SHA256: "ab"}}},
		Files:   map[string]string{"evil\n\u202epath": "1", "a.go": strings.Repeat("a", 40)},
	}
	approval := provenance.ApprovalPredicate{Approver: "bob@example.com", Time: when, Reason: "reviewed", Covers: []provenance.ApprovalCover{{Rule: "AC004", Path: "ci.yml"}}}
	note := bytes.Join([][]byte{
		signedLine(t, alice, commit, provenance.SessionPredicateType, session),
		[]byte("not an envelope"),
		signedLine(t, mallory, commit, provenance.SessionPredicateType, session),
		{},
		signedLine(t, bob, commit, provenance.ApprovalPredicateType, approval),
	}, []byte("\n"))
	n := ReadNote(c, note, &check.Trust{Signers: signers, SignersSource: "allowed_signers@base", Approvers: approvers, ApproversSource: "approvers@base"})

	type line struct {
		n              int
		status, signer string
	}
	var got []line
	for _, m := range n.Manifests {
		got = append(got, line{m.Line, m.Status, m.Signer})
	}
	want := []line{{1, "valid", "alice@example.com"}, {2, "malformed", ""}, {3, "untrusted key", ""}, {5, "valid", "bob@example.com"}}
	if len(got) != len(want) {
		t.Fatalf("lines %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %v, want %v", i, got[i], want[i])
		}
	}
	if n.ApproversSource != "approvers@base" {
		t.Errorf("ApproversSource %q", n.ApproversSource)
	}

	var text bytes.Buffer
	if err := WriteNoteText(&text, n); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, want := range []string{
		"commit " + commit + "\ntrusted keys: allowed_signers@base\napprovers: approvers@base\n",
		"\nsession claude-code/s1\n  signature   valid, signed by alice@example.com\n",
		"  agent       claude-code (opus [2J)\n",
		"  task        [sha256 ab…]\n",
		"  file        a.go aaaaaaaaaaaa\n",
		"  file        evil path 1\n",
		"\nnote line 2: malformed\n",
		"  signature   untrusted key: ",
		"\napproval by bob@example.com\n  signature   valid, signed by approver bob@example.com\n",
		"  covers      AC004 ci.yml\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the text lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("the text passes on hostile characters:\n%q", out)
	}

	var js bytes.Buffer
	if err := WriteNoteJSON(&js, n); err != nil {
		t.Fatal(err)
	}
	var back Note
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Manifests) != 4 || back.Manifests[3].Approval == nil {
		t.Errorf("the JSON does not read back: %v\n%s", err, js.String())
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 100, "plain"},
		{"a\n\tb  c", 100, "a b c"},
		{"\x1b[31mred\x1b[0m", 100, "[31mred [0m"},
		{"rtl\u202eoverride", 100, "rtl override"},
		{"lrm\u200emark", 100, "lrm mark"},
		{"bad \xff utf-8", 100, "bad ? utf-8"},
		{strings.Repeat("x", 12), 10, "xxxxxxxxx…"},
	} {
		if got := Clean(tc.in, tc.max); got != tc.want {
			t.Errorf("Clean(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

package provenance

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var approvalTime = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func testApproval() ApprovalPredicate {
	return ApprovalPredicate{
		Approver: "bob@example.com",
		Time:     approvalTime,
		Reason:   "CI bump reviewed in #42",
		Covers: []ApprovalCover{
			{Rule: "AC004", Path: ".github/workflows/ci.yml"},
			{Rule: "AC007", Glob: ".github/workflows/**"},
			{Rule: "AC001"},
		},
	}
}

func TestApprovalCoverMatches(t *testing.T) {
	tests := []struct {
		cover      ApprovalCover
		rule, path string
		want       bool
	}{
		{ApprovalCover{Rule: "AC004", Path: "ci.yml"}, "AC004", "ci.yml", true},
		{ApprovalCover{Rule: "AC004", Path: "ci.yml"}, "AC007", "ci.yml", false},                  // another rule
		{ApprovalCover{Rule: "AC004", Path: "ci.yml"}, "AC004", "ci.yaml", false},                 // another path
		{ApprovalCover{Rule: "AC004", Path: "ci.yml"}, "AC004", "CI.yml", false},                  // paths are exact
		{ApprovalCover{Rule: "AC004", Path: "ci.yml"}, "AC004", "", false},                        // not the whole commit
		{ApprovalCover{Rule: "AC004", Path: "a/*.yml"}, "AC004", "a/x.yml", false},                // a path is not a glob
		{ApprovalCover{Rule: "AC004", Path: "a/*.yml"}, "AC004", "a/*.yml", true},                 // a path with glob characters is literal
		{ApprovalCover{Rule: "AC004", Glob: "a/*.yml"}, "AC004", "a/x.yml", true},                 // a glob is
		{ApprovalCover{Rule: "AC004", Glob: "a/*.yml"}, "AC004", "a/b/x.yml", false},              // * stays in its directory
		{ApprovalCover{Rule: "AC004", Glob: "a/**"}, "AC004", "a/b/x.yml", true},                  // ** does not
		{ApprovalCover{Rule: "AC004", Glob: "a/**"}, "AC004", "A/b/x.yml", false},                 // case-sensitive
		{ApprovalCover{Rule: "AC004", Glob: "**"}, "AC004", "", false},                            // a glob never covers the whole commit
		{ApprovalCover{Rule: "AC004", Glob: "**"}, "AC005", "x.go", false},                        // nor another rule
		{ApprovalCover{Rule: "AC001"}, "AC001", "", true},                                         // the whole commit
		{ApprovalCover{Rule: "AC001"}, "AC001", "x.go", false},                                    // not a path of it
		{ApprovalCover{Rule: "AC004", Glob: "[a"}, "AC004", "[a", false},                          // a bad glob matches nothing
		{ApprovalCover{Rule: "AC004", Path: "docs/\u00fc.md"}, "AC004", "docs/\u00fc.md", true},   // non-ASCII
		{ApprovalCover{Rule: "AC004", Path: "docs/\u00fc.md"}, "AC004", "docs/u\u0308.md", false}, // another normalization is another path
	}
	for _, tt := range tests {
		if got := tt.cover.Matches(tt.rule, tt.path); got != tt.want {
			t.Errorf("%v.Matches(%q, %q) = %v, want %v", tt.cover, tt.rule, tt.path, got, tt.want)
		}
	}
	p := testApproval()
	if !p.Approves("AC007", ".github/workflows/release.yml") || p.Approves("AC005", ".github/workflows/ci.yml") {
		t.Error("Approves does not combine the covers entries")
	}
}

func TestApprovalRoundTrip(t *testing.T) {
	p := testApproval()
	p.Time = approvalTime.In(time.FixedZone("CET", 3600)).Add(500 * time.Millisecond)
	st, err := BuildApprovalStatement(commitA, p)
	if err != nil {
		t.Fatal(err)
	}
	if st.PredicateType != ApprovalPredicateType {
		t.Errorf("predicate type %q", st.PredicateType)
	}
	// Stored in UTC, to the second.
	if want := `"time":"2026-11-26T10:00:00Z"`; !strings.Contains(string(st.Predicate), want) {
		t.Errorf("predicate %s does not hold %s", st.Predicate, want)
	}
	env, err := SignStatement(st, testSigner(t, "ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseEnvelope(line)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := parsed.Statement()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeApprovalPredicate(st2)
	if err != nil {
		t.Fatal(err)
	}
	want := testApproval()
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDecodeApprovalRejects(t *testing.T) {
	good := `{"approver":"bob@example.com","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","path":"ci.yml"}]}`
	if _, err := DecodeApprovalPredicate(&Statement{PredicateType: ApprovalPredicateType, Predicate: json.RawMessage(good)}); err != nil {
		t.Fatalf("the good predicate: %v", err)
	}
	tests := []struct{ name, pred, detail string }{
		{"unknown field", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004"}],"all":true}`, `unknown field "all"`},
		{"unknown cover field", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","session":"x"}]}`, `unknown field "session"`},
		{"duplicate", `{"approver":"b@x","approver":"a@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004"}]}`, "duplicate"},
		{"case-folded duplicate", `{"approver":"b@x","Approver":"a@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004"}]}`, "duplicate"},
		{"no approver", `{"time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004"}]}`, `missing field "approver"`},
		{"pattern approver", `{"approver":"*@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004"}]}`, "approver"},
		{"two approvers", `{"approver":"a@x,b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004"}]}`, "approver"},
		{"no time", `{"approver":"b@x","time":"0001-01-01T00:00:00Z","reason":"ok","covers":[{"rule":"AC004"}]}`, "no time"},
		{"bad time", `{"approver":"b@x","time":"yesterday","reason":"ok","covers":[{"rule":"AC004"}]}`, "time"},
		{"blank reason", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"  ","covers":[{"rule":"AC004"}]}`, "no reason"},
		{"no covers", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[]}`, "covers no finding"},
		{"null covers", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":null}`, "covers no finding"},
		{"rule wildcard", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"*","path":"x"}]}`, "not a rule id"},
		{"rule missing", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"path":"x"}]}`, `missing field "rule"`},
		{"path and glob", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","path":"x","glob":"*"}]}`, "both path and glob"},
		{"empty path", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","path":""}]}`, "empty path"},
		{"absolute path", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","path":"/etc/x"}]}`, "repository-relative"},
		{"bad glob", `{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","glob":"[a"}]}`, "not a valid pattern"},
		{"not an object", `["approver"]`, "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeApprovalPredicate(&Statement{PredicateType: ApprovalPredicateType, Predicate: json.RawMessage(tt.pred)})
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("err = %v, want ErrMalformed mentioning %q", err, tt.detail)
			}
		})
	}
	_, err := DecodeApprovalPredicate(&Statement{PredicateType: SessionPredicateType, Predicate: json.RawMessage(good)})
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("a session statement decoded as an approval: %v", err)
	}
}

func TestVerifyApproval(t *testing.T) {
	approvers := signersFile(t,
		`bob@example.com namespaces="agentcheck" KEY:ed25519`,
		`carol@example.com namespaces="agentcheck" KEY:ecdsa`,
		`old@example.com namespaces="agentcheck",valid-before="20260101" KEY:rsa`,
	)
	sign := func(t *testing.T, commit, approver, key string) *Envelope {
		t.Helper()
		p := testApproval()
		p.Approver = approver
		st, err := BuildApprovalStatement(commit, p)
		if err != nil {
			t.Fatal(err)
		}
		env, err := SignStatement(st, testSigner(t, key))
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	tests := []struct {
		name   string
		env    func(t *testing.T) *Envelope
		signer *AllowedSigners
		want   error
		detail string
	}{
		{name: "good", env: func(t *testing.T) *Envelope { return sign(t, commitA, "bob@example.com", "ed25519") }},
		{
			name: "untrusted key", env: func(t *testing.T) *Envelope { return sign(t, commitA, "bob@example.com", "ed25519-b") },
			want: ErrUntrustedKey, detail: "is not listed in allowed_signers",
		},
		{
			name: "key of another approver", env: func(t *testing.T) *Envelope { return sign(t, commitA, "bob@example.com", "ecdsa") },
			want: ErrPrincipalMismatch, detail: "trusted in allowed_signers for carol@example.com, not for the approver it names, bob@example.com",
		},
		{
			name: "expired approver", env: func(t *testing.T) *Envelope { return sign(t, commitA, "old@example.com", "rsa") },
			want: ErrUntrustedKey, detail: "expired",
		},
		{
			name: "copied from another commit", env: func(t *testing.T) *Envelope { return sign(t, commitB, "bob@example.com", "ed25519") },
			want: ErrSubjectMismatch, detail: "about commit " + commitB,
		},
		{
			name: "no approvers file", env: func(t *testing.T) *Envelope { return sign(t, commitA, "bob@example.com", "ed25519") },
			signer: &AllowedSigners{Name: "no approvers file"}, want: ErrUntrustedKey,
		},
		{
			name: "altered", env: func(t *testing.T) *Envelope {
				env := sign(t, commitA, "bob@example.com", "ed25519")
				st, _ := env.Statement()
				st.Predicate = json.RawMessage(strings.Replace(string(st.Predicate), "ci.yml", "release.yml", 1))
				payload, _ := marshalCompact(st)
				env.Payload = encodeB64(payload)
				return env
			},
			want: ErrBadSignature,
		},
		{
			name: "a session manifest", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			want: ErrMalformed, detail: "is not",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signers := approvers
			if tt.signer != nil {
				signers = tt.signer
			}
			v, err := VerifyApproval(tt.env(t), ApprovalVerifyOptions{Approvers: signers, Commit: commitA})
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if v.Predicate.Approver != "bob@example.com" || !strings.HasPrefix(v.Fingerprint, "SHA256:") || len(v.ID) != 64 {
					t.Errorf("verified = %+v", v)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("err = %v, want %v mentioning %q", err, tt.want, tt.detail)
			}
			if strings.Contains(err.Error(), "author or committer") {
				t.Errorf("an approval error speaks of the commit's author: %v", err)
			}
		})
	}
}

func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// FuzzDecodeApprovalPredicate checks the decoder on arbitrary predicates: it
// never panics, every error wraps ErrMalformed, and what it accepts
// re-encodes to a predicate that decodes to the same approval.
func FuzzDecodeApprovalPredicate(f *testing.F) {
	for _, seed := range []string{
		`{"approver":"bob@example.com","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","path":"ci.yml"}]}`,
		`{"approver":"b@x","time":"2026-11-26T10:00:00+01:00","reason":"r\u00e9","covers":[{"rule":"AC007","glob":".github/**"},{"rule":"AC001"}]}`,
		`{"approver":"b@x","time":"2026-11-26T10:00:00.5Z","reason":"ok","covers":[{"rule":"AC004","glob":"{a,b}/*"}]}`,
		`{"approver":"b@x","time":"2026-11-26T10:00:00Z","reason":"ok","covers":[{"rule":"AC004","path":"x","glob":"y"}]}`,
		`{"approver":"b@x","Approver":"a@x"}`,
		`{"approver":"b@x","time":"9999-12-31T23:59:59-23:59","reason":"ok","covers":[{"rule":"AC004"}]}`,
		`{}`, `null`, `[]`, `{"covers":[{}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := DecodeApprovalPredicate(&Statement{PredicateType: ApprovalPredicateType, Predicate: raw})
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		st, err := BuildApprovalStatement(commitA, *p)
		if err != nil {
			t.Fatalf("an accepted predicate does not build: %v", err)
		}
		q, err := DecodeApprovalPredicate(st)
		if err != nil {
			t.Fatalf("a built predicate does not decode: %v\n%s", err, st.Predicate)
		}
		p.Time = p.Time.UTC().Truncate(time.Second)
		if diff := cmp.Diff(p, q); diff != "" {
			t.Fatalf("re-encoding changed the approval (-first +second):\n%s", diff)
		}
		for _, c := range q.Covers {
			c.Matches(c.Rule, c.Path) // must not panic
			c.Matches(c.Rule, c.Glob)
		}
	})
}

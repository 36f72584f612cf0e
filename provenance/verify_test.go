package provenance

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

var verifyTime = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func signedEnvelope(t *testing.T, commit, key string) *Envelope {
	t.Helper()
	env, err := SignStatement(testStatement(commit), testSigner(t, key))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestVerifyEnvelope(t *testing.T) {
	signers := signersFile(t,
		`dev@example.com namespaces="agentcheck" KEY:ed25519`,
		`*@corp.example,!intern@corp.example KEY:ecdsa`,
		`other@example.com KEY:rsa`,
		`git-only@example.com namespaces="git" KEY:ed25519-b`,
	)
	opts := func(emails ...string) VerifyOptions {
		return VerifyOptions{Signers: signers, Emails: emails, Commit: commitA, At: verifyTime}
	}
	tests := []struct {
		name      string
		env       func(t *testing.T) *Envelope
		opts      VerifyOptions
		want      error
		principal string
		detail    string // substring of the error
	}{
		{
			name: "good", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			opts: opts("dev@example.com"), principal: "dev@example.com",
		},
		{
			name: "committer matches", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			opts: opts("author@elsewhere", "dev@example.com"), principal: "dev@example.com",
		},
		{
			name: "pattern principal", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ecdsa") },
			opts: opts("alice@corp.example"), principal: "alice@corp.example",
		},
		{
			name: "upper-case commit id", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			opts: VerifyOptions{Signers: signers, Emails: []string{"dev@example.com"}, Commit: strings.ToUpper(commitA), At: verifyTime}, principal: "dev@example.com",
		},
		{
			name: "changed payload byte", env: func(t *testing.T) *Envelope {
				env := signedEnvelope(t, commitA, "ed25519")
				p, _ := base64.StdEncoding.DecodeString(env.Payload)
				p = []byte(strings.Replace(string(p), "claude-code", "claude-codf", 1))
				env.Payload = base64.StdEncoding.EncodeToString(p)
				return env
			},
			opts: opts("dev@example.com"), want: ErrBadSignature, detail: "SHA256:",
		},
		{
			name: "statement for another commit", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitB, "ed25519") },
			opts: opts("dev@example.com"), want: ErrSubjectMismatch, detail: commitB,
		},
		{
			name: "key not listed", env: func(t *testing.T) *Envelope {
				env, err := SignStatement(testStatement(commitA), newUnlistedSigner(t))
				if err != nil {
					t.Fatal(err)
				}
				return env
			},
			opts: opts("dev@example.com"), want: ErrUntrustedKey, detail: "not listed in allowed_signers",
		},
		{
			name: "key listed for another namespace", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519-b") },
			opts: opts("git-only@example.com"), want: ErrUntrustedKey, detail: `allowed_signers:4: not for namespace "agentcheck"`,
		},
		{
			name: "key listed for another principal", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "rsa") },
			opts: opts("dev@example.com"), want: ErrPrincipalMismatch, detail: `trusted for other@example.com, not for the commit's "dev@example.com"`,
		},
		{
			name: "negated principal", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ecdsa") },
			opts: opts("intern@corp.example"), want: ErrPrincipalMismatch,
		},
		{
			name: "no emails", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			opts: opts(), want: ErrPrincipalMismatch, detail: "no author or committer email",
		},
		{
			name: "no signers file", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			opts: VerifyOptions{Emails: []string{"dev@example.com"}, Commit: commitA}, want: ErrUntrustedKey, detail: "no allowed_signers file",
		},
		{
			name: "no commit given", env: func(t *testing.T) *Envelope { return signedEnvelope(t, commitA, "ed25519") },
			opts: VerifyOptions{Signers: signers, Emails: []string{"dev@example.com"}, At: verifyTime}, want: ErrSubjectMismatch,
		},
		{
			name: "nil envelope", env: func(t *testing.T) *Envelope { return nil },
			opts: opts("dev@example.com"), want: ErrMalformed,
		},
		{
			name: "garbage signature", env: func(t *testing.T) *Envelope {
				env := signedEnvelope(t, commitA, "ed25519")
				env.Signatures[0].Sig = base64.StdEncoding.EncodeToString([]byte("SSHSIG junk"))
				return env
			},
			opts: opts("dev@example.com"), want: ErrMalformed,
		},
		{
			name: "signature moved to another payload type", env: func(t *testing.T) *Envelope {
				env := signedEnvelope(t, commitA, "ed25519")
				env.PayloadType = "application/json"
				return env
			},
			opts: opts("dev@example.com"), want: ErrMalformed,
		},
		{
			name: "signature from another namespace", env: func(t *testing.T) *Envelope {
				env := signedEnvelope(t, commitA, "ed25519")
				p, _ := base64.StdEncoding.DecodeString(env.Payload)
				blob, err := SSHSign(testSigner(t, "ed25519"), "git", PAE(PayloadType, p))
				if err != nil {
					t.Fatal(err)
				}
				env.Signatures[0].Sig = base64.StdEncoding.EncodeToString(blob)
				return env
			},
			opts: opts("dev@example.com"), want: ErrBadSignature, detail: "namespace",
		},
		{
			name: "one good signature of several", env: func(t *testing.T) *Envelope {
				env := signedEnvelope(t, commitA, "ed25519")
				bad := signedEnvelope(t, commitB, "rsa") // a valid signature, but over another payload
				env.Signatures = append([]Signature{bad.Signatures[0], {KeyID: "x", Sig: "AAAA"}}, env.Signatures...)
				return env
			},
			opts: opts("dev@example.com"), principal: "dev@example.com",
		},
		{
			name: "most specific error wins", env: func(t *testing.T) *Envelope {
				env := signedEnvelope(t, commitA, "rsa") // trusted, wrong principal
				junk := Signature{Sig: "AAAA"}           // malformed
				unlisted, err := SignStatement(testStatement(commitA), newUnlistedSigner(t))
				if err != nil {
					t.Fatal(err)
				}
				env.Signatures = []Signature{junk, env.Signatures[0], unlisted.Signatures[0]}
				return env
			},
			opts: opts("dev@example.com"), want: ErrPrincipalMismatch, detail: "signature 1:",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := VerifyEnvelope(tc.env(t), tc.opts)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("VerifyEnvelope = %v, want %v", err, tc.want)
				}
				if !strings.Contains(err.Error(), tc.detail) {
					t.Errorf("error %q does not say %q", err, tc.detail)
				}
				if v != nil {
					t.Error("a Verified returned with an error")
				}
				for _, other := range []error{ErrMalformed, ErrBadSignature, ErrUntrustedKey, ErrPrincipalMismatch, ErrSubjectMismatch} {
					if other != tc.want && errors.Is(err, other) {
						t.Errorf("error also wraps %v", other)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Principal != tc.principal || v.Fingerprint != ssh.FingerprintSHA256(v.Key) || v.Statement == nil {
				t.Errorf("Verified = %+v", v)
			}
		})
	}
}

func newUnlistedSigner(t *testing.T) ssh.Signer {
	k := newSKEd25519(t) // any fresh key will do; reuse the ed25519 half
	s, err := ssh.NewSignerFromKey(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyEnvelopeExtraKeys(t *testing.T) {
	env := signedEnvelope(t, commitA, "ed25519")
	edPub := testSigner(t, "ed25519").PublicKey()
	github := func(key ssh.PublicKey) (string, bool) {
		if sameKey(key, edPub) {
			return "dev@users.noreply.github.com", true
		}
		return "", false
	}
	opts := VerifyOptions{Emails: []string{"dev@users.noreply.github.com"}, Commit: commitA, At: verifyTime, ExtraKeys: github}
	v, err := VerifyEnvelope(env, opts)
	if err != nil {
		t.Fatal(err)
	}
	if v.Principal != "dev@users.noreply.github.com" {
		t.Errorf("principal %q", v.Principal)
	}
	opts.Emails = []string{"someone@else"}
	if _, err := VerifyEnvelope(env, opts); !errors.Is(err, ErrPrincipalMismatch) {
		t.Errorf("other email: %v, want ErrPrincipalMismatch", err)
	}
	opts.ExtraKeys = func(ssh.PublicKey) (string, bool) { return "", true }
	if _, err := VerifyEnvelope(env, opts); !errors.Is(err, ErrUntrustedKey) {
		t.Errorf("empty principal: %v, want ErrUntrustedKey", err)
	}
}

func TestVerifyEnvelopeTimes(t *testing.T) {
	signers := signersFile(t, `dev@example.com valid-after="20250101Z",valid-before="20251231Z" KEY:ed25519`)
	env := signedEnvelope(t, commitA, "ed25519")
	for _, tc := range []struct {
		at   time.Time
		want error
	}{
		{time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), nil},
		{time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), ErrUntrustedKey},
		{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), ErrUntrustedKey},
	} {
		_, err := VerifyEnvelope(env, VerifyOptions{Signers: signers, Emails: []string{"dev@example.com"}, Commit: commitA, At: tc.at})
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("at %v: %v, want %v", tc.at, err, tc.want)
		}
	}
}

// TestVerifyEnvelopeBounds: a note line cannot make the verifier check more
// than MaxSignatures signatures, and a key nobody trusts costs no
// cryptography: its signature is refused as untrusted, valid or not.
func TestVerifyEnvelopeBounds(t *testing.T) {
	good := signedEnvelope(t, commitA, "ed25519")
	many := *good
	many.Signatures = nil
	for range MaxSignatures + 1 {
		many.Signatures = append(many.Signatures, good.Signatures[0])
	}
	line, err := many.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseEnvelope(line); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("%d signatures: %v, want ErrMalformed over the limit", MaxSignatures+1, err)
	}
	many.Signatures = many.Signatures[:MaxSignatures]
	if line, err = many.MarshalLine(); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseEnvelope(line); err != nil {
		t.Errorf("%d signatures: %v", MaxSignatures, err)
	}

	forged := signedEnvelope(t, commitA, "rsa")
	forged.Payload = good.Payload // the signature no longer verifies
	signers := signersFile(t, `dev@example.com KEY:ed25519`)
	_, err = VerifyEnvelope(forged, VerifyOptions{Signers: signers, Emails: []string{"dev@example.com"}, Commit: commitA, At: verifyTime})
	if !errors.Is(err, ErrUntrustedKey) {
		t.Errorf("bad signature by an unlisted key: %v, want ErrUntrustedKey (decided before the signature is checked)", err)
	}
}

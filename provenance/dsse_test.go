package provenance

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/crypto/ssh"
)

func TestPAE(t *testing.T) {
	tests := []struct {
		typ, body, want string
	}{
		// The example of the DSSE v1 protocol document.
		{"http://example.com/HelloWorld", "hello world", "DSSEv1 29 http://example.com/HelloWorld 11 hello world"},
		{"", "", "DSSEv1 0  0 "},
		{PayloadType, "{}", "DSSEv1 28 application/vnd.in-toto+json 2 {}"},
		{"a b", "1 2 3", "DSSEv1 3 a b 5 1 2 3"},
	}
	for _, tc := range tests {
		if got := string(PAE(tc.typ, []byte(tc.body))); got != tc.want {
			t.Errorf("PAE(%q, %q) = %q, want %q", tc.typ, tc.body, got, tc.want)
		}
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseEnvelope(t *testing.T) {
	p := b64(`{"_type":"x"}`)
	sig := b64("sig")
	tests := []struct {
		name, line string
		ok         bool
	}{
		{"minimal", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, true},
		{"blanks around", ` {"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"","sig":"` + sig + `"}]} `, true},
		{"two signatures", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"a","sig":"` + sig + `"},{"keyid":"b","sig":"` + sig + `"}]}`, true},
		{"empty", ``, false},
		{"not an object", `[]`, false},
		{"null", `null`, false},
		{"two objects", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}{}`, false},
		{"other payload type", `{"payloadType":"text/plain","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"payload type case", `{"payloadType":"application/vnd.in-toto+JSON","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"no signatures", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[]}`, false},
		{"null signatures", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":null}`, false},
		{"missing signatures", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `"}`, false},
		{"empty sig", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":""}]}`, false},
		{"missing sig", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k"}]}`, false},
		{"bad base64 payload", `{"payloadType":"application/vnd.in-toto+json","payload":"!!!!","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"unpadded payload", `{"payloadType":"application/vnd.in-toto+json","payload":"YWI","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"newline in payload", `{"payloadType":"application/vnd.in-toto+json","payload":"YW\nJj","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"url-safe base64 sig", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"-_-_"}]}`, false},
		{"empty payload", `{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"unknown field", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}],"x":1}`, false},
		{"unknown signature field", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `","public_key":"x"}]}`, false},
		{"duplicate payload", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"case-folded duplicate", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","Payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"wrong case field", `{"PayloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"payload not a string", `{"payloadType":"application/vnd.in-toto+json","payload":1,"signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
		{"invalid UTF-8", "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"" + p + "\",\"signatures\":[{\"keyid\":\"\xff\",\"sig\":\"" + sig + "\"}]}", false},
		{"deeply nested", `{"payloadType":"application/vnd.in-toto+json","payload":"` + p + `","signatures":[{"keyid":"k","sig":"` + sig + `"}],"x":` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `}`, false},
		{"over size", `{"payloadType":"application/vnd.in-toto+json","payload":"` + strings.Repeat("A", MaxEnvelopeSize) + `","signatures":[{"keyid":"k","sig":"` + sig + `"}]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseEnvelope([]byte(tc.line))
			if !tc.ok {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("ParseEnvelope = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			line, err := e.MarshalLine()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.ContainsAny(line, "\n\r") {
				t.Errorf("MarshalLine has a line break: %q", line)
			}
			e2, err := ParseEnvelope(line)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(e, e2, cmpopts.IgnoreUnexported(Envelope{})); diff != "" {
				t.Errorf("round trip (-first +second):\n%s", diff)
			}
		})
	}
}

func TestSignStatementRoundTrip(t *testing.T) {
	st := testStatement(commitA)
	env, err := SignStatement(st, testSigner(t, "ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"payloadType":"application/vnd.in-toto+json","payload":"`
	if !strings.HasPrefix(string(line), want) || bytes.HasSuffix(line, []byte("\n")) {
		t.Errorf("line = %s", line)
	}
	again, err := env.MarshalLine()
	if err != nil || !bytes.Equal(line, again) {
		t.Error("MarshalLine is not deterministic")
	}
	if want := ssh.FingerprintSHA256(testSigner(t, "ed25519").PublicKey()); env.Signatures[0].KeyID != want {
		t.Errorf("keyid %q", env.Signatures[0].KeyID)
	}
	parsed, err := ParseEnvelope(line)
	if err != nil {
		t.Fatal(err)
	}
	got, err := parsed.Statement()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, got); diff != "" {
		t.Errorf("statement round trip (-want +got):\n%s", diff)
	}
	payload, _ := base64.StdEncoding.DecodeString(parsed.Payload)
	if !bytes.Contains(payload, []byte(`fix <b> & \"c\"`)) {
		t.Errorf("payload is HTML-escaped or not compact: %s", payload)
	}
}

func TestSignStatementRefusesInvalid(t *testing.T) {
	st := testStatement("ABC")
	if _, err := SignStatement(st, testSigner(t, "ed25519")); err == nil {
		t.Error("SignStatement signed a statement with a bad subject")
	}
	st = testStatement(commitA)
	st.Predicate = nil
	if _, err := SignStatement(st, testSigner(t, "ed25519")); err == nil {
		t.Error("SignStatement signed a statement without a predicate")
	}
}

func TestStatement(t *testing.T) {
	sha1 := commitA
	sha256 := strings.Repeat("ab", 32)
	pred := `"predicateType":"https://agentcheck.dev/session/v1","predicate":{}`
	subj := func(s string) string { return `"subject":[` + s + `]` }
	commit := func(c string) string { return `{"name":"commit","digest":{"gitCommit":"` + c + `"}}` }
	typ := `"_type":"https://in-toto.io/Statement/v1"`
	tests := []struct {
		name, payload string
		ok            bool
	}{
		{"sha1", `{` + typ + `,` + subj(commit(sha1)) + `,` + pred + `}`, true},
		{"sha256", `{` + typ + `,` + subj(commit(sha256)) + `,` + pred + `}`, true},
		{"approval predicate", `{` + typ + `,` + subj(commit(sha1)) + `,"predicateType":"https://agentcheck.dev/approval/v1","predicate":{"x":1}}`, true},
		{"other type", `{"_type":"https://in-toto.io/Statement/v0.1",` + subj(commit(sha1)) + `,` + pred + `}`, false},
		{"missing type", `{` + subj(commit(sha1)) + `,` + pred + `}`, false},
		{"no subject", `{` + typ + `,` + subj(``) + `,` + pred + `}`, false},
		{"two subjects", `{` + typ + `,` + subj(commit(sha1)+`,`+commit(sha1)) + `,` + pred + `}`, false},
		{"subject name", `{` + typ + `,` + subj(`{"name":"tree","digest":{"gitCommit":"`+sha1+`"}}`) + `,` + pred + `}`, false},
		{"upper-case hex", `{` + typ + `,` + subj(commit(strings.ToUpper(strings.Repeat("ab", 20)))) + `,` + pred + `}`, false},
		{"short hex", `{` + typ + `,` + subj(commit("abc")) + `,` + pred + `}`, false},
		{"non-hex", `{` + typ + `,` + subj(commit(strings.Repeat("g", 40))) + `,` + pred + `}`, false},
		{"extra digest", `{` + typ + `,` + subj(`{"name":"commit","digest":{"gitCommit":"`+sha1+`","sha256":"`+sha256+`"}}`) + `,` + pred + `}`, false},
		{"sha256 digest only", `{` + typ + `,` + subj(`{"name":"commit","digest":{"sha256":"`+sha256+`"}}`) + `,` + pred + `}`, false},
		{"unknown subject field", `{` + typ + `,` + subj(`{"name":"commit","uri":"x","digest":{"gitCommit":"`+sha1+`"}}`) + `,` + pred + `}`, false},
		{"duplicate subject", `{` + typ + `,` + subj(commit(sha1)) + `,` + subj(commit(commitB)) + `,` + pred + `}`, false},
		{"duplicate digest key", `{` + typ + `,` + subj(`{"name":"commit","digest":{"gitCommit":"`+sha1+`","gitCommit":"`+commitB+`"}}`) + `,` + pred + `}`, false},
		{"duplicate in predicate", `{` + typ + `,` + subj(commit(sha1)) + `,"predicateType":"p","predicate":{"files":{},"Files":{}}}`, false},
		{"no predicate type", `{` + typ + `,` + subj(commit(sha1)) + `,"predicate":{}}`, false},
		{"null predicate", `{` + typ + `,` + subj(commit(sha1)) + `,"predicateType":"p","predicate":null}`, false},
		{"array predicate", `{` + typ + `,` + subj(commit(sha1)) + `,"predicateType":"p","predicate":[]}`, false},
		{"unknown field", `{` + typ + `,` + subj(commit(sha1)) + `,` + pred + `,"extra":1}`, false},
		{"not JSON", `hello`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &Envelope{PayloadType: PayloadType, Payload: b64(tc.payload), Signatures: []Signature{{Sig: b64("x")}}}
			st, err := e.Statement()
			if !tc.ok {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Statement = %+v, %v; want ErrMalformed", st, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func FuzzParseEnvelope(f *testing.F) {
	env, err := SignStatement(testStatement(commitA), testSigner(f, "ed25519"))
	if err != nil {
		f.Fatal(err)
	}
	line, err := env.MarshalLine()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(line)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}`))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}],"Payload":"e30="}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := ParseEnvelope(line)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		out, err := e.MarshalLine()
		if err != nil {
			t.Fatalf("MarshalLine of a parsed envelope: %v", err)
		}
		e2, err := ParseEnvelope(out)
		if err != nil {
			t.Fatalf("reparsing %q: %v", out, err)
		}
		if !cmp.Equal(e, e2, cmpopts.IgnoreUnexported(Envelope{})) {
			t.Fatalf("round trip differs: %s", cmp.Diff(e, e2, cmpopts.IgnoreUnexported(Envelope{})))
		}
		if st, err := e.Statement(); err == nil {
			if _, err := subjectCommit(st); err != nil {
				t.Fatalf("Statement accepted a bad subject: %v", err)
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Fatalf("Statement error %v does not wrap ErrMalformed", err)
		}
		// Verification of hostile input fails with a typed error.
		_, err = VerifyEnvelope(e, VerifyOptions{Commit: commitA, Emails: []string{"a@example.com"}})
		if err == nil {
			t.Fatal("VerifyEnvelope trusted a key with nothing trusted")
		}
		if rank(err) < 0 && !errors.Is(err, ErrSubjectMismatch) {
			t.Fatalf("VerifyEnvelope error %v is untyped", err)
		}
	})
}

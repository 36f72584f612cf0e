package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"unicode/utf8"
)

// The strict parsers were rewritten for speed (issue 7). These fuzz targets
// hold them to the simple implementations they replaced, kept here as the
// reference: the same inputs pass and fail.

// refDecodeBase64 is the former decodeBase64: decode, then re-encode and
// compare.
func refDecodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.StdEncoding.EncodeToString(b) != s {
		return nil, errors.New("non-canonical base64")
	}
	return b, nil
}

func FuzzDecodeBase64(f *testing.F) {
	for _, s := range []string{"", "e30=", "e30", "e31=", "e3\n0=", "e30=\r", "AA==", "AB==", "A===", "====", "YWJj", "YW Jj", "YWJj\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := decodeBase64(s)
		want, refErr := refDecodeBase64(s)
		if (err == nil) != (refErr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("decodeBase64(%q) = %q, %v; the reference gives %q, %v", s, got, err, want, refErr)
		}
	})
}

// refCheckDuplicateKeys is the former duplicate check, on encoding/json's
// tokenizer.
func refCheckDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := refWalkValue(dec); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

func refWalkValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			if seen[foldName(key)] {
				return fmt.Errorf("duplicate member %q", key)
			}
			seen[foldName(key)] = true
			if err := refWalkValue(dec); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case json.Delim('['):
		for dec.More() {
			if err := refWalkValue(dec); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

// refStrictObject is the former strictObject.
func refStrictObject(data []byte, allowed ...string) (map[string]json.RawMessage, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	if !json.Valid(data) {
		return nil, errors.New("not valid JSON")
	}
	if err := refCheckDuplicateKeys(data); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	if fields == nil {
		return nil, errors.New("not a JSON object")
	}
	for name := range fields {
		found := false
		for _, a := range allowed {
			found = found || a == name
		}
		if !found {
			return nil, fmt.Errorf("unknown field %q", name)
		}
	}
	return fields, nil
}

func FuzzStrictObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `null`, `"a"`, `1`, `{"a":1}`, `{"a":1,"A":2}`, `{"a":1,"a":2}`, `{"a":{"b":1,"B":2}}`,
		`{"a":[{"x":1},{"x":2,"X":3}]}`, `{"\u0061":1,"a":2}`, `{"ſ":1,"S":2}`, `{"K":1,"k":2}`, `{"a" : [ 1 , 2 ] , "b" : "x\"}" }`,
		`{"a":1} {"a":2}`, `{"a":"x\u00e9y","b":"plain","c":"\t"}`, `{"a":1}x`, ` {"b":true,"c":null,"d":-1.5e3} `, `{"a":"\\"}`, `{"b":1}`, `{"a":{"a":1},"A":0}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return // both refuse it; strictObject also checks UTF-8 first
		}
		dupErr, refDupErr := checkDuplicateKeys(data), refCheckDuplicateKeys(data)
		if (dupErr == nil) != (refDupErr == nil) {
			t.Fatalf("checkDuplicateKeys(%q) = %v; the reference gives %v", data, dupErr, refDupErr)
		}
		got, err := strictObject(data, "a", "b", "c", "d")
		want, refErr := refStrictObject(data, "a", "b", "c", "d")
		if (err == nil) != (refErr == nil) {
			t.Fatalf("strictObject(%q) = %v; the reference gives %v", data, err, refErr)
		}
		if len(got) != len(want) {
			t.Fatalf("strictObject(%q) = %q, the reference %q", data, got, want)
		}
		for k, v := range want {
			if !bytes.Equal(got[k], v) {
				t.Fatalf("strictObject(%q)[%q] = %q, the reference %q", data, k, got[k], v)
			}
			// decodeField reads strings without encoding/json when it can.
			var s, ref string
			err := decodeField(got, k, &s)
			refErr := json.Unmarshal(v, &ref)
			if (err == nil) != (refErr == nil) || s != ref {
				t.Fatalf("decodeField(%q) = %q, %v; json.Unmarshal gives %q, %v", v, s, err, ref, refErr)
			}
		}
	})
}

// ParseEnvelope keeps the statement it parsed for Statement and
// VerifyEnvelope; that must never let them read anything but the payload
// the envelope holds now.
func TestParsedStatementIsNotShared(t *testing.T) {
	signer := testSigner(t, "ed25519")
	envA, err := SignStatement(testStatement(commitA), signer)
	if err != nil {
		t.Fatal(err)
	}
	envB, err := SignStatement(testStatement(commitB), signer)
	if err != nil {
		t.Fatal(err)
	}
	line, err := envA.MarshalLine()
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseEnvelope(line)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Statement()
	if err != nil {
		t.Fatal(err)
	}
	st.Subject[0].Digest["gitCommit"] = commitB // a caller changing what it got
	if again, err := e.Statement(); err != nil || again.Subject[0].Digest["gitCommit"] != commitA {
		t.Fatalf("a changed statement leaked into the next Statement(): %v %v", again, err)
	}
	// Another payload, with the first signature: the statement read is the
	// new payload's, and the signature does not verify over it.
	e.Payload = envB.Payload
	if st, err := e.Statement(); err != nil || st.Subject[0].Digest["gitCommit"] != commitB {
		t.Fatalf("Statement after the payload changed: %v %v", st, err)
	}
	signers := signersFile(t, `a@example.com namespaces="agentcheck" KEY:ed25519`)
	if _, err := VerifyEnvelope(e, VerifyOptions{Signers: signers, Emails: []string{"a@example.com"}, Commit: commitB}); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("VerifyEnvelope of a swapped payload: %v, want ErrBadSignature", err)
	}
	e.Signatures = envB.Signatures
	if _, err := VerifyEnvelope(e, VerifyOptions{Signers: signers, Emails: []string{"a@example.com"}, Commit: commitB}); err != nil {
		t.Fatalf("VerifyEnvelope of envelope B's payload and signature: %v", err)
	}
}

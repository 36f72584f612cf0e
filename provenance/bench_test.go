package provenance_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/repogen"
	"github.com/agentcheck/agentcheck/provenance"
)

// benchManifest is a note line as agentcheck attest writes it for an agent
// commit that changed three files: a session with a scope directive, reads,
// a fetch, the edits and a command, signed with an ed25519 key.
func benchManifest(b *testing.B) (line []byte, commit string, signers *provenance.AllowedSigners) {
	b.Helper()
	commit = strings.Repeat("ab", 20)
	paths := []string{"d0/d12/d3/f7.txt", "d4/d1/d9/f2.txt", "d15/d0/d6/f11.txt"}
	blobs := []string{strings.Repeat("01", 20), strings.Repeat("23", 20), strings.Repeat("45", 20)}
	line, err := repogen.Manifest(2, commit, paths, blobs, repogen.Signer())
	if err != nil {
		b.Fatal(err)
	}
	signers, err = provenance.ParseAllowedSigners(repogen.AllowedSigners(), "allowed_signers")
	if err != nil {
		b.Fatal(err)
	}
	return line, commit, signers
}

// BenchmarkVerifyManifest is what the checker does with each note line of
// an agent commit: parse the envelope and its statement, verify the
// signature against the allowed signers, and decode the session predicate.
func BenchmarkVerifyManifest(b *testing.B) {
	line, commit, signers := benchManifest(b)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := provenance.ParseEnvelope(line)
		if err != nil {
			b.Fatal(err)
		}
		st, err := env.Statement()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := provenance.VerifyEnvelope(env, provenance.VerifyOptions{Signers: signers, Emails: []string{"author@example.com"}, Commit: commit}); err != nil {
			b.Fatal(err)
		}
		if _, err := provenance.DecodeSessionPredicate(st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseManifest is the parsing part of BenchmarkVerifyManifest
// alone: the strict envelope and statement parsers and the predicate.
func BenchmarkParseManifest(b *testing.B) {
	line, _, _ := benchManifest(b)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := provenance.ParseEnvelope(line)
		if err != nil {
			b.Fatal(err)
		}
		st, err := env.Statement()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := provenance.DecodeSessionPredicate(st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignManifest builds and signs one manifest, as attest does.
func BenchmarkSignManifest(b *testing.B) {
	signer := repogen.Signer()
	paths := []string{"a/b.txt", "c/d.txt", "e/f.txt"}
	blobs := []string{strings.Repeat("01", 20), strings.Repeat("23", 20), strings.Repeat("45", 20)}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := repogen.Manifest(i, fmt.Sprintf("%040x", i), paths, blobs, signer); err != nil {
			b.Fatal(err)
		}
	}
}

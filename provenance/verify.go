package provenance

import "errors"

// Verification errors, in the order VerifyEnvelope checks them. Each error it
// returns wraps exactly one of them, with detail; test with errors.Is.
var (
	// ErrMalformed: the envelope, its statement or a signature does not parse
	// (rule AC009).
	ErrMalformed = errors.New("malformed manifest")
	// ErrBadSignature: a signature is not a valid SSHSIG by its key over the
	// envelope in namespace "agentcheck" (AC002).
	ErrBadSignature = errors.New("bad signature")
	// ErrUntrustedKey: the signing key is not trusted for namespace
	// "agentcheck" at the verification time (AC002).
	ErrUntrustedKey = errors.New("untrusted signing key")
	// ErrPrincipalMismatch: the key is trusted, but not for the commit's
	// author or committer (AC002).
	ErrPrincipalMismatch = errors.New("signing key not trusted for the commit's author or committer")
	// ErrSubjectMismatch: the manifest is about another commit, e.g. a note
	// copied from one commit to another (AC003).
	ErrSubjectMismatch = errors.New("manifest is for another commit")
)

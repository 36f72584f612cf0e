package provenance

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

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

// VerifyOptions says what a manifest must be checked against.
type VerifyOptions struct {
	// Signers is the trusted allowed_signers file; nil trusts no key from it.
	Signers *AllowedSigners
	// Emails are the commit's author and committer emails. The signing key
	// must be trusted for a principal matching one of them, as git requires
	// for SSH commit signatures.
	Emails []string
	// Commit is the hex id of the commit the note is attached to.
	Commit string
	// At is the time checked against valid-after and valid-before; the zero
	// time means now.
	At time.Time
	// ExtraKeys optionally trusts keys from elsewhere, e.g. the commit
	// author's SSH signing keys registered on GitHub. It returns a principal
	// pattern list for the key, matched against Emails like an
	// allowed_signers principals field; ok false or an empty principal means
	// not trusted. Namespaces and validity times do not apply to these keys.
	ExtraKeys func(ssh.PublicKey) (principal string, ok bool)
}

// Verified is what a successful verification established.
type Verified struct {
	Statement   *Statement
	Key         ssh.PublicKey
	Fingerprint string // SHA256:… of Key
	Principal   string // the email of opts.Emails that the key is trusted for
}

// Ranks of the verification errors: a later check failing is more specific.
var errorRank = []error{ErrMalformed, ErrBadSignature, ErrUntrustedKey, ErrPrincipalMismatch, ErrNoPresence}

// VerifyEnvelope verifies a manifest against opts: the envelope and its
// statement parse; a signature is cryptographically valid over the PAE in
// namespace "agentcheck"; its key is trusted for that namespace; a principal
// the key is trusted for matches one of opts.Emails; and the statement's
// subject is opts.Commit. One good signature suffices. If none is good, the
// error is that of the signature that got furthest.
//
// The predicate type is not checked: a session manifest and an approval share
// this envelope, and the caller knows which it expects.
func VerifyEnvelope(env *Envelope, opts VerifyOptions) (*Verified, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: no envelope", ErrMalformed)
	}
	st, payload, err := env.decodeStatement()
	if err != nil {
		return nil, err
	}
	pae := PAE(env.PayloadType, payload)
	if opts.At.IsZero() {
		opts.At = time.Now()
	}
	var best error
	for i, sig := range env.Signatures {
		v, err := verifySignature(sig, pae, opts)
		if err == nil {
			if err := checkSubject(st, opts.Commit); err != nil {
				return nil, err
			}
			v.Statement = st
			return v, nil
		}
		err = fmt.Errorf("signature %d: %w", i, err)
		if best == nil || rank(err) > rank(best) {
			best = err
		}
	}
	return nil, best
}

func rank(err error) int {
	for i, sentinel := range errorRank {
		if errors.Is(err, sentinel) {
			return i
		}
	}
	return -1
}

// verifySignature checks one signature of a manifest: parse, cryptography,
// trust, and a principal that is the commit's author or committer.
func verifySignature(s Signature, pae []byte, opts VerifyOptions) (*Verified, error) {
	key, fp, principal, trusted, err := checkSignature(s, pae, opts.Signers, opts.At, opts.Emails, opts.ExtraKeys)
	if err != nil {
		return nil, err
	}
	if principal == "" {
		return nil, fmt.Errorf("%w: key %s is trusted for %s, not for %s", ErrPrincipalMismatch,
			fp, strings.Join(trusted, " or "), describeEmails(opts.Emails))
	}
	return &Verified{Key: key, Fingerprint: fp, Principal: principal}, nil
}

// checkSignature is the one check of a DSSE signature, for manifests and
// approvals alike: it parses the signature, verifies it over pae in
// namespace "agentcheck", and finds the first of identities its key is
// trusted for by signers at time at, or by extra (a principal pattern list
// from elsewhere, to which namespaces and validity times do not apply). A
// key that is trusted, but only for other principals, is no error here:
// principal is then "" and trusted lists the principals it is trusted for,
// for the caller to say so in its own words.
func checkSignature(s Signature, pae []byte, signers *AllowedSigners, at time.Time, identities []string,
	extra func(ssh.PublicKey) (string, bool)) (key ssh.PublicKey, fp, principal string, trusted []string, err error) {
	blob, err := decodeBase64(s.Sig)
	if err != nil {
		return nil, "", "", nil, fmt.Errorf("%w: sig: %w", ErrMalformed, err)
	}
	sig, err := ParseSSHSig(blob)
	if err != nil {
		return nil, "", "", nil, err
	}
	// Trust is looked up before the signature is checked: a key nobody
	// trusts costs no cryptography, however large it is and however many
	// signatures a hostile note carries.
	key, fp = sig.PublicKey, ssh.FingerprintSHA256(sig.PublicKey)
	trusted = signers.Principals(key, SignatureNamespace, at)
	var extraPatterns []string
	if extra != nil {
		if p, ok := extra(key); ok && p != "" {
			extraPatterns = strings.Split(p, ",")
			trusted = append(trusted, p)
		}
	}
	if len(trusted) == 0 {
		return key, fp, "", nil, untrustedError(key, fp, signers, at)
	}
	if err := sig.Verify(SignatureNamespace, pae); err != nil {
		return nil, "", "", nil, err
	}
	for _, id := range identities {
		if id == "" {
			continue
		}
		if signers.Allowed(key, SignatureNamespace, id, at) || extraPatterns != nil && matchPatternList(id, extraPatterns) == 1 {
			return key, fp, id, trusted, nil
		}
	}
	return key, fp, "", trusted, nil
}

// untrustedError explains why key is not trusted: unlisted, or listed but
// refused by a namespace or validity restriction.
func untrustedError(key ssh.PublicKey, fp string, signers *AllowedSigners, at time.Time) error {
	if why := signers.refusals(key, SignatureNamespace, at); len(why) > 0 {
		return fmt.Errorf("%w: key %s is listed but refused: %s", ErrUntrustedKey, fp, strings.Join(why, "; "))
	}
	where := "no allowed_signers file"
	if signers != nil {
		where = signers.Name
	}
	return fmt.Errorf("%w: key %s (%s) is not listed in %s", ErrUntrustedKey, fp, key.Type(), where)
}

func describeEmails(emails []string) string {
	var quoted []string
	for _, e := range emails {
		if e != "" {
			quoted = append(quoted, fmt.Sprintf("%q", e))
		}
	}
	if len(quoted) == 0 {
		return "the commit (no author or committer email given)"
	}
	return "the commit's " + strings.Join(quoted, " or ")
}

// checkSubject checks that st is about commit.
func checkSubject(st *Statement, commit string) error {
	got, err := subjectCommit(st)
	if err != nil {
		return fmt.Errorf("%w: statement: %w", ErrMalformed, err)
	}
	if commit == "" || got != strings.ToLower(commit) {
		return fmt.Errorf("%w: manifest subject is commit %s, note is attached to %q", ErrSubjectMismatch, got, commit)
	}
	return nil
}

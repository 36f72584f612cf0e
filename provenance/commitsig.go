package provenance

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// GitNamespace is the SSHSIG namespace of git's commit and tag signatures
// (gpg.format=ssh). A key listed in allowed_signers with
// namespaces="agentcheck" signs manifests and cannot sign a commit that
// passes as a human's, and a key listed with namespaces="git" the reverse.
const GitNamespace = "git"

// CommitSignatureOptions says what a commit's signature is checked
// against.
type CommitSignatureOptions struct {
	// Signers is the trusted allowed_signers file; nil trusts no key.
	Signers *AllowedSigners
	// Committer is the committer's email: the signature is the
	// committer's, who made the commit object (git commit -S, rebase -S),
	// whoever the author is.
	Committer string
	// At is the committer date, which git also checks valid-after and
	// valid-before against.
	At time.Time
	// Presence is what the signature must prove of the human.
	Presence Presence
}

// VerifyCommitSignature verifies signature, the value of a commit's gpgsig
// header, over payload, the commit without it: an armored SSHSIG in
// namespace "git" by a key that Signers trusts for that namespace at At,
// for the committer's email, and that proves opts.Presence. Errors wrap
// ErrMalformed (not an SSH signature, or one that does not parse),
// ErrBadSignature, ErrUntrustedKey, ErrPrincipalMismatch or ErrNoPresence.
func VerifyCommitSignature(signature, payload []byte, opts CommitSignatureOptions) (*Verified, error) {
	if kind := foreignSignature(signature); kind != "" {
		return nil, fmt.Errorf("%w: the commit is signed with %s, and agentcheck verifies SSH signatures only (gpg.format=ssh)", ErrMalformed, kind)
	}
	blob, err := UnarmorSSHSig(signature)
	if err != nil {
		return nil, err
	}
	sig, err := ParseSSHSig(blob)
	if err != nil {
		return nil, err
	}
	key, fp := sig.PublicKey, ssh.FingerprintSHA256(sig.PublicKey)
	if len(opts.Signers.Principals(key, GitNamespace, opts.At)) == 0 {
		return nil, untrustedCommitKey(key, fp, opts)
	}
	if err := sig.Verify(GitNamespace, payload); err != nil {
		return nil, err
	}
	if opts.Committer == "" || !opts.Signers.Allowed(key, GitNamespace, opts.Committer, opts.At) {
		return nil, fmt.Errorf("%w: key %s is trusted to sign commits for %s, not for the committer %q", ErrPrincipalMismatch,
			fp, strings.Join(opts.Signers.Principals(key, GitNamespace, opts.At), " or "), opts.Committer)
	}
	if err := CheckPresence(sig, opts.Presence); err != nil {
		return nil, err
	}
	return &Verified{Key: key, Fingerprint: fp, Principal: opts.Committer}, nil
}

// untrustedCommitKey explains why a commit signing key is not trusted.
func untrustedCommitKey(key ssh.PublicKey, fp string, opts CommitSignatureOptions) error {
	if why := opts.Signers.refusals(key, GitNamespace, opts.At); len(why) > 0 {
		return fmt.Errorf("%w: key %s is listed but may not sign commits: %s", ErrUntrustedKey, fp, strings.Join(why, "; "))
	}
	where := "no allowed_signers file"
	if opts.Signers != nil {
		where = opts.Signers.Name
	}
	return fmt.Errorf("%w: key %s (%s) is not listed in %s", ErrUntrustedKey, fp, key.Type(), where)
}

// foreignSignature names a commit signature that is not SSH's, or "".
func foreignSignature(sig []byte) string {
	switch {
	case bytes.HasPrefix(sig, []byte("-----BEGIN PGP SIGNATURE-----")):
		return "OpenPGP"
	case bytes.HasPrefix(sig, []byte("-----BEGIN SIGNED MESSAGE-----")):
		return "X.509 (gpgsm or gitsign)"
	}
	return ""
}

package check

// # Human commits under require: all
//
// Under require: all every commit needs a manifest, but a human's commit
// has no session to make one. It passes instead with a git commit
// signature that proves who made it and, when the policy asks, that a
// human was there: an SSH signature (gpg.format=ssh) in namespace "git" by
// a key the trusted allowed_signers file lists for the committer's email
// (the committer made the commit object and signed it, whoever the author
// is, as git commit -S and rebase -S do), valid at the committer date as
// git verify-commit checks it. It is the guarantee that does not depend on
// the agent's cooperation: an agent that commits with every hook off, with
// commit-tree and update-ref, or from another GIT_DIR, makes a commit with
// no manifest and no such signature unless it can sign as the human, which
// trust.presence denies it (a key on disk signs for any process of the
// user's; a security key signs only when touched).
//
// A commit recognised as an agent's (a trailer, an author) still needs its
// manifest: a signature does not say which task it was made for.

import (
	"errors"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// judgeHumanSignature accepts a commit without a manifest under require:
// all when its commit signature stands in for one (see above), and
// reports AC001 for an unsigned commit, AC015 for a signature that does
// not.
func (cc *commitCheck) judgeHumanSignature(signed func() ([]byte, []byte, error), rep *CommitReport) error {
	var payload, sig []byte
	if signed != nil {
		var err error
		if payload, sig, err = signed(); err != nil {
			return err
		}
	}
	if sig == nil {
		cc.add(RuleUnattested, LevelError, "", "commit has neither a provenance manifest nor an SSH commit signature by a trusted key, and the policy requires one or the other on every commit (require: all)",
			"if an agent session on this machine made it, attest it: agentcheck attest "+cc.short()+"; a human's commit: sign it (git commit --amend -S --no-edit, gpg.format=ssh) with a key listed for the committer's email with namespaces=\"git\" in "+cc.signersName()+
				"; or "+approveHint(cc.short())+", or set require: agent in .agentcheck.yml on the base branch", nil, "")
		return nil
	}
	v, err := provenance.VerifyCommitSignature(sig, payload, provenance.CommitSignatureOptions{
		Signers: cc.t.Signers, Committer: cc.c.Committer.Email, At: cc.c.Committer.When, Presence: cc.presence(),
	})
	if err != nil {
		cc.add(RuleHumanSignature, LevelError, "", "commit has no provenance manifest, and its signature does not stand in for one: "+err.Error(), cc.humanSignatureHint(err), nil, "")
		return nil
	}
	rep.SignedBy = v.Principal
	return nil
}

// presence is what the policy requires a human's signature to prove.
func (cc *commitCheck) presence() provenance.Presence {
	return PresenceOf(cc.t.Policy)
}

// PresenceOf maps the policy's trust.presence to what a signature must
// prove.
func PresenceOf(p *scope.Policy) provenance.Presence {
	switch p.Trust.Presence {
	case scope.PresenceTouch:
		return provenance.PresenceTouch
	case scope.PresenceVerified:
		return provenance.PresenceVerified
	}
	return provenance.PresenceAny
}

// signersName names the trusted allowed_signers file for hints.
func (cc *commitCheck) signersName() string {
	if cc.t.Signers != nil && cc.t.Signers.Name != "" {
		return cc.t.Signers.Name
	}
	if cc.t.Policy.Trust.AllowedSigners != "" {
		return cc.t.Policy.Trust.AllowedSigners + " on the base branch"
	}
	return "the allowed_signers file on the base branch"
}

// humanSignatureHint says how to fix a commit signature that does not
// stand in for a manifest.
func (cc *commitCheck) humanSignatureHint(err error) string {
	switch {
	case errors.Is(err, provenance.ErrNoPresence):
		return "sign with a FIDO security key (ssh-keygen -t ed25519-sk; trust.presence: " + cc.t.Policy.Trust.Presence + ") listed for the committer in " + cc.signersName() + ": git commit --amend -S --no-edit, touching the key"
	case errors.Is(err, provenance.ErrUntrustedKey):
		return "list the key for the committer's email with namespaces=\"git\" in " + cc.signersName() + " through a reviewed change, or re-sign with a listed key (git commit --amend -S --no-edit)"
	case errors.Is(err, provenance.ErrPrincipalMismatch):
		return "the key is listed for someone else: the committer signs, so re-sign as the committer the key is listed for, or fix the principal in " + cc.signersName()
	case errors.Is(err, provenance.ErrMalformed):
		return "sign with an SSH key (git config gpg.format ssh; git commit --amend -S --no-edit)"
	}
	return "the commit or its signature was altered: re-sign it (git commit --amend -S --no-edit)"
}

package check

import (
	"github.com/agentcheck/agentcheck/agentid"
	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// Trust is the trusted side a commit is judged against: the policy and the
// keys it trusts, each with a note of where it came from for reports. It
// must come from where the commits being checked cannot reach (the range's
// base, the server, files the user named); package gate reads it.
type Trust struct {
	Policy       *scope.Policy
	PolicySource string
	// Signers are the keys trusted to sign session manifests; nil trusts
	// no key.
	Signers       *provenance.AllowedSigners
	SignersSource string
	// Approvers are the keys trusted to approve findings; nil means
	// nobody may approve. See approvals.go.
	Approvers       *provenance.AllowedSigners
	ApproversSource string
	// ExtraKeys, if set, trusts further keys for a commit, e.g. the
	// author's SSH signing keys registered on GitHub. It returns the
	// principal.
	ExtraKeys func(c *Commit, key ssh.PublicKey) (principal string, ok bool)
	// Links, if set, reads the symlinks of the trusted tree, so that a
	// path is also judged under the names it is read by (see [Links]). It
	// is called when a commit's changes are judged, and must be safe for
	// concurrent use and cheap after its first call.
	Links func() (*Links, error)
	// Agents recognises agent commits without a manifest: the built-in
	// registry of agents as the policy changes it ([AgentRecognizer]).
	// Whoever builds a Trust for many commits sets it once; nil builds it
	// for each commit judged.
	Agents *agentid.Recognizer
}

package attest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
)

// Rewrite is one commit an amend or a rebase replaced, as git's
// post-rewrite hook lists it.
type Rewrite struct{ Old, New git.Hash }

// AttestRewritten attests each new commit of rewrites with the sessions of
// the commits it replaces: those of their manifests that verify with this
// machine's own signing key and whose journal is here. Manifests signed by
// anyone else are not signed again: that would launder them. A note that
// cannot be read is reported and skipped; the errors of the commits that
// could not be attested are returned together.
func (a *Attester) AttestRewritten(ctx context.Context, rewrites []Rewrite) error {
	notes, err := gate.OpenNotes(a.Repo)
	if err != nil {
		return err
	}
	var signer ssh.Signer
	sessions := map[git.Hash][]Session{}
	var order []git.Hash
	for _, r := range rewrites {
		if r.Old.IsZero() || r.New.IsZero() || r.Old == r.New {
			continue
		}
		note, err := notes.Read(r.Old, git.MaxNoteSize)
		if errors.Is(err, git.ErrNoteNotFound) {
			continue
		}
		if err != nil {
			fmt.Fprintf(a.Stderr, "agentcheck: %s: %v\n", a.Hook, err)
			continue
		}
		if signer == nil {
			if signer, _, err = Signer(ctx, a.Dir, a.Key, a.getenv); err != nil {
				return err
			}
		}
		if _, ok := sessions[r.New]; !ok {
			order = append(order, r.New)
		}
		for _, s := range ownSessions(note, r.Old.String(), signer.PublicKey()) {
			if !slices.Contains(sessions[r.New], s) {
				sessions[r.New] = append(sessions[r.New], s)
			}
		}
	}
	var errs []error
	for _, n := range order {
		if len(sessions[n]) == 0 {
			continue
		}
		commit, err := git.ReadCommit(a.Repo.Objects, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := a.attestWith(ctx, commit, sessions[n]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ownSessions returns the sessions of the session manifests in note that
// are about commit and verify with key.
func ownSessions(note []byte, commit string, key ssh.PublicKey) []Session {
	var out []Session
	for _, m := range ownManifests(note, commit, key) {
		out = append(out, Session{m.pred.Agent.Name, m.pred.Session.ID})
	}
	return out
}

// ownManifest is a session manifest signed with this machine's key.
type ownManifest struct {
	pred   *provenance.SessionPredicate
	digest string // provenance.PayloadDigest
}

// ownManifests returns the session manifests in note that are about commit
// and verify with key, in note order.
func ownManifests(note []byte, commit string, key ssh.PublicKey) []ownManifest {
	own := string(key.Marshal())
	var out []ownManifest
	for _, line := range strings.Split(string(note), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		env, err := provenance.ParseEnvelope([]byte(line))
		if err != nil {
			continue
		}
		v, err := provenance.VerifyEnvelope(env, provenance.VerifyOptions{
			Commit: commit,
			Emails: []string{"*"},
			ExtraKeys: func(k ssh.PublicKey) (string, bool) {
				return "*", string(k.Marshal()) == own
			},
		})
		if err != nil {
			continue
		}
		p, err := provenance.DecodeSessionPredicate(v.Statement)
		if err != nil {
			continue
		}
		d, err := provenance.PayloadDigest(env)
		if err != nil {
			continue
		}
		out = append(out, ownManifest{p, d})
	}
	return out
}

package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// A session's manifest of a commit can be superseded: after the commit was
// attested, the human declares scope they had forgotten (agentcheck scope
// add) and attests again. The new manifest names the earlier one by the
// digest of its payload, inside what it signs, so that which manifest is
// the session's latest is fixed by signatures, not by the order of a
// note's lines or by a time the signer chose. Both stay in the note; the
// checker judges the latest.

// PayloadDigest returns "sha256:" and the hex SHA-256 of the envelope's
// decoded payload: the statement its signatures cover. It names a manifest
// however its envelope is spelled and whoever signed it.
func PayloadDigest(env *Envelope) (string, error) {
	payload, err := env.decode()
	if err != nil {
		return "", fmt.Errorf("%w: envelope: %w", ErrMalformed, err)
	}
	sum := sha256.Sum256(payload)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// CheckSupersedes reports why later may not replace earlier, or nil when it
// may: both are of the same session, and later keeps everything earlier
// recorded — every prompt, scope claim, read and action, a permission mode
// and sandbox no less permissive, the same files and repository. Only the
// declared scope and what the session did since may differ. A superseding
// manifest can thus add a declaration, but never hide a fetch, a command,
// a bypass or the content the session left, and the signals those raise
// survive it. That later names earlier (Supersedes) and that both are
// signed by the same key is the caller's to check.
func CheckSupersedes(earlier, later *SessionPredicate) error {
	switch {
	case later.Agent.Name != earlier.Agent.Name || later.Session.ID != earlier.Session.ID:
		return errors.New("it is another session's")
	case !maps.Equal(later.Files, earlier.Files):
		return errors.New("it records other content left in the commit's files")
	case !sameRepo(later.Repo, earlier.Repo):
		return errors.New("it records other remotes")
	case permissive[later.Session.PermissionMode] < permissive[earlier.Session.PermissionMode]:
		return fmt.Errorf("it records permission mode %q, less permissive than %q", later.Session.PermissionMode, earlier.Session.PermissionMode)
	case earlier.Session.Sandbox != "" && (later.Session.Sandbox == "" || rankSandbox(later.Session.Sandbox) < rankSandbox(earlier.Session.Sandbox)):
		return fmt.Errorf("it records sandbox %q, less permissive than %q", later.Session.Sandbox, earlier.Session.Sandbox)
	}
	for _, p := range earlier.Task.Prompts {
		if !slices.ContainsFunc(later.Task.Prompts, func(q Prompt) bool { return q.At.Equal(p.At) && q.Text == p.Text && q.SHA256 == p.SHA256 }) {
			return fmt.Errorf("it drops the prompt of %s", p.At.UTC().Format("2006-01-02T15:04:05Z"))
		}
	}
	for _, c := range earlier.Task.ScopeClaims {
		if !slices.ContainsFunc(later.Task.ScopeClaims, func(d ScopeClaim) bool {
			return d.At.Equal(c.At) && d.Origin == c.Origin && slices.Equal(d.Globs, c.Globs)
		}) {
			return fmt.Errorf("it drops the scope claim of %s", c.At.UTC().Format("2006-01-02T15:04:05Z"))
		}
	}
	for _, r := range earlier.Reads {
		if !slices.Contains(later.Reads, r) {
			return fmt.Errorf("it drops a read (%s %s%s%s)", r.Kind, r.Path, r.URL, r.Query)
		}
	}
	for _, a := range earlier.Actions {
		if !slices.Contains(later.Actions, a) {
			return fmt.Errorf("it drops an action (%s %s%s)", a.Kind, a.Path, a.Command)
		}
	}
	return nil
}

// sameRepo reports whether two manifests record the same remotes.
func sameRepo(a, b *RepoInfo) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.EqualFunc(a.Remotes, b.Remotes, func(x, y Remote) bool {
		return x.Name == y.Name && slices.Equal(x.URLs, y.URLs)
	})
}

package gate

import (
	"fmt"
	"os"
	"sync"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/trusted"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// TrustSource says where to read the trusted side from. Files named by the
// user win; otherwise the files are read from Base, a commit outside the
// range being checked; with neither, the built-in defaults apply and no key
// is trusted.
type TrustSource struct {
	PolicyFile, SignersFile, ApproversFile string
	Base                                   git.Hash
}

// LoadTrust reads the policy, the allowed signers and the approvers. A file
// that exists but does not parse is an error: the gate never falls back to
// looser defaults because the trusted policy is broken.
func LoadTrust(r git.ObjectReader, src TrustSource) (*check.Trust, error) {
	t := &check.Trust{}
	var err error
	if t.Policy, t.PolicySource, err = loadPolicy(r, src); err != nil {
		return nil, err
	}
	if !src.Base.IsZero() {
		// Hook directories the base's own setup points core.hooksPath at
		// run code on every developer's commit, like .husky.
		t.Policy.ProtectHookDirs(trusted.HookDirs(r, src.Base))
		// The base's symlinks name what a path is read as (CLAUDE.md as a
		// link to docs/agent.md); read once, when an agent commit's
		// changes are first judged.
		base := src.Base
		t.Links = sync.OnceValues(func() (*check.Links, error) {
			links, err := git.Symlinks(r, base)
			if err != nil {
				return nil, err
			}
			return check.NewLinks(links), nil
		})
	}
	t.Signers, t.SignersSource, err = loadSigners(r, src.Base, src.SignersFile, t.Policy.Trust.AllowedSigners)
	if err != nil {
		return nil, err
	}
	t.Approvers, t.ApproversSource, err = loadSigners(r, src.Base, src.ApproversFile, t.Policy.Trust.Approvers)
	if err != nil {
		return nil, err
	}
	if t.Agents, err = check.AgentRecognizer(t.Policy); err != nil {
		return nil, err
	}
	return t, nil
}

// loadPolicy reads the policy from the file the user named, else at the
// base commit, else the built-in defaults, and says where it came from.
func loadPolicy(r git.ObjectReader, src TrustSource) (*scope.Policy, string, error) {
	if src.PolicyFile != "" {
		data, err := os.ReadFile(src.PolicyFile)
		if err != nil {
			return nil, "", fmt.Errorf("reading the policy: %w", err)
		}
		p, err := scope.Parse(data, src.PolicyFile)
		return p, src.PolicyFile, err
	}
	if src.Base.IsZero() {
		return scope.Default(), "built-in defaults", nil
	}
	at := short(src.Base)
	p, found, err := trusted.Policy(r, src.Base, at)
	switch {
	case err != nil:
		return nil, "", err
	case !found:
		return p, fmt.Sprintf("built-in defaults (no %s at base %s)", scope.PolicyFile, at), nil
	}
	return p, scope.PolicyFile + "@" + at, nil
}

func loadSigners(r git.ObjectReader, base git.Hash, file, repoPath string) (*provenance.AllowedSigners, string, error) {
	data, where, err := readTrusted(r, base, file, repoPath)
	if err != nil {
		return nil, "", fmt.Errorf("reading allowed signers: %w", err)
	}
	if data == nil {
		if base.IsZero() || repoPath == "" {
			return nil, "none (no key is trusted)", nil
		}
		return nil, fmt.Sprintf("none (no %s at base %s; no key is trusted)", repoPath, short(base)), nil
	}
	signers, err := provenance.ParseAllowedSigners(data, where)
	if err != nil {
		return nil, "", err
	}
	return signers, where, nil
}

// readTrusted reads file from disk if given, else repoPath at the base
// commit. It returns nil data when there is nothing to read.
func readTrusted(r git.ObjectReader, base git.Hash, file, repoPath string) ([]byte, string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, "", err
		}
		return data, file, nil
	}
	if base.IsZero() || repoPath == "" {
		return nil, "", nil
	}
	data, ok, err := trusted.File(r, base, repoPath)
	if err != nil || !ok {
		return nil, "", err
	}
	return data, fmt.Sprintf("%s@%s", repoPath, short(base)), nil
}

func short(h git.Hash) string { return h.String()[:12] }

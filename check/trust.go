package check

import (
	"fmt"
	"os"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// PolicyFile is the policy's path in a repository.
const PolicyFile = scope.PolicyFile

// maxTrustFile bounds the policy and signer files read from a commit.
const maxTrustFile = 1 << 20

// Trust is the trusted side of a check: the policy and the keys it trusts,
// each with a note of where it came from.
type Trust struct {
	Policy          *scope.Policy
	PolicySource    string
	Signers         *provenance.AllowedSigners // nil: no key is trusted
	SignersSource   string
	Approvers       *provenance.AllowedSigners // nil: nobody may approve
	ApproversSource string
}

// TrustSource says where to read the trusted side from. Files named by the
// user win; otherwise the files are read from Base, a commit outside the
// range being checked; with neither, the built-in defaults apply and no key
// is trusted.
type TrustSource struct {
	PolicyFile, SignersFile, ApproversFile string
	Base                                   plumbing.Hash
}

// LoadTrust reads the policy and allowed signers. A file that exists but does
// not parse is an error: the gate never falls back to looser defaults
// because the trusted policy is broken.
func LoadTrust(r git.ObjectReader, src TrustSource) (*Trust, error) {
	t := &Trust{}
	data, where, err := readTrusted(r, src.Base, src.PolicyFile, PolicyFile)
	if err != nil {
		return nil, fmt.Errorf("reading the policy: %w", err)
	}
	if data == nil {
		t.Policy, t.PolicySource = scope.Default(), "built-in defaults"
		if !src.Base.IsZero() {
			t.PolicySource += fmt.Sprintf(" (no %s at base %s)", PolicyFile, short(src.Base))
		}
	} else {
		if t.Policy, err = scope.Parse(data, where); err != nil {
			return nil, err
		}
		t.PolicySource = where
	}
	t.Signers, t.SignersSource, err = loadSigners(r, src.Base, src.SignersFile, t.Policy.Trust.AllowedSigners)
	if err != nil {
		return nil, err
	}
	t.Approvers, t.ApproversSource, err = loadSigners(r, src.Base, src.ApproversFile, t.Policy.Trust.Approvers)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func loadSigners(r git.ObjectReader, base plumbing.Hash, file, repoPath string) (*provenance.AllowedSigners, string, error) {
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
func readTrusted(r git.ObjectReader, base plumbing.Hash, file, repoPath string) ([]byte, string, error) {
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
	data, ok, err := git.ReadFileAt(r, base, repoPath, maxTrustFile)
	if err != nil || !ok {
		return nil, "", err
	}
	return data, fmt.Sprintf("%s@%s", repoPath, short(base)), nil
}

func short(h plumbing.Hash) string { return h.String()[:12] }

// ReadFileAt returns the content of the regular file at path in a commit's
// tree; ok is false when there is no such file. Symlinks are not followed: a
// trusted file must be a file. See [git.ReadFileAt].
func ReadFileAt(r git.ObjectReader, commit plumbing.Hash, path string, limit int) (data []byte, ok bool, err error) {
	return git.ReadFileAt(r, commit, path, limit)
}

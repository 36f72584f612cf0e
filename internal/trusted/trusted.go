// Package trusted reads what a check trusts from a commit that the commits
// being checked cannot change: the policy, and the key files it names.
//
// It is the one definition of "the policy at a commit", and it is lean —
// internal/git and scope, no signatures and no checker — so that the
// recording hook, which reads the trusted policy before the tool calls it
// judges, uses the same definition as the gate.
package trusted

import (
	"fmt"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/scope"
)

// MaxFileSize bounds the policy and key files read from a commit.
const MaxFileSize = 1 << 20

// Policy reads the policy at commit: the commit's .agentcheck.yml merged
// onto the built-in defaults. found is false when the commit has no policy
// file; p is then the built-in defaults. name names the commit (a short id,
// a ref) in the policy's source and in messages. A policy file that is not a
// regular file, is too large or does not parse is an error: the gate never
// falls back to looser defaults because the trusted policy is broken.
func Policy(r git.ObjectReader, commit git.Hash, name string) (p *scope.Policy, found bool, err error) {
	data, found, err := File(r, commit, scope.PolicyFile)
	if err != nil {
		return nil, false, fmt.Errorf("reading %s at %s: %w", scope.PolicyFile, name, err)
	}
	if !found {
		return scope.Default(), false, nil
	}
	p, err = scope.Parse(data, scope.PolicyFile+"@"+name)
	if err != nil {
		return nil, true, err
	}
	return p, true, nil
}

// File reads the regular file at a slash-separated path of commit's tree;
// found is false when there is none. Symlinks are refused, not followed: a
// trusted file must be a file of the commit itself.
func File(r git.ObjectReader, commit git.Hash, path string) (data []byte, found bool, err error) {
	return git.ReadFileAt(r, commit, path, MaxFileSize)
}

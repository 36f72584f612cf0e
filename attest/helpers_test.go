package attest

import (
	"bytes"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/testrepo"
)

// testAttester returns an Attester of r's repository that signs with
// name's key, writes to stderr and sees env as its environment.
func testAttester(r *testrepo.Repo, repo *git.Repo, name string, stderr *bytes.Buffer, env map[string]string) *Attester {
	stderr.Reset()
	return &Attester{Repo: repo, Dir: r.Dir, Key: r.Key(name), Stderr: stderr, Getenv: func(k string) string { return env[k] }}
}

package attest

import (
	"bytes"
	"errors"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/testrepo"
)

// testAttester returns an Attester of r's repository that signs with
// name's key, writes to stderr and sees env as its environment.
func testAttester(r *testrepo.Repo, repo *git.Repo, name string, stderr *bytes.Buffer, env map[string]string) *Attester {
	stderr.Reset()
	return &Attester{Repo: repo, Dir: r.Dir, Key: r.Key(name), Stderr: stderr, Getenv: func(k string) string { return env[k] }, ReadProcess: noAncestors}
}

// noAncestors reads no process: the tests' ancestry (go test, and whatever
// runs it, an agent perhaps) is not the approver's. The walk over real
// processes is tested by the scripts (approve_agent_session.txtar).
func noAncestors(int) (agents.Process, error) {
	return agents.Process{}, errors.New("no process table in tests")
}

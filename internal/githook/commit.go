package githook

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/attest"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// prepareCommitMsg adds an "Agent-Session: AGENT/ID" trailer for the
// session whose shell runs git commit, for each session whose pending
// edits the staged changes hold, and, when git runs under a coding agent
// whose shell names no session (Cursor's), for that agent's sessions of
// the repository in the middle of a turn: the commit is recognised as an
// agent's even if its note is lost, and the branch guard (branch.go) finds
// the trailer it expects.
func (h *Hook) prepareCommitMsg(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("no message file given")
	}
	msgFile := args[0]
	if !filepath.IsAbs(msgFile) {
		msgFile = filepath.Join(h.Dir, msgFile)
	}
	repo, err := h.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	var sessions []string
	if agent, id, ok := agents.SessionFromEnv(h.getenv); ok {
		sessions = append(sessions, agent+"/"+id)
	}
	all, err := journal.ReadAll(repo.CommonDir)
	if err != nil {
		return err
	}
	if len(sessions) == 0 && len(all) > 0 {
		if _, agent, ok := agents.AgentAncestor(os.Getpid(), h.readProcess()); ok {
			now := time.Now()
			for _, j := range all {
				if a, id := j.SessionOf(); a == agent && j.InTurn(now) {
					sessions = append(sessions, a+"/"+id)
				}
			}
		}
	}
	if len(all) > 0 {
		staged, err := stagedBlobs(ctx, h.Dir)
		if err != nil {
			return err
		}
		for _, j := range provenance.MatchSessions(all, staged) {
			agent, id := j.SessionOf()
			if s := agent + "/" + id; !slices.Contains(sessions, s) {
				sessions = append(sessions, s)
			}
		}
	}
	if len(sessions) == 0 {
		return nil
	}
	gitArgs := []string{"interpret-trailers", "--in-place", "--if-exists", "addIfDifferent"}
	for _, s := range sessions {
		gitArgs = append(gitArgs, "--trailer", "Agent-Session: "+s)
	}
	_, err = gitcli.Output(ctx, h.Dir, append(gitArgs, msgFile)...)
	return err
}

// stagedBlobs returns what the commit being prepared changes: for each
// path staged differently from HEAD, its staged blob, or ZeroBlob for a
// deletion. The index is git's own for the commit (GIT_INDEX_FILE is set
// for "git commit -a" and "git commit PATH").
func stagedBlobs(ctx context.Context, dir string) (map[string]string, error) {
	base := "HEAD"
	if _, err := gitcli.Output(ctx, dir, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err != nil {
		base = emptyTree
	}
	out, err := gitcli.Output(ctx, dir, "diff-index", "--cached", "-z", "--raw", "--no-renames", base)
	if err != nil {
		return nil, err
	}
	return parseRawDiff(out), nil
}

// parseRawDiff reads git diff-index -z --raw --no-renames: for each path,
// the blob of the index side, journal.ZeroBlob for a deletion.
func parseRawDiff(out string) map[string]string {
	changed := map[string]string{}
	fields := strings.Split(out, "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		meta := strings.Fields(fields[i])
		if len(meta) < 5 {
			break
		}
		blob := meta[3]
		if strings.Trim(blob, "0") == "" {
			blob = journal.ZeroBlob
		}
		changed[fields[i+1]] = blob
	}
	return changed
}

// emptyTree is git's empty tree (SHA-1).
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// attester is the attest.Attester of this hook: it signs with the user's
// configured key and says nothing of sessions already attested.
func (h *Hook) attester(repo *git.Repo) *attest.Attester {
	return &attest.Attester{Repo: repo, Dir: h.Dir, Getenv: h.Getenv, Stderr: h.Stderr, Hook: h.name}
}

// postCommit attests the new commit.
func (h *Hook) postCommit(ctx context.Context) error {
	repo, err := h.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	return h.attester(repo).AttestCommitted(ctx)
}

// postRewrite attests the commits an amend or a rebase rewrote. git writes
// one line per rewritten commit: OLD NEW [EXTRA].
func (h *Hook) postRewrite(ctx context.Context) error {
	repo, err := h.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	var rewrites []attest.Rewrite
	sc := bufio.NewScanner(h.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 {
			rewrites = append(rewrites, attest.Rewrite{Old: hookHash(f[0]), New: hookHash(f[1])})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the rewritten commits: %w", err)
	}
	return h.attester(repo).AttestRewritten(ctx, rewrites)
}

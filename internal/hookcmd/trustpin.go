package hookcmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/trusted"
	"github.com/agentcheck/agentcheck/scope"
)

// The trusted side of runtime enforcement is pinned per session. The refs
// the policy is read from (TrustedRefs) are files the agent can move with
// one command — git update-ref, git symbolic-ref, a write into .git — and
// a ref pointed at a commit with a permissive policy would loosen the
// runtime rules for the rest of the session. So the first time a session
// needs its policy (at the latest on its first event) the hook records
// which ref it read and the commit that ref named, in a file beside the
// session's journal, and from then on reads the policy at that commit:
//
//   - while the ref still names the pinned commit, nothing changed;
//   - a remote-tracking ref may move on when a fetch from its remote
//     fast-forwards it: the new commit descends from the pinned one and
//     every reflog entry from the pinned commit to the new one is what git
//     fetch or git pull of that remote writes for a fast-forward ("fetch
//     origin: fast-forward"). The pin then moves with it;
//   - any other move of a remote-tracking ref (a forced update, a
//     retargeted origin/HEAD, update-ref) cannot be vouched for: the
//     built-in policy applies, which denies, with a warning each time;
//   - a local ref (HEAD, a local upstream branch) moves with every commit
//     the agent makes; the pinned commit's policy stays in force.
//
// The reflog is written by whoever moves the ref, so an agent that forges
// a fetch's entry and a commit descending from the pin passes the check;
// the runtime refuses the commands that would do so where it can read
// them, and the verifier reads its policy from the side it trusts, not
// from this machine (see docs/threat-model.md).

// pin is a session's trusted commit: Ref, as TrustedRefs named it,
// resolved through symbolic refs to Target, which named Commit. A zero
// pin (Ref "") means no trusted ref named a commit when the session
// started: the built-in policy applies throughout.
type pin struct {
	Ref, Target string
	Commit      git.Hash
}

// maxAncestry bounds the commits looked at to tell a fast-forward.
const maxAncestry = 10000

func pinPath(journalPath string) string { return journalPath + ".trust" }

// pinAtStart pins the session's trusted commit if it has no pin yet, so
// that a ref the agent moves before its first guarded call is not the one
// pinned. Once pinned, this costs one stat.
func pinAtStart(r agents.Repo, getenv func(string) string, journalPath string) error {
	if _, err := os.Stat(pinPath(journalPath)); err == nil {
		return nil
	}
	repo, err := git.Open(r.Root, getenv)
	if err != nil {
		return fmt.Errorf("pinning the trusted policy: %w", err)
	}
	defer repo.Close()
	_, err = sessionPin(repo, pinPath(journalPath))
	return err
}

// sessionPin returns the session's pin, making it from the trusted refs
// when the session has none yet. Two hooks of one session racing to make
// it agree: the first file written wins.
func sessionPin(repo *git.Repo, path string) (pin, error) {
	if p, err := readPin(path); err == nil {
		return p, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return pin{}, err
	}
	var p pin
	for _, ref := range TrustedRefs(repo) {
		target, h, err := repo.ResolveRef(ref)
		if err == nil {
			p = pin{Ref: ref, Target: target, Commit: h}
			break
		}
	}
	if err := writePin(path, p, false); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readPin(path)
		}
		return pin{}, err
	}
	return p, nil
}

// pinnedPolicy returns the runtime policy of a session pinned to p (see
// above). It always returns a policy: on error, the built-in defaults.
func pinnedPolicy(repo *git.Repo, p pin, path string) (*scope.Policy, error) {
	if p.Ref == "" {
		return scope.Default(), nil
	}
	target, h, err := repo.ResolveRef(p.Ref)
	switch {
	case err == nil && target == p.Target && h == p.Commit:
	case !strings.HasPrefix(p.Target, "refs/remotes/"):
		// A local ref: the agent's own commits move it.
	case err == nil && target == p.Target && fastForwardFetch(repo, p, h):
		p.Commit = h
		if err := writePin(path, p, true); err != nil {
			return scope.Default(), err
		}
	default:
		now := "nothing"
		if err == nil {
			now = target + " at " + h.String()[:12]
		}
		return scope.Default(), fmt.Errorf("the trusted ref %s named %s at %s when the session started and now names %s, a move no fetch that fast-forwards vouches for (start a new session after fetching if you moved it)",
			p.Ref, p.Target, p.Commit.String()[:12], now)
	}
	pol, _, err := trusted.Policy(repo.Objects, p.Commit, p.Ref)
	if err != nil {
		return scope.Default(), err
	}
	return pol, nil
}

// fastForwardFetch reports whether the move of p.Target from p.Commit to
// now is vouched for as fetches that fast-forwarded it: now descends from
// the pinned commit, and the ref's reflog leads from one to the other in
// entries that fetch or pull wrote for a fast-forward.
func fastForwardFetch(repo *git.Repo, p pin, now git.Hash) bool {
	log, err := repo.Reflog(p.Target)
	if err != nil || len(log) == 0 || log[len(log)-1].New != now {
		return false
	}
	remote, at := remoteOf(p.Target), now
	for i := len(log) - 1; i >= 0 && at != p.Commit; i-- {
		e := log[i]
		if e.New != at || !fetchFastForward(e.Message, remote) {
			return false
		}
		at = e.Old
	}
	if at != p.Commit {
		return false
	}
	ok, err := git.IsAncestor(repo.Objects, p.Commit, now, maxAncestry)
	return err == nil && ok
}

// fetchFastForward reports whether a reflog message is the one git fetch
// or git pull of remote writes for a fast-forward of one of its
// remote-tracking refs: "fetch origin: fast-forward", "pull --ff-only:
// fast-forward" — the command's words, then the update. A fetch that names
// another repository or a refspec ("fetch /tmp/x main:refs/remotes/…")
// is a fetch of something else into the trusted ref, not an update from
// the remote.
func fetchFastForward(msg, remote string) bool {
	cmd, ok := strings.CutSuffix(msg, ": fast-forward")
	if !ok {
		return false
	}
	words := strings.Split(cmd, " ")
	if words[0] != "fetch" && words[0] != "pull" {
		return false
	}
	for _, w := range words[1:] {
		if w != remote && !strings.HasPrefix(w, "-") {
			return false
		}
	}
	return true
}

// remoteOf returns the remote of a remote-tracking ref:
// refs/remotes/origin/main → origin.
func remoteOf(ref string) string {
	rest := strings.TrimPrefix(ref, "refs/remotes/")
	remote, _, _ := strings.Cut(rest, "/")
	return remote
}

// maxPinFile bounds the pin file read back.
const maxPinFile = 4 << 10

// readPin reads a pin file: "REF TARGET COMMIT\n", or "none\n".
func readPin(path string) (pin, error) {
	f, err := os.Open(path)
	if err != nil {
		return pin{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPinFile))
	if err != nil {
		return pin{}, fmt.Errorf("reading the session's trusted pin: %w", err)
	}
	line := strings.TrimSuffix(string(data), "\n")
	if line == "none" {
		return pin{}, nil
	}
	fields := strings.Split(line, " ")
	if len(fields) == 3 && (fields[0] == "HEAD" || git.ValidRefName(fields[0])) &&
		strings.HasPrefix(fields[1], "refs/") && git.ValidRefName(fields[1]) {
		if h, ok := git.ParseHash(fields[2]); ok {
			return pin{Ref: fields[0], Target: fields[1], Commit: h}, nil
		}
	}
	return pin{}, fmt.Errorf("the session's trusted pin %s is not one the hook wrote", path)
}

// writePin writes a pin file; replace says whether an existing one is
// replaced (a vouched move) or the write fails with fs.ErrExist (the
// session already has a pin).
func writePin(path string, p pin, replace bool) error {
	line := "none\n"
	if p.Ref != "" {
		line = p.Ref + " " + p.Target + " " + p.Commit.String() + "\n"
	}
	if replace {
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(line), 0o600); err != nil {
			return fmt.Errorf("moving the session's trusted pin: %w", err)
		}
		return os.Rename(tmp, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

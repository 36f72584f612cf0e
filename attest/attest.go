package attest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/gitcli"
	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// An Attester signs statements into the notes of one repository's commits.
type Attester struct {
	Repo *git.Repo
	// Dir is the directory git runs in for the user's configuration and
	// identity: the command's working directory.
	Dir string
	// Getenv reads the environment: the agent's session variables, the
	// signing key's.
	Getenv func(string) string
	// Key is the signing key a person named (--key); "" for the one the
	// user configured (see Signer).
	Key string
	// Stderr is where the Attester says what it did, one line each,
	// "agentcheck: …".
	Stderr io.Writer
	// ReadProcess reads the processes above this one, for approve to
	// refuse to run under an agent; nil reads this machine's.
	ReadProcess agents.ReadProcess
	// Hook names the git hook that runs the Attester ("post-commit",
	// "post-rewrite"), "" for a command a person runs. A hook says nothing
	// of sessions already attested.
	Hook string
}

func (a *Attester) getenv(key string) string {
	if a.Getenv == nil {
		return ""
	}
	return a.Getenv(key)
}

// Attest attests commit with the session named (ID or AGENT/ID) or, when
// named is "", with the sessions whose pending edits it holds, the session
// whose shell runs this command, and those already attested on it. It is
// an error when no session is found.
func (a *Attester) Attest(ctx context.Context, commit *git.Commit, named string) error {
	changed, all, err := a.read(commit)
	if err != nil {
		return err
	}
	journals, err := selectSessions(all, named, sessionFromEnv(a.getenv), commit.Hash.String(), changed)
	if err != nil {
		return err
	}
	return a.seal(ctx, commit, changed, journals)
}

// AttestCommitted attests the commit HEAD names, just made, with the
// session whose shell made it and with the sessions whose pending edits it
// holds (post-commit). A commit no session touched (a human's) is left
// alone, silently.
func (a *Attester) AttestCommitted(ctx context.Context) error {
	commit, err := ResolveCommit(a.Repo, "HEAD")
	if err != nil {
		return err
	}
	return a.attestWith(ctx, commit, nil)
}

// attestWith attests commit for a git hook with the sessions of want plus,
// when want is nil, those post-commit finds. A wanted session whose
// journal is not here is reported, not an error: the commit is made.
func (a *Attester) attestWith(ctx context.Context, commit *git.Commit, want []Session) error {
	changed, all, err := a.read(commit)
	if err != nil {
		return err
	}
	var journals []*journal.Journal
	var missing []string
	if want == nil {
		journals = provenance.MatchSessions(all, changed)
		if env := sessionFromEnv(a.getenv); env.ID != "" {
			want = append(want, env)
		}
	}
	for _, s := range want {
		j := journalOf(all, s)
		if j == nil {
			missing = append(missing, s.String())
			continue
		}
		if !slices.Contains(journals, j) {
			journals = append(journals, j)
		}
	}
	short := commit.Hash.String()[:12]
	if len(missing) > 0 {
		fmt.Fprintf(a.Stderr, "agentcheck: %s: no journal of session %s here, so %s is not attested with it\n",
			a.Hook, strings.Join(missing, ", "), short)
		fmt.Fprintf(a.Stderr, "agentcheck: hint: is agentcheck's hook installed for that agent? run 'agentcheck doctor'\n")
	}
	if len(journals) == 0 {
		return nil
	}
	if err := a.seal(ctx, commit, changed, journals); err != nil {
		return hint.With(fmt.Errorf("attesting %s: %w", short, err),
			"fix the cause, then run 'agentcheck attest "+short+"' in your terminal")
	}
	return nil
}

// read returns what sessions are matched against: the commit's changes
// (Changed) and the repository's journals.
func (a *Attester) read(commit *git.Commit) (changed map[string]string, all []*journal.Journal, err error) {
	if changed, err = Changed(a.Repo, commit); err != nil {
		return nil, nil, err
	}
	all, err = journal.ReadAll(a.Repo.CommonDir)
	return changed, all, err
}

// seal builds, signs and appends the manifests of journals not yet on the
// commit's note, then records the attestation in their journals. changed
// is the commit's diff, as Changed returns it.
func (a *Attester) seal(ctx context.Context, commit *git.Commit, changed map[string]string, journals []*journal.Journal) error {
	hash := commit.Hash.String()
	note, err := a.currentNote(commit.Hash)
	if err != nil {
		return err
	}
	policy, err := a.localPolicy()
	if err != nil {
		return err
	}
	signer, keyDesc, err := Signer(ctx, a.Dir, a.Key, a.getenv)
	if err != nil {
		return err
	}
	changedPaths := make([]string, 0, len(changed))
	for p := range changed {
		changedPaths = append(changedPaths, p)
	}
	// The remotes are recorded so that the checker, which never sees this
	// machine's configuration, can tell a push to the project's own remote
	// from a push elsewhere (AC010).
	remotes, err := gitcli.Remotes(ctx, a.Dir)
	if err != nil {
		return err
	}
	var lines [][]byte
	var labels []string
	var attested []*journal.Journal
	masker := provenance.NewMasker()
	for _, j := range journals {
		agent, id := j.SessionOf()
		label := agent + "/" + id
		has := provenance.HasManifest(note, hash, agent, id)
		if has && a.Hook != "" {
			continue // a hook run again adds nothing
		}
		events, mismatches, err := crossCheck(j.Events, a.Repo.WorkTree, changed, a.getenv)
		if err != nil {
			return err
		}
		opts := provenance.BuildOptions{
			Commit: hash, Changed: changedPaths, Prompts: policy.Record.Prompts,
			MaskCommand: masker.Mask, MaskText: masker.Mask, Remotes: remotes, Mismatches: mismatches,
		}
		var st *provenance.Statement
		if has {
			checked := *j
			checked.Events = events
			if st, err = a.superseding(note, hash, &checked, signer.PublicKey(), opts); err != nil {
				return err
			}
			if st == nil {
				continue // superseding said why not
			}
			label += " (superseding its earlier manifest)"
		} else if st, err = provenance.BuildStatement(events, opts); err != nil {
			return err
		}
		for _, m := range mismatches {
			fmt.Fprintf(a.Stderr, "agentcheck: warning: session %s/%s: the journal lacks what the agent's transcript shows: %s (recorded as AC016)\n", agent, id, masker.Mask(m.Detail))
		}
		line, err := signLine(st, signer)
		if err != nil {
			return fmt.Errorf("signing the manifest of session %s/%s: %w", agent, id, err)
		}
		lines = append(lines, line)
		labels = append(labels, label)
		if !provenance.HasManifest(note, hash, agent, id) {
			attested = append(attested, j)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	ident, err := gitcli.Identity(ctx, a.Dir)
	if err != nil {
		return err
	}
	if err := a.appendNote(commit.Hash, lines, ident); err != nil {
		return err
	}
	fmt.Fprintf(a.Stderr, "agentcheck: attested %s with session %s, signed with %s\n", hash[:12], strings.Join(labels, ", "), keyDesc)
	return markAttested(attested, hash, changed)
}

// markAttested records in each session's journal which of its edits the
// commit covered, so that later commits holding the same content are not
// attributed to the session again.
func markAttested(journals []*journal.Journal, commit string, changed map[string]string) error {
	for _, j := range journals {
		agent, id := j.SessionOf()
		covered := map[string]string{}
		for path, blob := range provenance.PendingFiles(j.Events) {
			if changed[path] == blob {
				covered[path] = blob
			}
		}
		ev := journal.Event{Time: time.Now().UTC(), Agent: agent, Session: id, Kind: journal.KindAttest, Commit: commit, Files: covered}
		if err := journal.Append(j.Path, []journal.Event{ev}); err != nil {
			return fmt.Errorf("recording the attestation in the journal: %w", err)
		}
	}
	return nil
}

// currentNote returns the commit's note, or nil when it has none.
func (a *Attester) currentNote(commit git.Hash) ([]byte, error) {
	notes, err := gate.OpenNotes(a.Repo)
	if err != nil {
		return nil, err
	}
	data, err := notes.Read(commit, git.MaxNoteSize)
	if errors.Is(err, git.ErrNoteNotFound) {
		return nil, nil
	}
	return data, err
}

// localPolicy reads the policy that decides what is recorded (prompt
// redaction): the work tree's .agentcheck.yml, else the defaults. A policy
// that does not parse stops the attestation rather than record more than
// the developer allowed.
func (a *Attester) localPolicy() (*scope.Policy, error) {
	if a.Repo.WorkTree == "" {
		return scope.Default(), nil
	}
	path := filepath.Join(a.Repo.WorkTree, scope.PolicyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return scope.Default(), nil
	}
	if err != nil {
		return nil, err
	}
	return scope.Parse(data, path)
}

// signLine signs a statement into the one line of a note it takes.
func signLine(st *provenance.Statement, signer ssh.Signer) ([]byte, error) {
	env, err := provenance.SignStatement(st, signer)
	if err != nil {
		return nil, err
	}
	return env.MarshalLine()
}

// appendNote appends lines to the commit's note in one notes commit, made
// as ident: the user's git identity.
func (a *Attester) appendNote(commit git.Hash, lines [][]byte, ident git.Signature) error {
	if _, err := git.AppendNote(a.Repo, provenance.NotesRef, commit, lines, ident); err != nil {
		return fmt.Errorf("writing the note of %s: %w", commit.String()[:12], err)
	}
	return nil
}

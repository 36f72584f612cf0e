package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/agentid"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// Verifier checks commits against their manifests and a trusted policy. The
// policy, allowed signers and notes must come from the trusted side (the
// range's base, the server, or files the user named), never from the commits
// being checked.
type Verifier struct {
	Policy  *scope.Policy
	Signers *provenance.AllowedSigners // nil trusts no key
	Notes   *provenance.Notes          // nil means no commit has a note
	Objects ObjectReader
	// ExtraKeys, if set, trusts further keys for a commit, e.g. the author's
	// SSH signing keys registered on GitHub. It returns the principal.
	ExtraKeys func(c *Commit, key ssh.PublicKey) (principal string, ok bool)
	// Approvers are the keys trusted to approve findings (the approvers
	// file of the trusted side); nil means nobody may approve. See
	// approvals.go.
	Approvers *provenance.AllowedSigners
	// Workers is how many commits are checked at once; 0 means 2.
	Workers int
	// Progress, if set, is called with 1 each time a commit has been
	// checked, from the worker goroutines: it must be safe for concurrent
	// use. It is for showing progress; nothing may depend on it.
	Progress func(n int)
}

// NewVerifier returns a verifier of the trusted side t: its policy, allowed
// signers and approvers. Every place that runs the gate (verify, pre-receive,
// the GitHub Action) builds its verifier here, so that all of them honour the
// same approvals.
func NewVerifier(t *Trust, notes *provenance.Notes, objects ObjectReader) *Verifier {
	return &Verifier{Policy: t.Policy, Signers: t.Signers, Approvers: t.Approvers, Notes: notes, Objects: objects}
}

// Verify checks commits (oldest first, as Walk returns them) and returns the
// report. Any error while checking a commit fails the whole verification: the
// gate never passes what it could not check.
func (v *Verifier) Verify(ctx context.Context, commits []*Commit) ([]CommitReport, error) {
	reports := make([]CommitReport, len(commits))
	workers := v.Workers
	if workers <= 0 {
		workers = 2
	}
	agents, err := AgentRecognizer(v.Policy)
	if err != nil {
		return nil, err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     int
	)
	for range min(workers, len(commits)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			differ := NewDiffer(v.Objects) // a Differ is not safe for concurrent use
			for {
				mu.Lock()
				i := next
				next++
				stop := firstErr != nil
				mu.Unlock()
				if stop || i >= len(commits) {
					return
				}
				if err := ctx.Err(); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
				r, err := v.verifyCommit(differ, agents, commits[i])
				if err == nil && v.Progress != nil {
					v.Progress(1)
				}
				mu.Lock()
				if err != nil {
					firstErr = cmpErr(firstErr, fmt.Errorf("checking commit %s: %w", commits[i].Hash, err))
				}
				reports[i] = r
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return reports, nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// sessionManifest is one valid manifest on a commit.
type sessionManifest struct {
	label     string // agent/id
	pred      *provenance.SessionPredicate
	signer    string
	keyID     string
	tainted   bool
	taintWhy  string
	bypass    bool
	hardScope bool
}

// commitCheck accumulates the findings of one commit.
type commitCheck struct {
	v        *Verifier
	c        *Commit
	hash     string
	findings []Finding
	// sessions are the valid session manifests, approvals the note lines
	// that claim to be approvals; finish judges and applies the approvals.
	sessions  []*sessionManifest
	approvals []approvalNote
}

func (cc *commitCheck) add(rule string, level Level, path, msg, hint string, s *sessionManifest, class string) {
	r := ruleByID(rule)
	if hint == "" {
		hint = r.Help
	}
	f := Finding{Rule: rule, Name: r.Name, Level: level, Commit: cc.hash, Path: path, Message: msg, Hint: hint, Class: class}
	if s != nil {
		f.Session = s.label
	}
	cc.findings = append(cc.findings, f)
}

func (v *Verifier) verifyCommit(differ *Differ, agents *agentid.Recognizer, c *Commit) (CommitReport, error) {
	cc := &commitCheck{v: v, c: c, hash: c.Hash.String()}
	rep := CommitReport{Commit: cc.hash, Subject: c.Subject(), Author: c.Author.Email, Sessions: []SessionSummary{}}

	lines, err := v.noteLines(cc)
	if err != nil {
		return rep, err
	}
	sessions, sawSession := cc.manifests(lines, &rep)
	cc.sessions = sessions
	agentWhy, agentHint := v.agentReason(agents, c)
	rep.Agent = len(lines) > len(cc.approvals) || agentWhy != "" // an approval alone does not make an agent commit

	needsManifest := v.Policy.Require == "all" || v.Policy.Require == "agent" && rep.Agent
	if !rep.Agent && len(sessions) == 0 {
		if needsManifest {
			cc.add(RuleUnattested, LevelError, "", "commit has no provenance manifest and the policy requires one on every commit", "", nil, "")
		}
		return cc.finish(rep, nil)
	}

	changes, err := differ.CommitChanges(c)
	if err != nil {
		return rep, err
	}
	if len(sessions) == 0 {
		if !sawSession && needsManifest {
			why := agentWhy
			if why == "" {
				why = "its note holds no session manifest"
			}
			cc.add(RuleUnattested, LevelError, "", "agent commit ("+why+") has no provenance manifest: nobody can tell which task it was made for or what the agent read", agentHint, nil, "")
		}
		// Nothing trustworthy declares anything: every protected path counts.
		for _, ch := range changes {
			for _, p := range ch.Paths() {
				cc.judgeProtected(p, ch, nil)
			}
		}
		return cc.finish(rep, changes)
	}
	cc.judgePaths(changes, sessions)
	cc.judgeSignals(changes, sessions)
	return cc.finish(rep, changes)
}

// noteLines returns the non-empty lines of the commit's note. A note over the
// size limit is a finding, not an error.
func (v *Verifier) noteLines(cc *commitCheck) ([][]byte, error) {
	if v.Notes == nil {
		return nil, nil
	}
	data, err := v.Notes.Read(cc.c.Hash, provenance.MaxNoteSize)
	if errors.Is(err, provenance.ErrNoteNotFound) {
		return nil, nil
	}
	if errors.Is(err, provenance.ErrNoteTooLarge) {
		cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("the commit's note is over the %d-byte limit and was not read", provenance.MaxNoteSize), "", nil, "")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var lines [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			lines = append(lines, l)
		}
	}
	return lines, nil
}

// manifests verifies every note line, reporting the bad ones, and returns the
// valid session manifests. sawSession reports whether any line claimed to be
// a session manifest, valid or not.
func (cc *commitCheck) manifests(lines [][]byte, rep *CommitReport) (sessions []*sessionManifest, sawSession bool) {
	emails := []string{cc.c.Author.Email, cc.c.Committer.Email}
	for i, line := range lines {
		where := fmt.Sprintf("note line %d", i+1)
		env, err := provenance.ParseEnvelope(line)
		if err != nil {
			cc.add(RuleMalformed, LevelError, "", where+" is not a valid manifest envelope: "+err.Error(), "", nil, "")
			continue
		}
		st, err := env.Statement()
		if err != nil {
			cc.add(RuleMalformed, LevelError, "", where+" does not hold a valid in-toto statement: "+err.Error(), "", nil, "")
			continue
		}
		if st.PredicateType != provenance.SessionPredicateType {
			// Approvals are judged once all findings are in (finish);
			// anything else is unknown.
			if st.PredicateType == provenance.ApprovalPredicateType {
				cc.approvals = append(cc.approvals, approvalNote{line: i + 1, env: env, st: st})
			} else {
				cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("%s has unknown predicate type %q", where, st.PredicateType), "", nil, "")
			}
			continue
		}
		sawSession = true
		pred, err := provenance.DecodeSessionPredicate(st)
		if err != nil {
			cc.add(RuleMalformed, LevelError, "", where+": "+err.Error(), "", nil, "")
			continue
		}
		label := pred.Agent.Name + "/" + pred.Session.ID
		opts := provenance.VerifyOptions{Signers: cc.v.Signers, Emails: emails, Commit: cc.hash, At: cc.c.Committer.When}
		if cc.v.ExtraKeys != nil {
			c := cc.c
			opts.ExtraKeys = func(k ssh.PublicKey) (string, bool) { return cc.v.ExtraKeys(c, k) }
		}
		verified, err := provenance.VerifyEnvelope(env, opts)
		sum := SessionSummary{Agent: pred.Agent.Name, ID: pred.Session.ID, Model: pred.Agent.Model, Task: taskExcerpt(pred), Predicate: pred}
		if len(env.Signatures) > 0 {
			sum.KeyID = env.Signatures[0].KeyID
		}
		if err != nil {
			rep.Sessions = append(rep.Sessions, sum)
			s := &sessionManifest{label: label}
			switch {
			case errors.Is(err, provenance.ErrSubjectMismatch):
				cc.add(RuleSubjectMismatch, LevelError, "", "manifest of session "+label+" is about another commit ("+err.Error()+"): a copied or replayed note says nothing about this change", "", s, "")
			case errors.Is(err, provenance.ErrMalformed):
				cc.add(RuleMalformed, LevelError, "", where+": "+err.Error(), "", s, "")
			default:
				cc.add(RuleInvalidSignature, LevelError, "", "manifest of session "+label+" is not trusted: "+err.Error(), signatureHint(err), s, "")
			}
			continue
		}
		sum.Valid, sum.Signer, sum.KeyID = true, verified.Principal, verified.Fingerprint
		s := &sessionManifest{label: label, pred: pred, signer: verified.Principal, keyID: verified.Fingerprint}
		s.tainted, s.taintWhy = taintOf(pred, cc.v.Policy)
		sum.Tainted = s.tainted
		s.bypass = bypassMode(pred.Session.PermissionMode)
		s.hardScope = scope.HasHard(pred.Task.Scope)
		rep.Sessions = append(rep.Sessions, sum)
		sessions = append(sessions, s)
	}
	return sessions, sawSession
}

func signatureHint(err error) string {
	switch {
	case errors.Is(err, provenance.ErrUntrustedKey):
		return "add the signing key to the allowed_signers file on the base branch (a reviewed change), or re-attest with a trusted key"
	case errors.Is(err, provenance.ErrPrincipalMismatch):
		return "the key is trusted for another identity: re-attest with the key listed for the commit author's email, or fix the allowed_signers principal"
	}
	return "the note was altered or forged: remove it and re-attest the commit from its session"
}

func taskExcerpt(p *provenance.SessionPredicate) string {
	for _, pr := range p.Task.Prompts {
		switch {
		case pr.Text != "":
			t := strings.Join(strings.Fields(pr.Text), " ")
			if r := []rune(t); len(r) > 120 {
				t = string(r[:119]) + "…"
			}
			return t
		case pr.SHA256 != "":
			return "[prompt recorded as a hash]"
		}
	}
	return ""
}

// judgePaths applies the path rules to every path the commit touches. Each
// path is judged against the sessions that recorded it; a path no session
// recorded is unattributed and judged against all of them.
func (cc *commitCheck) judgePaths(changes []Change, sessions []*sessionManifest) {
	for _, ch := range changes {
		for _, p := range ch.Paths() {
			want := ch.NewBlob.String()
			if p != ch.Path || ch.Kind == Deleted {
				want = journal.ZeroBlob
			}
			owners, blobMatch := ownersOf(sessions, p, want)
			judges := owners
			if len(owners) == 0 {
				judges = sessions
			}
			protected := cc.judgeProtected(p, ch, judges)
			cc.judgeAttribution(p, owners, blobMatch, protected)
			cc.judgeScope(p, judges)
		}
	}
	cc.judgeBypass(sessions)
}

func ownersOf(sessions []*sessionManifest, path, blob string) (owners []*sessionManifest, blobMatch bool) {
	for _, s := range sessions {
		if b, ok := s.pred.Files[path]; ok {
			owners = append(owners, s)
			blobMatch = blobMatch || b == blob
		}
	}
	return owners, blobMatch
}

// judgeProtected reports AC004, AC007 and AC008 for one path and returns
// whether it is protected. judges nil means no session vouches for the path.
func (cc *commitCheck) judgeProtected(path string, ch Change, judges []*sessionManifest) bool {
	matches := cc.v.Policy.Classify(path)
	via := ""
	if ch.LinkTarget != "" && path == ch.Path {
		if m := cc.v.Policy.Classify(ch.LinkTarget); len(m) > 0 {
			matches = append(matches, m...)
			via = " (a symlink to " + ch.LinkTarget + ")"
		}
	}
	if len(matches) == 0 {
		return false
	}
	declared := false
	for _, s := range judges {
		if scope.Declared(s.pred.Task.Scope, path) || ch.LinkTarget != "" && scope.Declared(s.pred.Task.Scope, ch.LinkTarget) {
			declared = true
		}
	}
	seen := map[string]bool{}
	worst := LevelNote
	for _, m := range matches {
		if seen[m.Class] {
			continue
		}
		seen[m.Class] = true
		switch m.Action {
		case "block":
			cc.add(RuleProtectedPath, LevelError, path, fmt.Sprintf("agent commit changes %s%s in protected class %s (action block): agents may never change it", path, via, m.Class),
				"make this change in a human-authored commit, reviewed on its own", nil, m.Class)
			worst = LevelError
		case "declare":
			if !declared {
				cc.add(RuleProtectedPath, LevelError, path, fmt.Sprintf("agent commit changes %s%s in protected class %s, which the human did not declare in the task", path, via, m.Class),
					fmt.Sprintf("if intended, declare it (a line 'scope: %s' in the prompt, or agentcheck scope add %s) and re-attest; otherwise revert it", path, path), nil, m.Class)
				worst = LevelError
			} else if worst.rank() < LevelError.rank() {
				worst = LevelError // a declared protected path is still protected for AC007/AC008
			}
		case "warn":
			if !declared {
				cc.add(RuleProtectedPath, LevelWarning, path, fmt.Sprintf("agent commit changes %s%s in class %s (action warn)", path, via, m.Class), "", nil, m.Class)
			}
			if worst.rank() < LevelWarning.rank() {
				worst = LevelWarning
			}
		}
	}
	class := matches[0].Class
	for _, s := range judges {
		if s.tainted {
			cc.add(RuleTainted, worst, path, fmt.Sprintf("session %s %s, then changed protected path %s: untrusted content may have steered the change", s.label, s.taintWhy, path), "", s, class)
		}
		if s.bypass {
			cc.add(RulePermissionBypass, worst, path, fmt.Sprintf("session %s ran with permission checks off (%s) and changed protected path %s", s.label, s.pred.Session.PermissionMode, path), "", s, class)
		}
	}
	return true
}

// judgeAttribution reports AC006: a path no session recorded, or whose blob
// differs from what its sessions left.
func (cc *commitCheck) judgeAttribution(path string, owners []*sessionManifest, blobMatch, protected bool) {
	level := LevelWarning
	if protected {
		level = LevelError
	}
	switch {
	case len(owners) == 0:
		cc.add(RuleUnattributed, level, path, "no agent session on this commit recorded a change to "+path+": it came from a shell command, a human or another tool the journal did not see", "", nil, "")
	case !blobMatch:
		cc.add(RuleUnattributed, level, path, path+" in the commit differs from the content the session left: it was changed after the session's last recorded edit", "", owners[0], "")
	}
}

// judgeScope reports AC005 for a path outside every judging session's
// declared scope. Sessions without any declaration set no boundary.
func (cc *commitCheck) judgeScope(path string, judges []*sessionManifest) {
	if cc.v.Policy.InScopeAlways(path) {
		return
	}
	bounded, hard := false, false
	for _, s := range judges {
		if len(s.pred.Task.Scope) == 0 {
			return // one judge without a boundary: no intent boundary for this path
		}
		if len(scope.InScope(s.pred.Task.Scope, path)) > 0 {
			return
		}
		bounded = true
		hard = hard || s.hardScope
	}
	if !bounded {
		return
	}
	level, kind := LevelWarning, "soft (@mention)"
	if hard {
		kind = "hard (scope: directive)"
		if cc.v.Policy.Scope.Enforce {
			level = LevelError
		}
	}
	var s *sessionManifest
	if len(judges) == 1 {
		s = judges[0]
	}
	cc.add(RuleOutOfScope, level, path, fmt.Sprintf("%s is outside the %s scope the human declared (%s)", path, kind, scopeList(judges)), "", s, "")
}

func scopeList(sessions []*sessionManifest) string {
	var globs []string
	seen := map[string]bool{}
	for _, s := range sessions {
		for _, d := range s.pred.Task.Scope {
			if !seen[d.Glob] {
				seen[d.Glob] = true
				globs = append(globs, d.Glob)
			}
		}
	}
	sort.Strings(globs)
	if len(globs) > 5 {
		globs = append(globs[:5], "…")
	}
	return strings.Join(globs, ", ")
}

// judgeBypass adds the note-level AC008 for bypassing sessions that touched
// no protected path (the error-level ones were added per path).
func (cc *commitCheck) judgeBypass(sessions []*sessionManifest) {
	for _, s := range sessions {
		if !s.bypass {
			continue
		}
		already := false
		for _, f := range cc.findings {
			if f.Rule == RulePermissionBypass && f.Session == s.label {
				already = true
			}
		}
		if !already {
			cc.add(RulePermissionBypass, LevelNote, "", fmt.Sprintf("session %s ran with permission checks off (%s)", s.label, s.pred.Session.PermissionMode), "", s, "")
		}
	}
}

// finish judges the commit's approvals and applies them to its findings,
// adds line positions and sorts the findings deterministically. Every rule
// must have added its findings before: an approval applies to what is found
// here.
func (cc *commitCheck) finish(rep CommitReport, changes []Change) (CommitReport, error) {
	rep.Approvals = cc.judgeApprovals()
	if err := addLines(cc.v.Objects, cc.findings, changes); err != nil {
		return rep, err
	}
	sortFindings(cc.findings)
	rep.Findings = cc.findings
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep, nil
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Session != b.Session {
			return a.Session < b.Session
		}
		return a.Message < b.Message
	})
}

// bypassMode reports whether a recorded permission mode turns the agent's
// permission checks off.
func bypassMode(mode string) bool {
	return mode == "bypassPermissions"
}

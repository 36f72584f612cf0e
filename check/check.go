package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
	"github.com/agentcheck/agentcheck/signals"
)

// Input is what the rules judge of one commit: its metadata, its note and
// its changes. Nothing in it is read from a repository by this package.
type Input struct {
	Commit Commit
	Note   Note
	// Changes returns the commit's changes, sorted by path. It is called
	// only when a rule needs them: a commit that is neither recognised as
	// an agent's nor carries a session manifest is judged without a diff.
	// Its error is Judge's.
	Changes func() ([]Change, error)
}

// Judge checks one commit against the trusted side t: it verifies the
// manifests of the commit's note, compares the changes with what they
// declare and with the policy, reads the signals of the valid sessions and
// applies the approvals. The policy, keys and approvers must come from the
// trusted side (the range's base, the server, or files the user named),
// never from the commits being checked. Findings carry no line positions:
// those are the caller's to add (package gate does).
func Judge(t *Trust, in Input) (CommitReport, error) {
	c := &in.Commit
	cc := &commitCheck{t: t, c: c, hash: c.Hash.String()}
	rep := CommitReport{Commit: cc.hash, Subject: c.Subject, Author: c.Author.Email, Sessions: []SessionSummary{}}

	if in.Note.OverLimit > 0 {
		cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("the commit's note is over the %d-byte limit and was not read", in.Note.OverLimit), "", nil, "")
	}
	lines := in.Note.Lines
	sessions, sawSession := cc.manifests(lines, &rep)
	cc.sessions = sessions
	agentWhy, agentHint, metaID, err := cc.agentReason()
	if err != nil {
		return rep, err
	}
	claims := len(lines) > len(cc.approvals) // an approval alone does not make an agent commit
	rep.Agent = claims || agentWhy != ""
	rep.MadeBy = cc.madeBy(metaID)
	switch {
	case len(sessions) > 0:
		rep.Manifest = ManifestValid
	case claims || in.Note.OverLimit > 0:
		rep.Manifest = ManifestInvalid
	default:
		rep.Manifest = ManifestNone
	}

	needsManifest := t.Policy.Require == "all" || t.Policy.Require == "agent" && rep.Agent
	if !rep.Agent && len(sessions) == 0 {
		if needsManifest {
			cc.add(RuleUnattested, LevelError, "", "commit has no provenance manifest and the policy requires one on every commit", "", nil, "")
		}
		return cc.finish(rep), nil
	}

	var changes []Change
	if in.Changes != nil {
		var err error
		if changes, err = in.Changes(); err != nil {
			return rep, err
		}
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
		return cc.finish(rep), nil
	}
	cc.judgePaths(changes, sessions)
	cc.judgeSignals(changes, sessions)
	cc.judgeScopeClaims(changes, sessions)
	return cc.finish(rep), nil
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
	t        *Trust
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
		opts := provenance.VerifyOptions{Signers: cc.t.Signers, Emails: emails, Commit: cc.hash, At: cc.c.Committer.When}
		if cc.t.ExtraKeys != nil {
			c := cc.c
			opts.ExtraKeys = func(k ssh.PublicKey) (string, bool) { return cc.t.ExtraKeys(c, k) }
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
		s.tainted, s.taintWhy = signals.Tainted(pred, cc.t.Policy)
		sum.Tainted = s.tainted
		s.bypass = permissionsOff(pred.Session)
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
	matches := cc.t.Policy.Classify(path)
	via := ""
	if ch.LinkTarget != "" && path == ch.Path {
		if m := cc.t.Policy.Classify(ch.LinkTarget); len(m) > 0 {
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
			} else if worst.Rank() < LevelError.Rank() {
				worst = LevelError // a declared protected path is still protected for AC007/AC008
			}
		case "warn":
			if !declared {
				cc.add(RuleProtectedPath, LevelWarning, path, fmt.Sprintf("agent commit changes %s%s in class %s (action warn)", path, via, m.Class), "", nil, m.Class)
			}
			if worst.Rank() < LevelWarning.Rank() {
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
	if cc.t.Policy.InScopeAlways(path) {
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
		if cc.t.Policy.Scope.Enforce {
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
// and sorts the findings deterministically. Every rule must have added its
// findings before: an approval applies to what is found here.
func (cc *commitCheck) finish(rep CommitReport) CommitReport {
	rep.Approvals = cc.judgeApprovals(&rep)
	sortFindings(cc.findings)
	rep.Findings = cc.findings
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep
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

// judgeSignals reports the signals (AC010, AC011, AC012) of the commit's
// valid sessions: behaviours a reviewer must look at, sometimes legitimate,
// so warnings.
func (cc *commitCheck) judgeSignals(changes []Change, sessions []*sessionManifest) {
	var changed []string
	for _, ch := range changes {
		changed = append(changed, ch.Paths()...)
	}
	valid := make([]signals.Session, len(sessions))
	for i, s := range sessions {
		valid[i] = signals.Session{Label: s.label, Predicate: s.pred}
	}
	for _, sig := range signals.Find(changed, valid, cc.t.Policy.Taint.TrustedMCP) {
		cc.add(sig.Rule, LevelWarning, sig.Path, sig.Message, "", nil, "")
		cc.findings[len(cc.findings)-1].Session = sig.Session
	}
}

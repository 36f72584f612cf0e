package check

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
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
	// OmittedChanges counts the changes the reader did not keep, over its
	// bound: more than MaxPaths is an AC009 error.
	OmittedChanges int
	// Signed returns the commit's signature (the value of its gpgsig
	// header) and the payload it covers (the commit object without it), or
	// nil, nil for an unsigned commit. It is called only when the
	// signature matters: under require: all, for a commit that no valid
	// manifest covers and no sign marks as an agent's. Its error is
	// Judge's.
	Signed func() (payload, signature []byte, err error)
	// TreeProblems are what git fsck rejects in the trees the commit adds
	// (AC014): judged for every commit, whoever made it, since such a tree
	// attacks whoever checks it out.
	TreeProblems []TreeProblem
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

	cc.judgeTree(in.TreeProblems)
	if in.Note.OverLimit > 0 {
		cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("the commit's note is over the %d-byte limit and was not read", in.Note.OverLimit), "", nil, "")
	}
	lines := cc.limitNote(in.Note)
	sessions, sawSession := cc.manifests(lines, &rep)
	sessions = cc.latest(sessions, &rep)
	cc.sessions = sessions
	agentWhy, agentHint, metaID, err := cc.agentReason()
	if err != nil {
		return rep, err
	}
	claims := cc.others > 0 // an approval alone does not make an agent commit
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
			if err := cc.judgeHumanSignature(in.Signed, &rep); err != nil {
				return rep, err
			}
		}
		return cc.finish(rep), nil
	}

	var changes []Change
	if in.Changes != nil {
		var err error
		if changes, err = in.Changes(); err != nil {
			return rep, err
		}
		changes = cc.limitChanges(changes, in.OmittedChanges)
	}
	if len(changes) > 0 && t.Links != nil {
		if cc.links, err = t.Links(); err != nil {
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
				cc.judgeProtected(p, ch, nil, nil)
			}
		}
		return cc.finish(rep), nil
	}
	cc.judgePaths(changes, sessions)
	cc.judgeSignals(changes, sessions)
	cc.judgeScopeClaims(changes, sessions)
	cc.judgeMismatches(sessions)
	return cc.finish(rep), nil
}

// judgeTree reports AC014 for each problem of the commit's trees.
func (cc *commitCheck) judgeTree(problems []TreeProblem) {
	for _, p := range problems {
		cc.add(RuleBadTree, LevelError, p.Path, fmt.Sprintf("the commit's tree holds what git fsck rejects (%s): %s", p.ID, p.Message), "", nil, "")
	}
}

// sessionManifest is one valid manifest on a commit.
type sessionManifest struct {
	label     string // agent/id
	digest    string // provenance.PayloadDigest of its envelope
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
	// links are the trusted tree's symlinks, nil when there are none.
	links *Links
	// kept counts the findings of each rule; dropped those beyond
	// MaxFindingsPerRule.
	kept map[string]int
	// others counts the note's distinct lines that are not approvals.
	others  int
	dropped map[string]*droppedFindings
	// work is what the valid sessions judged so far record.
	work sessionWork
}

func (cc *commitCheck) add(rule string, level Level, path, msg, hint string, s *sessionManifest, class string) {
	cc.keep(cc.finding(rule, level, path, msg, hint, s, class))
}

func (cc *commitCheck) finding(rule string, level Level, path, msg, hint string, s *sessionManifest, class string) Finding {
	r := ruleByID(rule)
	if hint == "" {
		hint = cc.ruleHint(rule, s)
	}
	f := Finding{Rule: rule, Name: r.Name, Level: level, Commit: cc.hash, Path: path, Message: msg, Hint: hint, Class: class}
	if s != nil {
		f.Session = s.label
	}
	return f
}

// manifests verifies every note line, reporting the bad ones, and returns the
// valid session manifests. sawSession reports whether any line claimed to be
// a session manifest, valid or not.
func (cc *commitCheck) manifests(lines [][]byte, rep *CommitReport) (sessions []*sessionManifest, sawSession bool) {
	emails := []string{cc.c.Author.Email, cc.c.Committer.Email}
	seen := make(map[[sha256.Size]byte]bool, len(lines))
	claimed := 0 // lines that claim to be session manifests
	distinct := 0
	defer func() { cc.others = distinct - len(cc.approvals) }()
	for i, line := range lines {
		// A line that repeats an earlier one says nothing new: it is
		// judged once, so that a note of copies costs no more than one.
		digest := sha256.Sum256(line)
		if seen[digest] {
			continue
		}
		seen[digest] = true
		distinct++
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
		if claimed++; claimed > MaxSessions {
			if claimed == MaxSessions+1 {
				cc.add(RuleMalformed, LevelError, "", fmt.Sprintf("the commit's note holds more than %d session manifests: those from %s on were not verified", MaxSessions, where), "", nil, "")
			}
			continue
		}
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
				cc.add(RuleInvalidSignature, LevelError, "", "manifest of session "+label+" is not trusted: "+err.Error(), cc.signatureHint(err, label), s, "")
			}
			continue
		}
		if !cc.admit(label, pred) {
			rep.Sessions = append(rep.Sessions, sum)
			continue
		}
		sum.Valid, sum.Signer, sum.KeyID = true, verified.Principal, verified.Fingerprint
		s := &sessionManifest{label: label, pred: pred, signer: verified.Principal, keyID: verified.Fingerprint}
		if s.digest, err = provenance.PayloadDigest(env); err != nil {
			cc.add(RuleMalformed, LevelError, "", where+": "+err.Error(), "", s, "")
			continue
		}
		s.tainted, s.taintWhy = signals.Tainted(pred, cc.t.Policy)
		sum.Tainted = s.tainted
		s.bypass = permissionsOff(pred.Session)
		s.hardScope = scope.HasHard(pred.Task.Scope)
		rep.Sessions = append(rep.Sessions, sum)
		sessions = append(sessions, s)
	}
	return sessions, sawSession
}

// signatureHint says how to make a session's manifest trusted: trust its
// key on the base, or make the commit anew and attest that. A note's lines
// are never removed (the notes ref only grows, here and on the server), so
// a bad line stays with the commit it is on.
func (cc *commitCheck) signatureHint(err error, label string) string {
	switch {
	case errors.Is(err, provenance.ErrUntrustedKey):
		return "list the signing key for " + cc.c.Author.Email + " in .agentcheck/allowed_signers on the base branch through a reviewed change; or " +
			anewHint(label) + " (with --key PATH if your configured key is not listed there)"
	case errors.Is(err, provenance.ErrPrincipalMismatch):
		return "the key is listed for another email: list it for " + cc.c.Author.Email + " on the base branch through a reviewed change; or " +
			anewHint(label) + " --key PATH-TO-THE-KEY-LISTED-FOR-" + cc.c.Author.Email
	}
	return "the note was altered or forged; " + anewHint(label)
}

// anewHint says how a commit whose note holds a line that can never count
// gets a note without it: the line cannot be removed, since the notes ref
// only grows, so the commit is made anew (the post-rewrite hook carries
// over the manifests this machine's key signed) and attested from its
// session.
func anewHint(label string) string {
	attest := "agentcheck attest HEAD"
	if label != "" {
		attest += " --session " + label
	}
	return "make the commit anew, which leaves its note behind (notes only grow): git commit --amend --no-edit when it is HEAD (git rebase -i otherwise; a pushed commit then needs a force-push), then " + attest
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

// judgePaths applies the path rules to every path the commit touches. A
// path belongs to the sessions whose recorded blob is the content the
// commit has there (see [ownersOf]); only they can declare it. A path no
// session left as committed is unattributed: its content came from
// somewhere the journals did not see, so no session's declaration covers
// it, and its scope is judged against every session that recorded it (or
// all of them).
func (cc *commitCheck) judgePaths(changes []Change, sessions []*sessionManifest) {
	for _, ch := range changes {
		for _, p := range ch.Paths() {
			want := ch.NewBlob.String()
			if p != ch.Path || ch.Kind == Deleted {
				want = journal.ZeroBlob
			}
			owners, recorders := ownersOf(sessions, p, want)
			if ch.touchesGitlink() {
				movers := commandRunners(sessions)
				owners, recorders = union(owners, movers), union(recorders, movers)
			}
			exposed := recorders // whose taint or bypass counts for the path
			if len(exposed) == 0 {
				exposed = sessions
			}
			protected := cc.judgeProtected(p, ch, owners, exposed)
			cc.judgeAttribution(p, ch, owners, recorders, protected)
			scopeJudges, every := owners, true
			if len(owners) == 0 {
				scopeJudges, every = exposed, false
			}
			cc.judgeScope(p, scopeJudges, every)
		}
	}
	cc.judgeBypass(sessions)
}

// ownersOf returns the sessions that own path, whose last recorded blob
// for it is blob, the content the commit has there (the zero blob for a
// deletion), and the sessions that recorded any blob for it. Ownership
// goes by content, not by declaration: a session that declared and edited
// a file which another session overwrote last does not vouch for what the
// other session wrote.
func ownersOf(sessions []*sessionManifest, path, blob string) (owners, recorders []*sessionManifest) {
	for _, s := range sessions {
		if b, ok := s.pred.Files[path]; ok {
			recorders = append(recorders, s)
			if b == blob {
				owners = append(owners, s)
			}
		}
	}
	return owners, recorders
}

// commandRunners returns the sessions that ran a shell command the runtime
// hook did not deny. A submodule pointer moves through commands (git
// submodule update --remote, git -C sub checkout, a script), which the
// journal records without their effect: any session that ran one may have
// moved it, and owns the change as far as anyone can tell. A session that
// only edited files through the agent's tools cannot have.
func commandRunners(sessions []*sessionManifest) []*sessionManifest {
	var out []*sessionManifest
	for _, s := range sessions {
		if slices.ContainsFunc(s.pred.Actions, func(a provenance.Action) bool {
			return a.Kind == journal.KindExec && a.Decision != journal.DecisionDeny
		}) {
			out = append(out, s)
		}
	}
	return out
}

// union returns the sessions of a and of b, each once.
func union(a, b []*sessionManifest) []*sessionManifest {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// declaredByOwners reports whether every owner declared the path under
// one of its names (the path, a symlink's target, a name it is read by).
// Several sessions that left the same content are each its possible
// author, so each must have declared it: one declaration does not launder
// what an undeclared session may have written. No owner, no declaration.
func declaredByOwners(owners []*sessionManifest, names []string) bool {
	for _, s := range owners {
		if !slices.ContainsFunc(names, func(n string) bool { return scope.Declared(s.pred.Task.Scope, n) }) {
			return false
		}
	}
	return len(owners) > 0
}

// declaredByOthers explains an undeclared path that a session declared
// without owning its content, or "".
func declaredByOthers(owners, exposed []*sessionManifest, names []string) string {
	for _, s := range exposed {
		if slices.Contains(owners, s) || !declaredByOwners([]*sessionManifest{s}, names) {
			continue
		}
		if len(owners) == 0 {
			return " (session " + s.label + " declared it, but the committed content is not what any session left)"
		}
		return " (session " + s.label + " declared it, but the committed content is what " + labels(owners) + " left)"
	}
	if len(owners) > 1 {
		return " (several sessions left this content, and each must have declared it)"
	}
	return ""
}

// labels lists the sessions' labels.
func labels(sessions []*sessionManifest) string {
	var out []string
	for _, s := range sessions {
		out = append(out, s.label)
	}
	return strings.Join(out, " and ")
}

// judgeProtected reports AC004, AC007 and AC008 for one path and returns
// whether it is protected. owners are the sessions whose content the path
// has (they alone may declare it), exposed those whose taint and bypass
// count for it; both nil mean no session vouches for the path.
func (cc *commitCheck) judgeProtected(path string, ch Change, owners, exposed []*sessionManifest) bool {
	matches := cc.t.Policy.Classify(path)
	names := []string{path}
	via := ""
	if ch.touchesGitlink() {
		matches, via = cc.t.Policy.ClassifyGitlink(path), " (a submodule pointer)"
	}
	for _, alias := range cc.links.Aliases(path) {
		if m := cc.t.Policy.Classify(alias); len(m) > 0 {
			matches = append(matches, m...)
			names = append(names, alias)
			via = " (read as " + alias + " through a symlink of the base)"
		}
	}
	if ch.LinkTarget != "" && path == ch.Path {
		// What the new symlink reads, through the base's symlinks too,
		// and every name that content is read by.
		targets := []string{ch.LinkTarget}
		if real := cc.links.Resolve(ch.LinkTarget); real != "" && real != ch.LinkTarget {
			targets = append(targets, real)
		}
		for _, t := range targets {
			for _, name := range append([]string{t}, cc.links.Aliases(t)...) {
				if m := cc.t.Policy.Classify(name); len(m) > 0 {
					matches = append(matches, m...)
					names = append(names, name)
					via = " (a symlink to " + ch.LinkTarget + ")"
				}
			}
		}
	}
	if len(matches) == 0 {
		return false
	}
	declared := declaredByOwners(owners, names)
	why := ""
	if !declared {
		why = declaredByOthers(owners, exposed, names)
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
				"agents may never change it: drop this commit from the branch (git rebase -i "+cc.short()+"~1, then drop its line) and make the change in a commit of your own, reviewed on its own", nil, m.Class)
			worst = LevelError
		case "declare":
			if !declared {
				// Not "the human did not declare it" when a session did:
				// what is missing then is the declaration of the session
				// whose content the path has.
				undeclared := "which the human did not declare in the task"
				switch {
				case why == "":
				case len(owners) == 0:
					undeclared = "which no declaration covers"
				case len(owners) == 1:
					undeclared = "not declared by the session whose content it has"
				default:
					undeclared = "not declared by every session whose content it has"
				}
				cc.add(RuleProtectedPath, LevelError, path, fmt.Sprintf("agent commit changes %s%s in protected class %s, %s%s", path, via, m.Class, undeclared, why),
					cc.declareHint(path, owners), nil, m.Class)
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
	for _, s := range exposed {
		if s.tainted {
			cc.add(RuleTainted, worst, path, fmt.Sprintf("session %s %s, then changed protected path %s: untrusted content may have steered the change", s.label, s.taintWhy, path), "", s, class)
		}
		if s.bypass {
			cc.add(RulePermissionBypass, worst, path, fmt.Sprintf("session %s ran with permission checks off (%s) and changed protected path %s", s.label, s.pred.Session.PermissionMode, path), "", s, class)
		}
	}
	return true
}

// declareHint says how to declare an undeclared protected path after the
// commit: each session that left its content declares it, from the
// human's terminal, and attesting again supersedes their manifests. A path
// whose content no session left cannot be declared at all: no declaration
// vouches for what the journals did not see.
func (cc *commitCheck) declareHint(path string, owners []*sessionManifest) string {
	if len(owners) == 0 {
		return "no session on this commit left this content (a shell command, a person or another tool wrote it), so no declaration covers it: " +
			"make the change in a commit of your own, or have a maintainer review it and run agentcheck approve " + cc.short() + " --reason 'WHAT YOU CHECKED'"
	}
	var steps []string
	for _, s := range owners {
		steps = append(steps, "agentcheck scope add --session "+s.label+" "+path)
	}
	return fmt.Sprintf("if intended, declare it in your own terminal: %s, then agentcheck attest %s (a later manifest supersedes the first); otherwise revert it",
		strings.Join(steps, "; "), cc.short())
}

// judgeAttribution reports AC006: a path no session recorded, or whose
// committed content no session left.
func (cc *commitCheck) judgeAttribution(path string, ch Change, owners, recorders []*sessionManifest, protected bool) {
	level := LevelWarning
	if protected {
		level = LevelError
	}
	// No record vouches for the content, and none can be made after the
	// fact: an attestation records what the journal saw.
	hint := "no record vouches for this content, and no declaration or attestation will: make the change in a commit of your own, or " + approveHint(cc.short())
	switch {
	case len(recorders) == 0 && ch.touchesGitlink():
		cc.add(RuleUnattributed, level, path, "no agent session on this commit ran a command, so none of them moved submodule "+path+": the change came from a human or a tool the journal did not see", hint, nil, "")
	case len(recorders) == 0:
		cc.add(RuleUnattributed, level, path, "no agent session on this commit recorded a change to "+path+": it came from a shell command, a human or another tool the journal did not see", hint, nil, "")
	case len(owners) == 0:
		var s *sessionManifest
		if len(recorders) == 1 {
			s = recorders[0]
		}
		cc.add(RuleUnattributed, level, path, path+" in the commit differs from the content "+sessionsWord(recorders)+" left: it was changed after the last recorded edit, so no session vouches for it", hint, s, "")
	}
}

// sessionsWord names who recorded a path, for messages.
func sessionsWord(sessions []*sessionManifest) string {
	if len(sessions) == 1 {
		return "the session"
	}
	return "every session"
}

// judgeScope reports AC005 for a path outside the declared scope of its
// judges. With every set (the judges own the path's content) each judge
// with a boundary must have it in scope: every owner may have written it.
// Otherwise (the content is no session's) one judge's scope suffices, as
// the path may be any of theirs. Sessions without any declaration set no
// boundary.
func (cc *commitCheck) judgeScope(path string, judges []*sessionManifest, every bool) {
	if cc.t.Policy.InScopeAlways(path) {
		return
	}
	var outside []*sessionManifest
	hard := false
	for _, s := range judges {
		if len(s.pred.Task.Scope) == 0 || len(scope.InScope(s.pred.Task.Scope, path)) > 0 {
			if !every {
				return // one judge without a boundary, or in its scope
			}
			continue
		}
		outside = append(outside, s)
		hard = hard || s.hardScope
	}
	if len(outside) == 0 {
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
	if len(outside) == 1 {
		s = outside[0]
	}
	var steps []string
	for _, o := range outside {
		steps = append(steps, "agentcheck scope add --session "+o.label+" "+path)
	}
	hint := fmt.Sprintf("if intended, widen the scope in your own terminal: %s, then agentcheck attest %s (a later manifest supersedes the first); otherwise revert it",
		strings.Join(steps, "; "), cc.short())
	cc.add(RuleOutOfScope, level, path, fmt.Sprintf("%s is outside the %s scope the human declared (%s)", path, kind, scopeList(outside)), hint, s, "")
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
		f := cc.finding(sig.Rule, LevelWarning, sig.Path, sig.Message, "", nil, "")
		f.Session = sig.Session
		cc.keep(f)
	}
	// Memory read through a symlink of the base: the file changed is not
	// named like memory, the name agents read it by is.
	for _, p := range changed {
		if signals.MemoryKind(p) != "" {
			continue
		}
		for _, alias := range cc.links.Aliases(p) {
			if what := signals.MemoryKind(alias); what != "" {
				cc.add(RuleMemoryEdit, LevelWarning, p, fmt.Sprintf("agent commit changes %s, which agents read as %s (%s) through a symlink of the base: every later agent session in this repository reads it as instructions, so text planted here steers them all", p, alias, what), "", nil, "")
				break
			}
		}
	}
}

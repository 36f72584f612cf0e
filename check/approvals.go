package check

// # Approvals
//
// A maintainer can approve a commit's findings (agentcheck approve): a DSSE
// line in the commit's note whose statement has predicate type
// https://agentcheck.dev/approval/v1 (see [provenance.ApprovalPredicate]).
// The checker judges every approval of a commit after all rules have added
// their findings:
//
//   - It must be valid: a signature by a key that the approvers file of the
//     trusted side (trust.approvers, [Verifier.Approvers]) lists for the
//     approver the approval names — the approver's own identity, not the
//     commit's author — and a subject that is this commit. An approval that
//     is not is a finding of its own, never a pass: AC009 when it does not
//     parse, AC003 when it is about another commit (copied), AC002
//     otherwise (forged, altered, untrusted key, key of someone else).
//   - Under trust.presence: touch or verified, its signature must come
//     from a FIDO security key with the user-presence flag (and the
//     user-verification flag) set: an approval signed with a key on disk
//     may have been made by an agent running as the approver. One that
//     is not is an AC015 error.
//   - It must respect the two-person rule: unless approvals.allow_self is
//     true, an approval by the commit's author (email), by the signer of one
//     of the commit's valid session manifests (principal), or made with the
//     key that signed one of them is not honoured. It changes nothing, and
//     an AC002 warning says why; the findings stay as they were, so a commit
//     with errors still fails. (A warning, not an error: nothing was forged,
//     and another maintainer's approval can still be added to the note.)
//
// An honoured approval turns each finding it covers — same rule, and the
// same path or a path its glob matches, or no path for a cover without one —
// into a note that records the approver, the reason, the time and the level
// the finding had ([Finding.Approval]). A finding of a rule the policy makes
// unapprovable (approvals.never: always AC002, AC003, AC009 and AC014) keeps its
// level; its hint says that the approval does not apply. When several
// approvals cover a finding, the earliest is recorded. When a commit has
// honoured approvals, each approvable error or warning they do not cover
// says so in its hint, so that a reviewer sees why the commit still fails.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

// approvalNote is a note line whose statement claims to be an approval.
type approvalNote struct {
	line int // 1-based line of the note
	env  *provenance.Envelope
	st   *provenance.Statement
}

// honouredApproval is a valid approval that the two-person rule allows.
type honouredApproval struct {
	pred  *provenance.ApprovalPredicate
	keyID string
	id    string
	line  int
}

// judgeApprovals verifies the commit's approvals, reporting those that are
// not valid or not honoured, applies the honoured ones to the findings and
// returns a summary of each. rep is the commit's report so far: its author
// and sessions decide the two-person rule.
func (cc *commitCheck) judgeApprovals(rep *CommitReport) []ApprovalSummary {
	var (
		sums     []ApprovalSummary
		honoured []honouredApproval
	)
	for _, n := range cc.approvals {
		where := fmt.Sprintf("note line %d", n.line)
		pred, err := provenance.DecodeApprovalPredicate(n.st)
		if err != nil {
			cc.add(RuleMalformed, LevelError, "", where+" is not a valid approval: "+err.Error(), "", nil, "")
			continue
		}
		sum := ApprovalSummary{Approver: pred.Approver, Time: pred.Time, Reason: pred.Reason, Covers: pred.Covers}
		if len(n.env.Signatures) > 0 {
			sum.KeyID = n.env.Signatures[0].KeyID
		}
		label := fmt.Sprintf("approval by %s (%s)", pred.Approver, where)
		v, err := provenance.VerifyApproval(n.env, provenance.ApprovalVerifyOptions{Approvers: cc.t.Approvers, Commit: cc.hash, Presence: cc.presence()})
		if err != nil {
			sums = append(sums, sum)
			switch {
			case errors.Is(err, provenance.ErrSubjectMismatch):
				cc.add(RuleSubjectMismatch, LevelError, "", label+" is for another commit ("+err.Error()+"): a copied approval approves nothing here",
					"remove the copied line (git notes --ref agentcheck edit "+cc.short()+") and have a maintainer approve this commit itself (agentcheck approve "+cc.short()+")", nil, "")
			case errors.Is(err, provenance.ErrMalformed):
				cc.add(RuleMalformed, LevelError, "", label+" is malformed: "+err.Error(), "", nil, "")
			case errors.Is(err, provenance.ErrNoPresence):
				cc.add(RuleHumanSignature, LevelError, "", label+" is not honoured: "+err.Error()+" (trust.presence: "+cc.t.Policy.Trust.Presence+")",
					"approve with a FIDO security key listed for you in "+cc.t.ApproversSource+" (ssh-keygen -t ed25519-sk, loaded in ssh-agent), touching it when it blinks", nil, "")
			default:
				cc.add(RuleInvalidSignature, LevelError, "", label+" is not trusted: "+err.Error(), cc.approvalHint(err), nil, "")
			}
			continue
		}
		sum.Valid, sum.KeyID = true, v.Fingerprint
		if why := SelfApproval(cc.t.Policy, rep, pred.Approver, v.Fingerprint); why != "" {
			sums = append(sums, sum)
			cc.add(RuleInvalidSignature, LevelWarning, "", label+" is not honoured: "+why+
				", and the two-person rule (approvals.allow_self: false) needs someone else's approval",
				AnotherApproverHint(cc.t, pred.Approver, "approve the commit (agentcheck approve "+cc.short()+")"), nil, "")
			continue
		}
		sum.Honoured = true
		sums = append(sums, sum)
		honoured = append(honoured, honouredApproval{pred: pred, keyID: v.Fingerprint, id: v.ID, line: n.line})
	}
	cc.summariseDropped() // the last findings are in
	applyApprovals(cc.findings, honoured, cc.t.Policy)
	return sums
}

// short is the commit's id abbreviated as git log --abbrev=12 does, for
// hints.
func (cc *commitCheck) short() string { return cc.hash[:12] }

// AnotherApproverHint says how to get an approval the two-person rule
// honours when approver may not approve the commit; act is what the other
// maintainer does ("approve the commit (agentcheck approve …)"). A team is
// told to ask another maintainer; a repository without an approvers file
// is told how to get one; a solo maintainer, the only one the file lists,
// is told of approvals.allow_self and what it costs.
func AnotherApproverHint(t *Trust, approver, act string) string {
	switch {
	case t.Approvers == nil:
		file := "approvers file"
		if t.Policy != nil && t.Policy.Trust.Approvers != "" {
			file = t.Policy.Trust.Approvers
		}
		return "nobody can approve: the base branch has no " + file + "; agentcheck init writes one listing your key: commit it through a reviewed change to the base branch, then ask another maintainer listed there to review and " + act
	case len(t.Approvers.Entries) == 0:
		return "nobody can approve: " + t.ApproversSource + " lists no key; add the maintainers' keys there through a reviewed change, then ask one of them to review and " + act
	case onlyApprover(t.Approvers, approver):
		return approver + " is the only approver in " + t.ApproversSource + ": add another maintainer's key there through a reviewed change and ask them to review and " + act +
			"; or, working alone, set approvals.allow_self: true in " + scope.PolicyFile + " on the base branch, which turns the two-person rule off: anyone with your key, including an agent running as you, can then approve"
	}
	return "ask another maintainer listed in " + t.ApproversSource + " to review and " + act
}

// onlyApprover reports whether every key of the approvers file is listed
// for approver alone, so that nobody else can approve.
func onlyApprover(a *provenance.AllowedSigners, approver string) bool {
	for _, e := range a.Entries {
		for _, p := range e.Principals {
			if !strings.EqualFold(p, approver) {
				return false
			}
		}
	}
	return true
}

// approvalHint says how to fix an approval that is not trusted.
func (cc *commitCheck) approvalHint(err error) string {
	where := "the approvers file (trust.approvers)"
	if cc.t.Approvers != nil {
		where = cc.t.Approvers.Name
	}
	switch {
	case errors.Is(err, provenance.ErrUntrustedKey):
		return "only keys listed in " + where + " on the base branch may approve: add the approver's key there through a reviewed change, or approve with a listed key"
	case errors.Is(err, provenance.ErrPrincipalMismatch):
		return "approve with the key listed for your email in " + where + ", or set git config user.email to the identity your key is listed for"
	}
	return "the approval was altered or forged: remove it (git notes --ref agentcheck edit " + cc.short() + ") and approve again"
}

// SelfApproval says why approver, signing with the key whose SHA256
// fingerprint is keyID, may not approve the commit of r under the
// two-person rule, or "" when they may: unless the policy allows
// self-approval (approvals.allow_self), the commit's author may not, nor
// the signer of one of its valid session manifests, nor anyone with the key
// that signed one. The checker applies it to every approval it reads, and
// agentcheck approve before it signs one.
func SelfApproval(p *scope.Policy, r *CommitReport, approver, keyID string) string {
	if p.Approvals.AllowSelf {
		return ""
	}
	if strings.EqualFold(approver, r.Author) {
		return approver + " is the commit's author"
	}
	for _, s := range r.Sessions {
		if !s.Valid {
			continue
		}
		label := s.Agent + "/" + s.ID
		switch {
		case strings.EqualFold(approver, s.Signer):
			return approver + " signed the manifest of session " + label
		case keyID == s.KeyID:
			return "its key " + keyID + " signed the manifest of session " + label
		}
	}
	return ""
}

// applyApprovals turns the findings that honoured approvals cover into
// notes, recording the approval; see the comment at the top of the file.
func applyApprovals(findings []Finding, approvals []honouredApproval, p *scope.Policy) {
	if len(approvals) == 0 {
		return
	}
	var approvers []string
	for _, a := range approvals {
		if !slices.Contains(approvers, a.pred.Approver) {
			approvers = append(approvers, a.pred.Approver)
		}
	}
	uncovered := "the approval by " + approvers[0] + " does not cover"
	if len(approvers) > 1 {
		uncovered = "the approvals by " + strings.Join(approvers, " and ") + " do not cover"
	}
	for i := range findings {
		f := &findings[i]
		if f.Approval != nil {
			continue
		}
		var best *honouredApproval
		for j := range approvals {
			a := &approvals[j]
			if !a.pred.Approves(f.Rule, f.Path) {
				continue
			}
			if best == nil || a.pred.Time.Before(best.pred.Time) || a.pred.Time.Equal(best.pred.Time) && a.line < best.line {
				best = a
			}
		}
		if best == nil {
			if f.Level != LevelNote && p.Approvable(f.Rule) {
				f.Hint = prependHint(fmt.Sprintf("%s %s on %s", uncovered, f.Rule, describeFindingPath(f.Path)), f.Hint)
			}
			continue
		}
		if !p.Approvable(f.Rule) {
			f.Hint = prependHint(fmt.Sprintf("the approval by %s does not apply: %s can never be approved (approvals.never)", best.pred.Approver, f.Rule), f.Hint)
			continue
		}
		f.Approval = &Approval{
			Approver: best.pred.Approver, Reason: best.pred.Reason, Time: best.pred.Time,
			Level: f.Level, KeyID: best.keyID, ID: best.id,
		}
		f.Level = LevelNote
	}
}

// prependHint puts what an approval did not do before a finding's hint.
func prependHint(what, hint string) string {
	if hint == "" {
		return what
	}
	return what + "; " + hint
}

func describeFindingPath(p string) string {
	if p == "" {
		return "the whole commit"
	}
	return p
}

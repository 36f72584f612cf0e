package check

import (
	"cmp"
	"slices"
)

// ReportVersion is the version of a [Report]'s JSON document (see package
// report): fields may be added within a version, never removed, renamed or
// given another meaning.
const ReportVersion = 1

// Canonical returns a copy of r in the canonical form of its renderings
// (text, JSON, SARIF, agentcheck log and export), which order sessions and
// findings the same way. It never modifies r.
func (r *Report) Canonical() *Report { return canonical(r) }

// canonical returns a copy of r in the canonical form: the current version,
// findings and sessions sorted, no nil slices. It never modifies r.
func canonical(r *Report) *Report {
	out := *r
	out.Version = ReportVersion
	out.Commits = make([]CommitReport, len(r.Commits))
	for i, c := range r.Commits {
		out.Commits[i] = c.Canonical()
	}
	return &out
}

// Canonical returns a copy of c in the canonical form of the renderings,
// as [Report.Canonical] has it: for renderings that write a report a
// commit at a time. It never modifies c.
func (c CommitReport) Canonical() CommitReport {
	c.Sessions = slices.Clone(c.Sessions)
	if c.Sessions == nil {
		c.Sessions = []SessionSummary{}
	}
	slices.SortStableFunc(c.Sessions, compareSessions)
	c.Findings = SortedFindings(c.Findings)
	if c.Approvals != nil {
		c.Approvals = slices.Clone(c.Approvals)
		slices.SortStableFunc(c.Approvals, compareApprovals)
	}
	return c
}

// SortedFindings returns a copy of fs, never nil, in the order of the
// renderings: see compareFindings.
func SortedFindings(fs []Finding) []Finding {
	out := make([]Finding, len(fs))
	copy(out, fs)
	slices.SortStableFunc(out, compareFindings)
	return out
}

// compareFindings orders findings of one commit: commit-level findings (no
// path) first, then by path and line, then by rule, most severe level first,
// and the remaining fields so that the order is total.
func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(b.Level.Rank(), a.Level.Rank()),
		cmp.Compare(a.Level, b.Level),
		cmp.Compare(a.Session, b.Session),
		cmp.Compare(a.Class, b.Class),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Hint, b.Hint),
		cmp.Compare(a.Name, b.Name),
		cmp.Compare(a.Commit, b.Commit),
	)
}

func compareApprovals(a, b ApprovalSummary) int {
	return cmp.Or(
		a.Time.Compare(b.Time),
		cmp.Compare(a.Approver, b.Approver),
		cmp.Compare(a.KeyID, b.KeyID),
		cmp.Compare(a.Reason, b.Reason),
	)
}

func compareSessions(a, b SessionSummary) int {
	return cmp.Or(
		cmp.Compare(a.Agent, b.Agent),
		cmp.Compare(a.ID, b.ID),
		cmp.Compare(a.KeyID, b.KeyID),
		cmp.Compare(a.Signer, b.Signer),
	)
}

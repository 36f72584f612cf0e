// Package check is the rule engine of the gate: it judges one commit at a
// time — its metadata, its note's lines and its changes, given as values —
// against the trusted side, and produces findings under stable rule IDs
// (AC001…). It reads no repository: package gate walks, diffs and reads
// notes through internal/git and calls [Judge] with what it found, and the
// rules are tested on values.
//
// # Rules
//
// [Judge] verifies each manifest of the commit's note (AC002 a signature
// that does not verify or a key the trusted side does not list for the
// commit's author or committer, AC003 a manifest about another commit,
// AC009 a line that is not a valid envelope) and requires one on agent
// commits (AC001). It then compares every changed path with the valid
// sessions that recorded it and with the policy: AC004 protected paths,
// AC005 the declared scope, AC006 changes no session recorded, AC007 a
// session that ingested untrusted content before a protected change, AC008
// a session that ran with permission checks off. The signals of the valid
// sessions (AC010–AC012, package signals) are warnings. [Rules] is the rule
// table with each rule's help.
//
// # Approvals
//
// A maintainer's signed approval in a commit's note turns the findings it
// names into notes that record the approver and the reason
// ([Finding.Approval]). The engine judges approvals itself (approvals.go),
// including the two-person rule ([SelfApproval]), so every front end
// honours the same ones.
//
// # Reports
//
// A [Report] is the one canonical result of a check; package report renders
// it as text, JSON and SARIF, and no renderer decides anything.
// [Report.Canonical] is the order every rendering uses. Each commit's
// [CommitReport.MadeBy] is the one answer every report gives to "which
// agent made this commit, and how is that known?".
package check

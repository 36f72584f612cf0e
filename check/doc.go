// Package check is the verifier: it walks a revision range, diffs each
// commit, compares the diff with the commit's signed manifests and the
// trusted policy, and produces findings under stable rule IDs (AC001…).
//
// # History
//
// [ResolveRange] turns the arguments of agentcheck verify into a [Range];
// [Walk] lists its commits oldest first, as git rev-list does, and fails
// with [ErrIncompleteHistory] rather than walk a partial history.
//
// # Diffs
//
// A [Differ] computes the [Change] list of each commit by walking its tree
// and its parents' in lockstep, descending only where ids differ. A merge
// is judged on the paths where it differs from every parent, so an "evil
// merge" cannot hide a change. Renames are exact (same blob) only.
//
// Objects are read through an [ObjectReader]; [StorerReader] adapts go-git's
// storage to it.
//
// # Findings and renderings
//
// [Verifier.Verify] produces the findings of a [Report], the one canonical
// result. Text, JSON and SARIF output are renderings of it (package report);
// no renderer decides anything.
//
// # Approvals
//
// A maintainer's signed approval in a commit's note turns the findings it
// names into notes that record the approver and the reason
// ([Finding.Approval]); SARIF shows them as suppressions. The verifier judges
// approvals itself (approvals.go), so every place that builds its verifier
// with [NewVerifier] — verify, pre-receive, the GitHub Action — honours the
// same ones.
package check

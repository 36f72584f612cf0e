// Package check verifies commits: it walks a revision range, diffs each
// commit, and compares the diff with the commit's manifest and the policy.
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
package check

// Package gate is the check every front end shares: verify, log, export,
// approve, the git hooks, the GitHub gate and the server's pre-receive hook
// all check commits here, so that they agree on every range and read the
// trusted side one way.
//
// [CheckRange] takes a resolved range (git.ResolveRange) and:
//
//  1. walks it ([Walk]), failing on an incomplete history;
//  2. reads the trusted side ([LoadTrust]): the policy, allowed signers and
//     approvers from files the user named, else from the range's base — a
//     commit outside the range, which the checked commits cannot change —
//     else the built-in defaults;
//  3. opens the notes ([OpenNotes]);
//  4. checks each commit ([Check]): reads its note, diffs it through
//     internal/git when a rule needs its changes, judges it with
//     check.Judge, and adds the first changed line of each file a finding
//     is about;
//  5. returns the walked commits and the check.Report.
//
// The pre-receive hook, which walks the commits a push introduces and reads
// a trusted side per updated ref, calls [Walk], [LoadTrust] and [Check]
// itself.
//
// [IdentifyRange] is the read-only counterpart that agentcheck census runs
// on a history before the gate is turned on: it walks the range and reads
// the notes, but never diffs, and says of each commit only who made it and
// whether it carries a valid manifest ([Identify]).
package gate

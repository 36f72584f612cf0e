// Package attest signs statements into a commit's note
// (refs/notes/agentcheck): the manifests of the agent sessions behind the
// commit, and a maintainer's approval of the commit's findings. agentcheck
// attest, agentcheck approve and the git hooks post-commit and post-rewrite
// all sign here, so that there is one way a statement reaches a note.
//
// # Attesting
//
// An [Attester] attests a commit in five steps:
//
//  1. it diffs the commit (internal/git) for the blob it leaves at each
//     changed path;
//  2. it selects the sessions (provenance/journal): those whose pending
//     edits the commit holds (provenance.MatchSessions), the session whose
//     shell made the commit (its agent names it in the environment), and,
//     for agentcheck attest, those already attested on it, so that
//     attesting again says so; or the one session a person names;
//  3. per session not yet attested on the commit, it builds the manifest
//     (provenance.BuildStatement) under the work tree's record.prompts,
//     masking secrets, with the repository's remotes, and signs it with the
//     user's key ([Signer]);
//  4. it appends the manifests to the commit's note in one notes commit
//     (git.AppendNote), made as the user's git identity;
//  5. it records in each session's journal which of its edits the commit
//     covered (an attest event), so that a later commit holding the same
//     content is not attributed to the session again.
//
// [Attester.AttestRewritten] carries manifests across an amend or rebase:
// a rewritten commit is attested with the sessions of the commit it
// replaces — only those whose manifests verify with this machine's own key
// and whose journal is here. A note signed by anyone else is never signed
// again: that would launder it.
//
// # Approving
//
// [Attester.Approve] checks the commit as agentcheck verify would
// (gate.CheckRange), picks the findings an approval may cover, applies the
// two-person rule (check.SelfApproval) and appends the signed approval to
// the note. An approval is a human's decision: it is refused inside an agent
// session ([RefuseInAgentSession]).
package attest

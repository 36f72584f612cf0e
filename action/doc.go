// Package action is agentcheck's GitHub integration: what "agentcheck
// github" and the composite action (action.yml at the repository's root) do
// inside GitHub Actions. It renders a [check.Report]; it decides nothing.
//
// # Events
//
// [ParseEvent] reads the event payload (GITHUB_EVENT_PATH) and says which
// commits to check and which commit is the trusted side:
//
//   - pull_request and pull_request_target: pull_request.base.sha ..
//     pull_request.head.sha — the pull request's own commits, never the
//     synthetic merge commit GITHUB_SHA names. The policy and the allowed
//     signers come from base.sha. Nothing of the pull request is checked
//     out or run: its commits are git objects to read.
//   - push: before .. after. A push that created a ref (before is all
//     zeros) is checked against the repository's default branch, fetched as
//     refs/remotes/origin/BRANCH, whose tip is the trusted side; the push
//     that creates the default branch itself has no trusted side and is
//     refused. A push that deleted a ref has nothing to check.
//   - merge_group: merge_group.base_sha .. merge_group.head_sha.
//
// [Event.FetchPlan] lists what the local repository must hold; the
// action's fetch-history.sh fetches it (commits, history, notes, a fork's
// notes) into the shallow checkout actions/checkout leaves.
//
// # Check run
//
// [CheckRun.Publish] creates the check run "agentcheck" on the head commit
// through go-github: conclusion failure when the gate fails, neutral when
// error findings are reported but fail-on is never, success otherwise; one
// annotation per finding, at most 50 per request (the Checks API's limit),
// further batches in updates. When the token may not create check runs
// ([NotPermitted]: 403 or 404, "Resource not accessible by integration"),
// the caller falls back to workflow commands ([WriteAnnotationCommands],
// escaped as GitHub's toolkit escapes them) and says so.
//
// # Job summary
//
// [WriteSummary] writes the Markdown job summary: the verdict, a table of
// the commits and their findings, the findings, each session's agent and
// task excerpt, and what to do next. Recorded text is hostile input and is
// escaped ([MarkdownText]).
//
// # Signing keys registered on GitHub
//
// With the base's policy saying trust.github_ssh_keys: true, [GitHubKeys]
// trusts a manifest signed with one of the commit author's SSH signing keys
// on GitHub, for the author's email; see its documentation for how the
// account is found.
package action

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
// further batches in updates. A check run, once created, is always
// completed: when an update fails, the job is cancelled or Publish panics,
// one more request (with a few seconds of its own, [FinishTimeout])
// completes it with the findings not yet added in its text. When the token
// may not create check runs ([NotPermitted]: 403 or 404, "Resource not
// accessible by integration", and not a rate limit), the caller falls back
// to workflow commands ([WriteAnnotationCommands], escaped as GitHub's
// toolkit escapes them) and says so.
//
// # Retries
//
// The client [NewClient] returns sends GitHub's current media type
// (application/vnd.github+json) and retries rate limits and server errors:
// 429, a 403 with retry-after or x-ratelimit-remaining 0 (decided from the
// status and headers, never from the body's documentation_url), 500, 502,
// 503 and 504. It waits retry-after, or until x-ratelimit-reset, or 1 s, 2 s,
// 4 s… ([Retry] holds the clock), five attempts at most, and never starts a
// wait that would end after the request context's deadline (the gate's
// api-timeout).
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

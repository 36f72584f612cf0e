// Package server is agentcheck's server-side gate: the decision of a git
// pre-receive hook about a push, and the messages that tell the pusher why.
//
// # Input
//
// [ParseUpdates] reads git's input to the hook, one [Update] per ref, as
// hostile input: any line that is not exactly what git writes is an error.
// [DetectPlatform] reads what the hosting software (GitHub Enterprise
// Server, GitLab, Gitea and Forgejo, or none) says about the push through
// the environment: who pushed, whether it is the platform's own merge of a
// pull request, how lines must be prefixed. [ReadRepoConfig] reads the
// [agentcheck] section of the bare repository's config through
// internal/git: the hook runs no git.
//
// # Decision
//
// [Check] takes the repository as the hook sees it (internal/git reads git's
// quarantine, packs and alternates) and decides: it lists the commits the
// push introduces with one walk ([gate.Walk]) over the new tips against
// every ref the repository had before the push (but notes refs and
// refs/pull/, whose commits were not checked when they arrived), reads the
// trusted side of each ref ([gate.LoadTrust]) from the server's files or
// from commits that existed before the push, and checks the commits with
// [gate.Check], one [Group] of refs per trusted side. Manifests come from
// refs/notes/agentcheck as the push
// leaves it; an update of that ref must keep every line the server has. An
// error from Check means the push could not be checked: the caller rejects
// it.
//
// # Messages
//
// A [Printer] renders a [Decision], an error or a timeout as lines for the
// pusher. It decides nothing: findings come from the verifier, the verdict
// from [Decision.Rejected] and the caller's mode.
//
// # The hook
//
// [Hook.Run] is agentcheck pre-receive: it reads the repository's
// configuration and git's input, runs Check under the hook's deadline in a
// goroutine of its own (a check that overruns it, or panics, is reported,
// never waited for: the gate fails closed) and prints the outcome.
package server

// Package agentid recognises commits made by coding agents from their
// metadata alone: the author, the committer and the message's trailers. It is
// how the gate answers "was this commit made by an agent?" for a commit that
// carries no provenance manifest.
//
// # Registry
//
// The built-in [Registry] is data, not code: registry.json, embedded, lists
// each agent (and each dependency bot) with its vendor, its [Kind] and its
// [Markers]. A policy changes it with [Override] values: it switches an agent
// on or off, adds markers to one, or defines a new one ([Registry.With]).
//
// # Precision
//
// Markers are e-mail addresses and GitHub accounts, never display names: a
// human called Claude who commits with his own address is a human, and so is
// one who writes "Co-authored-by: Claude Martin <claude@example.org>". A
// GitHub account is matched in its noreply address, ID+login@users.noreply.github.com,
// by its numeric ID when the address has one (IDs are never reused; logins
// are), else by its login. Aider's " (aider)" suffix is the one name marker:
// aider appends it to the human's own name and address, and only to the
// author's name when aider made the change.
//
// # Recognition
//
// A [Recognizer] matches a [Commit] in three passes, strongest signal first:
// who made the commit (author and committer), who co-authored it
// (Co-authored-by trailers), then the agents' other trailers and message
// prefixes. The [Match] names the agent, its vendor and kind, and the marker
// that matched ("co-author trailer noreply@anthropic.com"), for reports to say
// why a commit counts as an agent's. Dependency bots are recognised as well
// but, unless a policy enables them, their matches are [Match.Ignored]: they
// are automation, not coding agents.
package agentid

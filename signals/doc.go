// Package signals reads what a session's signed manifest records — the
// commands it ran, the MCP servers it called, the files it edited, what it
// fetched — for behaviours a reviewer must look at:
//
//   - AC010 exfiltration-pattern: a command that sends local data off the
//     machine (uploads with curl or wget, secrets piped to a network tool,
//     raw sockets, copies to other hosts, DNS-encoded output, a git push to
//     a remote the repository does not have).
//   - AC011 untrusted-tool: a call to an MCP server outside the policy's
//     taint.trusted_mcp.
//   - AC012 agent-memory-edit: a change to a file agents read as standing
//     instructions or memory (CLAUDE.md, AGENTS.md, .cursor/rules, …), in
//     the commit or outside it.
//
// [Tainted] says whether a session ingested untrusted content, which the
// checker's AC007 combines with the protected paths.
//
// The package is pure: it reads manifests and returns [Signal] values, and
// package check turns them into findings. Signals are warnings: each is
// sometimes legitimate (a deploy uploads an artifact, a maintainer asks the
// agent to update CLAUDE.md), and the error-level rules already block the
// changes they lead to. Only manifests that verified are read: what an
// unverified note claims is not evidence of anything.
//
// Recorded shell commands are split into pipelines, words and redirections
// by shell.go.
package signals

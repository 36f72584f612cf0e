// Package journal is the session journal: the events the recording hook
// normalizes from an agent's hook payloads, and the append-only JSONL file
// of one session under the repository's common git directory
// ($GIT_COMMON_DIR/agentcheck/sessions/<agent>-<session>.jsonl) that holds
// them until a commit's manifest is built from them.
//
// It is its own package so that the recording hook, which runs on every
// tool call of the agent, links only it, package agents and package scope:
// not package provenance, whose signing, verification and notes bring
// go-git and golang.org/x/crypto/ssh, whose start-up costs more than the
// hook's whole work (see cmd/agentcheck-hook). Package provenance builds
// manifests from these events.
//
// # Concurrency
//
// [Append] holds an exclusive lock on the file for each append, so hooks
// the agent runs concurrently never interleave lines, and a writer that
// crashed mid-line costs that line only; [Read] skips what does not parse.
package journal

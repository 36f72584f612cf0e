// Package install writes what "agentcheck init" installs: the agents' hook
// configuration (merged into the files that are there, never replacing
// them), the OpenCode plugin, and the git hooks, chained with the hooks a
// repository already has. Every step is idempotent: running it again over
// its own result changes nothing.
//
// [Init] is agentcheck init: it writes all of that, the notes refspecs, the
// default policy, a signing key when there is none and its allowed_signers
// line, and reports each step. [Doctor] is agentcheck doctor: it reads the
// same places, and where the gate reads the policy and the signers, and
// reports what is missing with the command that fixes it.
//
// # Agent configuration
//
// Claude Code's .claude/settings.json and Codex's .codex/hooks.json get one
// hook group per recorded event; Cursor's .cursor/hooks.json one entry per
// event. JSON members keep their order; only agentcheck's entries are
// added, and an entry that already runs agentcheck's hook command ("agentcheck-hook --agent NAME", or the older "agentcheck hook --agent NAME")
// (even by an absolute path) is left as it is. A file that is not the JSON
// the agent expects is not touched: the step is skipped and says why.
//
// # Git hooks
//
// In a private hooks directory ($GIT_DIR/hooks, or a core.hooksPath
// outside the work tree) each hook is agentcheck's own script. A hook that
// was there before is moved to NAME.pre-agentcheck and run first, with the
// same arguments and stdin; pre-commit's NAME.legacy chaining is
// recognised. In a hooks directory inside the work tree (committed and
// shared, like .githooks or husky's .husky) a marked block is added at the
// top of each script instead, running agentcheck from PATH when it is
// installed. husky 9 regenerates .husky/_/NAME: its scripts .husky/NAME get
// the block, and hooks husky does not run (reference-transaction) are
// agentcheck's own files in .husky/_.
package install

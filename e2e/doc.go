// Package e2e runs the real coding agents, unmodified from their npm
// packages, against agentcheck: Claude Code and Codex CLI at the versions
// pinned in agents.txt, each pointed at a scripted model on 127.0.0.1.
//
// The scripted model ([Server]) answers Claude Code's Messages API and
// Codex's Responses API, both streamed as server-sent events, from
// scripts: the turns a model plays, as data ([Scenario], in
// testdata/scenarios), in a form that does not depend on the agent (read
// a file, write one, run a command, start a subagent) and that the server
// translates into each agent's own tools. It keeps no conversation state:
// every request carries the conversation, from which it tells the thread
// (the session, or a subagent) and how far it has got.
//
// The driver (TestAgents) installs the pinned agents into a cache
// directory, builds agentcheck, and for each scenario and agent makes a
// throwaway HOME and a real repository, runs agentcheck init (and, for
// Codex, the command init says grants Codex's trust, word for word), runs
// the agent non-interactively, and checks the session's journal, the
// reasons of runtime denials as the model received them, the attestation
// and verify's verdict. The agents' hooks run through a wrapper that keeps
// each payload; "make e2e-fixtures" turns them into the fixtures of
// ../testdata/hooks.
//
// It runs with "make e2e" (AGENTCHECK_E2E=1), which .ci/run calls when node
// and npm are there; "go test ./..." skips it. "make e2e-update-agents"
// moves the pins to the agents' latest releases.
package e2e

package main

import (
	"context"
	"strings"

	"github.com/agentcheck/agentcheck/internal/install"
)

// runInit sets a repository up, or with --global the user's agents (see
// install.Init).
func runInit(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "init", "")
	agentsFlag := fs.String("agent", strings.Join(install.Agents(), ","), "set up these `AGENTS` (comma-separated): "+strings.Join(install.Agents(), ", "))
	global := fs.Bool("global", false, "install the agents' hooks for your user account (all repositories) instead of this repository's files; the git side stays per repository")
	codexTrust := fs.Bool("codex-trust", false, "record in Codex's config.toml ($CODEX_HOME or ~/.codex) that you trust this project and agentcheck's Codex hooks, which Codex skips until trusted")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("init takes no arguments")
	}
	agents, err := install.ParseAgents(*agentsFlag)
	if err != nil {
		return usageError("%v", err)
	}
	dir, err := inv.dir()
	if err != nil {
		return err
	}
	env := install.Env{Dir: dir, Getenv: inv.getenv, Stdout: inv.Stdout, Stderr: inv.Stderr}
	return install.Init(ctx, env, install.InitOptions{Agents: agents, Global: *global, CodexTrust: *codexTrust})
}

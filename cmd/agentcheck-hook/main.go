// Command agentcheck-hook is the recording hook of agentcheck in a binary of
// its own: "agentcheck-hook --agent NAME" does exactly what
// "agentcheck hook --agent NAME" does (see package internal/hookcmd), and
// "agentcheck-hook hook --agent NAME" is accepted too.
//
// Coding agents run the hook on every tool call, so its start-up is most of
// its cost. The agentcheck CLI links SSH, HTTP and GitHub clients for its
// other commands, and a Go program initializes every package it links
// before main runs. This binary links only the
// hook's packages — the agent adapters, the policy, the session journal, the
// runtime enforcement rules and internal/git's object store, which reads the
// trusted policy — and starts in about the time git does.
//
// agentcheck init names it in the agents' hook configuration. Install it
// next to agentcheck:
//
//	go install github.com/agentcheck/agentcheck/cmd/...@latest
package main

import (
	"os"

	"github.com/agentcheck/agentcheck/internal/buildinfo"
	"github.com/agentcheck/agentcheck/internal/hookcmd"
)

// The release build stamps these at link time, as it does agentcheck's
// (.goreleaser.yaml), so that doctor can tell a hook binary of another
// release.
var (
	version string
	commit  string
	date    string
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "hook" {
		args = args[1:]
	}
	os.Exit(hookcmd.Main(args, hookcmd.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Name: "agentcheck-hook",
		Version: buildinfo.Read(version, commit, date).Line("agentcheck-hook")}))
}

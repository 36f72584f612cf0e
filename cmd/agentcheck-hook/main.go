// Command agentcheck-hook is the recording hook of agentcheck in a binary of
// its own: "agentcheck-hook --agent NAME" does exactly what
// "agentcheck hook --agent NAME" does (see package internal/hookcmd), and
// "agentcheck-hook hook --agent NAME" is accepted too.
//
// Coding agents run the hook on every tool call, so its start-up is most of
// its cost. The agentcheck CLI links go-git, SSH, HTTP and GitHub clients
// for its other commands, and a Go program initializes every package it
// links before main runs: about 3 ms before the hook does anything, where
// git rev-parse --git-dir takes about 1 ms. This binary links only the
// hook's packages (agents, scope and provenance/journal) and starts in
// about the time git does.
//
// Install it next to agentcheck:
//
//	go install github.com/agentcheck/agentcheck/cmd/...@latest
//
// and name it in the agents' hook configuration instead of "agentcheck
// hook". Both write the same journal.
package main

import (
	"os"

	"github.com/agentcheck/agentcheck/internal/hookcmd"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "hook" {
		args = args[1:]
	}
	os.Exit(hookcmd.Main(args, hookcmd.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
}

package main

import (
	"cmp"
	"context"
	"fmt"
	"runtime/debug"
)

// The release build stamps these at link time (.goreleaser.yaml):
//
//	-ldflags "-X main.version=1.2.0 -X main.commit=<full id> -X main.date=<RFC 3339>"
//
// They are variables only because the linker can set nothing else; nothing
// assigns them at run time.
var (
	version string
	commit  string
	date    string
)

// build describes the build of this binary: what the release stamped, else
// what the Go toolchain recorded (the module version of go install
// …@version, or the commit and time of a build from a git checkout).
type build struct {
	Version  string
	Commit   string
	Date     string
	Modified bool // built from a work tree with uncommitted changes
}

func readBuild() build {
	b := build{Version: version, Commit: commit, Date: date}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	if b.Commit == "" {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Date = cmp.Or(b.Date, s.Value)
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	return b
}

// buildVersion returns the version of this binary, or "0.0.0-devel" for a
// development build: a version that starts with a digit, as SARIF consumers
// expect.
func buildVersion() string {
	return cmp.Or(readBuild().Version, "0.0.0-devel")
}

// String is the line agentcheck version prints, e.g.
// "agentcheck 1.2.0 (commit 0123…, built 2026-11-26T10:00:00Z)".
func (b build) String() string {
	s := "agentcheck " + cmp.Or(b.Version, "0.0.0-devel")
	if b.Commit == "" {
		return s
	}
	s += " (commit " + b.Commit
	if b.Modified {
		s += ", modified"
	}
	if b.Date != "" {
		s += ", built " + b.Date
	}
	return s + ")"
}

func runVersion(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "version", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(inv.Stdout, readBuild())
	return nil
}

package main

import (
	"context"
	"fmt"

	"github.com/agentcheck/agentcheck/internal/buildinfo"
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

func readBuild() buildinfo.Build { return buildinfo.Read(version, commit, date) }

// buildVersion returns the version of this binary, or "0.0.0-devel" for a
// development build.
func buildVersion() string { return readBuild().VersionOrDevel() }

func runVersion(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "version", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(inv.Stdout, readBuild().Line("agentcheck"))
	return nil
}

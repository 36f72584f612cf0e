// Package buildinfo describes the build of a binary of agentcheck: the
// version the release stamped into it, else what the Go toolchain recorded.
// agentcheck and agentcheck-hook print it for --version, and doctor compares
// the two, so that a hook binary left behind by an older install is found.
package buildinfo

import (
	"cmp"
	"runtime/debug"
)

// DevelVersion is the version of a development build: it starts with a
// digit, as SARIF consumers expect of a tool's version.
const DevelVersion = "0.0.0-devel"

// Build describes the build of this binary.
type Build struct {
	Version  string
	Commit   string
	Date     string
	Modified bool // built from a work tree with uncommitted changes
}

// Read returns the build of this binary: version, commit and date are what
// the release stamped at link time (empty when it did not); what is empty
// comes from the Go toolchain's record instead (the module version of
// go install …@version, or the commit and time of a build from a git
// checkout).
func Read(version, commit, date string) Build {
	b := Build{Version: version, Commit: commit, Date: date}
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

// VersionOrDevel is the version, or [DevelVersion] for a development build.
func (b Build) VersionOrDevel() string {
	return cmp.Or(b.Version, DevelVersion)
}

// Line is what --version prints for the command name, e.g.
// "agentcheck 1.2.0 (commit 0123…, built 2026-11-26T10:00:00Z)".
func (b Build) Line(name string) string {
	s := name + " " + b.VersionOrDevel()
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

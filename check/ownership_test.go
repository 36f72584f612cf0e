package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// session returns the events of session claude-code/id: a prompt declaring
// globs (none: no declaration), then the given edits.
func session(id string, globs []string, events ...journal.Event) []journal.Event {
	var out []journal.Event
	if len(globs) > 0 {
		var decls []journal.ScopeDecl
		for _, g := range globs {
			decls = append(decls, journal.ScopeDecl{Glob: g, Source: journal.SourceDirective})
		}
		out = append(out, ev(journal.KindPrompt, journal.Event{Text: "scope: …", Scope: decls}))
	}
	out = append(out, events...)
	for i := range out {
		out[i].Session = id
	}
	return out
}

func deleted(path string) journal.Event {
	return ev(journal.KindDelete, journal.Event{Path: path, Blob: journal.ZeroBlob})
}

// TestContentOwnership: a path belongs to the sessions whose recorded blob
// is the committed content; only they can declare it, and several sessions
// that left the same content must each have declared it.
func TestContentOwnership(t *testing.T) {
	const ciPath = ".github/workflows/ci.yml"
	ci := modified(ciPath, "on: push\n")
	ciGone := Change{Path: ciPath, Kind: Deleted, OldMode: filemode.Regular, OldBlob: blob("old")}
	renamed := Change{Path: ".github/workflows/main.yml", OldPath: ciPath, Kind: Renamed,
		OldMode: filemode.Regular, NewMode: filemode.Regular, OldBlob: blob("on: push\n"), NewBlob: blob("on: push\n")}
	link := Change{Path: "docs/ci.yml", Kind: Added, NewMode: filemode.Symlink, NewBlob: blob("../" + ciPath), LinkTarget: ciPath}
	declareCI := []string{".github/workflows/**"}
	tests := []struct {
		name     string
		changes  []Change
		sessions [][]journal.Event
		want     string
		message  string // in a finding's message, when not empty
	}{
		{name: "the declaring session left the content", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("typo", nil, edit(ciPath, "on: [push]\n")),
				session("ci", declareCI, edit(ciPath, "on: push\n")),
			}},
		{name: "an undeclared session overwrote it last", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: [push]\n")),
				session("typo", nil, edit(ciPath, "on: push\n")),
			},
			want:    "AC004 error " + ciPath,
			message: "in protected class ci, not declared by the session whose content it has (session claude-code/ci declared it, but the committed content is what claude-code/typo left)"},
		{name: "two sessions left the same content, one declared", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: push\n")),
				session("typo", nil, edit(ciPath, "on: push\n")),
			},
			want:    "AC004 error " + ciPath,
			message: "in protected class ci, not declared by every session whose content it has (several sessions left this content, and each must have declared it)"},
		{name: "two sessions left the same content, both declared", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: push\n")),
				session("ci2", []string{ciPath}, edit(ciPath, "on: push\n")),
			}},
		{name: "nobody left the committed content", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: [push]\n")),
			},
			want:    "AC004 error " + ciPath + "; AC006 error " + ciPath,
			message: "in protected class ci, which no declaration covers (session claude-code/ci declared it, but the committed content is not what any session left)"},
		{name: "the undeclared session deleted it", changes: []Change{ciGone},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: [push]\n")),
				session("typo", nil, deleted(ciPath)),
			},
			want: "AC004 error " + ciPath},
		{name: "the declaring session deleted it", changes: []Change{ciGone},
			sessions: [][]journal.Event{
				session("typo", nil, edit(ciPath, "on: [push]\n")),
				session("ci", declareCI, deleted(ciPath)),
			}},
		{name: "a rename: the old path's deletion is another session's", changes: []Change{renamed},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(renamed.Path, "on: push\n"), edit(ciPath, "on: push\n")),
				session("typo", nil, deleted(ciPath)),
			},
			want: "AC004 error " + ciPath},
		{name: "a symlink to a declared path made by an undeclared session", changes: []Change{link},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(link.Path, "../"+ciPath+".old")),
				session("typo", nil, edit(link.Path, "../"+ciPath)),
			},
			want: "AC004 error docs/ci.yml"},
		{name: "scope: every owner's boundary applies", changes: []Change{modified("docs/x.md", "x\n")},
			sessions: [][]journal.Event{
				session("docs", []string{"docs/**"}, edit("docs/x.md", "x\n")),
				session("src", []string{"src/**"}, edit("docs/x.md", "x\n")),
			},
			want: "AC005 error docs/x.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var changed []string
			for _, c := range tt.changes {
				changed = append(changed, c.Paths()...)
			}
			var lines [][]byte
			for _, events := range tt.sessions {
				lines = append(lines, manifest(t, "dev", thisCommit, changed, events...))
			}
			rep := judged(t, trust(t), commit(), tt.changes, lines...)
			if got := ruleLevels(rep.Findings); got != tt.want {
				t.Errorf("findings %q, want %q:\n%+v", got, tt.want, rep.Findings)
			}
			if tt.message != "" && !slices.ContainsFunc(rep.Findings, func(f Finding) bool { return strings.Contains(f.Message, tt.message) }) {
				t.Errorf("no finding says %q:\n%+v", tt.message, rep.Findings)
			}
		})
	}
}

// TestSubmodulePointers: a gitlink change is in class submodules (declare
// by default), owned by every session that ran a command (the journal sees
// git submodule update or git -C sub checkout as commands, not edits), and
// unattributed when no session ran one.
func TestSubmodulePointers(t *testing.T) {
	bump := Change{Path: "vendor/lib", Kind: Modified, OldMode: filemode.Submodule, NewMode: filemode.Submodule,
		OldBlob: blob("commit 1"), NewBlob: blob("commit 2")}
	added := Change{Path: "vendor/new", Kind: Added, NewMode: filemode.Submodule, NewBlob: blob("commit 3")}
	removed := Change{Path: "vendor/lib", Kind: Deleted, OldMode: filemode.Submodule, OldBlob: blob("commit 1")}
	gomod := modified("go.mod", "module x\n")
	run := func(command string) journal.Event { return ev(journal.KindExec, journal.Event{Command: command}) }
	denied := run("git -C vendor/lib checkout v2")
	denied.Decision = journal.DecisionDeny
	tests := []struct {
		name     string
		changes  []Change
		sessions [][]journal.Event
		want     string
	}{
		{name: "an undeclared bump", changes: []Change{bump, gomod},
			sessions: [][]journal.Event{session("deps", []string{"go.mod"}, edit("go.mod", "module x\n"), run("git submodule update --remote"))},
			want:     "AC004 error vendor/lib; AC005 error vendor/lib"},
		{name: "a declared bump", changes: []Change{bump},
			sessions: [][]journal.Event{session("deps", []string{"vendor/lib"}, run("git -C vendor/lib checkout v2"))}},
		{name: "an undeclared new submodule", changes: []Change{added},
			// Adding it fetches from the network: the session is tainted too.
			sessions: [][]journal.Event{session("deps", nil, run("git submodule add https://example.com/new vendor/new"))},
			want:     "AC004 error vendor/new; AC007 error vendor/new"},
		{name: "an undeclared removal", changes: []Change{removed},
			sessions: [][]journal.Event{session("deps", nil, run("git rm vendor/lib"))},
			want:     "AC004 error vendor/lib"},
		{name: "no session ran a command", changes: []Change{bump, gomod},
			sessions: [][]journal.Event{session("deps", []string{"vendor/lib", "go.mod"}, edit("go.mod", "module x\n"), denied)},
			want:     "AC004 error vendor/lib; AC006 error vendor/lib"},
		{name: "two sessions ran commands, one declared", changes: []Change{bump},
			sessions: [][]journal.Event{
				session("deps", []string{"vendor/lib"}, run("git -C vendor/lib checkout v2")),
				session("typo", nil, run("make test")),
			},
			want: "AC004 error vendor/lib"},
		{name: "a session that only edited files cannot have moved it", changes: []Change{bump, gomod},
			sessions: [][]journal.Event{
				session("deps", []string{"vendor/lib"}, run("git -C vendor/lib checkout v2")),
				session("typo", nil, edit("go.mod", "module x\n")),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var changed []string
			for _, c := range tt.changes {
				changed = append(changed, c.Paths()...)
			}
			var lines [][]byte
			for _, events := range tt.sessions {
				lines = append(lines, manifest(t, "dev", thisCommit, changed, events...))
			}
			rep := judged(t, trust(t), commit(), tt.changes, lines...)
			if got := ruleLevels(rep.Findings); got != tt.want {
				t.Errorf("findings %q, want %q:\n%+v", got, tt.want, rep.Findings)
			}
			for _, f := range rep.Findings {
				if f.Rule == RuleProtectedPath && (f.Class != "submodules" || !strings.Contains(f.Message, "(a submodule pointer)")) {
					t.Errorf("AC004 finding %+v, want class submodules and the pointer named", f)
				}
			}
		})
	}
}

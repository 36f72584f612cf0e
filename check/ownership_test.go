package check

import (
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
			want: "AC004 error " + ciPath},
		{name: "two sessions left the same content, one declared", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: push\n")),
				session("typo", nil, edit(ciPath, "on: push\n")),
			},
			want: "AC004 error " + ciPath},
		{name: "two sessions left the same content, both declared", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: push\n")),
				session("ci2", []string{ciPath}, edit(ciPath, "on: push\n")),
			}},
		{name: "nobody left the committed content", changes: []Change{ci},
			sessions: [][]journal.Event{
				session("ci", declareCI, edit(ciPath, "on: [push]\n")),
			},
			want: "AC004 error " + ciPath + "; AC006 error " + ciPath},
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
		})
	}
}

package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// count returns how many findings of rule fs holds, and the first whose
// message contains what, if any.
func count(fs []Finding, rule, what string) (n int, match *Finding) {
	for i, f := range fs {
		if f.Rule != rule {
			continue
		}
		n++
		if match == nil && what != "" && strings.Contains(f.Message, what) {
			match = &fs[i]
		}
	}
	return n, match
}

func TestLimitFindingsPerRule(t *testing.T) {
	var changes []Change
	for i := range MaxFindingsPerRule + 50 {
		changes = append(changes, modified(fmt.Sprintf(".github/workflows/w%03d.yml", i), "on: push\n"))
	}
	rep := judged(t, trust(t), commit("Agent-Session: claude-code/s1"), changes)
	n, summary := count(rep.Findings, RuleProtectedPath, "50 more AC004 findings")
	if n != MaxFindingsPerRule+1 || summary == nil {
		t.Fatalf("AC004 findings: %d, summary %v; want %d and a summary of 50 more", n, summary, MaxFindingsPerRule+1)
	}
	if summary.Level != LevelError || summary.Path != "" {
		t.Errorf("summary: level %s path %q, want an error about no path", summary.Level, summary.Path)
	}
}

func TestLimitPaths(t *testing.T) {
	var changes []Change
	for i := range MaxPaths + 1 {
		changes = append(changes, modified(fmt.Sprintf("src/f%05d.go", i), "x\n"))
	}
	tr := trust(t)
	for _, tc := range []struct {
		name    string
		changes []Change
		omitted int
		want    string
	}{
		{"over the bound", changes, 0, "the paths from src/f20000.go on were not judged"},
		{"omitted by the reader", changes[:MaxPaths], 7, fmt.Sprintf("more than the %d paths", MaxPaths)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Judge(tr, Input{Commit: commit("Agent-Session: claude-code/s1"), OmittedChanges: tc.omitted,
				Changes: func() ([]Change, error) { return tc.changes, nil }})
			if err != nil {
				t.Fatal(err)
			}
			if _, f := count(rep.Findings, RuleMalformed, tc.want); f == nil || f.Level != LevelError {
				t.Errorf("no AC009 error about the paths: %s", ruleLevels(rep.Findings))
			}
		})
	}
	rep := judged(t, tr, commit("Agent-Session: claude-code/s1"), changes[:MaxPaths])
	if _, f := count(rep.Findings, RuleMalformed, "paths"); f != nil {
		t.Errorf("%d paths: %s", MaxPaths, f.Message)
	}
}

func TestLimitNote(t *testing.T) {
	tr := trust(t)
	app := modified("src/app.go", "package app\n")
	line := manifest(t, "dev", thisCommit, []string{app.Path}, edit(app.Path, "package app\n"))
	sessionLine := func(i int) []byte {
		e := edit(app.Path, "package app\n")
		e.Session = fmt.Sprintf("s%d", i)
		return manifest(t, "dev", thisCommit, []string{app.Path}, e)
	}

	t.Run("repeated lines are judged once", func(t *testing.T) {
		lines := make([][]byte, MaxNoteLines)
		for i := range lines {
			lines[i] = line
		}
		rep := judged(t, tr, commit(), []Change{app}, lines...)
		if len(rep.Findings) != 0 || len(rep.Sessions) != 1 {
			t.Errorf("findings %s, %d sessions; want none and one", ruleLevels(rep.Findings), len(rep.Sessions))
		}
	})
	t.Run("too many lines", func(t *testing.T) {
		rep, err := Judge(tr, Input{Commit: commit(), Note: Note{Lines: [][]byte{line}, MoreLines: MaxNoteLines}})
		if err != nil {
			t.Fatal(err)
		}
		if _, f := count(rep.Findings, RuleMalformed, fmt.Sprintf("has %d lines, over the limit of %d", MaxNoteLines+1, MaxNoteLines)); f == nil {
			t.Errorf("no AC009 about the lines: %s", ruleLevels(rep.Findings))
		}
	})
	t.Run("too many sessions", func(t *testing.T) {
		var lines [][]byte
		for i := range MaxSessions + 2 {
			lines = append(lines, sessionLine(i))
		}
		rep := judged(t, tr, commit(), []Change{app}, lines...)
		if _, f := count(rep.Findings, RuleMalformed, fmt.Sprintf("more than %d session manifests", MaxSessions)); f == nil {
			t.Errorf("no AC009 about the sessions: %s", ruleLevels(rep.Findings))
		}
		if len(rep.Sessions) != MaxSessions {
			t.Errorf("%d sessions judged, want %d", len(rep.Sessions), MaxSessions)
		}
	})
}

func TestLimitSessionWork(t *testing.T) {
	tr := trust(t)
	app := modified("src/app.go", "package app\n")
	withCommands := func(id string, n, size int) []byte {
		events := []journal.Event{edit(app.Path, "package app\n")}
		for i := range n {
			events = append(events, ev(journal.KindExec, journal.Event{Command: fmt.Sprintf("echo %d %s", i, strings.Repeat("x", size)), Tool: "Bash"}))
		}
		for i := range events {
			events[i].Session = id
		}
		return manifest(t, "dev", thisCommit, []string{app.Path}, events...)
	}
	for _, tc := range []struct {
		name  string
		lines [][]byte
		over  bool
	}{
		{"within", [][]byte{withCommands("a", 100, 10), withCommands("b", 100, 10)}, false},
		{"too many events together", [][]byte{withCommands("a", MaxEvents/2, 0), withCommands("b", MaxEvents/2, 0)}, true},
		{"too many command bytes", [][]byte{withCommands("a", 3, MaxCommandBytes/2)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := judged(t, tr, commit(), []Change{app}, tc.lines...)
			_, f := count(rep.Findings, RuleMalformed, "was not judged")
			if (f != nil) != tc.over {
				t.Errorf("findings %s; want an AC009 about the sessions' size: %v", ruleLevels(rep.Findings), tc.over)
			}
		})
	}
}

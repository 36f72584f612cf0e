// Package shelltest holds the table of command lines on which the shell
// reader (package internal/shell), the runtime hook's matcher (package
// enforce) and the checker's signals are tested together: the reader's
// words for each, and whether it hides both a commit with the hooks
// switched off and an upload, which the runtime must refuse and AC010
// must report alike. One table keeps the three from drifting apart.
package shelltest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/agentcheck/agentcheck/internal/shell"
)

// Row is one command line of the table.
type Row struct {
	Name    string // the construct it exercises and what it shows
	Command string
	// Hides says the command runs a commit with the hooks switched off
	// and an upload of a secret: the runtime refuses it, AC010 reports it.
	// Its benign twin (false) runs neither, though it may mention both.
	Hides bool
	// Words is what the reader reads, as Render writes it.
	Words string
}

// File returns the table's path.
func File() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "testdata", "commands.txtar")
}

// Rows reads the table.
func Rows(t testing.TB) []Row {
	t.Helper()
	a, err := txtar.ParseFile(File())
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for _, f := range a.Files {
		r := Row{Name: f.Name}
		text := string(f.Data)
		for {
			line, rest, _ := strings.Cut(text, "\n")
			switch {
			case strings.HasPrefix(line, "cmd: "):
				c, err := strconv.Unquote(strings.TrimPrefix(line, "cmd: "))
				if err != nil {
					t.Fatalf("%s: %s: %v", File(), f.Name, err)
				}
				r.Command = c
			case strings.HasPrefix(line, "hides: "):
				r.Hides = strings.TrimPrefix(line, "hides: ") == "yes"
			case line == "words:":
				r.Words = rest
				rest = ""
			}
			if rest == "" {
				break
			}
			text = rest
		}
		if r.Command == "" {
			t.Fatalf("%s: %s has no cmd line", File(), f.Name)
		}
		rows = append(rows, r)
	}
	return rows
}

// Write rewrites the table with the rows' words.
func Write(t testing.TB, rows []Row) {
	t.Helper()
	a, err := txtar.ParseFile(File())
	if err != nil {
		t.Fatal(err)
	}
	a.Files = a.Files[:0]
	for _, r := range rows {
		hides := "no"
		if r.Hides {
			hides = "yes"
		}
		a.Files = append(a.Files, txtar.File{Name: r.Name,
			Data: fmt.Appendf(nil, "cmd: %s\nhides: %s\nwords:\n%s", strconv.Quote(r.Command), hides, r.Words)})
	}
	if err := os.WriteFile(File(), txtar.Format(a), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Render writes what the reader read, one command a line: nested commands
// indented by depth after how they were reached in parentheses, "| "
// before a command that reads a pipe, the wrappers in [ ], env{…} for
// what the command's environment changes and set{…} for what the shell
// assigns, the words (one that is not literal marked ?), the redirections,
// and #read, #file or #unread for the code the command runs.
func Render(s *shell.Script) string {
	var b strings.Builder
	for c := range s.Commands() {
		b.WriteString(strings.Repeat("  ", c.Depth))
		if c.Via != "" {
			b.WriteString("(" + c.Via + ") ")
		}
		if c.Piped {
			b.WriteString("| ")
		}
		var f []string
		if len(c.Wrappers) > 0 {
			f = append(f, "["+strings.Join(c.Wrappers, " ")+"]")
		}
		if env := renderEnv(c.Env); env != "" {
			f = append(f, "env{"+env+"}")
		}
		if len(c.Assigns) > 0 {
			var as []string
			for _, a := range c.Assigns {
				as = append(as, renderAssign(a))
			}
			f = append(f, "set{"+strings.Join(as, " ")+"}")
		}
		for _, w := range c.Words {
			f = append(f, renderWord(w))
		}
		for _, r := range c.Redirs {
			s := r.N + r.Op + renderWord(r.Word)
			if r.Heredoc != nil {
				s += ":" + renderWord(*r.Heredoc)
			}
			f = append(f, s)
		}
		if c.Code != nil {
			f = append(f, renderCode(c.Code))
		}
		b.WriteString(strings.Join(f, " ") + "\n")
	}
	if s.Err != nil {
		b.WriteString("error: " + s.Err.Error() + "\n")
	}
	if s.Deep {
		b.WriteString("too deep\n")
	}
	return b.String()
}

func renderEnv(e shell.Environ) string {
	var f []string
	if e.Cleared {
		f = append(f, "-i")
	}
	for _, u := range e.Unset {
		f = append(f, "-u "+u)
	}
	for _, a := range e.Set {
		f = append(f, renderAssign(a))
	}
	return strings.Join(f, " ")
}

func renderAssign(a shell.Assign) string {
	if a.Naked {
		return a.Name
	}
	return a.Name + "=" + renderWord(a.Value)
}

func renderWord(w shell.Word) string {
	s := w.Text
	if s == "" || strings.ContainsAny(s, " \t\n\"'\\{}|<>;&#") || strings.IndexFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) >= 0 {
		s = strconv.Quote(s)
	}
	if !w.Literal {
		s = "?" + s
	}
	return s
}

func renderCode(c *shell.Code) string {
	switch {
	case c.Read:
		return "#read"
	case c.File != nil:
		return "#file " + renderWord(*c.File)
	case c.Feeder != nil:
		return "#unread output of " + c.Feeder.Name()
	}
	return "#unread"
}

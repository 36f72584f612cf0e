package agents

import (
	"path"
	"strings"

	"github.com/agentcheck/agentcheck/internal/shell"
)

// Reads made through a shell command. Claude Code 2.1 offers the model no
// Glob, Grep or LS tool: it searches and reads with rg, grep, cat and sed
// through Bash, and Codex has only its shell. So the commands that name
// the files they print are journaled as reads too: cat, head, tail, nl,
// less, more and bat (each file argument), sed (the files after its
// script, unless it edits in place), grep and rg (the paths searched, the
// pattern as the query; rg with no path searches the working directory).
//
// shellReads reads the command with agentcheck's one shell reader
// (internal/shell), which the runtime gate and the signals use too: the
// commands of lists, pipelines and subshells, past wrappers (env, sudo,
// xargs…) and assignments, into substitutions and the code given to sh -c;
// a heredoc is data. It expands no variable, glob or substitution: a word
// that holds one is kept as written. It follows cd within the line, so "cd
// src && cat a.go" reads src/a.go.

// shellRead is one read a command makes: a file, or a search of Path for
// Query.
type shellRead struct {
	Path, Query string
}

// shellReads returns the reads a command line makes, in order.
func shellReads(line string) []shellRead {
	var out []shellRead
	dir := ""
	for c := range shell.Parse(line).Commands() {
		if len(c.Words) == 0 {
			continue
		}
		name, args := c.Name(), c.Args()
		if name == "cd" {
			if len(args) == 1 {
				dir = joinDir(dir, args[0])
			}
			continue
		}
		for _, r := range commandReads(name, args) {
			if r.Path == "" {
				continue // an empty word names no file
			}
			r.Path = joinDir(dir, r.Path)
			out = append(out, r)
		}
	}
	return out
}

// joinDir joins p to the directory the line has cd'd into ("" for none).
func joinDir(dir, p string) string {
	if dir == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") {
		return p
	}
	return path.Join(dir, p)
}

// commandReads returns the reads of one simple command.
func commandReads(name string, args []string) []shellRead {
	var out []shellRead
	switch name {
	case "cat", "head", "tail", "nl", "less", "more", "bat", "tac":
		withArg := ""
		if name == "head" || name == "tail" {
			withArg = "nc"
		}
		for _, a := range operands(args, withArg) {
			if a != "-" {
				out = append(out, shellRead{Path: a})
			}
		}
	case "sed":
		if hasFlag(args, "i") || hasLong(args, "--in-place") {
			return nil // an edit, not a read
		}
		ops := operands(args, "ef")
		if !hasFlag(args, "e") && !hasFlag(args, "f") && len(ops) > 0 {
			ops = ops[1:] // the script
		}
		for _, a := range ops {
			out = append(out, shellRead{Path: a})
		}
	case "grep", "egrep", "fgrep", "rg":
		withArg := "efABCmdD"
		if name == "rg" {
			withArg = "efABCmgtTMj"
		}
		ops := operands(args, withArg)
		pattern := optionValue(args, "e")
		if pattern == "" && !hasFlag(args, "f") && len(ops) > 0 {
			pattern, ops = ops[0], ops[1:]
		}
		if len(ops) == 0 && name == "rg" {
			ops = []string{"."}
		}
		for _, a := range ops {
			out = append(out, shellRead{Path: a, Query: pattern})
		}
	}
	return out
}

// operands returns the arguments that are not options: after "--", or
// not starting with "-", skipping the values of the short options in
// withArg ("-n 5") and of long options given as "--opt value" when they
// are known to take one.
func operands(args []string, withArg string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(out, args[i+1:]...)
		case strings.HasPrefix(a, "--"):
			if !strings.Contains(a, "=") && longWithArg[a] {
				i++
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// -n5 holds its value; -n 5 takes the next word.
			last := a[len(a)-1:]
			if len(a) == 2 && strings.Contains(withArg, last) {
				i++
			}
		default:
			out = append(out, a)
		}
	}
	return out
}

// longWithArg are long options of these commands that take a value as the
// next word.
var longWithArg = map[string]bool{
	"--regexp": true, "--file": true, "--glob": true, "--type": true, "--type-not": true,
	"--max-count": true, "--context": true, "--after-context": true, "--before-context": true,
	"--lines": true, "--bytes": true, "--expression": true, "--max-depth": true,
}

// hasFlag reports whether a short flag appears, alone or grouped (-ni).
func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a[1:], flag) {
			return true
		}
	}
	return false
}

func hasLong(args []string, prefix string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, prefix) {
			return true
		}
	}
	return false
}

// optionValue returns the value of the first -F VALUE or -FVALUE.
func optionValue(args []string, flag string) string {
	for i, a := range args {
		switch {
		case a == "-"+flag && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(a, "-"+flag) && len(a) > 2 && !strings.HasPrefix(a, "--"):
			return a[2:]
		}
	}
	return ""
}

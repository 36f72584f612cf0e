package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHelpGolden compares each command's --help, and the top-level help,
// with testdata/help/NAME.txt (go test -run TestHelpGolden -update rewrites
// them). The list comes from the command table, so a command without a
// golden fails, and so does a golden without a command. Every command's help
// has a one-line description, a usage line and at least one example.
func TestHelpGolden(t *testing.T) {
	helps := map[string][]string{"agentcheck": {"help"}}
	for name, cmd := range commands() {
		helps[name] = []string{name, "--help"}
		for _, sub := range cmd.subcommands {
			if name == "scope" { // scope's subcommands have flag sets of their own
				helps[name+"-"+sub] = []string{name, sub, "--help"}
			}
		}
	}
	dir := filepath.Join("testdata", "help")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for file, args := range helps {
		var stdout, stderr bytes.Buffer
		inv := &Invocation{Args: args, Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader("")}
		if code := exitCodeOf(Run(context.Background(), inv)); code != exitOK || stderr.Len() > 0 {
			t.Errorf("agentcheck %s: exit %d, stderr %q; want 0 and nothing", strings.Join(args, " "), code, stderr.String())
		}
		got := stdout.String()
		path := filepath.Join(dir, file+".txt")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("agentcheck %s: no golden (run go test ./cmd/agentcheck -run TestHelpGolden -update): %v", strings.Join(args, " "), err)
			continue
		}
		if got != string(want) {
			t.Errorf("agentcheck %s: help differs from %s (go test -run TestHelpGolden -update rewrites it)\ngot:\n%s\nwant:\n%s", strings.Join(args, " "), path, got, want)
		}
		if file == "agentcheck" {
			continue
		}
		lines := strings.Split(got, "\n")
		if !strings.HasPrefix(lines[0], "agentcheck ") || !strings.Contains(lines[0], ": ") {
			t.Errorf("agentcheck %s: first line %q is not %q", strings.Join(args, " "), lines[0], "agentcheck NAME: description")
		}
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "usage: agentcheck ") }) {
			t.Errorf("agentcheck %s: no usage line", strings.Join(args, " "))
		}
		if i := slices.Index(lines, "examples:"); i < 0 || !strings.HasPrefix(lines[i+1], "  # ") || !strings.Contains(lines[i+2], "agentcheck ") {
			t.Errorf("agentcheck %s: no example", strings.Join(args, " "))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := helps[strings.TrimSuffix(e.Name(), ".txt")]; !ok {
			t.Errorf("%s: no command has this help; remove it", filepath.Join(dir, e.Name()))
		}
	}
}

// TestHelpExamples checks that every example in the command table names
// its command and only flags the command has: each is run with -h
// appended, which its flag parsing reaches only when every flag before it
// is known. Redirections and what follows them are dropped. git-hook's
// arguments are git's, and are not parsed as flags.
func TestHelpExamples(t *testing.T) {
	for name, cmd := range commands() {
		for _, e := range cmd.examples {
			words := shellWords(e.line)
			if i := slices.Index(words, "agentcheck"); i < 0 {
				t.Errorf("%s: example %q does not run agentcheck", name, e.line)
				continue
			} else {
				words = words[i+1:]
			}
			if i := slices.IndexFunc(words, func(w string) bool { return w == "<" || w == ">" || w == "|" || w == ")" }); i >= 0 {
				words = words[:i]
			}
			if len(words) == 0 || words[0] != name && !(name == "version" && words[0] == "--version") {
				t.Errorf("%s: example %q runs another command", name, e.line)
				continue
			}
			if name == "git-hook" {
				continue
			}
			var stdout, stderr bytes.Buffer
			inv := &Invocation{Args: append(words, "-h"), Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader("")}
			if err := Run(context.Background(), inv); exitCodeOf(err) != exitOK {
				t.Errorf("%s: example %q: %v", name, e.line, err)
			}
		}
	}
}

// shellWords splits a command line into words as a shell would for the
// examples: single and double quotes group, redirections and a closing
// parenthesis are words of their own.
func shellWords(line string) []string {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	flush := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ':
			flush()
		case r == '<' || r == '>' || r == '|' || r == ')' || r == '(':
			flush()
			words = append(words, string(r))
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words
}

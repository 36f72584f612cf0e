package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMECommands checks that every agentcheck command README.md shows
// in a shell block is run, as written, by testdata/readme.txtar: a command a
// new user copies from the README must work, and a README edit that adds
// one without a run fails here.
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("testdata", "readme.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	run := map[string]bool{}
	for line := range strings.Lines(string(script)) {
		line = strings.TrimSpace(line)
		line = strings.TrimPrefix(line, "! ")
		if cmd, ok := strings.CutPrefix(line, "exec "); ok {
			run[cmd] = true
		}
	}
	commands := readmeCommands(string(readme))
	if len(commands) == 0 {
		t.Fatal("README.md shows no agentcheck command in a sh block")
	}
	for _, c := range commands {
		if !run[c] {
			t.Errorf("README.md shows %q, which testdata/readme.txtar does not run", c)
		}
	}
}

// readmeCommands returns the agentcheck command lines of md's ```sh
// blocks, without their trailing comments.
func readmeCommands(md string) []string {
	var out []string
	inSh := false
	for line := range strings.Lines(md) {
		line = strings.TrimSpace(line)
		switch {
		case line == "```sh":
			inSh = true
			continue
		case strings.HasPrefix(line, "```"):
			inSh = false
			continue
		}
		if !inSh {
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if strings.HasPrefix(line, "agentcheck ") {
			out = append(out, line)
		}
	}
	return out
}

package trusted

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path"
	"strings"

	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/internal/shell"
)

// hookSetupFiles are the files at a repository's root whose commands
// commonly point git's core.hooksPath at a committed directory: npm's
// scripts (a prepare script runs on every npm install) and make's recipes
// (a setup target).
var hookSetupFiles = []string{"package.json", "Makefile", "GNUmakefile", "makefile"}

// HookDirs returns the directories the commit's own setup files point git's
// core.hooksPath at, so that the hooks in them can be protected like those
// in the conventional directories: "git config core.hooksPath DIR" (or
// core.hooksPath=DIR) in a script of package.json or a recipe of a root
// Makefile, and "husky install DIR" or "husky DIR" in package.json. Only
// literal relative paths inside the repository count.
//
// What it cannot know: a hooks path set by hand, by a global or system
// configuration, by a script in another file, or computed by the shell
// ($(…), variables); hooks husky 4 keeps inside package.json itself. Those
// belong in the policy (class dev-exec). A setup file that cannot be read or
// parsed adds nothing: this finds more to protect, and the trusted side's
// policy stands without it.
func HookDirs(r git.ObjectReader, commit git.Hash) []string {
	var dirs []string
	for _, name := range hookSetupFiles {
		data, found, err := File(r, commit, name)
		if err != nil || !found {
			continue
		}
		var scripts []string
		if name == "package.json" {
			scripts = packageScripts(data)
		} else {
			scripts = makeRecipes(data)
		}
		for _, s := range scripts {
			dirs = append(dirs, hookDirsIn(s)...)
		}
	}
	return dirs
}

// packageScripts returns the commands of package.json's scripts.
func packageScripts(data []byte) []string {
	var pkg struct {
		Scripts map[string]string `json:"scripts"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return nil
	}
	out := make([]string, 0, len(pkg.Scripts))
	for _, s := range pkg.Scripts {
		out = append(out, s)
	}
	return out
}

// makeRecipes returns the lines of a Makefile that mention core.hooksPath,
// as the shell commands they are (without make's leading tab, @ and -).
func makeRecipes(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(strings.ToLower(line), "core.hookspath") {
			continue
		}
		out = append(out, strings.TrimLeft(line, "\t @-+"))
	}
	return out
}

// hookDirsIn returns the hook directories a shell command sets.
func hookDirsIn(command string) []string {
	var dirs []string
	for c := range shell.Parse(command).Commands() {
		words := c.Words
		switch c.Name() {
		case "git":
			for i, w := range words {
				key, value, hasValue := strings.Cut(w.Text, "=")
				if !strings.EqualFold(key, "core.hooksPath") {
					continue
				}
				if hasValue && w.Literal {
					dirs = appendDir(dirs, value)
				} else if i+1 < len(words) && words[i+1].Literal {
					dirs = appendDir(dirs, words[i+1].Text)
				}
			}
		case "husky":
			args := words[1:]
			if len(args) > 0 && args[0].Text == "install" {
				args = args[1:]
			}
			if len(args) > 0 && args[0].Literal && !strings.HasPrefix(args[0].Text, "-") {
				dirs = appendDir(dirs, args[0].Text)
			}
		}
	}
	return dirs
}

// appendDir appends dir, cleaned, when it is a relative path inside the
// repository other than its root.
func appendDir(dirs []string, dir string) []string {
	if dir == "" || strings.HasPrefix(dir, "/") || strings.HasPrefix(dir, "~") {
		return dirs
	}
	d := path.Clean(dir)
	if d == "." || d == ".." || strings.HasPrefix(d, "../") {
		return dirs
	}
	return append(dirs, d)
}

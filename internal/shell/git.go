package shell

import "strings"

// Git is a git command line read past git's global options: the one
// reading of "git [OPTIONS] SUBCOMMAND ARGS…" for the runtime gate and the
// signals.
type Git struct {
	// Options are the global options before the subcommand, in order.
	Options []GitOption
	// Sub is the subcommand, nil when the words end before one. A word
	// that is not literal ends the options: what it is only running the
	// shell would tell, so it is read as the subcommand (and is not
	// Literal).
	Sub *Word
	// Args are the words after the subcommand.
	Args []Word
}

// GitOption is one of git's global options.
type GitOption struct {
	// Name is the option as git names it: "-c", "--git-dir", "-p"…
	Name string
	// Value is its value: the next word, the text after "=", or what
	// follows -c in the same word (git itself rejects -ckey=value; it is
	// read as -c anyway). It is nil for an option that takes none.
	Value *Word
}

// gitValueOptions are git's global options that take the next word as
// their value.
var gitValueOptions = []string{"-c", "--config-env", "--git-dir", "-C", "--work-tree", "--namespace", "--super-prefix", "--attr-source", "--list-cmds"}

// gitEqualsOptions are the global options read in their --name=value
// form even when the value is not literal.
var gitEqualsOptions = []string{"--config-env=", "--git-dir=", "--exec-path=", "--work-tree="}

// ReadGit reads the words of a git command after the program's name.
func ReadGit(args []Word) Git {
	var g Git
	add := func(name string, value *Word) { g.Options = append(g.Options, GitOption{Name: name, Value: value}) }
	for i := 0; i < len(args); i++ {
		a := args[i]
		t := a.Text
		switch {
		case contains(gitValueOptions, t):
			var value *Word
			if i+1 < len(args) {
				i++
				value = &args[i]
			}
			add(t, value)
		case strings.HasPrefix(t, "-c"):
			_, w, _ := a.Cut("-c")
			add("-c", &w)
		case hasAnyPrefix(t, gitEqualsOptions):
			name, w, _ := a.Cut("=")
			add(name, &w)
		case strings.HasPrefix(t, "-") && a.Literal:
			add(t, nil)
		default:
			g.Sub = &args[i]
			g.Args = args[i+1:]
			return g
		}
	}
	return g
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

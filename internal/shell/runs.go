package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// wrapper describes a command that runs the command after it.
type wrapper struct {
	// values lists the options that take the next word as their value
	// (an attached value, -uNAME or --user=NAME, needs no entry).
	values []string
	// operands is how many words after the options are the wrapper's
	// own (timeout's DURATION).
	operands int
	// assigns says NAME=value words after the options set the command's
	// environment (env, sudo).
	assigns bool
	// describes lists options that make the wrapper describe the
	// command instead of running it (command -v).
	describes []string
}

// wrapperOf describes the commands that run the command after them.
func wrapperOf(name string) (wrapper, bool) {
	switch name {
	case "env":
		return wrapper{values: []string{"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}, assigns: true}, true
	case "sudo":
		return wrapper{values: []string{"-u", "--user", "-g", "--group", "-h", "--host", "-p", "--prompt", "-C", "--close-from", "-D", "--chdir", "-r", "--role", "-t", "--type", "-U", "--other-user", "-T", "--command-timeout", "-R", "--chroot"},
			assigns: true, describes: []string{"-e", "--edit", "-l", "--list", "-v", "--validate", "-k", "-K"}}, true
	case "doas":
		return wrapper{values: []string{"-u", "-C"}}, true
	case "command":
		return wrapper{describes: []string{"-v", "-V"}}, true
	case "exec":
		return wrapper{values: []string{"-a"}}, true
	case "nice":
		return wrapper{values: []string{"-n", "--adjustment"}}, true
	case "timeout":
		return wrapper{values: []string{"-s", "--signal", "-k", "--kill-after"}, operands: 1}, true
	case "time":
		return wrapper{values: []string{"-f", "--format", "-o", "--output"}}, true
	case "stdbuf":
		return wrapper{values: []string{"-i", "--input", "-o", "--output", "-e", "--error"}}, true
	case "xargs":
		return wrapper{values: []string{"-a", "--arg-file", "-d", "--delimiter", "-E", "--eof", "-I", "--replace", "-L", "--max-lines", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars", "--process-slot-var"}}, true
	case "ionice":
		return wrapper{values: []string{"-c", "--class", "-n", "--classdata"}, describes: []string{"-p", "--pid", "-P", "--pgid", "-u", "--uid"}}, true
	case "caffeinate":
		return wrapper{values: []string{"-t", "-w"}}, true
	case "proxychains", "proxychains4":
		return wrapper{values: []string{"-f"}}, true
	case "builtin", "nohup", "setsid", "unbuffer", "torsocks", "busybox":
		return wrapper{}, true
	}
	return wrapper{}, false
}

// unwrap removes the wrappers in front of c's command, keeping what they
// change of its environment. A wrapper with no command after it (env
// alone prints the environment) stays the command.
func (r *reader) unwrap(c *Command) {
	for len(c.Words) > 1 {
		name := c.Name()
		w, ok := wrapperOf(name)
		if !ok {
			return
		}
		env := c.Env.clone()
		var split *Word // env -S
		i := 1
	options:
		for ; i < len(c.Words); i++ {
			a := c.Words[i].Text
			switch {
			case a == "--":
				i++
				break options
			case name == "env" && a == "-":
				env.Cleared = true
			case !strings.HasPrefix(a, "-") || a == "-":
				break options
			}
			opt, val, hasVal := cutOption(a, w.values)
			if contains(w.describes, opt) {
				return
			}
			if !hasVal && contains(w.values, opt) && i+1 < len(c.Words) {
				i++
				val, hasVal = c.Words[i].Text, true
			}
			if name == "env" {
				switch {
				case opt == "-i" || opt == "--ignore-environment":
					env.Cleared = true
				case (opt == "-u" || opt == "--unset") && hasVal:
					env.Unset = append(env.Unset, val)
				case (opt == "-S" || opt == "--split-string") && hasVal:
					word := c.Words[i]
					if word.Text != val { // attached: -SCMD, --split-string=CMD
						_, word, _ = word.Cut(strings.TrimSuffix(word.Text, val))
					}
					split = &word
				}
			}
		}
		if w.assigns {
			for i < len(c.Words) && isAssignment(c.Words[i].Text) {
				n, v, _ := c.Words[i].Cut("=")
				env.Set = append(env.Set, Assign{Name: n, Value: v})
				i++
			}
		}
		i += w.operands
		if split != nil {
			// env -S 'CMD ARGS' ARGS…: the string is split into words
			// as a shell would; the command is what it says.
			c.Env = env
			c.Wrappers = append(c.Wrappers, name)
			rest := c.Words[min(i, len(c.Words)):]
			c.Words = nil
			r.readCode(c, &Code{Word: split}, joinCode(*split, rest), "env -S")
			return
		}
		if i >= len(c.Words) {
			return
		}
		c.Env = env
		c.Wrappers = append(c.Wrappers, name)
		c.Words = c.Words[i:]
	}
}

// cutOption splits --name=value and a short option with its value
// attached (-uNAME) when -u takes one.
func cutOption(a string, values []string) (opt, val string, ok bool) {
	if strings.HasPrefix(a, "--") {
		return strings.Cut(a, "=")
	}
	if len(a) > 2 && contains(values, a[:2]) {
		return a[:2], a[2:], true
	}
	return a, "", false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isAssignment reports whether a word is NAME=value.
func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for j, c := range w[:i] {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || j > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// IsShell reports whether a program name is a shell whose -c runs code.
func IsShell(name string) bool {
	switch name {
	case "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "rbash", "fish", "yash", "posh":
		return true
	}
	return false
}

// runs reads the code c runs, if it runs any: a shell's -c string, script
// on its standard input or file, eval's arguments, and the like.
func (r *reader) runs(c *Command, before Pipeline) {
	if len(c.Words) == 0 {
		return
	}
	name := c.Name()
	args := c.Words[1:]
	switch {
	case IsShell(name):
		r.shellCode(c, name, args, before)
	case name == "eval":
		if len(args) > 0 {
			w := joinWords(args)
			r.readCode(c, &Code{Word: &w}, w.Text, "eval")
		}
	case name == "source" || name == ".":
		if len(args) > 0 {
			r.sourceCode(c, &args[0], before)
		}
	case name == "su" || name == "script":
		// su -c CODE, and script -c CODE (util-linux; -qc in a cluster),
		// which runs CODE with a shell under a new terminal.
		for i, a := range args {
			cluster := name == "script" && strings.HasPrefix(a.Text, "-") && !strings.HasPrefix(a.Text, "--") && strings.HasSuffix(a.Text, "c")
			if (a.Text == "-c" || a.Text == "--command" || cluster) && i+1 < len(args) {
				r.readCode(c, &Code{Word: &args[i+1]}, args[i+1].Text, name+" -c")
				return
			}
		}
	case name == "watch":
		// watch runs its arguments joined, with sh -c, every few seconds.
		for i := 0; i < len(args); i++ {
			a := args[i].Text
			switch {
			case a == "-n" || a == "--interval" || a == "-q" || a == "--equexit":
				i++
			case strings.HasPrefix(a, "-"):
			default:
				w := joinWords(args[i:])
				r.readCode(c, &Code{Word: &w}, w.Text, "watch")
				return
			}
		}
	case name == "alias":
		for _, a := range args {
			if _, v, ok := a.Cut("="); ok && !strings.HasPrefix(a.Text, "-") {
				r.readCode(c, &Code{Word: &v}, v.Text, "alias")
			}
		}
	case name == "trap":
		for i, a := range args {
			if a.Text == "--" || strings.HasPrefix(a.Text, "-") && a.Text != "-" {
				if a.Text == "-p" || a.Text == "-l" {
					return
				}
				continue
			}
			if a.Text != "-" && a.Text != "" && i+1 < len(args) {
				r.readCode(c, &Code{Word: &args[i]}, a.Text, "trap")
			}
			return
		}
	case name == "find":
		r.findExec(c, args)
	}
}

// shellCode reads what a shell runs: the string of -c, else a script
// file, else its standard input.
func (r *reader) shellCode(c *Command, name string, args []Word, before Pipeline) {
	cflag, sflag := false, false
	i := 0
options:
	for ; i < len(args); i++ {
		a := args[i].Text
		switch {
		case a == "--" || a == "-":
			i++
			break options
		case a == "-o" || a == "+o" || a == "-O" || a == "+O" || a == "--rcfile" || a == "--init-file":
			i++
		case strings.HasPrefix(a, "--"):
			if a == "--command" && name == "fish" {
				cflag = true
			}
		case len(a) > 1 && (a[0] == '-' || a[0] == '+'):
			cflag = cflag || a[0] == '-' && strings.IndexByte(a, 'c') > 0
			sflag = sflag || a[0] == '-' && strings.IndexByte(a, 's') > 0
		default:
			break options
		}
	}
	rest := args[min(i, len(args)):]
	switch {
	case cflag:
		if len(rest) > 0 {
			r.readCode(c, &Code{Word: &rest[0]}, rest[0].Text, name+" -c")
		}
	case len(rest) > 0 && !sflag:
		r.fileCode(c, &rest[0], name)
	default:
		r.stdinCode(c, name, before)
	}
}

// stdinCode reads the script a shell reads on its standard input: a
// heredoc or here-string, a file, or the output of the command piped
// into it.
func (r *reader) stdinCode(c *Command, name string, before Pipeline) {
	for i := len(c.Redirs) - 1; i >= 0; i-- {
		rd := c.Redirs[i]
		if rd.N != "" && rd.N != "0" {
			continue
		}
		switch {
		case rd.Heredoc != nil:
			r.readCode(c, &Code{Heredoc: rd.Heredoc}, rd.Heredoc.Text, name+" <<heredoc")
			return
		case rd.Op == "<<<":
			w := rd.Word
			r.readCode(c, &Code{Heredoc: &w}, w.Text, name+" <<<")
			return
		case rd.Op == "<":
			w := rd.Word
			r.fileCode(c, &w, name)
			return
		}
	}
	if c.Piped {
		r.fedBy(c, before, name)
	}
}

// sourceCode reads what source FILE (or . FILE) runs.
func (r *reader) sourceCode(c *Command, file *Word, before Pipeline) {
	if (file.Text == "/dev/stdin" || file.Text == "-") && c.Piped {
		r.fedBy(c, before, "source")
		return
	}
	r.fileCode(c, file, "source")
}

// fileCode records the script file a shell reads; a process substitution
// (sh <(…), source <(…)) is the output of the command in it.
func (r *reader) fileCode(c *Command, file *Word, name string) {
	if len(file.Parts) == 1 && file.Parts[0].Kind == ProcSubst {
		if p := file.Parts[0].Script.lastPipeline(); len(p) > 0 {
			r.fedBy(c, p, name)
			return
		}
	}
	c.Code = &Code{File: file}
}

// fedBy records that c reads its code from feeder's output, and reads it
// when feeder prints text given on the command line: echo, printf, or cat
// of a heredoc.
func (r *reader) fedBy(c *Command, pipe Pipeline, name string) {
	if len(pipe) == 0 {
		return
	}
	i := len(pipe) - 1
	for i > 0 && pipe[i].Piped && passesInput(pipe[i]) {
		i--
	}
	feeder := pipe[i]
	code := &Code{Feeder: feeder}
	if text, ok := Printed(feeder); ok {
		r.readCode(c, code, text, name+" <pipe")
		return
	}
	c.Code = code
}

// passesInput reports whether a command prints the input it reads, or a
// part of it: cat, tee, head or tail with no file to read.
func passesInput(c *Command) bool {
	switch c.Name() {
	case "cat", "tee", "head", "tail", "pv", "buffer":
	default:
		return false
	}
	if c.Name() == "tee" {
		return true // its operands are files it writes
	}
	for _, a := range c.Args() {
		if !strings.HasPrefix(a, "-") {
			return false
		}
	}
	return len(c.Inputs()) == 0 && !hasHeredoc(c)
}

func hasHeredoc(c *Command) bool {
	for _, rd := range c.Redirs {
		if rd.Heredoc != nil || rd.Op == "<<<" {
			return true
		}
	}
	return false
}

// Printed returns what a command prints, as written, when it prints text
// given on its command line: the words of echo or printf, the heredoc of
// cat. Where those are not literal, the text holds their expansions as
// written, as code read from a word does.
func Printed(c *Command) (string, bool) {
	args := c.Args()
	switch c.Name() {
	case "echo":
		escapes := false
		for len(args) > 0 && (args[0] == "-n" || args[0] == "-e" || args[0] == "-E" || args[0] == "-ne" || args[0] == "-en") {
			escapes = escapes || strings.Contains(args[0], "e")
			args = args[1:]
		}
		s := strings.Join(args, " ")
		if escapes {
			s = decodeANSIC(s)
		}
		return s, true
	case "printf":
		if len(args) == 0 {
			return "", false
		}
		return printf(args[0], args[1:]), true
	case "cat":
		if len(args) > 0 {
			return "", false
		}
		for _, rd := range c.Redirs {
			if rd.Heredoc != nil {
				return rd.Heredoc.Text, true
			}
			if rd.Op == "<<<" {
				return rd.Word.Text, true
			}
		}
	}
	return "", false
}

// printf formats as the printf command does, enough to read what it
// prints: escapes are decoded and each conversion takes the next
// argument.
func printf(format string, args []string) string {
	var b strings.Builder
	f := decodeANSIC(format)
	for {
		for i := 0; i < len(f); i++ {
			if f[i] != '%' || i+1 >= len(f) {
				b.WriteByte(f[i])
				continue
			}
			i++
			for i < len(f) && strings.IndexByte("-+ #0123456789.", f[i]) >= 0 {
				i++
			}
			if i >= len(f) {
				break
			}
			switch f[i] {
			case '%':
				b.WriteByte('%')
			case 'b':
				if len(args) > 0 {
					b.WriteString(decodeANSIC(args[0]))
					args = args[1:]
				}
			default:
				if len(args) > 0 {
					b.WriteString(args[0])
					args = args[1:]
				}
			}
		}
		// printf reuses its format until the arguments are used up.
		if len(args) == 0 || !strings.Contains(f, "%") {
			return b.String()
		}
	}
}

// findExec reads the commands find runs for each file: -exec, -execdir,
// -ok and -okdir, up to ; or +.
func (r *reader) findExec(c *Command, args []Word) {
	for i := 0; i < len(args); i++ {
		switch args[i].Text {
		case "-exec", "-execdir", "-ok", "-okdir":
		default:
			continue
		}
		j := i + 1
		for j < len(args) && args[j].Text != ";" && args[j].Text != "+" {
			j++
		}
		if j > i+1 {
			if r.depth >= MaxDepth {
				r.s.Deep = true
				return
			}
			inner := &Command{Words: append([]Word(nil), args[i+1:j]...), Depth: r.depth + 1, Via: "find " + args[i].Text, Env: c.Env.clone()}
			sub := &Script{}
			child := &reader{s: sub, src: r.src, depth: r.depth + 1, via: inner.Via, env: inner.Env}
			sub.Pipelines = append(sub.Pipelines, Pipeline{inner})
			child.unwrap(inner)
			child.runs(inner, nil)
			r.merge(sub)
		}
		i = j
	}
}

// joinWords joins words into one, as eval joins its arguments.
func joinWords(ws []Word) Word {
	out := Word{Literal: true}
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
			out.Parts = append(out.Parts, Part{Kind: Lit, Text: " "})
		}
		b.WriteString(w.Text)
		out.Parts = append(out.Parts, w.Parts...)
		out.Literal = out.Literal && w.Literal
	}
	out.Text = b.String()
	return out
}

// joinCode returns a command line of code followed by words, each quoted
// so that it stays one word.
func joinCode(code Word, words []Word) string {
	s := code.Text
	for _, w := range words {
		q, err := syntax.Quote(w.Text, syntax.LangBash)
		if err != nil {
			q = "''"
		}
		s += " " + q
	}
	return s
}

package signals

import (
	"path"
	"strings"
)

// A small reader of recorded shell commands, enough for the signals of
// signals.go: it splits a command line into pipelines of simple commands,
// with their words (quotes removed), redirections and the bodies of command
// substitutions, "sh -c" strings and heredocs skipped. It never executes or
// expands anything and never fails: a recorded command is hostile text, and
// whatever it cannot make sense of it reads as plain words.

// shellCmd is one simple command of a pipeline.
type shellCmd struct {
	words    []string // quotes removed; the command name is words[0] after wrappers
	raw      []string // the words as written, quotes and all
	redirIn  []string // targets of <
	redirOut []string // targets of > and >> (and &>)
	piped    bool     // its standard input is the previous command's output
}

// name returns the command's name: the basename of its first word, lower
// case, without ".exe".
func (c shellCmd) name() string {
	if len(c.words) == 0 {
		return ""
	}
	n := strings.ToLower(path.Base(strings.ReplaceAll(c.words[0], `\`, "/")))
	return strings.TrimSuffix(n, ".exe")
}

// args returns the words after the command name.
func (c shellCmd) args() []string {
	if len(c.words) < 2 {
		return nil
	}
	return c.words[1:]
}

// maxShellDepth bounds the recursion into substitutions and "sh -c" strings.
const maxShellDepth = 4

// parseShell splits a command line into pipelines. Command substitutions
// ($(…) and backticks) and the strings of "sh -c", "bash -c" and "eval" are
// parsed too, each as pipelines of their own.
func parseShell(line string) [][]shellCmd {
	var out [][]shellCmd
	parseShellInto(line, 0, &out)
	return out
}

func parseShellInto(line string, depth int, out *[][]shellCmd) {
	if depth > maxShellDepth {
		return
	}
	l := &shellLexer{src: line}
	pipelines, subs := l.run()
	for _, p := range pipelines {
		for i := range p {
			unwrap(&p[i])
		}
		*out = append(*out, p)
		for _, c := range p {
			if inner, ok := shellString(c); ok {
				parseShellInto(inner, depth+1, out)
			}
		}
	}
	for _, s := range subs {
		parseShellInto(s, depth+1, out)
	}
}

// shellString returns the script of sh -c SCRIPT, bash -c, zsh -c and eval.
func shellString(c shellCmd) (string, bool) {
	switch c.name() {
	case "sh", "bash", "zsh", "dash", "ksh", "fish":
		args := c.args()
		for i, a := range args {
			if a == "-c" && i+1 < len(args) {
				return args[i+1], true
			}
			if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.HasSuffix(a, "c") && i+1 < len(args) {
				return args[i+1], true // -lc, -ec
			}
		}
	case "eval":
		return strings.Join(c.args(), " "), true
	}
	return "", false
}

// isWrapper reports whether a command runs the command after it; its own
// options are skipped to find the real command.
func isWrapper(name string) bool {
	switch name {
	case "sudo", "doas", "command", "exec", "nohup", "time", "nice", "ionice", "timeout", "stdbuf", "unbuffer", "xargs", "env", "builtin", "caffeinate", "torsocks", "proxychains", "proxychains4":
		return true
	}
	return false
}

// unwrap drops leading variable assignments and wrapper commands (with their
// options) from c, so that c.name() is the command that runs. "env" alone is
// kept: it prints the environment.
func unwrap(c *shellCmd) {
	for len(c.words) > 0 {
		w := c.words[0]
		if isAssignment(w) {
			c.words, c.raw = c.words[1:], c.raw[1:]
			continue
		}
		n := c.name()
		if !isWrapper(n) {
			return
		}
		rest := 1
		for rest < len(c.words) {
			a := c.words[rest]
			if isAssignment(a) || strings.HasPrefix(a, "-") {
				rest++
				continue
			}
			if n == "timeout" && rest == 1 || (n == "nice" || n == "ionice") && rest > 1 && strings.HasPrefix(c.words[rest-1], "-n") {
				rest++ // timeout DURATION, nice -n N
				continue
			}
			break
		}
		if rest >= len(c.words) {
			return // the wrapper alone: env prints the environment
		}
		c.words, c.raw = c.words[rest:], c.raw[rest:]
	}
}

// isAssignment reports whether a word is NAME=value.
func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	for j, r := range w[:i] {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || j > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// shellLexer tokenises one command line.
type shellLexer struct {
	src  string
	pos  int
	subs []string // bodies of command substitutions

	pipelines [][]shellCmd
	pipe      []shellCmd
	cmd       shellCmd
	word      strings.Builder
	raw       strings.Builder
	inWord    bool
	redir     byte // '<' or '>' when the next word is a redirection target
	heredocs  []string
}

func (l *shellLexer) run() ([][]shellCmd, []string) {
	for l.pos < len(l.src) {
		ch := l.src[l.pos]
		switch {
		case ch == '\\' && l.pos+1 < len(l.src):
			if l.src[l.pos+1] == '\n' {
				l.pos += 2 // line continuation
				continue
			}
			l.add(l.src[l.pos+1 : l.pos+2])
			l.addRaw(l.src[l.pos : l.pos+2])
			l.pos += 2
		case ch == '\'':
			end := strings.IndexByte(l.src[l.pos+1:], '\'')
			if end < 0 {
				end = len(l.src) - l.pos - 1
			}
			l.add(l.src[l.pos+1 : l.pos+1+end])
			l.addRaw(l.src[l.pos:min(len(l.src), l.pos+end+2)])
			l.pos += end + 2
		case ch == '"':
			l.doubleQuoted()
		case ch == '`':
			end := strings.IndexByte(l.src[l.pos+1:], '`')
			if end < 0 {
				end = len(l.src) - l.pos - 1
			}
			body := l.src[l.pos+1 : l.pos+1+end]
			l.subs = append(l.subs, body)
			l.add("`" + body + "`")
			l.addRaw("`" + body + "`")
			l.pos += end + 2
		case ch == '$' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '(':
			body := l.substitution()
			l.add("$(" + body + ")")
			l.addRaw("$(" + body + ")")
		case ch == '#' && !l.inWord:
			// A comment runs to the end of the line.
			if nl := strings.IndexByte(l.src[l.pos:], '\n'); nl >= 0 {
				l.pos += nl
			} else {
				l.pos = len(l.src)
			}
		case ch == ' ' || ch == '\t' || ch == '\r':
			l.endWord()
			l.pos++
		case ch == '\n':
			l.endWord()
			l.endCmd(false)
			l.endPipeline()
			l.pos++
			l.skipHeredocs()
		case ch == '|':
			l.endWord()
			if strings.HasPrefix(l.src[l.pos:], "||") {
				l.endCmd(false)
				l.endPipeline()
				l.pos += 2
			} else {
				l.endCmd(true)
				l.pos++
				if l.pos < len(l.src) && l.src[l.pos] == '&' {
					l.pos++ // |&
				}
			}
		case ch == ';' || ch == '&':
			l.endWord()
			if ch == '&' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '>' {
				l.redir = '>' // &> and &>>
				l.pos += 2
				if l.pos < len(l.src) && l.src[l.pos] == '>' {
					l.pos++
				}
				continue
			}
			l.endCmd(false)
			l.endPipeline()
			l.pos++
			for l.pos < len(l.src) && (l.src[l.pos] == '&' || l.src[l.pos] == ';') {
				l.pos++
			}
		case ch == '<' || ch == '>':
			l.redirection(ch)
		case ch == '(' || ch == ')' || ch == '{' && !l.inWord || ch == '}' && !l.inWord:
			l.endWord()
			l.pos++
		default:
			l.add(string(ch))
			l.addRaw(string(ch))
			l.pos++
		}
	}
	l.endWord()
	l.endCmd(false)
	l.endPipeline()
	return l.pipelines, l.subs
}

func (l *shellLexer) add(s string)    { l.word.WriteString(s); l.inWord = true }
func (l *shellLexer) addRaw(s string) { l.raw.WriteString(s) }

// doubleQuoted reads "…": backslash escapes and substitutions work inside.
func (l *shellLexer) doubleQuoted() {
	start := l.pos
	l.pos++
	l.inWord = true
	for l.pos < len(l.src) && l.src[l.pos] != '"' {
		switch {
		case l.src[l.pos] == '\\' && l.pos+1 < len(l.src):
			l.word.WriteByte(l.src[l.pos+1])
			l.pos += 2
		case l.src[l.pos] == '$' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '(':
			body := l.substitution()
			l.word.WriteString("$(" + body + ")")
		case l.src[l.pos] == '`':
			end := strings.IndexByte(l.src[l.pos+1:], '`')
			if end < 0 {
				end = len(l.src) - l.pos - 1
			}
			body := l.src[l.pos+1 : l.pos+1+end]
			l.subs = append(l.subs, body)
			l.word.WriteString("`" + body + "`")
			l.pos += end + 2
		default:
			l.word.WriteByte(l.src[l.pos])
			l.pos++
		}
	}
	l.pos++ // the closing quote
	l.addRaw(l.src[start:min(l.pos, len(l.src))])
}

// substitution reads $(…) at l.pos, with nesting, and returns its body.
func (l *shellLexer) substitution() string {
	l.pos += 2
	start, depth := l.pos, 1
scan:
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				break scan
			}
		case '\'':
			if end := strings.IndexByte(l.src[l.pos+1:], '\''); end >= 0 {
				l.pos += end + 1
			}
		}
		l.pos++
	}
	body := l.src[start:min(l.pos, len(l.src))]
	l.pos++
	l.subs = append(l.subs, body)
	return body
}

// redirection reads <, <<, <<<, >, >>, >| (after an optional fd number in
// the current word, which is dropped).
func (l *shellLexer) redirection(ch byte) {
	if l.inWord && isDigits(l.word.String()) {
		l.word.Reset()
		l.raw.Reset()
		l.inWord = false
	}
	l.endWord()
	rest := l.src[l.pos:]
	switch {
	case strings.HasPrefix(rest, "<<<"):
		l.pos += 3
		l.redir = 0 // a here-string is data, not a file
	case strings.HasPrefix(rest, "<<"):
		l.pos += 2
		if l.pos < len(l.src) && l.src[l.pos] == '-' {
			l.pos++
		}
		for l.pos < len(l.src) && l.src[l.pos] == ' ' {
			l.pos++
		}
		start := l.pos
		for l.pos < len(l.src) && !strings.ContainsRune(" \t\n;|&<>", rune(l.src[l.pos])) {
			l.pos++
		}
		delim := strings.Trim(l.src[start:l.pos], `'"\`)
		if delim != "" {
			l.heredocs = append(l.heredocs, delim)
		}
	case strings.HasPrefix(rest, ">>"), strings.HasPrefix(rest, ">|"):
		l.pos += 2
		l.redir = '>'
	default:
		l.pos++
		if l.pos < len(l.src) && l.src[l.pos] == '&' {
			// >&2, <&0: duplicating a descriptor, not a file.
			l.pos++
			for l.pos < len(l.src) && (l.src[l.pos] >= '0' && l.src[l.pos] <= '9' || l.src[l.pos] == '-') {
				l.pos++
			}
			return
		}
		l.redir = ch
	}
}

// skipHeredocs skips the bodies of heredocs opened on the line just ended.
func (l *shellLexer) skipHeredocs() {
	for _, delim := range l.heredocs {
		for l.pos < len(l.src) {
			end := strings.IndexByte(l.src[l.pos:], '\n')
			line := l.src[l.pos:]
			if end >= 0 {
				line = l.src[l.pos : l.pos+end]
				l.pos += end + 1
			} else {
				l.pos = len(l.src)
			}
			if strings.TrimSpace(line) == delim {
				break
			}
		}
	}
	l.heredocs = nil
}

func (l *shellLexer) endWord() {
	if !l.inWord {
		return
	}
	w, raw := l.word.String(), l.raw.String()
	l.word.Reset()
	l.raw.Reset()
	l.inWord = false
	switch l.redir {
	case '<':
		l.cmd.redirIn = append(l.cmd.redirIn, w)
	case '>':
		l.cmd.redirOut = append(l.cmd.redirOut, w)
	default:
		l.cmd.words = append(l.cmd.words, w)
		l.cmd.raw = append(l.cmd.raw, raw)
	}
	l.redir = 0
}

// endCmd ends the current simple command; pipe says a | follows it.
func (l *shellLexer) endCmd(pipe bool) {
	c := l.cmd
	l.cmd = shellCmd{piped: pipe}
	if len(c.words) == 0 && len(c.redirIn) == 0 && len(c.redirOut) == 0 {
		return
	}
	l.pipe = append(l.pipe, c)
}

func (l *shellLexer) endPipeline() {
	l.cmd.piped = false
	if len(l.pipe) > 0 {
		l.pipelines = append(l.pipelines, l.pipe)
	}
	l.pipe = nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

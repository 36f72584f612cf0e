package enforce

import (
	"path"
	"strings"
)

// Shell commands are matched conservatively. A command line is not parsed
// into a claim about what it will do: a script, an alias, a variable or
// "sh -c "$(echo …)"" can do anything, and no matcher can see through them
// (the checker at verify time is what catches their effects). What is
// matched is the handful of spellings that switch off or rewrite
// agentcheck's own record, and those are matched eagerly: a mention of
// core.hooksPath anywhere in a command, even in a grep, is refused, since a
// false refusal costs the agent a retry and a miss costs the record.

// maxShellDepth bounds how deeply "sh -c '…'" and "eval '…'" arguments are
// scanned as commands of their own.
const maxShellDepth = 4

// mention is a substring of a (lowercased) command line that is refused
// wherever it appears, and why.
type mention struct {
	text string
	why  string
}

// shellMentions returns the substrings refused in any command.
func shellMentions(env Env) []mention {
	ms := []mention{
		{"hookspath", "core.hooksPath decides which git hooks run; changing it switches off agentcheck's commit and push hooks"},
		{".git/hooks", "the repository's git hooks attest and verify the agent's commits"},
		{"refs/notes/agentcheck", "refs/notes/agentcheck holds the signed session manifests; only agentcheck writes it"},
		{".git/agentcheck", "the session journal under .git/agentcheck is agentcheck's record of this session"},
		{"agentcheck/sessions", "the session journal is agentcheck's record of this session"},
		{"agentcheck_ed25519", "that is the agentcheck signing key"},
		{".config/agentcheck", "that directory holds the agentcheck signing key"},
		{"disableallhooks", "it would switch off the agent's hooks, which record this session"},
	}
	if h := strings.ToLower(env.AgentcheckHome); h != "" && h != "/" {
		ms = append(ms, mention{h, "that directory holds the agentcheck signing key"})
	}
	return ms
}

// readOnlyCommand reports whether an agent may run the agentcheck
// subcommand: it reads the record and changes nothing.
func readOnlyCommand(sub string) bool {
	switch sub {
	case "verify", "show", "version", "help", "doctor", "log", "export", "-h", "-help", "--help":
		return true
	}
	return false
}

// CheckCommand reports why a shell command is refused as tampering with
// agentcheck's record, or "" when nothing in it is.
func CheckCommand(command string, env Env) string {
	lower := strings.ToLower(command)
	for _, m := range shellMentions(env) {
		if strings.Contains(lower, m.text) {
			return "the command mentions " + quoteMention(m.text) + ": " + m.why
		}
	}
	return checkWords(command, env, 0)
}

func quoteMention(s string) string {
	switch s {
	case "hookspath":
		return "core.hooksPath"
	case "disableallhooks":
		return "disableAllHooks"
	}
	return s
}

// checkWords scans the command's words, segment by segment.
func checkWords(command string, env Env, depth int) string {
	if depth > maxShellDepth {
		return ""
	}
	for _, seg := range splitCommand(command) {
		if r := checkSegment(seg, env, depth); r != "" {
			return r
		}
	}
	return ""
}

// checkSegment checks one simple command (words between operators). Every
// word that names git or agentcheck starts an invocation, whatever precedes
// it (sudo, env, xargs, timeout, or an echo: conservative).
func checkSegment(words []string, env Env, depth int) string {
	for i, w := range words {
		if strings.Contains(w, "$(") || strings.Contains(w, "`") || (depth > 0 && strings.ContainsAny(w, " \t\n;")) {
			// A substitution inside double quotes runs a command, and
			// inside code given to sh -c, python -c or eval a quoted
			// string may be a command line of its own.
			if r := checkWords(w, env, depth+1); r != "" {
				return r
			}
		}
		base := path.Base(strings.ReplaceAll(w, `\`, "/"))
		base = strings.TrimSuffix(strings.ToLower(base), ".exe")
		switch {
		case base == "git":
			if r := checkGit(words[i+1:]); r != "" {
				return r
			}
		case base == "agentcheck":
			if r := checkAgentcheck(words[i+1:]); r != "" {
				return r
			}
		case strings.EqualFold(w, "HUSKY=0"):
			return "HUSKY=0 switches off the repository's git hooks, agentcheck's among them"
		case w == "eval":
			if r := checkWords(strings.Join(words[i+1:], " "), env, depth+1); r != "" {
				return r
			}
		case isEvalFlag(w) && i+1 < len(words):
			// sh -c 'CMD', bash -lc "CMD", python -c, node -e: the
			// argument is a command line (or a program) of its own.
			if r := checkWords(words[i+1], env, depth+1); r != "" {
				return r
			}
		}
	}
	return ""
}

// isEvalFlag reports whether a word is an option whose argument is code:
// -c (and clusters ending in c, like -lc), -e, --command, --eval.
func isEvalFlag(w string) bool {
	switch w {
	case "-e", "--command", "--eval", "-Command", "-command":
		return true
	}
	return len(w) >= 2 && w[0] == '-' && w[1] != '-' && w[len(w)-1] == 'c' && isLetters(w[1:])
}

func isLetters(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// gitValueOption reports whether a global option of git takes the next
// word as its value.
func gitValueOption(opt string) bool {
	switch opt {
	case "-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env":
		return true
	}
	return false
}

// checkGit checks the words after "git".
func checkGit(args []string) string {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		if gitValueOption(args[i]) {
			i++
		}
		i++
	}
	if i >= len(args) {
		return ""
	}
	sub, rest := args[i], args[i+1:]
	switch sub {
	case "commit":
		return checkCommitArgs(rest)
	case "push":
		for _, a := range rest {
			if a == "--" {
				break
			}
			if longPrefix(a, "no-verify", len("no-ver")) {
				return "git push --no-verify skips the pre-push hook, which verifies the pushed commits and pushes their manifests; push without it"
			}
		}
	case "notes":
		for _, a := range rest {
			if strings.Contains(strings.ToLower(a), "agentcheck") {
				return "git notes on the agentcheck ref would change the signed session manifests; only agentcheck writes them"
			}
		}
	}
	return ""
}

// commitValueFlags are git commit's short options that take a value,
// attached or as the next word.
const commitValueFlags = "mFCctSu"

// checkCommitArgs refuses the options of git commit that skip hooks.
func checkCommitArgs(args []string) string {
	const why = "skips the repository's commit hooks; commit without it"
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return ""
		case strings.HasPrefix(a, "--"):
			if longPrefix(a, "no-verify", len("no-ver")) {
				return "git commit --no-verify " + why
			}
			if longPrefix(a, "no-post-rewrite", len("no-po")) {
				return "git commit --no-post-rewrite skips the hook that attests an amended commit; commit without it"
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				c := a[j]
				if c == 'n' {
					return "git commit -n (--no-verify) " + why
				}
				if strings.IndexByte(commitValueFlags, c) >= 0 {
					if j == len(a)-1 {
						i++ // the value is the next word
					}
					break
				}
			}
		}
	}
	return ""
}

// longPrefix reports whether arg is --NAME or an abbreviation of it at
// least min letters long (git accepts unambiguous prefixes of long
// options), with or without "=value".
func longPrefix(arg, name string, min int) bool {
	opt, ok := strings.CutPrefix(arg, "--")
	if !ok {
		return false
	}
	opt, _, _ = strings.Cut(opt, "=")
	return len(opt) >= min && strings.HasPrefix(name, opt)
}

// checkAgentcheck refuses every agentcheck subcommand but the read-only ones.
func checkAgentcheck(args []string) string {
	for _, a := range args {
		if readOnlyCommand(a) {
			return ""
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		return "agentcheck " + a + " is for the human: an agent never attests, declares scope, approves, installs or writes its own record"
	}
	return ""
}

// splitCommand splits a command line into simple commands, each a list of
// words with quotes removed. Operators (; & | && || ( ) ` $( < > and
// newlines) end a simple command; a quoted word is one word. It never fails:
// unbalanced quotes run to the end of the line.
func splitCommand(s string) [][]string {
	var (
		segs [][]string
		seg  []string
		word strings.Builder
		in   bool // a word is being built (it may be empty: "")
	)
	endWord := func() {
		if in {
			seg = append(seg, word.String())
			word.Reset()
			in = false
		}
	}
	endSeg := func() {
		endWord()
		if len(seg) > 0 {
			segs = append(segs, seg)
			seg = nil
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' {
				word.WriteByte(s[i])
				in = true
			}
		case c == '\'':
			in = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				word.WriteString(s[i+1:])
				i = len(s)
				break
			}
			word.WriteString(s[i+1 : i+1+j])
			i += 1 + j
		case c == '"':
			in = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
				}
				word.WriteByte(s[i])
			}
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			endSeg()
			i++
		case strings.IndexByte(";&|()`<>\n", c) >= 0:
			endSeg()
		case c == ' ' || c == '\t' || c == '\r':
			endWord()
		default:
			word.WriteByte(c)
			in = true
		}
	}
	endSeg()
	return segs
}

package shell

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// Word is one word of a command as the shell would pass it.
type Word struct {
	// Text is the word with quotes removed and $'…' decoded in its
	// literal parts, and its other parts (variables, substitutions,
	// globs, a leading ~) as written.
	Text string
	// Literal says Text is exactly what the shell passes: the word has no
	// part whose value only running the shell would tell.
	Literal bool
	// Parts are the pieces of the word, in order.
	Parts []Part
}

// PartKind says what a piece of a word is.
type PartKind int

const (
	Lit       PartKind = iota // literal text, quotes removed
	Param                     // a variable: $NAME, ${NAME}, ${NAME:-x}…
	Subst                     // a command substitution: $( ) or backticks
	ProcSubst                 // a process substitution: <( ) or >( )
	Glob                      // unquoted text with *, ? or [ ], or an extended glob
	Brace                     // unquoted text with a brace expansion: {a,b}, {1..3}
	Tilde                     // a leading ~ or ~user
	Arith                     // an arithmetic expansion: $(( ))
	Other                     // anything else (an array value)
)

// Part is one piece of a word.
type Part struct {
	Kind PartKind
	// Text is a literal part's text with quotes and escapes removed, and
	// any other part as written.
	Text string
	// Quoted says the part was in quotes: its value is not split into
	// words or matched as a glob.
	Quoted bool
	// Name is a variable's name (Param).
	Name string
	// Plain says a variable is expanded as it is ($NAME or ${NAME}), not
	// through an operator such as ${NAME:-default} or ${#NAME}.
	Plain bool
	// Script is what a substitution runs (Subst, ProcSubst); its commands
	// are also in the script the word belongs to.
	Script *Script
}

// Cut splits the word around the first sep in one of its literal (or
// glob) parts: the text before it, and the rest as a word of its own. It
// reads NAME=value and --option=value given as one word.
func (w Word) Cut(sep string) (before string, after Word, found bool) {
	var b strings.Builder
	for i, p := range w.Parts {
		if p.Kind == Lit || p.Kind == Glob {
			if j := strings.Index(p.Text, sep); j >= 0 {
				b.WriteString(p.Text[:j])
				rest := Part{Kind: p.Kind, Text: p.Text[j+len(sep):], Quoted: p.Quoted}
				if rest.Kind == Glob && !hasGlob(rest.Text) {
					rest = Part{Kind: Lit, Text: unescape(rest.Text, "")}
				}
				return b.String(), wordOf(append([]Part{rest}, w.Parts[i+1:]...)), true
			}
		}
		b.WriteString(p.Text)
	}
	return w.Text, Word{}, false
}

// wordOf makes a word of parts.
func wordOf(parts []Part) Word {
	w := Word{Literal: true, Parts: parts}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
		w.Literal = w.Literal && p.Kind == Lit
	}
	w.Text = b.String()
	return w
}

// literal returns a literal word.
func literal(s string) Word {
	return Word{Text: s, Literal: true, Parts: []Part{{Kind: Lit, Text: s}}}
}

// quoted reports whether any part of the word was quoted or escaped (a
// heredoc delimiter so written keeps its body from being expanded).
func (w Word) quoted() bool {
	for _, p := range w.Parts {
		if p.Quoted {
			return true
		}
	}
	return false
}

// quoting is the context a word's literal text is read in, which decides
// what a backslash escapes.
type quoting int

const (
	unquoted       quoting = iota
	assignQuoting          // the value of NAME=value: unquoted, but ~ after = expands
	dquoted                // inside "…"
	heredocQuoting         // a heredoc body with an unquoted delimiter
	rawQuoting             // a heredoc body with a quoted delimiter: as it is
)

func (r *reader) word(w *syntax.Word) Word { return r.wordIn(w, unquoted) }

func (r *reader) wordIn(w *syntax.Word, q quoting) Word {
	out := Word{Literal: true}
	if w == nil {
		return out
	}
	for i, p := range w.Parts {
		r.part(&out, p, q, i == 0)
	}
	var b strings.Builder
	for _, p := range out.Parts {
		b.WriteString(p.Text)
		if p.Kind != Lit {
			out.Literal = false
		}
	}
	out.Text = b.String()
	return out
}

func (r *reader) part(out *Word, p syntax.WordPart, q quoting, first bool) {
	inQuotes := q == dquoted
	switch x := p.(type) {
	case *syntax.Lit:
		switch q {
		case unquoted, assignQuoting:
			r.unquotedLit(out, x.Value, first)
		case dquoted:
			out.Parts = append(out.Parts, Part{Kind: Lit, Text: unescape(x.Value, "$`\"\\\n"), Quoted: true})
		case heredocQuoting:
			out.Parts = append(out.Parts, Part{Kind: Lit, Text: unescape(x.Value, "$`\\\n")})
		default:
			out.Parts = append(out.Parts, Part{Kind: Lit, Text: x.Value})
		}
	case *syntax.SglQuoted:
		v := x.Value
		if x.Dollar {
			v = decodeANSIC(v)
		}
		out.Parts = append(out.Parts, Part{Kind: Lit, Text: v, Quoted: true})
	case *syntax.DblQuoted:
		if len(x.Parts) == 0 {
			out.Parts = append(out.Parts, Part{Kind: Lit, Quoted: true}) // "" is a word
		}
		for _, pp := range x.Parts {
			r.part(out, pp, dquoted, false)
		}
	case *syntax.ParamExp:
		r.substitutionsIn(x)
		name := ""
		if x.Param != nil {
			name = x.Param.Value
		}
		plain := x.Exp == nil && x.Repl == nil && x.Slice == nil && x.Index == nil && !x.Length && !x.Excl && !x.Width && x.Names == 0 && x.NestedParam == nil && len(x.Modifiers) == 0
		out.Parts = append(out.Parts, Part{Kind: Param, Text: r.source(x), Quoted: inQuotes, Name: name, Plain: plain})
	case *syntax.CmdSubst:
		sub := r.nested(x.Stmts, "$( )")
		out.Parts = append(out.Parts, Part{Kind: Subst, Text: r.source(x), Quoted: inQuotes, Script: sub})
	case *syntax.ProcSubst:
		sub := r.nested(x.Stmts, procVia(x))
		out.Parts = append(out.Parts, Part{Kind: ProcSubst, Text: r.source(x), Script: sub})
	case *syntax.ArithmExp:
		r.substitutionsIn(x)
		out.Parts = append(out.Parts, Part{Kind: Arith, Text: r.source(x), Quoted: inQuotes})
	case *syntax.ExtGlob:
		out.Parts = append(out.Parts, Part{Kind: Glob, Text: r.source(x)})
	default:
		out.Parts = append(out.Parts, Part{Kind: Other, Text: r.source(p), Quoted: inQuotes})
	}
}

// unquotedLit adds unquoted literal text: a leading ~ is a Tilde part,
// text a glob or brace expansion would change is a Glob or Brace part as
// written, and the rest is literal with its escapes removed.
func (r *reader) unquotedLit(out *Word, v string, first bool) {
	if first && strings.HasPrefix(v, "~") {
		end := strings.IndexByte(v, '/')
		if end < 0 {
			end = len(v)
		}
		if user := v[1:end]; !strings.ContainsAny(user, `\*?[{`) {
			out.Parts = append(out.Parts, Part{Kind: Tilde, Text: v[:end]})
			v = v[end:]
			if v == "" {
				return
			}
		}
	}
	switch {
	case hasGlob(v):
		out.Parts = append(out.Parts, Part{Kind: Glob, Text: v})
	case hasBrace(v):
		out.Parts = append(out.Parts, Part{Kind: Brace, Text: v})
	default:
		out.Parts = append(out.Parts, Part{Kind: Lit, Text: unescape(v, ""), Quoted: strings.Contains(v, `\`)})
	}
}

// unescape removes the backslashes of text: before any character when
// special is "" (unquoted text), else only before the characters of
// special. A backslash before a newline removes both.
func unescape(s, special string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (special == "" || strings.IndexByte(special, s[i+1]) >= 0) {
			i++
			if s[i] != '\n' {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// hasGlob reports whether unquoted text holds an unescaped *, ? or a
// bracket expression [ … ].
func hasGlob(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		case '[':
			if strings.IndexByte(s[i+1:], ']') >= 0 {
				return true
			}
		}
	}
	return false
}

// hasBrace reports whether unquoted text holds a brace expansion: {a,b}
// or {x..y}.
func hasBrace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth := 0
			for j := i; j < len(s); j++ {
				switch s[j] {
				case '\\':
					j++
				case '{':
					depth++
				case '}':
					depth--
					if depth == 0 {
						inner := s[i+1 : j]
						if strings.Contains(inner, ",") || strings.Contains(inner, "..") {
							return true
						}
						j = len(s)
					}
				}
			}
		}
	}
	return false
}

// decodeANSIC decodes the escapes of $'…' as bash does.
func decodeANSIC(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'e', 'E':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\', '\'', '"', '?':
			b.WriteByte(c)
		case 'c':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i] & 0x1f)
			}
		case 'x', 'u', 'U':
			max := 2 // \xHH
			if c == 'u' {
				max = 4
			} else if c == 'U' {
				max = 8
			}
			j := i + 1
			for j < len(s) && j-i-1 < max && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			n, _ := strconv.ParseUint(s[i+1:j], 16, 32)
			if c == 'x' {
				b.WriteByte(byte(n))
			} else {
				b.WriteRune(toRune(n))
			}
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j-i < 3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(s[i:j], 8, 16)
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func toRune(n uint64) rune {
	if n > utf8.MaxRune {
		return utf8.RuneError
	}
	return rune(n)
}

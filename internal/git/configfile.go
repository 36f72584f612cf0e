package git

import (
	"fmt"
	"strings"
)

// configEntry is one setting of a config file, named as git names it once
// the file is read: section and key lower-cased, the subsection as written.
type configEntry struct {
	section    string
	subsection string
	hasSub     bool // [a ""] names subsection "" of a, which is not a itself
	key        string
	value      string
	bare       bool // a key with no "=", which git reads as boolean true
}

// parseConfig reads the settings of the config file data, read from path,
// as git's config.c does: byte by byte, with the same grammar, escapes,
// comments, byte order mark, CRLF line ends and line numbers, so that a
// file git refuses is refused here with the line git names ("bad config
// line N in file F"), and a file git reads yields the settings git lists.
// Include directives are settings like any other: nothing is followed.
// With an error, it returns the settings read before it too, as git has
// handed them on to its callers by then.
func parseConfig(data []byte, path string) ([]configEntry, error) {
	r := &configReader{data: data, line: 1, path: path}
	var entries []configEntry
	var base []byte // the last section header's name, as git keeps it
	comment := false
	bom := 0 // bytes of a UTF-8 byte order mark read at the start
	for {
		c := r.next()
		// Git skips a whole byte order mark at the start of a file, and
		// refuses a part of one.
		if bom < len(utf8BOM) {
			if c == utf8BOM[bom] {
				bom++
				continue
			}
			if bom > 0 {
				return entries, r.bad("incomplete byte order mark")
			}
			bom = len(utf8BOM)
		}
		switch {
		case c == '\n':
			if r.eof {
				return entries, nil
			}
			comment = false
		case comment || isConfigSpace(c):
		case c == '#' || c == ';':
			comment = true
		case c == '[':
			name, err := r.sectionName(base[:0])
			if err != nil {
				return entries, err
			}
			if len(name) == 0 {
				return entries, r.bad("empty section name")
			}
			base = name
		case isAlpha(c):
			e, err := r.entry(c, base)
			if err != nil {
				return entries, err
			}
			entries = append(entries, e)
		default:
			return entries, r.bad("a key must start with a letter")
		}
	}
}

const utf8BOM = "\xef\xbb\xbf"

// configReader reads a config file a byte at a time, counting lines as git
// does: the end of the file reads as a newline, every time it is read, and
// counts as one.
type configReader struct {
	data []byte
	pos  int
	line int
	eof  bool
	path string

	nameBuf, valueBuf []byte // the current setting's, reused from one to the next
}

// next returns the next byte, a CRLF pair read as one '\n'.
func (r *configReader) next() byte {
	if r.pos >= len(r.data) {
		r.eof = true
		r.line++
		return '\n'
	}
	c := r.data[r.pos]
	r.pos++
	if c == '\r' && r.pos < len(r.data) && r.data[r.pos] == '\n' {
		r.pos++
		c = '\n'
	}
	if c == '\n' {
		r.line++
	}
	return c
}

// bad returns the error for the current line, worded as git's.
func (r *configReader) bad(why string) error {
	return fmt.Errorf("bad config line %d in file %s: %s", r.line, r.path, why)
}

// badLastLine is bad for an error found on reading a line's newline, which
// git reports on the line the newline ends.
func (r *configReader) badLastLine(why string) error {
	r.line--
	return r.bad(why)
}

// sectionName reads a section header after its '[' and appends its name to
// name: "section", lower-cased, and for [section "subsection"] a '.' and
// the subsection as written; the deprecated [section.subsection] is
// lower-cased whole.
func (r *configReader) sectionName(name []byte) ([]byte, error) {
	for {
		c := r.next()
		switch {
		case r.eof:
			return nil, r.bad("unterminated section header")
		case c == ']':
			return name, nil
		case isConfigSpace(c):
			return r.subsectionName(name, c)
		case !isKeyChar(c) && c != '.':
			return nil, r.bad("invalid character in section name")
		}
		name = append(name, lowerASCII(c))
	}
}

// subsectionName reads the rest of a [section "subsection"] header after
// the space that ends the section's name, c.
func (r *configReader) subsectionName(name []byte, c byte) ([]byte, error) {
	for isConfigSpace(c) {
		if c == '\n' {
			return nil, r.badLastLine("unterminated section header")
		}
		c = r.next()
	}
	if c != '"' {
		return nil, r.bad("a subsection name must be quoted")
	}
	name = append(name, '.')
	for {
		c := r.next()
		if c == '\n' {
			return nil, r.badLastLine("unterminated subsection name")
		}
		if c == '"' {
			break
		}
		// Any byte but a newline escapes as itself.
		if c == '\\' {
			if c = r.next(); c == '\n' {
				return nil, r.badLastLine("unterminated subsection name")
			}
		}
		name = append(name, c)
	}
	if r.next() != ']' {
		return nil, r.bad("want ']' after the subsection name")
	}
	return name, nil
}

// entry reads a setting whose key starts with first, in the section named
// base, up to the end of its line.
func (r *configReader) entry(first byte, base []byte) (configEntry, error) {
	name := r.nameBuf[:0]
	if len(base) > 0 {
		name = append(append(name, base...), '.')
	}
	name = append(name, lowerASCII(first))
	var c byte
	for {
		c = r.next()
		if r.eof || !isKeyChar(c) {
			break
		}
		name = append(name, lowerASCII(c))
	}
	r.nameBuf = name
	for c == ' ' || c == '\t' {
		c = r.next()
	}
	e := configEntry{bare: true}
	if c != '\n' {
		if c != '=' {
			return configEntry{}, r.bad("want '=' or the end of the line after a key")
		}
		v, err := r.value()
		if err != nil {
			return configEntry{}, err
		}
		e.value, e.bare = cString(v), false
	}
	// Git hands the name to its callers as a C string, so a NUL in a
	// subsection ends the name there: [a "s\0t"] k = 1 sets a.s. Split
	// as git does, at the first and the last dot.
	n := cString(name)
	first1, last := strings.IndexByte(n, '.'), strings.LastIndexByte(n, '.')
	switch {
	case first1 < 0:
		e.key = n // a setting before any section header
	case first1 == last:
		e.section, e.key = n[:first1], n[last+1:]
	default:
		e.section, e.subsection, e.hasSub, e.key = n[:first1], n[first1+1:last], true, n[last+1:]
	}
	return e, nil
}

// value reads a setting's value after its '=', up to the end of its line:
// leading and trailing blanks dropped outside double quotes, inner ones
// kept as they are (as git does since 2.45; before, it turned each into a
// space), escapes \n \t \b \" \\ decoded, a backslash at the end of a line
// continuing it, and '#' or ';' outside quotes starting a comment.
func (r *configReader) value() ([]byte, error) {
	v := r.valueBuf[:0]
	quote, comment := false, false
	trim := 0 // where trailing blanks begin, if v ends in some; 0 if not
	for {
		c := r.next()
		if c == '\n' {
			if quote {
				return nil, r.badLastLine("unterminated quote")
			}
			if trim > 0 {
				v = v[:trim]
			}
			r.valueBuf = v
			return v, nil
		}
		if comment {
			continue
		}
		if isConfigSpace(c) && !quote {
			if trim == 0 {
				trim = len(v)
			}
			if len(v) > 0 {
				v = append(v, c)
			}
			continue
		}
		if !quote && (c == ';' || c == '#') {
			comment = true
			continue
		}
		trim = 0
		switch c {
		case '\\':
			switch c = r.next(); c {
			case '\n':
				continue
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case '\\', '"':
			default:
				return nil, r.bad("unknown escape sequence in a value")
			}
			v = append(v, c)
		case '"':
			quote = !quote
		default:
			v = append(v, c)
		}
	}
}

// cString returns b up to its first NUL, as git, which keeps names and
// values in C strings, sees it.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// isConfigSpace reports whether c is a blank to git's config parser, whose
// isspace knows only these four.
func isConfigSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isKeyChar(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' || c == '-' }

package install

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A reader of the TOML that Codex's config.toml holds, enough to find and
// set trust (see codextrust.go) while keeping every other line as it is.
// It knows table headers, dotted keys, strings, booleans, and enough of
// arrays, inline tables and multi-line strings to step over them. It is
// not a TOML parser: values of other types are skipped, and a line it
// cannot read makes the file one it will not edit.

type tomlDoc struct {
	lines   []string
	headers []tomlHeader
	values  []tomlKV
	// unreadable says why the file must not be edited ("" when it can).
	unreadable string
}

type tomlHeader struct {
	path []string
	line int
}

type tomlKV struct {
	path  []string // the full path: the table's, then the key's
	key   []string // the key as written on its line
	table int      // the index of the header it is under, -1 for the root
	value any      // string, bool, tomlTable for an inline table, nil for others
	line  int
}

// tomlTable stands for an inline table value.
type tomlTable struct{}

func parseTOML(data []byte) *tomlDoc {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	d := &tomlDoc{}
	if text != "" {
		d.lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	}
	if !utf8.ValidString(text) {
		d.unreadable = "it is not UTF-8"
		return d
	}
	var table []string
	header := -1
	for i := 0; i < len(d.lines); i++ {
		s := strings.TrimSpace(d.lines[i])
		if s == "" || s[0] == '#' {
			continue
		}
		if strings.HasPrefix(s, "[[") {
			path, rest, ok := parseKey(s[2:])
			if !ok || !strings.HasPrefix(rest, "]]") {
				d.fail(i)
				continue
			}
			// An array of tables: what follows is under none we edit.
			table, header = append([]string{"[["}, path...), -1
			continue
		}
		if s[0] == '[' {
			path, rest, ok := parseKey(s[1:])
			if !ok || !strings.HasPrefix(rest, "]") || !blankOrComment(rest[1:]) {
				d.fail(i)
				continue
			}
			table = path
			d.headers = append(d.headers, tomlHeader{path: path, line: i})
			header = len(d.headers) - 1
			continue
		}
		key, rest, ok := parseKey(s)
		if !ok || !strings.HasPrefix(rest, "=") {
			d.fail(i)
			continue
		}
		value, end, ok := parseValue(d.lines, i, strings.TrimLeft(rest[1:], " \t"))
		if !ok {
			d.fail(i)
			continue
		}
		d.values = append(d.values, tomlKV{path: append(slices.Clone(table), key...), key: key, table: header, value: value, line: i})
		i = end
	}
	return d
}

func (d *tomlDoc) fail(line int) {
	if d.unreadable == "" {
		d.unreadable = fmt.Sprintf("line %d is not TOML agentcheck can read", line+1)
	}
}

func blankOrComment(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s[0] == '#'
}

// get returns the last value set at path.
func (d *tomlDoc) get(path []string) (any, bool) {
	for i := len(d.values) - 1; i >= 0; i-- {
		if slices.Equal(d.values[i].path, path) {
			return d.values[i].value, true
		}
	}
	return nil, false
}

// header returns the line of the [table] header.
func (d *tomlDoc) header(table []string) (int, bool) {
	for _, h := range d.headers {
		if slices.Equal(h.path, table) {
			return h.line, true
		}
	}
	return 0, false
}

// keyLine returns the line setting key (one part) in the table whose
// header is on line at.
func (d *tomlDoc) keyLine(at int, key string) (int, bool) {
	for _, v := range d.values {
		if v.table >= 0 && d.headers[v.table].line == at && len(v.key) == 1 && v.key[0] == key {
			return v.line, true
		}
	}
	return 0, false
}

// shift moves every recorded line at or after at by n.
func (d *tomlDoc) shift(at, n int) {
	for i := range d.headers {
		if d.headers[i].line >= at {
			d.headers[i].line += n
		}
	}
	for i := range d.values {
		if d.values[i].line >= at {
			d.values[i].line += n
		}
	}
}

// definedOutsideHeader reports whether anything under table is set other
// than by a plain key in a [table] header of its own: a dotted key, an
// inline table, or a key of a parent table. Adding a [table] header then
// would define it twice.
func (d *tomlDoc) definedOutsideHeader(table []string) bool {
	for _, v := range d.values {
		if len(v.path) < len(table) || !slices.Equal(v.path[:len(table)], table) {
			// An inline table at a parent of table defines it too.
			if _, inline := v.value.(tomlTable); inline && len(v.path) <= len(table) && slices.Equal(table[:len(v.path)], v.path) {
				return true
			}
			continue
		}
		if v.table < 0 || !slices.Equal(d.headers[v.table].path, table) || len(v.key) != 1 {
			return true
		}
	}
	return false
}

// parseKey reads a dotted key at the start of s and returns its parts and
// what follows it, blanks skipped.
func parseKey(s string) (parts []string, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t")
	for {
		var part string
		switch {
		case strings.HasPrefix(s, `"`):
			part, s, ok = parseBasic(s)
		case strings.HasPrefix(s, "'"):
			part, s, ok = parseLiteral(s)
		default:
			n := strings.IndexFunc(s, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
			})
			if n < 0 {
				n = len(s)
			}
			part, s, ok = s[:n], s[n:], n > 0
		}
		if !ok {
			return nil, "", false
		}
		parts = append(parts, part)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return parts, s, true
		}
		s = strings.TrimLeft(s[1:], " \t")
	}
}

// parseBasic reads a basic string at the start of s.
func parseBasic(s string) (string, string, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 >= len(s) {
				return "", "", false
			}
			i++
			switch e := s[i]; e {
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case 'e':
				b.WriteByte(0x1b)
			case '"', '\\':
				b.WriteByte(e)
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if i+n >= len(s) {
					return "", "", false
				}
				r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return "", "", false
				}
				b.WriteRune(rune(r))
				i += n
			default:
				return "", "", false
			}
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				return "", "", false
			}
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// parseLiteral reads a literal string at the start of s.
func parseLiteral(s string) (string, string, bool) {
	end := strings.IndexByte(s[1:], '\'')
	if end < 0 {
		return "", "", false
	}
	return s[1 : 1+end], s[2+end:], true
}

// parseValue reads the value that starts s, on line i of lines, and
// returns it (nil for a type it does not keep) and the last line it
// spans.
func parseValue(lines []string, i int, s string) (any, int, bool) {
	switch {
	case strings.HasPrefix(s, `"""`), strings.HasPrefix(s, "'''"):
		delim := s[:3]
		if j := strings.Index(s[3:], delim); j >= 0 {
			return nil, i, true
		}
		for k := i + 1; k < len(lines); k++ {
			if strings.Contains(lines[k], delim) {
				return nil, k, true
			}
		}
		return nil, i, false
	case strings.HasPrefix(s, `"`):
		v, rest, ok := parseBasic(s)
		return v, i, ok && blankOrComment(rest)
	case strings.HasPrefix(s, "'"):
		v, rest, ok := parseLiteral(s)
		return v, i, ok && blankOrComment(rest)
	case strings.HasPrefix(s, "true"), strings.HasPrefix(s, "false"):
		v := strings.HasPrefix(s, "true")
		rest := strings.TrimPrefix(strings.TrimPrefix(s, "true"), "false")
		return v, i, blankOrComment(rest)
	case strings.HasPrefix(s, "["), strings.HasPrefix(s, "{"):
		end, ok := skipBrackets(lines, i, s)
		if strings.HasPrefix(s, "{") {
			return tomlTable{}, end, ok
		}
		return nil, end, ok
	case s == "":
		return nil, i, false
	}
	return nil, i, true // a number, a date: kept as written, not read
}

// skipBrackets returns the line on which the array or inline table that
// starts s closes.
func skipBrackets(lines []string, i int, s string) (int, bool) {
	depth := 0
	for k := i; k < len(lines); k++ {
		if k > i {
			s = lines[k]
		}
		for j := 0; j < len(s); j++ {
			switch s[j] {
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					return k, blankOrComment(s[j+1:])
				}
			case '#':
				j = len(s)
			case '"':
				if strings.HasPrefix(s[j:], `"""`) {
					return k, false // a multi-line string inside: not stepped over
				}
				_, rest, ok := parseBasic(s[j:])
				if !ok {
					return k, false
				}
				j = len(s) - len(rest) - 1
			case '\'':
				_, rest, ok := parseLiteral(s[j:])
				if !ok {
					return k, false
				}
				j = len(s) - len(rest) - 1
			}
		}
	}
	return len(lines) - 1, false
}

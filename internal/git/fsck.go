package git

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// What git fsck rejects in a tree: the names behind git's own path
// vulnerabilities (a .git directory that checkout would write into, in any
// spelling a case-insensitive, HFS+ or NTFS file system reads as .git;
// "." and ".."; a "/" inside a name), modes git never writes, entries out
// of order or duplicated, and a .gitmodules that is a symlink or holds
// submodule names, URLs, paths or update commands git's submodule code
// refuses. These are ports of git's fsck.c (fsck_tree, verify_ordered,
// fsck_gitmodules_fn), utf8.c (is_hfs_dotgit), path.c (is_ntfs_dotgit),
// submodule-config.c (check_submodule_name, check_submodule_url), urlmatch.c
// (url_normalize) and config.c (the config parser), as of git 2.51. git
// does not fsck what it receives by default, so the gate does it for every
// tree it judges.

// TreeProblem is something in a commit's trees that git fsck rejects, or
// that keeps the gate from reading them as git would.
type TreeProblem struct {
	// Path is the entry's path, or the directory whose tree is at fault.
	Path string
	// ID is git fsck's message id (hasDotgit, treeNotSorted…), or
	// maxTreeDepth for trees nested deeper than git reads.
	ID string
	// Message says what is wrong, in words.
	Message string
}

// maxTreeEntryLen is the longest entry name git fsck accepts
// (fsck.largePathname).
const maxTreeEntryLen = 4096

// maxGitmodulesSize bounds the .gitmodules files read for their content: a
// real one, with hundreds of submodules, is a few kilobytes.
const maxGitmodulesSize = 1 << 20

// mayBeBad is a quick test that rules most entries out before
// entryProblems looks at them: a name git reads as .git or .gitmodules
// starts with '.', 'g', '~' or a code point HFS+ ignores, or has a
// backslash; the other problems are in the mode or the length, or are
// "." and "..".
func mayBeBad(e *treeEntry) bool {
	switch uint16(e.raw) {
	case 0o100755, 0o100644, 0o120000, 0o040000, 0o160000:
	default:
		return true
	}
	if e.padded || len(e.name) > maxTreeEntryLen {
		return true
	}
	switch c := e.name[0]; {
	case c == '.', c == 'g', c == 'G', c == '~', c >= utf8.RuneSelf:
		return true
	}
	return bytes.IndexByte(e.name, '\\') >= 0 || bytes.IndexByte(e.name, '/') >= 0
}

// entryProblems returns what git fsck rejects about one tree entry: its
// name and its mode as written (raw, and whether it was zero-padded).
func entryProblems(name []byte, raw uint32, padded bool) []TreeProblem {
	var out []TreeProblem
	add := func(id, msg string) { out = append(out, TreeProblem{ID: id, Message: msg}) }
	switch {
	case len(name) == 0:
		add("emptyName", "an entry with an empty name")
	case string(name) == ".":
		add("hasDot", "an entry named '.'")
	case string(name) == "..":
		add("hasDotdot", "an entry named '..', which a checkout would resolve outside its directory")
	}
	if bytes.IndexByte(name, '/') >= 0 {
		add("fullPathname", "an entry name with '/' in it")
	}
	if isDotGit(name) {
		add("hasDotgit", "an entry that a checkout writes as .git (a repository's own directory, where hooks and config run code)")
	}
	if len(name) > maxTreeEntryLen {
		add("largePathname", "an entry name longer than 4096 bytes")
	}
	if padded {
		add("zeroPaddedFilemode", "a zero-padded mode")
	}
	switch uint16(raw) { // git reads modes into 16 bits
	case 0o100755, 0o100644, 0o120000, 0o040000, 0o160000:
	default:
		add("badFilemode", "a mode git does not write ("+octal(raw)+")")
	}
	mode := canonMode(raw)
	if isDotGitmodules(name) {
		switch mode {
		case filemode.Symlink:
			add("gitmodulesSymlink", ".gitmodules is a symlink: git would read submodule URLs from wherever it points")
		case filemode.Dir, filemode.Submodule:
			add("gitmodulesBlob", ".gitmodules is not a file")
		}
	}
	return out
}

func octal(m uint32) string {
	const digits = "01234567"
	var b [11]byte
	i := len(b)
	for {
		i--
		b[i] = digits[m&7]
		if m >>= 3; m == 0 {
			return string(b[i:])
		}
	}
}

// isDotGit reports whether git fsck reads name as .git: in HFS+'s or
// NTFS's spellings, and after any backslash (a directory separator on
// Windows).
func isDotGit(name []byte) bool {
	if isHFSDot(name, "git") || isNTFSDotGit(name) {
		return true
	}
	for i := bytes.IndexByte(name, '\\'); i >= 0; {
		name = name[i+1:]
		if isNTFSDotGit(name) {
			return true
		}
		i = bytes.IndexByte(name, '\\')
	}
	return false
}

// isDotGitmodules reports whether git fsck reads name as .gitmodules.
func isDotGitmodules(name []byte) bool {
	if isHFSDot(name, "gitmodules") || isNTFSDot(name, "gitmodules", "gi7eba") {
		return true
	}
	for i := bytes.IndexByte(name, '\\'); i >= 0; {
		name = name[i+1:]
		if isNTFSDot(name, "gitmodules", "gi7eba") {
			return true
		}
		i = bytes.IndexByte(name, '\\')
	}
	return false
}

// hfsIgnorable reports whether HFS+ ignores code point r in a file name.
func hfsIgnorable(r rune) bool {
	switch r {
	case 0x200c, 0x200d, 0x200e, 0x200f, // zero width (non-)joiner, LTR and RTL marks
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, // embeddings and overrides
		0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f, // deprecated format characters
		0xfeff: // zero width no-break space
		return true
	}
	return false
}

// nextHFSChar returns the next code point of s that HFS+ does not ignore,
// and what follows it; 0 at the end of s or at invalid UTF-8, as git's
// next_hfs_char.
func nextHFSChar(s []byte) (rune, []byte) {
	for {
		if len(s) == 0 {
			return 0, nil
		}
		r, n := decodeGitUTF8(s)
		if n == 0 {
			return 0, nil
		}
		s = s[n:]
		if !hfsIgnorable(r) {
			return r, s
		}
	}
}

// decodeGitUTF8 decodes one character as git's pick_one_utf8_char: n is 0
// for what git takes as invalid (overlong forms, surrogates, U+FFFE and
// U+FFFF, beyond U+10FFFF).
func decodeGitUTF8(s []byte) (rune, int) {
	r, n := utf8.DecodeRune(s)
	if r == utf8.RuneError && n <= 1 || r == 0xfffe || r == 0xffff {
		return 0, 0
	}
	return r, n
}

// isHFSDot reports whether name is "." followed by needle, as HFS+ reads
// names: case-insensitive, ignoring the code points it ignores (git's
// is_hfs_dot_generic).
func isHFSDot(name []byte, needle string) bool {
	c, rest := nextHFSChar(name)
	if c != '.' {
		return false
	}
	for i := 0; i < len(needle); i++ {
		c, rest = nextHFSChar(rest)
		if c > 127 || lowerASCII(byte(c)) != needle[i] {
			return false
		}
	}
	c, _ = nextHFSChar(rest)
	return c == 0 || c == '/'
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// at returns s[i], or 0 past its end: git's functions read NUL-terminated
// names.
func at(s []byte, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// isNTFSDotGit reports whether NTFS reads name as .git: ".git" or its
// short name "git~1", any case, followed by nothing, trailing spaces and
// periods (which NTFS drops), a separator or an alternate data stream
// (":…"). git's is_ntfs_dotgit.
func isNTFSDotGit(name []byte) bool {
	i := 0
	switch c := at(name, 0); {
	case c == '.':
		if lowerASCII(at(name, 1)) != 'g' || lowerASCII(at(name, 2)) != 'i' || lowerASCII(at(name, 3)) != 't' {
			return false
		}
		i = 4
	case lowerASCII(c) == 'g':
		if lowerASCII(at(name, 1)) != 'i' || lowerASCII(at(name, 2)) != 't' || at(name, 3) != '~' || at(name, 4) != '1' {
			return false
		}
		i = 5
	default:
		return false
	}
	for ; ; i++ {
		switch c := at(name, i); {
		case c == 0 || c == '/' || c == '\\' || c == ':':
			return true
		case c != '.' && c != ' ':
			return false
		}
	}
}

// equalFoldASCII compares as strncasecmp does: only ASCII letters fold
// (Unicode folding would take U+212A, the Kelvin sign, for a k).
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lowerASCII(b[i]) != lowerASCII(s[i]) {
			return false
		}
	}
	return true
}

// onlySpacesAndPeriods reports whether name from i on is only spaces and
// periods, up to its end or an alternate data stream (":…").
func onlySpacesAndPeriods(name []byte, i int) bool {
	for ; ; i++ {
		switch c := at(name, i); {
		case c == 0 || c == ':':
			return true
		case c != ' ' && c != '.':
			return false
		}
	}
}

// isNTFSDot reports whether NTFS reads name as "." followed by dotName:
// spelled out (any case, with trailing spaces and periods), as its short
// name (the first six characters, then ~1 to ~4), or as the fallback short
// name git computes for it (shortPrefix, then ~ and digits). git's
// is_ntfs_dot_generic.
func isNTFSDot(name []byte, dotName, shortPrefix string) bool {
	n := len(dotName)
	if at(name, 0) == '.' && len(name) > n && equalFoldASCII(name[1:1+n], dotName) {
		return onlySpacesAndPeriods(name, n+1)
	}
	if len(name) >= 8 && equalFoldASCII(name[:6], dotName[:6]) && name[6] == '~' && '1' <= name[7] && name[7] <= '4' {
		return onlySpacesAndPeriods(name, 8)
	}
	sawTilde := false
	for i := 0; i < 8; i++ {
		c := at(name, i)
		switch {
		case c == 0:
			return false
		case sawTilde:
			if c < '0' || c > '9' {
				return false
			}
		case c == '~':
			i++
			if c := at(name, i); c < '1' || c > '9' {
				return false
			}
			sawTilde = true
		case i >= 6, c&0x80 != 0, lowerASCII(c) != shortPrefix[i]:
			return false
		}
	}
	return onlySpacesAndPeriods(name, 8)
}

// gitmodulesProblems returns what git fsck rejects in the content of a
// .gitmodules file: submodule names that climb out of .git/modules, URLs
// that look like options or smuggle a newline into a credential request,
// paths that look like options, and update commands ("!cmd"), which
// checkout would run. Content the gate cannot read as git does (it does
// not parse, holds NUL or 0xff bytes, which git builds read differently,
// or is over the size limit) is a problem too.
func gitmodulesProblems(data []byte, tooLarge bool) []TreeProblem {
	if tooLarge {
		return []TreeProblem{{ID: "gitmodulesLarge", Message: ".gitmodules is too large to check (over 1 MiB)"}}
	}
	if bytes.IndexByte(data, 0) >= 0 || bytes.IndexByte(data, 0xff) >= 0 {
		return []TreeProblem{{ID: "gitmodulesParse", Message: ".gitmodules holds NUL or 0xff bytes, which git builds read differently"}}
	}
	var out []TreeProblem
	// Like git fsck, report the keys read before a parse error too.
	entries, err := parseConfig(data, ".gitmodules")
	for _, kv := range entries {
		if kv.section != "submodule" || !kv.hasSub {
			continue
		}
		if !validSubmoduleName(kv.subsection) {
			out = append(out, TreeProblem{ID: "gitmodulesName", Message: "disallowed submodule name: " + quoteName(kv.subsection)})
		}
		if kv.bare {
			continue
		}
		switch kv.key {
		case "url":
			if !validSubmoduleURL(kv.value) {
				out = append(out, TreeProblem{ID: "gitmodulesUrl", Message: "disallowed submodule url: " + quoteName(kv.value)})
			}
		case "path":
			if strings.HasPrefix(kv.value, "-") {
				out = append(out, TreeProblem{ID: "gitmodulesPath", Message: "disallowed submodule path: " + quoteName(kv.value)})
			}
		case "update":
			if strings.HasPrefix(kv.value, "!") {
				out = append(out, TreeProblem{ID: "gitmodulesUpdate", Message: "disallowed submodule update setting: " + quoteName(kv.value)})
			}
		}
	}
	if err != nil {
		out = append(out, TreeProblem{ID: "gitmodulesParse", Message: ".gitmodules does not parse as git config: " + err.Error()})
	}
	return slices.Compact(out) // git reports a bad name once per key of its section
}

// quoteName quotes hostile text for a message, at most 200 bytes of it.
func quoteName(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}

// validSubmoduleName is git's check_submodule_name: not empty, and no ".."
// path component, with '/' and '\' both separators.
func validSubmoduleName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i <= len(name); {
		if strings.HasPrefix(name[i:], "..") && (i+2 == len(name) || isSep(name[i+2])) {
			return false
		}
		j := strings.IndexAny(name[i:], `/\`)
		if j < 0 {
			break
		}
		i += j + 1
	}
	return true
}

func isSep(c byte) bool { return c == '/' || c == '\\' }

// validSubmoduleURL is git's check_submodule_url.
func validSubmoduleURL(url string) bool {
	if strings.HasPrefix(url, "-") {
		return false
	}
	if dotSlash(url) || dotDotSlash(url) || strings.HasPrefix(url, "git://") {
		if strings.Contains(urlDecode(url), "\n") {
			return false
		}
		// A relative URL that climbs past its root into the scheme or host
		// (CVE-2020-11008).
		next, ups := url, 0
		for {
			switch {
			case dotDotSlash(next):
				ups++
				next = next[3:]
				continue
			case dotSlash(next):
				next = next[2:]
				continue
			}
			break
		}
		return !(ups > 0 && (strings.HasPrefix(next, ":") || strings.HasPrefix(next, "/")))
	}
	if curl, ok := curlURL(url); ok {
		norm, ok := normalizeURL(curl)
		return ok && !strings.Contains(urlDecode(norm), "\n")
	}
	return true
}

func dotSlash(s string) bool    { return len(s) >= 2 && s[0] == '.' && isSep(s[1]) }
func dotDotSlash(s string) bool { return len(s) >= 3 && s[0] == '.' && s[1] == '.' && isSep(s[2]) }

// curlURL returns the URL git-remote-curl would be given for url, if
// curl handles it.
func curlURL(url string) (string, bool) {
	for _, p := range []string{"http::", "https::", "ftp::", "ftps::"} {
		if rest, ok := strings.CutPrefix(url, p); ok {
			return rest, true
		}
	}
	for _, p := range []string{"http://", "https://", "ftp://", "ftps://"} {
		if strings.HasPrefix(url, p) {
			return url, true
		}
	}
	return "", false
}

// hexVal returns the value of a hexadecimal digit, or -1.
func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// hex2chr decodes the two hexadecimal digits at s[i:], or returns -1.
func hex2chr(s string, i int) int {
	if i+1 >= len(s) {
		return -1
	}
	a, b := hexVal(s[i]), hexVal(s[i+1])
	if a < 0 || b < 0 {
		return -1
	}
	return a<<4 | b
}

// urlDecode is git's url_decode: %XX escapes after the first colon are
// decoded (not %00), the scheme before it is kept as it is.
func urlDecode(url string) string {
	var b strings.Builder
	i := 0
	if c := strings.IndexByte(url, ':'); c > 0 {
		b.WriteString(url[:c])
		i = c
	}
	for i < len(url) {
		if url[i] == '%' && len(url)-i >= 3 {
			if v := hex2chr(url, i+1); v > 0 {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(url[i])
		i++
	}
	return b.String()
}

const (
	urlSchemeChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-"
	urlHostChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_[:]"
	urlUnsafeChars = " <>\"%{}|\\^`"
	urlReserved    = ":/?#[]@!$&'()*+,;="
)

// appendNormalizedEscapes is urlmatch.c's append_normalized_escapes with
// no extra characters to escape and the reserved characters left escaped.
func appendNormalizedEscapes(b *strings.Builder, from string) bool {
	for i := 0; i < len(from); i++ {
		ch := int(from[i])
		wasEsc := false
		if ch == '%' {
			if len(from)-i-1 < 2 {
				return false
			}
			if ch = hex2chr(from, i+1); ch < 0 {
				return false
			}
			i += 2
			wasEsc = true
		}
		if ch <= 0x1f || ch >= 0x7f || strings.IndexByte(urlUnsafeChars, byte(ch)) >= 0 || wasEsc && strings.IndexByte(urlReserved, byte(ch)) >= 0 {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[ch>>4])
			b.WriteByte("0123456789ABCDEF"[ch&15])
		} else {
			b.WriteByte(byte(ch))
		}
	}
	return true
}

// spanOf returns the length of the prefix of s made of chars.
func spanOf(s, chars string) int {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(chars, s[i]) < 0 {
			return i
		}
	}
	return len(s)
}

// normalizeURL is urlmatch.c's url_normalize, as far as check_submodule_url
// needs it: the normalized URL, or false for what git refuses as a URL.
func normalizeURL(url string) (string, bool) {
	var norm strings.Builder
	n := spanOf(url, urlSchemeChars)
	if n == 0 || !isAlpha(url[0]) || n+3 > len(url) || url[n:n+3] != "://" {
		return "", false
	}
	norm.WriteString(strings.ToLower(url[:n+3]))
	scheme := norm.String()
	url = url[n+3:]

	// User and password.
	slash := strings.IndexAny(url, "/?#")
	if slash < 0 {
		slash = len(url)
	}
	if atSign := strings.IndexByte(url, '@'); atSign >= 0 && atSign < slash {
		if !appendNormalizedEscapes(&norm, url[:atSign]) {
			return "", false
		}
		norm.WriteByte('@')
		url = url[atSign+1:]
		slash -= atSign + 1
	}

	// Host and port.
	hasHost := url != "" && strings.IndexByte(":/?#", url[0]) < 0
	if !hasHost && !strings.HasPrefix(scheme, "file:") {
		return "", false
	}
	colon := slash - 1
	for colon > 0 && url[colon] != ':' && url[colon] != ']' {
		colon--
	}
	if colon < 0 || url[colon] != ':' {
		colon = slash
	} else if !hasHost && colon+1 != slash {
		return "", false // a file: URL may not have a port
	}
	if spanOf(url, urlHostChars) < colon {
		return "", false
	}
	norm.WriteString(strings.ToLower(url[:colon]))
	if colon < slash {
		port := strings.TrimLeft(url[colon+1:slash], "0")
		if port == "" && colon+1 < slash {
			port = "0" // all zeros
		}
		switch {
		case port == "":
		case port == "80" && strings.HasPrefix(scheme, "http:"):
		case port == "443" && strings.HasPrefix(scheme, "https:"):
		default:
			if spanOf(port, "0123456789") < len(port) || len(port) > 5 || atoiPort(port) == 0 || atoiPort(port) > 65535 {
				return "", false
			}
			norm.WriteByte(':')
			norm.WriteString(port)
		}
	}
	url = url[slash:]

	// The path, its . and .. segments resolved.
	out := []byte(norm.String())
	pathStart := len(out)
	out = append(out, '/')
	url = strings.TrimPrefix(url, "/")
	for {
		segStart := len(out)
		end := strings.IndexAny(url, "/?#")
		if end < 0 {
			end = len(url)
		}
		var seg strings.Builder
		if !appendNormalizedEscapes(&seg, url[:end]) {
			return "", false
		}
		out = append(out, seg.String()...)
		skipSlash := false
		switch string(out[segStart:]) {
		case ".":
			if segStart == pathStart+1 {
				out = out[:len(out)-1]
				skipSlash = true
			} else {
				out = out[:len(out)-2]
			}
		case "..":
			prev := len(out) - 3
			if prev == pathStart {
				return "", false // no segment to remove
			}
			for prev--; out[prev] != '/'; prev-- {
			}
			if prev == pathStart {
				out = out[:prev+1]
				skipSlash = true
			} else {
				out = out[:prev]
			}
		}
		url = url[end:]
		if !strings.HasPrefix(url, "/") {
			break
		}
		url = url[1:]
		if !skipSlash {
			out = append(out, '/')
		}
	}
	if url != "" {
		var rest strings.Builder
		if !appendNormalizedEscapes(&rest, url) {
			return "", false
		}
		out = append(out, rest.String()...)
	}
	return string(out), true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func atoiPort(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

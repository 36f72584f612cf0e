package provenance

// The allowed_signers format is OpenSSH's (ssh-keygen(1), ALLOWED SIGNERS),
// which git also uses for gpg.ssh.allowedSignersFile:
//
//	principals [options] keytype base64 [comment]
//
// The decisions here follow OpenSSH 9's sshsig.c and match.c so that a file
// means the same to agentcheck as to `ssh-keygen -Y verify`. Where OpenSSH is
// lenient the parser is strict, because a gate should fail on a file it may
// misread rather than guess: any bad line fails the whole file, where
// ssh-keygen skips lines whose principals do not match before parsing them.

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// maxPatternLen is OpenSSH's limit on one pattern of a list (match.c's
// 1024-byte buffer); a longer pattern never matches there, so it is refused.
const maxPatternLen = 1023

// AllowedSigners is a parsed allowed_signers file.
type AllowedSigners struct {
	Name    string // the file's name, for messages
	Entries []AllowedSigner
}

// AllowedSigner is one line of an allowed_signers file.
type AllowedSigner struct {
	Line int // 1-based line number in the file
	// Principals are the identity patterns: "*" and "?" wildcards, a leading
	// "!" negates (a matching negated pattern refuses the whole entry).
	Principals []string
	// Namespaces restricts the signature namespaces (patterns as above); nil
	// means any namespace.
	Namespaces []string
	// ValidAfter and ValidBefore bound the verification time, both inclusive;
	// the zero time means no bound.
	ValidAfter, ValidBefore time.Time
	Key                     ssh.PublicKey
	Comment                 string
}

// ParseAllowedSigners parses an allowed_signers file. name is used in errors,
// which read "name:line: …". Times without a Z or UTC suffix are in the local
// time zone, as in ssh-keygen.
func ParseAllowedSigners(data []byte, name string) (*AllowedSigners, error) {
	a := &AllowedSigners{Name: name}
	for i, line := range bytes.Split(data, []byte("\n")) {
		text := strings.TrimLeft(strings.TrimSuffix(string(line), "\r"), " \t")
		if text == "" || text[0] == '#' {
			continue
		}
		e, err := parseSignerLine(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		e.Line = i + 1
		a.Entries = append(a.Entries, e)
	}
	return a, nil
}

func parseSignerLine(text string) (AllowedSigner, error) {
	var e AllowedSigner
	principals, rest, err := cutPrincipals(text)
	if err != nil {
		return e, err
	}
	if e.Principals, err = parsePatternList(principals, "principal"); err != nil {
		return e, err
	}
	first, _ := cutField(rest)
	if first == "" {
		return e, errors.New("missing key")
	}
	if !isKeyTypeName(first) {
		var opts string
		if opts, rest, err = cutOptions(rest); err != nil {
			return e, err
		}
		if err := parseSignerOptions(opts, &e); err != nil {
			return e, err
		}
	}
	e.Key, e.Comment, err = parseKeyField(rest)
	return e, err
}

// cutPrincipals splits off the principals field, which may be quoted.
func cutPrincipals(text string) (principals, rest string, err error) {
	if quoted, ok := strings.CutPrefix(text, `"`); ok {
		principals, rest, ok = strings.Cut(quoted, `"`)
		if !ok {
			return "", "", errors.New("unterminated quoted principals")
		}
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return "", "", errors.New("no space after quoted principals")
		}
		return principals, strings.TrimLeft(rest, " \t"), nil
	}
	principals, rest = cutField(text)
	if strings.Contains(principals, `"`) {
		return "", "", fmt.Errorf("stray quote in principals %q", principals)
	}
	return principals, rest, nil
}

// cutField splits text at the first space or tab and trims the rest's leading
// blanks.
func cutField(text string) (field, rest string) {
	i := strings.IndexAny(text, " \t")
	if i < 0 {
		return text, ""
	}
	return text[:i], strings.TrimLeft(text[i:], " \t")
}

// cutOptions splits off the options field, which ends at the first space or
// tab outside double quotes (\" does not end a quote).
func cutOptions(text string) (opts, rest string, err error) {
	quoted := false
	i := 0
	for ; i < len(text) && (quoted || (text[i] != ' ' && text[i] != '\t')); i++ {
		switch {
		case text[i] == '\\' && i+1 < len(text) && text[i+1] == '"':
			i++
		case text[i] == '"':
			quoted = !quoted
		}
	}
	if quoted {
		return "", "", errors.New("unterminated quote in options")
	}
	rest = strings.TrimLeft(text[i:], " \t")
	if rest == "" {
		return "", "", errors.New("missing key after options")
	}
	return text[:i], rest, nil
}

// parsePatternList splits a comma-separated pattern list, refusing empty or
// over-long patterns (which OpenSSH would silently never match).
func parsePatternList(list, what string) ([]string, error) {
	if list == "" {
		return nil, fmt.Errorf("empty %s list", what)
	}
	patterns := strings.Split(list, ",")
	for _, p := range patterns {
		if strings.TrimPrefix(p, "!") == "" {
			return nil, fmt.Errorf("empty %s pattern in %q", what, list)
		}
		if len(p) > maxPatternLen {
			return nil, fmt.Errorf("%s pattern longer than %d bytes", what, maxPatternLen)
		}
		if strings.ContainsAny(p, " \t\"") {
			return nil, fmt.Errorf("%s pattern %q contains a blank or a quote", what, p)
		}
		// OpenSSH splits fields at \r and \n too; refuse rather than
		// disagree with it.
		if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return nil, fmt.Errorf("%s pattern %q contains a control character", what, p)
		}
	}
	return patterns, nil
}

// parseSignerOptions parses the comma-separated options field into e. Option
// names are case-insensitive and values must be double-quoted, as in OpenSSH.
func parseSignerOptions(opts string, e *AllowedSigner) error {
	seen := map[string]bool{}
	for opts != "" {
		name, value, rest, err := cutOption(opts)
		if err != nil {
			return err
		}
		if seen[name] {
			return fmt.Errorf("multiple %q options", name)
		}
		seen[name] = true
		if err := applySignerOption(name, value, e); err != nil {
			return err
		}
		opts = rest
	}
	if !e.ValidAfter.IsZero() && !e.ValidBefore.IsZero() && !e.ValidBefore.After(e.ValidAfter) {
		return errors.New(`"valid-before" is not after "valid-after"`)
	}
	return nil
}

// cutOption splits off one name="value" or flag option.
func cutOption(opts string) (name, value, rest string, err error) {
	lower := strings.ToLower(opts)
	if strings.HasPrefix(lower, "cert-authority") {
		return "", "", "", errors.New("cert-authority entries are not supported; list the signing keys themselves")
	}
	eq := strings.IndexByte(opts, '=')
	comma := strings.IndexByte(opts, ',')
	if eq < 0 || (comma >= 0 && comma < eq) {
		field, _, _ := strings.Cut(opts, ",")
		return "", "", "", fmt.Errorf("unknown option or key type %q", field)
	}
	name = lower[:eq]
	value, rest, err = cutQuoted(opts[eq+1:])
	if err != nil {
		return "", "", "", fmt.Errorf("option %q: %w", name, err)
	}
	if rest != "" {
		var ok bool
		if rest, ok = strings.CutPrefix(rest, ","); !ok || rest == "" {
			return "", "", "", fmt.Errorf("option %q: want a comma and another option after the value", name)
		}
	}
	return name, value, rest, nil
}

// cutQuoted reads a double-quoted value at the start of s. Backslash and
// quote are refused inside values: no option needs them, and refusing them
// keeps every entry writable back in the same form.
func cutQuoted(s string) (value, rest string, err error) {
	body, ok := strings.CutPrefix(s, `"`)
	if !ok {
		return "", "", errors.New("value must be double-quoted")
	}
	value, rest, ok = strings.Cut(body, `"`)
	if !ok {
		return "", "", errors.New("missing closing quote")
	}
	if strings.Contains(value, `\`) {
		return "", "", errors.New("backslash in value")
	}
	return value, rest, nil
}

func applySignerOption(name, value string, e *AllowedSigner) error {
	var err error
	switch name {
	case "namespaces":
		e.Namespaces, err = parsePatternList(value, "namespace")
	case "valid-after":
		e.ValidAfter, err = parseSignerTime(value)
	case "valid-before":
		e.ValidBefore, err = parseSignerTime(value)
	default:
		return fmt.Errorf("unknown option %q", name)
	}
	if err != nil {
		return fmt.Errorf("option %q: %w", name, err)
	}
	return nil
}

// parseSignerTime parses YYYYMMDD[HHMM[SS]] with an optional Z or UTC suffix
// (case-insensitive) for UTC; otherwise the time is local, as in ssh-keygen.
func parseSignerTime(s string) (time.Time, error) {
	loc := time.Local
	digits := s
	for _, suffix := range []string{"z", "utc"} {
		if len(digits) > len(suffix) && strings.EqualFold(digits[len(digits)-len(suffix):], suffix) {
			digits, loc = digits[:len(digits)-len(suffix)], time.UTC
			break
		}
	}
	if len(digits) != 8 && len(digits) != 12 && len(digits) != 14 {
		return time.Time{}, fmt.Errorf("time %q is not YYYYMMDD[HHMM[SS]][Z]", s)
	}
	var f [6]int // year, month, day, hour, minute, second
	for i := 0; i*2+4 <= len(digits); i++ {
		start, end := i*2+2, i*2+4
		if i == 0 {
			start = 0
		}
		n, err := strconv.Atoi(digits[start:end])
		if err != nil || strings.Trim(digits[start:end], "0123456789") != "" {
			return time.Time{}, fmt.Errorf("time %q is not YYYYMMDD[HHMM[SS]][Z]", s)
		}
		f[i] = n
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 {
		return time.Time{}, fmt.Errorf("time %q is out of range", s)
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc)
	if t.Unix() <= 0 {
		return time.Time{}, fmt.Errorf("time %q is not after 1970", s)
	}
	return t, nil
}

// isKeyTypeName reports whether field names an SSH key type, which tells the
// key field from the options field as OpenSSH's sshkey_read does.
func isKeyTypeName(field string) bool {
	_, ok := sigFormats[field]
	return ok || field == "ssh-dss" || strings.HasSuffix(field, "-cert-v01@openssh.com")
}

// parseKeyField parses "keytype base64 [comment]".
func parseKeyField(text string) (ssh.PublicKey, string, error) {
	keyType, rest := cutField(text)
	if _, ok := sigFormats[keyType]; !ok {
		if strings.HasSuffix(keyType, "-cert-v01@openssh.com") {
			return nil, "", fmt.Errorf("certificate keys (%s) are not supported; list the signing keys themselves", keyType)
		}
		return nil, "", fmt.Errorf("unsupported key type %q", keyType)
	}
	b64, comment := cutField(rest)
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || b64 == "" {
		return nil, "", fmt.Errorf("invalid base64 for %s key", keyType)
	}
	key, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return nil, "", fmt.Errorf("invalid %s key: %w", keyType, err)
	}
	if key.Type() != keyType {
		return nil, "", fmt.Errorf("key is %s but the line says %s", key.Type(), keyType)
	}
	return key, strings.TrimSpace(comment), nil
}

// Allowed reports whether an entry of a trusts key to sign in namespace as
// principal at time at, as `ssh-keygen -Y verify -I principal -n namespace
// -Overify-time=at` would. Principals are matched case-sensitively, as in
// OpenSSH.
func (a *AllowedSigners) Allowed(key ssh.PublicKey, namespace, principal string, at time.Time) bool {
	for _, e := range a.trusting(key, namespace, at) {
		if matchPatternList(principal, e.Principals) == 1 {
			return true
		}
	}
	return false
}

// Principals returns the principals field (a comma-separated pattern list) of
// each entry that trusts key for namespace at time at, in file order. It is
// empty if the key is not trusted at all.
func (a *AllowedSigners) Principals(key ssh.PublicKey, namespace string, at time.Time) []string {
	var out []string
	for _, e := range a.trusting(key, namespace, at) {
		out = append(out, strings.Join(e.Principals, ","))
	}
	return out
}

// trusting returns the entries that list key and allow namespace at time at.
func (a *AllowedSigners) trusting(key ssh.PublicKey, namespace string, at time.Time) []*AllowedSigner {
	if a == nil {
		return nil
	}
	var out []*AllowedSigner
	for i := range a.Entries {
		e := &a.Entries[i]
		if sameKey(e.Key, key) && e.refusal(namespace, at) == "" {
			out = append(out, e)
		}
	}
	return out
}

// refusal says why e does not allow namespace at time at, or "" if it does.
// Times are compared in whole seconds, as OpenSSH does.
func (e *AllowedSigner) refusal(namespace string, at time.Time) string {
	if e.Namespaces != nil && matchPatternList(namespace, e.Namespaces) != 1 {
		return fmt.Sprintf("not for namespace %q (namespaces=%q)", namespace, strings.Join(e.Namespaces, ","))
	}
	if !e.ValidAfter.IsZero() && at.Unix() < e.ValidAfter.Unix() {
		return fmt.Sprintf("not valid before %s", e.ValidAfter.UTC().Format(time.RFC3339))
	}
	if !e.ValidBefore.IsZero() && at.Unix() > e.ValidBefore.Unix() {
		return fmt.Sprintf("expired at %s", e.ValidBefore.UTC().Format(time.RFC3339))
	}
	return ""
}

// refusals explains, for messages, why entries listing key do not trust it
// for namespace at time at, e.g. "allowed_signers:3: expired at …".
func (a *AllowedSigners) refusals(key ssh.PublicKey, namespace string, at time.Time) []string {
	if a == nil {
		return nil
	}
	var out []string
	for i := range a.Entries {
		e := &a.Entries[i]
		if !sameKey(e.Key, key) {
			continue
		}
		if why := e.refusal(namespace, at); why != "" {
			out = append(out, fmt.Sprintf("%s:%d: %s", a.Name, e.Line, why))
		}
	}
	return out
}

// Marshal writes a back in allowed_signers format, one line per entry, times
// in UTC. Comments and blank lines of the original are not kept.
func (a *AllowedSigners) Marshal() []byte {
	var b bytes.Buffer
	for _, e := range a.Entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// String formats e as one allowed_signers line.
func (e AllowedSigner) String() string {
	// Values go between quotes verbatim: the parser refuses quotes,
	// backslashes and control characters in them.
	var parts []string
	principals := strings.Join(e.Principals, ",")
	if strings.HasPrefix(principals, "#") {
		principals = `"` + principals + `"` // unquoted, the line would be a comment
	}
	parts = append(parts, principals)
	var opts []string
	if e.Namespaces != nil {
		opts = append(opts, `namespaces="`+strings.Join(e.Namespaces, ",")+`"`)
	}
	if !e.ValidAfter.IsZero() {
		opts = append(opts, `valid-after="`+e.ValidAfter.UTC().Format("20060102150405Z")+`"`)
	}
	if !e.ValidBefore.IsZero() {
		opts = append(opts, `valid-before="`+e.ValidBefore.UTC().Format("20060102150405Z")+`"`)
	}
	if len(opts) > 0 {
		parts = append(parts, strings.Join(opts, ","))
	}
	parts = append(parts, strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(e.Key)), "\n"))
	if e.Comment != "" {
		parts = append(parts, e.Comment)
	}
	return strings.Join(parts, " ")
}

// matchPatternList is OpenSSH's match_pattern_list: 1 if s matches a pattern
// of the list, -1 if it matches a negated ("!") one (which wins), else 0.
func matchPatternList(s string, patterns []string) int {
	result := 0
	for _, p := range patterns {
		negated := false
		if rest, ok := strings.CutPrefix(p, "!"); ok {
			p, negated = rest, true
		}
		if matchPattern(s, p) {
			if negated {
				return -1
			}
			result = 1
		}
	}
	return result
}

// matchPattern is OpenSSH's match_pattern ("*" any run of bytes, "?" one
// byte), but iterative: OpenSSH's recursion is exponential in the number of
// stars, and the string matched (a commit email) comes from the attacker.
func matchPattern(s, p string) bool {
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			si++
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

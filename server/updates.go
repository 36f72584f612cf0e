package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/agentcheck/agentcheck/internal/git"
)

// Update is one line of a pre-receive hook's input: a ref and the values
// the push moves it between.
type Update struct {
	// Old is the ref's value before the push; zero when the push creates it.
	Old git.Hash
	// New is the value the push gives the ref; zero when the push deletes it.
	New git.Hash
	// Ref is the full ref name, e.g. refs/heads/main.
	Ref string
}

// Created reports whether the push creates the ref.
func (u Update) Created() bool { return u.Old.IsZero() && !u.New.IsZero() }

// Deleted reports whether the push deletes the ref.
func (u Update) Deleted() bool { return u.New.IsZero() }

// String returns the update as git writes it to the hook, without the
// newline.
func (u Update) String() string { return u.Old.String() + " " + u.New.String() + " " + u.Ref }

// Errors of [ParseUpdates].
var (
	// ErrMalformedInput is wrapped by every error about input that is not
	// what git writes to a pre-receive hook.
	ErrMalformedInput = errors.New("malformed pre-receive input")
	// ErrSHA256 means the input holds a SHA-256 object id: the repository
	// uses an object format agentcheck cannot read yet.
	ErrSHA256 = errors.New("SHA-256 object ids are not supported yet")
)

// Input limits. Git writes one short line per ref; anything longer is not
// from git.
const (
	maxLineLen = 64 << 10 // bytes per line, ref name included
	maxUpdates = 1 << 20  // lines
)

// ParseUpdates reads the input git gives a pre-receive hook: one line
// "<old> SP <new> SP <ref> LF" per ref the push updates. An id is 40 hex
// digits (SHA-1) or 64 (SHA-256); the zero id of either length means "no
// such ref" (creation, deletion). A non-zero SHA-256 id is [ErrSHA256]. The
// input is hostile as far as this function knows: every line must be exactly
// that shape, ids of one line the same length, the ref a valid name under
// refs/ that appears once; anything else is an error wrapping
// [ErrMalformedInput] that names the line. The final newline may be missing;
// an empty input is no updates.
func ParseUpdates(r io.Reader) ([]Update, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineLen)
	sc.Split(splitLF)
	var updates []Update
	seen := map[string]bool{}
	for n := 1; sc.Scan(); n++ {
		if n > maxUpdates {
			return nil, fmt.Errorf("%w: more than %d lines", ErrMalformedInput, maxUpdates)
		}
		u, err := parseLine(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if seen[u.Ref] {
			return nil, fmt.Errorf("line %d: %w: ref %s is updated twice", n, ErrMalformedInput, u.Ref)
		}
		seen[u.Ref] = true
		updates = append(updates, u)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: %w: longer than %d bytes", len(updates)+1, ErrMalformedInput, maxLineLen)
		}
		return nil, fmt.Errorf("reading pre-receive input: %w", err)
	}
	return updates, nil
}

// splitLF splits at '\n' only: unlike bufio.ScanLines it keeps a '\r',
// which git never writes, so that it is refused with the line.
func splitLF(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func parseLine(line []byte) (Update, error) {
	var u Update
	oldHex, rest, ok1 := bytes.Cut(line, []byte(" "))
	newHex, ref, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 {
		return u, fmt.Errorf("%w: want \"<old> <new> <ref>\", got %s", ErrMalformedInput, quote(line))
	}
	if len(oldHex) != len(newHex) {
		return u, fmt.Errorf("%w: old and new ids differ in length (%d and %d digits)", ErrMalformedInput, len(oldHex), len(newHex))
	}
	var err error
	if u.Old, err = parseID(oldHex); err != nil {
		return u, fmt.Errorf("old id: %w", err)
	}
	if u.New, err = parseID(newHex); err != nil {
		return u, fmt.Errorf("new id: %w", err)
	}
	if !ValidRefName(string(ref)) {
		return u, fmt.Errorf("%w: invalid ref name %s", ErrMalformedInput, quote(ref))
	}
	u.Ref = string(ref)
	return u, nil
}

// parseID parses an object id of 40 or 64 hex digits; an all-zero id of
// either length is the zero hash.
func parseID(b []byte) (git.Hash, error) {
	var h git.Hash
	if len(b) != 40 && len(b) != 64 {
		return h, fmt.Errorf("%w: object id of %d characters (want 40 or 64 hex digits)", ErrMalformedInput, len(b))
	}
	zero := true
	for _, c := range b {
		switch {
		case c == '0':
		case '1' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
			zero = false
		default:
			return h, fmt.Errorf("%w: object id %s is not hex", ErrMalformedInput, quote(b))
		}
	}
	if zero {
		return h, nil
	}
	if len(b) == 64 {
		return h, fmt.Errorf("object id %s: %w", b, ErrSHA256)
	}
	h, _ = git.ParseHash(string(b))
	return h, nil
}

// ValidRefName reports whether name is a ref name git's receive-pack
// accepts: under refs/, and valid by git check-ref-format's rules
// ([git.ValidRefName]). Bytes of 0x80 and above are allowed, as in git:
// print ref names escaped.
func ValidRefName(name string) bool {
	return strings.HasPrefix(name, "refs/") && git.ValidRefName(name)
}

// quote shows untrusted input in a message: quoted, escaped, and cut to a
// readable length.
func quote(b []byte) string {
	const max = 80
	if len(b) > max {
		return strconv.QuoteToASCII(string(b[:max])) + "…"
	}
	return strconv.QuoteToASCII(string(b))
}

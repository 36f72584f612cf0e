package git

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Commit is a parsed commit object.
type Commit struct {
	Hash plumbing.Hash
	Tree plumbing.Hash
	// Parents are the parent commits in order; the first parent is the
	// branch the commit was made on.
	Parents   []plumbing.Hash
	Author    Signature
	Committer Signature
	// Message is the commit message as stored, after the header.
	Message string
}

// Signature is the author or committer of a commit.
type Signature struct {
	Name  string
	Email string
	// When is the time recorded in the commit, in the recorded zone. A
	// time git could not parse either is the Unix epoch.
	When time.Time
}

// maxPeel bounds the annotated tags followed from one name to the object
// they tag: a chain longer than this is refused.
const maxPeel = 16

// Peel follows annotated tags from h to the object they tag and returns it
// with its type; an object that is not a tag is returned as it is. A missing
// object is the reader's error, which wraps plumbing.ErrObjectNotFound.
func Peel(r ObjectReader, h plumbing.Hash) (plumbing.Hash, plumbing.ObjectType, error) {
	for range maxPeel {
		t, data, err := r.Read(h)
		if err != nil {
			return plumbing.ZeroHash, plumbing.InvalidObject, err // the reader names the object
		}
		if t != plumbing.TagObject {
			return h, t, nil
		}
		target, ok := tagTarget(data)
		if !ok {
			return plumbing.ZeroHash, plumbing.InvalidObject, fmt.Errorf("tag %s is malformed", h)
		}
		h = target
	}
	return plumbing.ZeroHash, plumbing.InvalidObject, fmt.Errorf("tags nested too deep at %s", h)
}

// tagTarget returns the object an annotated tag points to: its first line
// is "object <hex>".
func tagTarget(data []byte) (plumbing.Hash, bool) {
	line, _, _ := cutLine(data)
	obj, found := bytes.CutPrefix(line, []byte("object "))
	if !found {
		return ZeroHash, false
	}
	return parseObjectID(obj)
}

// ErrMalformedCommit is wrapped by errors about commit objects that cannot
// be parsed.
var ErrMalformedCommit = errors.New("malformed commit")

// ParseCommit parses the raw commit object data whose id is h, as git does:
// the first header line names the tree, the "parent" lines right after it
// name the parents, the first "author" and "committer" lines name the
// people, and the message follows the first empty line. Other headers
// (gpgsig, mergetag, encoding) are skipped. Malformed identities are kept as
// far as they parse; a missing or malformed tree or parent is an error.
func ParseCommit(h plumbing.Hash, data []byte) (*Commit, error) {
	f, err := splitCommit(h, data)
	if err != nil {
		return nil, err
	}
	c := &Commit{Hash: h, Tree: f.tree, Parents: f.parents}
	if f.author != nil {
		c.Author = parseSignature(f.author)
	}
	if f.committer != nil {
		c.Committer = parseSignature(f.committer)
	}
	if f.message != nil {
		c.Message = string(f.message)
	}
	return c, nil
}

// CommitNode is what a walk of the history knows of a commit.
type CommitNode struct {
	Hash    plumbing.Hash
	Parents []plumbing.Hash
	// Time is the committer date in seconds since the Unix epoch, as
	// ParseCommit reads it (Committer.When.Unix()).
	Time int64
	// Data is the raw commit when the walk kept it (see [WalkNodes]), so
	// that a caller need not read and inflate it a second time; nil
	// otherwise. It must not be modified.
	Data []byte
}

// parseCommitNode parses what a walk needs of a commit, by the rules of
// ParseCommit, without copying its identities or its message.
func parseCommitNode(h plumbing.Hash, data []byte) (CommitNode, error) {
	f, err := splitCommit(h, data)
	if err != nil {
		return CommitNode{}, err
	}
	n := CommitNode{Hash: h, Parents: f.parents}
	if f.committer != nil {
		n.Time, _ = signatureDate(f.committer)
	}
	return n, nil
}

// commitFields are the parts of a raw commit, as ParseCommit finds them.
// author, committer and message are nil when the commit has none.
type commitFields struct {
	tree                       plumbing.Hash
	parents                    []plumbing.Hash
	author, committer, message []byte
}

func splitCommit(h plumbing.Hash, data []byte) (commitFields, error) {
	var f commitFields
	rest := data
	line, rest, ok := cutLine(rest)
	tree, found := bytes.CutPrefix(line, []byte("tree "))
	var valid bool
	if f.tree, valid = parseObjectID(tree); !ok || !found || !valid {
		return f, fmt.Errorf("commit %s: missing or bad tree line: %w", h, ErrMalformedCommit)
	}
	for {
		line, next, ok := cutLine(rest)
		parent, found := bytes.CutPrefix(line, []byte("parent "))
		if !ok || !found {
			break
		}
		p, ok := parseObjectID(parent)
		if !ok {
			return f, fmt.Errorf("commit %s: bad parent line: %w", h, ErrMalformedCommit)
		}
		f.parents = append(f.parents, p)
		rest = next
	}
	for len(rest) > 0 {
		line, next, ok := cutLine(rest)
		rest = next
		if !ok {
			break // a header without an ending newline: no message
		}
		if len(line) == 0 {
			f.message = rest
			if f.message == nil {
				f.message = []byte{}
			}
			break
		}
		if v, found := bytes.CutPrefix(line, []byte("author ")); found && f.author == nil {
			f.author = v
		} else if v, found := bytes.CutPrefix(line, []byte("committer ")); found && f.committer == nil {
			f.committer = v
		}
	}
	return f, nil
}

// cutLine splits b at its first newline. ok is false if b has none; line is
// then all of b.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i+1:], true
}

// parseSignature parses "Name <email> seconds +zone" the way git's
// split_ident_line does: the name ends at the first '<', the email at the
// first '>' after it, and the date follows the last '>'.
func parseSignature(b []byte) Signature {
	var s Signature
	s.When = time.Unix(0, 0).UTC()
	lt := bytes.IndexByte(b, '<')
	if lt < 0 {
		s.Name = string(bytes.TrimSpace(b))
		return s
	}
	s.Name = string(bytes.TrimSpace(b[:lt]))
	gt := bytes.IndexByte(b[lt:], '>')
	if gt < 0 {
		s.Email = string(b[lt+1:])
		return s
	}
	s.Email = string(b[lt+1 : lt+gt])
	t, zone := signatureDate(b)
	loc := time.UTC
	if len(zone) == 5 && (zone[0] == '+' || zone[0] == '-') {
		var hhmm int
		valid := true
		for _, c := range zone[1:] {
			if c < '0' || c > '9' {
				valid = false
				break
			}
			hhmm = hhmm*10 + int(c-'0')
		}
		if valid && hhmm != 0 {
			off := (hhmm/100*60 + hhmm%100) * 60
			if zone[0] == '-' {
				off = -off
			}
			loc = time.FixedZone(string(zone), off)
		}
	}
	s.When = time.Unix(t, 0).In(loc)
	return s
}

// signatureDate returns the seconds and the zone of the date of an
// identity line as parseSignature reads it: what follows the last '>',
// when an email is closed. Seconds git could not parse either are 0, the
// Unix epoch, and the zone is then nil.
func signatureDate(b []byte) (secs int64, zone []byte) {
	lt := bytes.IndexByte(b, '<')
	if lt < 0 || bytes.IndexByte(b[lt:], '>') < 0 {
		return 0, nil
	}
	date := bytes.TrimSpace(b[bytes.LastIndexByte(b, '>')+1:])
	digits, zone, _ := bytes.Cut(date, []byte(" "))
	if len(digits) == 0 || len(digits) > 18 {
		return 0, nil
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, nil
		}
		secs = secs*10 + int64(c-'0')
	}
	return secs, zone
}

// Trailers returns the trailer lines of the commit message: the lines of its
// final paragraph in "Key: value" form (the key one token of letters, digits
// and '-', the colon followed by a blank or the end of the line), trimmed. The first paragraph is the title and never holds
// trailers. Lines of the paragraph that are not in that form are skipped,
// so a trailer cannot be hidden by a line of prose next to it.
func (c *Commit) Trailers() []string {
	paragraphs := splitParagraphs(c.Message)
	if len(paragraphs) < 2 {
		return nil
	}
	var out []string
	for _, line := range strings.Split(paragraphs[len(paragraphs)-1], "\n") {
		line = strings.TrimSpace(line)
		if isTrailer(line) {
			out = append(out, line)
		}
	}
	return out
}

// splitParagraphs splits a message into paragraphs separated by lines that
// are empty or only whitespace.
func splitParagraphs(msg string) []string {
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
			cur = cur[:0]
		}
	}
	for line := range strings.SplitSeq(msg, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return paras
}

// isTrailer reports whether line has the form "Key: value" (or "Key:").
func isTrailer(line string) bool {
	key, value, found := strings.Cut(line, ":")
	if !found || key == "" || (value != "" && value[0] != ' ' && value[0] != '\t') {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Subject returns the first line of the commit message.
func (c *Commit) Subject() string {
	subject, _, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	return strings.TrimSpace(subject)
}

// encode writes s as a commit header records it: "Name <email> seconds
// +zone".
func (s Signature) encode(b *strings.Builder) {
	secs := max(s.When.Unix(), 0)
	fmt.Fprintf(b, "%s <%s> %d %s", s.Name, s.Email, secs, s.When.Format("-0700"))
}

// encodeCommit returns the raw commit object of tree with parents, made by
// sig, with message, as git writes it.
func encodeCommit(tree plumbing.Hash, parents []plumbing.Hash, sig Signature, message string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	b.WriteString("author ")
	sig.encode(&b)
	b.WriteString("\ncommitter ")
	sig.encode(&b)
	b.WriteString("\n\n")
	b.WriteString(message)
	return []byte(b.String())
}

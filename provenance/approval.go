package provenance

// Approvals: a maintainer's signed statement that some findings of a commit
// are accepted, the escalation path for a change the policy blocks but a
// reviewer has judged sound. An approval travels exactly like a session manifest —
// a DSSE envelope over an in-toto Statement whose subject is the commit, one
// line of the commit's note — with its own predicate type and its own trust:
// the key must be listed in the approvers file for the approver named in the
// predicate, not for the commit's author.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/crypto/ssh"
)

// Bounds of an approval predicate. An approval is written by a person and
// read by every verifier: the bounds keep a hostile note cheap to reject.
const (
	MaxApprovalCovers = 1000 // entries in covers
	MaxApprovalReason = 4096 // bytes of reason
	maxApproverLen    = 320  // bytes of approver (an email address's maximum)
	maxCoverPathLen   = 4096 // bytes of one path or glob
)

// ApprovalPredicate is the predicate of an approval
// (predicateType https://agentcheck.dev/approval/v1):
//
//	{"approver":"bob@example.com","time":"2026-11-26T10:00:00Z",
//	 "reason":"CI bump reviewed in #42",
//	 "covers":[{"rule":"AC004","path":".github/workflows/ci.yml"},
//	           {"rule":"AC007","glob":".github/workflows/**"}]}
//
// It names what it covers explicitly: a rule and a path, a rule and a glob, or
// a rule alone for the findings about the whole commit. There is no "every
// rule" and no "every path": an approval never covers a finding of a rule it
// does not name.
type ApprovalPredicate struct {
	// Approver is the approver's principal (their git user.email). The
	// signing key must be trusted for it in the approvers file.
	Approver string `json:"approver"`
	// Time is when the approval was signed, in UTC. Validity restrictions
	// of the approvers file (valid-after, valid-before) are checked at it.
	Time time.Time `json:"time"`
	// Reason is why the findings are accepted, in the approver's words.
	Reason string `json:"reason"`
	// Covers lists the findings the approval covers; never empty.
	Covers []ApprovalCover `json:"covers"`
}

// ApprovalCover names findings of one rule: those on Path exactly, those on a
// path matching Glob (doublestar syntax, case-sensitive), or — with neither
// set — the rule's findings about the commit as a whole (which have no path).
type ApprovalCover struct {
	Rule string `json:"rule"`
	Path string `json:"path,omitempty"`
	Glob string `json:"glob,omitempty"`
}

// Matches reports whether c covers a finding of rule on path ("" for a
// finding about the whole commit).
func (c ApprovalCover) Matches(rule, path string) bool {
	if c.Rule != rule {
		return false
	}
	if c.Glob != "" {
		ok, err := doublestar.Match(c.Glob, path)
		return path != "" && err == nil && ok
	}
	return c.Path == path
}

// String is "AC004 .github/workflows/ci.yml", "AC004 .github/** (glob)" or
// "AC001 (whole commit)".
func (c ApprovalCover) String() string {
	switch {
	case c.Glob != "":
		return c.Rule + " " + c.Glob + " (glob)"
	case c.Path != "":
		return c.Rule + " " + c.Path
	}
	return c.Rule + " (whole commit)"
}

// Approves reports whether the approval covers a finding of rule on path.
func (p *ApprovalPredicate) Approves(rule, path string) bool {
	for _, c := range p.Covers {
		if c.Matches(rule, path) {
			return true
		}
	}
	return false
}

var ruleIDRE = regexp.MustCompile(`^AC[0-9]{3}$`)

// Validate checks what every approval must satisfy. Errors wrap
// [ErrMalformed].
func (p *ApprovalPredicate) Validate() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("%w: approval: %w", ErrMalformed, err)
	}
	return nil
}

func (p *ApprovalPredicate) validate() error {
	if err := checkApprover(p.Approver); err != nil {
		return err
	}
	if p.Time.IsZero() {
		return errors.New("no time")
	}
	if y := p.Time.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("time %s is out of range", p.Time.Format(time.RFC3339))
	}
	if strings.TrimSpace(p.Reason) == "" {
		return errors.New("no reason")
	}
	if len(p.Reason) > MaxApprovalReason {
		return fmt.Errorf("reason of %d bytes exceeds the limit of %d", len(p.Reason), MaxApprovalReason)
	}
	if !utf8.ValidString(p.Reason) {
		return errors.New("reason is not valid UTF-8")
	}
	if len(p.Covers) == 0 {
		return errors.New("covers no finding")
	}
	if len(p.Covers) > MaxApprovalCovers {
		return fmt.Errorf("%d covers entries exceed the limit of %d", len(p.Covers), MaxApprovalCovers)
	}
	for i, c := range p.Covers {
		if err := c.validate(); err != nil {
			return fmt.Errorf("covers %d: %w", i, err)
		}
	}
	return nil
}

// checkApprover accepts an identity as allowed_signers principals are
// written, without the pattern characters: an approver is one identity, never
// a pattern.
func checkApprover(a string) error {
	switch {
	case a == "":
		return errors.New("no approver")
	case len(a) > maxApproverLen:
		return fmt.Errorf("approver of %d bytes exceeds the limit of %d", len(a), maxApproverLen)
	case !utf8.ValidString(a):
		return errors.New("approver is not valid UTF-8")
	}
	for _, r := range a {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`,*?!"`, r) {
			return fmt.Errorf("approver %q contains %q", a, r)
		}
	}
	return nil
}

func (c ApprovalCover) validate() error {
	if !ruleIDRE.MatchString(c.Rule) {
		return fmt.Errorf("rule %q is not a rule id like AC004", c.Rule)
	}
	if c.Path != "" && c.Glob != "" {
		return errors.New("both path and glob")
	}
	for _, p := range []string{c.Path, c.Glob} {
		if p == "" {
			continue
		}
		if len(p) > maxCoverPathLen {
			return fmt.Errorf("path of %d bytes exceeds the limit of %d", len(p), maxCoverPathLen)
		}
		if !utf8.ValidString(p) || strings.ContainsRune(p, 0) || strings.HasPrefix(p, "/") {
			return fmt.Errorf("%q is not a repository-relative path", p)
		}
	}
	if c.Glob != "" && !doublestar.ValidatePattern(c.Glob) {
		return fmt.Errorf("glob %q is not a valid pattern", c.Glob)
	}
	return nil
}

// BuildApprovalStatement wraps an approval of commit (hex id) into a
// statement ready for [SignStatement]. The time is stored in UTC, to the
// second.
func BuildApprovalStatement(commit string, p ApprovalPredicate) (*Statement, error) {
	p.Time = p.Time.UTC().Truncate(time.Second)
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("building approval of %s: %w", commit, err)
	}
	raw, err := marshalCompact(p)
	if err != nil {
		return nil, fmt.Errorf("encoding approval predicate: %w", err)
	}
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: "commit", Digest: map[string]string{"gitCommit": strings.ToLower(commit)}}},
		PredicateType: ApprovalPredicateType,
		Predicate:     raw,
	}, nil
}

// DecodeApprovalPredicate decodes and validates the predicate of an approval
// statement. Like [ParseEnvelope] it is strict, so that every verifier reads
// an approval the same way: exactly the documented fields, each once, and
// nothing unknown. Errors wrap [ErrMalformed].
func DecodeApprovalPredicate(st *Statement) (*ApprovalPredicate, error) {
	if st.PredicateType != ApprovalPredicateType {
		return nil, fmt.Errorf("%w: predicate type %q is not %q", ErrMalformed, st.PredicateType, ApprovalPredicateType)
	}
	p, err := decodeApproval(st.Predicate)
	if err != nil {
		return nil, fmt.Errorf("%w: approval: %w", ErrMalformed, err)
	}
	return p, nil
}

func decodeApproval(raw []byte) (*ApprovalPredicate, error) {
	fields, err := strictObject(raw, "approver", "time", "reason", "covers")
	if err != nil {
		return nil, err
	}
	p := new(ApprovalPredicate)
	if err := decodeField(fields, "approver", &p.Approver); err != nil {
		return nil, err
	}
	if err := decodeField(fields, "time", &p.Time); err != nil {
		return nil, err
	}
	if err := decodeField(fields, "reason", &p.Reason); err != nil {
		return nil, err
	}
	var covers []json.RawMessage
	if err := decodeField(fields, "covers", &covers); err != nil {
		return nil, err
	}
	if len(covers) > MaxApprovalCovers {
		return nil, fmt.Errorf("%d covers entries exceed the limit of %d", len(covers), MaxApprovalCovers)
	}
	for i, rc := range covers {
		c, err := decodeCover(rc)
		if err != nil {
			return nil, fmt.Errorf("covers %d: %w", i, err)
		}
		p.Covers = append(p.Covers, c)
	}
	return p, p.validate()
}

func decodeCover(raw []byte) (ApprovalCover, error) {
	var c ApprovalCover
	fields, err := strictObject(raw, "rule", "path", "glob")
	if err != nil {
		return c, err
	}
	if err := decodeField(fields, "rule", &c.Rule); err != nil {
		return c, err
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"path", &c.Path}, {"glob", &c.Glob}} {
		if _, ok := fields[f.name]; !ok {
			continue
		}
		if err := decodeField(fields, f.name, f.dst); err != nil {
			return c, err
		}
		if *f.dst == "" {
			return c, fmt.Errorf("empty %s", f.name)
		}
	}
	return c, nil
}

// ApprovalVerifyOptions says what an approval is checked against.
type ApprovalVerifyOptions struct {
	// Approvers is the trusted approvers file (allowed_signers format); nil
	// trusts nobody.
	Approvers *AllowedSigners
	// Commit is the hex id of the commit the note is attached to.
	Commit string
	// Presence is what the approval's signature must prove of the human
	// who made it (trust.presence): an approval signed with a key on disk
	// may have been made by an agent running as the approver.
	Presence Presence
}

// VerifiedApproval is what a successful verification established.
type VerifiedApproval struct {
	Predicate   *ApprovalPredicate
	Key         ssh.PublicKey
	Fingerprint string // SHA256:… of Key
	// ID identifies the approval: the hex SHA-256 of its signed statement.
	ID string
}

// VerifyApproval verifies an approval line: the envelope and its statement
// parse, the predicate is an approval; a signature is valid over the PAE in
// namespace "agentcheck"; its key is trusted in opts.Approvers at the
// approval's time for the approver the predicate names (the approver's own
// identity, not the commit's author: an approval is the approver's
// statement); and the subject is opts.Commit. Errors wrap the sentinels of
// [VerifyEnvelope] — ErrMalformed, ErrBadSignature, ErrUntrustedKey,
// ErrPrincipalMismatch, ErrSubjectMismatch — with messages that speak of
// approvers.
//
// Whether the approver may approve this commit (the two-person rule) and
// which findings the approval changes are the checker's business.
func VerifyApproval(env *Envelope, opts ApprovalVerifyOptions) (*VerifiedApproval, error) {
	if env == nil {
		return nil, fmt.Errorf("%w: no envelope", ErrMalformed)
	}
	st, payload, err := env.decodeStatement()
	if err != nil {
		return nil, err
	}
	pred, err := DecodeApprovalPredicate(st)
	if err != nil {
		return nil, err
	}
	pae := PAE(env.PayloadType, payload)
	var best error
	for i, sig := range env.Signatures {
		key, err := verifyApprovalSignature(sig, pae, pred, opts.Approvers)
		if err == nil {
			err = presenceOfEncoded(sig, opts.Presence)
		}
		if err == nil {
			if got, _ := subjectCommit(st); opts.Commit == "" || got != strings.ToLower(opts.Commit) {
				return nil, &approvalError{ErrSubjectMismatch, fmt.Sprintf("the approval is about commit %s, not %s", got, opts.Commit)}
			}
			sum := sha256.Sum256(payload)
			return &VerifiedApproval{Predicate: pred, Key: key, Fingerprint: ssh.FingerprintSHA256(key), ID: hex.EncodeToString(sum[:])}, nil
		}
		err = fmt.Errorf("signature %d: %w", i, err)
		if best == nil || rank(err) > rank(best) {
			best = err
		}
	}
	return nil, best
}

// verifyApprovalSignature checks one signature of an approval: parse,
// cryptography, and a key the approvers file trusts, at the approval's
// time, for the approver the approval names.
func verifyApprovalSignature(s Signature, pae []byte, pred *ApprovalPredicate, approvers *AllowedSigners) (ssh.PublicKey, error) {
	key, fp, principal, trusted, err := checkSignature(s, pae, approvers, pred.Time, []string{pred.Approver}, nil)
	switch {
	case err != nil && approvers == nil && errors.Is(err, ErrUntrustedKey):
		return nil, &approvalError{ErrUntrustedKey, fmt.Sprintf("key %s is not trusted: there is no approvers file, so nobody may approve", fp)}
	case err != nil:
		return nil, err
	case principal == "":
		return nil, &approvalError{ErrPrincipalMismatch, fmt.Sprintf("key %s is trusted in %s for %s, not for the approver it names, %s",
			fp, approvers.Name, strings.Join(trusted, " or "), pred.Approver)}
	}
	return key, nil
}

// approvalError is a verification error whose message is written for
// approvals while errors.Is still finds its sentinel.
type approvalError struct {
	kind error
	msg  string
}

func (e *approvalError) Error() string { return e.msg }
func (e *approvalError) Unwrap() error { return e.kind }

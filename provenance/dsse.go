package provenance

// DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse) is
// implemented here rather than imported: the format is a few lines, and the
// reference Go library prints to stdout on duplicate key ids, which would
// corrupt SARIF written there.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// MaxEnvelopeSize bounds one note line. A manifest is a few kilobytes; the
// bound keeps a hostile note from costing the verifier memory and time.
const MaxEnvelopeSize = 4 << 20

// MaxSignatures bounds the signatures of one envelope. agentcheck signs
// with one key; a verifier tries each signature, so without a bound one
// note line could make it check thousands.
const MaxSignatures = 8

// Envelope is a DSSE envelope: one line of a commit's agentcheck note.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     string      `json:"payload"` // standard base64 of the serialized Statement
	Signatures  []Signature `json:"signatures"`

	// parsed is what ParseEnvelope decoded from Payload. It is read only
	// while Payload is still the string it was decoded from, and never
	// changed: verifying a parsed line does not decode and parse its
	// payload a second time.
	parsed *parsedPayload
}

// parsedPayload is a decoded payload and the statement it holds, or why it
// holds none.
type parsedPayload struct {
	payload string // the Payload it was decoded from
	raw     []byte
	st      *Statement
	err     error // of parseStatement
}

// cached returns what ParseEnvelope decoded, if Payload is unchanged since.
func (e *Envelope) cached() *parsedPayload {
	if p := e.parsed; p != nil && p.payload == e.Payload {
		return p
	}
	return nil
}

// Signature is one DSSE signature. KeyID is a hint only: trust comes from the
// public key inside the SSHSIG.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"` // standard base64 of the raw binary SSHSIG blob
}

// PAE is DSSE v1's pre-authentication encoding, the bytes a signature covers:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in decimal. It
// binds the payload type so a signature cannot be replayed over the same
// bytes interpreted as another type.
func PAE(payloadType string, payload []byte) []byte {
	var b []byte
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	return append(b, payload...)
}

// ParseEnvelope parses one untrusted note line. It is strict, so that every
// verifier reads the same line the same way: one JSON object with exactly the
// DSSE fields (case-sensitive, no duplicates, no others), canonical base64,
// the in-toto payload type and at least one signature. It does not verify
// anything. Errors wrap [ErrMalformed].
func ParseEnvelope(line []byte) (*Envelope, error) {
	if len(line) > MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: envelope of %d bytes exceeds the limit of %d", ErrMalformed, len(line), MaxEnvelopeSize)
	}
	e, err := parseEnvelope(line)
	if err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrMalformed, err)
	}
	raw, _ := decodeBase64(e.Payload) // checked by parseEnvelope
	st, err := parseStatement(raw)
	e.parsed = &parsedPayload{payload: e.Payload, raw: raw, st: st, err: err}
	return e, nil
}

func parseEnvelope(line []byte) (*Envelope, error) {
	fields, err := strictObject(line, "payloadType", "payload", "signatures")
	if err != nil {
		return nil, err
	}
	e := new(Envelope)
	if err := decodeField(fields, "payloadType", &e.PayloadType); err != nil {
		return nil, err
	}
	if err := decodeField(fields, "payload", &e.Payload); err != nil {
		return nil, err
	}
	var sigs []json.RawMessage
	if err := decodeField(fields, "signatures", &sigs); err != nil {
		return nil, err
	}
	if len(sigs) > MaxSignatures {
		return nil, fmt.Errorf("%d signatures, over the limit of %d", len(sigs), MaxSignatures)
	}
	for i, raw := range sigs {
		sig, err := parseSignatureObject(raw)
		if err != nil {
			return nil, fmt.Errorf("signature %d: %w", i, err)
		}
		e.Signatures = append(e.Signatures, sig)
	}
	return e, e.validate()
}

func parseSignatureObject(raw []byte) (Signature, error) {
	var sig Signature
	fields, err := strictObject(raw, "keyid", "sig")
	if err != nil {
		return sig, err
	}
	if err := decodeField(fields, "keyid", &sig.KeyID); err != nil {
		return sig, err
	}
	return sig, decodeField(fields, "sig", &sig.Sig)
}

// validate checks what ParseEnvelope promises and MarshalLine requires.
func (e *Envelope) validate() error {
	_, err := e.decode()
	return err
}

// decode validates the envelope and returns its decoded payload.
func (e *Envelope) decode() ([]byte, error) {
	if e.PayloadType != PayloadType {
		return nil, fmt.Errorf("payloadType %q, want %q", e.PayloadType, PayloadType)
	}
	if e.Payload == "" {
		return nil, errors.New("empty payload")
	}
	var payload []byte
	if p := e.cached(); p != nil {
		payload = p.raw
	} else {
		var err error
		if payload, err = decodeBase64(e.Payload); err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
	}
	if len(e.Signatures) == 0 {
		return nil, errors.New("no signatures")
	}
	for i, s := range e.Signatures {
		if s.Sig == "" {
			return nil, fmt.Errorf("signature %d: empty sig", i)
		}
		if _, err := decodeBase64(s.Sig); err != nil {
			return nil, fmt.Errorf("signature %d: sig: %w", i, err)
		}
	}
	return payload, nil
}

// decodeBase64 accepts only canonical standard base64 with padding: Go's
// decoder would otherwise skip newlines, letting two different lines carry
// the same payload. In strict mode the decoder refuses every other
// non-canonical form (missing padding, non-zero padding bits, stray
// characters), so refusing CR and LF leaves exactly the canonical encoding.
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("non-canonical base64")
	}
	return base64.StdEncoding.Strict().DecodeString(s)
}

// MarshalLine encodes e as one compact JSON line without a trailing newline.
// The encoding is deterministic, and it refuses an envelope ParseEnvelope
// would reject, so that what we write we can read.
func (e *Envelope) MarshalLine() ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, fmt.Errorf("marshaling envelope: %w", err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("marshaling envelope: %w", err)
	}
	return b, nil
}

// SignStatement serializes st compactly and signs it into a DSSE envelope whose
// signature is an SSHSIG in namespace [SignatureNamespace] over the PAE. It
// refuses a statement [Envelope.Statement] would reject.
func SignStatement(st *Statement, signer ssh.Signer) (*Envelope, error) {
	if err := validateStatement(st); err != nil {
		return nil, fmt.Errorf("signing statement: %w", err)
	}
	payload, err := marshalCompact(st)
	if err != nil {
		return nil, fmt.Errorf("signing statement: %w", err)
	}
	blob, err := SSHSign(signer, SignatureNamespace, PAE(PayloadType, payload))
	if err != nil {
		return nil, fmt.Errorf("signing statement: %w", err)
	}
	return &Envelope{
		PayloadType: PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(payload),
		Signatures: []Signature{{
			KeyID: ssh.FingerprintSHA256(signer.PublicKey()),
			Sig:   base64.StdEncoding.EncodeToString(blob),
		}},
	}, nil
}

// marshalCompact encodes v as compact JSON without HTML escaping, so that
// prompt text in a manifest stays readable.
func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Statement decodes and checks the envelope's payload: an in-toto Statement
// v1 with exactly one subject, {"name":"commit","digest":{"gitCommit":HEX}},
// HEX being 40 or 64 lowercase hex digits. The predicate is kept raw and its
// type is not checked. The payload is not verified here; see [VerifyEnvelope].
// Errors wrap [ErrMalformed].
func (e *Envelope) Statement() (*Statement, error) {
	st, err := e.statement()
	if err != nil {
		return nil, fmt.Errorf("%w: statement: %w", ErrMalformed, err)
	}
	return st, nil
}

func (e *Envelope) statement() (*Statement, error) {
	if p := e.cached(); p != nil {
		if p.err != nil {
			return nil, p.err
		}
		return p.st.clone(), nil
	}
	payload, err := decodeBase64(e.Payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return parseStatement(payload)
}

// clone returns a deep copy of st, so that a caller that changes the
// statement it was given cannot change what is verified next.
func (st *Statement) clone() *Statement {
	c := *st
	c.Subject = make([]Subject, len(st.Subject))
	for i, s := range st.Subject {
		c.Subject[i] = Subject{Name: s.Name, Digest: maps.Clone(s.Digest)}
	}
	c.Predicate = bytes.Clone(st.Predicate)
	return &c
}

// decodeStatement validates the envelope and parses its statement, decoding
// the payload once; it returns the decoded payload too. Errors wrap
// [ErrMalformed] as those of [Envelope.Statement] do.
func (e *Envelope) decodeStatement() (*Statement, []byte, error) {
	payload, err := e.decode()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: envelope: %w", ErrMalformed, err)
	}
	st, err := e.statement()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: statement: %w", ErrMalformed, err)
	}
	return st, payload, nil
}

// parseStatement parses a decoded payload as Envelope.Statement describes.
func parseStatement(payload []byte) (*Statement, error) {
	fields, err := strictObject(payload, "_type", "subject", "predicateType", "predicate")
	if err != nil {
		return nil, err
	}
	st := new(Statement)
	if err := decodeField(fields, "_type", &st.Type); err != nil {
		return nil, err
	}
	if err := decodeSubjects(fields["subject"], st); err != nil {
		return nil, err
	}
	if err := decodeField(fields, "predicateType", &st.PredicateType); err != nil {
		return nil, err
	}
	if raw, ok := fields["predicate"]; ok {
		st.Predicate = bytes.Clone(raw)
	}
	return st, validateStatement(st)
}

func decodeSubjects(raw json.RawMessage, st *Statement) error {
	var subjects []json.RawMessage
	if err := json.Unmarshal(raw, &subjects); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	for i, s := range subjects {
		fields, err := strictObject(s, "name", "digest")
		if err != nil {
			return fmt.Errorf("subject %d: %w", i, err)
		}
		var sub Subject
		if err := decodeField(fields, "name", &sub.Name); err != nil {
			return fmt.Errorf("subject %d: %w", i, err)
		}
		if err := decodeField(fields, "digest", &sub.Digest); err != nil {
			return fmt.Errorf("subject %d: %w", i, err)
		}
		st.Subject = append(st.Subject, sub)
	}
	return nil
}

// validateStatement checks the statement fields agentcheck relies on.
func validateStatement(st *Statement) error {
	if st.Type != StatementType {
		return fmt.Errorf("_type %q, want %q", st.Type, StatementType)
	}
	if _, err := subjectCommit(st); err != nil {
		return err
	}
	if st.PredicateType == "" {
		return errors.New("empty predicateType")
	}
	if !isJSONObject(st.Predicate) {
		return errors.New("predicate is missing or not a JSON object")
	}
	return nil
}

// subjectCommit returns the commit a statement is about.
func subjectCommit(st *Statement) (string, error) {
	if len(st.Subject) != 1 {
		return "", fmt.Errorf("%d subjects, want exactly 1", len(st.Subject))
	}
	s := st.Subject[0]
	if s.Name != "commit" {
		return "", fmt.Errorf("subject name %q, want \"commit\"", s.Name)
	}
	if len(s.Digest) != 1 {
		return "", fmt.Errorf("subject has %d digests, want only gitCommit", len(s.Digest))
	}
	c, ok := s.Digest["gitCommit"]
	if !ok || !isCommitHex(c) {
		return "", fmt.Errorf("subject digest %v, want gitCommit of 40 or 64 lowercase hex digits", s.Digest)
	}
	return c, nil
}

func isCommitHex(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

func isJSONObject(raw []byte) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// strictObject parses data as exactly one JSON object whose member names are
// all in allowed (compared case-sensitively) and appear once, and returns the
// raw members. Go's decoder alone would fold case and let a later duplicate
// win, so two readers could disagree on what a signed line says. Names equal
// under case folding count as the same name, at every depth.
func strictObject(data []byte, allowed ...string) (map[string]json.RawMessage, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	// Valid first: the scanner below relies on well-formed input, and
	// Valid's scanner bounds the nesting depth its recursion follows.
	if !json.Valid(data) {
		return nil, errors.New("not valid JSON")
	}
	s := jsonScanner{data: data}
	s.ws()
	if s.data[s.i] != '{' {
		return nil, errors.New("not a JSON object")
	}
	fields := make(map[string]json.RawMessage, len(allowed))
	err := s.object(func(name string, raw []byte) error {
		if !slices.Contains(allowed, name) {
			return fmt.Errorf("unknown field %q", name)
		}
		fields[name] = raw
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fields, nil
}

// decodeField decodes the required member name of fields into v.
func decodeField(fields map[string]json.RawMessage, name string, v any) error {
	raw, ok := fields[name]
	if !ok {
		return fmt.Errorf("missing field %q", name)
	}
	if p, ok := v.(*string); ok && len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		// A valid JSON string without escapes holds its value verbatim:
		// what json.Unmarshal would decode, without scanning it twice.
		*p = string(raw[1 : len(raw)-1])
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("field %q: %w", name, err)
	}
	return nil
}

// checkDuplicateKeys walks one JSON value and refuses an object that names a
// member twice, including names equal under case folding (which Go's decoder
// treats as the same field). It also refuses data after the value.
func checkDuplicateKeys(data []byte) error {
	if !json.Valid(data) { // also refuses data after the value
		return errors.New("not valid JSON")
	}
	s := jsonScanner{data: data}
	return s.value()
}

// jsonScanner walks JSON that json.Valid accepted, allocating for nothing
// but member names: it checks names for duplicates and hands the members of
// an object to a callback. It relies on its input being valid JSON and must
// never see any other.
type jsonScanner struct {
	data []byte
	i    int
}

// ws skips whitespace.
func (s *jsonScanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value skips one value, checking the objects in it.
func (s *jsonScanner) value() error {
	s.ws()
	switch s.data[s.i] {
	case '{':
		return s.object(nil)
	case '[':
		s.i++
		s.ws()
		if s.data[s.i] == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.value(); err != nil {
				return err
			}
			s.ws()
			c := s.data[s.i] // ',' or ']'
			s.i++
			if c == ']' {
				return nil
			}
		}
	case '"':
		s.str()
	default: // a number, true, false or null
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', ']', '}', ' ', '\t', '\r', '\n':
				return nil
			}
			s.i++
		}
	}
	return nil
}

// str skips the string at s.i and returns its raw content, between the
// quotes.
func (s *jsonScanner) str() []byte {
	start := s.i + 1
	i := start
	for {
		switch s.data[i] {
		case '\\':
			i += 2
			continue
		case '"':
			s.i = i + 1
			return s.data[start:i]
		}
		i++
	}
}

// object skips the object at s.i, refusing a member name equal to an
// earlier one under case folding. If member is not nil, it is called with
// each member's decoded name and raw value (without the whitespace around
// it, as json.Unmarshal fills a json.RawMessage).
func (s *jsonScanner) object(member func(name string, raw []byte) error) error {
	s.i++ // '{'
	s.ws()
	if s.data[s.i] == '}' {
		s.i++
		return nil
	}
	// Objects are small: a list of the names seen beats a map of their
	// folded forms until it is long.
	var seenList [][]byte
	var seenMap map[string]bool
	for {
		s.ws()
		name, err := memberName(s.str())
		if err != nil {
			return err
		}
		switch {
		case seenMap != nil:
			folded := foldName(string(name))
			if seenMap[folded] {
				return fmt.Errorf("duplicate member %q", name)
			}
			seenMap[folded] = true
		case slices.ContainsFunc(seenList, func(n []byte) bool { return sameName(n, name) }):
			return fmt.Errorf("duplicate member %q", name)
		default:
			if seenList = append(seenList, name); len(seenList) > 16 {
				seenMap = make(map[string]bool, 2*len(seenList))
				for _, n := range seenList {
					seenMap[foldName(string(n))] = true
				}
			}
		}
		s.ws()
		s.i++ // ':'
		s.ws()
		start := s.i
		if err := s.value(); err != nil {
			return err
		}
		if member != nil {
			if err := member(string(name), s.data[start:s.i]); err != nil {
				return err
			}
		}
		s.ws()
		c := s.data[s.i] // ',' or '}'
		s.i++
		if c == '}' {
			return nil
		}
	}
}

// sameName reports whether two member names are equal under foldName.
func sameName(a, b []byte) bool {
	if isASCII(a) && isASCII(b) {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if upperASCII(a[i]) != upperASCII(b[i]) {
				return false
			}
		}
		return true
	}
	return foldName(string(a)) == foldName(string(b))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// memberName decodes the raw content of a member name as encoding/json
// does. A name without escapes is its raw bytes (the input is valid UTF-8).
func memberName(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw, nil
	}
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	var name string
	if err := json.Unmarshal(quoted, &name); err != nil {
		return nil, fmt.Errorf("member name: %w", err)
	}
	return []byte(name), nil
}

// foldName folds a member name the way encoding/json matches names to struct
// fields: ASCII to upper case, other runes to upper(lower(r)).
func foldName(name string) string {
	return strings.Map(func(r rune) rune { return unicode.ToUpper(unicode.ToLower(r)) }, name)
}

package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Note is the account of one commit's note (agentcheck show): every line
// of it, each verified on its own. It is also the JSON output.
type Note struct {
	Commit string `json:"commit"`
	// TrustedSide says which commit the trusted files were read from, and
	// why that one.
	TrustedSide   string     `json:"trustedSide,omitempty"`
	SignersSource string     `json:"signersSource"`
	Manifests     []NoteLine `json:"manifests"`
	// ApproversSource is set when the note holds an approval.
	ApproversSource string `json:"approversSource,omitempty"`
}

// NoteLine is one line of a commit's note.
type NoteLine struct {
	Line      int                          `json:"line"`
	Status    string                       `json:"status"` // valid, or what is wrong
	Error     string                       `json:"error,omitempty"`
	Signer    string                       `json:"signer,omitempty"`
	KeyID     string                       `json:"keyid,omitempty"`
	Subject   string                       `json:"subject,omitempty"`
	Type      string                       `json:"predicateType,omitempty"`
	Session   *provenance.SessionPredicate `json:"session,omitempty"`
	Predicate json.RawMessage              `json:"predicate,omitempty"` // predicates other than sessions and approvals
	// Approval is the predicate of an approval line, whose signature is
	// judged against the approvers file.
	Approval *provenance.ApprovalPredicate `json:"approval,omitempty"`
	// digest is the SHA-256 of the line's payload, by which a later
	// manifest of the session names it (supersedes); JSON has the
	// predicate's supersedes field already.
	digest string
}

// ReadNote gives the account of commit c's note: a session manifest is
// verified against the trusted signers, an approval against the trusted
// approvers. Whether the rules accept them is for the check to say.
func ReadNote(c *git.Commit, note []byte, t *check.Trust) *Note {
	n := &Note{Commit: c.Hash.String(), SignersSource: t.SignersSource, Manifests: []NoteLine{}}
	for i, line := range bytes.Split(note, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m := readNoteLine(i+1, line, c, t.Signers, t.Approvers)
		if m.Approval != nil {
			n.ApproversSource = t.ApproversSource
		}
		n.Manifests = append(n.Manifests, m)
	}
	return n
}

// readNoteLine parses and verifies line n of a note.
func readNoteLine(n int, line []byte, c *git.Commit, signers, approvers *provenance.AllowedSigners) NoteLine {
	m := NoteLine{Line: n}
	env, err := provenance.ParseEnvelope(line)
	if err != nil {
		m.Status, m.Error = "malformed", err.Error()
		return m
	}
	st, err := env.Statement()
	if err != nil {
		m.Status, m.Error = "malformed", err.Error()
		return m
	}
	m.digest, _ = provenance.PayloadDigest(env) // the payload decoded above
	m.Subject, m.Type = st.Subject[0].Digest["gitCommit"], st.PredicateType
	if len(env.Signatures) > 0 {
		m.KeyID = env.Signatures[0].KeyID
	}
	switch st.PredicateType {
	case provenance.SessionPredicateType:
		if m.Session, err = provenance.DecodeSessionPredicate(st); err != nil {
			m.Status, m.Error = "malformed", err.Error()
			return m
		}
	case provenance.ApprovalPredicateType:
		if m.Approval, err = provenance.DecodeApprovalPredicate(st); err != nil {
			m.Status, m.Error = "malformed", err.Error()
			return m
		}
		v, err := provenance.VerifyApproval(env, provenance.ApprovalVerifyOptions{Approvers: approvers, Commit: c.Hash.String()})
		if err == nil {
			m.Status, m.Signer, m.KeyID = "valid", m.Approval.Approver, v.Fingerprint
			return m
		}
		m.Status, m.Error = verifyStatus(err), err.Error()
		return m
	default:
		m.Predicate = st.Predicate
	}
	v, err := provenance.VerifyEnvelope(env, provenance.VerifyOptions{
		Signers: signers, Emails: []string{c.Author.Email, c.Committer.Email}, Commit: c.Hash.String(), At: c.Committer.When,
	})
	if err != nil {
		m.Status, m.Error = verifyStatus(err), err.Error()
		return m
	}
	m.Status, m.Signer, m.KeyID = "valid", v.Principal, v.Fingerprint
	return m
}

// verifyStatus names what a verification error says is wrong.
func verifyStatus(err error) string {
	switch {
	case errors.Is(err, provenance.ErrBadSignature):
		return "bad signature"
	case errors.Is(err, provenance.ErrUntrustedKey):
		return "untrusted key"
	case errors.Is(err, provenance.ErrPrincipalMismatch):
		return "principal mismatch"
	case errors.Is(err, provenance.ErrSubjectMismatch):
		return "subject mismatch"
	}
	return "malformed"
}

// WriteNoteJSON writes the account as one indented JSON document.
func WriteNoteJSON(w io.Writer, n *Note) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(n)
}

// WriteNoteText writes the account for people: per line, the session (or
// approval) and what it recorded. Every recorded string is flattened to
// one printable line, as in the log.
func WriteNoteText(w io.Writer, n *Note) error {
	var buf bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&buf, format, args...) }
	p("commit %s\n", n.Commit)
	if n.TrustedSide != "" {
		p("trusted side: %s\n", n.TrustedSide)
	}
	p("trusted keys: %s\n", n.SignersSource)
	if n.ApproversSource != "" {
		p("approvers: %s\n", n.ApproversSource)
	}
	// Which line names which as the manifest it supersedes: two manifests
	// of one session read alike, and the reader must see which is the
	// later (verify says whether the claim holds).
	lineOf, supersededBy := map[string]int{}, map[string]int{}
	for _, m := range n.Manifests {
		if m.digest != "" {
			lineOf[m.digest] = m.Line
		}
		if m.Session != nil && m.Session.Supersedes != "" {
			supersededBy[m.Session.Supersedes] = m.Line
		}
	}
	for _, m := range n.Manifests {
		p("\n")
		switch {
		case m.Approval != nil:
			writeNoteApproval(p, &m)
		case m.Session == nil:
			p("note line %d: %s", m.Line, m.Status)
			if m.Type != "" {
				p(" (%s)", clean(m.Type, 200))
			}
			p("\n")
			if m.Error != "" {
				p("  %s\n", clean(m.Error, 500))
			}
		default:
			writeNoteSession(p, &m, lineOf, supersededBy)
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeNoteSession(p func(string, ...any), m *NoteLine, lineOf, supersededBy map[string]int) {
	s := m.Session
	p("session %s/%s\n", clean(s.Agent.Name, 60), clean(s.Session.ID, 120))
	writeNoteSignature(p, m, "valid, signed by ")
	writeNoteSupersedes(p, m, lineOf, supersededBy)
	agent := clean(s.Agent.Name, 60)
	if s.Agent.Version != "" {
		agent += " " + clean(s.Agent.Version, 40)
	}
	if s.Agent.Model != "" {
		agent += " (" + clean(s.Agent.Model, 60) + ")"
	}
	p("  agent       %s\n", agent)
	p("  time        %s – %s\n", s.Session.Started.UTC().Format("2006-01-02 15:04:05Z"), s.Session.Ended.UTC().Format("2006-01-02 15:04:05Z"))
	if s.Session.PermissionMode != "" {
		p("  permissions %s\n", clean(s.Session.PermissionMode, 40))
	}
	for i, pr := range s.Task.Prompts {
		text := pr.Text
		switch {
		case text == "" && pr.SHA256 != "":
			text = "[sha256 " + prefix(pr.SHA256, 16) + "…]"
		case text == "":
			text = "[not recorded]"
		}
		label := "task"
		if i > 0 {
			label = ""
		}
		p("  %-11s %s\n", label, clean(text, 200))
	}
	if len(s.Task.Scope) == 0 {
		p("  scope       (none declared)\n")
	}
	for _, d := range s.Task.Scope {
		p("  scope       %s (%s)\n", clean(d.Glob, 300), clean(d.Source, 20))
	}
	for _, r := range s.Reads {
		p("  read        %s\n", describeRead(r))
	}
	for _, a := range s.Actions {
		p("  action      %s\n", describeAction(a))
	}
	paths := make([]string, 0, len(s.Files))
	for path := range s.Files {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		blob := s.Files[path]
		if blob == journal.ZeroBlob {
			p("  file        %s (deleted)\n", clean(path, 300))
		} else {
			p("  file        %s %s\n", clean(path, 300), prefix(blob, 12))
		}
	}
}

// writeNoteSupersedes says which line a session manifest supersedes, and
// which line supersedes it.
func writeNoteSupersedes(p func(string, ...any), m *NoteLine, lineOf, supersededBy map[string]int) {
	if d := m.Session.Supersedes; d != "" {
		what := prefix(d, len("sha256:")+12)
		if n, ok := lineOf[d]; ok {
			what = fmt.Sprintf("note line %d (%s)", n, what)
		}
		p("  supersedes  %s\n", what)
	}
	if n, ok := supersededBy[m.digest]; ok && m.digest != "" {
		p("  superseded  by note line %d\n", n)
	}
}

// writeNoteSignature shows whether a line's signature verified, and its
// key; valid is what precedes the signer of a valid one.
func writeNoteSignature(p func(string, ...any), m *NoteLine, valid string) {
	sig := m.Status
	if m.Status == "valid" {
		sig = valid + clean(m.Signer, 200)
	} else if m.Error != "" {
		sig += ": " + clean(m.Error, 500)
	}
	p("  signature   %s\n  key         %s\n", sig, clean(m.KeyID, 100))
}

// writeNoteApproval shows an approval line. Whether the approver may
// approve this commit (the two-person rule) is for verify to say.
func writeNoteApproval(p func(string, ...any), m *NoteLine) {
	a := m.Approval
	p("approval by %s\n", clean(a.Approver, 200))
	writeNoteSignature(p, m, "valid, signed by approver ")
	p("  time        %s\n", a.Time.UTC().Format("2006-01-02 15:04:05Z"))
	p("  reason      %s\n", clean(a.Reason, 500))
	for _, c := range a.Covers {
		p("  covers      %s\n", clean(c.String(), 300))
	}
}

func describeRead(r provenance.Read) string {
	s := r.Kind + " "
	switch r.Kind {
	case provenance.ReadFetch:
		s += r.URL
	case provenance.ReadSearch:
		s += fmt.Sprintf("%q", r.Query)
	case provenance.ReadMCP:
		s += r.Server + "/" + r.Tool
	default:
		s += r.Path
		if r.Query != "" {
			s += fmt.Sprintf(" (%s %q)", r.Tool, r.Query)
		}
	}
	if r.Failed {
		s += " [failed]"
	}
	return clean(s, 200)
}

func describeAction(a provenance.Action) string {
	s := string(a.Kind) + " "
	switch a.Kind {
	case journal.KindExec:
		s += a.Command
	case journal.KindMCP:
		s += a.Server + "/" + a.Tool
	case journal.KindSubagent:
		s += a.Text
	default:
		s += a.Path
	}
	if a.Failed {
		s += " [failed]"
	}
	if a.Decision != "" {
		s += " [" + decisionText(a.Decision) + "]"
	}
	return clean(s, 200)
}

// prefix returns the first n bytes of a recorded id, flattened; a shorter
// one (a crafted manifest's) whole.
func prefix(s string, n int) string {
	s = clean(s, 64)
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Clean flattens recorded text to one printable line of at most max runes,
// as every account of this package does: control characters, C1 controls
// and bidirectional formatting characters become spaces, so that hostile
// text can neither break the layout nor drive the terminal.
func Clean(s string, max int) string { return clean(s, max) }

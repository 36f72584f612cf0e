package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/agentcheck/agentcheck/gate"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// shownManifest is one line of a commit's note as show reports it; it is
// also the JSON output's element.
type shownManifest struct {
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
}

type showOutput struct {
	Commit        string          `json:"commit"`
	SignersSource string          `json:"signersSource"`
	Manifests     []shownManifest `json:"manifests"`
	// ApproversSource is set when the note holds an approval.
	ApproversSource string `json:"approversSource,omitempty"`
}

func runShow(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "show", "[COMMIT]")
	format := fs.String("format", "text", "output `format`: text or json")
	signersFile := fs.String("allowed-signers", "", "judge signatures with the keys in `FILE` (default: the allowed_signers file committed at HEAD)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("show takes at most one commit")
	}
	if *format != "text" && *format != "json" {
		return usageError("unknown format %q (want text or json)", *format)
	}
	rev := "HEAD"
	if len(pos) == 1 {
		rev = pos[0]
	}
	repo, _, err := openRepo(inv)
	if err != nil {
		return err
	}
	defer repo.Close()
	commit, err := resolveCommit(repo, rev)
	if err != nil {
		return err
	}
	notes, err := gate.OpenNotes(repo)
	if err != nil {
		return err
	}
	note, err := notes.Read(commit.Hash, git.MaxNoteSize)
	if errors.Is(err, git.ErrNoteNotFound) {
		return withHint(fmt.Errorf("commit %s has no agentcheck note", commit.Hash.String()[:12]),
			"attest it with 'agentcheck attest', or fetch notes with 'git fetch origin refs/notes/agentcheck:refs/notes/agentcheck'")
	}
	if err != nil {
		return err
	}
	src := gate.TrustSource{SignersFile: *signersFile}
	if head, err := repo.Ref("HEAD"); err == nil {
		src.Base = head
	}
	trust, err := gate.LoadTrust(repo.Objects, src)
	if err != nil {
		return err
	}
	out := showOutput{Commit: commit.Hash.String(), SignersSource: trust.SignersSource, Manifests: []shownManifest{}}
	for i, line := range bytes.Split(note, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		m := inspectLine(i+1, line, commit, trust.Signers, trust.Approvers)
		if m.Approval != nil {
			out.ApproversSource = trust.ApproversSource
		}
		out.Manifests = append(out.Manifests, m)
	}
	if *format == "json" {
		enc := json.NewEncoder(inv.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	writeShowText(inv.Stdout, &out)
	return nil
}

// inspectLine parses and verifies one note line: a session manifest against
// the allowed signers, an approval against the approvers.
func inspectLine(n int, line []byte, c *git.Commit, signers, approvers *provenance.AllowedSigners) shownManifest {
	m := shownManifest{Line: n}
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

func writeShowText(w io.Writer, out *showOutput) {
	fmt.Fprintf(w, "commit %s\n", out.Commit)
	fmt.Fprintf(w, "trusted keys: %s\n", out.SignersSource)
	if out.ApproversSource != "" {
		fmt.Fprintf(w, "approvers: %s\n", out.ApproversSource)
	}
	for _, m := range out.Manifests {
		fmt.Fprintln(w)
		if m.Approval != nil {
			writeShownApproval(w, &m)
			continue
		}
		if m.Session == nil {
			fmt.Fprintf(w, "note line %d: %s", m.Line, m.Status)
			if m.Type != "" {
				fmt.Fprintf(w, " (%s)", m.Type)
			}
			fmt.Fprintln(w)
			if m.Error != "" {
				fmt.Fprintf(w, "  %s\n", m.Error)
			}
			continue
		}
		p := m.Session
		fmt.Fprintf(w, "session %s/%s\n", p.Agent.Name, p.Session.ID)
		sig := m.Status
		if m.Status == "valid" {
			sig = "valid, signed by " + m.Signer
		} else if m.Error != "" {
			sig += ": " + m.Error
		}
		fmt.Fprintf(w, "  signature   %s\n  key         %s\n", sig, m.KeyID)
		agent := p.Agent.Name
		if p.Agent.Version != "" {
			agent += " " + p.Agent.Version
		}
		if p.Agent.Model != "" {
			agent += " (" + p.Agent.Model + ")"
		}
		fmt.Fprintf(w, "  agent       %s\n", agent)
		fmt.Fprintf(w, "  time        %s – %s\n", p.Session.Started.UTC().Format("2006-01-02 15:04:05Z"), p.Session.Ended.UTC().Format("2006-01-02 15:04:05Z"))
		if p.Session.PermissionMode != "" {
			fmt.Fprintf(w, "  permissions %s\n", p.Session.PermissionMode)
		}
		for i, pr := range p.Task.Prompts {
			text := pr.Text
			switch {
			case text == "" && pr.SHA256 != "":
				text = "[sha256 " + pr.SHA256[:16] + "…]"
			case text == "":
				text = "[not recorded]"
			}
			label := "task"
			if i > 0 {
				label = ""
			}
			fmt.Fprintf(w, "  %-11s %s\n", label, oneLine(text, 200))
		}
		if len(p.Task.Scope) == 0 {
			fmt.Fprintf(w, "  scope       (none declared)\n")
		}
		for _, d := range p.Task.Scope {
			fmt.Fprintf(w, "  scope       %s (%s)\n", d.Glob, d.Source)
		}
		for _, r := range p.Reads {
			fmt.Fprintf(w, "  read        %s\n", describeRead(r))
		}
		for _, a := range p.Actions {
			fmt.Fprintf(w, "  action      %s\n", describeAction(a))
		}
		for _, path := range sortedKeys(p.Files) {
			blob := p.Files[path]
			if blob == journal.ZeroBlob {
				fmt.Fprintf(w, "  file        %s (deleted)\n", path)
			} else {
				fmt.Fprintf(w, "  file        %s %s\n", path, blob[:12])
			}
		}
	}
}

// writeShownApproval shows an approval line. Whether the approver may
// approve this commit (the two-person rule) is for verify to say.
func writeShownApproval(w io.Writer, m *shownManifest) {
	p := m.Approval
	fmt.Fprintf(w, "approval by %s\n", oneLine(p.Approver, 200))
	sig := m.Status
	if m.Status == "valid" {
		sig = "valid, signed by approver " + oneLine(m.Signer, 200)
	} else if m.Error != "" {
		sig += ": " + m.Error
	}
	fmt.Fprintf(w, "  signature   %s\n  key         %s\n", sig, m.KeyID)
	fmt.Fprintf(w, "  time        %s\n", p.Time.UTC().Format("2006-01-02 15:04:05Z"))
	fmt.Fprintf(w, "  reason      %s\n", oneLine(p.Reason, 500))
	for _, c := range p.Covers {
		fmt.Fprintf(w, "  covers      %s\n", oneLine(c.String(), 300))
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
	return oneLine(s, 200)
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
	switch a.Decision {
	case journal.DecisionDeny:
		s += " [denied by runtime policy]"
	case journal.DecisionWarn:
		s += " [warned by runtime policy]"
	}
	return oneLine(s, 200)
}

// oneLine flattens whitespace and control characters, so that recorded text
// (hostile input) cannot break the layout or drive the terminal, and
// shortens it.
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202e || r == 0x202d || (r >= 0x2066 && r <= 0x2069) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

package check

import (
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/agentcheck/agentcheck/provenance"
)

// Level is the severity of a finding, as in SARIF.
type Level string

// Levels, from most to least severe.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNote    Level = "note"
)

// Rank orders levels by severity: error 3, warning 2, note 1, anything else 0.
func (l Level) Rank() int {
	switch l {
	case LevelError:
		return 3
	case LevelWarning:
		return 2
	case LevelNote:
		return 1
	}
	return 0
}

// Finding is one violation of the policy by one commit.
type Finding struct {
	Rule    string `json:"rule"`           // stable id, e.g. AC004
	Name    string `json:"name"`           // the rule's name, e.g. protected-path
	Level   Level  `json:"level"`          // error, warning or note
	Commit  string `json:"commit"`         // full hex id
	Path    string `json:"path,omitempty"` // repo-relative; "" for findings about the whole commit
	Line    int    `json:"line,omitempty"` // first changed line of Path in the commit, when known
	Message string `json:"message"`        // what happened and why it matters
	Hint    string `json:"hint,omitempty"` // how to fix it
	// Session is "agent/session-id" of the session the finding concerns.
	Session string `json:"session,omitempty"`
	// Class is the protected class for AC004, AC007 and AC008.
	Class string `json:"class,omitempty"`
	// Approval is set when a maintainer's valid approval covers the
	// finding: Level is then note, and Approval.Level the level it had.
	Approval *Approval `json:"approval,omitempty"`
}

// Approval records the approval that turned a finding into a note.
type Approval struct {
	Approver string    `json:"approver"` // the approver's principal (email)
	Reason   string    `json:"reason"`   // why, in the approver's words
	Time     time.Time `json:"time"`     // when the approval was signed
	Level    Level     `json:"level"`    // the finding's level before the approval
	KeyID    string    `json:"keyid"`    // SHA256 fingerprint of the approver's key
	ID       string    `json:"id"`       // hex SHA-256 of the approval's signed statement
}

// Summary counts findings by level.
type Summary struct {
	Commits  int `json:"commits"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
	// Approved counts the findings (all of them notes now) that an
	// approval covers.
	Approved int `json:"approved,omitempty"`
}

// Report is the result of verifying a range. It is the one canonical output;
// text, JSON and SARIF are renderings of it.
type Report struct {
	// Version is the version of the JSON document; see doc.go of the CLI.
	Version int `json:"version"`
	// Range is the revision range as the user gave it.
	Range string `json:"range"`
	// Base is the commit the policy and allowed signers were read from, or
	// "" when they came from files or the built-in defaults.
	Base string `json:"base,omitempty"`
	// PolicySource says where the policy came from.
	PolicySource string `json:"policySource"`
	// SignersSource says where the trusted keys came from.
	SignersSource string `json:"signersSource,omitempty"`
	// ApproversSource says where the keys trusted to approve came from;
	// set only when a commit of the report carries an approval.
	ApproversSource string         `json:"approversSource,omitempty"`
	Commits         []CommitReport `json:"commits"`
	Summary         Summary        `json:"summary"`
}

// CommitReport is what was found on one commit.
type CommitReport struct {
	Commit  string `json:"commit"`
	Subject string `json:"subject"` // first line of the message
	Author  string `json:"author"`  // email
	Agent   bool   `json:"agent"`   // recognised as an agent commit
	// MadeBy says which agents made the commit and how each is known, most
	// certain first: the agent each valid session manifest names, then the
	// one the commit's metadata names (the registry of agent identities, or
	// the policy's agent trailers and authors). It is the one answer every
	// report gives to "which agent made this commit?".
	MadeBy []AgentIdentity `json:"madeBy,omitempty"`
	// Manifest says whether the commit carries a valid session manifest.
	Manifest ManifestStatus `json:"manifest,omitempty"`
	// SignedBy is the committer whose SSH commit signature, by a key the
	// trusted side lists for commits, stood in for a manifest under
	// require: all; "" when none was needed or none was valid.
	SignedBy string           `json:"signedBy,omitempty"`
	Sessions []SessionSummary `json:"sessions"`
	Findings []Finding        `json:"findings"`
	// Approvals are the approvals found on the commit, honoured or not.
	Approvals []ApprovalSummary `json:"approvals,omitempty"`
}

// AgentIdentity is one answer to "which agent made this commit?", with how
// it is known.
type AgentIdentity struct {
	// Agent is the agent's name: the registry's ("claude-code"), or the
	// one a manifest gives. It is "" for a commit the policy's agent
	// trailers or authors recognise, which name no agent.
	Agent string `json:"agent"`
	// Title is what reports call the agent, e.g. "Claude Code".
	Title  string `json:"title"`
	Vendor string `json:"vendor,omitempty"`
	// Kind is where the agent runs: local, editor, cloud or bot
	// (package agentid); "" when the registry does not know the agent.
	Kind string `json:"kind,omitempty"`
	// Source is what recognised it: "manifest" (a valid session manifest,
	// signed by a trusted key), "registry" (the registry of agent
	// identities) or "policy" (agents.trailers or agents.authors).
	Source string `json:"source"`
	// Marker is the sign that recognised it, as a reader would say it, the
	// same for every commit it recognises: "co-author trailer
	// noreply@anthropic.com", "manifest signed by dev@example.com",
	// `policy trailer "Agent-Session:"`.
	Marker string `json:"marker"`
	// Session is "agent/session-id" of the manifest, for Source manifest.
	Session string `json:"session,omitempty"`
	// Ignored reports that the policy does not count the agent's commits
	// as agent commits: a dependency bot by default, or an agent the policy
	// switched off. Such a commit is not an agent commit by this identity.
	Ignored bool `json:"ignored,omitempty"`
}

// The sources of an [AgentIdentity].
const (
	SourceManifest = "manifest"
	SourceRegistry = "registry"
	SourcePolicy   = "policy"
)

// String returns "Title: marker", e.g. "Claude Code: co-author trailer
// noreply@anthropic.com", with the session of a manifest ("Claude Code:
// manifest signed by dev@example.com, session claude-code/s1") and ", not
// counted as an agent" for an ignored identity. Every report names an
// identity so.
func (id AgentIdentity) String() string {
	s := id.Title + ": " + id.Marker
	if id.Session != "" {
		s += ", session " + id.Session
	}
	if id.Ignored {
		s += ", not counted as an agent"
	}
	return s
}

// ManifestStatus says whether a commit carries a valid session manifest.
type ManifestStatus string

// The manifest statuses of a commit.
const (
	// ManifestValid: at least one session manifest in the commit's note
	// verified, signed by a trusted key for this commit.
	ManifestValid ManifestStatus = "valid"
	// ManifestInvalid: the note holds manifests (or lines that are neither
	// manifests nor approvals), and none verified.
	ManifestInvalid ManifestStatus = "invalid"
	// ManifestNone: no note, or a note of approvals alone.
	ManifestNone ManifestStatus = "none"
)

// ApprovalSummary describes one approval found on a commit. An approval
// that is not valid is also an AC002, AC003 or AC009 finding; one that is
// valid but not honoured (the two-person rule) an AC002 warning.
type ApprovalSummary struct {
	Approver string    `json:"approver"`
	KeyID    string    `json:"keyid,omitempty"` // SHA256 fingerprint
	Time     time.Time `json:"time"`
	Reason   string    `json:"reason"`
	// Covers lists what the approval names, as it names it.
	Covers []provenance.ApprovalCover `json:"covers"`
	// Valid: the signature verified, by a key the approvers file trusts
	// for the approver, and the approval is about this commit.
	Valid bool `json:"valid"`
	// Honoured: valid and allowed by the two-person rule, so it applies to
	// the commit's findings.
	Honoured bool `json:"honoured"`
}

// SessionSummary describes one manifest found on a commit.
type SessionSummary struct {
	Agent   string `json:"agent"`
	ID      string `json:"id"`
	Model   string `json:"model,omitempty"`
	Signer  string `json:"signer,omitempty"` // principal of the trusted key
	KeyID   string `json:"keyid,omitempty"`  // SHA256 fingerprint
	Valid   bool   `json:"valid"`
	Task    string `json:"task,omitempty"` // excerpt of the first prompt
	Tainted bool   `json:"tainted"`
	// Predicate is the manifest's content, for accounts of what the session
	// did (agentcheck log and export). It is not part of the JSON report, and
	// when Valid is false nothing vouches for it.
	Predicate *provenance.SessionPredicate `json:"-"`
}

// Failed reports whether the report has an error-level finding.
func (r *Report) Failed() bool { return r.Summary.Errors > 0 }

// Findings returns every finding of the report in report order.
func (r *Report) Findings() []Finding {
	var all []Finding
	for _, c := range r.Commits {
		all = append(all, c.Findings...)
	}
	return all
}

// Summarise counts the findings of r into r.Summary.
func (r *Report) Summarise() {
	var s Summary
	for i := range r.Commits {
		s.Add(&r.Commits[i])
	}
	r.Summary = s
}

// Add counts c and its findings into s.
func (s *Summary) Add(c *CommitReport) {
	s.Commits++
	for _, f := range c.Findings {
		switch f.Level {
		case LevelError:
			s.Errors++
		case LevelWarning:
			s.Warnings++
		case LevelNote:
			s.Notes++
		}
		if f.Approval != nil {
			s.Approved++
		}
	}
}

// NewReport assembles the report of a verification from the per-commit
// reports, in the order they were checked.
func NewReport(spec string, base plumbing.Hash, t *Trust, commits []CommitReport) *Report {
	r := &Report{Version: ReportVersion, Range: spec, PolicySource: t.PolicySource, SignersSource: t.SignersSource, Commits: commits}
	if !base.IsZero() {
		r.Base = base.String()
	}
	if r.Commits == nil {
		r.Commits = []CommitReport{}
	}
	for i := range r.Commits {
		r.Tally(&r.Commits[i], t)
	}
	return r
}

// Tally counts c into r's summary and, when c carries an approval, names
// the approvers file r's approvals were trusted by: what NewReport does for
// each of its commits, for a report whose commits are written out as they
// are checked instead of kept (gate.Options.Emit).
func (r *Report) Tally(c *CommitReport, t *Trust) {
	r.Summary.Add(c)
	if len(c.Approvals) > 0 {
		r.ApproversSource = t.ApproversSource
	}
}

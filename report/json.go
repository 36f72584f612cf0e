package report

// # The JSON report
//
// agentcheck verify --format json writes one JSON document: the [check.Report],
// indented, followed by a newline. It is the canonical machine-readable form
// of a verification; the text and SARIF outputs are renderings of the same
// Report. This comment is the reference the CLI manual points to.
//
//	{
//	  "version": 1,
//	  "range": "origin/main..HEAD",
//	  "base": "9f1c…",
//	  "policySource": ".agentcheck.yml at origin/main",
//	  "commits": [
//	    {
//	      "commit": "1a2b3c…",
//	      "subject": "Fix flaky payment test",
//	      "author": "dev@example.com",
//	      "agent": true,
//	      "madeBy": [ { "agent": "claude-code", "title": "Claude Code", "source": "manifest", "marker": "manifest signed by dev@example.com", … } ],
//	      "manifest": "valid",
//	      "sessions": [ { "agent": "claude-code", "id": "…", "valid": true, "tainted": false, … } ],
//	      "findings": [ { "rule": "AC004", "name": "protected-path", "level": "error", … } ]
//	    }
//	  ],
//	  "summary": { "commits": 1, "errors": 1, "warnings": 0, "notes": 0 }
//	}
//
// Top level:
//
//   - version (number): the version of this document's format, currently 1.
//     Fields may be added within a version; a field is never removed, renamed
//     or given another meaning without a new version.
//   - range (string): the revision range as the user gave it.
//   - base (string, omitted when empty): the full id of the commit the policy
//     and allowed signers were read from; absent when they came from files or
//     the built-in defaults.
//   - policySource (string): where the policy came from, for people.
//   - signersSource (string, optional): where the trusted keys came from.
//   - approversSource (string, omitted unless a commit carries an approval):
//     where the keys trusted to approve findings came from.
//   - commits (array, never null): one object per checked commit, in the
//     order the verifier walked the range.
//   - summary (object): counts for the whole range. summary.errors > 0 is
//     exactly the condition for exit code 1.
//
// A commit object:
//
//   - commit (string): the full commit id.
//   - subject (string): the first line of the commit message.
//   - author (string): the author's email.
//   - agent (bool): whether the commit was recognised as made by an agent.
//   - madeBy (array, omitted when empty): which agents made the commit and
//     how each is known, most certain first: the agent of each valid session
//     manifest, then the one the commit's metadata names. Each has agent
//     (string: the registry's name, e.g. claude-code, or the one the
//     manifest gives; "" for the policy's agent trailers and authors, which
//     name no agent), title (string, e.g. Claude Code), vendor (string,
//     omitted when unknown), kind (string: local, editor, cloud or bot;
//     omitted when unknown), source (string: manifest, registry or policy),
//     marker (string: the sign that recognised it, the same for every commit
//     it recognises, e.g. "co-author trailer noreply@anthropic.com",
//     "manifest signed by dev@example.com" or 'policy trailer
//     "Agent-Session:"'), session (string, for a manifest only: its
//     "agent/session-id") and ignored (bool, omitted when false: the policy
//     does not count the agent's commits as agent commits, as for a
//     dependency bot). A commit whose metadata names a dependency bot has an
//     ignored entry and agent false.
//   - manifest (string): "valid" (at least one session manifest verified for
//     this commit), "invalid" (the note holds manifests or other lines that
//     are not approvals, and none verified) or "none" (no note, or approvals
//     alone).
//   - signedBy (string, omitted when empty): under require: all, the
//     committer whose SSH commit signature, by a key trusted for commits
//     (and proving presence under trust.presence), stood in for a manifest.
//   - sessions (array, never null): the manifests found on the commit, sorted
//     by agent, id and key id. Each has agent (string), id (string), model
//     (string, omitted when empty), signer (string, the trusted principal,
//     omitted when empty), keyid (string, SHA256 key fingerprint, omitted when
//     empty), valid (bool: signature verified by a trusted key for this
//     commit), task (string, an excerpt of the first prompt, omitted when
//     empty) and tainted (bool: the session ingested untrusted content).
//   - findings (array, never null): the commit's findings, sorted by path
//     (commit-level findings, without a path, first), line, rule, level (most
//     severe first), session, class, message and hint.
//   - approvals (array, omitted when the commit has none): the approvals
//     found in the commit's note (agentcheck approve), sorted by time,
//     approver and key id. Each has approver (string, the identity the
//     approval names), keyid (string, SHA256 key fingerprint, omitted when
//     empty), time (string, RFC 3339), reason (string), covers (array of
//     {rule, path} for one path, {rule, glob} for paths matching a doublestar
//     glob, or {rule} for the findings about the whole commit), valid (bool:
//     signed by a key the approvers file trusts for the approver, about this
//     commit) and honoured (bool: valid and allowed by the two-person rule,
//     so it applies to the findings). An approval that is not valid is also
//     an AC002, AC003 or AC009 finding; one that is not honoured an AC002
//     warning.
//
// A finding object:
//
//   - rule (string): the stable rule id, AC001 to AC016.
//   - name (string): the rule's name, e.g. protected-path.
//   - level (string): error, warning or note. Only errors fail the check.
//   - commit (string): the full id of the commit the finding is about.
//   - path (string, omitted for commit-level findings): the repository-relative
//     path, with forward slashes, as git spells it.
//   - line (number, omitted when unknown): the first changed line of path in
//     the commit, counting from 1.
//   - message (string): what was found and why it matters.
//   - hint (string, omitted when empty): how to fix it.
//   - session (string, omitted when empty): "agent/session-id" of the session
//     the finding concerns.
//   - class (string, omitted when empty): the protected class (ci, auth,
//     secrets, agent-config, governance, …) for AC004, AC007 and AC008.
//   - approval (object, omitted unless approved): the approval that turned
//     the finding into a note: approver (string), reason (string), time
//     (string, RFC 3339), level (string: the level the finding had before
//     the approval, which is what was approved), keyid (string, the
//     approver's key fingerprint) and id (string, hex SHA-256 of the
//     approval's signed statement). An approved finding's level is note.
//
// A summary object has commits, errors, warnings and notes (numbers), and
// approved (number, omitted when 0): how many of the notes are approved
// findings.

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/agentcheck/agentcheck/check"
)

// JSONWriter writes the JSON document of a report whose commits come one
// at a time, as verify checks them. The document's approversSource, before
// the commits, depends on every commit, so the commits are encoded into a
// [Spool] and the document is written whole by Close: the bytes WriteJSON
// writes for the same report, with the memory of one commit.
type JSONWriter struct {
	w     io.Writer
	spool Spool
	buf   *bufio.Writer // into spool
	elems *elementEncoder
}

// NewJSONWriter returns a JSONWriter that writes to w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	j := &JSONWriter{w: w}
	j.buf = bufio.NewWriterSize(&j.spool, 64<<10)
	j.elems = newElementEncoder(j.buf, 1)
	return j
}

// Commit encodes the next commit.
func (j *JSONWriter) Commit(c check.CommitReport) error {
	if err := j.elems.add(c.Canonical()); err != nil {
		return fmt.Errorf("encoding JSON report: commit %s: %w", c.Commit, err)
	}
	return nil
}

// Close writes the document of r, the report of the commits given to
// Commit (r.Commits is not read; its summary and sources are), and drops
// the spooled commits. With a nil r it only drops them, as when the check
// failed.
func (j *JSONWriter) Close(r *check.Report) error {
	defer j.spool.Close()
	if r == nil {
		return nil
	}
	if err := j.buf.Flush(); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return writeJSON(j.w, r, func(a *arrayWriter) error { return a.addEncoded(&j.spool, j.elems.n) })
}

// JSONVersion is the version of the JSON document written by [WriteJSON].
const JSONVersion = check.ReportVersion

// WriteJSON writes r to w as the versioned JSON document described at the top
// of json.go. Findings and sessions are sorted; commits, sessions and findings
// are always arrays, never null. A Report whose Version is 0 is written as
// the current version; any other version than [JSONVersion] is an error.
func WriteJSON(w io.Writer, r *check.Report) error {
	if r == nil {
		return errors.New("writing JSON report: no report")
	}
	return writeJSON(w, r, func(a *arrayWriter) error {
		for _, c := range r.Commits {
			if err := a.add(c.Canonical()); err != nil {
				return fmt.Errorf("commit %s: %w", c.Commit, err)
			}
		}
		return nil
	})
}

// writeJSON writes the document of r with the commits that commits adds to
// its array: the commits are written one at a time, each in its canonical
// form, into the document without them (see stream.go).
func writeJSON(w io.Writer, r *check.Report, commits func(*arrayWriter) error) error {
	switch r.Version {
	case 0, JSONVersion:
	default:
		return fmt.Errorf("writing JSON report: report version %d: this agentcheck writes version %d", r.Version, JSONVersion)
	}
	frame := *r
	frame.Version = JSONVersion
	frame.Commits = []check.CommitReport{}
	a, err := startArray(w, &frame, "commits", 1)
	if err != nil {
		return fmt.Errorf("encoding JSON report: %w", err)
	}
	if err := commits(a); err != nil {
		return fmt.Errorf("encoding JSON report: %w", err)
	}
	if err := a.finish(); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

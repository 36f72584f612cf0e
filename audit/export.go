package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/check"
)

// ExportVersion is the version of the export document (see doc.go).
const ExportVersion = 1

// Export is the compliance export of a range: one record per session and
// per finding, each mapped to the controls it evidences, and the mapping
// table. JSON, CSV and HTML are renderings of it.
type Export struct {
	Version       int             `json:"version"`
	Generator     string          `json:"generator"`
	Range         string          `json:"range"`
	Base          string          `json:"base,omitempty"`
	PolicySource  string          `json:"policySource"`
	SignersSource string          `json:"signersSource,omitempty"`
	Summary       ExportSummary   `json:"summary"`
	Sessions      []SessionRecord `json:"sessions"`
	Findings      []FindingRecord `json:"findings"`
	Rules         []RuleRow       `json:"rules"`
	Frameworks    []Framework     `json:"frameworks"`
	Controls      []ControlRow    `json:"controls"`
	log           *Log            // the log it was built from, for the HTML timeline
}

// ExportSummary counts the export's records.
type ExportSummary struct {
	Commits  int `json:"commits"`
	Sessions int `json:"sessions"`
	Findings int `json:"findings"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
}

// ControlRef names a control a record evidences.
type ControlRef struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
}

// SessionRecord is one session behind one commit.
type SessionRecord struct {
	Commit         string       `json:"commit"`
	Subject        string       `json:"subject"`
	Author         string       `json:"author"`
	Date           time.Time    `json:"date"`
	Session        string       `json:"session"` // agent/id
	Agent          string       `json:"agent"`
	AgentVersion   string       `json:"agentVersion,omitempty"`
	Model          string       `json:"model,omitempty"`
	Signature      string       `json:"signature"` // valid or invalid
	Signer         string       `json:"signer,omitempty"`
	KeyID          string       `json:"keyid,omitempty"`
	Started        time.Time    `json:"started"`
	Ended          time.Time    `json:"ended"`
	PermissionMode string       `json:"permissionMode,omitempty"`
	Task           string       `json:"task"`
	Prompts        string       `json:"prompts"` // how prompts were recorded: full, hash, none or mixed
	Scope          []string     `json:"scope"`   // "glob (source)"
	FilesRead      []string     `json:"filesRead"`
	FetchedHosts   []Source     `json:"fetchedHosts"`
	MCPServers     []Source     `json:"mcpServers"`
	Commands       []string     `json:"commands"`
	Edits          []string     `json:"edits"`
	FilesChanged   []string     `json:"filesChanged"`
	Tainted        bool         `json:"tainted"`
	Findings       Counts       `json:"findings"`
	Controls       []ControlRef `json:"controls"` // what the signed record evidences; none when its signature is invalid
}

// FindingRecord is one finding with the controls it evidences.
type FindingRecord struct {
	check.Finding
	Subject string `json:"subject"`
	// MadeBy says which agents made the finding's commit.
	MadeBy   []check.AgentIdentity `json:"madeBy,omitempty"`
	Controls []ControlRef          `json:"controls"`
}

// ControlRow is one row of the mapping table: a control, the records and
// rules that evidence it, and how many of this export's records do.
type ControlRow struct {
	Control
	Evidence []string `json:"evidence"` // "session" and rule IDs, in order
	Sessions int      `json:"sessions"` // valid session records of this export evidencing it
	Findings int      `json:"findings"` // findings of this export evidencing it
}

// RuleRow is one rule of the gate with how many findings of this export it
// produced, by level.
type RuleRow struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Level    check.Level  `json:"defaultLevel"`
	Short    string       `json:"description"`
	Findings Counts       `json:"findings"`
	Controls []ControlRef `json:"controls"`
}

// BuildExport turns a log into the compliance export. generator names the
// program and version that made it.
func BuildExport(l *Log, m *Mapping, generator string) *Export {
	e := &Export{
		Version: ExportVersion, Generator: generator, Range: l.Range, Base: l.Base,
		PolicySource: l.PolicySource, SignersSource: l.SignersSource,
		Sessions: []SessionRecord{}, Findings: []FindingRecord{}, Frameworks: m.Frameworks, Controls: []ControlRow{},
		log: l,
	}
	sessionControls := refs(m.ControlsOf(EvidenceSession))
	controlCount := map[string]*ControlRow{}
	for _, c := range m.Controls {
		row := &ControlRow{Control: c, Evidence: []string{}}
		for _, ev := range m.Evidence {
			for _, k := range ev.Controls {
				if k == c.Key() {
					row.Evidence = append(row.Evidence, ev.Of)
				}
			}
		}
		controlCount[c.Key()] = row
	}
	for _, c := range l.Commits {
		e.Summary.Commits++
		for _, s := range c.Sessions {
			rec := sessionRecord(c, s)
			if s.Signature == "valid" {
				rec.Controls = sessionControls
				for _, r := range sessionControls {
					controlCount[r.Framework+"/"+r.ID].Sessions++
				}
			}
			e.Sessions = append(e.Sessions, rec)
		}
		for _, f := range c.Findings {
			rec := FindingRecord{Finding: f, Subject: c.Subject, MadeBy: c.MadeBy, Controls: refs(m.ControlsOf(f.Rule))}
			for _, r := range rec.Controls {
				controlCount[r.Framework+"/"+r.ID].Findings++
			}
			e.Findings = append(e.Findings, rec)
			switch f.Level {
			case check.LevelError:
				e.Summary.Errors++
			case check.LevelWarning:
				e.Summary.Warnings++
			case check.LevelNote:
				e.Summary.Notes++
			}
		}
	}
	e.Summary.Sessions, e.Summary.Findings = len(e.Sessions), len(e.Findings)
	for _, r := range check.Rules() {
		row := RuleRow{ID: r.ID, Name: r.Name, Level: r.Level, Short: r.Short, Controls: refs(m.ControlsOf(r.ID))}
		for _, f := range e.Findings {
			if f.Rule == r.ID {
				row.Findings.add(f.Level)
			}
		}
		e.Rules = append(e.Rules, row)
	}
	for _, f := range m.Frameworks {
		for _, c := range m.Controls {
			if c.Framework == f.ID {
				e.Controls = append(e.Controls, *controlCount[c.Key()])
			}
		}
	}
	return e
}

func refs(cs []Control) []ControlRef {
	out := make([]ControlRef, 0, len(cs))
	for _, c := range cs {
		out = append(out, ControlRef{Framework: c.Framework, ID: c.ID})
	}
	return out
}

func sessionRecord(c Commit, s Session) SessionRecord {
	rec := SessionRecord{
		Commit: c.Commit, Subject: c.Subject, Author: c.Author, Date: c.Date,
		Session: s.Label, Agent: s.Agent, AgentVersion: s.AgentVersion, Model: s.Model,
		Signature: s.Signature, Signer: s.Signer, KeyID: s.KeyID, Started: s.Started, Ended: s.Ended,
		PermissionMode: s.PermissionMode, Task: s.Task.Excerpt, Prompts: promptMode(s.Task.Prompts),
		Scope: []string{}, FilesRead: s.Reads.Files, FetchedHosts: s.Reads.Hosts, MCPServers: s.Reads.MCPServers,
		Commands: []string{}, Edits: []string{}, FilesChanged: []string{}, Tainted: s.Tainted, Findings: s.Findings,
		Controls: []ControlRef{},
	}
	for _, d := range s.Scope {
		rec.Scope = append(rec.Scope, d.Glob+" ("+d.Source+")")
	}
	for _, cmd := range s.Actions.Commands {
		rec.Commands = append(rec.Commands, cmd.Command)
	}
	for _, ed := range s.Actions.Edits {
		if ed.Decision == "deny" {
			continue
		}
		if !containsString(rec.Edits, ed.Path) {
			rec.Edits = append(rec.Edits, ed.Path)
		}
	}
	for _, f := range s.Files {
		rec.FilesChanged = append(rec.FilesChanged, f.Path)
	}
	// MCP servers the session called count, whether or not it read them.
	for _, call := range s.Actions.MCP {
		if call.Decision != "deny" && !containsSource(rec.MCPServers, call.Server) {
			rec.MCPServers = append(rec.MCPServers, Source{Name: call.Server, Trusted: call.Trusted})
		}
	}
	return rec
}

func promptMode(ps []Prompt) string {
	mode := ""
	for _, p := range ps {
		switch {
		case mode == "":
			mode = p.Recorded
		case mode != p.Recorded:
			return "mixed"
		}
	}
	if mode == "" {
		return "none"
	}
	return mode
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func containsSource(ss []Source, name string) bool {
	for _, x := range ss {
		if x.Name == name {
			return true
		}
	}
	return false
}

// WriteExportJSON writes the export as one indented JSON document.
func WriteExportJSON(w io.Writer, e *Export) error {
	return writeJSON(w, e, "export")
}

// WriteLogJSON writes the log as one indented JSON document.
func WriteLogJSON(w io.Writer, l *Log) error {
	return writeJSON(w, l, "log")
}

func writeJSON(w io.Writer, v any, what string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding the %s: %w", what, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing the %s: %w", what, err)
	}
	return nil
}

// csvColumns are the columns of the CSV export, in order. Session and
// finding records share one table; a column that does not apply to a record
// is empty. Lists are joined with "; ".
func csvColumns(m *Mapping) []string {
	cols := []string{
		"record", "commit", "subject", "author", "date", "session", "agent", "model", "signature", "signer",
		"started", "ended", "permission_mode", "task", "scope", "files_read", "fetched_hosts", "mcp_servers",
		"commands", "edits", "files_changed", "tainted", "rule", "rule_name", "level", "path", "line", "message",
		"hint", "class",
	}
	for _, f := range m.Frameworks {
		cols = append(cols, f.Column)
	}
	return cols
}

// WriteExportCSV writes the export as RFC 4180 CSV (CRLF line ends, quoted
// fields as needed): a header, then one row per session and one per finding.
// Every cell that a spreadsheet would read as a formula (beginning with =, +,
// -, @, a tab or a carriage return, after any spaces) is prefixed with a
// single quote: recorded text is hostile.
func WriteExportCSV(w io.Writer, e *Export, m *Mapping) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	cols := csvColumns(m)
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	byFramework := func(cs []ControlRef) []string {
		out := make([]string, 0, len(m.Frameworks))
		for _, f := range m.Frameworks {
			var ids []string
			for _, c := range cs {
				if c.Framework == f.ID {
					ids = append(ids, c.ID)
				}
			}
			out = append(out, strings.Join(ids, "; "))
		}
		return out
	}
	for _, s := range e.Sessions {
		row := []string{
			"session", s.Commit, s.Subject, s.Author, stamp(s.Date), s.Session, s.Agent, s.Model, s.Signature, s.Signer,
			stamp(s.Started), stamp(s.Ended), s.PermissionMode, s.Task, strings.Join(s.Scope, "; "), strings.Join(s.FilesRead, "; "),
			sourceList(s.FetchedHosts), sourceList(s.MCPServers), strings.Join(s.Commands, "; "), strings.Join(s.Edits, "; "),
			strings.Join(s.FilesChanged, "; "), strconv.FormatBool(s.Tainted), "", "", "", "", "", "", "", "",
		}
		if err := cw.Write(safeCells(append(row, byFramework(s.Controls)...))); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	for _, f := range e.Findings {
		line := ""
		if f.Line > 0 {
			line = strconv.Itoa(f.Line)
		}
		row := []string{
			"finding", f.Commit, f.Subject, "", "", f.Session, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
			f.Rule, f.Name, string(f.Level), f.Path, line, f.Message, f.Hint, f.Class,
		}
		if err := cw.Write(safeCells(append(row, byFramework(f.Controls)...))); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	return flushCSV(cw, &buf, w)
}

func sourceList(ss []Source) string {
	var out []string
	for _, s := range ss {
		if s.Trusted {
			out = append(out, s.Name)
		} else {
			out = append(out, s.Name+" (untrusted)")
		}
	}
	return strings.Join(out, "; ")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// safeCells neutralises spreadsheet formulas in every cell (CWE-1236).
func safeCells(row []string) []string {
	for i, c := range row {
		row[i] = safeCell(c)
	}
	return row
}

func safeCell(c string) string {
	t := strings.TrimLeft(c, " ")
	if t == "" {
		return c
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r', '|', '%':
		return "'" + c
	}
	// Full-width forms some spreadsheets also accept.
	if strings.HasPrefix(t, "＝") || strings.HasPrefix(t, "＋") || strings.HasPrefix(t, "－") || strings.HasPrefix(t, "＠") {
		return "'" + c
	}
	return c
}

// flushCSV ends the CSV document cw wrote into buf and writes it to w
// whole, so that a failed write leaves no partial document.
func flushCSV(cw *csv.Writer, buf *bytes.Buffer, w io.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

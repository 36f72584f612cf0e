package audit

import (
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
	"github.com/agentcheck/agentcheck/signals"
)

// LogVersion is the version of the log document (see doc.go).
const LogVersion = 1

// Log is the account of a verified range: every commit, the sessions behind
// it and what the gate found. It is the canonical form of agentcheck log;
// the text output and the export are renderings of it.
type Log struct {
	Version       int        `json:"version"`
	Range         string     `json:"range"`
	Base          string     `json:"base,omitempty"`
	PolicySource  string     `json:"policySource"`
	SignersSource string     `json:"signersSource,omitempty"`
	Commits       []Commit   `json:"commits"`
	Summary       LogSummary `json:"summary"`
}

// LogSummary counts what the log holds.
type LogSummary struct {
	Commits  int `json:"commits"`
	Sessions int `json:"sessions"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
}

// Commit is one commit of the range.
type Commit struct {
	Commit  string    `json:"commit"`
	Subject string    `json:"subject"`
	Author  string    `json:"author"`
	Date    time.Time `json:"date"` // committer date, UTC
	Agent   bool      `json:"agent"`
	// MadeBy and Manifest are the report's: which agents made the
	// commit, how each is known, and whether it carries a valid manifest.
	MadeBy   []check.AgentIdentity `json:"madeBy,omitempty"`
	Manifest check.ManifestStatus  `json:"manifest,omitempty"`
	Sessions []Session             `json:"sessions"`
	Findings []check.Finding       `json:"findings"`
}

// Session is what one manifest on the commit says the session did.
type Session struct {
	Label          string              `json:"session"` // agent/id, as findings name it
	Agent          string              `json:"agent"`
	AgentVersion   string              `json:"agentVersion,omitempty"`
	Model          string              `json:"model,omitempty"`
	ID             string              `json:"id"`
	Signature      string              `json:"signature"` // "valid", or "invalid": then nothing below is vouched for
	Signer         string              `json:"signer,omitempty"`
	KeyID          string              `json:"keyid,omitempty"`
	Started        time.Time           `json:"started"`
	Ended          time.Time           `json:"ended"`
	PermissionMode string              `json:"permissionMode,omitempty"`
	Sandbox        string              `json:"sandbox,omitempty"`
	Task           Task                `json:"task"`
	Scope          []journal.ScopeDecl `json:"scope"`
	// ScopeClaims are scope directives in input the human did not write;
	// they declared nothing (AC013).
	ScopeClaims []provenance.ScopeClaim `json:"scopeClaims,omitempty"`
	Reads       Reads                   `json:"reads"`
	Actions     Actions                 `json:"actions"`
	Files       []File                  `json:"files"`
	Remotes     []provenance.Remote     `json:"remotes,omitempty"`
	Tainted     bool                    `json:"tainted"`
	Findings    Counts                  `json:"findings"`
}

// Task is what the human asked for.
type Task struct {
	Excerpt string   `json:"excerpt"` // the first prompt, on one line, shortened
	Prompts []Prompt `json:"prompts"`
}

// Prompt is one prompt of the human, as the policy let the manifest keep it.
type Prompt struct {
	At       time.Time `json:"at"`
	Text     string    `json:"text,omitempty"`
	SHA256   string    `json:"sha256,omitempty"`
	Recorded string    `json:"recorded"` // "full", "hash" or "none" (record.prompts)
}

// Reads is what the session ingested, with the external sources called out.
type Reads struct {
	Files    []string  `json:"files"`
	Fetches  []Fetch   `json:"fetches"`
	Searches []string  `json:"searches"`
	MCP      []MCPCall `json:"mcp"`
	// Hosts are the distinct hosts the session fetched from, and MCPServers
	// the distinct MCP servers it read from, each with whether the policy
	// trusts it (taint.trusted_hosts, taint.trusted_mcp).
	Hosts      []Source `json:"hosts"`
	MCPServers []Source `json:"mcpServers"`
}

// Fetch is one web fetch.
type Fetch struct {
	URL     string `json:"url"`
	Host    string `json:"host"`
	Trusted bool   `json:"trusted"`
	Failed  bool   `json:"failed,omitempty"`
}

// MCPCall is one MCP tool call.
type MCPCall struct {
	Server   string `json:"server"`
	Tool     string `json:"tool"`
	Trusted  bool   `json:"trusted"`
	Failed   bool   `json:"failed,omitempty"`
	Decision string `json:"decision,omitempty"`
}

// Source is an external source of content and whether the policy trusts it.
type Source struct {
	Name    string `json:"name"`
	Trusted bool   `json:"trusted"`
}

// Actions is what the session did.
type Actions struct {
	Edits     []Edit    `json:"edits"`
	Commands  []Command `json:"commands"`
	MCP       []MCPCall `json:"mcp"`
	Subagents []string  `json:"subagents"`
}

// Edit is a file the session edited or deleted.
type Edit struct {
	Path     string `json:"path"`
	Deleted  bool   `json:"deleted,omitempty"`
	Failed   bool   `json:"failed,omitempty"`
	Decision string `json:"decision,omitempty"`
}

// Command is a shell command the session ran (secrets masked at attest).
type Command struct {
	Command  string `json:"command"`
	Failed   bool   `json:"failed,omitempty"`
	Decision string `json:"decision,omitempty"`
}

// File is a path of the commit's diff the session changed, with the blob it
// left there.
type File struct {
	Path    string `json:"path"`
	Blob    string `json:"blob"`
	Deleted bool   `json:"deleted,omitempty"`
}

// Counts counts findings by level.
type Counts struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
}

func (c *Counts) add(l check.Level) {
	switch l {
	case check.LevelError:
		c.Errors++
	case check.LevelWarning:
		c.Warnings++
	case check.LevelNote:
		c.Notes++
	}
}

// Total is the number of findings counted.
func (c Counts) Total() int { return c.Errors + c.Warnings + c.Notes }

// BuildLog gives an account of a verified range: the report of the
// verification, the commits it walked (for their dates) and the trusted
// policy (to say which fetched hosts and MCP servers it trusts).
func BuildLog(r *check.Report, commits []*git.Commit, pol *scope.Policy) *Log {
	r = r.Canonical()
	dates := make(map[string]time.Time, len(commits))
	for _, c := range commits {
		dates[c.Hash.String()] = c.Committer.When.UTC()
	}
	l := &Log{
		Version: LogVersion, Range: r.Range, Base: r.Base, PolicySource: r.PolicySource, SignersSource: r.SignersSource,
		Commits: make([]Commit, 0, len(r.Commits)),
	}
	l.Summary.Commits = len(r.Commits)
	for _, cr := range r.Commits {
		c := Commit{
			Commit: cr.Commit, Subject: cr.Subject, Author: cr.Author, Date: dates[cr.Commit], Agent: cr.Agent,
			MadeBy: cr.MadeBy, Manifest: cr.Manifest,
			Sessions: make([]Session, 0, len(cr.Sessions)), Findings: cr.Findings,
		}
		for _, s := range cr.Sessions {
			if s.Predicate == nil {
				continue
			}
			sess := buildSession(s, pol)
			for _, f := range cr.Findings {
				if f.Session == sess.Label {
					sess.Findings.add(f.Level)
				}
			}
			c.Sessions = append(c.Sessions, sess)
		}
		for _, f := range cr.Findings {
			var cnt Counts
			cnt.add(f.Level)
			l.Summary.Errors += cnt.Errors
			l.Summary.Warnings += cnt.Warnings
			l.Summary.Notes += cnt.Notes
		}
		l.Summary.Sessions += len(c.Sessions)
		l.Commits = append(l.Commits, c)
	}
	return l
}

func buildSession(s check.SessionSummary, pol *scope.Policy) Session {
	p := s.Predicate
	out := Session{
		Label: p.Agent.Name + "/" + p.Session.ID, Agent: p.Agent.Name, AgentVersion: p.Agent.Version, Model: p.Agent.Model,
		ID: p.Session.ID, Signature: "invalid", Signer: s.Signer, KeyID: s.KeyID,
		Started: p.Session.Started.UTC(), Ended: p.Session.Ended.UTC(), PermissionMode: p.Session.PermissionMode,
		Sandbox: p.Session.Sandbox, ScopeClaims: slices.Clone(p.Task.ScopeClaims),
		Task:    Task{Excerpt: s.Task, Prompts: []Prompt{}},
		Scope:   slices.Clone(p.Task.Scope),
		Reads:   Reads{Files: []string{}, Fetches: []Fetch{}, Searches: []string{}, MCP: []MCPCall{}, Hosts: []Source{}, MCPServers: []Source{}},
		Actions: Actions{Edits: []Edit{}, Commands: []Command{}, MCP: []MCPCall{}, Subagents: []string{}},
		Files:   []File{},
		Tainted: s.Tainted,
	}
	if s.Valid {
		out.Signature = "valid"
	}
	if out.Scope == nil {
		out.Scope = []journal.ScopeDecl{}
	}
	for _, pr := range p.Task.Prompts {
		rec := Prompt{At: pr.At.UTC(), Text: pr.Text, SHA256: pr.SHA256, Recorded: "full"}
		switch {
		case pr.Text == "" && pr.SHA256 != "":
			rec.Recorded = "hash"
		case pr.Text == "":
			rec.Recorded = "none"
		}
		out.Task.Prompts = append(out.Task.Prompts, rec)
	}
	hosts := map[string]bool{}
	servers := map[string]bool{}
	for _, r := range p.Reads {
		switch r.Kind {
		case provenance.ReadFetch:
			host := hostOf(r.URL)
			trusted := signals.TrustedHost(host, pol.Taint.TrustedHosts)
			out.Reads.Fetches = append(out.Reads.Fetches, Fetch{URL: r.URL, Host: host, Trusted: trusted, Failed: r.Failed})
			if _, ok := hosts[host]; !ok {
				hosts[host] = trusted
			}
		case provenance.ReadSearch:
			out.Reads.Searches = append(out.Reads.Searches, r.Query)
		case provenance.ReadMCP:
			trusted := signals.TrustedMCP(r.Server, pol.Taint.TrustedMCP)
			out.Reads.MCP = append(out.Reads.MCP, MCPCall{Server: r.Server, Tool: r.Tool, Trusted: trusted, Failed: r.Failed})
			servers[r.Server] = trusted
		default:
			if r.Path != "" && !slices.Contains(out.Reads.Files, r.Path) {
				out.Reads.Files = append(out.Reads.Files, r.Path)
			}
		}
	}
	out.Reads.Hosts = sources(hosts)
	out.Reads.MCPServers = sources(servers)
	for _, a := range p.Actions {
		switch a.Kind {
		case journal.KindEdit, journal.KindDelete:
			out.Actions.Edits = append(out.Actions.Edits, Edit{Path: a.Path, Deleted: a.Kind == journal.KindDelete, Failed: a.Failed, Decision: a.Decision})
		case journal.KindExec:
			out.Actions.Commands = append(out.Actions.Commands, Command{Command: a.Command, Failed: a.Failed, Decision: a.Decision})
		case journal.KindMCP:
			out.Actions.MCP = append(out.Actions.MCP, MCPCall{Server: a.Server, Tool: a.Tool, Trusted: signals.TrustedMCP(a.Server, pol.Taint.TrustedMCP), Failed: a.Failed, Decision: a.Decision})
		case journal.KindSubagent:
			out.Actions.Subagents = append(out.Actions.Subagents, a.Text)
		}
	}
	paths := make([]string, 0, len(p.Files))
	for f := range p.Files {
		paths = append(paths, f)
	}
	sort.Strings(paths)
	for _, f := range paths {
		out.Files = append(out.Files, File{Path: f, Blob: p.Files[f], Deleted: p.Files[f] == journal.ZeroBlob})
	}
	if p.Repo != nil {
		out.Remotes = p.Repo.Remotes
	}
	return out
}

func sources(m map[string]bool) []Source {
	out := make([]Source, 0, len(m))
	for name, trusted := range m {
		out = append(out, Source{Name: name, Trusted: trusted})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// hostOf returns the host of a URL, or the URL itself when it has none.
func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return raw
	}
	return strings.ToLower(u.Hostname())
}

package audit

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
)

// CensusVersion is the version of the census document (see doc.go).
const CensusVersion = 1

// Census is the exposure of a range: for each agent, the commits it made and
// how many carry a valid manifest. It is what a team looks at before it
// turns the gate on. It is the canonical form of agentcheck census; text,
// JSON and CSV are renderings of it.
type Census struct {
	Version       int    `json:"version"`
	Range         string `json:"range"`
	Base          string `json:"base,omitempty"`
	PolicySource  string `json:"policySource"`
	SignersSource string `json:"signersSource,omitempty"`
	// Commits is the number of commits in the range.
	Commits int `json:"commits"`
	// Agents are the agents (and automation) that made commits of the
	// range: the counted ones first, each group by most commits, then by
	// title.
	Agents []CensusAgent `json:"agents"`
	// Summary counts the agent commits: the commits of the counted agents.
	Summary CensusSummary `json:"summary"`
}

// CensusSummary counts the commits of the counted agents.
type CensusSummary struct {
	AgentCommits int            `json:"agentCommits"`
	Manifests    ManifestCounts `json:"manifests"`
	// Automation counts the commits of agents the policy does not count,
	// such as dependency bots.
	Automation int `json:"automation"`
	// Others are the commits no agent made, as far as their metadata and
	// notes tell.
	Others int `json:"others"`
}

// ManifestCounts counts commits by [check.ManifestStatus].
type ManifestCounts struct {
	Valid   int `json:"valid"`
	Invalid int `json:"invalid"`
	None    int `json:"none"`
}

func (m *ManifestCounts) add(s check.ManifestStatus) {
	switch s {
	case check.ManifestValid:
		m.Valid++
	case check.ManifestInvalid:
		m.Invalid++
	default:
		m.None++
	}
}

// CensusAgent is one agent of a census and its commits.
type CensusAgent struct {
	// Agent, Title, Vendor and Kind are those of check.AgentIdentity.
	// Agent "" is the unnamed agent: commits the policy's agent trailers
	// or authors recognise, or whose note alone makes them agent commits.
	Agent  string `json:"agent"`
	Title  string `json:"title"`
	Vendor string `json:"vendor,omitempty"`
	Kind   string `json:"kind,omitempty"`
	// Counted is false for an agent the policy does not count as one
	// (check.AgentIdentity.Ignored): a dependency bot by default.
	Counted   bool           `json:"counted"`
	Commits   int            `json:"commits"`
	Manifests ManifestCounts `json:"manifests"`
	// Markers say how its commits were recognised, most commits first.
	Markers []MarkerCount  `json:"markers"`
	List    []CensusCommit `json:"list"`
}

// MarkerCount is how many of an agent's commits one marker recognised.
type MarkerCount struct {
	Source  string `json:"source"` // as check.AgentIdentity.Source
	Marker  string `json:"marker"`
	Commits int    `json:"commits"`
}

// CensusCommit is one commit of an agent.
type CensusCommit struct {
	Commit   string               `json:"commit"`
	Subject  string               `json:"subject"`
	Author   string               `json:"author"`
	Date     time.Time            `json:"date"` // committer date, UTC
	Manifest check.ManifestStatus `json:"manifest"`
	// Source and Marker say how the commit was recognised as the agent's:
	// those of the identity it counts for.
	Source string `json:"source"`
	Marker string `json:"marker"`
	// MadeBy is every answer the report gives (check.CommitReport.MadeBy).
	MadeBy []check.AgentIdentity `json:"madeBy"`
}

// noteOnly is the marker of a commit that its note alone makes an agent
// commit: manifests, none valid, and nothing in its metadata.
const noteOnly = "a note that holds no valid manifest"

// BuildCensus counts who made the commits of a range. reports[i] is
// commits[i]'s (gate.IdentifyRange); spec, base and t say what range was
// identified against what trusted side. Each commit counts once, for the
// first agent of its MadeBy: its valid manifest's agent when it has one,
// else the agent its metadata names.
func BuildCensus(spec string, base git.Hash, t *check.Trust, commits []*git.Commit, reports []check.CommitReport) *Census {
	c := &Census{
		Version: CensusVersion, Range: spec, PolicySource: t.PolicySource, SignersSource: t.SignersSource,
		Commits: len(reports), Agents: []CensusAgent{},
	}
	if !base.IsZero() {
		c.Base = base.String()
	}
	byKey := map[string]*CensusAgent{}
	var order []string
	for i, r := range reports {
		id, ok := madeByFirst(r)
		if !ok {
			c.Summary.Others++
			continue
		}
		key := strconv.FormatBool(id.Ignored) + "\x00" + id.Agent
		a := byKey[key]
		if a == nil {
			a = &CensusAgent{Agent: id.Agent, Title: id.Title, Vendor: id.Vendor, Kind: id.Kind, Counted: !id.Ignored,
				Markers: []MarkerCount{}, List: []CensusCommit{}}
			byKey[key] = a
			order = append(order, key)
		}
		a.Commits++
		a.Manifests.add(r.Manifest)
		a.addMarker(id.Source, id.Marker)
		cc := CensusCommit{Commit: r.Commit, Subject: r.Subject, Author: r.Author, Manifest: r.Manifest,
			Source: id.Source, Marker: id.Marker, MadeBy: slices.Clone(r.MadeBy)}
		if cc.MadeBy == nil {
			cc.MadeBy = []check.AgentIdentity{}
		}
		if i < len(commits) {
			cc.Date = commits[i].Committer.When.UTC()
		}
		a.List = append(a.List, cc)
		if a.Counted {
			c.Summary.AgentCommits++
			c.Summary.Manifests.add(r.Manifest)
		} else {
			c.Summary.Automation++
		}
	}
	for _, key := range order {
		a := byKey[key]
		slices.SortStableFunc(a.Markers, func(x, y MarkerCount) int {
			return cmp.Or(cmp.Compare(y.Commits, x.Commits), cmp.Compare(x.Source, y.Source), cmp.Compare(x.Marker, y.Marker))
		})
		c.Agents = append(c.Agents, *a)
	}
	slices.SortStableFunc(c.Agents, func(x, y CensusAgent) int {
		if x.Counted != y.Counted {
			if x.Counted {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(y.Commits, x.Commits), cmp.Compare(x.Title, y.Title), cmp.Compare(x.Agent, y.Agent))
	})
	return c
}

// madeByFirst is the identity a commit counts for: the first of its MadeBy,
// or the unnamed agent for a commit its note alone makes an agent's. ok is
// false for a commit no agent made.
func madeByFirst(r check.CommitReport) (check.AgentIdentity, bool) {
	switch {
	case len(r.MadeBy) > 0:
		return r.MadeBy[0], true
	case r.Agent:
		return check.AgentIdentity{Title: "unnamed agent", Source: "note", Marker: noteOnly}, true
	}
	return check.AgentIdentity{}, false
}

func (a *CensusAgent) addMarker(source, marker string) {
	for i := range a.Markers {
		if a.Markers[i].Source == source && a.Markers[i].Marker == marker {
			a.Markers[i].Commits++
			return
		}
	}
	a.Markers = append(a.Markers, MarkerCount{Source: source, Marker: marker, Commits: 1})
}

// WriteCensusJSON writes the census as one indented JSON document.
func WriteCensusJSON(w io.Writer, c *Census) error {
	return writeJSON(w, c, "census")
}

// WriteCensusText writes the census for people: where the trusted side came
// from, a table of the agents with their commits and manifests, a summary
// line, then for each counted agent how its commits were recognised and the
// commits themselves (automation's commits are only counted here; the JSON
// and CSV list them). Recorded text is flattened to one printable line.
func WriteCensusText(w io.Writer, c *Census) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("range          %s (%s)", clean(c.Range, 200), plural(c.Commits, "commit"))
	if c.Base != "" {
		p(", trusted side read at %s", short(c.Base))
	}
	p("\npolicy         %s\n", clean(c.PolicySource, 200))
	if c.SignersSource != "" {
		p("trusted keys   %s\n", clean(c.SignersSource, 200))
	}
	if len(c.Agents) > 0 {
		rows := [][]string{{"agent", "vendor", "kind", "commits", "valid", "invalid", "none"}}
		for _, a := range c.Agents {
			title := clean(a.Title, 60)
			if !a.Counted {
				title += " (not counted)"
			}
			rows = append(rows, []string{title, orDash(clean(a.Vendor, 40)), orDash(clean(a.Kind, 10)),
				strconv.Itoa(a.Commits), strconv.Itoa(a.Manifests.Valid), strconv.Itoa(a.Manifests.Invalid), strconv.Itoa(a.Manifests.None)})
		}
		p("\n")
		writeTable(bw, rows, 3)
	}
	s := c.Summary
	p("\n%d of %s made by agents: %d with a valid manifest, %d invalid, %d without one",
		s.AgentCommits, plural(c.Commits, "commit"), s.Manifests.Valid, s.Manifests.Invalid, s.Manifests.None)
	if s.Automation > 0 {
		p("; %s by automation not counted as agents", plural(s.Automation, "commit"))
	}
	p("\n")
	for _, a := range c.Agents {
		if !a.Counted {
			continue
		}
		p("\n%s: %s\n", clean(a.Title, 60), plural(a.Commits, "commit"))
		for _, m := range a.Markers {
			p("  %6d  %s\n", m.Commits, clean(m.Marker, 200))
		}
		for _, cc := range a.List {
			p("  %s  %s  %-7s  %s  %s\n", short(cc.Commit), day(cc.Date), cc.Manifest, clean(cc.Author, 60), clean(cc.Subject, 100))
		}
	}
	return bw.Flush()
}

// writeTable writes rows as columns separated by two spaces, the columns
// from numeric on aligned right.
func writeTable(w io.Writer, rows [][]string, numeric int) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], len([]rune(cell)))
		}
	}
	for _, r := range rows {
		var line []byte
		for i, cell := range r {
			pad := widths[i] - len([]rune(cell))
			if i > 0 {
				line = append(line, "  "...)
			}
			if i >= numeric {
				line = append(line, bytes.Repeat([]byte(" "), pad)...)
				line = append(line, cell...)
			} else {
				line = append(line, cell...)
				if i < len(r)-1 {
					line = append(line, bytes.Repeat([]byte(" "), pad)...)
				}
			}
		}
		fmt.Fprintf(w, "%s\n", line)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// censusColumns are the columns of the census CSV: one row per commit an
// agent or automation made.
var censusColumns = []string{
	"agent", "title", "vendor", "kind", "counted", "commit", "date", "author", "manifest", "source", "marker", "subject",
}

// WriteCensusCSV writes the census as RFC 4180 CSV (CRLF line ends): a
// header, then one row per commit of each agent, in the order of the
// census, with the marker that made it count for that agent. Cells a
// spreadsheet would read as formulas are neutralised as in the export.
func WriteCensusCSV(w io.Writer, c *Census) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := cw.Write(censusColumns); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	for _, a := range c.Agents {
		for _, cc := range a.List {
			row := []string{a.Agent, a.Title, a.Vendor, a.Kind, strconv.FormatBool(a.Counted), cc.Commit, stamp(cc.Date),
				cc.Author, string(cc.Manifest), cc.Source, cc.Marker, cc.Subject}
			if err := cw.Write(safeCells(row)); err != nil {
				return fmt.Errorf("writing CSV: %w", err)
			}
		}
	}
	return flushCSV(cw, &buf, w)
}

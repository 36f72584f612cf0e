package provenance

import "github.com/agentcheck/agentcheck/provenance/journal"

// The session journal is package journal, which the recording hook links
// without the rest of this package. These names keep it part of
// provenance's API; they are the same types, constants and functions.

// Journal events.
type (
	// Kind is what a journal event records; see [journal.Kind].
	Kind = journal.Kind
	// Event is one normalized line of a session journal; see [journal.Event].
	Event = journal.Event
	// ScopeDecl is one glob of a session's declared intent; see
	// [journal.ScopeDecl].
	ScopeDecl = journal.ScopeDecl
	// Journal is the content of one session journal; see [journal.Journal].
	Journal = journal.Journal
)

// Event kinds; see [journal.KindStart].
const (
	KindStart    = journal.KindStart
	KindPrompt   = journal.KindPrompt
	KindRead     = journal.KindRead
	KindFetch    = journal.KindFetch
	KindSearch   = journal.KindSearch
	KindMCP      = journal.KindMCP
	KindExec     = journal.KindExec
	KindEdit     = journal.KindEdit
	KindDelete   = journal.KindDelete
	KindSubagent = journal.KindSubagent
	KindStop     = journal.KindStop
	KindEnd      = journal.KindEnd
	KindScope    = journal.KindScope
	KindAttest   = journal.KindAttest
)

// Scope sources, decisions and the blob id of a deletion; see package
// journal.
const (
	SourceDirective = journal.SourceDirective
	SourceMention   = journal.SourceMention
	SourceCLI       = journal.SourceCLI
	DecisionDeny    = journal.DecisionDeny
	DecisionWarn    = journal.DecisionWarn
	ZeroBlob        = journal.ZeroBlob
	// MaxJournalLine bounds one journal line; see [journal.MaxLine].
	MaxJournalLine = journal.MaxLine
)

// JournalDir is [journal.Dir].
func JournalDir(commonDir string) string { return journal.Dir(commonDir) }

// JournalPath is [journal.Path].
func JournalPath(commonDir, agent, session string) string {
	return journal.Path(commonDir, agent, session)
}

// AppendEvents is [journal.Append].
func AppendEvents(path string, events []Event) error { return journal.Append(path, events) }

// ReadJournal is [journal.Read].
func ReadJournal(path string) (*Journal, error) { return journal.Read(path) }

// ListJournals is [journal.List].
func ListJournals(commonDir string) ([]string, error) { return journal.List(commonDir) }

// SessionScope is [journal.SessionScope].
func SessionScope(events []Event) []ScopeDecl { return journal.SessionScope(events) }

// ReadScope is [journal.ReadScope].
func ReadScope(path string) ([]ScopeDecl, error) { return journal.ReadScope(path) }

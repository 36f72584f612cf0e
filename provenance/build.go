package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// BuildOptions say what a manifest is for and what it may record.
type BuildOptions struct {
	// Commit is the hex id of the commit the manifest attests.
	Commit string
	// Changed holds the paths of the commit's diff (both sides of a rename).
	// The manifest's files map holds those of them the session changed.
	Changed []string
	// Prompts is the policy's record.prompts mode (scope.PromptsFull,
	// PromptsHash or PromptsNone); "" means full.
	Prompts string
	// MaskCommand, if set, masks secrets in recorded commands before they are
	// signed. It is applied to every command in the manifest.
	MaskCommand func(string) string
	// MaskText, if set, masks secrets in the other free text a manifest
	// records: prompt text (under record.prompts=full), fetched URLs, search
	// queries, subagent descriptions and remote URLs. Prompts are masked
	// because a human pastes tokens into a chat as readily as into a shell.
	MaskText func(string) string
	// Remotes are the repository's configured remotes (name → URLs), recorded
	// so that the checker can tell pushes to them from pushes elsewhere. nil
	// records nothing.
	Remotes map[string][]string
	// Mismatches are what attest found the agent's own transcript to show
	// and the journal to lack (see package attest); recorded masked.
	Mismatches []Mismatch
}

// BuildStatement summarises one session's journal events into a signed-to-be
// statement about opts.Commit. Events must belong to one session and be in
// time order (as journal.Read returns them).
func BuildStatement(events []journal.Event, opts BuildOptions) (*Statement, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("building manifest for %s: the session has no events", opts.Commit)
	}
	pred := summarise(events, opts)
	raw, err := json.Marshal(pred)
	if err != nil {
		return nil, fmt.Errorf("encoding manifest predicate: %w", err)
	}
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: "commit", Digest: map[string]string{"gitCommit": opts.Commit}}},
		PredicateType: SessionPredicateType,
		Predicate:     raw,
	}, nil
}

// permissive ranks permission modes; a session is recorded with the most
// permissive mode it ever ran in, since that is what the checker must judge.
var permissive = map[string]int{"default": 1, "plan": 1, "acceptEdits": 2, "dontAsk": 3, "bypassPermissions": 4}

// sandboxRank ranks sandboxes likewise; one this table does not know
// ranks above them all, so that the record never understates it.
var sandboxRank = map[string]int{"read-only": 1, "workspace-write": 2, "danger-full-access": 3}

func rankSandbox(s string) int {
	if r, ok := sandboxRank[s]; ok {
		return r
	}
	return 4
}

// subagentOf names the subagent of an event, type/id.
func subagentOf(ev journal.Event) string {
	switch {
	case ev.SubagentType != "" && ev.SubagentID != "":
		return ev.SubagentType + "/" + ev.SubagentID
	case ev.SubagentID != "":
		return ev.SubagentID
	}
	return ev.SubagentType
}

func summarise(events []journal.Event, opts BuildOptions) *SessionPredicate {
	mask, maskText := opts.MaskCommand, opts.MaskText
	if mask == nil {
		mask = func(s string) string { return s }
	}
	if maskText == nil {
		maskText = func(s string) string { return s }
	}
	p := &SessionPredicate{
		Agent:   AgentInfo{Name: events[0].Agent},
		Session: SessionInfo{ID: events[0].Session, Started: events[0].Time, Ended: events[len(events)-1].Time},
		Task:    Task{Prompts: []Prompt{}, Scope: []journal.ScopeDecl{}},
		Reads:   []Read{},
		Actions: []Action{},
		Files:   map[string]string{},
	}
	changed := make(map[string]bool, len(opts.Changed))
	for _, c := range opts.Changed {
		changed[c] = true
	}
	seenRead := map[Read]bool{}
	seenAction := map[Action]bool{}
	addRead := func(r Read) {
		if !seenRead[r] {
			seenRead[r] = true
			p.Reads = append(p.Reads, r)
		}
	}
	addAction := func(a Action) {
		if !seenAction[a] {
			seenAction[a] = true
			p.Actions = append(p.Actions, a)
		}
	}
	for _, ev := range events {
		if ev.AgentVersion != "" {
			p.Agent.Version = ev.AgentVersion
		}
		if ev.Model != "" {
			p.Agent.Model = ev.Model
		}
		if m := ev.PermissionMode; m != "" && permissive[m] >= permissive[p.Session.PermissionMode] {
			p.Session.PermissionMode = m
		}
		if sb := ev.Sandbox; sb != "" && (p.Session.Sandbox == "" || rankSandbox(sb) > rankSandbox(p.Session.Sandbox)) {
			p.Session.Sandbox = sb
		}
		denied := ev.Decision == journal.DecisionDeny
		sub := subagentOf(ev)
		switch ev.Kind {
		case journal.KindPrompt:
			pr := redactPrompt(ev, opts.Prompts)
			pr.Text = maskText(pr.Text)
			p.Task.Prompts = append(p.Task.Prompts, pr)
		case journal.KindContext:
			if len(ev.ScopeClaim) > 0 {
				p.Task.ScopeClaims = append(p.Task.ScopeClaims, ScopeClaim{At: ev.Time, Origin: ev.Origin, Globs: ev.ScopeClaim})
			}
		case journal.KindRead:
			addRead(Read{Kind: ReadFile, Path: ev.Path, Query: ev.Query, Tool: ev.Tool, Failed: ev.Failed, Subagent: sub})
		case journal.KindFetch:
			addRead(Read{Kind: ReadFetch, URL: maskText(ev.URL), Failed: ev.Failed, Subagent: sub})
		case journal.KindSearch:
			addRead(Read{Kind: ReadSearch, Query: maskText(ev.Query), Failed: ev.Failed, Subagent: sub})
		case journal.KindMCP:
			if !denied {
				addRead(Read{Kind: ReadMCP, Server: ev.Server, Tool: ev.Tool, Failed: ev.Failed, Subagent: sub})
			}
			addAction(Action{Kind: journal.KindMCP, Server: ev.Server, Tool: ev.Tool, Failed: ev.Failed, Decision: ev.Decision, Subagent: sub})
		case journal.KindExec:
			addAction(Action{Kind: journal.KindExec, Command: mask(ev.Command), Tool: ev.Tool, Failed: ev.Failed, Decision: ev.Decision, Subagent: sub})
		case journal.KindEdit, journal.KindDelete:
			addAction(Action{Kind: ev.Kind, Path: ev.Path, Blob: ev.Blob, Tool: ev.Tool, Failed: ev.Failed, Decision: ev.Decision, Subagent: sub})
			if !denied && changed[ev.Path] && ev.Blob != "" {
				p.Files[ev.Path] = ev.Blob
			}
		case journal.KindSubagent:
			addAction(Action{Kind: journal.KindSubagent, Text: maskText(ev.Text), Tool: ev.Tool, Decision: ev.Decision, Subagent: sub})
		}
	}
	p.Task.Scope = append(p.Task.Scope, journal.SessionScope(events)...)
	sortScope(p.Task.Scope)
	if opts.Remotes != nil {
		p.Repo = &RepoInfo{Remotes: remotesOf(opts.Remotes, maskText)}
	}
	for _, m := range opts.Mismatches {
		m.Detail = maskText(m.Detail)
		p.Mismatches = append(p.Mismatches, m)
	}
	return p
}

// remotesOf turns a name → URLs map into the sorted, masked list a manifest
// records.
func remotesOf(remotes map[string][]string, mask func(string) string) []Remote {
	out := make([]Remote, 0, len(remotes))
	for name, urls := range remotes {
		r := Remote{Name: name, URLs: []string{}}
		seen := map[string]bool{}
		for _, u := range urls {
			if u = mask(u); !seen[u] {
				seen[u] = true
				r.URLs = append(r.URLs, u)
			}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// sortScope orders declarations by glob then source, so that manifests of
// the same session are byte-identical however the hooks interleaved.
func sortScope(decls []journal.ScopeDecl) {
	sort.SliceStable(decls, func(i, j int) bool {
		if decls[i].Glob != decls[j].Glob {
			return decls[i].Glob < decls[j].Glob
		}
		return decls[i].Source < decls[j].Source
	})
}

func redactPrompt(ev journal.Event, mode string) Prompt {
	switch mode {
	case scope.PromptsNone:
		return Prompt{At: ev.Time}
	case scope.PromptsHash:
		sum := sha256.Sum256([]byte(ev.Text))
		return Prompt{At: ev.Time, SHA256: hex.EncodeToString(sum[:])}
	default:
		return Prompt{At: ev.Time, Text: ev.Text}
	}
}

// SessionFiles returns, for each path the session edited or deleted (and was
// not denied), the last blob it left there.
func SessionFiles(events []journal.Event) map[string]string {
	files := map[string]string{}
	for _, ev := range events {
		if (ev.Kind == journal.KindEdit || ev.Kind == journal.KindDelete) && ev.Decision != journal.DecisionDeny && ev.Blob != "" {
			files[ev.Path] = ev.Blob
		}
	}
	return files
}

// DecodeSessionPredicate decodes the predicate of a session statement. It
// fails on a statement of another predicate type.
func DecodeSessionPredicate(st *Statement) (*SessionPredicate, error) {
	if st.PredicateType != SessionPredicateType {
		return nil, fmt.Errorf("%w: predicate type %q is not %q", ErrMalformed, st.PredicateType, SessionPredicateType)
	}
	var p SessionPredicate
	if err := json.Unmarshal(st.Predicate, &p); err != nil {
		return nil, fmt.Errorf("%w: decoding session predicate: %v", ErrMalformed, err)
	}
	if p.Session.ID == "" || p.Agent.Name == "" {
		return nil, fmt.Errorf("%w: session predicate without agent or session id", ErrMalformed)
	}
	return &p, nil
}

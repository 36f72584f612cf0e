package agents

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Agent names, as given to "agentcheck hook --agent NAME" and recorded in the
// journal.
const (
	AgentClaude   = "claude-code"
	AgentCursor   = "cursor"
	AgentCodex    = "codex"
	AgentOpenCode = "opencode"
)

// Input is everything Parse needs besides the payload.
type Input struct {
	Agent   string // the --agent flag: one of the Agent constants
	Payload []byte // the hook's stdin
	// Getenv reads the hook process's environment (os.Getenv in main). It is
	// consulted only for GIT_DIR, GIT_WORK_TREE and GIT_COMMON_DIR, and for
	// Claude Code's AI_AGENT, which names its version. Nil means an empty
	// environment.
	Getenv func(string) string
	// Now stamps every event; the zero value means time.Now().
	Now time.Time
	// Dir is the working directory used when the payload names none; ""
	// means the process's own.
	Dir string
}

// Phase says where in a tool call's life a hook event fires.
type Phase int

// Phases of a hook event.
const (
	PhaseOther Phase = iota // session, prompt and turn events
	PhasePre                // before a tool runs: the call may still be denied
	PhasePost               // after a tool ran (successfully or not)
)

func (p Phase) String() string {
	switch p {
	case PhasePre:
		return "pre"
	case PhasePost:
		return "post"
	default:
		return "other"
	}
}

// Hook is one normalized hook invocation.
type Hook struct {
	// Agent is the agent that really sent the payload. It differs from
	// Input.Agent when Cursor runs Claude Code hooks from
	// .claude/settings.json: the payload then carries cursor_version or
	// conversation_id and is Cursor's.
	Agent   string
	Session string
	Event   string // the native event name (for OpenCode: the plugin hook, or the bus event type)
	Phase   Phase
	Tool    string // the native tool name of a tool event; "" otherwise
	Cwd     string // absolute working directory of the payload
	// SubagentID and SubagentType name the subagent that made the call,
	// when the agent says so; every event carries them too.
	SubagentID, SubagentType string
	// Repo is the repository containing Cwd, zero when there is none
	// (FindRepo(Cwd, …) then says why); paths are then all absolute.
	Repo Repo
	// Events are what to append to the session journal, in order.
	Events []journal.Event
	// Mentions lists the files the human attached to a prompt event
	// (Cursor's attachments, OpenCode's file parts) as the payload names
	// them. They are @-mentions the prompt text may not spell out; the
	// caller resolves them into scope declarations like "@path".
	Mentions []string
	// Proposed lists, for a pre-tool event, what the call would do if
	// allowed, for runtime enforcement. It is empty for other phases.
	Proposed []Proposed
	// Pending lists, for a pre-tool event, the files a command is about
	// to change with no post-tool event to record them after (Codex fires
	// none for a shell command that runs apply_patch). The caller keeps
	// them and records their state at the session's next event, with
	// [Hook.Settle].
	Pending []string

	now time.Time
	res resolver
}

// Settle returns the events recording the files at paths (journal paths)
// as they are now, as tool left them: an edit with the blob of the file's
// content, or a delete when it is gone (see [Hook.Pending]).
func (h *Hook) Settle(tool string, paths []string) []journal.Event {
	b := &builder{h: &Hook{Agent: h.Agent, Session: h.Session, Repo: h.Repo}, now: h.now, res: h.res}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if !strings.HasPrefix(p, "/") && h.Repo.Root != "" {
			p = filepath.Join(h.Repo.Root, filepath.FromSlash(p))
		}
		b.asLeft(tool, p, journal.KindEdit, false)
	}
	return b.h.Events
}

// Proposed is one effect a pending tool call would have. Paths follow the
// journal's rule: relative to the repository root, slash-separated, or
// absolute when outside the repository.
type Proposed struct {
	Kind journal.Kind `json:"kind"`           // KindEdit, KindDelete, KindExec, KindRead, KindFetch, KindSearch or KindMCP
	Path string       `json:"path,omitempty"` // the file written, deleted or read
	// From is set for a move: Kind is KindEdit, Path is the new path and
	// From the old one, which the move deletes.
	From string `json:"from,omitempty"`
	// Target is where Path leads through symlinks, when that differs from
	// Path: a write or read through a symlink, or through a symlinked
	// directory, reaches the target (even a dangling symlink's, which a
	// write creates); a delete reaches through symlinked directories only.
	Target  string `json:"target,omitempty"`
	Command string `json:"command,omitempty"` // KindExec
	URL     string `json:"url,omitempty"`     // KindFetch
	Query   string `json:"query,omitempty"`   // KindSearch, and KindRead for a search (Glob, Grep)
	Server  string `json:"server,omitempty"`  // KindMCP
	Tool    string `json:"tool,omitempty"`    // the agent's tool name
}

// Paths returns the repository paths the proposal touches: a move touches
// both its old and its new path.
func (p Proposed) Paths() []string {
	var out []string
	if p.From != "" {
		out = append(out, p.From)
	}
	if p.Path != "" {
		out = append(out, p.Path)
	}
	if p.Target != "" {
		out = append(out, p.Target)
	}
	return out
}

// Parse normalizes one hook payload. A payload that is not a JSON object is
// an error (the caller logs it and exits 0, never blocking the agent);
// unknown events, tools and fields are not: they produce no events.
func Parse(in Input) (*Hook, error) {
	var parse func(Input, obj) *Hook
	switch in.Agent {
	case AgentClaude:
		parse = parseClaude
	case AgentCursor:
		parse = parseCursor
	case AgentCodex:
		parse = parseCodex
	case AgentOpenCode:
		parse = parseOpenCode
	default:
		return nil, fmt.Errorf("parsing hook payload: unknown agent %q (want %s, %s, %s or %s)",
			in.Agent, AgentClaude, AgentCursor, AgentCodex, AgentOpenCode)
	}
	o, err := parseObj(in.Payload)
	if err != nil {
		return nil, fmt.Errorf("parsing %s hook payload: %w", in.Agent, err)
	}
	if in.Agent == AgentClaude && isCursorPayload(o) {
		parse = parseCursor
	}
	return parse(in, o), nil
}

// builder accumulates a Hook's events with the fields every event shares.
type builder struct {
	h      *Hook
	now    time.Time
	mode   string // permission mode, stamped on every event
	res    resolver
	getenv func(string) string
	// subagentID and subagentType name the subagent that made the call,
	// stamped on every event.
	subagentID, subagentType string
	// transcript is the file the agent keeps its own transcript of the
	// session in, stamped on start and prompt events for attest's
	// cross-check.
	transcript string
}

// newBuilder resolves the working directory and the repository for a hook
// and returns a builder for its events. cwd is the payload's working
// directory ("" if it has none).
func newBuilder(in Input, agent, session, event, cwd string) *builder {
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	cwd = absDir(cwd, in.Dir)
	getenv := in.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	repo, lexical, _ := findRepo(cwd, getenv)
	res := newResolver(cwd, lexical, repo.Root)
	return &builder{
		h: &Hook{
			Agent:   agent,
			Session: session,
			Event:   event,
			Cwd:     cwd,
			Repo:    repo,
			now:     now,
			res:     res,
		},
		now:    now,
		res:    res,
		getenv: getenv,
	}
}

// absDir returns an absolute, clean working directory: cwd if absolute,
// else cwd resolved against dir, the process's directory, or "/".
func absDir(cwd, dir string) string {
	if filepath.IsAbs(cwd) {
		return filepath.Clean(cwd)
	}
	if !filepath.IsAbs(dir) {
		wd, err := os.Getwd()
		if err != nil {
			wd = string(filepath.Separator)
		}
		dir = filepath.Join(wd, dir)
	}
	return filepath.Join(dir, cwd)
}

// ev returns an event of kind with the fields every event carries.
func (b *builder) ev(kind journal.Kind) journal.Event {
	return journal.Event{
		Time:           b.now,
		Agent:          b.h.Agent,
		Session:        b.h.Session,
		Kind:           kind,
		PermissionMode: b.mode,
		SubagentID:     b.subagentID,
		SubagentType:   b.subagentType,
	}
}

// setSubagent names the subagent that made the call, on the hook and on
// every event.
func (b *builder) setSubagent(id, typ string) {
	b.subagentID, b.subagentType = id, typ
	b.h.SubagentID, b.h.SubagentType = id, typ
}

func (b *builder) add(e journal.Event) { b.h.Events = append(b.h.Events, e) }

// last returns the event added last, or nil.
func (b *builder) last() *journal.Event {
	if len(b.h.Events) == 0 {
		return nil
	}
	return &b.h.Events[len(b.h.Events)-1]
}

func (b *builder) propose(p Proposed) { b.h.Proposed = append(b.h.Proposed, p) }

// path converts a payload path to its journal form.
func (b *builder) path(p string) string { return b.res.rel(p) }

// asLeft records the state a write left a file in, read from disk: an edit
// with the file's blob id, or a delete with the zero blob when the file is
// gone. For a failed call the intended kind is kept, with Failed set and the
// blob of whatever is on disk. When the path leads elsewhere through
// symlinks (a write through a symlink changes its target; through a
// symlinked directory, the real directory's file), the state of the file
// reached is recorded too, under its own path: that is the path git sees.
func (b *builder) asLeft(tool, raw string, intent journal.Kind, failed bool) {
	if raw == "" {
		return
	}
	named := b.path(raw)
	b.add(b.fileState(tool, named, b.res.abs(raw), intent, failed))
	real := b.resolve(raw, true)
	if reached := b.res.rel(real); reached != named {
		b.add(b.fileState(tool, reached, real, intent, failed))
	}
}

// fileState returns the event recording the file at abs, journaled as path.
func (b *builder) fileState(tool, path, abs string, intent journal.Kind, failed bool) journal.Event {
	e := b.ev(journal.KindEdit)
	e.Tool = tool
	e.Path = path
	e.Failed = failed
	id, err := BlobID(abs)
	switch {
	case failed:
		e.Kind = intent
		e.Blob = id
	case err == nil:
		e.Blob = id
	case errors.Is(err, fs.ErrNotExist):
		e.Kind = journal.KindDelete
		e.Blob = journal.ZeroBlob
	}
	return e
}

// patchAsLeft records every file a patch touched as the patch left it.
func (b *builder) patchAsLeft(tool string, ops []PatchOp, failed bool) {
	for _, op := range ops {
		switch op.Kind {
		case PatchDelete:
			b.asLeft(tool, op.Path, journal.KindDelete, failed)
		case PatchUpdate:
			if op.MoveTo != "" {
				b.asLeft(tool, op.Path, journal.KindDelete, failed)
				b.asLeft(tool, op.MoveTo, journal.KindEdit, failed)
				continue
			}
			b.asLeft(tool, op.Path, journal.KindEdit, failed)
		default:
			b.asLeft(tool, op.Path, journal.KindEdit, failed)
		}
	}
}

// proposePatch lists the effects of a pending patch.
func (b *builder) proposePatch(tool string, ops []PatchOp) {
	for _, op := range ops {
		switch {
		case op.Kind == PatchDelete:
			b.proposePath(journal.KindDelete, tool, op.Path)
		case op.MoveTo != "":
			// The old path is deleted (a move takes the link, not its
			// target) and the new one written.
			p := Proposed{Kind: journal.KindEdit, Path: b.path(op.MoveTo), From: b.path(op.Path), Tool: tool}
			p.Target = b.target(op.MoveTo, true)
			b.propose(p)
		default:
			b.proposePath(journal.KindEdit, tool, op.Path)
		}
	}
}

// proposePath proposes a write, delete or read of one file.
func (b *builder) proposePath(kind journal.Kind, tool, path string) {
	if path == "" {
		return
	}
	b.propose(Proposed{
		Kind:   kind,
		Path:   b.path(path),
		Target: b.target(path, kind != journal.KindDelete),
		Tool:   tool,
	})
}

// maxSymlinks bounds the symlinks followed from one path, as the kernel's
// ELOOP limit does.
const maxSymlinks = 40

// target returns, in journal form, where the payload path p leads through
// symlinks, or "" when that is p itself.
func (b *builder) target(p string, followLeaf bool) string {
	if t := b.res.rel(b.resolve(p, followLeaf)); t != b.path(p) {
		return t
	}
	return ""
}

// resolve returns the absolute path the payload path p leads to through
// symlinks. Its directory is always resolved; with followLeaf, so is its
// final component when it is a symlink, dangling or not (writing a
// dangling symlink creates its target). It costs a few lstat calls and
// reads no file.
func (b *builder) resolve(p string, followLeaf bool) string {
	a := b.res.abs(p)
	if followLeaf {
		return WriteTarget(a)
	}
	return filepath.Join(resolveDir(filepath.Dir(a)), filepath.Base(a))
}

// WriteTarget returns where a write to the absolute path abs lands through
// the symlinks on this machine: its final component's, dangling or not
// (writing a dangling symlink creates its target), and its directory's,
// which may not exist yet. It costs a few lstat calls and reads no file.
func WriteTarget(abs string) string {
	a := abs
	for i := 0; i < maxSymlinks; i++ {
		fi, err := os.Lstat(a)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			break
		}
		link, err := os.Readlink(a)
		if err != nil {
			break
		}
		a = absUnder(filepath.Dir(a), link)
	}
	return filepath.Join(resolveDir(filepath.Dir(a)), filepath.Base(a))
}

// resolveDir resolves the symlinks of the directory d, which may not exist
// yet: its longest existing ancestor is resolved and the rest appended.
func resolveDir(d string) string {
	rest := ""
	for cur := d; ; {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return d
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// exec records a shell command (at the pre-tool event) and proposes it.
func (b *builder) exec(tool, command string) {
	if command == "" {
		return
	}
	e := b.ev(journal.KindExec)
	e.Tool = tool
	e.Command = command
	b.add(e)
	b.propose(Proposed{Kind: journal.KindExec, Command: command, Tool: tool})
}

// read records a file read, or a search of the file tree when query is set.
func (b *builder) read(tool, path, query string, failed bool) {
	if path == "" && query == "" {
		return
	}
	e := b.ev(journal.KindRead)
	e.Tool = tool
	e.Path = b.path(path)
	e.Query = query
	e.Failed = failed
	b.add(e)
}

// shellReads records the files a shell command reads (see shellread.go).
func (b *builder) shellReads(tool, command string, failed bool) {
	for _, r := range shellReads(command) {
		b.read(tool, r.Path, r.Query, failed)
	}
}

func (b *builder) fetch(tool, url string, failed bool) {
	e := b.ev(journal.KindFetch)
	e.Tool = tool
	e.URL = url
	e.Failed = failed
	b.add(e)
}

func (b *builder) search(tool, query string, failed bool) {
	e := b.ev(journal.KindSearch)
	e.Tool = tool
	e.Query = query
	e.Failed = failed
	b.add(e)
}

func (b *builder) mcp(server, tool string, failed bool) {
	e := b.ev(journal.KindMCP)
	e.Server = server
	e.Tool = tool
	e.Failed = failed
	b.add(e)
}

func (b *builder) subagent(tool, text string) {
	e := b.ev(journal.KindSubagent)
	e.Tool = tool
	e.Text = text
	b.add(e)
}

func (b *builder) prompt(text string) {
	e := b.ev(journal.KindPrompt)
	e.Text = text
	e.Transcript = b.transcript
	b.add(e)
}

func (b *builder) start(model, version string) {
	e := b.ev(journal.KindStart)
	e.Model = model
	e.AgentVersion = version
	e.Transcript = b.transcript
	b.add(e)
}

func (b *builder) simple(kind journal.Kind) { b.add(b.ev(kind)) }

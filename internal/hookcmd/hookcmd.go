// Package hookcmd is the recording hook, "agentcheck hook --agent NAME": it
// reads one event of a coding agent's hook system on stdin, normalizes it
// into journal events and appends them to the session journal, the record
// a manifest is later built from.
//
// The hook runs on every tool call of the agent, so its start-up is most of
// its cost. This package imports agents, enforce, scope, provenance/journal,
// internal/git and internal/trusted, and nothing that links go-git's
// repository or transports, SSH or HTTP; cmd/agentcheck-hook is a binary of
// this package alone, which starts in a fraction of the time the whole
// agentcheck CLI needs (see docs/performance.md). TestDeps
// keeps it that way.
//
// cmd/agentcheck implements the same command as "agentcheck hook" (see
// cmd/agentcheck/hook.go); its TestHookBinariesAgree runs both on every
// recorded payload and requires the same journal, output and exit status.
package hookcmd

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/enforce"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// MaxPayload bounds one hook payload read from stdin.
const MaxPayload = 32 << 20

// IO is what one run of the hook reads and writes, passed explicitly as
// exec.Cmd carries it, so that tests run it in-process.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads the environment; os.Getenv in main.
	Getenv func(string) string
	// Name is the command as the user types it, for the usage line:
	// "agentcheck hook" when empty.
	Name string
	// Version is the line --version prints, e.g. "agentcheck-hook 1.2.0
	// (commit …)": doctor runs it to find a hook binary older than
	// agentcheck.
	Version string
}

func (o IO) getenv(key string) string {
	if o.Getenv == nil {
		return ""
	}
	return o.Getenv(key)
}

// Exit statuses of Main.
const (
	ExitOK    = 0
	ExitUsage = 2
)

// Main runs the hook with the arguments after the command name, "--agent
// NAME", and returns the process's exit status. A failure of the hook
// itself never blocks the agent: it is reported on stderr and the status is
// 0. Only a usage error exits 2.
func Main(args []string, o IO) int {
	fs := flag.NewFlagSet("hook", flag.ContinueOnError)
	// The flag package would print its errors and the usage itself, so a
	// bad flag would be reported twice.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	agent := fs.String("agent", "", "the agent whose hook payload is on stdin: claude-code, cursor, codex, opencode")
	showVersion := fs.Bool("version", false, "print the version of this binary and exit")
	name := cmp.Or(o.Name, "agentcheck hook")
	usage := "usage: " + name + " --agent NAME < payload.json"
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(o.Stdout, "%s: record one agent hook event and apply the runtime policy (called by the agent)\n\n%s\n\nflags:\n", name, usage)
			fs.SetOutput(o.Stdout)
			fs.PrintDefaults()
			fmt.Fprintf(o.Stdout, "\nexamples:\n  # what the agent's hook runs for each event (agentcheck init writes it)\n  %s --agent claude-code < event.json\n", name)
			return ExitOK
		}
		fmt.Fprintf(o.Stderr, "agentcheck: error: %v\nagentcheck: hint: %s\n", err, usage)
		return ExitUsage
	}
	if *showVersion {
		if fs.NArg() > 0 || *agent != "" {
			fmt.Fprintf(o.Stderr, "agentcheck: error: --version takes no other flag or argument\nagentcheck: hint: %s --version\n", name)
			return ExitUsage
		}
		fmt.Fprintln(o.Stdout, cmp.Or(o.Version, name+" (version unknown)"))
		return ExitOK
	}
	if fs.NArg() > 0 || *agent == "" {
		fmt.Fprintf(o.Stderr, "agentcheck: error: hook needs --agent NAME and no arguments\nagentcheck: hint: %s\n", usage)
		return ExitUsage
	}
	code, err := Record(*agent, o)
	if err != nil {
		fmt.Fprintf(o.Stderr, "agentcheck: hook: %v (the event was not recorded; the agent continues)\n", err)
	}
	return code
}

// Record reads one payload of agent from o.Stdin, applies runtime
// enforcement to a pre-tool event (see enforce.go) and appends the events to
// the session's journal. It returns the exit status the agent expects for the
// answer written — non-zero only when the call is denied in an agent whose
// deny is an exit status — and an error of the hook itself, which never
// denies anything. Outside a git repository it records nothing.
func Record(agent string, o IO) (int, error) {
	data, err := io.ReadAll(io.LimitReader(o.Stdin, MaxPayload+1))
	if err != nil {
		return ExitOK, fmt.Errorf("reading the hook payload: %w", err)
	}
	if len(data) > MaxPayload {
		return ExitOK, fmt.Errorf("hook payload is over %d bytes", MaxPayload)
	}
	now := time.Now().UTC()
	h, err := agents.Parse(agents.Input{Agent: agent, Payload: data, Getenv: o.getenv, Now: now})
	if err != nil {
		return ExitOK, err
	}
	if h.Repo.Root == "" {
		return ExitOK, nil // not inside a git repository: nothing to attest later
	}
	h.Events = withScope(h)
	path := journal.Path(h.Repo.CommonDir, h.Agent, h.Session)
	if err := pinAtStart(h.Repo, o.getenv, path); err != nil {
		// The event is still recorded; a guarded call reads the policy
		// itself and warns again if it must fall back.
		fmt.Fprintf(o.Stderr, "agentcheck: hook: %v\n", err)
	}
	settled := settlePending(h, path)
	events, code := h.Events, ExitOK
	var enforceErr error
	if h.Phase == agents.PhasePre && len(h.Proposed) > 0 {
		var v enforce.Verdict
		v, enforceErr = enforceHook(o, h, path)
		events, code = applyVerdict(h, v, now, o.Stdout, o.Stderr)
	}
	if err := journal.Append(path, append(settled, events...)); err != nil {
		return code, err
	}
	if len(h.Pending) > 0 && code == ExitOK && !denied(events) {
		if err := addPending(path, h.Pending); err != nil {
			return code, err
		}
	}
	if enforceErr != nil {
		return code, fmt.Errorf("reading the session's scope: %w (judged as if it declared nothing)", enforceErr)
	}
	return code, nil
}

// A session's pending files (see agents.Hook.Pending) wait in a file
// beside its journal, one journal path a line, until the session's next
// event records their state. Claiming the list is a rename, so two hooks
// of one session never both record it; when nothing is pending, as almost
// always, the cost is one failed rename.

func pendingPath(journalPath string) string { return journalPath + ".pending" }

// maxPending bounds the pending list read back.
const maxPending = 1 << 20

// settlePending returns the events recording the session's pending files
// as they are now, and clears the list.
func settlePending(h *agents.Hook, journalPath string) []journal.Event {
	p := pendingPath(journalPath)
	claimed := p + "." + strconv.Itoa(os.Getpid())
	if err := os.Rename(p, claimed); err != nil {
		return nil
	}
	defer os.Remove(claimed)
	f, err := os.Open(claimed)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPending))
	if err != nil {
		return nil
	}
	var paths []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if line != "" && !slices.Contains(paths, line) {
			paths = append(paths, line)
		}
	}
	return h.Settle("apply_patch", paths)
}

// addPending appends paths to the session's pending list.
func addPending(journalPath string, paths []string) error {
	f, err := os.OpenFile(pendingPath(journalPath), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("recording the files a shell command patches: %w", err)
	}
	var b strings.Builder
	for _, p := range paths {
		if p != "" && !strings.ContainsAny(p, "\n\r") {
			b.WriteString(p + "\n")
		}
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("recording the files a shell command patches: %w", err)
	}
	return nil
}

// denied reports whether the runtime hook refused the call.
func denied(events []journal.Event) bool {
	for _, e := range events {
		if e.Decision == journal.DecisionDeny {
			return true
		}
	}
	return false
}

// withScope returns the hook's events with what prompts declare: the scope
// of the human's prompts, followed by a read of each file they @-mention
// (the agent attaches its content; no tool hook fires for it), and the
// scope directives that input the human did not write tried to declare,
// as a claim that declares nothing.
func withScope(h *agents.Hook) []journal.Event {
	var out []journal.Event
	for _, e := range h.Events {
		switch e.Kind {
		case journal.KindPrompt:
			resolve := MentionResolver(h.Repo.Root, h.Cwd)
			e.Scope = scope.FromPrompt(e.Text, resolve)
			e.Scope = appendMentions(e.Scope, h.Mentions, resolve)
			out = append(out, e)
			out = append(out, mentionReads(e)...)
			continue
		case journal.KindContext:
			for _, d := range scope.FromPrompt(e.Text, nil) {
				if d.Source == journal.SourceDirective {
					e.ScopeClaim = append(e.ScopeClaim, d.Glob)
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// mentionReads returns a read of each file or directory a prompt's scope
// @-mentions.
func mentionReads(prompt journal.Event) []journal.Event {
	var out []journal.Event
	for _, d := range prompt.Scope {
		if d.Source != journal.SourceMention {
			continue
		}
		r := journal.Event{Time: prompt.Time, Agent: prompt.Agent, Session: prompt.Session, Kind: journal.KindRead,
			Tool: "mention", Path: scope.UnescapeGlob(strings.TrimSuffix(d.Glob, "/**")), PermissionMode: prompt.PermissionMode}
		out = append(out, r)
	}
	return out
}

// appendMentions adds the files a prompt attached (Cursor's attachments,
// OpenCode's file parts) as @-mentions: soft scope declarations, as if the
// human had typed @path.
func appendMentions(decls []journal.ScopeDecl, mentions []string, resolve scope.Resolver) []journal.ScopeDecl {
	for _, m := range mentions {
		if m == "" || strings.ContainsAny(m, "\"\n\r") {
			continue
		}
		for _, d := range scope.FromPrompt("@\""+m+"\"", resolve) {
			if !slices.Contains(decls, d) {
				decls = append(decls, d)
			}
		}
	}
	return decls
}

// MentionResolver resolves an @mention of a prompt to a path relative to the
// repository root, relative mentions being relative to the agent's working
// directory. Mentions outside the repository or of missing files resolve to
// nothing.
func MentionResolver(root, cwd string) func(string) (string, bool, bool) {
	if cwd == "" {
		cwd = root
	}
	return func(mention string) (string, bool, bool) {
		p := mention
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, filepath.FromSlash(p))
		}
		rel, err := filepath.Rel(root, filepath.Clean(p))
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", false, false
		}
		info, err := os.Stat(p)
		if err != nil {
			return "", false, false
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		return rel, info.IsDir(), true
	}
}

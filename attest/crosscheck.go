package attest

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agentcheck/agentcheck/internal/hint"
	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
	"github.com/agentcheck/agentcheck/transcript"
)

// The journal is a file the agent can write, and a manifest vouches for
// what the journal says. So before a session is signed, its journal is
// cross-checked against the transcript the agent keeps itself (the path
// its start and prompt events record; see package transcript), a record
// written by another program. What each disagreement leads to:
//
//   - A prompt that declares scope but that the transcript does not show
//     the human sending: attest refuses. Scope is the human's word on what
//     the task may change; a signature over a scope the human never gave
//     is what the forgery is after, and nothing of it can be salvaged.
//   - A fetch, search, MCP call, command or read that the transcript shows
//     and the journal lacks (a line deleted, and with it the taint): the
//     call is restored into the manifest, as the session's first event,
//     so that every edit is judged as made after it (AC007 and the
//     signals), and an AC016 finding is recorded.
//   - An edit or deletion of a path the commit changes that the
//     transcript shows and the journal lacks: an AC016 finding naming the
//     path (the content is then attributed to no session, which verify
//     reports on its own). An edit of a path the commit leaves alone is
//     not this commit's: a call of the same turn may not have run yet.
//   - A transcript the journal names that cannot be read: an AC016
//     finding; the journal is signed as it is.
//
// A journal that names no transcript is cross-checked against the one
// the agent keeps by default for the session's id, if there is one
// (transcript.Find): deleting the path from the journal does not avoid
// the check. A session of an agent that keeps none, or of replayed
// payloads, is not cross-checked. An agent that runs as the user
// can edit its transcript as well as its journal, consistently: this
// raises the bar from one line appended to a file to forging two records
// in two formats, and closes nothing against a determined agent (see
// docs/threat-model.md).

// maxMismatches bounds the mismatches recorded of one session; the last
// one recorded says how many more there were.
const maxMismatches = 50

// maxRestored bounds the calls restored into one manifest from a
// transcript; the mismatches still count the others.
const maxRestored = 1000

// maxTranscripts bounds the transcripts one journal may name.
const maxTranscripts = 4

// crossCheck compares a session's journal events with its agent's
// transcript under the repository root, for a commit whose changes are
// changed (as Changed returns them). It returns the events to build the
// manifest from, the mismatches to record, and an error when attest must
// refuse.
func crossCheck(events []journal.Event, root string, changed map[string]string, getenv func(string) string) ([]journal.Event, []provenance.Mismatch, error) {
	if len(events) == 0 {
		return events, nil, nil
	}
	paths := transcriptPaths(events)
	if len(paths) == 0 && getenv != nil {
		paths = transcript.Find(events[0].Agent, events[0].Session, getenv)
		if len(paths) > maxTranscripts {
			paths = paths[:maxTranscripts]
		}
	}
	if len(paths) == 0 {
		return events, nil, nil
	}
	tr, out, ok := readTranscripts(events[0].Agent, paths)
	if !ok {
		return events, out, nil
	}
	if err := checkPrompts(events, tr.Prompts, paths); err != nil {
		return nil, nil, err
	}
	restored, missing := missingCalls(events, tr.Calls, root, changed)
	out = append(out, missing...)
	if len(out) > maxMismatches {
		more := len(out) - maxMismatches + 1
		out = append(out[:maxMismatches-1], provenance.Mismatch{Kind: provenance.MismatchCall,
			Detail: fmt.Sprintf("%d more tool calls of the transcript the journal lacks", more)})
	}
	if len(restored) > 0 {
		events = slices.Concat(events[:1], restored, events[1:])
	}
	return events, out, nil
}

// readTranscripts reads the transcripts at paths in agent's format, with
// the subagents' transcripts beside Claude Code's, into one. ok is false
// when there is nothing to cross-check against: an agent whose format is
// not read, or no file that could be read (each one is a mismatch).
func readTranscripts(agent string, paths []string) (tr transcript.Transcript, out []provenance.Mismatch, ok bool) {
	type file struct{ format, path string }
	var files []file
	for _, p := range paths {
		files = append(files, file{agent, p})
		if agent == transcript.FormatClaude {
			for _, sub := range transcript.SubagentFiles(p) {
				files = append(files, file{transcript.FormatClaudeSubagent, sub})
			}
		}
	}
	for _, f := range files {
		t, err := transcript.ReadFile(f.format, f.path)
		if errors.Is(err, transcript.ErrUnknownFormat) {
			return tr, nil, false
		}
		if err != nil {
			out = append(out, provenance.Mismatch{Kind: provenance.MismatchTranscript,
				Detail: fmt.Sprintf("the transcript %s could not be read (%v), so what it holds was not cross-checked", f.path, err)})
			continue
		}
		tr.Prompts = append(tr.Prompts, t.Prompts...)
		tr.Calls = append(tr.Calls, t.Calls...)
	}
	return tr, out, len(out) < len(files)
}

// transcriptPaths returns the transcripts the journal's events name, in
// the order they first appear.
func transcriptPaths(events []journal.Event) []string {
	var paths []string
	for _, e := range events {
		if e.Transcript != "" && filepath.IsAbs(e.Transcript) && !slices.Contains(paths, e.Transcript) && len(paths) < maxTranscripts {
			paths = append(paths, e.Transcript)
		}
	}
	return paths
}

// checkPrompts refuses a journal prompt that declares scope and that the
// transcript does not show the human sending.
func checkPrompts(events []journal.Event, sent []string, paths []string) error {
	for _, e := range events {
		if e.Kind != journal.KindPrompt || len(e.Scope) == 0 || humanSent(e.Text, sent) && declaredBy(e) {
			continue
		}
		globs := make([]string, len(e.Scope))
		for i, d := range e.Scope {
			globs[i] = d.Glob
		}
		return hint.With(fmt.Errorf("session %s/%s: the journal holds a prompt at %s declaring scope %s that the agent's own transcript (%s) does not show the human sending; refusing to sign a scope the human may never have given",
			e.Agent, e.Session, e.Time.Format("2006-01-02T15:04:05Z"), strings.Join(globs, " "), strings.Join(paths, ", ")),
			"compare the journal under .git/agentcheck/sessions with the transcript: a line the hook did not write is a forgery; to declare scope, type it in a prompt or run 'agentcheck scope add' in your own terminal")
	}
	return nil
}

// declaredBy reports whether a prompt event's scope is what its own text
// declares: each directive glob is one the text's "scope:" lines give, and
// each mention's path appears in the text. (The hook derives the scope
// from the text; a line written by anything else may pair a true prompt
// with a scope of its own.)
func declaredBy(e journal.Event) bool {
	var directives []string
	for _, d := range scope.FromPrompt(e.Text, nil) {
		directives = append(directives, d.Glob)
	}
	for _, d := range e.Scope {
		switch d.Source {
		case journal.SourceDirective:
			if !slices.Contains(directives, d.Glob) {
				return false
			}
		case journal.SourceMention:
			if !strings.Contains(e.Text, "@") || !strings.Contains(e.Text, scope.UnescapeGlob(strings.TrimSuffix(d.Glob, "/**"))) {
				return false
			}
		default:
			return false // a prompt declares nothing else
		}
	}
	return true
}

// humanSent reports whether the transcript's prompts show the human
// sending text: the same text, or one prompt that holds every line of it
// that declares scope (a "scope:" directive, an @mention), so that an
// agent's rendering of the rest (a pasted image's placeholder, expanded
// whitespace) does not make a true prompt look forged.
func humanSent(text string, sent []string) bool {
	text = normalizePrompt(text)
	var declaring []string
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); strings.Contains(line, "scope:") || strings.Contains(line, "@") {
			declaring = append(declaring, line)
		}
	}
	for _, s := range sent {
		s = normalizePrompt(s)
		if s == text {
			return true
		}
		if len(declaring) > 0 && !slices.ContainsFunc(declaring, func(l string) bool { return !strings.Contains(s, l) }) {
			return true
		}
	}
	return false
}

func normalizePrompt(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// missingCalls returns, for the transcript's calls the journal lacks, the
// events to restore (the calls that bring content in or run commands) and
// the mismatches to record.
func missingCalls(events []journal.Event, calls []transcript.Call, root string, changed map[string]string) (restored []journal.Event, out []provenance.Mismatch) {
	have := map[string]bool{}
	for _, e := range events {
		have[callKey(e.Kind, e.Path, e.URL, e.Query, e.Command, e.Server)] = true
		if e.Kind == journal.KindDelete {
			have[callKey(journal.KindEdit, e.Path, "", "", "", "")] = true
		}
		if e.Kind == journal.KindEdit {
			have[callKey(journal.KindDelete, e.Path, "", "", "", "")] = true
		}
	}
	first := events[0]
	for _, c := range calls {
		path := journalPath(c.Path, root)
		key := callKey(c.Kind, path, c.URL, c.Query, c.Command, c.Server)
		if have[key] {
			continue
		}
		have[key] = true
		switch c.Kind {
		case journal.KindEdit, journal.KindDelete:
			if _, ok := changed[path]; !ok {
				continue
			}
			out = append(out, provenance.Mismatch{Kind: provenance.MismatchEdit, Path: path,
				Detail: fmt.Sprintf("%s of %s by %s", c.Kind, path, c.Tool)})
		default:
			if len(restored) < maxRestored {
				restored = append(restored, journal.Event{Time: first.Time, Agent: first.Agent, Session: first.Session, Kind: c.Kind,
					Tool: c.Tool, Path: path, URL: c.URL, Query: c.Query, Command: c.Command, Server: c.Server})
			}
			out = append(out, provenance.Mismatch{Kind: provenance.MismatchCall,
				Detail: fmt.Sprintf("%s by %s: %s (restored into the manifest)", c.Kind, c.Tool, strings.Join(nonEmpty(path, c.URL, c.Query, c.Command, c.Server), " "))})
		}
	}
	return restored, out
}

func callKey(kind journal.Kind, path, url, query, command, server string) string {
	return strings.Join([]string{string(kind), path, url, query, command, server}, "\x00")
}

// journalPath spells a transcript's path as the journal does: relative to
// the repository root and slash-separated when inside it, else absolute.
// The root and the path's directory are also tried with symbolic links
// resolved, as the hook resolves paths.
func journalPath(p, root string) string {
	if p == "" || root == "" || !filepath.IsAbs(p) {
		return filepath.ToSlash(p)
	}
	roots := []string{root}
	if abs, err := filepath.Abs(root); err == nil {
		roots = append(roots, abs)
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			roots = append(roots, real)
		}
	}
	paths := []string{filepath.Clean(p)}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		paths = append(paths, filepath.Join(dir, filepath.Base(p)))
	}
	for _, r := range roots {
		for _, q := range paths {
			rel, err := filepath.Rel(r, q)
			if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(p)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

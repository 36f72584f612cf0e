// Package transcript reads what coding agents keep of a session themselves
// — Claude Code's transcript (JSONL at the payloads' transcript_path) and
// Codex's rollout file (~/.codex/sessions/…/rollout-*.jsonl) — into the
// prompts the human sent and the tool calls the agent made. attest
// cross-checks a session's journal against it: the journal is a file the
// agent could edit, the transcript is a second record written by another
// program.
//
// Both formats are hostile input: only a regular file of at most MaxSize
// bytes is read, lines over MaxLine bytes and lines that do not parse are
// skipped, and nothing is taken from a line but strings.
package transcript

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// Limits on what is read.
const (
	MaxSize = 512 << 20 // a whole transcript
	MaxLine = 32 << 20  // one line (a pasted image is a long line)
)

// Formats of transcripts, named for the agent that writes them.
const (
	FormatClaude = "claude-code"
	FormatCodex  = "codex"
	// FormatClaudeSubagent is a Claude Code subagent's own transcript:
	// tool calls only.
	FormatClaudeSubagent = "claude-code-subagent"
)

// Transcript is what an agent's own record of a session says happened.
type Transcript struct {
	// Prompts are the texts the human sent, in order.
	Prompts []string
	// Calls are the tool calls the agent made, in order, as far as they
	// are of a kind the journal records.
	Calls []Call

	cwd string // the working directory of the turn being read, if known
}

// Call is one tool call of the agent. Kind is the journal's kind for it
// (fetch, search, mcp, exec, edit, delete, read); Path is as the agent
// gave it (absolute, or relative to the session's working directory).
type Call struct {
	Kind    journal.Kind
	Tool    string
	Path    string
	URL     string
	Query   string
	Command string
	Server  string
}

// ErrUnknownFormat is returned for an agent whose transcript format this
// package does not read.
var ErrUnknownFormat = errors.New("no transcript format known for this agent")

// ReadFile reads the transcript at path in the format of agent.
func ReadFile(agent, path string) (*Transcript, error) {
	if _, ok := parsers[agent]; !ok {
		return nil, ErrUnknownFormat
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the transcript of the session: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading the transcript of the session: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("reading the transcript of the session: %s is not a regular file", path)
	}
	if fi.Size() > MaxSize {
		return nil, fmt.Errorf("reading the transcript of the session: %s is over %d bytes", path, MaxSize)
	}
	return Parse(agent, io.LimitReader(f, MaxSize))
}

// Parse reads a transcript in the format of agent from r.
func Parse(agent string, r io.Reader) (*Transcript, error) {
	parse, ok := parsers[agent]
	if !ok {
		return nil, ErrUnknownFormat
	}
	t := &Transcript{}
	err := lines(r, func(line []byte) { parse(t, line) })
	if err != nil {
		return nil, fmt.Errorf("reading the transcript of the session: %w", err)
	}
	return t, nil
}

// Find returns the transcripts an agent keeps by default of the session
// with id: Claude Code's ~/.claude/projects/*/<id>.jsonl (under
// $CLAUDE_CONFIG_DIR when set) and Codex's
// ~/.codex/sessions/YYYY/MM/DD/rollout-*-<id>.jsonl (under $CODEX_HOME).
// An id that is not a plain name finds nothing.
func Find(agent, id string, getenv func(string) string) []string {
	if !plainName(id) {
		return nil
	}
	home := getenv("HOME")
	var pattern string
	switch agent {
	case FormatClaude:
		dir := getenv("CLAUDE_CONFIG_DIR")
		if dir == "" && home != "" {
			dir = filepath.Join(home, ".claude")
		}
		if dir == "" {
			return nil
		}
		pattern = filepath.Join(dir, "projects", "*", id+".jsonl")
	case FormatCodex:
		dir := getenv("CODEX_HOME")
		if dir == "" && home != "" {
			dir = filepath.Join(home, ".codex")
		}
		if dir == "" {
			return nil
		}
		pattern = filepath.Join(dir, "sessions", "*", "*", "*", "rollout-*-"+id+".jsonl")
	default:
		return nil
	}
	paths, _ := filepath.Glob(pattern)
	return paths
}

// MaxSubagentFiles bounds the subagent transcripts SubagentFiles returns.
const MaxSubagentFiles = 64

// SubagentFiles returns the transcripts Claude Code keeps of a session's
// subagents beside the session's own at path:
// <path without .jsonl>/subagents/agent-*.jsonl.
func SubagentFiles(path string) []string {
	base, ok := strings.CutSuffix(path, ".jsonl")
	if !ok {
		return nil
	}
	// Read the directory rather than glob it: the session's path is the
	// journal's word and may hold glob metacharacters.
	dir := filepath.Join(base, "subagents")
	entries, _ := os.ReadDir(dir) // sorted by name, as a glob's matches are
	var files []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "agent-") && strings.HasSuffix(name, ".jsonl") {
			files = append(files, filepath.Join(dir, name))
		}
		if len(files) == MaxSubagentFiles {
			break
		}
	}
	return files
}

// plainName reports whether s is a session id that cannot change a glob:
// letters, digits, '-', '_' and '.', not starting with '.'.
func plainName(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

var parsers = map[string]func(*Transcript, []byte){
	FormatClaude:         parseClaudeLine,
	FormatClaudeSubagent: parseClaudeSubagentLine,
	FormatCodex:          parseCodexLine,
}

// lines calls fn with each line of r of at most MaxLine bytes that is not
// blank; longer lines are skipped.
func lines(r io.Reader, fn func([]byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	skipping := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !skipping {
			if len(buf)+len(chunk) > MaxLine {
				buf, skipping = buf[:0], true
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if !skipping {
			if l := bytes.TrimSpace(buf); len(l) > 0 {
				fn(l)
			}
		}
		buf, skipping = buf[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

package agents

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// What payloads no longer say, read from the transcript the agent keeps.
// Claude Code 2.1 sends no model on SessionStart and no model on any other
// event; its transcript (transcript_path, JSONL) records the model and the
// version on each assistant message. Codex's payloads name the model but
// not the sandbox its commands ran in; its rollout file records the
// sandbox policy on each turn's turn_context line and the CLI version on
// the first, session_meta, line.
//
// The path comes from the payload and is read as hostile input: only a
// regular file, only its first line or its last transcriptTail bytes, and
// only well-formed lines. A transcript that cannot be read says nothing.

// tails are how much of a transcript's end is read, in turn: the line
// sought is nearly always within the first, and never looked for past the
// last.
var tails = []int64{16 << 10, transcriptTail}

// transcriptTail bounds what is read of a transcript's end; a turn's
// assistant message or turn context sits well inside it.
const transcriptTail = 256 << 10

// transcriptHead bounds the first line of a transcript (Codex's
// session_meta holds the base instructions: some tens of KiB).
const transcriptHead = 1 << 20

// openRegular opens path if it is a regular file.
func openRegular(path string) (*os.File, int64, bool) {
	if path == "" {
		return nil, 0, false
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, false
	}
	return f, fi.Size(), true
}

// lastLine returns the last line of the transcript at path for which
// match returns true, reading its end as tails says.
func lastLine(path string, match func([]byte) bool) bool {
	f, size, ok := openRegular(path)
	if !ok {
		return false
	}
	defer f.Close()
	for _, n := range tails {
		for _, line := range tailLines(f, size, n) {
			if match(line) {
				return true
			}
		}
		if n >= size {
			break
		}
	}
	return false
}

// tailLines returns the complete lines of the last n bytes of f, whose
// size is size, last line first.
func tailLines(f *os.File, size, n int64) [][]byte {
	off := max(size-n, 0)
	buf := make([]byte, size-off)
	if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil
	}
	lines := bytes.Split(buf, []byte{'\n'})
	if off > 0 && len(lines) > 0 {
		lines = lines[1:] // cut mid-line
	}
	var out [][]byte
	for i := len(lines) - 1; i >= 0; i-- {
		if l := bytes.TrimSpace(lines[i]); len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// firstLine returns the first line of the file at path, if it is within
// transcriptHead bytes.
func firstLine(path string) []byte {
	f, _, ok := openRegular(path)
	if !ok {
		return nil
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, transcriptHead))
	if err != nil {
		return nil
	}
	line, _, found := bytes.Cut(buf, []byte{'\n'})
	if !found && len(buf) == transcriptHead {
		return nil
	}
	return line
}

// claudeTranscriptModel returns the model and Claude Code version of the
// last assistant message in a Claude Code transcript.
func claudeTranscriptModel(path string) (model, version string) {
	lastLine(path, func(line []byte) bool {
		if !bytes.Contains(line, []byte(`"assistant"`)) {
			return false
		}
		var e struct {
			Type    string `json:"type"`
			Version string `json:"version"`
			Message struct {
				Model string `json:"model"`
			} `json:"message"`
		}
		if json.Unmarshal(line, &e) != nil || e.Type != "assistant" {
			return false
		}
		// Messages Claude Code makes up itself (an interruption, an API
		// error) carry the model "<synthetic>".
		if m := e.Message.Model; validName(m) {
			model, version = m, validVersion(e.Version)
			return true
		}
		return false
	})
	return model, version
}

// codexSandbox returns the sandbox policy of the last turn in a Codex
// rollout file: read-only, workspace-write, danger-full-access…
func codexSandbox(path string) (sandbox string) {
	lastLine(path, func(line []byte) bool {
		if !bytes.Contains(line, []byte(`"turn_context"`)) {
			return false
		}
		var e struct {
			Type    string `json:"type"`
			Payload struct {
				SandboxPolicy struct {
					Type string `json:"type"`
				} `json:"sandbox_policy"`
			} `json:"payload"`
		}
		if json.Unmarshal(line, &e) == nil && e.Type == "turn_context" && validName(e.Payload.SandboxPolicy.Type) {
			sandbox = e.Payload.SandboxPolicy.Type
			return true
		}
		return false
	})
	return sandbox
}

// codexVersion returns the Codex CLI version a rollout file was written by.
func codexVersion(path string) string {
	var e struct {
		Type    string `json:"type"`
		Payload struct {
			CLIVersion string `json:"cli_version"`
		} `json:"payload"`
	}
	if json.Unmarshal(firstLine(path), &e) != nil || e.Type != "session_meta" {
		return ""
	}
	return validVersion(e.Payload.CLIVersion)
}

// claudeVersionFromEnv returns the version in Claude Code's AI_AGENT
// variable, claude-code_2-1-328_harness, as 2.1.328.
func claudeVersionFromEnv(v string) string {
	rest, ok := strings.CutPrefix(v, "claude-code_")
	if !ok {
		return ""
	}
	ver, _, _ := strings.Cut(rest, "_")
	return validVersion(strings.ReplaceAll(ver, "-", "."))
}

// validName accepts a model or sandbox name: short, of letters, digits
// and . _ - : / @ [ ], so that a forged transcript cannot put prose into
// the record.
func validName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:/@[]", r)
		if !ok {
			return false
		}
	}
	return true
}

func validVersion(s string) string {
	if !validName(s) || len(s) > 40 {
		return ""
	}
	return s
}

// transcriptPath returns a payload's transcript_path as the journal
// records it: an absolute path of no control characters, else "".
func transcriptPath(p string) string {
	if !filepath.IsAbs(p) || len(p) > 4096 || strings.ContainsFunc(p, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return ""
	}
	return p
}

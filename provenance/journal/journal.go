package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxLine bounds one journal line. A longer line (a huge prompt, a
// pathological command) is truncated by the writer and skipped by the reader.
const MaxLine = 1 << 20

// Dir returns the directory holding session journals of the repository
// whose common git directory is commonDir.
func Dir(commonDir string) string {
	return filepath.Join(commonDir, "agentcheck", "sessions")
}

// Path returns the journal file of one agent session. Agent and
// session come from hook payloads, so anything but [A-Za-z0-9._-] is replaced:
// a session id can never name a path outside the journal directory.
func Path(commonDir, agent, session string) string {
	return filepath.Join(Dir(commonDir), safeName(agent)+"-"+safeName(session)+".jsonl")
}

func safeName(s string) string {
	if s == "" {
		return "unknown"
	}
	b := []byte(s)
	if len(b) > 128 {
		b = b[:128]
	}
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			b[i] = '_'
		}
	}
	if b[0] == '.' {
		b[0] = '_'
	}
	return string(b)
}

// Append appends events to the journal at path, creating it and its
// directory as needed. The append holds an exclusive lock on the file, so
// concurrent hook processes never interleave lines, and each line is written
// with a single write. If an earlier writer crashed mid-line, a newline is
// written first so that the torn line stays isolated and no later line is
// lost with it.
func Append(path string, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, ev := range events {
		line, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encoding journal event: %w", err)
		}
		if len(line) >= MaxLine {
			line, err = json.Marshal(truncateEvent(ev))
			if err != nil {
				return fmt.Errorf("encoding journal event: %w", err)
			}
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating journal directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening journal: %w", err)
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return fmt.Errorf("locking journal %s: %w", path, err)
	}
	defer unlockFile(f)
	torn, err := endsMidLine(f)
	if err != nil {
		return fmt.Errorf("reading journal %s: %w", path, err)
	}
	data := buf.Bytes()
	if torn {
		data = append([]byte{'\n'}, data...)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("appending to journal %s: %w", path, err)
	}
	return nil
}

// truncateEvent shortens the free-text fields of an oversized event, marking
// what was cut, so that an event is never dropped for its size.
func truncateEvent(ev Event) Event {
	const keep = 64 << 10
	cut := func(s string) string {
		if len(s) <= keep {
			return s
		}
		return s[:keep] + "…[truncated]"
	}
	ev.Text = cut(ev.Text)
	ev.Command = cut(ev.Command)
	ev.Query = cut(ev.Query)
	ev.URL = cut(ev.URL)
	ev.Path = cut(ev.Path)
	ev.Reason = cut(ev.Reason)
	if len(ev.Scope) > 256 {
		ev.Scope = ev.Scope[:256]
	}
	return ev
}

// endsMidLine reports whether the file's last byte is not a newline.
func endsMidLine(f *os.File) (bool, error) {
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	if info.Size() == 0 {
		return false, nil
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], info.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// Journal is the content of one session journal.
type Journal struct {
	Path   string
	Events []Event
	// Skipped counts lines that did not parse (a torn write, an oversized
	// line or tampering); they are reported, never fatal.
	Skipped int
}

// Attested reports whether the session was attested on the commit.
func (j *Journal) Attested(commit string) bool {
	for _, ev := range j.Events {
		if ev.Kind == KindAttest && ev.Commit == commit {
			return true
		}
	}
	return false
}

// SessionOf returns the agent and session id of a journal's events.
func (j *Journal) SessionOf() (agent, session string) {
	if len(j.Events) == 0 {
		return "", ""
	}
	return j.Events[0].Agent, j.Events[0].Session
}

// Read reads the journal at path. Events are returned in time order;
// concurrent hooks may have appended them slightly out of order.
func Read(path string) (*Journal, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	defer f.Close()
	j, err := parse(f)
	if err != nil {
		return nil, fmt.Errorf("reading journal %s: %w", path, err)
	}
	j.Path = path
	return j, nil
}

func parse(r io.Reader) (*Journal, error) {
	j := &Journal{}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br, MaxLine)
		if len(line) > 0 {
			var ev Event
			if jerr := json.Unmarshal(line, &ev); jerr != nil || !validEvent(&ev) {
				j.Skipped++
			} else {
				j.Events = append(j.Events, ev)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errLineTooLong) {
			j.Skipped++
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(j.Events, func(a, b int) bool { return j.Events[a].Time.Before(j.Events[b].Time) })
	return j, nil
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline. A line longer than max
// is consumed and reported as errLineTooLong.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max {
			// Drain the rest of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimRight(line, "\r\n")
		return line, err
	}
}

// validEvent rejects lines that parse as JSON but are not events.
func validEvent(ev *Event) bool {
	return ev.Kind != "" && ev.Session != "" && ev.Agent != ""
}

// List returns the journal files under the common git directory,
// sorted by name. A missing directory means no sessions.
func List(commonDir string) ([]string, error) {
	entries, err := os.ReadDir(Dir(commonDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing session journals: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".jsonl") {
			paths = append(paths, filepath.Join(Dir(commonDir), e.Name()))
		}
	}
	return paths, nil
}

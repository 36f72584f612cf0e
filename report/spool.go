package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Spool holds the bytes of a report that cannot be written out yet: the
// JSON document's commits, which come before its head is known, and a log
// that must reach a program whole or not at all. They go to a temporary
// file, made at the first write, so that the memory stays that of a file;
// when no temporary file can be made, into memory instead. The zero Spool
// is ready to use; Close removes the file.
type Spool struct {
	f   *os.File
	mem *bytes.Buffer
}

// Write appends p.
func (s *Spool) Write(p []byte) (int, error) {
	if s.f == nil && s.mem == nil {
		if f, err := os.CreateTemp("", "agentcheck-report-*.tmp"); err == nil {
			s.f = f
		} else {
			s.mem = new(bytes.Buffer)
		}
	}
	if s.mem != nil {
		return s.mem.Write(p)
	}
	return s.f.Write(p)
}

// WriteTo writes everything written so far to w.
func (s *Spool) WriteTo(w io.Writer) (int64, error) {
	switch {
	case s.mem != nil:
		return s.mem.WriteTo(w)
	case s.f == nil:
		return 0, nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("reading back the report: %w", err)
	}
	return io.Copy(w, s.f)
}

// Close drops what was written and removes the temporary file.
func (s *Spool) Close() error {
	s.mem = nil
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	s.f = nil
	return err
}

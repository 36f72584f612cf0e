package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the counter's goroutine and the
// test's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Nothing is ever written to a writer that is not a terminal, however long
// the work takes.
func TestNotATerminal(t *testing.T) {
	var out syncBuffer
	c := Start(&out, false, "checking", 10, "commits", Options{Delay: time.Nanosecond, Interval: time.Nanosecond})
	if c != nil {
		t.Fatal("a counter for a writer that is not a terminal")
	}
	c.Add(3) // a nil counter does nothing
	time.Sleep(10 * time.Millisecond)
	c.Done()
	if out.String() != "" {
		t.Errorf("wrote %q", out.String())
	}
}

// Work that ends before the delay draws nothing either.
func TestQuickWork(t *testing.T) {
	var out syncBuffer
	c := Start(&out, true, "checking", 10, "commits", Options{Delay: time.Hour})
	c.Add(10)
	c.Done()
	if out.String() != "" {
		t.Errorf("wrote %q", out.String())
	}
}

// Long work is counted in place and the line is erased at the end.
func TestDraws(t *testing.T) {
	var out syncBuffer
	c := Start(&out, true, "checking", 4, "commits", Options{Delay: time.Millisecond, Interval: time.Millisecond})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); c.Add(1) }()
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "checking 4/4 commits (100%)") {
		if time.Now().After(deadline) {
			t.Fatalf("never drew the final count: %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	c.Done()
	s := out.String()
	if !strings.HasPrefix(s, "\rchecking ") || strings.Contains(s, "\n") {
		t.Errorf("not redrawn in place: %q", s)
	}
	if !strings.HasSuffix(s, "\r"+strings.Repeat(" ", len("checking 4/4 commits (100%)"))+"\r") {
		t.Errorf("the line was not erased: %q", s)
	}
}

// Package progress draws a one-line progress counter on a terminal for
// work that takes long enough for a person to wonder whether anything is
// happening: nothing for the first second, then "checking 523/1000
// commits (52%)" redrawn in place a few times a second, and the line
// erased when the work is done.
//
// It writes only to a terminal: a Counter for a writer that is not one (a
// file, a pipe, a CI log, a test's buffer) does nothing at all. Callers
// give it stderr, never the stream a report (SARIF, JSON) goes to.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Counter; the zero value gives the defaults.
type Options struct {
	// Delay is how long the work runs before anything is drawn; 0 means one
	// second.
	Delay time.Duration
	// Interval is the time between redraws; 0 means 100 ms.
	Interval time.Duration
}

// Counter counts done items out of a total and draws the count on a
// terminal. Its methods are safe for concurrent use. A nil *Counter does
// nothing.
type Counter struct {
	done  atomic.Int64
	total int
	w     io.Writer
	verb  string
	noun  string

	stop     chan struct{}
	finished sync.WaitGroup
	width    int // of the last line drawn; 0: nothing drawn
}

// Start returns a counter of total items ("commits") being processed
// ("checking") that draws on w when terminal is true, and nil otherwise.
// Call Done when the work ends, whatever its outcome.
func Start(w io.Writer, terminal bool, verb string, total int, noun string, opts Options) *Counter {
	if !terminal || w == nil || total <= 0 {
		return nil
	}
	if opts.Delay <= 0 {
		opts.Delay = time.Second
	}
	if opts.Interval <= 0 {
		opts.Interval = 100 * time.Millisecond
	}
	c := &Counter{total: total, w: w, verb: verb, noun: noun, stop: make(chan struct{})}
	c.finished.Add(1)
	go c.run(opts)
	return c
}

// Add counts n more items done.
func (c *Counter) Add(n int) {
	if c != nil {
		c.done.Add(int64(n))
	}
}

// Done stops drawing and erases the line if one was drawn.
func (c *Counter) Done() {
	if c == nil {
		return
	}
	close(c.stop)
	c.finished.Wait()
}

func (c *Counter) run(opts Options) {
	defer c.finished.Done()
	select {
	case <-c.stop:
		return
	case <-time.After(opts.Delay):
	}
	t := time.NewTicker(opts.Interval)
	defer t.Stop()
	for {
		c.draw()
		select {
		case <-c.stop:
			if c.width > 0 {
				fmt.Fprintf(c.w, "\r%s\r", strings.Repeat(" ", c.width))
			}
			return
		case <-t.C:
		}
	}
}

// draw redraws the line in place. Only run calls it, so the line is never
// drawn from two goroutines at once.
func (c *Counter) draw() {
	done := min(int(c.done.Load()), c.total)
	line := fmt.Sprintf("%s %d/%d %s (%d%%)", c.verb, done, c.total, c.noun, done*100/c.total)
	pad := max(c.width-len(line), 0)
	fmt.Fprintf(c.w, "\r%s%s", line, strings.Repeat(" ", pad))
	c.width = len(line)
}

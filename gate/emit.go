package gate

import (
	"sync"

	"github.com/agentcheck/agentcheck/check"
)

// emitWindow is how far past the oldest commit not yet emitted the
// workers may check: the reports waiting for a slow commit are at most
// that many.
const emitWindow = 256

// emitter passes the reports of a range's commits, checked by several
// workers in any order, to Options.Emit in range order.
type emitter struct {
	emit func(check.CommitReport) error

	mu      sync.Mutex
	ready   *sync.Cond
	pending map[int]check.CommitReport // checked, not yet emitted
	next    int                        // the index of the next report to emit
	stopped bool

	emitting sync.Mutex // held while reports are emitted: one caller at a time
}

func newEmitter(emit func(check.CommitReport) error) *emitter {
	e := &emitter{emit: emit, pending: map[int]check.CommitReport{}}
	e.ready = sync.NewCond(&e.mu)
	return e
}

// wait blocks until commit i is within the window, and reports false if
// the check stopped meanwhile.
func (e *emitter) wait(i int) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i >= e.next+emitWindow && !e.stopped {
		e.ready.Wait()
	}
	return !e.stopped
}

// stop wakes the waiting workers: the check failed.
func (e *emitter) stop() {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.ready.Broadcast()
}

// done records the report of commit i and emits every report that is
// now next in order.
func (e *emitter) done(i int, rep check.CommitReport) error {
	e.mu.Lock()
	e.pending[i] = rep
	e.mu.Unlock()

	e.emitting.Lock()
	defer e.emitting.Unlock()
	for {
		e.mu.Lock()
		rep, ok := e.pending[e.next]
		stopped := e.stopped
		if ok {
			delete(e.pending, e.next)
		}
		e.mu.Unlock()
		if !ok || stopped {
			return nil
		}
		if err := e.emit(rep); err != nil {
			return err
		}
		e.mu.Lock()
		e.next++
		e.mu.Unlock()
		e.ready.Broadcast()
	}
}

package gate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
	"github.com/agentcheck/agentcheck/scope"
)

// TestCheckEmitsInOrder checks a range with several workers, passing each
// report on as it is done: the reports come in range order and are those
// Check returns without Emit, and the summary counts them.
func TestCheckEmitsInOrder(t *testing.T) {
	const n = emitWindow + 64
	objects := mapReader{}
	nodes := make([]git.CommitNode, n)
	for i := range nodes {
		msg := fmt.Sprintf("change %d\n", i)
		if i%3 == 0 {
			msg += "\nAgent-Session: claude-code/s1\n" // AC001 under the default policy
		}
		raw := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbca4904\n" +
			"author Dev <dev@example.com> 1700000000 +0000\ncommitter Dev <dev@example.com> 1700000000 +0000\n\n" + msg)
		h := git.Hash{byte(i >> 8), byte(i), 1}
		objects[h] = struct {
			typ  git.ObjectType
			data []byte
		}{git.CommitObject, raw}
		nodes[i] = git.CommitNode{Hash: h}
	}
	trust := &check.Trust{Policy: scope.Default()}
	want, err := Check(context.Background(), objects, trust, nil, append([]git.CommitNode(nil), nodes...), Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	var got []check.CommitReport
	reps, err := Check(context.Background(), objects, trust, nil, append([]git.CommitNode(nil), nodes...), Options{Workers: 4,
		Emit: func(c check.CommitReport) error { got = append(got, c); return nil }})
	if err != nil || reps != nil {
		t.Fatalf("Check with Emit = %d reports, %v; want none and no error", len(reps), err)
	}
	if len(got) != n {
		t.Fatalf("%d reports emitted, want %d", len(got), n)
	}
	for i := range got {
		if got[i].Commit != want[i].Commit || got[i].Subject != want[i].Subject || len(got[i].Findings) != len(want[i].Findings) {
			t.Fatalf("report %d: emitted %s %q (%d findings), want %s %q (%d findings)", i,
				got[i].Commit, got[i].Subject, len(got[i].Findings), want[i].Commit, want[i].Subject, len(want[i].Findings))
		}
	}
}

// TestCheckEmitError: an error of Emit stops the check and is its error.
func TestCheckEmitError(t *testing.T) {
	raw := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbca4904\n" +
		"author Dev <dev@example.com> 1700000000 +0000\ncommitter Dev <dev@example.com> 1700000000 +0000\n\nhuman change\n")
	objects := mapReader{}
	var nodes []git.CommitNode
	for i := range 2 * emitWindow {
		h := git.Hash{byte(i >> 8), byte(i), 2}
		objects[h] = struct {
			typ  git.ObjectType
			data []byte
		}{git.CommitObject, raw}
		nodes = append(nodes, git.CommitNode{Hash: h})
	}
	full := errors.New("disk full")
	emitted := 0
	_, err := Check(context.Background(), objects, &check.Trust{Policy: scope.Default()}, nil, nodes, Options{Workers: 3,
		Emit: func(check.CommitReport) error {
			if emitted++; emitted == 10 {
				return full
			}
			return nil
		}})
	if !errors.Is(err, full) || emitted != 10 {
		t.Fatalf("Check = %v after %d reports, want %v after 10", err, emitted, full)
	}
}

// TestEmitterWindow: workers that finish in any order get their reports
// emitted in order, and never more than emitWindow wait.
func TestEmitterWindow(t *testing.T) {
	const n = 4 * emitWindow
	var e *emitter
	next := 0
	e = newEmitter(func(c check.CommitReport) error {
		if c.Commit != fmt.Sprint(next) {
			return fmt.Errorf("emitted %s, want %d", c.Commit, next)
		}
		next++
		e.mu.Lock()
		waiting := len(e.pending)
		e.mu.Unlock()
		if waiting > emitWindow {
			return fmt.Errorf("%d reports wait, more than %d", waiting, emitWindow)
		}
		return nil
	})
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		taken int
		errs  = make(chan error, 8)
	)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := taken
				taken++
				mu.Unlock()
				if i >= n || !e.wait(i) {
					return
				}
				for range (i * 7919) % (w + 3) { // finish out of order
					runtime.Gosched()
				}
				if err := e.done(i, check.CommitReport{Commit: fmt.Sprint(i)}); err != nil {
					errs <- err
					e.stop()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if next != n {
		t.Fatalf("%d reports emitted, want %d", next, n)
	}
}

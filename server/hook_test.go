package server

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestGuarded checks the gate's safety net: a panic and a gate that ignores
// its deadline both end in a result the hook rejects, in time.
func TestGuarded(t *testing.T) {
	t.Run("panic", func(t *testing.T) {
		res, timedOut, _ := guarded(context.Background(), func(chan<- string) gateResult { panic("boom") })
		if timedOut || res.err == nil || !strings.Contains(res.err.Error(), "internal error: boom") || res.decision != nil {
			t.Errorf("guarded(panic) = %+v, timedOut %v; want an internal error", res, timedOut)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		release := make(chan struct{})
		defer close(release)
		start := time.Now()
		_, timedOut, mode := guarded(ctx, func(modes chan<- string) gateResult {
			modes <- "warn"
			<-release // ignores ctx, as reading stdin does
			return gateResult{}
		})
		if !timedOut || mode != "warn" {
			t.Errorf("guarded(slow) timedOut %v, mode %q; want true, warn", timedOut, mode)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("guarded(slow) returned after %s", d)
		}
	})
	t.Run("deadline error", func(t *testing.T) {
		_, timedOut, _ := guarded(context.Background(), func(chan<- string) gateResult {
			return gateResult{err: fmt.Errorf("walking: %w", context.DeadlineExceeded)}
		})
		if !timedOut {
			t.Error("an error wrapping context.DeadlineExceeded is not a timeout")
		}
	})
	t.Run("decided", func(t *testing.T) {
		res, timedOut, mode := guarded(context.Background(), func(chan<- string) gateResult {
			return gateResult{decision: &Decision{}}
		})
		if timedOut || res.err != nil || res.decision == nil || mode != "" {
			t.Errorf("guarded(ok) = %+v, %v, %q", res, timedOut, mode)
		}
	})
}

// TestHookOutcome runs the hook where it cannot check anything: outside a
// repository it fails closed, unless in warn mode; the pusher is told why.
func TestHookOutcome(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want Outcome
	}{{"", Failed}, {ModeEnforce, Failed}, {ModeWarn, Accepted}} {
		var stderr bytes.Buffer
		h := &Hook{Dir: t.TempDir(), Stdin: strings.NewReader(""), Stderr: &stderr, Mode: tc.mode, Timeout: 5 * time.Second}
		if got := h.Run(context.Background()); got != tc.want {
			t.Errorf("mode %q: %v, want %v", tc.mode, got, tc.want)
		}
		if !strings.Contains(stderr.String(), "run agentcheck pre-receive as a hook of the repository") {
			t.Errorf("mode %q: stderr %q", tc.mode, stderr.String())
		}
	}
}

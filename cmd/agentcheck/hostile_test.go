package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/repogen"
)

// TestHostileInputs runs verify on each input of repogen.HostileCases, built
// to make the gate run out of time or memory: each must fail, with the
// finding the case names, or with an error. How long each takes and how much
// memory is measured outside the tests (go run ./bench -only hostile).
func TestHostileInputs(t *testing.T) {
	for _, h := range repogen.HostileCases() {
		t.Run(h.Name, func(t *testing.T) {
			t.Parallel() // each case generates its own repository
			dir := filepath.Join(t.TempDir(), "repo")
			if err := h.Generate(context.Background(), dir); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			inv := &Invocation{
				Args:   []string{"verify", "--format", "json", h.Range()},
				Stdout: &stdout, Stderr: &stderr,
				Getenv: func(string) string { return "" },
				Dir:    dir,
			}
			code := writeError(&stderr, Run(context.Background(), inv))
			switch {
			case len(h.Rules) == 0 && code != exitError:
				t.Fatalf("%s: verify exited %d, want %d (an error)\nstderr: %s", h.What, code, exitError, cut(stderr.String()))
			case len(h.Rules) == 0:
				return
			case code != exitViolations:
				t.Fatalf("%s: verify exited %d, want %d\nstderr: %s", h.What, code, exitViolations, cut(stderr.String()))
			}
			for _, rule := range h.Rules {
				if want := `"rule": "` + rule + `"`; !strings.Contains(stdout.String(), want) {
					t.Errorf("%s: no %s finding in\n%s", h.What, rule, cut(stdout.String()))
				}
			}
		})
	}
}

func cut(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "…"
	}
	return s
}

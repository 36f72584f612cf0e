package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/internal/hookcmd"
	"github.com/agentcheck/agentcheck/provenance/journal"
)

// TestHookBinariesAgree runs every recorded hook payload of
// testdata/hooks through "agentcheck hook" (this CLI) and through
// agentcheck-hook (package internal/hookcmd, the lean binary agents may be
// configured with instead) and requires the same journal, output and exit
// status from both. The two implement one command; when one changes, so
// must the other.
func TestHookBinariesAgree(t *testing.T) {
	fixtures, err := filepath.Glob(filepath.Join("..", "..", "testdata", "hooks", "*", "*.json"))
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no hook fixtures: %v", err)
	}
	type result struct {
		code           int
		stdout, stderr string
		journals       map[string][]journal.Event
	}
	run := func(t *testing.T, cli bool) result {
		root := parityRepo(t)
		var res result
		for _, f := range fixtures {
			agent := filepath.Base(filepath.Dir(f))
			payload, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			quoted, _ := json.Marshal(root)
			payload = bytes.ReplaceAll(payload, []byte("$REPO"), bytes.Trim(quoted, `"`))
			var stdout, stderr bytes.Buffer
			getenv := func(string) string { return "" }
			code := 0
			if cli {
				err := Run(context.Background(), &Invocation{Args: []string{"hook", "--agent", agent}, Stdin: bytes.NewReader(payload), Stdout: &stdout, Stderr: &stderr, Getenv: getenv, Dir: root})
				code = writeError(&stderr, err)
			} else {
				code = hookcmd.Main([]string{"--agent", agent}, hookcmd.IO{Stdin: bytes.NewReader(payload), Stdout: &stdout, Stderr: &stderr, Getenv: getenv})
			}
			res.code += code
			res.stdout += filepath.Base(f) + ": " + strings.ReplaceAll(stdout.String(), root, "$REPO")
			res.stderr += filepath.Base(f) + ": " + strings.ReplaceAll(stderr.String(), root, "$REPO")
		}
		res.journals = map[string][]journal.Event{}
		paths, err := journal.List(filepath.Join(root, ".git"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no journals: %v", err)
		}
		for _, p := range paths {
			j, err := journal.Read(p)
			if err != nil {
				t.Fatal(err)
			}
			for i := range j.Events {
				j.Events[i].Time = time.Time{} // when it ran differs
			}
			res.journals[filepath.Base(p)] = j.Events
		}
		return res
	}
	cli, lean := run(t, true), run(t, false)
	if cli.code != lean.code || cli.stdout != lean.stdout || cli.stderr != lean.stderr {
		t.Errorf("agentcheck hook and agentcheck-hook disagree:\nexit statuses %d and %d\nstdout:\n%s", cli.code, lean.code, cmp.Diff(cli.stdout, lean.stdout))
		t.Errorf("stderr:\n%s", cmp.Diff(cli.stderr, lean.stderr))
	}
	if diff := cmp.Diff(cli.journals, lean.journals); diff != "" {
		t.Errorf("agentcheck hook and agentcheck-hook wrote different journals (-hook +agentcheck-hook):\n%s", diff)
	}
}

// parityRepo is a repository with the files the fixtures' tool calls touch
// (see agents/agents_test.go).
func parityRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		".git/HEAD":         "ref: refs/heads/main\n",
		"src/main.go":       "package main\n\nfunc main() {}\n",
		"src/util.go":       "package main\n\nfunc util() {}\n",
		"src/new_name.go":   "package main\n",
		"docs/guide.md":     "# Guide\n",
		"notes/todo.md":     "- [ ] ship it\n",
		"nb/analysis.ipynb": "{}\n",
		"added.txt":         "hello\n",
	}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{".git/objects", ".git/refs"} { // what makes .git a git directory
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("src/main.go", filepath.Join(root, "link.txt")); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
	return root
}

package journal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestJournalPathStaysInDirectory(t *testing.T) {
	for _, session := range []string{"../../etc/passwd", "a/b", "", ".hidden", strings.Repeat("x", 500), "ok-1.2_3"} {
		p := Path("/repo/.git", "claude-code", session)
		if filepath.Dir(p) != Dir("/repo/.git") {
			t.Errorf("Path(%q) = %s, outside the journal directory", session, p)
		}
		if base := filepath.Base(p); strings.HasPrefix(base, ".") {
			t.Errorf("Path(%q) = %s, a hidden file", session, p)
		}
	}
	if got := filepath.Base(Path("/r", "codex", "ok-1.2_3")); got != "codex-ok-1.2_3.jsonl" {
		t.Errorf("a well-formed session id was changed: %s", got)
	}
}

func TestAppendAndReadJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sessions", "claude-code-s1.jsonl")
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	evs := []Event{
		{Time: t0.Add(time.Second), Agent: "claude-code", Session: "s1", Kind: KindEdit, Path: "a.go", Blob: "abc"},
		{Time: t0, Agent: "claude-code", Session: "s1", Kind: KindPrompt, Text: "fix it"},
	}
	if err := Append(path, evs); err != nil {
		t.Fatal(err)
	}
	j, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 2 || j.Skipped != 0 {
		t.Fatalf("got %d events, %d skipped; want 2, 0", len(j.Events), j.Skipped)
	}
	if j.Events[0].Kind != KindPrompt {
		t.Errorf("events not in time order: first is %s", j.Events[0].Kind)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("journal mode = %v, want 0600", info.Mode().Perm())
	}
}

// A writer that crashed mid-line must cost at most that line.
func TestTornWriteLosesOnlyThatLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	ev := Event{Time: time.Unix(1, 0).UTC(), Agent: "a", Session: "s", Kind: KindStop}
	if err := Append(path, []Event{ev}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-01-01T00:00:00Z","agent":"a","sess`)
	f.Close()
	if err := Append(path, []Event{ev, ev}); err != nil {
		t.Fatal(err)
	}
	j, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 3 || j.Skipped != 1 {
		t.Errorf("got %d events, %d skipped; want 3 and 1", len(j.Events), j.Skipped)
	}
}

func TestOversizedEventIsTruncatedNotLost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	ev := Event{Time: time.Unix(1, 0).UTC(), Agent: "a", Session: "s", Kind: KindPrompt, Text: strings.Repeat("p", 2*MaxLine)}
	if err := Append(path, []Event{ev}); err != nil {
		t.Fatal(err)
	}
	j, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 1 || !strings.HasSuffix(j.Events[0].Text, "[truncated]") {
		t.Fatalf("oversized prompt not kept truncated: %d events", len(j.Events))
	}
}

func TestReaderSkipsOverlongAndJunkLines(t *testing.T) {
	var in bytes.Buffer
	in.WriteString(`{"time":"2026-01-01T00:00:00Z","agent":"a","session":"s","kind":"stop"}` + "\n")
	in.WriteString(strings.Repeat("x", MaxLine+10) + "\n")
	in.WriteString("[1,2,3]\n{}\nnot json\n")
	in.WriteString(`{"time":"2026-01-01T00:00:01Z","agent":"a","session":"s","kind":"stop"}`)
	j, err := parse(&in)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 2 || j.Skipped != 4 {
		t.Errorf("got %d events, %d skipped; want 2 and 4", len(j.Events), j.Skipped)
	}
}

func TestConcurrentAppendsInProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := Event{Time: time.Unix(int64(i), 0).UTC(), Agent: "a", Session: "s", Kind: KindExec, Command: fmt.Sprintf("cmd %d %s", i, strings.Repeat("y", 8000))}
			if err := Append(path, []Event{ev}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	j, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 50 || j.Skipped != 0 {
		t.Errorf("got %d events, %d skipped; want 50 and 0", len(j.Events), j.Skipped)
	}
}

func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"time":"2026-01-01T00:00:00Z","agent":"a","session":"s","kind":"stop"}` + "\n"))
	f.Add([]byte("\n\n{\"kind\":1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range j.Events {
			if !validEvent(&ev) {
				t.Fatalf("invalid event returned: %+v", ev)
			}
		}
	})
}

package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// SessionScope returns a session's declared intent: the union of the scope
// declarations of its human prompts ([KindPrompt]) and of "agentcheck scope"
// ([KindScope]), in the order first declared, without duplicates. Scope on
// any other kind of event declares nothing: only those two come from the
// human. A [KindScope] event with no Scope ("agentcheck scope clear")
// withdraws the declarations made from the terminal ([SourceCLI]) before it;
// what the human's prompts declared stays, since the prompts are part of the
// record. Events must be in time order, as [Read] returns them.
func SessionScope(events []Event) []ScopeDecl {
	var out []ScopeDecl
	for _, ev := range events {
		if ev.Kind != KindPrompt && ev.Kind != KindScope {
			continue
		}
		if ev.Kind == KindScope && len(ev.Scope) == 0 {
			kept := out[:0]
			for _, d := range out {
				if d.Source != SourceCLI {
					kept = append(kept, d)
				}
			}
			out = kept
			continue
		}
		for _, d := range ev.Scope {
			if !containsDecl(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

func containsDecl(decls []ScopeDecl, d ScopeDecl) bool {
	for _, x := range decls {
		if x == d {
			return true
		}
	}
	return false
}

// ReadScope returns the declared scope of the session whose journal is at
// path, as [SessionScope] computes it, without decoding the events that
// carry no scope: the runtime hook reads it on every protected edit, and a
// long session's journal holds thousands of reads and commands. A missing
// journal declares nothing.
func ReadScope(path string) ([]ScopeDecl, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	defer f.Close()
	var events []Event
	br := bufio.NewReaderSize(f, 64<<10)
	// Both a declaration ("scope":[…]) and a clear ("kind":"scope") hold
	// this; a prompt's text cannot, since its quotes are escaped.
	marker := []byte(`"scope"`)
	for {
		line, err := readLine(br, MaxLine)
		if len(line) > 0 && bytes.Contains(line, marker) {
			var ev Event
			if json.Unmarshal(line, &ev) == nil && validEvent(&ev) {
				events = append(events, ev)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errLineTooLong) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading journal %s: %w", path, err)
		}
	}
	sort.SliceStable(events, func(a, b int) bool { return events[a].Time.Before(events[b].Time) })
	return SessionScope(events), nil
}

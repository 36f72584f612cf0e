package gate

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/internal/git"
)

// addLines sets Finding.Line to the first changed line of the finding's path
// in the commit, for SARIF regions and annotations. Only files that have
// findings are diffed; binary files and deletions stay at line 0.
func addLines(r git.ObjectReader, findings []check.Finding, changes []git.Change) error {
	if len(findings) == 0 {
		return nil
	}
	byPath := map[string]git.Change{}
	for _, ch := range changes {
		byPath[ch.Path] = ch
	}
	lines := map[string]int{}
	for i := range findings {
		p := findings[i].Path
		ch, ok := byPath[p]
		if !ok || !ch.NewIsFile() {
			continue
		}
		line, done := lines[p]
		if !done {
			var err error
			line, err = changedLine(r, ch)
			if err != nil {
				return fmt.Errorf("locating changes in %s: %w", p, err)
			}
			lines[p] = line
		}
		findings[i].Line = line
	}
	return nil
}

// maxDiffBytes bounds the files diffed for line positions; bigger files point
// at line 1.
const maxDiffBytes = 1 << 20

// changedLine returns the first changed line of the file ch changes (see
// firstChangedLine); 1 for files too large to diff and binary files.
func changedLine(r git.ObjectReader, ch git.Change) (int, error) {
	newData, err := readBlob(r, ch.NewBlob)
	if err != nil {
		return 0, err
	}
	var oldData []byte
	if !ch.OldBlob.IsZero() && ch.OldMode.IsFile() {
		if oldData, err = readBlob(r, ch.OldBlob); err != nil {
			return 0, err
		}
	}
	if len(newData) > maxDiffBytes || len(oldData) > maxDiffBytes || isBinary(newData) || isBinary(oldData) {
		return 1, nil
	}
	return firstChangedLine(string(oldData), string(newData)), nil
}

// firstChangedLine returns the line of newText, counted from 1, where the
// line diff from oldText first adds a line. When it only removes lines, the
// line that follows the first removal (the last line, if the removal was at
// the end); when nothing changed (a change of mode), 1.
func firstChangedLine(oldText, newText string) int {
	line, removedAt := 1, 0
	for _, d := range lineDiff(oldText, newText) {
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			return line
		case diffmatchpatch.DiffDelete:
			if removedAt == 0 {
				removedAt = line
			}
		case diffmatchpatch.DiffEqual:
			line += countLines(d.Text)
		}
	}
	if removedAt == 0 {
		return 1
	}
	return max(min(removedAt, countLines(newText)), 1)
}

// lineDiff diffs two texts line by line, as git does: each line is one
// unit, never split. The diff gets all the time it needs: a deadline would
// make the lines reported depend on the machine's load (the files diffed
// are bounded by maxDiffBytes instead).
func lineDiff(oldText, newText string) []diffmatchpatch.Diff {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = time.Hour
	a, b, lines := dmp.DiffLinesToRunes(oldText, newText)
	return dmp.DiffCharsToLines(dmp.DiffMainRunes(a, b, false), lines)
}

// countLines counts the lines of text, the last one with or without its
// newline.
func countLines(text string) int {
	n := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		n++
	}
	return n
}

func readBlob(r git.ObjectReader, h git.Hash) ([]byte, error) {
	t, data, err := r.Read(h)
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	if t != git.BlobObject {
		return nil, fmt.Errorf("object %s is a %s, not a blob", h, t)
	}
	return data, nil
}

func isBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}

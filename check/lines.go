package check

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	fdiff "github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"
	godiff "github.com/sourcegraph/go-diff/diff"

	"github.com/agentcheck/agentcheck/internal/git"
)

// addLines sets Finding.Line to the first changed line of the finding's path
// in the commit, for SARIF regions and annotations. Only files that have
// findings are diffed; binary files and deletions stay at line 0.
func addLines(r git.ObjectReader, findings []Finding, changes []git.Change) error {
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
		if !ok || ch.Kind == git.Deleted || !ch.NewMode.IsFile() || ch.NewMode == filemode.Symlink {
			continue
		}
		line, done := lines[p]
		if !done {
			var err error
			line, err = firstChangedLine(r, ch)
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

// firstChangedLine returns the first line of the new file that the change
// adds or modifies, by formatting the file's unified diff and parsing it with
// go-diff as any other consumer of the commit's patch would.
func firstChangedLine(r git.ObjectReader, ch git.Change) (int, error) {
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
	patch := unifiedDiff(ch, oldData, newData)
	fd, err := godiff.ParseFileDiff(patch)
	if err != nil || len(fd.Hunks) == 0 {
		return 1, nil
	}
	h := fd.Hunks[0]
	line := int(h.NewStartLine)
	for _, l := range bytes.Split(h.Body, []byte("\n")) {
		switch {
		case len(l) > 0 && l[0] == '+':
			return line, nil
		case len(l) > 0 && l[0] == ' ':
			line++
		}
	}
	return max(int(h.NewStartLine), 1), nil
}

func readBlob(r git.ObjectReader, h plumbing.Hash) ([]byte, error) {
	t, data, err := r.Read(h)
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	if t != plumbing.BlobObject {
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

// unifiedDiff formats the change as a git-style unified diff with three lines
// of context.
func unifiedDiff(ch git.Change, oldData, newData []byte) []byte {
	var chunks []fdiff.Chunk
	for _, d := range diff.Do(string(oldData), string(newData)) {
		var op fdiff.Operation
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			op = fdiff.Equal
		case diffmatchpatch.DiffInsert:
			op = fdiff.Add
		case diffmatchpatch.DiffDelete:
			op = fdiff.Delete
		}
		chunks = append(chunks, chunk{d.Text, op})
	}
	from := &file{path: ch.Path, hash: ch.OldBlob, mode: ch.OldMode}
	if ch.OldPath != "" {
		from.path = ch.OldPath
	}
	to := &file{path: ch.Path, hash: ch.NewBlob, mode: ch.NewMode}
	var fromFile fdiff.File = from
	if ch.OldBlob.IsZero() {
		fromFile = nil
	}
	var buf strings.Builder
	enc := fdiff.NewUnifiedEncoder(&buf, fdiff.DefaultContextLines)
	_ = enc.Encode(patch{[]fdiff.FilePatch{filePatch{from: fromFile, to: to, chunks: chunks}}})
	return []byte(buf.String())
}

// Minimal implementations of go-git's patch interfaces for one file.
type (
	chunk struct {
		content string
		op      fdiff.Operation
	}
	file struct {
		path string
		hash plumbing.Hash
		mode filemode.FileMode
	}
	filePatch struct {
		from, to fdiff.File
		chunks   []fdiff.Chunk
	}
	patch struct{ files []fdiff.FilePatch }
)

func (c chunk) Content() string                     { return c.content }
func (c chunk) Type() fdiff.Operation               { return c.op }
func (f *file) Hash() plumbing.Hash                 { return f.hash }
func (f *file) Mode() filemode.FileMode             { return f.mode }
func (f *file) Path() string                        { return f.path }
func (p filePatch) IsBinary() bool                  { return false }
func (p filePatch) Files() (fdiff.File, fdiff.File) { return p.from, p.to }
func (p filePatch) Chunks() []fdiff.Chunk           { return p.chunks }
func (p patch) FilePatches() []fdiff.FilePatch      { return p.files }
func (p patch) Message() string                     { return "" }

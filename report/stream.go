package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// The JSON and SARIF documents of a long range are larger than the report
// they render, so they are written as they are encoded: the document
// without its one long array (the commits, the results) is encoded first,
// and the array's elements are encoded one at a time into its place. The
// bytes are those json.Encoder writes for the whole document with
// SetIndent("", "  ") and SetEscapeHTML(false): an element encoded on its
// own and indented with the prefix of its depth is the same text as inside
// the document.

// arrayWriter writes a JSON document whose array under key is streamed.
type arrayWriter struct {
	w      *bufio.Writer
	tail   []byte // the document after the array's "[]"
	closer string // the line that closes a non-empty array
	elems  *elementEncoder
}

// startArray writes frame, a document whose array under key (an object
// member at the given depth of indentation) is empty, up to the array's
// opening bracket. The array must be the only member named key at that
// depth, which the encoding of the frame makes certain: a string value
// cannot hold a newline.
func startArray(w io.Writer, frame any, key string, depth int) (*arrayWriter, error) {
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(frame); err != nil {
		return nil, err
	}
	marker := []byte("\n" + strings.Repeat("  ", depth) + `"` + key + `": []`)
	at := bytes.Index(doc.Bytes(), marker)
	if at < 0 || bytes.Count(doc.Bytes(), marker) != 1 {
		return nil, fmt.Errorf("the document has no one empty %q array at depth %d", key, depth)
	}
	open := at + len(marker) - 1 // at the closing bracket
	bw := bufio.NewWriterSize(w, 64<<10)
	a := &arrayWriter{
		w:      bw,
		tail:   doc.Bytes()[open:],
		closer: "\n" + strings.Repeat("  ", depth),
		elems:  newElementEncoder(bw, depth),
	}
	a.w.Write(doc.Bytes()[:open])
	return a, nil
}

// add writes v as the array's next element; its error is the first error
// writing so far.
func (a *arrayWriter) add(v any) error { return a.elems.add(v) }

// addEncoded writes n elements that an elementEncoder of the array's depth
// encoded, with their separators, as the array's first elements: what add
// would have written.
func (a *arrayWriter) addEncoded(src io.WriterTo, n int) error {
	if a.elems.n > 0 {
		return fmt.Errorf("encoded elements after %d others", a.elems.n)
	}
	if _, err := src.WriteTo(a.w); err != nil {
		return err
	}
	a.elems.n = n
	return nil
}

// elementEncoder writes the elements of an array at a depth of
// indentation, each with its separator, as the whole document's encoding
// has them.
type elementEncoder struct {
	w      io.Writer
	prefix string
	buf    bytes.Buffer
	enc    *json.Encoder
	n      int
}

func newElementEncoder(w io.Writer, depth int) *elementEncoder {
	e := &elementEncoder{w: w, prefix: strings.Repeat("  ", depth+1)}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetIndent(e.prefix, "  ")
	e.enc.SetEscapeHTML(false)
	return e
}

func (e *elementEncoder) add(v any) error {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n"
	if e.n == 0 {
		sep = "\n"
	}
	e.n++
	_, err := io.WriteString(e.w, sep+e.prefix+strings.TrimSuffix(e.buf.String(), "\n"))
	return err
}

// finish closes the array, writes the rest of the document and flushes
// it; its error is the first error writing any of it.
func (a *arrayWriter) finish() error {
	if a.elems.n > 0 {
		a.w.WriteString(a.closer)
	}
	a.w.Write(a.tail)
	return a.w.Flush()
}

package main

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// Progress is drawn only on a terminal: never on a buffer (tests, the
// GitHub gate's captured output), a pipe or a file (CI logs, 2>file).
func TestProgressOnlyOnATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(t.TempDir() + "/stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, stderr := range map[string]io.Writer{"buffer": &bytes.Buffer{}, "pipe": w, "file": f} {
		if isTerminal(stderr) {
			t.Errorf("%s taken for a terminal", name)
		}
	}
}

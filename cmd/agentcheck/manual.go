package main

import (
	_ "embed"
	"io"
	"strings"
)

// docSource is this package's documentation comment: the manual "go doc"
// shows from the source and "agentcheck help manual" prints from the
// binary, so that one text serves both and the manual is there wherever
// the binary is.
//
//go:embed doc.go
var docSource string

// writeManual writes the text of the package comment in doc.go, without
// the comment's delimiters and the package clause.
func writeManual(w io.Writer) error {
	text, _, _ := strings.Cut(docSource, "\npackage main")
	text = strings.TrimSpace(text)
	text = strings.TrimPrefix(text, "/*")
	text = strings.TrimSuffix(text, "*/")
	_, err := io.WriteString(w, strings.TrimSpace(text)+"\n")
	return err
}

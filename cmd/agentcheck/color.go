package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Colour. Output is coloured only for a person at a terminal: never when
// it goes to a file or a pipe, never when NO_COLOR is set to anything
// (https://no-color.org), never on a terminal that says it cannot
// (TERM=dumb). --color=always and --color=never, on the commands that
// colour, override all of that, as the flags of git and ls do.

// colorModes are the values of --color.
const colorModes = "auto, always or never"

// addColorFlag defines --color on a command that colours its output.
func addColorFlag(fs *flagSet) *string {
	return fs.String("color", "auto", "when to colour the text output: `WHEN` is auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always or never")
}

// checkColor reports a --color value that is none of colorModes.
func checkColor(when string) error {
	switch when {
	case "auto", "always", "never":
		return nil
	}
	return usageError("unknown --color %q (want %s)", when, colorModes)
}

// colorFor reports whether output to w is coloured under --color=when.
func colorFor(inv *Invocation, when string, w io.Writer) bool {
	return wantColor(when, isTerminal(w), inv.getenv)
}

// wantColor is the decision colorFor makes, given whether the output is a
// terminal.
func wantColor(when string, terminal bool, getenv func(string) string) bool {
	switch when {
	case "always":
		return true
	case "never":
		return false
	}
	return terminal && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/agentcheck/agentcheck/audit"
	"github.com/agentcheck/agentcheck/gate"
)

func runLog(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "log", "[RANGE...]")
	format := fs.String("format", "text", "output `format`: text or json")
	output := fs.String("output", "", "write the log to `FILE` instead of stdout")
	trust := addTrustFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("unknown format %q (want text or json)", *format)
	}
	checked, err := checkRange(ctx, inv, pos, trust, rangeOptions{})
	if err != nil {
		return err
	}
	noCommits(inv, "log", checked)
	l := audit.BuildLog(checked.Report, checked.Commits, checked.Trust.Policy)
	return writeTo(inv, *output, func(w io.Writer) error {
		if *format == "json" {
			return audit.WriteLogJSON(w, l)
		}
		return audit.WriteLogText(w, l)
	})
}

// noCommits says on stderr, apart from the requested output, that a range
// held no commit: an empty log or export means that nothing was looked at,
// not that every session passed.
func noCommits(inv *Invocation, command string, checked *gate.Result) {
	if len(checked.Commits) > 0 {
		return
	}
	fmt.Fprintf(inv.Stderr, "agentcheck: no commits in %s: nothing was looked at\n", checked.Report.Range)
	fmt.Fprintf(inv.Stderr, "agentcheck: hint: name the commits, e.g. 'agentcheck %s HEAD~10..HEAD' for the last ten, or 'agentcheck %s HEAD' for HEAD alone\n", command, command)
}

// writeTo runs write on --output FILE or, when it is "", on stdout.
func writeTo(inv *Invocation, output string, write func(io.Writer) error) error {
	if output == "" {
		return write(inv.Stdout)
	}
	f, err := os.Create(output)
	if err != nil {
		return withHint(fmt.Errorf("creating %s: %w", output, err), "check that the directory exists and is writable")
	}
	err = write(f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing %s: %w", output, cerr)
	}
	return err
}

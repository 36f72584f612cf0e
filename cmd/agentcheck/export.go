package main

import (
	"context"
	"io"

	"github.com/agentcheck/agentcheck/audit"
)

func runExport(ctx context.Context, inv *Invocation, args []string) error {
	fs := newFlagSet(inv, "export", "[RANGE...]")
	format := fs.String("format", "json", "output `format`: json, csv or html")
	output := fs.String("output", "", "write the export to `FILE` instead of stdout")
	trust := addTrustFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case "json", "csv", "html":
	default:
		return usageError("unknown format %q (want json, csv or html)", *format)
	}
	mapping, err := audit.LoadMapping()
	if err != nil {
		return err
	}
	checked, err := checkRange(ctx, inv, pos, trust, rangeOptions{})
	if err != nil {
		return err
	}
	noCommits(inv, "export", checked)
	l := audit.BuildLog(checked.Report, checked.Commits, checked.Trust.Policy)
	e := audit.BuildExport(l, mapping, "agentcheck "+buildVersion())
	return writeTo(inv, *output, func(w io.Writer) error {
		switch *format {
		case "csv":
			return audit.WriteExportCSV(w, e, mapping)
		case "html":
			return audit.WriteExportHTML(w, e, mapping)
		}
		return audit.WriteExportJSON(w, e)
	})
}

package audit

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"

	"github.com/agentcheck/agentcheck/check"
)

//go:embed report.html.tmpl
var reportTemplate string

// htmlView is what the report template renders.
type htmlView struct {
	E       *Export
	Commits []commitView
	Rules   []RuleRow // the rules with findings, most severe first
}

type commitView struct {
	C      Commit
	Worst  string // the most severe level of its findings, "" when none
	Counts []levelCount
}

type levelCount struct {
	Level check.Level
	N     int
}

// WriteExportHTML writes the export as one self-contained HTML page: inline
// CSS, no script, no external resource (a Content-Security-Policy forbids
// loading any), every recorded string escaped by html/template and flattened
// to one printable line. It has a timeline of the sessions, the findings and
// the control mapping table.
func WriteExportHTML(w io.Writer, e *Export, m *Mapping) error {
	funcs := template.FuncMap{
		"t":        func(s string) string { return clean(s, 4000) },
		"short":    short,
		"decision": decisionText,
		"day":      day,
		"stamp":    func(t time.Time) string { return stampText(t) },
		"clock": func(t time.Time) string {
			if t.IsZero() {
				return "?"
			}
			return t.UTC().Format("15:04:05Z")
		},
		"fw": m.Framework,
	}
	tmpl, err := template.New("report").Funcs(funcs).Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("parsing the report template: %w", err)
	}
	v := htmlView{E: e}
	for _, r := range e.Rules {
		if r.Findings.Total() > 0 {
			v.Rules = append(v.Rules, r)
		}
	}
	sort.SliceStable(v.Rules, func(i, j int) bool {
		a, b := v.Rules[i].Findings, v.Rules[j].Findings
		if a.Errors != b.Errors {
			return a.Errors > b.Errors
		}
		return a.Warnings > b.Warnings
	})
	if e.log != nil {
		for _, c := range e.log.Commits {
			cv := commitView{C: c}
			var cnt Counts
			for _, f := range c.Findings {
				cnt.add(f.Level)
			}
			for _, lc := range []levelCount{{check.LevelError, cnt.Errors}, {check.LevelWarning, cnt.Warnings}, {check.LevelNote, cnt.Notes}} {
				if lc.N > 0 {
					cv.Counts = append(cv.Counts, lc)
					if cv.Worst == "" {
						cv.Worst = string(lc.Level)
					}
				}
			}
			v.Commits = append(v.Commits, cv)
		}
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("rendering the HTML report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

package action

import (
	"bytes"
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/NAME, or writes it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got, *update)
}

func TestSummaryGolden(t *testing.T) {
	ev, err := ParseEvent("pull_request", recorded(t, "events/pull_request.json", shaVars()))
	if err != nil {
		t.Fatal(err)
	}
	info := func(r interface{ Failed() bool }, failOn FailOn, notes ...string) SummaryInfo {
		return SummaryInfo{Event: ev, FailOn: failOn, RepoURL: "https://github.com/octo-org/octo-repo",
			RunURL: "https://github.com/octo-org/octo-repo/actions/runs/42", Notes: notes}
	}
	for _, tc := range []struct {
		name   string
		failOn FailOn
		report func() any
	}{
		{name: "failed", failOn: FailOnError},
		{name: "neutral", failOn: FailOnNever},
	} {
		r := testReport(t)
		si := info(r, tc.failOn, "the token may not create check runs (403 Resource not accessible by integration): see [the log](https://evil.example)")
		si.Verdict = Decide(r, tc.failOn)
		var b bytes.Buffer
		if err := WriteSummary(&b, r, si); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "summary/"+tc.name+".md", b.Bytes())
	}
	clean := reportWith(0, false)
	si := info(clean, FailOnError)
	si.Verdict = Decide(clean, FailOnError)
	var b bytes.Buffer
	if err := WriteSummary(&b, clean, si); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "summary/passed.md", b.Bytes())
}

// TestSummaryEscapesRecordedText: text from commits and manifests cannot
// add links, images, HTML, table cells, headings or hidden direction
// changes to the summary.
func TestSummaryEscapesRecordedText(t *testing.T) {
	r := testReport(t)
	var b bytes.Buffer
	if err := WriteSummary(&b, r, SummaryInfo{Verdict: Decide(r, FailOnError), FailOn: FailOnError}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<img", "<script", "](https://evil", "![img]", "**Ignore", "`rm", "\u202e", "| a | b |", "\n# heading", "$x$"} {
		// Present only escaped: preceded by a backslash.
		if regexp.MustCompile(`(^|[^\\])` + regexp.QuoteMeta(bad)).MatchString(out) {
			t.Errorf("summary contains %q:\n%s", bad, out)
		}
	}
	// Every table row has exactly the columns of its header.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") {
			cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
			if cells != 6 && cells != 10 {
				t.Errorf("row with %d separators: %s", cells, line)
			}
		}
	}
}

func TestMarkdownText(t *testing.T) {
	for in, want := range map[string]string{
		"plain words":           "plain words",
		"a_b*c`d":               `a\_b\*c\` + "`" + `d`,
		"<b>&amp;</b>":          "&lt;b&gt;&amp;amp;&lt;/b&gt;",
		"[x](y)":                `\[x\]\(y\)`,
		"line\nbreak\rand\ttab": "line break and tab",
		"\u202eabc":             "\uFFFDabc",
		"a|b":                   `a\|b`,
	} {
		if got := MarkdownText(in); got != want {
			t.Errorf("MarkdownText(%q) = %q, want %q", in, got, want)
		}
	}
}

package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/check"
)

func TestPrintable(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"naïve 日本語 ✓", "naïve 日本語 ✓"},
		{"\x1b[2Jclear", `\x1b[2Jclear`},
		{"two\nlines\r", `two\nlines\r`},
		{"tab\there", `tab\there`},
		{"rtl \u202eexe.txt", `rtl \u202eexe.txt`},
		{"isolate \u2066x\u2069 mark \u200f", `isolate \u2066x\u2069 mark \u200f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"del \x7f", `del \x7f`},
	} {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTextNoRawControl checks that nothing from the report reaches the
// terminal unescaped: the only escape sequences in coloured output are the
// renderer's own SGR codes, and plain output has none.
func TestTextNoRawControl(t *testing.T) {
	r := oddPathsReport()
	var plain, color bytes.Buffer
	if err := WriteText(&plain, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&color, r, TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range plain.String() {
		if c != '\n' && (c < ' ' || c == 0x7f || needsEscape(c)) {
			t.Errorf("plain text has a raw %U", c)
		}
	}
	stripped := color.String()
	for _, sgr := range []string{ansiReset, ansiBold, ansiRed, ansiGreen, ansiYellow, ansiCyan} {
		stripped = strings.ReplaceAll(stripped, sgr, "")
	}
	if stripped != plain.String() {
		t.Errorf("coloured text without its SGR codes differs from plain text:\n%s\n---\n%s", stripped, plain.String())
	}
}

func TestTextSummaryLine(t *testing.T) {
	for name, tt := range map[string]struct {
		r    *check.Report
		want string
	}{
		"fail":     {everyRuleReport(), "FAIL 4 commits checked in origin/main..HEAD: 7 errors, 2 warnings, 1 note\n"},
		"pass":     {passReport(), "ok   7 commits checked in origin/main..HEAD: no findings\n"},
		"warnings": {warningsOnlyReport(), "ok   1 commit checked in origin/main..HEAD: 0 errors, 1 warning, 1 note\n"},
		"empty":    {emptyReport(), "ok   no commits to check in HEAD..HEAD\n"},
	} {
		var buf bytes.Buffer
		if err := WriteText(&buf, tt.r, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:]
		if last != tt.want {
			t.Errorf("%s: summary line %q, want %q", name, last, tt.want)
		}
	}
}

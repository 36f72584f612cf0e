package report

// # JUnit output
//
// WriteJUnit renders a [Report] as a JUnit XML test report, which GitLab
// (artifacts:reports:junit), Jenkins and most CI systems show. It decides
// nothing: a finding is a test case, failed when the finding is an error.
// The mapping:
//
//	JUnit                       agentcheck
//	---------------------------------------------------------------------------
//	testsuites                  the report: name "agentcheck", tests, failures
//	                            and errors (always 0) summed over the suites
//	testsuite                   one per commit, in report order: name is the
//	                            short commit id and the subject; properties
//	                            commit, author and range
//	testcase                    one per finding, sorted as in the JSON output:
//	  classname                 "agentcheck." and the short commit id
//	  name                      rule id and name, then the path and line
//	                            ("AC004 protected-path .github/workflows/ci.yml:3"),
//	                            or "(commit)" for a finding without a path
//	  failure                   error findings: type is the rule id, message
//	                            Finding.Message, the text the SARIF result's
//	                            message and the finding's session and class
//	  system-out                warnings and notes (passed test cases): the
//	                            level and the same text
//	testcase "no findings"      a commit without findings: one passed test case
//
// The test case has no file and line attributes: the JUnit schema of
// Jenkins' xUnit plugin, which the tests validate against, does not allow
// them; the name carries both.
//
// Text that XML cannot carry (control characters other than tab and newline)
// is replaced by U+FFFD.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/agentcheck/agentcheck/check"
	"io"
	"strconv"
	"strings"
)

type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitTestCase `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r to w as a JUnit XML report, as mapped in the comment
// at the top of junit.go. It fails, writing nothing, on a finding whose rule
// or level the report cannot express.
func WriteJUnit(w io.Writer, r *check.Report) error {
	if r == nil {
		return errors.New("writing JUnit report: no report")
	}
	doc, err := junitReport(r)
	if err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encoding JUnit report: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing JUnit report: %w", err)
	}
	return nil
}

// junitReport builds the JUnit document of r.
func junitReport(r *check.Report) (*junitTestSuites, error) {
	rep := r.Canonical()
	rules := ruleIndex()
	doc := &junitTestSuites{Name: "agentcheck"}
	for _, c := range rep.Commits {
		short := shortSHA(c.Commit)
		suite := junitTestSuite{
			Name: strings.TrimSpace(short + " " + c.Subject),
			Properties: []junitProperty{
				{Name: "commit", Value: c.Commit},
				{Name: "author", Value: c.Author},
				{Name: "range", Value: rep.Range},
			},
		}
		for _, f := range c.Findings {
			if f.Commit == "" {
				f.Commit = c.Commit
			}
			tc, err := junitCase(f, rules, "agentcheck."+short)
			if err != nil {
				return nil, fmt.Errorf("commit %s: %w", short, err)
			}
			if tc.Failure != nil {
				suite.Failures++
			}
			suite.Cases = append(suite.Cases, tc)
		}
		if len(suite.Cases) == 0 {
			suite.Cases = []junitTestCase{{ClassName: "agentcheck." + short, Name: "no findings"}}
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Suites = append(doc.Suites, suite)
	}
	return doc, nil
}

// junitCase is the test case of one finding.
func junitCase(f check.Finding, rules map[string]check.Rule, className string) (junitTestCase, error) {
	rule, ok := rules[f.Rule]
	if !ok {
		return junitTestCase{}, fmt.Errorf("finding with unknown rule %q", f.Rule)
	}
	if _, err := sarifLevel(f.Level); err != nil {
		return junitTestCase{}, fmt.Errorf("%s finding: %w", f.Rule, err)
	}
	tc := junitTestCase{ClassName: className, Name: f.Rule + " " + rule.Name + " " + junitWhere(f)}
	text := junitText(f, rule)
	if f.Level == check.LevelError {
		tc.Failure = &junitFailure{Type: f.Rule, Message: strings.TrimSpace(f.Message), Text: text}
	} else {
		tc.SystemOut = string(f.Level) + ": " + text
	}
	return tc, nil
}

// junitWhere is "path:line", "path" or "(commit)".
func junitWhere(f check.Finding) string {
	switch {
	case f.Path == "":
		return "(commit)"
	case f.Line > 0:
		return f.Path + ":" + strconv.Itoa(f.Line)
	}
	return f.Path
}

// junitText is a finding's message with its hint or approval (the SARIF
// result's message), then the session and class when set, one per line.
func junitText(f check.Finding, rule check.Rule) string {
	lines := []string{resultMessage(f, rule)}
	if f.Session != "" {
		lines = append(lines, "Session: "+f.Session)
	}
	if f.Class != "" {
		lines = append(lines, "Class: "+f.Class)
	}
	return strings.Join(lines, "\n")
}

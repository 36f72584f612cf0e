package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// junitXSD is the JUnit schema of Jenkins' xUnit plugin, which Jenkins
// validates JUnit reports against; testdata/README.md says where it comes
// from.
var junitXSD = filepath.Join("testdata", "junit-10.xsd")

// xmllint returns the path of libxml2's xmllint, or skips the test.
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (Debian: apt-get install libxml2-utils); .ci/run installs it")
	}
	return p
}

func validateJUnit(t *testing.T, lint string, files ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(lint, append([]string{"--noout", "--nonet", "--schema", junitXSD}, files...)...).CombinedOutput()
	return string(out), err
}

func goldenJUnitFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(renderCases()) {
		t.Fatalf("found %d golden JUnit reports, want %d (run go test ./check -run TestGolden -update)", len(files), len(renderCases()))
	}
	return files
}

// TestJUnitSchema validates the golden JUnit reports, of the renderer and
// of the CLI's scripts, against the xUnit plugin's JUnit schema with
// libxml2.
func TestJUnitSchema(t *testing.T) {
	lint := xmllint(t)
	files := append(goldenJUnitFiles(t), scriptGoldenFiles(t, ".junit.xml")...)
	if out, err := validateJUnit(t, lint, files...); err != nil {
		t.Errorf("the golden JUnit reports do not match %s: %v\n%s", junitXSD, err, out)
	}
}

// TestJUnitSchemaRejects makes sure the schema test can fail: a test suite
// without its required tests attribute.
func TestJUnitSchemaRejects(t *testing.T) {
	lint := xmllint(t)
	bad := filepath.Join(t.TempDir(), "bad.xml")
	if err := os.WriteFile(bad, []byte(`<testsuites><testsuite name="x"><testcase name="y"/></testsuite></testsuites>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := validateJUnit(t, lint, bad); err == nil {
		t.Errorf("xmllint accepted a testsuite without tests:\n%s", out)
	}
}

// TestJUnitCounts reads the golden reports back and checks that every
// count matches the test cases: CI systems show the counts, not the cases.
func TestJUnitCounts(t *testing.T) {
	for _, file := range goldenJUnitFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc junitTestSuites
		if err := xml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		tests, failures := 0, 0
		for _, s := range doc.Suites {
			f := 0
			for _, c := range s.Cases {
				if c.Failure != nil {
					f++
				}
			}
			if s.Tests != len(s.Cases) || s.Failures != f {
				t.Errorf("%s: suite %q says %d tests, %d failures; has %d, %d", file, s.Name, s.Tests, s.Failures, len(s.Cases), f)
			}
			tests += len(s.Cases)
			failures += f
		}
		if doc.Tests != tests || doc.Failures != failures {
			t.Errorf("%s: testsuites says %d tests, %d failures; has %d, %d", file, doc.Tests, doc.Failures, tests, failures)
		}
	}
}

// TestJUnitFailuresAreErrors: exactly the error-level findings fail, so a
// CI system's red matches the gate's verdict.
func TestJUnitFailuresAreErrors(t *testing.T) {
	for _, tc := range renderCases() {
		r := tc.build()
		doc, err := junitReport(r)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Failures != r.Summary.Errors {
			t.Errorf("%s: %d failures, want %d (the error findings)", tc.name, doc.Failures, r.Summary.Errors)
		}
	}
}

// TestJUnitOddText: control characters XML cannot carry are replaced, and
// the document still parses.
func TestJUnitOddText(t *testing.T) {
	var b strings.Builder
	if err := WriteJUnit(&b, oddPathsReport()); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(b.String(), '\x1b') {
		t.Error("an escape character reached the XML")
	}
	var doc junitTestSuites
	if err := xml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatalf("the report does not parse: %v", err)
	}
}

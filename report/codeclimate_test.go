package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/agentcheck/agentcheck/check"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// codeClimateSchemaID is the id testdata/gitlab-codeclimate.schema.json is
// compiled under: where GitLab keeps it in its source.
const codeClimateSchemaID = "https://gitlab.com/gitlab-org/gitlab/-/raw/master/app/validators/json_schemas/codeclimate.json"

func compileCodeClimateSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "gitlab-codeclimate.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading GitLab's Code Quality schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(codeClimateSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(codeClimateSchemaID)
	if err != nil {
		t.Fatalf("compiling GitLab's Code Quality schema: %v", err)
	}
	return sch
}

// codeQualitySeverities are the severities GitLab and the Code Climate spec
// name; GitLab's schema only asks for a string.
var codeQualitySeverities = []string{"info", "minor", "major", "critical", "blocker"}

// validateCodeClimate checks a Code Quality report the way GitLab reads it:
// a JSON array whose every element GitLab's schema accepts (GitLab stops at
// the first that it does not), with unique fingerprints (GitLab keeps one
// issue per fingerprint), plus what the Code Climate spec and GitLab's
// documentation ask beyond the schema: type "issue", a check_name, a known
// severity, a relative path and a line from 1.
func validateCodeClimate(sch *jsonschema.Schema, data []byte) []string {
	var problems []string
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return []string{"not a JSON array: " + err.Error()}
	}
	seen := map[string]bool{}
	for i, item := range raw {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(item))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if err := sch.Validate(v); err != nil {
			problems = append(problems, fmt.Sprintf("issue %d: %v", i, err))
		}
		var issue codeClimateIssue
		if err := json.Unmarshal(item, &issue); err != nil {
			problems = append(problems, fmt.Sprintf("issue %d: %v", i, err))
			continue
		}
		switch {
		case issue.Type != "issue":
			problems = append(problems, fmt.Sprintf("issue %d: type is not \"issue\"", i))
		case issue.CheckName == "" || issue.Description == "":
			problems = append(problems, fmt.Sprintf("issue %d: no check_name or description", i))
		case !slices.Contains(codeQualitySeverities, issue.Severity):
			problems = append(problems, fmt.Sprintf("issue %d: unknown severity %s", i, issue.Severity))
		case issue.Location.Path == "" || strings.HasPrefix(issue.Location.Path, "/"):
			problems = append(problems, fmt.Sprintf("issue %d: path is not relative: %s", i, issue.Location.Path))
		case issue.Location.Lines.Begin < 1:
			problems = append(problems, fmt.Sprintf("issue %d: line before 1", i))
		case seen[issue.Fingerprint]:
			problems = append(problems, fmt.Sprintf("issue %d: fingerprint repeats: %s", i, issue.Fingerprint))
		}
		seen[issue.Fingerprint] = true
	}
	return problems
}

// TestCodeClimateSchema validates the golden Code Quality reports, of the
// renderer and of the CLI's scripts, against GitLab's schema.
func TestCodeClimateSchema(t *testing.T) {
	sch := compileCodeClimateSchema(t)
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.codeclimate.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(renderCases()) {
		t.Fatalf("found %d golden Code Quality reports, want %d (run go test ./check -run TestGolden -update)", len(files), len(renderCases()))
	}
	for _, file := range append(files, scriptGoldenFiles(t, ".codeclimate.json")...) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range validateCodeClimate(sch, data) {
			t.Errorf("%s: %s", file, p)
		}
	}
}

// TestCodeClimateSchemaRejects makes sure the validation can fail: GitLab's
// schema refuses an issue without a fingerprint, and the checks beyond it
// catch a repeated fingerprint and an unknown severity.
func TestCodeClimateSchemaRejects(t *testing.T) {
	sch := compileCodeClimateSchema(t)
	issue := `{"type":"issue","check_name":"agentcheck/AC004","description":"d","categories":["Security"],"severity":"%s","fingerprint":"%s","location":{"path":"a.go","lines":{"begin":1}}}`
	for name, doc := range map[string]string{
		"no fingerprint":       `[{"type":"issue","check_name":"c","description":"d","severity":"major","location":{"path":"a.go","lines":{"begin":1}}}]`,
		"line not an integer":  `[{"type":"issue","check_name":"c","description":"d","severity":"major","fingerprint":"f","location":{"path":"a.go","lines":{"begin":"1"}}}]`,
		"repeated fingerprint": "[" + fmt.Sprintf(issue, "major", "f") + "," + fmt.Sprintf(issue, "major", "f") + "]",
		"unknown severity":     "[" + fmt.Sprintf(issue, "high", "f") + "]",
		"not an array":         fmt.Sprintf(issue, "major", "f"),
	} {
		if got := validateCodeClimate(sch, []byte(doc)); len(got) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestCodeClimateFingerprintsUnique: two findings with the same identity
// (rule, commit, path, session) get different fingerprints, so that GitLab
// keeps both, and the first keeps the SARIF fingerprint.
func TestCodeClimateFingerprintsUnique(t *testing.T) {
	f := check.Finding{Rule: check.RuleInvalidSignature, Name: "invalid-signature", Level: check.LevelError, Commit: commit1, Message: "note line 1 is signed by an unknown key"}
	g := f
	g.Message = "note line 2 is signed by an unknown key"
	r := summarised(&check.Report{Version: 1, Range: "HEAD~1..HEAD", PolicySource: "built-in defaults",
		Commits: []check.CommitReport{{Commit: commit1, Findings: []check.Finding{f, g}}}})
	issues, err := codeClimateIssues(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 2 || issues[0].Fingerprint == issues[1].Fingerprint {
		t.Fatalf("fingerprints of two findings with the same identity: %+v", issues)
	}
	if issues[0].Fingerprint != fingerprint(f) {
		t.Errorf("the first fingerprint is %s, want the SARIF one %s", issues[0].Fingerprint, fingerprint(f))
	}
}

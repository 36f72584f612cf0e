package report

// # Code Quality output
//
// WriteCodeClimate renders a [Report] as a GitLab Code Quality report: a
// JSON array of issues in the Code Climate format, which GitLab shows in the
// merge request (artifacts:reports:codequality). It decides nothing: every
// issue is a Finding. GitLab validates each issue against its schema
// (app/validators/json_schemas/codeclimate.json in GitLab's source: a
// description, fingerprint, severity and location are required) and stops
// reading the report at the first issue that fails; issues are keyed by
// fingerprint, so an issue whose fingerprint repeats replaces the earlier
// one. The mapping:
//
//	Code Quality                agentcheck
//	---------------------------------------------------------------------------
//	the array                   Report.Commits[].Findings, commits in report
//	                            order, findings sorted as in the JSON output;
//	                            [] when there are none
//	type                        "issue" (the Code Climate spec requires it)
//	check_name                  "agentcheck/" + Finding.Rule, e.g. "agentcheck/AC004"
//	description                 the SARIF result's message: Finding.Message, the
//	                            short commit id, then the hint or the approval
//	categories                  ["Security"]
//	severity                    from Finding.Level: error "critical", warning
//	                            "major", note "info"
//	fingerprint                 the SARIF agentcheck/v1 fingerprint (sha256 of
//	                            rule, commit, path and session); a finding whose
//	                            fingerprint an earlier one of the report already
//	                            has gets the sha256 of that fingerprint and its
//	                            occurrence number, so that GitLab drops none
//	location.path               Finding.Path; ".agentcheck.yml" for a finding
//	                            without a path, as in SARIF (GitLab links every
//	                            issue to a file and line)
//	location.lines.begin        Finding.Line, or 1 when unknown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/agentcheck/agentcheck/check"
	"io"
	"strconv"
)

// codeClimateIssue is one issue of a Code Quality report.
type codeClimateIssue struct {
	Type        string              `json:"type"`
	CheckName   string              `json:"check_name"`
	Description string              `json:"description"`
	Categories  []string            `json:"categories"`
	Severity    string              `json:"severity"`
	Fingerprint string              `json:"fingerprint"`
	Location    codeClimateLocation `json:"location"`
}

type codeClimateLocation struct {
	Path  string           `json:"path"`
	Lines codeClimateLines `json:"lines"`
}

type codeClimateLines struct {
	Begin int `json:"begin"`
}

// WriteCodeClimate writes r to w as a GitLab Code Quality report, as mapped
// in the comment at the top of codeclimate.go. It fails, writing nothing, on
// a finding whose rule or level the report cannot express.
func WriteCodeClimate(w io.Writer, r *check.Report) error {
	if r == nil {
		return errors.New("writing Code Quality report: no report")
	}
	issues, err := codeClimateIssues(r)
	if err != nil {
		return fmt.Errorf("writing Code Quality report: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(issues); err != nil {
		return fmt.Errorf("encoding Code Quality report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing Code Quality report: %w", err)
	}
	return nil
}

// codeClimateIssues returns the issues of r, never nil.
func codeClimateIssues(r *check.Report) ([]codeClimateIssue, error) {
	rep := r.Canonical()
	rules := ruleIndex()
	seen := map[string]int{}
	issues := []codeClimateIssue{}
	for _, c := range rep.Commits {
		for _, f := range c.Findings {
			if f.Commit == "" {
				f.Commit = c.Commit
			}
			rule, ok := rules[f.Rule]
			if !ok {
				return nil, fmt.Errorf("commit %s: finding with unknown rule %q", shortSHA(c.Commit), f.Rule)
			}
			severity, err := codeClimateSeverity(f.Level)
			if err != nil {
				return nil, fmt.Errorf("commit %s: %s finding: %w", shortSHA(c.Commit), f.Rule, err)
			}
			path, line := f.Path, max(f.Line, 1)
			if path == "" {
				path, line = policyFile, 1
			}
			issues = append(issues, codeClimateIssue{
				Type:        "issue",
				CheckName:   "agentcheck/" + f.Rule,
				Description: resultMessage(f, rule),
				Categories:  []string{"Security"},
				Severity:    severity,
				Fingerprint: uniqueFingerprint(fingerprint(f), seen),
				Location:    codeClimateLocation{Path: path, Lines: codeClimateLines{Begin: line}},
			})
		}
	}
	return issues, nil
}

// uniqueFingerprint returns fp the first time it is seen, and for its n-th
// repetition (n from 1) the hex sha256 of fp, a NUL byte and n.
func uniqueFingerprint(fp string, seen map[string]int) string {
	n := seen[fp]
	seen[fp] = n + 1
	if n == 0 {
		return fp
	}
	h := sha256.Sum256([]byte(fp + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(h[:])
}

// ruleIndex maps rule ids to their rules.
func ruleIndex() map[string]check.Rule {
	m := map[string]check.Rule{}
	for _, r := range check.Rules() {
		m[r.ID] = r
	}
	return m
}

// codeClimateSeverity is the Code Climate severity of a level: error
// findings fail the gate, so they rank above everything a linter reports as
// major.
func codeClimateSeverity(l check.Level) (string, error) {
	switch l {
	case check.LevelError:
		return "critical", nil
	case check.LevelWarning:
		return "major", nil
	case check.LevelNote:
		return "info", nil
	}
	return "", fmt.Errorf("level %q is not error, warning or note", l)
}

package report

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agentcheck/agentcheck/check"
)

// sarifSchemaID is the id of testdata/sarif-schema-2.1.0.json.
const sarifSchemaID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("reading the SARIF schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaID)
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	return sch
}

func validateSARIF(sch *jsonschema.Schema, data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

func goldenSARIFFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(renderCases()) {
		t.Fatalf("found %d golden SARIF files, want %d (run go test ./check -run TestGolden -update)", len(files), len(renderCases()))
	}
	return append(files, scriptSARIFFiles(t)...)
}

// scriptSARIFFiles extracts the golden SARIF of the CLI's end-to-end scripts
// (sections named *.sarif in cmd/agentcheck/testdata/*.txtar), which come
// from real repositories, signed manifests and the whole verify command.
func scriptSARIFFiles(t *testing.T) []string {
	t.Helper()
	return scriptGoldenFiles(t, ".sarif")
}

// scriptGoldenFiles extracts the sections of the CLI's end-to-end scripts
// whose names end in suffix into files, and fails when there are none.
func scriptGoldenFiles(t *testing.T, suffix string) []string {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join("..", "cmd", "agentcheck", "testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for _, script := range scripts {
		ar, err := txtar.ParseFile(script)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, suffix) || len(bytes.TrimSpace(f.Data)) == 0 {
				continue
			}
			name := filepath.Join(dir, strings.TrimSuffix(filepath.Base(script), ".txtar")+"-"+filepath.Base(f.Name))
			if err := os.WriteFile(name, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, name)
		}
	}
	if len(files) == 0 {
		t.Fatalf("no golden %s files in the CLI's scripts", suffix)
	}
	return files
}

// TestSARIFSchema validates the golden SARIF files against the official
// SARIF 2.1.0 schema, formats (uri, uri-reference) included.
func TestSARIFSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	for _, file := range goldenSARIFFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateSARIF(sch, data); err != nil {
			t.Errorf("%s does not match the SARIF 2.1.0 schema:\n%v", file, err)
		}
	}
}

// TestSARIFSchemaRejects makes sure the schema test can fail: a result with
// a null where the schema wants an object, and a level outside the enum.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := compileSARIFSchema(t)
	for name, mutate := range map[string]func(*sarif.Report){
		"null suppression fields": func(l *sarif.Report) {
			// What go-sarif writes for a Suppression with only a kind.
			l.Runs[0].Results[0].Suppressions = []*sarif.Suppression{{Kind: "external"}}
		},
		"bad level": func(l *sarif.Report) {
			l.Runs[0].Results[0].Level = ptr("fatal")
		},
	} {
		log, err := sarifLog(everyRuleReport(), sarifOpts)
		if err != nil {
			t.Fatal(err)
		}
		mutate(log)
		data, err := json.Marshal(log)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateSARIF(sch, data); err == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}

// TestSARIFSuppressionShape shows the shape the suppressions hook must
// produce: with every field set, a suppression is valid SARIF.
func TestSARIFSuppressionShape(t *testing.T) {
	sch := compileSARIFSchema(t)
	log, err := sarifLog(everyRuleReport(), sarifOpts)
	if err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results[0]
	res.Suppressions = []*sarif.Suppression{{
		Kind:          "external",
		Status:        ptr("accepted"),
		Location:      res.Locations[0],
		Guid:          ptr("8c6d3f4e-1b2a-4c5d-9e8f-0a1b2c3d4e5f"),
		Justification: ptr("approved by maintainer@example.com: the CI change was requested in #42"),
	}}
	data, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(sch, data); err != nil {
		t.Errorf("a complete suppression is not valid SARIF: %v", err)
	}
}

// sarifDoc is the part of a SARIF log the structural tests read.
type sarifDoc struct {
	Schema string `json:"$schema"`
	Runs   []struct {
		Tool struct {
			Driver struct {
				Name            string  `json:"name"`
				Version         *string `json:"version"`
				SemanticVersion *string `json:"semanticVersion"`
				InformationURI  string  `json:"informationUri"`
				Rules           []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		VersionControlProvenance []struct {
			RepositoryURI string `json:"repositoryUri"`
			RevisionID    string `json:"revisionId"`
		} `json:"versionControlProvenance"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          struct {
				Commit  string                `json:"commit"`
				Session string                `json:"session"`
				Class   string                `json:"class"`
				MadeBy  []check.AgentIdentity `json:"madeBy"`
			} `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, data []byte) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

func TestSARIFRulesAlwaysComplete(t *testing.T) {
	for _, tc := range renderCases() {
		doc := decodeSARIF(t, render(t, "sarif", tc.build(), tc.sarif))
		rules := doc.Runs[0].Tool.Driver.Rules
		want := check.Rules()
		if len(rules) != len(want) {
			t.Fatalf("%s: %d rules, want %d", tc.name, len(rules), len(want))
		}
		for i, r := range rules {
			if r.ID != want[i].ID || r.Name != want[i].Name || r.DefaultConfiguration.Level != string(want[i].Level) {
				t.Errorf("%s: rule %d is %s %s (%s), want %s %s (%s)", tc.name, i, r.ID, r.Name,
					r.DefaultConfiguration.Level, want[i].ID, want[i].Name, want[i].Level)
			}
			sev, err := strconv.ParseFloat(r.Properties.SecuritySeverity, 64)
			if err != nil || sev <= 0 || sev > 10 {
				t.Errorf("%s: security-severity %q is not a score in (0, 10]", r.ID, r.Properties.SecuritySeverity)
			}
			if len(r.Properties.Tags) == 0 || r.Properties.Tags[0] != "security" {
				t.Errorf("%s: tags %q do not start with security", r.ID, r.Properties.Tags)
			}
			if u, err := url.Parse(r.HelpURI); err != nil || !u.IsAbs() || u.Fragment == "" {
				t.Errorf("%s: helpUri %q is not an absolute URI with a fragment", r.ID, r.HelpURI)
			}
		}
	}
}

func TestSARIFResults(t *testing.T) {
	for _, tc := range renderCases() {
		r := tc.build()
		doc := decodeSARIF(t, render(t, "sarif", r, tc.sarif))
		run := doc.Runs[0]
		var findings []check.Finding
		var madeBy [][]check.AgentIdentity // of each finding's commit
		for _, c := range r.Commits {
			for _, f := range check.SortedFindings(c.Findings) {
				findings = append(findings, f)
				madeBy = append(madeBy, c.MadeBy)
			}
		}
		if len(run.Results) != len(findings) {
			t.Fatalf("%s: %d results for %d findings", tc.name, len(run.Results), len(findings))
		}
		seen := map[string]bool{}
		for i, res := range run.Results {
			f := findings[i]
			if res.RuleID != f.Rule || res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != f.Rule {
				t.Errorf("%s: result %d: ruleId %s, ruleIndex %v; want %s", tc.name, i, res.RuleID, res.RuleIndex, f.Rule)
			}
			if res.Level != string(f.Level) {
				t.Errorf("%s: result %d: level %s, want %s", tc.name, i, res.Level, f.Level)
			}
			switch {
			case !strings.HasPrefix(res.Message.Text, f.Message):
				t.Errorf("%s: result %d: message %q lacks the finding's message", tc.name, i, res.Message.Text)
			case f.Approval != nil:
				if !strings.Contains(res.Message.Text, "Approved by "+f.Approval.Approver) || !strings.Contains(res.Message.Text, f.Approval.Reason) {
					t.Errorf("%s: result %d: message %q lacks the approval", tc.name, i, res.Message.Text)
				}
			case f.Hint != "" && !strings.Contains(res.Message.Text, f.Hint):
				t.Errorf("%s: result %d: message %q lacks the finding's hint", tc.name, i, res.Message.Text)
			}
			if len(res.Locations) != 1 {
				t.Fatalf("%s: result %d has %d locations, want 1", tc.name, i, len(res.Locations))
			}
			loc := res.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
				t.Errorf("%s: result %d: uriBaseId %q", tc.name, i, loc.ArtifactLocation.URIBaseID)
			}
			wantPath, wantLine := f.Path, max(f.Line, 1)
			if wantPath == "" {
				wantPath, wantLine = ".agentcheck.yml", 1
			}
			if got, err := url.PathUnescape(loc.ArtifactLocation.URI); err != nil || got != wantPath {
				t.Errorf("%s: result %d: uri %q decodes to %q (%v), want %q", tc.name, i, loc.ArtifactLocation.URI, got, err, wantPath)
			}
			if u, err := url.Parse(loc.ArtifactLocation.URI); err != nil || u.IsAbs() || u.Fragment != "" || u.RawQuery != "" {
				t.Errorf("%s: result %d: uri %q is not a plain relative reference", tc.name, i, loc.ArtifactLocation.URI)
			}
			if loc.Region.StartLine != wantLine {
				t.Errorf("%s: result %d: startLine %d, want %d", tc.name, i, loc.Region.StartLine, wantLine)
			}
			if p := res.Properties; p.Commit != f.Commit || p.Session != f.Session || p.Class != f.Class {
				t.Errorf("%s: result %d: properties %+v", tc.name, i, p)
			}
			if diff := gocmp.Diff(madeBy[i], res.Properties.MadeBy, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: result %d: properties.madeBy differs from the commit's MadeBy (-want +got):\n%s", tc.name, i, diff)
			}
			fp := res.PartialFingerprints["agentcheck/v1"]
			if len(fp) != 64 || len(res.PartialFingerprints) != 1 {
				t.Errorf("%s: result %d: partialFingerprints %v", tc.name, i, res.PartialFingerprints)
			}
			seen[fp] = true
		}
		if len(seen) != len(findings) {
			t.Errorf("%s: %d distinct fingerprints for %d findings", tc.name, len(seen), len(findings))
		}
	}
}

// TestSARIFSuppressions checks the suppressions of approved findings: one
// each, complete, with a unique GUID; none on other results; and the
// fingerprint an approval does not change.
func TestSARIFSuppressions(t *testing.T) {
	guidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	r := approvedReport()
	log, err := sarifLog(r, sarifOpts)
	if err != nil {
		t.Fatal(err)
	}
	var findings []check.Finding
	for _, c := range r.Commits {
		findings = append(findings, check.SortedFindings(c.Findings)...)
	}
	guids := map[string]bool{}
	approved := 0
	for i, res := range log.Runs[0].Results {
		f := findings[i]
		if f.Approval == nil {
			if res.Suppressions != nil {
				t.Errorf("result %d (%s, not approved) has suppressions %v", i, f.Rule, res.Suppressions)
			}
			continue
		}
		approved++
		if len(res.Suppressions) != 1 {
			t.Fatalf("result %d: %d suppressions, want 1", i, len(res.Suppressions))
		}
		s := res.Suppressions[0]
		if s.Kind != "external" || s.Status == nil || *s.Status != "accepted" || s.Location == nil || s.Guid == nil || s.Justification == nil {
			t.Fatalf("result %d: incomplete suppression %+v", i, s)
		}
		if !guidRE.MatchString(*s.Guid) || guids[*s.Guid] {
			t.Errorf("result %d: guid %q is not a fresh version-5 GUID", i, *s.Guid)
		}
		guids[*s.Guid] = true
		want := "Approved by bob@example.com on 2026-11-26T10:30:00Z (was error): " + f.Approval.Reason
		if *s.Justification != want {
			t.Errorf("result %d: justification %q, want %q", i, *s.Justification, want)
		}
		if s.Properties["originalLevel"] != "error" || s.Properties["approver"] != "bob@example.com" {
			t.Errorf("result %d: suppression properties %v", i, s.Properties)
		}
		unapproved := f
		unapproved.Approval, unapproved.Level = nil, check.LevelError
		if res.PartialFingerprints[fingerprintKey] != fingerprint(unapproved) {
			t.Errorf("result %d: the approval changed the fingerprint", i)
		}
	}
	if approved != 2 {
		t.Errorf("%d approved results, want 2", approved)
	}
}

func TestSARIFRunDetails(t *testing.T) {
	for _, tt := range []struct {
		opts                      SARIFOptions
		version, semver, id, info string
		rules                     string // the rules page, DefaultRulesURI when empty
		repo, revision            string
	}{
		{opts: SARIFOptions{}, id: "agentcheck/", info: DefaultInformationURI},
		{opts: SARIFOptions{Version: "v0.4.0", Category: "pr-gate"}, version: "0.4.0", semver: "0.4.0", id: "agentcheck/pr-gate/", info: DefaultInformationURI},
		{opts: SARIFOptions{Version: "1.2.3-rc.1+build.5", Category: "/a/b/"}, version: "1.2.3-rc.1+build.5", semver: "1.2.3-rc.1+build.5", id: "agentcheck/a/b/", info: DefaultInformationURI},
		{opts: SARIFOptions{Version: "(devel)"}, version: "(devel)", id: "agentcheck/", info: DefaultInformationURI},
		{opts: SARIFOptions{Version: "v0.0.0-20261126071439-1c8ec7fa90c8"}, version: "0.0.0-20261126071439-1c8ec7fa90c8", semver: "0.0.0-20261126071439-1c8ec7fa90c8", id: "agentcheck/", info: DefaultInformationURI},
		{opts: SARIFOptions{Version: "1.2"}, version: "1.2", id: "agentcheck/", info: DefaultInformationURI},
		{opts: SARIFOptions{InformationURI: "https://ghe.example.com/sec/agentcheck#old", RepositoryURI: "https://ghe.example.com/o/r", RevisionID: commit1},
			id: "agentcheck/", info: "https://ghe.example.com/sec/agentcheck#old", repo: "https://ghe.example.com/o/r", revision: commit1},
		{opts: SARIFOptions{RulesURI: "https://ghe.example.com/sec/agentcheck/blob/v1.2.0/docs/rules.md#old"},
			id: "agentcheck/", info: DefaultInformationURI, rules: "https://ghe.example.com/sec/agentcheck/blob/v1.2.0/docs/rules.md"},
	} {
		doc := decodeSARIF(t, render(t, "sarif", noPathReport(), tt.opts))
		run := doc.Runs[0]
		d := run.Tool.Driver
		if d.Name != "agentcheck" || deref(d.Version) != tt.version || deref(d.SemanticVersion) != tt.semver || d.InformationURI != tt.info {
			t.Errorf("%+v: driver %s version %q semanticVersion %q informationUri %q; want version %q semanticVersion %q informationUri %q",
				tt.opts, d.Name, deref(d.Version), deref(d.SemanticVersion), d.InformationURI, tt.version, tt.semver, tt.info)
		}
		if run.AutomationDetails.ID != tt.id {
			t.Errorf("%+v: automationDetails.id %q, want %q", tt.opts, run.AutomationDetails.ID, tt.id)
		}
		if tt.repo == "" && len(run.VersionControlProvenance) != 0 {
			t.Errorf("%+v: versionControlProvenance without a repository URI", tt.opts)
		}
		if tt.repo != "" && (len(run.VersionControlProvenance) != 1 || run.VersionControlProvenance[0].RepositoryURI != tt.repo ||
			run.VersionControlProvenance[0].RevisionID != tt.revision) {
			t.Errorf("%+v: versionControlProvenance %+v", tt.opts, run.VersionControlProvenance)
		}
		for _, r := range d.Rules {
			if want := cmp.Or(tt.rules, DefaultRulesURI) + "#" + strings.ToLower(r.ID+"-"+r.Name); r.HelpURI != want {
				t.Errorf("helpUri %q, want %q", r.HelpURI, want)
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestSARIFRejects(t *testing.T) {
	withFinding := func(f check.Finding) *check.Report {
		return &check.Report{Version: 1, Commits: []check.CommitReport{{Commit: commit1, Findings: []check.Finding{f}}}}
	}
	for name, tt := range map[string]struct {
		r    *check.Report
		opts SARIFOptions
		want string
	}{
		"unknown rule":    {withFinding(check.Finding{Rule: "AC999", Level: check.LevelError, Message: "m"}), SARIFOptions{}, `unknown rule "AC999"`},
		"empty level":     {withFinding(check.Finding{Rule: check.RuleOutOfScope, Message: "m"}), SARIFOptions{}, `level ""`},
		"bad level":       {withFinding(check.Finding{Rule: check.RuleOutOfScope, Level: "fatal", Message: "m"}), SARIFOptions{}, `level "fatal"`},
		"relative info":   {&check.Report{Version: 1}, SARIFOptions{InformationURI: "agentcheck.dev"}, "not an absolute URI"},
		"relative repo":   {&check.Report{Version: 1}, SARIFOptions{RepositoryURI: "o/r"}, "not an absolute URI"},
		"broken info URI": {&check.Report{Version: 1}, SARIFOptions{InformationURI: "https://x/%zz"}, "information URI"},
		"relative rules":  {&check.Report{Version: 1}, SARIFOptions{RulesURI: "docs/rules.md"}, "not an absolute URI"},
	} {
		var buf bytes.Buffer
		err := WriteSARIF(&buf, tt.r, tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one mentioning %s", name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, buf.Len())
		}
	}
}

func TestURIPath(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{".github/workflows/ci.yml", ".github/workflows/ci.yml"},
		{"docs/release notes #1 (100%).md", "docs/release%20notes%20%231%20(100%25).md"},
		{"scripts/a:b?c=d&e.sh", "scripts/a%3Ab%3Fc=d&e.sh"},
		{"a:b/c.go", "a%3Ab/c.go"},
		{"docs/日本語.md", "docs/%E6%97%A5%E6%9C%AC%E8%AA%9E.md"},
		{"@scope/pkg/index.js", "@scope/pkg/index.js"},
		{"back\\slash.txt", "back%5Cslash.txt"},
		{"tab\tnl\n.go", "tab%09nl%0A.go"},
		{"under_score-dash~tilde.go", "under_score-dash~tilde.go"},
	} {
		got := uriPath(tt.path)
		if got != tt.want {
			t.Errorf("uriPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
		if back, err := url.PathUnescape(got); err != nil || back != tt.path {
			t.Errorf("uriPath(%q) = %q does not decode back (%q, %v)", tt.path, got, back, err)
		}
	}
}

func TestFingerprint(t *testing.T) {
	f := check.Finding{Rule: check.RuleProtectedPath, Level: check.LevelError, Commit: commit1, Path: "ci.yml", Line: 3,
		Message: "m", Hint: "h", Session: "claude-code/s", Class: "ci"}
	fp := fingerprint(f)
	same := f
	same.Line, same.Message, same.Hint, same.Level, same.Class = 9, "reworded", "", check.LevelWarning, "other"
	if fingerprint(same) != fp {
		t.Error("the fingerprint changes with the line, message, hint, level or class")
	}
	for name, change := range map[string]func(*check.Finding){
		"rule":    func(f *check.Finding) { f.Rule = check.RuleTainted },
		"commit":  func(f *check.Finding) { f.Commit = commit2 },
		"path":    func(f *check.Finding) { f.Path = "ci.yaml" },
		"session": func(f *check.Finding) { f.Session = "claude-code/t" },
		"shifted": func(f *check.Finding) { f.Path, f.Session = "ci.yml\x00claude-code/s", "" },
	} {
		g := f
		change(&g)
		if fingerprint(g) == fp {
			t.Errorf("the fingerprint does not change with the %s", name)
		}
	}
	// The fingerprint is part of the output contract: GitHub and approvals
	// match findings by it across versions of agentcheck.
	if want := fingerprintOf(t, "AC004", commit1, "ci.yml", "claude-code/s"); fp != want {
		t.Errorf("fingerprint = %s, want %s", fp, want)
	}
}

// fingerprintOf recomputes the documented agentcheck/v1 value independently
// of fingerprint.
func fingerprintOf(t *testing.T, parts ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("agentcheck/v1\x00")
	for _, p := range parts {
		b.WriteString(p + "\x00")
	}
	return sha256Hex([]byte(b.String()))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// multitoolPath returns the SARIF Multitool binary: $SARIF_MULTITOOL, or the
// copy scripts/sarif-validate.sh installs into the user cache directory.
func multitoolPath() (string, string) {
	if p := os.Getenv("SARIF_MULTITOOL"); p != "" {
		return p, "$SARIF_MULTITOOL"
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", "no user cache directory: " + err.Error()
	}
	pkg, exe := "sarif-multitool-"+runtime.GOOS, "Sarif.Multitool"
	switch runtime.GOOS {
	case "windows":
		pkg, exe = "sarif-multitool-win32", "Sarif.Multitool.exe"
	case "linux", "darwin":
	default:
		return "", "no SARIF Multitool package for " + runtime.GOOS
	}
	p := filepath.Join(cache, "agentcheck-sarif", "node_modules", "@microsoft", pkg, exe)
	if _, err := os.Stat(p); err != nil {
		return "", p + " not found"
	}
	return p, p
}

// TestSARIFValidates runs Microsoft's SARIF validator with GitHub's ingestion
// rules (those of https://sarifweb.azurewebsites.net) and SARIF's own over
// the golden SARIF files. It fails on any result of level error and logs the
// others. The validator exits 0 even when it reports errors, so its log is
// read, not just its exit code.
func TestSARIFValidates(t *testing.T) {
	tool := requireMultitool(t)
	files := goldenSARIFFiles(t)
	errs, others := runMultitool(t, tool, files...)
	for _, e := range errs {
		t.Error(e)
	}
	for _, o := range others {
		t.Log(o)
	}
	if len(errs) == 0 {
		t.Logf("%d files validated with rule kinds Gh;Sarif: 0 errors, %d other results", len(files), len(others))
	}
}

// TestSARIFValidatorCatches shows that TestSARIFValidates can fail: a
// result without a location and a rule without a full description, which
// GitHub rejects, are errors.
func TestSARIFValidatorCatches(t *testing.T) {
	tool := requireMultitool(t)
	log, err := sarifLog(noPathReport(), sarifOpts)
	if err != nil {
		t.Fatal(err)
	}
	log.Runs[0].Results[0].Locations = nil
	log.Runs[0].Tool.Driver.Rules[0].FullDescription = nil
	data, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.sarif")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	errs, _ := runMultitool(t, tool, bad)
	joined := strings.Join(errs, "\n")
	for _, rule := range []string{"GH1015", "GH2012"} {
		if !strings.Contains(joined, rule) {
			t.Errorf("the validator did not report %s; its errors:\n%s", rule, joined)
		}
	}
}

func requireMultitool(t *testing.T) string {
	t.Helper()
	tool, where := multitoolPath()
	if tool == "" {
		t.Skipf("SARIF Multitool not installed (%s): run scripts/sarif-validate.sh once, or set SARIF_MULTITOOL", where)
	}
	return tool
}

// runMultitool validates files and returns the validator's error results
// and its other results, one line each.
func runMultitool(t *testing.T, tool string, files ...string) (errs, others []string) {
	t.Helper()
	abs := make([]string, len(files))
	for i, f := range files {
		var err error
		if abs[i], err = filepath.Abs(f); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "validation.sarif")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// --rule-kind takes a list and would swallow the file names after it:
	// keep --output, which takes one value, last.
	args := append([]string{"validate", "--rule-kind", "Gh;Sarif", "--output", out}, abs...)
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, console)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the validator wrote no log (%v):\n%s", err, console)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					ID        string   `json:"id"`
					Text      string   `json:"text"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("reading the validator's log: %v", err)
	}
	if len(log.Runs) == 0 {
		t.Fatalf("the validator's log has no run:\n%s", console)
	}
	for _, run := range log.Runs {
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				t.Fatalf("the validator reports an unsuccessful execution:\n%s", console)
			}
		}
		for _, res := range run.Results {
			level := cmp.Or(res.Level, "warning") // SARIF's default level
			file := ""
			if len(res.Locations) > 0 {
				file = filepath.Base(res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
			}
			msg := cmp.Or(res.Message.Text, res.Message.ID+" "+strings.Join(res.Message.Arguments, " | "))
			line := level + " " + res.RuleID + " " + file + ": " + msg
			if level == "error" {
				errs = append(errs, line)
			} else {
				others = append(others, line)
			}
		}
	}
	return errs, others
}

// sarifLog builds the SARIF log for r, its results too, in memory: the
// go-sarif values the tests inspect, where WriteSARIF streams them.
func sarifLog(r *check.Report, opts SARIFOptions) (*sarif.Report, error) {
	log, rules, err := sarifFrame(r, opts)
	if err != nil {
		return nil, err
	}
	run := log.Runs[0]
	for _, c := range r.Commits {
		results, err := commitResults(c.Canonical(), rules)
		if err != nil {
			return nil, err
		}
		run.Results = append(run.Results, results...)
	}
	return log, nil
}

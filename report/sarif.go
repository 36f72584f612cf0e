package report

// # SARIF output
//
// WriteSARIF renders a [Report] as a SARIF 2.1.0 log for GitHub code scanning
// and other SARIF consumers. It decides nothing: every result is a Finding.
// The mapping:
//
//	SARIF                                         agentcheck
//	---------------------------------------------------------------------------
//	runs                                          exactly one run
//	run.tool.driver.name                          "agentcheck"
//	run.tool.driver.version                       SARIFOptions.Version, without a leading
//	                                              "v" when it is a semantic version
//	run.tool.driver.semanticVersion               the same, when it is a semantic version
//	run.tool.driver.informationUri                SARIFOptions.InformationURI
//	run.tool.driver.rules                         Rules(): all of them, always, in ID order
//	  rule.id, rule.name                          Rule.ID, Rule.Name
//	  rule.shortDescription.text                  Rule.Short
//	  rule.fullDescription.text                   Rule.Full
//	  rule.help.text, rule.help.markdown          Rule.Help (markdown adds Full and a link)
//	  rule.helpUri                                SARIFOptions.RulesURI#ac004-protected-path
//	  rule.defaultConfiguration.level             Rule.Level
//	  rule.properties.tags                        "security" and the rule's topic
//	  rule.properties.security-severity           from Rule.Level: error "8.0" (high),
//	                                              warning "5.0" (medium), note "2.0" (low)
//	run.automationDetails.id                      "agentcheck/" or "agentcheck/<Category>/"
//	run.originalUriBaseIds["%SRCROOT%"]           the repository's root (no uri: it is
//	                                              wherever the repository is checked out)
//	run.versionControlProvenance                  RepositoryURI, RevisionID, mapped to %SRCROOT%
//	                                              (only when RepositoryURI is set)
//	run.properties                                Report.Range, .Base, .PolicySource and
//	                                              .Summary.Commits (commitsChecked)
//	run.results                                   Report.Commits[].Findings, commits in report
//	                                              order, findings sorted as in the JSON output
//	  result.ruleId, result.ruleIndex             Finding.Rule and its index in Rules()
//	  result.level                                Finding.Level
//	  result.message.text                         Finding.Message, the short commit id,
//	                                              then "Hint: " and Finding.Hint, or for
//	                                              an approved finding "Approved by …"
//	  result.locations[0].physicalLocation        Finding.Path, percent-encoded, relative to
//	    .artifactLocation.uri, .uriBaseId         %SRCROOT%; ".agentcheck.yml" for a finding
//	                                              without a path (see below)
//	    .region.startLine                         Finding.Line, or 1 when unknown
//	  result.locations[0].logicalLocations        the commit, for a finding without a path
//	  result.partialFingerprints["agentcheck/v1"] sha256 of rule, commit, path and session
//	  result.properties.commit                    Finding.Commit
//	  result.properties.session, .class           Finding.Session, Finding.Class (when set)
//	  result.properties.madeBy                    the commit's CommitReport.MadeBy, as in the
//	                                              JSON report (when set): which agents made it
//	  result.suppressions                         Finding.Approval: see Suppressions below
//
// # Findings without a path
//
// AC001, AC002, AC003, AC009 and AC015 are about a commit or its note, not a file;
// so are AC010, AC011, AC012 and AC013 when they concern what a session did
// rather than a path of the diff, AC014 when the commit's root tree is
// at fault, and AC016 unless it names an edit the journal lacks.
// GitHub code scanning shows a result only with a physical location (the
// first entry of result.locations, with artifactLocation.uri and
// region.startLine; a logical location alone is not enough), so such a
// result points at line 1 of the policy file, .agentcheck.yml at the
// repository root: the file that makes the finding an error and the one a
// maintainer would open to change that. The location's message says that the
// finding concerns the commit, the result's message names the commit, and a
// logical location names it for consumers that show one. Two limits follow:
// GitHub's own fingerprint of such results is the same for every commit (same
// file, line and rule), so GitHub may fold the findings of several commits
// into one alert (each stays a separate result here, with its own
// agentcheck/v1 fingerprint, and the check still fails); and a repository
// that runs on the built-in defaults has no .agentcheck.yml to show.
//
// # Fingerprints
//
// GitHub matches results across runs by the partialFingerprints key
// primaryLocationLineHash only, combined with the rule and the file path. The
// upload-sarif action computes that key itself, from the content of the
// source line, when a result does not carry it, and warns when a result
// carries a value that differs from its own. So agentcheck never writes
// primaryLocationLineHash. It writes its own key, "agentcheck/v1": the hex
// sha256 of "agentcheck/v1", rule, commit, path and session, separated by NUL
// bytes. The key identifies the same finding on the same commit across runs
// and tool versions (it leaves out the message and the line, which may be
// refined), is the handle future approvals and baselines can name, and does
// not collide with GitHub's key. Should the identity of a finding change,
// the key becomes "agentcheck/v2".
//
// # Security severity
//
// GitHub treats a rule with properties.security-severity as a security rule
// and shows the score as critical (over 9.0), high (7.0 to 8.9), medium (4.0
// to 6.9) or low (0.1 to 3.9) instead of the result's level. The score is per
// rule, so it follows the rule's default level: "8.0" (high) for error rules,
// "5.0" (medium) for warning rules, "2.0" (low) for note rules. A result whose
// level is lower than its rule's default (an AC004 finding of a warn class,
// an AC008 note) keeps that lower level in result.level.
//
// # Suppressions
//
// A finding that a maintainer approved (agentcheck approve) has
// level note and one entry in result.suppressions:
//
//	kind            "external": the approval lives in the commit's git note,
//	                not in the source
//	status          "accepted": a trusted approver signed it
//	justification   "Approved by <approver> on <time> (was <level>): <reason>"
//	guid            a name-based GUID (version 5 layout) from the SHA-256 of
//	                the approval's id and the result's agentcheck/v1
//	                fingerprint: stable across runs, unique per result
//	location        the result's own location (the approval is about it)
//	properties      approver, approvedAt (RFC 3339), originalLevel (the level
//	                that was approved), keyid, approval (the approval's id)
//
// Every field is set: go-sarif writes null for an unset status, location,
// guid or justification, which the SARIF schema forbids. Findings that no
// approval covers have no suppressions at all (not an empty array).

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/agentcheck/agentcheck/check"
)

// SARIFOptions carries what a SARIF log says about the run that the Report
// does not: the tool version, where the tool is documented, the analysis
// category and the repository.
type SARIFOptions struct {
	// Version is the agentcheck version, e.g. "v0.4.0" or "(devel)".
	Version string
	// InformationURI is where agentcheck is documented. Default
	// [DefaultInformationURI].
	InformationURI string
	// RulesURI is the page that documents the rules, one section per rule
	// with the anchor GitHub gives the heading "AC004 protected-path";
	// each rule's helpUri is a fragment of it. Default [DefaultRulesURI].
	RulesURI string
	// Category distinguishes several agentcheck analyses of the same commit
	// on GitHub (e.g. one per target branch). Empty means none.
	Category string
	// RepositoryURI and RevisionID describe the checked repository (e.g.
	// https://github.com/o/r and the head commit); with RepositoryURI empty,
	// no versionControlProvenance is written.
	RepositoryURI string
	RevisionID    string
}

// DefaultInformationURI is the informationUri of the SARIF tool driver when
// [SARIFOptions] gives none.
const DefaultInformationURI = "https://github.com/agentcheck/agentcheck"

// DefaultRulesURI is the page of the rules when [SARIFOptions] gives none:
// docs/rules.md of the repository, whose sections the tests keep in step
// with [check.Rules].
const DefaultRulesURI = DefaultInformationURI + "/blob/main/docs/rules.md"

const (
	sarifToolName   = "agentcheck"
	srcRoot         = "%SRCROOT%"
	policyFile      = ".agentcheck.yml" // where path-less findings point
	fingerprintKey  = "agentcheck/v1"
	automationIDTop = "agentcheck"
)

// WriteSARIF writes r to w as a SARIF 2.1.0 log with one run, as mapped in
// the comment at the top of sarif.go. It fails, writing nothing, on a
// finding whose rule or level SARIF cannot express, and on an option that is
// not a valid absolute URI.
func WriteSARIF(w io.Writer, r *check.Report, opts SARIFOptions) error {
	if r == nil {
		return errors.New("writing SARIF report: no report")
	}
	rules := check.Rules()
	// Every finding is checked before a byte is written, so that a log
	// is written whole or not at all.
	for _, c := range r.Commits {
		for _, f := range c.Findings {
			if _, _, err := sarifRuleLevel(f, rules); err != nil {
				return fmt.Errorf("writing SARIF report: commit %s: %w", shortSHA(c.Commit), err)
			}
		}
	}
	s, err := NewSARIFWriter(w, r, opts)
	if err != nil {
		return err
	}
	for _, c := range r.Commits {
		if err := s.Commit(c); err != nil {
			return err
		}
	}
	return s.Close()
}

// SARIFWriter writes a SARIF log as [WriteSARIF] does, a commit at a time:
// for a check that passes each commit's report on as soon as it is done
// (gate.Options.Emit), so that the log of a long range is never held whole.
// Unlike WriteSARIF, it cannot refuse a finding SARIF cannot express before
// it has written the log's start; check.Judge makes none.
type SARIFWriter struct {
	a     *arrayWriter
	rules []check.Rule
}

// NewSARIFWriter writes the start of the log of header, a report whose
// commits are to come (its Range, Base, PolicySource and Summary.Commits
// are read), up to its results.
func NewSARIFWriter(w io.Writer, header *check.Report, opts SARIFOptions) (*SARIFWriter, error) {
	log, rules, err := sarifFrame(header, opts)
	if err != nil {
		return nil, fmt.Errorf("writing SARIF report: %w", err)
	}
	a, err := startArray(w, log, "results", 3)
	if err != nil {
		return nil, fmt.Errorf("encoding SARIF report: %w", err)
	}
	return &SARIFWriter{a: a, rules: rules}, nil
}

// Commit writes the results of the next commit's findings.
func (s *SARIFWriter) Commit(c check.CommitReport) error {
	results, err := commitResults(c.Canonical(), s.rules)
	if err != nil {
		return fmt.Errorf("writing SARIF report: %w", err)
	}
	for _, res := range results {
		if err := s.a.add(res); err != nil {
			return fmt.Errorf("encoding SARIF report: commit %s: %w", shortSHA(c.Commit), err)
		}
	}
	return nil
}

// Close writes the rest of the log and flushes it.
func (s *SARIFWriter) Close() error {
	if err := s.a.finish(); err != nil {
		return fmt.Errorf("writing SARIF report: %w", err)
	}
	return nil
}

// commitResults are the results of the findings of c, a commit in its
// canonical form.
func commitResults(c check.CommitReport, rules []check.Rule) ([]*sarif.Result, error) {
	results := make([]*sarif.Result, 0, len(c.Findings))
	for _, f := range c.Findings {
		if f.Commit == "" {
			f.Commit = c.Commit
		}
		res, err := sarifResult(f, c.MadeBy, rules)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", shortSHA(c.Commit), err)
		}
		results = append(results, res)
	}
	return results, nil
}

// sarifFrame builds the SARIF log for r without its results (an empty
// array), and returns the rules its results index.
func sarifFrame(r *check.Report, opts SARIFOptions) (*sarif.Report, []check.Rule, error) {
	infoURI := cmp.Or(opts.InformationURI, DefaultInformationURI)
	if err := checkAbsURI("information URI", infoURI); err != nil {
		return nil, nil, err
	}

	rules := check.Rules()
	driver := sarif.NewDriver(sarifToolName)
	driver.InformationURI = &infoURI
	rulesURI := cmp.Or(opts.RulesURI, DefaultRulesURI)
	if err := checkAbsURI("rules URI", rulesURI); err != nil {
		return nil, nil, err
	}
	if opts.Version != "" {
		// SARIF wants a version that starts with a digit; GitHub prefers
		// semanticVersion when there is one.
		driver.Version = ptr(opts.Version)
		if sv, ok := semanticVersion(opts.Version); ok {
			driver.Version, driver.SemanticVersion = ptr(sv), ptr(sv)
		}
	}
	for _, rule := range rules {
		d, err := sarifRule(rule, rulesURI)
		if err != nil {
			return nil, nil, err
		}
		driver.Rules = append(driver.Rules, d)
	}

	run := sarif.NewRun(sarif.Tool{Driver: driver})
	run.AutomationDetails = &sarif.RunAutomationDetails{ID: ptr(automationID(opts.Category))}
	run.OriginalUriBaseIDs = map[string]*sarif.ArtifactLocation{
		srcRoot: {Description: &sarif.Message{Text: ptr("The root of the checked repository's work tree.")}},
	}
	if opts.RepositoryURI != "" {
		if err := checkAbsURI("repository URI", opts.RepositoryURI); err != nil {
			return nil, nil, err
		}
		vcs := &sarif.VersionControlDetails{
			RepositoryURI: ptr(opts.RepositoryURI),
			MappedTo:      &sarif.ArtifactLocation{URIBaseId: ptr(srcRoot)},
		}
		if opts.RevisionID != "" {
			vcs.RevisionID = ptr(opts.RevisionID)
		}
		run.VersionControlProvenance = []*sarif.VersionControlDetails{vcs}
	}
	run.Properties = sarif.Properties{
		"range":          r.Range,
		"policySource":   r.PolicySource,
		"commitsChecked": r.Summary.Commits,
	}
	if r.Base != "" {
		run.Properties["base"] = r.Base
	}
	run.Results = []*sarif.Result{}

	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, nil, fmt.Errorf("starting SARIF log: %w", err)
	}
	log.AddRun(run)
	return log, rules, nil
}

// sarifRule is the reporting descriptor of a rule.
func sarifRule(rule check.Rule, rulesURI string) (*sarif.ReportingDescriptor, error) {
	helpURI, err := ruleHelpURI(rulesURI, rule)
	if err != nil {
		return nil, err
	}
	level, err := sarifLevel(rule.Level)
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", rule.ID, err)
	}
	markdown := fmt.Sprintf("**%s %s**: %s\n\n%s\n\n**How to fix:** %s\n\n[Rule documentation](%s)",
		rule.ID, rule.Name, markdownEscape(rule.Short), markdownEscape(rule.Full), markdownEscape(rule.Help), helpURI)
	return &sarif.ReportingDescriptor{
		ID:                   rule.ID,
		Name:                 ptr(rule.Name),
		ShortDescription:     &sarif.MultiformatMessageString{Text: ptr(rule.Short)},
		FullDescription:      &sarif.MultiformatMessageString{Text: ptr(rule.Full)},
		Help:                 &sarif.MultiformatMessageString{Text: ptr(rule.Help), Markdown: ptr(markdown)},
		HelpURI:              ptr(helpURI),
		DefaultConfiguration: &sarif.ReportingConfiguration{Level: level},
		Properties: sarif.Properties{
			"tags":              ruleTags(rule.ID),
			"security-severity": securitySeverity(rule.Level),
		},
	}, nil
}

// sarifResult is the result of one finding of a commit that madeBy made.
func sarifResult(f check.Finding, madeBy []check.AgentIdentity, rules []check.Rule) (*sarif.Result, error) {
	index, level, err := sarifRuleLevel(f, rules)
	if err != nil {
		return nil, err
	}
	ruleIndex := uint(index)
	res := &sarif.Result{
		RuleID:    ptr(f.Rule),
		RuleIndex: &ruleIndex,
		Level:     ptr(level),
		Message:   sarif.Message{Text: ptr(resultMessage(f, rules[index]))},
		Locations: []*sarif.Location{findingLocation(f)},
		PartialFingerprints: map[string]any{
			fingerprintKey: fingerprint(f),
		},
		Suppressions: suppressions(f),
	}
	res.Properties = sarif.Properties{"commit": f.Commit}
	if f.Session != "" {
		res.Properties["session"] = f.Session
	}
	if f.Class != "" {
		res.Properties["class"] = f.Class
	}
	if len(madeBy) > 0 {
		res.Properties["madeBy"] = madeBy
	}
	return res, nil
}

// sarifRuleLevel returns the index in rules of f's rule and f's level as
// SARIF has it, or an error when SARIF cannot express either.
func sarifRuleLevel(f check.Finding, rules []check.Rule) (int, string, error) {
	index := -1
	for i, rule := range rules {
		if rule.ID == f.Rule {
			index = i
			break
		}
	}
	if index < 0 {
		return 0, "", fmt.Errorf("finding with unknown rule %q", f.Rule)
	}
	level, err := sarifLevel(f.Level)
	if err != nil {
		return 0, "", fmt.Errorf("%s finding: %w", f.Rule, err)
	}
	return index, level, nil
}

// findingLocation is the one location of a finding's result: the file and
// first changed line, or line 1 of the policy file for a finding about the
// whole commit.
func findingLocation(f check.Finding) *sarif.Location {
	path, line := f.Path, max(f.Line, 1)
	loc := &sarif.Location{}
	if path == "" {
		path, line = policyFile, 1
		loc.Message = &sarif.Message{Text: ptr(fmt.Sprintf(
			"The finding concerns commit %s as a whole; it is shown at the policy file.", f.Commit))}
		loc.LogicalLocations = []*sarif.LogicalLocation{{Name: ptr(f.Commit)}}
	}
	loc.PhysicalLocation = &sarif.PhysicalLocation{
		ArtifactLocation: &sarif.ArtifactLocation{URI: ptr(uriPath(path)), URIBaseId: ptr(srcRoot)},
		Region:           &sarif.Region{StartLine: ptr(line)},
	}
	return loc
}

// suppressions returns the suppressions of a finding's result: one for an
// approved finding, as described under Suppressions at the top of the file,
// else none.
func suppressions(f check.Finding) []*sarif.Suppression {
	a := f.Approval
	if a == nil {
		return nil
	}
	s := &sarif.Suppression{
		Kind:          "external",
		Status:        ptr("accepted"),
		Location:      findingLocation(f),
		Guid:          ptr(suppressionGUID(a.ID, fingerprint(f))),
		Justification: ptr(approvalText(a)),
	}
	s.Properties = sarif.Properties{
		"approver":      a.Approver,
		"approvedAt":    a.Time.UTC().Format(time.RFC3339),
		"originalLevel": string(a.Level),
		"keyid":         a.KeyID,
		"approval":      a.ID,
	}
	return []*sarif.Suppression{s}
}

// approvalText is "Approved by <approver> on <time> (was <level>): <reason>".
func approvalText(a *check.Approval) string {
	return fmt.Sprintf("Approved by %s on %s (was %s): %s", a.Approver, a.Time.UTC().Format(time.RFC3339), a.Level, strings.TrimSpace(a.Reason))
}

// suppressionGUID formats the SHA-256 of the approval id and a result's
// fingerprint as a GUID with the version and variant bits the SARIF schema
// requires (those of a name-based, version 5 UUID).
func suppressionGUID(approvalID, resultFingerprint string) string {
	h := sha256.Sum256([]byte("agentcheck/suppression/v1\x00" + approvalID + "\x00" + resultFingerprint))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// resultMessage is the finding's message with its commit, then its hint,
// each a sentence ending with a period (as SARIF's guidance asks). The
// commit is in the text because GitHub shows an alert's message but not its
// properties, and one alert may stand for a change made in any commit of a
// pull request.
func resultMessage(f check.Finding, rule check.Rule) string {
	msg := cmp.Or(strings.TrimSpace(f.Message), rule.Short)
	if f.Commit != "" {
		msg += " (commit " + shortSHA(f.Commit) + ")"
	}
	msg = sentence(msg)
	if f.Approval != nil {
		return msg + " " + sentence(approvalText(f.Approval))
	}
	if hint := strings.TrimSpace(f.Hint); hint != "" {
		msg += " Hint: " + sentence(hint)
	}
	return msg
}

func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// fingerprint is the value of the agentcheck/v1 partial fingerprint.
func fingerprint(f check.Finding) string {
	h := sha256.New()
	for _, s := range []string{fingerprintKey, f.Rule, f.Commit, f.Path, f.Session} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// uriPath turns a repository-relative path into a relative URI reference:
// every byte outside the unreserved characters, "/", the sub-delimiters and
// "@" is percent-encoded (UTF-8 bytes of non-ASCII characters included). A
// colon is encoded too, so that "a:b/c" cannot be read as a scheme.
func uriPath(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~/!$&'()*+,;=@", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// automationID is run.automationDetails.id: GitHub reads everything up to the
// last slash as the analysis category.
func automationID(category string) string {
	category = strings.Trim(category, "/")
	if category == "" {
		return automationIDTop + "/"
	}
	return automationIDTop + "/" + category + "/"
}

// ruleHelpURI links a rule to its section of the rules page at rulesURI:
// the fragment is the anchor GitHub gives a heading "AC004 protected-path".
func ruleHelpURI(rulesURI string, rule check.Rule) (string, error) {
	u, err := url.Parse(rulesURI)
	if err != nil {
		return "", fmt.Errorf("rules URI %q: %w", rulesURI, err)
	}
	u.Fragment = strings.ToLower(rule.ID + "-" + rule.Name)
	u.RawFragment = ""
	return u.String(), nil
}

func checkAbsURI(what, s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%s %q: %w", what, s, err)
	}
	if !u.IsAbs() {
		return fmt.Errorf("%s %q is not an absolute URI", what, s)
	}
	return nil
}

func sarifLevel(l check.Level) (string, error) {
	switch l {
	case check.LevelError, check.LevelWarning, check.LevelNote:
		return string(l), nil
	}
	return "", fmt.Errorf("level %q is not error, warning or note", l)
}

// securitySeverity is the GitHub security-severity score of a rule with the
// given default level.
func securitySeverity(l check.Level) string {
	switch l {
	case check.LevelError:
		return "8.0"
	case check.LevelWarning:
		return "5.0"
	}
	return "2.0"
}

// ruleTags are the SARIF tags of a rule: "security", which makes GitHub
// treat its results as security alerts, and the rule's topic.
func ruleTags(id string) []string {
	topic := map[string]string{
		check.RuleUnattested:       "provenance",
		check.RuleInvalidSignature: "provenance",
		check.RuleSubjectMismatch:  "provenance",
		check.RuleProtectedPath:    "protected-path",
		check.RuleOutOfScope:       "intent-scope",
		check.RuleUnattributed:     "provenance",
		check.RuleTainted:          "prompt-injection",
		check.RulePermissionBypass: "permissions",
		check.RuleMalformed:        "provenance",
		check.RuleExfiltration:     "exfiltration",
		check.RuleUntrustedTool:    "tool-poisoning",
		check.RuleMemoryEdit:       "prompt-injection",
		check.RuleScopeClaim:       "prompt-injection",
		check.RuleBadTree:          "git-path",
		check.RuleHumanSignature:   "provenance",
		check.RuleJournalMismatch:  "provenance",
	}[id]
	if topic == "" {
		return []string{"security"}
	}
	return []string{"security", topic}
}

// semverRE is the regular expression semver.org gives for a semantic version.
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// semanticVersion returns v without a leading "v" if it is a semantic version.
func semanticVersion(v string) (string, bool) {
	v = strings.TrimPrefix(v, "v")
	return v, semverRE.MatchString(v)
}

// markdownEscape escapes the characters that would make plain text render
// as Markdown formatting.
func markdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

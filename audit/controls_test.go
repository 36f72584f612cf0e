package audit

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/check"
)

// verifiedControls are the control IDs checked against their sources when
// the mapping was written (see the comment at the top of controls.yaml and
// the README). A control added to controls.yaml must be checked the same way
// and added here; the test fails on any ID not in this list.
var verifiedControls = []string{
	"owasp-llm/LLM01:2025", "owasp-llm/LLM02:2025", "owasp-llm/LLM03:2025", "owasp-llm/LLM06:2025",
	"nist-ai-rmf/GOVERN 6.1", "nist-ai-rmf/MAP 3.5", "nist-ai-rmf/MEASURE 2.4", "nist-ai-rmf/MEASURE 2.7",
	"nist-ai-rmf/MEASURE 2.8", "nist-ai-rmf/MEASURE 2.10", "nist-ai-rmf/MANAGE 2.4", "nist-ai-rmf/MANAGE 3.1",
	"eu-ai-act/Art. 12", "eu-ai-act/Art. 14", "eu-ai-act/Art. 15", "eu-ai-act/Art. 26",
	"iso-42001/A.6.2.6", "iso-42001/A.6.2.8", "iso-42001/A.9.2", "iso-42001/A.9.4", "iso-42001/A.10.3",
	"soc2/CC6.1", "soc2/CC6.3", "soc2/CC6.6", "soc2/CC6.7", "soc2/CC6.8", "soc2/CC7.1", "soc2/CC7.2", "soc2/CC8.1", "soc2/CC9.2",
}

func TestMapping(t *testing.T) {
	m, err := LoadMapping()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Controls {
		if !slices.Contains(verifiedControls, c.Key()) {
			t.Errorf("control %s is not in the verified list: check it against its source, then add it to verifiedControls", c.Key())
		}
		if !strings.HasPrefix(c.URL, "https://") {
			t.Errorf("control %s has no source URL", c.Key())
		}
	}
	// Every rule and the session record are mapped, and every framework
	// has at least one control.
	for _, of := range append([]string{EvidenceSession}, ruleIDs()...) {
		if len(m.ControlsOf(of)) == 0 || m.Why(of) == "" {
			t.Errorf("%s is not mapped to any control, or has no reason", of)
		}
	}
	for _, f := range m.Frameworks {
		n := 0
		for _, c := range m.Controls {
			if c.Framework == f.ID {
				n++
			}
		}
		if n == 0 {
			t.Errorf("framework %s has no control", f.ID)
		}
	}
	// Every control is used by some mapping.
	for _, c := range m.Controls {
		used := false
		for _, e := range m.Evidence {
			used = used || slices.Contains(e.Controls, c.Key())
		}
		if !used {
			t.Errorf("control %s is listed but nothing evidences it", c.Key())
		}
	}
}

func ruleIDs() []string {
	var ids []string
	for _, r := range check.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestParseMappingRejects(t *testing.T) {
	base := `version: 1
frameworks:
  - {id: soc2, name: SOC 2, short: SOC 2, column: soc2, source: {title: TSC, url: "https://example.com"}}
controls:
  - {framework: soc2, id: %s, title: T, section: S}
evidence:
  - {of: AC001, why: because, controls: [%s]}
`
	for _, tt := range []struct{ id, ref, want string }{
		{"CC8.1", "soc2/CC8.1", ""},
		{"CC8.12", "soc2/CC8.12", "is not a SOC 2 control ID"},   // invented
		{"A.6.2.8", "soc2/A.6.2.8", "is not a SOC 2 control ID"}, // wrong framework
		{"CC8.1", "soc2/CC9.9", "unknown control"},
	} {
		_, err := parseMapping([]byte(strings.NewReplacer("%s", tt.id).Replace(strings.Replace(base, "[%s]", "["+tt.ref+"]", 1))))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.id, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s -> %s: err = %v, want %q", tt.id, tt.ref, err, tt.want)
		}
	}
	if _, err := parseMapping([]byte("version: 1\nunknown_key: x\n")); err == nil {
		t.Error("an unknown key was accepted")
	}
}

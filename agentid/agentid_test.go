package agentid

import (
	"strings"
	"testing"
)

// TestPrecision pins what the registry must and must not recognise: markers
// are addresses and accounts, never names.
func TestPrecision(t *testing.T) {
	rec := NewRecognizer(Builtin())
	co := func(lines ...string) Commit {
		return Commit{AuthorName: "Ann", AuthorEmail: "ann@example.org", CommitterName: "Ann", CommitterEmail: "ann@example.org", Subject: "Fix", Trailers: lines}
	}
	by := func(name, email string) Commit {
		return Commit{AuthorName: name, AuthorEmail: email, CommitterName: "GitHub", CommitterEmail: "noreply@github.com", Subject: "Fix"}
	}
	tests := []struct {
		name   string
		c      Commit
		agent  string // "" for none
		marker string
	}{
		{"human named Claude", by("Claude Martin", "claude@example.org"), "", ""},
		{"human co-author named Claude", co("Co-authored-by: Claude Martin <claude.martin@example.org>"), "", ""},
		{"human co-author named Cursor", co("Co-authored-by: Cursor <cursor@example.org>"), "", ""},
		{"Claude by address", co("Co-Authored-By: Claude Opus 4.7 (1M context) <noreply@anthropic.com>"), "claude-code", "co-author trailer noreply@anthropic.com"},
		{"address case", co("co-authored-by: Claude <NoReply@Anthropic.com>"), "claude-code", "co-author trailer noreply@anthropic.com"},
		{"address without brackets", co("Co-authored-by: Copilot copilot@github.com"), "copilot", "co-author trailer copilot@github.com"},
		{"Claude-Session trailer", co("Claude-Session: https://claude.ai/code/session_01"), "claude-code", "trailer Claude-Session:"},
		{"Made-with: Cursor", co("Made-with: Cursor"), "cursor", "trailer Made-with: Cursor"},
		{"Made-with: another tool", co("Made-with: Emacs"), "", ""},
		{"Amp thread", co("Amp-Thread-ID: https://ampcode.com/threads/T-1"), "amp", "trailer Amp-Thread-ID:"},
		{"aider author", by("Paul (aider)", "paul@example.org"), "aider", "author name suffix (aider)"},
		{"aider committed only", Commit{AuthorName: "Paul", AuthorEmail: "paul@example.org", CommitterName: "Paul (aider)", CommitterEmail: "paul@example.org"}, "", ""},
		{"aider message prefix", Commit{AuthorName: "Paul", AuthorEmail: "p@example.org", Subject: "aider: add tests"}, "aider", `message prefix "aider: "`},
		{"Copilot coding agent", by("Copilot", "198982749+Copilot@users.noreply.github.com"), "copilot-coding-agent", "author account 198982749+Copilot"},
		{"Copilot coding agent by bot login", by("copilot-swe-agent[bot]", "198982749+copilot-swe-agent[bot]@users.noreply.github.com"), "copilot-coding-agent", "author account 198982749+Copilot"},
		{"Copilot CLI co-author", co("Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>"), "copilot", "co-author account 223556219+Copilot"},
		{"Copilot Autofix co-author", co("Co-authored-by: Copilot Autofix powered by AI <175728472+Copilot@users.noreply.github.com>"), "copilot-autofix", "co-author account 175728472+Copilot"},
		// A noreply address names its account by ID: the login Copilot
		// with another account's ID is not that account.
		{"Copilot login, unknown ID", by("Copilot", "12345+Copilot@users.noreply.github.com"), "", ""},
		{"Devin's ID under a human's login", by("devin", "99+devin-ai-integration@users.noreply.github.com"), "", ""},
		{"Devin", by("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com"), "devin", "author account 158243242+devin-ai-integration[bot]"},
		{"bot account without ID", co("Co-authored-by: opencode-agent[bot] <opencode-agent[bot]@users.noreply.github.com>"), "opencode", "co-author account opencode-agent[bot]"},
		{"account with ID, address without", by("gemini-code-assist[bot]", "gemini-code-assist[bot]@users.noreply.github.com"), "gemini-code-assist", "author account 176961590+gemini-code-assist[bot]"},
		{"human named Devin on GitHub", by("Devin Trejo", "dtrejod@users.noreply.github.com"), "", ""},
		{"not GitHub's noreply domain", by("x", "198982749+Copilot@users.noreply.example.com"), "", ""},
		{"Jules", co("Co-authored-by: google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>"), "jules", "co-author account 161369871+google-labs-jules[bot]"},
		{"trailer outside the trailer block is the caller's business", co(), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := rec.Recognize(tt.c)
			if !ok {
				m = Match{}
			}
			if m.Agent != tt.agent || ok && m.Marker != tt.marker {
				t.Errorf("Recognize = %q (%q), want %q (%q)", m.Agent, m.Marker, tt.agent, tt.marker)
			}
		})
	}
}

// TestWhoMadeItComesFirst: the author's identity beats a co-author, and an
// enabled agent beats a dependency bot wherever each appears.
func TestWhoMadeItComesFirst(t *testing.T) {
	rec := NewRecognizer(Builtin())
	c := Commit{AuthorName: "Devin", AuthorEmail: "158243242+devin-ai-integration[bot]@users.noreply.github.com",
		Trailers: []string{"Co-Authored-By: Claude <noreply@anthropic.com>"}}
	if m, _ := rec.Recognize(c); m.Agent != "devin" {
		t.Errorf("author Devin, co-author Claude: got %s", m.Agent)
	}
	c = Commit{AuthorName: "dependabot[bot]", AuthorEmail: "49699333+dependabot[bot]@users.noreply.github.com",
		Trailers: []string{"Co-Authored-By: Claude <noreply@anthropic.com>"}}
	if m, _ := rec.Recognize(c); m.Agent != "claude-code" || m.Ignored {
		t.Errorf("author dependabot, co-author Claude: got %s (ignored %v)", m.Agent, m.Ignored)
	}
	c.Trailers = nil
	if m, ok := rec.Recognize(c); !ok || m.Agent != "dependabot" || !m.Ignored || m.Kind != KindBot {
		t.Errorf("dependabot alone: got %+v, %v; want it recognised and ignored", m, ok)
	}
}

func TestWith(t *testing.T) {
	yes, no := true, false
	reg, err := Builtin().With([]Override{
		{Name: "dependabot", Enabled: &yes},
		{Name: "claude-code", Enabled: &no},
		{Name: "cursor", Markers: Markers{Emails: []string{"cursor-ci@example.com"}}},
		{Name: "acme", Vendor: "Acme", Kind: KindCloud, Markers: Markers{Accounts: []string{"acme-agent[bot]"}, CoAuthors: []string{"noreply@anthropic.com"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecognizer(reg)
	tests := []struct {
		c       Commit
		agent   string
		ignored bool
	}{
		{Commit{AuthorEmail: "49699333+dependabot[bot]@users.noreply.github.com"}, "dependabot", false},
		// claude-code is off: the policy's own agent claims its address.
		{Commit{Trailers: []string{"Co-authored-by: Claude <noreply@anthropic.com>"}}, "acme", false},
		{Commit{Trailers: []string{"Claude-Session: https://claude.ai/code/session_1"}}, "claude-code", true},
		{Commit{CommitterEmail: "Cursor-CI@example.com"}, "cursor", false},
		{Commit{AuthorEmail: "cursoragent@cursor.com"}, "cursor", false},
		{Commit{AuthorEmail: "7+acme-agent[bot]@users.noreply.github.com"}, "acme", false},
	}
	for _, tt := range tests {
		m, ok := rec.Recognize(tt.c)
		if !ok || m.Agent != tt.agent || m.Ignored != tt.ignored {
			t.Errorf("%+v: got %q ignored %v (ok %v), want %q ignored %v", tt.c, m.Agent, m.Ignored, ok, tt.agent, tt.ignored)
		}
	}
	if m, _ := rec.Recognize(Commit{AuthorEmail: "7+acme-agent[bot]@users.noreply.github.com"}); m.Kind != KindCloud || m.Vendor != "Acme" {
		t.Errorf("new agent: %+v", m)
	}
	if _, err := Builtin().With([]Override{{Name: "nobody"}}); err == nil || !strings.Contains(err.Error(), "no marker") {
		t.Errorf("new agent without marker: %v", err)
	}
	if _, err := Builtin().With([]Override{{Name: "x", Markers: Markers{Emails: []string{"not an address"}}}}); err == nil {
		t.Error("bad e-mail accepted")
	}
	if _, err := Builtin().With([]Override{{Name: "aider", Enabled: &no}, {Name: "aider", Enabled: &yes}}); err == nil {
		t.Error("an agent changed twice accepted")
	}
	// With leaves its receiver alone.
	b := Builtin()
	if _, err := b.With([]Override{{Name: "cursor", Markers: Markers{Emails: []string{"x@example.com"}}}}); err != nil {
		t.Fatal(err)
	}
	if a, _ := b.Lookup("cursor"); strings.Contains(strings.Join(a.Emails, ","), "x@example.com") {
		t.Error("With changed the registry it was called on")
	}
}

func TestBuiltinIsValid(t *testing.T) {
	r := Builtin()
	if len(r.Agents) < 10 {
		t.Fatalf("registry has %d agents", len(r.Agents))
	}
	for _, a := range r.Agents {
		if a.Title == "" || a.Vendor == "" {
			t.Errorf("agent %s lacks a title or vendor", a.Name)
		}
		if a.Enabled == (a.Kind == KindBot) {
			t.Errorf("agent %s (%s) enabled=%v by default", a.Name, a.Kind, a.Enabled)
		}
		if a.Describe() == "" {
			t.Errorf("agent %s describes no marker", a.Name)
		}
	}
	if _, err := parseRegistry([]byte(`{"agents":[{"name":"x","kind":"local","emails":["x@y"],"extra":1}]}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

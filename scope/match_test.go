package scope

import (
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/google/go-cmp/cmp"
)

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		glob, path string
		ci, want   bool
	}{
		{".github/workflows/**", ".github/workflows/ci.yml", false, true},
		{".github/workflows/**", ".GitHub/Workflows/x.yml", false, false}, // doublestar alone is case-sensitive
		{".github/workflows/**", ".GitHub/Workflows/x.yml", true, true},
		{"**/Jenkinsfile", "ci/JENKINSFILE", true, true},
		{"**/*.go", "a/b/c.go", false, true},
		{"*.go", "a/b.go", false, false},
		{"[", "[", false, false}, // invalid glob matches nothing
		{`a\*b`, "a*b", false, true},
		{`a\*b`, "axb", false, false},
		{"!x", "!x", false, true}, // no exclusion semantics in MatchGlob
	}
	for _, tt := range tests {
		if got := MatchGlob(tt.glob, tt.path, tt.ci); got != tt.want {
			t.Errorf("MatchGlob(%q, %q, %v) = %v, want %v", tt.glob, tt.path, tt.ci, got, tt.want)
		}
	}
}

func TestFoldPath(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"a/b.go", "a/b.go", true},
		{"./A/B.go", "a/b.go", true},
		{"a//b/../c", "a/c", true},
		{".github./workflows /x.yml", ".github/workflows/x.yml", true}, // Windows drops trailing dots and spaces
		{"a/.../b", "a/.../b", true},
		{"", "", false},
		{"/etc/passwd", "", false},
		{"../x", "", false},
		{"a/../../x", "", false},
		{".", "", false},
	}
	for _, tt := range tests {
		got, ok := foldPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("foldPath(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestClassify(t *testing.T) {
	custom := Default()
	custom.Protected = append(custom.Protected,
		Class{Name: "billing", Action: ActionWarn, Paths: []string{"internal/billing/**", "!**/*_test.go"}},
		Class{Name: "zz-ci-docs", Action: ActionWarn, Paths: []string{".github/**"}},
	)
	sortClasses(custom.Protected)
	offCI := Default()
	offCI.Protected[0].Action = ActionOff

	tests := []struct {
		name string
		p    *Policy
		path string
		want []Match
	}{
		{"none", Default(), "main.go", nil},
		{"ci", Default(), ".github/workflows/ci.yml", []Match{{ClassCI, ActionDeclare, ".github/workflows/**"}}},
		{"case", Default(), ".GitHub/Workflows/x.yml", []Match{{ClassCI, ActionDeclare, ".github/workflows/**"}}},
		{"first glob of a class", Default(), "internal/auth/login.go", []Match{{ClassAuth, ActionDeclare, "**/auth/**"}}},
		{"exclusion", Default(), "internal/auth/README.md", nil},
		{"several classes, sorted", custom, ".github/workflows/ci.yml", []Match{
			{ClassCI, ActionDeclare, ".github/workflows/**"},
			{"zz-ci-docs", ActionWarn, ".github/**"},
		}},
		{"custom class", custom, "internal/billing/invoice.go", []Match{{"billing", ActionWarn, "internal/billing/**"}}},
		{"custom exclusion", custom, "internal/billing/invoice_test.go", nil},
		{"off", offCI, ".github/workflows/ci.yml", nil},
		{"outside the repository", Default(), "../.github/workflows/ci.yml", nil},
		{"cleaned", Default(), "x/../.github/workflows/ci.yml", []Match{{ClassCI, ActionDeclare, ".github/workflows/**"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.p.Classify(tt.path)); diff != "" {
				t.Errorf("Classify(%q) mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

// TestGateFilesAlwaysBlock: whatever a policy says, an agent never edits the
// rules or the trust that judge it.
func TestGateFilesAlwaysBlock(t *testing.T) {
	parse := func(src string) *Policy {
		t.Helper()
		p, err := Parse([]byte(src), "test.yml")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	policies := map[string]*Policy{
		"default":                              Default(),
		"agent-config off":                     parse("version: 1\nprotected:\n  agent-config: {action: off}\n"),
		"agent-config warn without gate globs": parse("version: 1\nprotected:\n  agent-config:\n    action: warn\n    paths: [\".claude/**\"]\n"),
		"agent-config declare":                 parse("version: 1\nprotected:\n  agent-config: {action: declare}\n"),
		"everything off": parse("version: 1\nprotected:\n" +
			"  ci: {action: off}\n  auth: {action: off}\n  secrets: {action: off}\n" +
			"  agent-config: {action: off}\n  governance: {action: off}\n"),
		"hand-built, no classes": {Version: 1},
	}
	gate := map[string]string{
		".agentcheck.yml":              ".agentcheck.yml",
		".AgentCheck.YML":              ".agentcheck.yml",
		".agentcheck.yml.":             ".agentcheck.yml",
		"./.agentcheck.yml":            ".agentcheck.yml",
		"docs/../.agentcheck.yml":      ".agentcheck.yml",
		".agentcheck/allowed_signers":  ".agentcheck/**",
		".agentcheck/approvers":        ".agentcheck/**",
		".AGENTCHECK/x/y":              ".agentcheck/**",
		".agentcheck":                  ".agentcheck/**", // a file replacing the directory
		".agentcheck /allowed_signers": ".agentcheck/**",
	}
	for name, p := range policies {
		for path, glob := range gate {
			want := Match{Class: ClassAgentConfig, Action: ActionBlock, Glob: glob}
			ms := p.Classify(path)
			n := 0
			for _, m := range ms {
				if m.Class == ClassAgentConfig {
					n++
					if m != want {
						t.Errorf("%s: Classify(%q) has %v, want %v", name, path, m, want)
					}
				}
			}
			if n != 1 {
				t.Errorf("%s: Classify(%q) = %v, want exactly one %v", name, path, ms, want)
			}
			if !GateFile(path) {
				t.Errorf("GateFile(%q) = false", path)
			}
		}
	}
	for _, path := range []string{"agentcheck.yml", "docs/.agentcheck.yml", "x/.agentcheck/y", ".agentcheck.yaml", "../.agentcheck.yml"} {
		if GateFile(path) {
			t.Errorf("GateFile(%q) = true", path)
		}
	}
	// The policy's own agent-config class still applies to other paths.
	if ms := policies["agent-config warn without gate globs"].Classify(".claude/settings.json"); !cmp.Equal(ms, []Match{{ClassAgentConfig, ActionWarn, ".claude/**"}}) {
		t.Errorf("Classify(.claude/settings.json) = %v", ms)
	}
	if ms := policies["agent-config off"].Classify(".claude/settings.json"); ms != nil {
		t.Errorf("Classify(.claude/settings.json) with agent-config off = %v", ms)
	}
}

func TestInScopeAlways(t *testing.T) {
	p := Default()
	p.Scope.Always = append(p.Scope.Always, "**/yarn.lock")
	for path, want := range map[string]bool{
		"go.sum": true, "GO.SUM": true, "package-lock.json": true, "web/yarn.lock": true,
		"sub/go.sum": false, "go.mod": false, "../go.sum": false, "": false,
	} {
		if got := p.InScopeAlways(path); got != want {
			t.Errorf("InScopeAlways(%q) = %v, want %v", path, got, want)
		}
	}
}

// FuzzMayMatch holds the quick test of MatchGlob to doublestar: it never
// rules out a path doublestar matches.
func FuzzMayMatch(f *testing.F) {
	for _, tc := range [][2]string{
		{"**/auth/**", "auth/x.go"}, {"**/auth/**", "src/auth/x.go"}, {".github/workflows/**", ".github/workflows/ci.yml"},
		{"**/*_auth.*", "a/b_auth.go"}, {"**/.env.*", ".env.local"}, {"a/**", "a"}, {"**/id_rsa*", "x/id_rsa.pub"},
		{"**/*[_-]auth.*", "x-auth.go"}, {"{a,b}/c", "b/c"}, {"a?c", "abc"}, {"**", ""}, {"x/**/y", "x/y"}, {"\\*", "*"},
	} {
		f.Add(tc[0], tc[1])
	}
	f.Fuzz(func(t *testing.T, glob, path string) {
		ok, err := doublestar.Match(glob, path)
		if err == nil && ok && !mayMatch(glob, path) {
			t.Fatalf("mayMatch(%q, %q) is false, but doublestar matches", glob, path)
		}
	})
}

// BenchmarkClassify classifies a changed path against the built-in policy,
// as the checker does for every path of every agent commit.
func BenchmarkClassify(b *testing.B) {
	p := Default()
	paths := []string{"internal/payments/client.go", "d0/d12/d3/f7.txt", "docs/auth/login.md", ".github/workflows/ci.yml", "src/auth/token.go", "README.md"}
	b.ReportAllocs()
	for b.Loop() {
		for _, path := range paths {
			p.Classify(path)
		}
	}
}

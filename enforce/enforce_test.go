package enforce

import (
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/agents"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

func preHook(proposed ...agents.Proposed) *agents.Hook {
	return &agents.Hook{
		Agent: agents.AgentClaude, Session: "s", Phase: agents.PhasePre,
		Repo:     agents.Repo{Root: "/work/repo", GitDir: "/work/repo/.git", CommonDir: "/work/repo/.git"},
		Proposed: proposed,
	}
}

func edit(path string) agents.Proposed {
	return agents.Proposed{Kind: journal.KindEdit, Path: path, Tool: "Edit"}
}

func policyWith(t *testing.T, yaml string) *scope.Policy {
	t.Helper()
	if yaml == "" {
		return scope.Default()
	}
	p, err := scope.Parse([]byte(yaml), "test")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheck(t *testing.T) {
	cli := func(globs ...string) []journal.ScopeDecl {
		var out []journal.ScopeDecl
		for _, g := range globs {
			out = append(out, journal.ScopeDecl{Glob: g, Source: journal.SourceCLI})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		policy   string
		scope    []journal.ScopeDecl
		proposed []agents.Proposed
		deny     bool
		findings int
		reason   string // a substring of the reason
	}{
		{name: "ordinary edit", proposed: []agents.Proposed{edit("src/main.go")}},
		{name: "block class", proposed: []agents.Proposed{edit("config/.env")}, deny: true, findings: 1, reason: "protected class secrets"},
		{name: "gate file", policy: "version: 1\nprotected:\n  agent-config: {action: off}\n", proposed: []agents.Proposed{edit(".agentcheck.yml")}, deny: true, findings: 1, reason: "agent-config"},
		{name: "declare class undeclared", proposed: []agents.Proposed{edit(".github/workflows/ci.yml")}, deny: true, findings: 1, reason: `agentcheck scope add .github/workflows/ci.yml`},
		{name: "declare class declared", scope: cli(".github/workflows/**"), proposed: []agents.Proposed{edit(".github/workflows/ci.yml")}},
		{name: "declare class through a symlink", proposed: []agents.Proposed{{Kind: journal.KindEdit, Path: "docs/ci.yml", Target: ".github/workflows/ci.yml", Tool: "Write"}}, deny: true, findings: 1, reason: "leads to .github/workflows/ci.yml"},
		{name: "move out of a declare class", proposed: []agents.Proposed{{Kind: journal.KindEdit, Path: "x.yml", From: ".github/workflows/ci.yml", Tool: "apply_patch"}}, deny: true, findings: 1},
		{name: "case-insensitive", proposed: []agents.Proposed{edit(".GitHub/Workflows/ci.yml")}, deny: true, findings: 1},
		{name: "warn class", policy: "version: 1\nprotected:\n  auth: {action: warn}\n", proposed: []agents.Proposed{edit("internal/auth/token.go")}, findings: 1},
		{name: "outside a hard scope", scope: cli("src/**"), proposed: []agents.Proposed{edit("docs/x.md")}, findings: 1, reason: "outside the scope"},
		{name: "inside a hard scope", scope: cli("src/**"), proposed: []agents.Proposed{edit("src/x.go")}},
		{name: "runtime warn", policy: "version: 1\nruntime: warn\n", proposed: []agents.Proposed{edit("config/.env")}, findings: 1},
		{name: "runtime off", policy: "version: 1\nruntime: off\n", proposed: []agents.Proposed{edit("config/.env"), {Kind: journal.KindExec, Command: "git commit -n"}}},
		{name: "git hooks", proposed: []agents.Proposed{edit(".git/hooks/pre-push")}, deny: true, findings: 1, reason: "git directory"},
		{name: "git dir case", proposed: []agents.Proposed{edit(".GIT./config")}, deny: true, findings: 1},
		{name: "journal", proposed: []agents.Proposed{{Kind: journal.KindDelete, Path: ".git/agentcheck/sessions/claude-code-s.jsonl"}}, deny: true, findings: 1},
		{name: "symlink into the git dir", proposed: []agents.Proposed{{Kind: journal.KindEdit, Path: "notes.txt", Target: ".git/hooks/post-commit"}}, deny: true, findings: 1},
		{name: "claude settings", policy: "version: 1\nprotected:\n  agent-config: {action: off}\n", proposed: []agents.Proposed{edit(".claude/settings.local.json")}, deny: true, findings: 1, reason: "hook configuration"},
		{name: "opencode plugin", policy: "version: 1\nprotected:\n  agent-config: {action: off}\n", proposed: []agents.Proposed{edit(".opencode/plugins/agentcheck.js")}, deny: true, findings: 1},
		{name: "user claude settings", proposed: []agents.Proposed{edit("/home/dev/.claude/settings.json")}, deny: true, findings: 1},
		{name: "key directory", proposed: []agents.Proposed{edit("/home/dev/.config/agentcheck/agentcheck_ed25519")}, deny: true, findings: 1, reason: "signing key"},
		{name: "ssh write", proposed: []agents.Proposed{edit("/home/dev/.ssh/authorized_keys")}, deny: true, findings: 1},
		{name: "ssh key read", proposed: []agents.Proposed{{Kind: journal.KindRead, Path: "/home/dev/.ssh/id_ed25519", Tool: "Read"}}, deny: true, findings: 1},
		{name: "ssh public key read", proposed: []agents.Proposed{{Kind: journal.KindRead, Path: "/home/dev/.ssh/id_ed25519.pub", Tool: "Read"}}},
		{name: "key read", proposed: []agents.Proposed{{Kind: journal.KindRead, Path: "/home/dev/.config/agentcheck/agentcheck_ed25519", Tool: "Read"}}, deny: true, findings: 1},
		{name: "outside the repository", proposed: []agents.Proposed{edit("/tmp/scratch.txt")}},
		{name: "tampering command", proposed: []agents.Proposed{{Kind: journal.KindExec, Command: "git push --no-verify", Tool: "Bash"}}, deny: true, findings: 1, reason: "Bash command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := policyWith(t, tc.policy)
			v, err := Check(Request{
				Hook:   preHook(tc.proposed...),
				Env:    testEnv,
				Policy: func() *scope.Policy { return pol },
				Scope:  func() ([]journal.ScopeDecl, error) { return tc.scope, nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			if v.Deny() != tc.deny || len(v.Findings) != tc.findings {
				t.Fatalf("deny = %v with %d findings, want %v with %d: %+v", v.Deny(), len(v.Findings), tc.deny, tc.findings, v.Findings)
			}
			if !strings.Contains(v.Reason(), tc.reason) {
				t.Errorf("reason %q does not say %q", v.Reason(), tc.reason)
			}
		})
	}
}

// Reads, fetches and MCP calls need neither the policy nor the journal.
func TestCheckIsLazy(t *testing.T) {
	h := preHook(
		agents.Proposed{Kind: journal.KindRead, Path: "src/main.go"},
		agents.Proposed{Kind: journal.KindFetch, URL: "https://example.com"},
		agents.Proposed{Kind: journal.KindMCP, Server: "github", Tool: "get_issue"},
		agents.Proposed{Kind: journal.KindExec, Command: "go test ./..."},
	)
	v, err := Check(Request{
		Hook: h, Env: testEnv,
		Policy: func() *scope.Policy { t.Error("policy read"); return nil },
		Scope:  func() ([]journal.ScopeDecl, error) { t.Error("scope read"); return nil, nil },
	})
	if err != nil || len(v.Findings) != 0 {
		t.Errorf("Check = %+v, %v", v, err)
	}
}

// Only pre-tool events are judged.
func TestCheckIgnoresPostEvents(t *testing.T) {
	h := preHook(edit(".git/hooks/pre-push"))
	h.Phase = agents.PhasePost
	if v, _ := Check(Request{Hook: h, Env: testEnv}); len(v.Findings) != 0 {
		t.Errorf("a post-tool event was judged: %+v", v)
	}
}

package check

import (
	"slices"
	"testing"
)

func TestLinks(t *testing.T) {
	l := NewLinks(map[string]string{
		"CLAUDE.md":           "docs/agent.md",
		".claude":             "x",
		"AGENTS.md":           "CLAUDE.md", // a chain
		"docs/shared":         "../shared/docs",
		".cursor/rules/go.md": "../../docs/shared/go.md", // through a directory link
		"loop/a":              "b",
		"loop/b":              "a",
		"out":                 "../elsewhere",
		"abs":                 "/etc/passwd",
		".codex":              ".", // the root
	})
	for p, want := range map[string]string{
		"CLAUDE.md":             "docs/agent.md",
		"AGENTS.md":             "docs/agent.md",
		".claude/settings.json": "x/settings.json",
		".cursor/rules/go.md":   "shared/docs/go.md",
		"docs/shared/go.md":     "shared/docs/go.md",
		"loop/a":                "",
		"out":                   "",
		"abs":                   "",
		".codex/hooks.json":     "hooks.json",
		"src/main.go":           "src/main.go",
	} {
		if got := l.Resolve(p); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", p, got, want)
		}
	}
	for p, want := range map[string][]string{
		"docs/agent.md":     {"AGENTS.md", "CLAUDE.md", ".codex/docs/agent.md"},
		"x/settings.json":   {".claude/settings.json", ".codex/x/settings.json"},
		"shared/docs/go.md": {".codex/shared/docs/go.md", ".cursor/rules/go.md", "docs/shared/go.md"},
		"src/main.go":       {".codex/src/main.go"},
	} {
		got := l.Aliases(p)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Aliases(%q) = %q, want %q", p, got, want)
		}
	}
	if got := NewLinks(map[string]string{"a": "b"}).Aliases("c"); got != nil {
		t.Errorf("Aliases of an unlinked path = %q", got)
	}
	var none *Links
	if none.Resolve("a/b") != "a/b" || none.Aliases("a") != nil {
		t.Error("nil Links is not the empty tree")
	}
}

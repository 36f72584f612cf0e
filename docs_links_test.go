package agentcheck_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/agentcheck/agentcheck/check"
	"github.com/agentcheck/agentcheck/report"
)

// markdownLink matches the target of an inline Markdown link or image.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// documents returns README.md, SECURITY.md and docs/*.md.
func documents(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append(docs, "README.md", "SECURITY.md")
}

// TestDocLinks checks that every relative link in README.md, SECURITY.md
// and docs/*.md names a file or directory of the repository, and that a
// link to a heading of a Markdown file (#anchor) names one that file has:
// a reader who follows a link from the documentation must not land on
// nothing, and moving a section must not silently break the links to it.
func TestDocLinks(t *testing.T) {
	anchors := map[string]map[string]bool{}
	anchorsOf := func(path string) map[string]bool {
		if a, ok := anchors[path]; ok {
			return a
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		anchors[path] = markdownAnchors(string(data))
		return anchors[path]
	}
	for _, doc := range documents(t) {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range markdownLink.FindAllStringSubmatch(string(data), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, fragment, _ := strings.Cut(target, "#")
			path := doc
			if file != "" {
				path = filepath.Join(filepath.Dir(doc), filepath.FromSlash(file))
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s: link to %s: %v", doc, target, err)
					continue
				}
			}
			if fragment == "" || !strings.HasSuffix(path, ".md") {
				continue
			}
			if !anchorsOf(path)[fragment] {
				t.Errorf("%s: link to %s: %s has no heading or anchor %q", doc, target, path, fragment)
			}
		}
	}
}

// TestDocsHaveContents checks that every long page of docs/ links to each
// of its own sections near the top, so that a reader sees what is there
// without scrolling through it, and that README.md stays short.
func TestDocsHaveContents(t *testing.T) {
	const longDoc = 120 // lines
	for _, doc := range documents(t) {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		lines := strings.Count(text, "\n")
		if doc == "README.md" {
			if lines > 250 {
				t.Errorf("README.md has %d lines; keep it at 250 or fewer and move reference to docs/", lines)
			}
			continue
		}
		if lines <= longDoc {
			continue
		}
		for _, h := range sectionHeadings(text) {
			if !strings.Contains(text, "](#"+h+")") {
				t.Errorf("%s (%d lines): its contents do not link to section #%s", doc, lines, h)
			}
		}
	}
}

func TestGitHubSlug(t *testing.T) {
	for in, want := range map[string]string{
		"AC004 protected-path":                            "ac004-protected-path",
		"`pull_request` or `pull_request_target`":         "pull_request-or-pull_request_target",
		"Trying it out: warn mode":                        "trying-it-out-warn-mode",
		"Before turning the gate on: `agentcheck census`": "before-turning-the-gate-on-agentcheck-census",
		"Prompts that are not the human's":                "prompts-that-are-not-the-humans",
		"Rate limits, server errors and `api-timeout`":    "rate-limits-server-errors-and-api-timeout",
		"Server-side gate (pre-receive)":                  "server-side-gate-pre-receive",
		"The [GitHub](https://github.com) gate":           "the-github-gate",
	} {
		if got := githubSlug(in); got != want {
			t.Errorf("githubSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

var (
	headingLine = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	htmlAnchor  = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)
	inlineLink  = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// markdownAnchors returns the anchors GitHub gives the headings of a
// Markdown document (outside fenced code), and explicit <a id> anchors.
func markdownAnchors(md string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, h := range headings(md) {
		slug := githubSlug(h.text)
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	for _, m := range htmlAnchor.FindAllStringSubmatch(md, -1) {
		out[m[1]] = true
	}
	return out
}

// sectionHeadings returns the anchors of a document's level-2 headings.
func sectionHeadings(md string) []string {
	var out []string
	for _, h := range headings(md) {
		if h.level == 2 {
			out = append(out, githubSlug(h.text))
		}
	}
	return out
}

type heading struct {
	level int
	text  string
}

func headings(md string) []heading {
	var out []heading
	inFence := false
	for line := range strings.Lines(md) {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := headingLine.FindStringSubmatch(line); m != nil {
			out = append(out, heading{level: len(m[1]), text: m[2]})
		}
	}
	return out
}

// githubSlug is the anchor GitHub gives a heading: the rendered text, lower
// case, without punctuation other than '-' and '_', spaces made '-'.
func githubSlug(text string) string {
	text = inlineLink.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestRulesDocumented checks that docs/rules.md has a section for every
// rule, with the anchor the SARIF helpUri of the rule points at, and that
// README's table of rules names each one: a new rule is not done until a
// reader following its link from code scanning finds it explained.
func TestRulesDocumented(t *testing.T) {
	if !strings.HasSuffix(report.DefaultRulesURI, "/docs/rules.md") {
		t.Fatalf("report.DefaultRulesURI = %q, not docs/rules.md", report.DefaultRulesURI)
	}
	data, err := os.ReadFile(filepath.Join("docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := markdownAnchors(string(data))
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range check.Rules() {
		anchor := strings.ToLower(r.ID + "-" + r.Name)
		if !anchors[anchor] {
			t.Errorf("docs/rules.md has no section %q (## %s %s) for the SARIF helpUri", anchor, r.ID, r.Name)
		}
		if !strings.Contains(string(readme), "(docs/rules.md#"+anchor+")") {
			t.Errorf("README.md's table of rules does not link to docs/rules.md#%s", anchor)
		}
	}
}

package scope

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// fakeRepo resolves mentions the way the hook's resolver does: relative to
// the repository root /repo, absolute paths inside it accepted.
type fakeRepo struct {
	files map[string]bool // path → isDir
	calls int
}

func newFakeRepo(paths ...string) *fakeRepo {
	r := &fakeRepo{files: map[string]bool{"": true}}
	for _, p := range paths {
		isDir := strings.HasSuffix(p, "/")
		p = strings.TrimSuffix(p, "/")
		r.files[p] = isDir
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			r.files[d] = true
		}
	}
	return r
}

func (r *fakeRepo) resolve(mention string) (string, bool, bool) {
	r.calls++
	if rest, ok := strings.CutPrefix(mention, "/repo/"); ok {
		mention = rest
	} else if strings.HasPrefix(mention, "/") {
		return "", false, false
	}
	rel := path.Clean(mention)
	if rel == "." {
		rel = ""
	}
	if strings.HasPrefix(rel, "../") || rel == ".." {
		return "", false, false
	}
	isDir, ok := r.files[rel]
	return rel, isDir, ok
}

func dir(g string) journal.ScopeDecl {
	return journal.ScopeDecl{Glob: g, Source: journal.SourceDirective}
}
func ment(g string) journal.ScopeDecl {
	return journal.ScopeDecl{Glob: g, Source: journal.SourceMention}
}

func TestFromPrompt(t *testing.T) {
	repo := newFakeRepo(
		"internal/auth/login.go", "internal/auth/login_test.go", "internal/payments/refund.go",
		"docs/payments.md", "foo.go", "x", "README", "my dir/file name.go", "weird[1]*.go",
		`back\slash.go`, ".github/workflows/ci.yml", "node_modules/@types/node/index.d.ts",
		"pkg/a,b.go", "empty/",
	)
	tests := []struct {
		name, prompt string
		want         []journal.ScopeDecl
	}{
		{"directive", "scope: internal/payments/** docs/payments.md",
			[]journal.ScopeDecl{dir("internal/payments/**"), dir("docs/payments.md")}},
		{"directive, any case, indented, commas", "  Scope: internal/payments/**, docs/payments.md,",
			[]journal.ScopeDecl{dir("internal/payments/**"), dir("docs/payments.md")}},
		{"directive keeps commas inside braces", "SCOPE: internal/{payments,billing}/** docs/[ab].md",
			[]journal.ScopeDecl{dir("internal/{payments,billing}/**"), dir("docs/[ab].md")}},
		{"directive normalizes", "scope: ./internal//payments/ ./docs/./payments.md @internal/auth",
			[]journal.ScopeDecl{dir("internal/payments/**"), dir("docs/payments.md"), dir("internal/auth/**")}},
		{"directive: a plain directory gets /**", "scope: internal/payments",
			[]journal.ScopeDecl{dir("internal/payments/**")}},
		{"directive: new files need not exist", "scope: internal/newpkg/** cmd/new.go",
			[]journal.ScopeDecl{dir("internal/newpkg/**"), dir("cmd/new.go")}},
		{"directive: existing plain name", "scope: README",
			[]journal.ScopeDecl{dir("README")}},
		{"directive: quoted", `scope: "my dir/**" x`,
			[]journal.ScopeDecl{dir("my dir/**"), dir("x")}},
		{"directive drops absolute, escaping and invalid globs", `scope: /etc/** ../x/** a/../../b C:\x ~/x a/[b {a,b docs/payments.md \/x {..,a}/b a/\.\./b`,
			[]journal.ScopeDecl{dir("docs/payments.md")}},
		{"directive: the whole repository, said in so many words", "scope: .",
			[]journal.ScopeDecl{dir("**")}},
		{"prose after scope: is not a directive", "Scope: this is about payments, see @docs/payments.md",
			[]journal.ScopeDecl{ment("docs/payments.md")}},
		{"scope: mid-line is not a directive", "the scope: internal/payments/** is wrong",
			nil},
		{"empty directive", "scope:", nil},
		{"not scope", "scoped: a/**\nscopes: b/**", nil},
		{"mention of a file", "fix the bug in @internal/auth/login.go please",
			[]journal.ScopeDecl{ment("internal/auth/login.go")}},
		{"mention of a directory", "look at @internal/auth and @internal/payments/",
			[]journal.ScopeDecl{ment("internal/auth/**"), ment("internal/payments/**")}},
		{"mention with ./ and absolute inside the repository", "@./foo.go and @/repo/docs/payments.md",
			[]journal.ScopeDecl{ment("foo.go"), ment("docs/payments.md")}},
		{"mention outside the repository", "@/etc/passwd @../x", nil},
		{"quoted mention", `see @"my dir/file name.go" now`,
			[]journal.ScopeDecl{ment("my dir/file name.go")}},
		{"unterminated quote", `see @"my dir/file name.go`, nil},
		{"trailing punctuation", "update @internal/auth/login_test.go, then (@foo.go). Also @docs/payments.md.",
			[]journal.ScopeDecl{ment("internal/auth/login_test.go"), ment("foo.go"), ment("docs/payments.md")}},
		{"markdown", "**@foo.go** and `@x` and [@README](README) and '@docs/payments.md'",
			[]journal.ScopeDecl{ment("foo.go"), ment("x"), ment("README"), ment("docs/payments.md")}},
		{"line locations", "@foo.go#L10-20 @internal/auth/login.go:42 @x:3:7",
			[]journal.ScopeDecl{ment("foo.go"), ment("internal/auth/login.go"), ment("x")}},
		{"comma-joined mentions", "@foo.go,@x",
			[]journal.ScopeDecl{ment("foo.go"), ment("x")}},
		{"a comma inside a real name wins", "@pkg/a,b.go",
			[]journal.ScopeDecl{ment("pkg/a,b.go")}},
		{"glob metacharacters are escaped", `@weird[1]*.go @back\slash.go`,
			[]journal.ScopeDecl{ment(`weird\[1\]\*.go`), ment(`back\\slash.go`)}},
		{"emails, words, decorators and handles", "mail me@example.com, a@foo.go, @Override @alice @example.com node_modules/@types/node",
			nil},
		{"the repository root is not a mention", "@. @./ @/repo", nil},
		{"empty directory", "@empty", []journal.ScopeDecl{ment("empty/**")}},
		{"mentions inside a code fence count", "```\n@foo.go\n```",
			[]journal.ScopeDecl{ment("foo.go")}},
		{"dedup, order of appearance", "@foo.go\nscope: foo.go internal/auth/**\n@foo.go @internal/auth\nscope: foo.go",
			[]journal.ScopeDecl{ment("foo.go"), dir("foo.go"), dir("internal/auth/**"), ment("internal/auth/**")}},
		{"CRLF", "scope: docs/payments.md\r\n@foo.go\r\n",
			[]journal.ScopeDecl{dir("docs/payments.md"), ment("foo.go")}},
		{"protected paths are declared like any other", "@.github/workflows/ci.yml\nscope: .github/workflows/**",
			[]journal.ScopeDecl{ment(".github/workflows/ci.yml"), dir(".github/workflows/**")}},
		{"lone at signs", "@ @@ @\t@", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromPrompt(tt.prompt, repo.resolve)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FromPrompt(%q) mismatch (-want +got):\n%s", tt.prompt, diff)
			}
		})
	}
}

func TestFromPromptNilResolver(t *testing.T) {
	got := FromPrompt("scope: internal/payments/** docs/x.md\nfix @foo.go", nil)
	want := []journal.ScopeDecl{dir("internal/payments/**"), dir("docs/x.md")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestFromPromptBoundsResolves: punctuation cannot turn one mention into an
// unbounded number of file system look-ups.
func TestFromPromptBoundsResolves(t *testing.T) {
	repo := newFakeRepo("foo.go")
	FromPrompt("@nothing"+strings.Repeat(".", 10000), repo.resolve)
	if repo.calls > maxTries {
		t.Errorf("%d resolves for one mention, want at most %d", repo.calls, maxTries)
	}
}

// TestFromPromptDistrustsResolver: whatever the caller's resolver answers,
// nothing absolute or outside the repository becomes a declaration.
func TestFromPromptDistrustsResolver(t *testing.T) {
	for _, rel := range []string{"/etc/passwd", "../x", "a/../../x", "C:/x", "a\x00b", "\xff"} {
		bad := func(string) (string, bool, bool) { return rel, false, true }
		if got := FromPrompt("@x", bad); len(got) != 0 {
			t.Errorf("resolver answering %q gave %v", rel, got)
		}
	}
}

func TestInScopeDeclared(t *testing.T) {
	decls := []journal.ScopeDecl{
		dir("internal/payments/**"),
		ment("docs/payments.md"),
		ment(".github/workflows/ci.yml"),
		dir(`weird\[1\].go`),
	}
	tests := []struct {
		path string
		want []journal.ScopeDecl
	}{
		{"internal/payments/refund.go", decls[:1]},
		{"Internal/Payments/Refund.go", decls[:1]}, // case-insensitive, like protected matching
		{"docs/payments.md", decls[1:2]},
		{"docs/PAYMENTS.md", decls[1:2]},
		{".github/workflows/ci.yml", decls[2:3]},
		{".github/workflows/release.yml", nil}, // a mention declares exactly its path
		{"weird[1].go", decls[3:4]},
		{"weird1.go", nil},
		{"internal/auth/login.go", nil},
		{"../internal/payments/x.go", nil},
		{"internal/payments/../../etc/x", nil},
	}
	for _, tt := range tests {
		got := InScope(decls, tt.path)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("InScope(%q) mismatch (-want +got):\n%s", tt.path, diff)
		}
		if Declared(decls, tt.path) != (len(tt.want) > 0) {
			t.Errorf("Declared(%q) = %v", tt.path, !(len(tt.want) > 0))
		}
	}
	if Declared(nil, "x") || InScope(nil, "x") != nil {
		t.Error("no declarations declare something")
	}
}

func TestHasHard(t *testing.T) {
	cli := journal.ScopeDecl{Glob: "a/**", Source: journal.SourceCLI}
	for _, tt := range []struct {
		decls []journal.ScopeDecl
		want  bool
	}{
		{nil, false},
		{[]journal.ScopeDecl{ment("a")}, false},
		{[]journal.ScopeDecl{ment("a"), dir("b/**")}, true},
		{[]journal.ScopeDecl{cli}, true},
	} {
		if got := HasHard(tt.decls); got != tt.want {
			t.Errorf("HasHard(%v) = %v, want %v", tt.decls, got, tt.want)
		}
	}
}

// FuzzFromPrompt: no panics; every glob is valid, relative and stays inside
// the repository; the output is deterministic and free of duplicates.
func FuzzFromPrompt(f *testing.F) {
	f.Add("scope: internal/payments/** docs/payments.md\nfix @internal/auth/login.go, and (@foo.go).")
	f.Add(`scope: "my dir/**", {a,b}/c [x]y ./z/ ../w /abs C:\x`)
	f.Add(`@"my dir/file name.go" @weird[1]*.go me@example.com @./x @/repo/foo.go @foo.go#L1-2 @x:3`)
	f.Add("```\n@foo.go\n```\nScope: this is prose")
	f.Add("@\xff @a\x00b scope: \xff/**")
	repo := newFakeRepo("internal/auth/login.go", "foo.go", "x", "my dir/file name.go", "weird[1]*.go", "a{b", `c\d`)
	// Also a resolver that says yes to anything, the way a lenient caller
	// might, so that odd names reach the escaping and checks.
	lenient := func(m string) (string, bool, bool) {
		return strings.TrimPrefix(m, "./"), strings.HasSuffix(m, "/"), true
	}
	f.Fuzz(func(t *testing.T, prompt string) {
		for _, resolve := range []Resolver{repo.resolve, lenient, nil} {
			got := FromPrompt(prompt, resolve)
			seen := make(map[journal.ScopeDecl]bool)
			for _, d := range got {
				if seen[d] {
					t.Fatalf("duplicate %v in %v", d, got)
				}
				seen[d] = true
				if d.Source != journal.SourceDirective && d.Source != journal.SourceMention {
					t.Fatalf("source %q", d.Source)
				}
				g := d.Glob
				if g == "" || !doublestar.ValidatePattern(g) {
					t.Fatalf("invalid glob %q from %q", g, prompt)
				}
				// In a glob "\" escapes: "\*0" is a file named "*0" and
				// "C:\*" one named "C:*". Only "\/" and "C:/" are roots.
				rooted := strings.HasPrefix(g, "/") || strings.HasPrefix(g, `\/`) || driveLetter(g) && g[2] == '/'
				if rooted || escapes(g) {
					t.Fatalf("glob %q from %q is absolute or escapes the repository", g, prompt)
				}
				if hasControl(g) || !utf8.ValidString(g) {
					t.Fatalf("glob %q has control characters or invalid UTF-8", g)
				}
			}
			if again := FromPrompt(prompt, resolve); !cmp.Equal(got, again) {
				t.Fatalf("not deterministic: %v then %v", got, again)
			}
		}
	})
}

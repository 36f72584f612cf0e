package git

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// configCases are config files and what git makes of them: the settings
// `git config --list` prints ("name=value", or "name" for a bare key), or
// the line of "bad config line N". TestParseConfigGit checks them against
// git itself.
var configCases = []struct {
	name    string
	in      string
	want    []string
	badLine int // 0: the file parses
	// before245 is what git before 2.45 lists instead of want: it turned
	// each unquoted blank inside a value into a space.
	before245 []string
}{
	{"basic", "[core]\n\tbare = false\n\tRepositoryFormatVersion = 0\n", []string{"core.bare=false", "core.repositoryformatversion=0"}, 0, nil},
	{"subsection keeps its case", "[Remote \"Origin\"]\n\tURL = x\n", []string{"remote.Origin.url=x"}, 0, nil},
	{"subsection escapes", "[a \"q\\\"b\\\\c\\d\"]\nk=1\n", []string{"a.q\"b\\cd.k=1"}, 0, nil},
	{"subsection with dots, slashes, spaces", "[branch \"fix/a.b c\"]\n\tmerge = refs/heads/x\n", []string{"branch.fix/a.b c.merge=refs/heads/x"}, 0, nil},
	{"subsection of blanks", "[a \"  \"]\nk=1\n", []string{"a.  .k=1"}, 0, nil},
	{"empty subsection", "[a \"\"]\nk\n", []string{"a..k"}, 0, nil},
	{"deprecated subsection is lower-cased", "[Branch.Main]\n\tRemote = o\n", []string{"branch.main.remote=o"}, 0, nil},
	{"deprecated subsection with dots", "[a.B.c]\nk=1\n", []string{"a.b.c.k=1"}, 0, nil},
	{"both forms at once", "[a.B \"C\"]\nk=1\n", []string{"a.b.C.k=1"}, 0, nil},
	{"empty section name with a subsection", "[ \"x\"]\nk\n[.y]\nk\n", []string{".x.k", ".y.k"}, 0, nil},
	{"blanks between section and subsection", "[a \t \"s\"]\nk=1\n", []string{"a.s.k=1"}, 0, nil},
	{"bare keys and empty values", "[core]\n\tbare\n\tk =\n\tj = \"\"\n\tl=   \n", []string{"core.bare", "core.k=", "core.j=", "core.l="}, 0, nil},
	{"bare key at the end of the file", "[a]\nk", []string{"a.k"}, 0, nil},
	{"quotes", "[a]\nk = \"  x  \" y \"z;#\"  \n", []string{"a.k=  x   y z;#"}, 0, nil},
	{"escapes", "[a]\nk = a\\tb\\\\n\\\"c\\bd\\ne\n", []string{"a.k=a\tb\\n\"c\bd\ne"}, 0, nil},
	{"escapes in quotes", "[a]\nk = \"\\t\\\"\\\\\"\n", []string{"a.k=\t\"\\"}, 0, nil},
	{"continuation", "[a]\nk = a\\\n  b\\\n\nj = 1\n", []string{"a.k=a  b", "a.j=1"}, 0, nil},
	{"continuation in quotes", "[a]\nk = \"a\\\nb\"\n", []string{"a.k=ab"}, 0, nil},
	{"continuation at the end of the file", "[a]\nk = a\\", []string{"a.k=a"}, 0, nil},
	{"comments", "# c\n; c\n[a] ; c\nk = v # c\nj = \"v # not\" ; c\nl = x;y\n", []string{"a.k=v", "a.j=v # not", "a.l=x"}, 0, nil},
	{"blanks trimmed at the ends, kept inside", "[a]\nk =  a  b \t \n", []string{"a.k=a  b"}, 0, nil},
	{"quoted blanks kept at the ends", "[a]\nk = \" a \"  \n", []string{"a.k= a "}, 0, nil},
	{"duplicate keys and sections", "[a]\nk=1\n[A]\nk=2\nK=3\n", []string{"a.k=1", "a.k=2", "a.k=3"}, 0, nil},
	{"CRLF line ends", "[a]\r\nk = v \r\nj = w\\\r\n x\r\n[b \"s\"]\r\nl\r\n", []string{"a.k=v", "a.j=w x", "b.s.l"}, 0, nil},
	{"a lone CR is a blank", "[a]\nk = a\rb\r\n\rj=1\n", []string{"a.k=a\rb", "a.j=1"}, 0, []string{"a.k=a b", "a.j=1"}},
	{"inner tabs kept", "[a]\nk = a\t\tb \t\n", []string{"a.k=a\t\tb"}, 0, []string{"a.k=a  b"}},
	{"byte order mark", "\xef\xbb\xbf[a]\nk=v\n", []string{"a.k=v"}, 0, nil},
	{"header and key on one line", "[a] k = v\n[b]j\n", []string{"a.k=v", "b.j"}, 0, nil},
	{"no newline at the end", "[a]\nk = v", []string{"a.k=v"}, 0, nil},
	{"includes are settings like any other", "[include]\n\tpath = /etc/x\n[includeIf \"gitdir:/\"]\n\tpath = y\n", []string{"include.path=/etc/x", "includeif.gitdir:/.path=y"}, 0, nil},
	{"a key before any section", "k = v\n[a]\nj\n", []string{"k=v", "a.j"}, 0, nil},
	{"keys with digits and dashes", "[a-1]\nk-1 = v\nK2=w\n", []string{"a-1.k-1=v", "a-1.k2=w"}, 0, nil},
	{"UTF-8", "[a \"é\"]\nk = ü \"ß\"\n", []string{"a.é.k=ü ß"}, 0, nil},
	{"empty file", "", nil, 0, nil},
	{"only comments and blanks", "\n  # x\n\t\n; y", nil, 0, nil},

	{"a comment after a bare key", "[a]\nkey # c\n", nil, 2, nil},
	{"unterminated quote", "[a]\nk = \"x\ny\"\n", nil, 2, nil},
	{"unknown escape", "[a]\nb=1\n\n\nk = \\q\n", nil, 5, nil},
	{"unterminated header at the end", "[abc", nil, 2, nil},
	{"unterminated subsection header", "[a \"b\"\n", nil, 2, nil},
	{"newline in a subsection", "[a \"b\nc\"]\n", nil, 1, nil},
	{"escaped newline in a subsection", "[a \"b\\\nc\"]\n", nil, 1, nil},
	{"empty section", "[]\n", nil, 1, nil},
	{"key starting with a digit", "[a]\n1k = v\n", nil, 2, nil},
	{"dot in a key", "[a]\nk.x = v\n", nil, 2, nil},
	{"part of a byte order mark", "\xef\xbb[a]\n", nil, 1, nil},
	{"byte order mark not at the start", "[a]\n\xef\xbb\xbfk=1\n", nil, 2, nil},
	{"CR after a key", "[a]\nk\r=1\n", nil, 2, nil},
	{"vertical tab is not a blank", "[a]\n\vk=1\n", nil, 2, nil},
	{"unquoted subsection", "[a b]\n", nil, 1, nil},
	{"blank before the closing bracket", "[a \"b\" ]\n", nil, 1, nil},
	{"quote left open at the end", "[a]\nk = \"abc\\", nil, 3, nil},
	{"stray bracket", "[a]k=1\n[a]]\n", nil, 2, nil},
	{"slash in a section name", "[a.b/c]\n", nil, 1, nil},
	{"blank after the bracket", "[ a]\n", nil, 1, nil},
}

// listEntries formats entries as `git config --list` prints them.
func listEntries(entries []configEntry) []string {
	var out []string
	for _, e := range entries {
		name := e.key
		switch {
		case e.hasSub:
			name = e.section + "." + e.subsection + "." + e.key
		case e.section != "":
			name = e.section + "." + e.key
		}
		if !e.bare {
			name += "=" + e.value
		}
		out = append(out, name)
	}
	return out
}

var badLineRE = regexp.MustCompile(`^bad config line (\d+) in file `)

// badLine returns the line an error from parseConfig names, or 0.
func badLine(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	m := badLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q does not name a line", err)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestParseConfig(t *testing.T) {
	for _, tc := range configCases {
		t.Run(tc.name, func(t *testing.T) {
			entries, err := parseConfig([]byte(tc.in), "test.cfg")
			if got := badLine(t, err); got != tc.badLine {
				t.Fatalf("error %v, want bad line %d", err, tc.badLine)
			}
			if err != nil && !strings.Contains(err.Error(), "in file test.cfg") {
				t.Errorf("error %q does not name the file", err)
			}
			if tc.badLine != 0 {
				return
			}
			if got := listEntries(entries); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// boolCases are boolean values and what git makes of them: true, false,
// or "bad" where git refuses the value.
var boolCases = []struct{ in, want string }{
	{"true", "true"}, {"YES", "true"}, {"On", "true"}, {"false", "false"}, {"No", "false"},
	{"OFF", "false"}, {"", "false"}, {"1", "true"}, {"0", "false"}, {"2", "true"}, {"-1", "true"},
	{"+3", "true"}, {"0x10", "true"}, {"0x0", "false"}, {"010", "true"}, {"00", "false"},
	{"1k", "true"}, {"0k", "false"}, {"2M", "true"}, {"1g", "true"}, {"  5", "true"}, {" 0", "false"},
	{"maybe", "bad"}, {"1x", "bad"}, {"0b1", "bad"}, {"0o7", "bad"}, {"1_0", "bad"}, {"08", "bad"},
	{"0x", "bad"}, {" ", "bad"}, {"k", "bad"}, {"1kk", "bad"}, {"truee", "bad"},
	{"99999999999999999999", "bad"}, {"9223372036854775807k", "bad"},
}

func TestParseConfigBool(t *testing.T) {
	for _, tc := range boolCases {
		got, err := parseConfigBool(tc.in)
		switch {
		case tc.want == "bad" && err == nil:
			t.Errorf("parseConfigBool(%q) = %v, want an error", tc.in, got)
		case tc.want != "bad" && (err != nil || strconv.FormatBool(got) != tc.want):
			t.Errorf("parseConfigBool(%q) = %v, %v, want %s", tc.in, got, err, tc.want)
		}
	}
}

// TestParseConfigBoolGit checks boolCases against `git config --type=bool`.
func TestParseConfigBoolGit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bool.cfg")
	var cfg strings.Builder
	cfg.WriteString("[b]\n")
	for i, tc := range boolCases {
		fmt.Fprintf(&cfg, "\tk%d = \"%s\"\n", i, tc.in)
	}
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, tc := range boolCases {
		cmd := exec.Command("git", "config", "--file", path, "--type=bool", "--get", fmt.Sprintf("b.k%d", i))
		cmd.Env = gitEnv()
		out, err := cmd.Output()
		got := strings.TrimSpace(string(out))
		if err != nil {
			got = "bad"
		}
		if got != tc.want {
			t.Errorf("git reads %q as %s, the case says %s", tc.in, got, tc.want)
		}
	}
}

// TestParseConfigGit checks configCases against `git config --list`.
func TestParseConfigGit(t *testing.T) {
	dir := t.TempDir()
	gitLine := regexp.MustCompile(`bad config line (\d+) in file`)
	var major, minor int
	fmt.Sscanf(runGit(t, dir, nil, "version"), "git version %d.%d", &major, &minor)
	before245 := major < 2 || major == 2 && minor < 45
	for i, tc := range configCases {
		path := filepath.Join(dir, fmt.Sprintf("%d.cfg", i))
		if err := os.WriteFile(path, []byte(tc.in), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "config", "--file", path, "--list", "-z")
		cmd.Env = gitEnv()
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		if runErr != nil {
			m := gitLine.FindStringSubmatch(stderr.String())
			if m == nil {
				t.Errorf("%s: git config: %v\n%s", tc.name, runErr, stderr.String())
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n != tc.badLine {
				t.Errorf("%s: git refuses line %s, the case says %d", tc.name, m[1], tc.badLine)
			}
			continue
		}
		if tc.badLine != 0 {
			t.Errorf("%s: git reads it, the case says bad line %d", tc.name, tc.badLine)
			continue
		}
		// -z: "name\nvalue\0" for each setting, "name\0" for a bare key.
		var got []string
		for rec := range strings.SplitSeq(strings.TrimSuffix(stdout.String(), "\x00"), "\x00") {
			if rec == "" && stdout.Len() == 0 {
				continue
			}
			name, value, ok := strings.Cut(rec, "\n")
			if ok {
				name += "=" + value
			}
			got = append(got, name)
		}
		want := tc.want
		if before245 && tc.before245 != nil {
			want = tc.before245
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: git lists %q\nthe case says %q", tc.name, got, want)
		}
	}
}

func TestConfigGet(t *testing.T) {
	entries, err := parseConfig([]byte(`
[core]
	bare
	hooksPath = first
[Core]
	HooksPath = second
[remote "Origin"]
	fetch = +refs/heads/*:refs/remotes/origin/*
	fetch = ^refs/heads/tmp
[remote "origin"]
	fetch = lower
[extensions]
	worktreeConfig = yes
	flag = false
[a ""]
	k = sub
`), "test.cfg")
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{entries: entries}
	if got := c.Get("CORE", "", "hookspath"); got != "second" {
		t.Errorf("core.hooksPath = %q, want the last value", got)
	}
	if got := c.GetAll("remote", "Origin", "FETCH"); !slices.Equal(got, []string{"+refs/heads/*:refs/remotes/origin/*", "^refs/heads/tmp"}) {
		t.Errorf("remote.Origin.fetch = %q", got)
	}
	if got := c.GetAll("remote", "ORIGIN", "fetch"); got != nil {
		t.Errorf("subsections matched without regard to case: %q", got)
	}
	if got := c.Get("core", "", "bare"); got != "" {
		t.Errorf("bare key: Get = %q, want \"\"", got)
	}
	for _, b := range []struct {
		section, key string
		want         bool
	}{{"core", "bare", true}, {"extensions", "worktreeconfig", true}, {"extensions", "flag", false}, {"extensions", "unset", false}} {
		if got, err := c.Bool(b.section, "", b.key); got != b.want || err != nil {
			t.Errorf("Bool(%s.%s) = %v, %v, want %v", b.section, b.key, got, err, b.want)
		}
	}
	if got := c.Get("a", "", "k"); got != "" {
		t.Errorf(`[a ""] read as [a]: %q`, got)
	}
	for _, empty := range []*Config{nil, {}} {
		if bare, err := empty.Bool("core", "", "bare"); empty.Get("core", "", "bare") != "" || empty.GetAll("core", "", "bare") != nil || bare || err != nil {
			t.Errorf("%#v is not empty", empty)
		}
	}
}

// TestReadConfigBad: a config file git refuses is an error naming it and
// the line, and so is one the worktree's config.worktree.
func TestReadConfigBad(t *testing.T) {
	dir := t.TempDir()
	common, gitDir := filepath.Join(dir, "common"), filepath.Join(dir, "wt")
	writeFile(t, filepath.Join(common, "config"), "[extensions]\n\tworktreeConfig\n")
	writeFile(t, filepath.Join(gitDir, "config.worktree"), "[core]\n\tbare = \"x\n")
	_, err := ReadConfig(common, gitDir)
	if want := "bad config line 2 in file " + filepath.Join(gitDir, "config.worktree"); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	writeFile(t, filepath.Join(gitDir, "config.worktree"), "[core]\n\thooksPath = h\n")
	c, err := ReadConfig(common, gitDir)
	if err != nil || c.Get("core", "", "hookspath") != "h" {
		t.Errorf("a bare worktreeConfig did not enable config.worktree: %v", err)
	}
}

// FuzzReadConfig: the reader never panics, every setting it reads can be
// looked up, and the settings written back as a config file read the same.
func FuzzReadConfig(f *testing.F) {
	for _, tc := range configCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := parseConfig(data, "f")
		if err != nil && !badLineRE.MatchString(err.Error()) {
			t.Fatalf("error %q is not git's", err)
		}
		if bytes.IndexByte(data, 0) >= 0 {
			// Git cuts names at a NUL, which can leave one the API cannot
			// ask for, or no file can hold: [ "A\0"] k sets ".A".
			return
		}
		c := &Config{entries: entries}
		for i, e := range entries {
			if e.hasSub && e.subsection == "" {
				continue // [a ""] has no name in the API
			}
			all := c.GetAll(strings.ToUpper(e.section), e.subsection, strings.ToUpper(e.key))
			if !slices.Contains(all, e.value) {
				t.Fatalf("entry %d %+v: GetAll = %q", i, e, all)
			}
			if got := c.Get(e.section, e.subsection, e.key); got != all[len(all)-1] {
				t.Fatalf("entry %d %+v: Get = %q, GetAll = %q", i, e, got, all)
			}
		}
		again, err := parseConfig(writeConfig(entries), "f")
		if err != nil || !slices.Equal(again, entries) {
			t.Fatalf("written back: %v\n%q\nread %+v\nwant %+v", err, writeConfig(entries), again, entries)
		}
	})
}

// writeConfig writes entries as a config file, every subsection and value
// quoted.
func writeConfig(entries []configEntry) []byte {
	// A subsection escapes only \ and "; a value also has \n, \t and \b.
	subEscaper := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	valueEscaper := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "\b", `\b`)
	var b bytes.Buffer
	header := ""
	for _, e := range entries {
		h := ""
		switch {
		case e.hasSub:
			h = "[" + e.section + " \"" + subEscaper.Replace(e.subsection) + "\"]\n"
		case e.section != "":
			h = "[" + e.section + "]\n"
		}
		if h != header {
			b.WriteString(h)
			header = h
		}
		b.WriteString("\t" + e.key)
		if !e.bare {
			b.WriteString(" = \"" + valueEscaper.Replace(e.value) + "\"")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

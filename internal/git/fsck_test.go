package git

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const zwnj = "\u200c" // ZERO WIDTH NON-JOINER, which HFS+ ignores

// The vectors of git's own tests: t0060-path-utils.sh ("match
// .gitmodules"), t1014-read-tree-confusing.sh and t7450-bad-git-dotfiles.sh.

// dotGitmodulesVectors are names git reads as .gitmodules, and names it
// does not.
func dotGitmodulesVectors() (match, notMatch []string) {
	match = []string{
		".gitmodules", ".git" + zwnj + "modules", ".Gitmodules", ".gitmoduleS",
		".gitmodules ", ".gitmodules.", ".gitmodules  ", ".gitmodules. ", ".gitmodules .", ".gitmodules..",
		".gitmodules   ", ".gitmodules.  ", ".gitmodules . ", ".gitmodules  .",
		".Gitmodules ", ".Gitmodules.", ".Gitmodules  ", ".Gitmodules. ", ".Gitmodules .", ".Gitmodules..",
		".Gitmodules   ", ".Gitmodules.  ", ".Gitmodules . ", ".Gitmodules  .",
		"GITMOD~1", "gitmod~1", "GITMOD~2", "gitmod~3", "GITMOD~4",
		"GITMOD~1 ", "gitmod~2.", "GITMOD~3  ", "gitmod~4. ", "GITMOD~1 .", "gitmod~2   ", "GITMOD~3.  ", "gitmod~4 . ",
		"GI7EBA~1", "gi7eba~9",
		"GI7EB~10", "GI7EB~11", "GI7EB~99", "GI7EB~10", "GI7E~100", "GI7E~101", "GI7E~999", "~1000000", "~9999999",
		".gitmodules:$DATA", "gitmod~4 . :$DATA",
		`sub\.gitmodules`, // after a backslash, as NTFS reads it
	}
	notMatch = []string{
		".gitmodules x", ".gitmodules .x", " .gitmodules", "..gitmodules", "gitmodules", ".gitmodule",
		".gitmodules x ", ".gitmodules .x",
		"GI7EBA~", "GI7EBA~0", "GI7EBA~~1", "GI7EBA~X", "Gx7EBA~1", "GI7EBX~1",
		"GI7EB~1", "GI7EB~01", "GI7EB~1X",
		".gitmodules,:$DATA",
		".gitmodu\u212ales", // the Kelvin sign is no k to NTFS's ASCII case folding
	}
	return match, notMatch
}

func TestIsDotGitmodules(t *testing.T) {
	match, notMatch := dotGitmodulesVectors()
	for _, n := range match {
		if !isDotGitmodules([]byte(n)) {
			t.Errorf("isDotGitmodules(%q) = false, want true", n)
		}
	}
	for _, n := range notMatch {
		if isDotGitmodules([]byte(n)) {
			t.Errorf("isDotGitmodules(%q) = true, want false", n)
		}
	}
}

// dotGitVectors are names git reads as .git, and names it does not.
func dotGitVectors() (match, notMatch []string) {
	match = []string{
		".git", ".GIT", zwnj + ".Git", ".gI" + zwnj + "T", ".GiT" + zwnj, "git~1", "GIT~1", ".git ", ".git.",
		`.\.GIT\foobar`, `.git\foobar`, ".git...:alternate-stream", ".git::$INDEX_ALLOCATION",
		".g\u200dit", "\ufeff.git",
		".git\xff", // invalid UTF-8 ends the name for git's HFS+ check
	}
	notMatch = []string{
		".gitx", "git", "git~2", ".git x", "..git", ".gi", "x.git", ".gitignore", ".github",
	}
	return match, notMatch
}

func TestIsDotGit(t *testing.T) {
	match, notMatch := dotGitVectors()
	for _, n := range match {
		if !isDotGit([]byte(n)) {
			t.Errorf("isDotGit(%q) = false, want true", n)
		}
	}
	for _, n := range notMatch {
		if isDotGit([]byte(n)) {
			t.Errorf("isDotGit(%q) = true, want false", n)
		}
	}
}

func TestValidSubmoduleName(t *testing.T) {
	for _, n := range []string{"valid", "valid/with/paths", "..foo", "foo..", "a/..b"} {
		if !validSubmoduleName(n) {
			t.Errorf("validSubmoduleName(%q) = false, want true", n)
		}
	}
	for _, n := range []string{"", "../foo", "/../foo", `..\foo`, `\..\foo`, "foo/..", "foo/../", `foo\..`, `foo\..\`, "foo/../bar", ".."} {
		if validSubmoduleName(n) {
			t.Errorf("validSubmoduleName(%q) = true, want false", n)
		}
	}
}

func TestValidSubmoduleURL(t *testing.T) {
	valid := []string{
		"./bar/baz/foo.git", "https://example.com/foo.git", "http://example.com:80/deeper/foo.git",
		"data://acjbkd%0akajfdickajkd", // a scheme git does not check
		"git@example.com:org/repo.git", "ssh://git@example.com/repo", "../sibling.git", "file:///srv/repo.git",
		"https://example.com/a/../b.git", "https://user:pa%20ss@example.com:8443/x.git?q=1#f",
		"https://example.com/a%0a/../b.git", // the segment with the newline is resolved away
	}
	invalid := []string{
		"-a./foo", "../../..//test/foo.git", "../../../../../:localhost:8080/foo.git", `..\../.\../:example.com/foo.git`,
		"./%0ahost=example.com/foo.git", "https://one.example.com/evil?%0ahost=two.example.com",
		"https:///example.com/foo.git", "http://example.com:test/foo.git", "https::example.com/foo.git",
		"http:::example.com/foo.git",
		"http::one.example.com/foo.git", `..\../.\../:one.example.com/foo.git`, "http::://one.example.com/foo.git",
		"../../../:://one.example.com/foo.git", "http:///one.example.com/foo.git", "../../..//one.example.com/foo.git",
		"https://one.example.com?%0ahost=two.example.com/foo.git", "git://example.com:1234/repo%0a.git",
		"https://example.com:0/x", "https://example.com:65536/x", "https://example.com/%zz", "https://example.com/../x",
	}
	for _, u := range valid {
		if !validSubmoduleURL(u) {
			t.Errorf("validSubmoduleURL(%q) = false, want true", u)
		}
	}
	for _, u := range invalid {
		if validSubmoduleURL(u) {
			t.Errorf("validSubmoduleURL(%q) = true, want false", u)
		}
	}
}

func problemIDs(ps []TreeProblem) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestEntryProblems(t *testing.T) {
	tests := []struct {
		name   string
		mode   uint32
		padded bool
		want   []string
	}{
		{"file.go", 0o100644, false, nil},
		{"run.sh", 0o100755, false, nil},
		{"link", 0o120000, false, nil},
		{"dir", 0o040000, false, nil},
		{"sub", 0o160000, false, nil},
		{".gitignore", 0o100644, false, nil},
		{".", 0o040000, false, []string{"hasDot"}},
		{"..", 0o040000, false, []string{"hasDotdot"}},
		{".git", 0o040000, false, []string{"hasDotgit"}},
		{".GIT", 0o100644, false, []string{"hasDotgit"}},
		{"git~1", 0o040000, false, []string{"hasDotgit"}},
		{"a/b", 0o100644, false, []string{"fullPathname"}},
		{"a/.git", 0o100644, false, []string{"fullPathname"}},
		{"x", 0o100664, false, []string{"badFilemode"}},
		{"x", 0o100600, false, []string{"badFilemode"}},
		{"x", 0o040000, true, []string{"zeroPaddedFilemode"}},
		{strings.Repeat("n", 4097), 0o100644, false, []string{"largePathname"}},
		{".gitmodules", 0o120000, false, []string{"gitmodulesSymlink"}},
		{".GITMODULES", 0o120000, false, []string{"gitmodulesSymlink"}},
		{"gitmod~1", 0o120000, false, []string{"gitmodulesSymlink"}},
		{".gitmodules", 0o040000, false, []string{"gitmodulesBlob"}},
		{".gitmodules", 0o100644, false, nil}, // its content is checked
	}
	for _, tt := range tests {
		got := problemIDs(entryProblems([]byte(tt.name), tt.mode, tt.padded))
		if !slices.Equal(got, tt.want) {
			t.Errorf("entryProblems(%.20q, %o, padded %v) = %q, want %q", tt.name, tt.mode, tt.padded, got, tt.want)
		}
	}
}

// gitmodulesVector is a .gitmodules file and what git fsck finds in it.
type gitmodulesVector struct {
	name, content string
	want          []string
}

func gitmodulesVectors() []gitmodulesVector {
	return []gitmodulesVector{
		{"a plain file", "[submodule \"lib\"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n\tbranch = main\n", nil},
		{"CRLF, comments, a BOM", "\xef\xbb\xbf# c\r\n[submodule \"lib\"] ; c\r\n\tpath = lib # c\r\n\turl = ../lib.git\r\n", nil},
		{"a name that climbs out", "[submodule \"../../modules/evil\"]\n\tpath = a\n\turl = ./a\n", []string{"gitmodulesName"}},
		{"an empty name", "[submodule \"\"]\n\turl = ./a\n", []string{"gitmodulesName"}},
		{"the old header form", "[submodule...]\n\turl = ./a\n", []string{"gitmodulesName"}},
		{"the old header form cannot hold a slash", "[submodule.x/..]\n\turl = ./a\n", []string{"gitmodulesParse"}},
		{"a url that is an option", "[submodule \"a\"]\n\turl = --upload-pack=touch$IFS/tmp/pwned\n", []string{"gitmodulesUrl"}},
		{"a quoted url with a leading space", "[submodule \"a\"]\n\turl = \" --should-not-be-an-option\"\n", nil},
		{"a newline in the url", "[submodule \"a\"]\n\turl = \"https://one.example.com?%0ahost=two.example.com/foo.git\"\n", []string{"gitmodulesUrl"}},
		{"an escaped newline in the url", "[submodule \"a\"]\n\turl = \"./x\\nhost=evil\"\n", []string{"gitmodulesUrl"}},
		{"a path that is an option", "[submodule \"a\"]\n\tpath = -x\n\turl = ./a\n", []string{"gitmodulesPath"}},
		{"an update command", "[submodule \"a\"]\n\tupdate = !rm -rf ~\n", []string{"gitmodulesUpdate"}},
		{"an update strategy", "[submodule \"a\"]\n\tupdate = rebase\n", nil},
		{"a key continued over lines", "[submodule \"a\"]\n\turl = -\\\nx\n", []string{"gitmodulesUrl"}},
		{"the name and the url", "[submodule \"..\"]\n\turl = -x\n", []string{"gitmodulesName", "gitmodulesUrl"}},
		{"another section", "[core]\n\turl = -x\n", nil},
		{"does not parse", "[submodule \"a\"\n\turl = -x\n", []string{"gitmodulesParse"}},
		{"an unknown escape", "[submodule \"a\"]\n\turl = \"\\q\"\n", []string{"gitmodulesParse"}},
		{"an unterminated quote", "[submodule \"a\"]\n\turl = \"x\n", []string{"gitmodulesParse"}},
		{"keys before the error count", "[submodule \"a\"]\n\turl = -x\n!\n", []string{"gitmodulesParse", "gitmodulesUrl"}},
		{"a NUL byte", "[submodule \"a\"]\n\turl = ./a\x00-x\n", []string{"gitmodulesParse"}},
		{"a 0xff byte", "[submodule \"a\"]\n\turl = ./a\xff\n\turl = -x\n", []string{"gitmodulesParse"}},
	}
}

func TestGitmodulesProblems(t *testing.T) {
	for _, tt := range gitmodulesVectors() {
		got := problemIDs(gitmodulesProblems([]byte(tt.content), false))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: gitmodulesProblems = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := problemIDs(gitmodulesProblems(nil, true)); !slices.Equal(got, []string{"gitmodulesLarge"}) {
		t.Errorf("too large: %q", got)
	}
}

// FuzzGitmodules: the parser of hostile .gitmodules content never panics
// and answers the same way twice.
func FuzzGitmodules(f *testing.F) {
	for _, s := range []string{
		"[submodule \"a\"]\n\turl = ./a\n", "[submodule.a]\nurl=\"x\\\"y\"\n", "[a \"b\\\"c\"]\nk\n",
		"\xef\xbb\xbf[s]\r\nk = v ; c\r\n", "[submodule \"a\"]\n\turl = https://u@h:8080/p/../q?%0a#f\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a := gitmodulesProblems(data, false)
		b := gitmodulesProblems(data, false)
		if !slices.Equal(problemIDs(a), problemIDs(b)) {
			t.Fatalf("two answers: %v, %v", a, b)
		}
		for _, p := range a {
			if p.ID == "" || p.Message == "" {
				t.Fatalf("problem without id or message: %+v", p)
			}
		}
	})
}

// TestFsckAgreesWithGit checks the ports against git itself: the names and
// .gitmodules files of the vectors above, written into a repository as
// trees and blobs, and git fsck --strict's verdict on each compared with
// ours. What git only notes as info is left out: a .gitmodules that does
// not parse, and .gitignore, .gitattributes and .mailmap as symlinks (git
// stopped following those in 2.32). So are names over 4096 bytes (git
// 2.45's largePathname): the installed git may predate it.
func TestFsckAgreesWithGit(t *testing.T) {
	g := newGit(t)
	dir := g.initRepo(filepath.Join(t.TempDir(), "r"))
	// Objects are written in one git hash-object per type, from files.
	files := t.TempDir()
	writeAll := func(typ string, contents [][]byte) []string {
		var paths []string
		for i, c := range contents {
			p := filepath.Join(files, fmt.Sprintf("%s-%d", typ, i))
			if err := os.WriteFile(p, c, 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
		out, err := g.exec(dir, nil, strings.Join(paths, "\n")+"\n", "hash-object", "-t", typ, "--literally", "-w", "--stdin-paths")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(out)
	}
	rawID := func(hexID string) []byte {
		b, err := hex.DecodeString(hexID)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	blob := rawID(writeAll("blob", [][]byte{[]byte("x")})[0])
	type verdict struct{ what, ours string }
	var (
		trees    [][]byte
		what     []verdict
		verdicts = map[string]verdict{} // object id → what it is, our verdict
	)
	names := []string{".", "..", "a/b", ".gitignore", "plain", "git~2"}
	for _, vs := range []func() ([]string, []string){dotGitVectors, dotGitmodulesVectors} {
		match, notMatch := vs()
		names = append(append(names, match...), notMatch...)
	}
	for _, n := range names {
		for _, mode := range []string{"100644", "40000", "120000", "100664", "0100644"} {
			var raw uint32
			for _, c := range mode {
				raw = raw<<3 | uint32(c-'0')
			}
			// git finds a .gitmodules directory's "tree" to be a blob, and
			// a .gitmodules file's content is the blob x: both are the
			// business of other tests.
			ours := slices.DeleteFunc(problemIDs(entryProblems([]byte(n), raw, mode[0] == '0')), func(id string) bool { return id == "gitmodulesBlob" })
			trees = append(trees, append([]byte(mode+" "+n+"\x00"), blob...))
			what = append(what, verdict{fmt.Sprintf("tree with %s %q", mode, n), strings.Join(ours, " ")})
		}
	}
	var modules [][]byte
	for _, v := range gitmodulesVectors() {
		modules = append(modules, []byte(v.content))
	}
	for i, b := range writeAll("blob", modules) {
		v := gitmodulesVectors()[i]
		trees = append(trees, append([]byte("100644 .gitmodules\x00"), rawID(b)...))
		what = append(what, verdict{}) // the blob has the verdict
		ours := slices.DeleteFunc(problemIDs(gitmodulesProblems([]byte(v.content), false)), func(id string) bool { return id == "gitmodulesParse" })
		verdicts[b] = verdict{".gitmodules: " + v.name, strings.Join(ours, " ")}
	}
	for i, id := range writeAll("tree", trees) {
		if what[i].what != "" {
			verdicts[id] = what[i]
		}
	}
	out, err := g.exec(dir, nil, "", "fsck", "--strict", "--no-dangling")
	if err != nil {
		out += err.Error() // fsck exits non-zero on errors and reports them on stderr
	}
	theirs := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		m := fsckLine.FindStringSubmatch(line)
		if m == nil || slices.Contains([]string{"gitmodulesParse", "gitmodulesBlob", "gitignoreSymlink", "gitattributesSymlink", "mailmapSymlink"}, m[2]) ||
			slices.Contains(theirs[m[1]], m[2]) {
			continue
		}
		theirs[m[1]] = append(theirs[m[1]], m[2])
	}
	for id, v := range verdicts {
		slices.Sort(theirs[id])
		if got := strings.Join(theirs[id], " "); got != v.ours {
			t.Errorf("%s: we find %q, git fsck %q", v.what, v.ours, got)
		}
	}
}

var fsckLine = regexp.MustCompile(`(?:error|warning) in (?:tree|blob) ([0-9a-f]{40}): (\w+):`)

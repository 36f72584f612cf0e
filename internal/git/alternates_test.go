package git

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAltEntries(t *testing.T) {
	for _, tc := range []struct {
		in   string
		sep  byte
		want []string
	}{
		{"/a/objects\n/b/objects\n", '\n', []string{"/a/objects", "/b/objects"}},
		{"# a comment\n\n/a\n\n", '\n', []string{"/a"}},
		{"../../network.git/objects", '\n', []string{"../../network.git/objects"}},
		{`"/with space/and \"quote\"/objects"` + "\n/b", '\n', []string{`/with space/and "quote"/objects`, "/b"}},
		{`"/tab\there/\303\251"`, '\n', []string{"/tab\there/\u00e9"}},
		{`"/broken\q"`, '\n', []string{`"/broken\q"`}},       // bad escape: taken literally
		{`"/unterminated`, '\n', []string{`"/unterminated`}}, // no closing quote: literally
		{"/a:/b:\"/c:d\":/e", ':', []string{"/a", "/b", "/c:d", "/e"}},
		{"#x:/b", ':', []string{"/b"}},
		{"", '\n', nil},
		{"\n\n", '\n', nil},
	} {
		got := parseAltEntries(tc.in, tc.sep)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("parseAltEntries(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// bareNetwork makes a packed bare repository "network.git" under root, as
// the object store a fork network shares, and returns its path.
func bareNetwork(t *testing.T, g *tgit, root string) string {
	t.Helper()
	src := filepath.Join(root, "src")
	g.history(src, 10)
	nw := filepath.Join(root, "network.git")
	g.run("", "clone", "-q", "--bare", src, nw)
	g.run(nw, "repack", "-adq")
	return nw
}

func TestStoreAlternates(t *testing.T) {
	t.Run("absolute", func(t *testing.T) {
		g := newGit(t)
		root := t.TempDir()
		nw := bareNetwork(t, g, root)
		fork := filepath.Join(root, "fork")
		g.run("", "clone", "-q", "--shared", nw, fork)
		g.commit(fork, "fork commit", map[string]string{"fork.txt": "fork\n"})
		alt, _ := os.ReadFile(filepath.Join(fork, ".git", "objects", "info", "alternates"))
		if !filepath.IsAbs(strings.TrimSpace(string(alt))) {
			t.Fatalf("clone --shared wrote a relative alternate %q", alt)
		}
		s := mustOpenStore(t, filepath.Join(fork, ".git", "objects"))
		checkStoreHas(t, s, g.allObjects(fork))
		if got := len(s.Dirs()); got != 2 {
			t.Fatalf("Dirs() = %v", s.Dirs())
		}
	})

	t.Run("relative-fork-network", func(t *testing.T) {
		// GitHub Enterprise keeps forks next to network.git and points
		// them at it with ../../network.git/objects.
		g := newGit(t)
		root := t.TempDir()
		nw := bareNetwork(t, g, root)
		fork := filepath.Join(root, "1234.git")
		g.run("", "clone", "-q", "--bare", "--shared", nw, fork)
		writeFile(t, filepath.Join(fork, "objects", "info", "alternates"), "../../network.git/objects\n")
		want := g.allObjects(fork)
		if len(want) < 30 {
			t.Fatalf("git sees only %d objects through the relative alternate", len(want))
		}
		s := mustOpenStore(t, filepath.Join(fork, "objects"))
		checkStoreHas(t, s, want)
		if diff := cmp.Diff([]string{filepath.Join(fork, "objects"), filepath.Join(nw, "objects")}, s.Dirs()); diff != "" {
			t.Fatalf("Dirs() (-want +got):\n%s", diff)
		}
	})

	t.Run("comments-blank-lines-quoted", func(t *testing.T) {
		g := newGit(t)
		root := filepath.Join(t.TempDir(), `odd "dir"`)
		nw := bareNetwork(t, g, root)
		fork := filepath.Join(t.TempDir(), "fork.git")
		g.run("", "init", "-q", "--bare", fork)
		quoted := `"` + strings.ReplaceAll(filepath.Join(nw, "objects"), `"`, `\"`) + `"`
		writeFile(t, filepath.Join(fork, "objects", "info", "alternates"),
			"# the network\n\n"+quoted+"\n/does/not/exist\n")
		want := g.allObjects(fork)
		if len(want) < 30 {
			t.Fatalf("git sees only %d objects through the quoted alternate", len(want))
		}
		s := mustOpenStore(t, filepath.Join(fork, "objects"))
		checkStoreHas(t, s, want)
		if len(s.Dirs()) != 2 {
			t.Fatalf("Dirs() = %v", s.Dirs())
		}
	})

	t.Run("chain-cycle-and-depth", func(t *testing.T) {
		// r0 ← r1 ← … ← r7, each listing the previous one relatively, and
		// r0 listing r7 (a cycle). git follows at most five levels below
		// the repository it opened; so do we.
		g := newGit(t)
		root := t.TempDir()
		var repos []string
		for i := 0; i < 8; i++ {
			r := filepath.Join(root, fmt.Sprintf("r%d.git", i))
			g.run("", "init", "-q", "--bare", r)
			repos = append(repos, r)
		}
		for i, r := range repos {
			// A blob unique to each repository.
			if _, err := g.exec(r, nil, fmt.Sprintf("blob of r%d\n", i), "hash-object", "-w", "--stdin"); err != nil {
				t.Fatal(err)
			}
			prev := (i + len(repos) - 1) % len(repos)
			writeFile(t, filepath.Join(r, "objects", "info", "alternates"),
				fmt.Sprintf("../../r%d.git/objects\n", prev))
		}
		top := repos[7]
		want := g.allObjects(top)
		s := mustOpenStore(t, filepath.Join(top, "objects"))
		checkStoreHas(t, s, want)
		// Objects git cannot see must be missing for us too.
		all := map[string]bool{}
		for _, r := range repos {
			all[filepath.Join(r, "objects")] = true
		}
		if len(s.Dirs()) != 7 { // r7 itself plus r6…r1 (levels 0–5)
			t.Fatalf("Dirs() = %v", s.Dirs())
		}
		for _, d := range s.Dirs() {
			if !all[d] {
				t.Fatalf("unexpected dir %s", d)
			}
		}
		for h := range g.allObjects(repos[0]) {
			if _, ok := want[h]; ok {
				continue
			}
			if ok, _ := s.Has(h); ok {
				t.Fatalf("object %s is beyond git's alternates depth but readable", h)
			}
		}
	})

	t.Run("AddAlternate", func(t *testing.T) {
		g := newGit(t)
		root := t.TempDir()
		bareNetwork(t, g, root)
		fork := filepath.Join(root, "fork.git")
		g.run("", "init", "-q", "--bare", fork)
		s := mustOpenStore(t, filepath.Join(fork, "objects"))
		if err := s.AddAlternate("../../network.git/objects"); err != nil {
			t.Fatal(err)
		}
		want := g.allObjects(fork) // git reads the line we wrote
		if len(want) < 30 {
			t.Fatalf("git sees only %d objects", len(want))
		}
		checkStoreHas(t, s, want)
		if err := s.AddAlternate("/with\nnewline"); err == nil {
			t.Fatal("a path needing quotes was written unquoted")
		}
	})

	t.Run("environment", func(t *testing.T) {
		g := newGit(t)
		root := filepath.Join(t.TempDir(), "with:colon")
		nw := bareNetwork(t, g, root)
		repo := filepath.Join(t.TempDir(), "repo")
		g.initRepo(repo)
		quoted := `"` + filepath.Join(nw, "objects") + `"`
		env := "GIT_ALTERNATE_OBJECT_DIRECTORIES=/does/not/exist:" + quoted
		want := g.allObjects(repo, env)
		if len(want) < 30 {
			t.Fatalf("git sees only %d objects through the environment", len(want))
		}
		r, err := Open(repo, envFunc(env))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		checkStoreHas(t, r.Objects, want)
	})
}

package git

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// gitEnv is the environment of the git commands tests run: no user or
// system configuration, fixed identities.
func gitEnv() []string {
	return append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=Test Author", "GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=Test Committer", "GIT_COMMITTER_EMAIL=committer@example.com",
		"GIT_AUTHOR_DATE=1700000000 +0000", "GIT_COMMITTER_DATE=1700000000 +0000",
	)
}

// runGit runs git in dir with stdin and returns its standard output.
func runGit(t testing.TB, dir string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// initRepo creates an empty repository in a temporary directory.
func initRepo(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	runGit(t, dir, nil, "init", "-q", "-b", "main", ".")
	return dir
}

// openRepo opens the repository in dir as agentcheck does; it is closed
// when the test ends.
func openRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	r, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("opening %s: %v", dir, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readCommit reads and parses commit h.
func readCommit(t testing.TB, r ObjectReader, h plumbing.Hash) *Commit {
	t.Helper()
	typ, data, err := r.Read(h)
	if err != nil || typ != plumbing.CommitObject {
		t.Fatalf("reading commit %s: %v %v", h, typ, err)
	}
	c, err := ParseCommit(h, data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fileEntry is a file of a generated tree: mode and either content (files and
// symlinks) or an id (gitlinks).
type fileEntry struct {
	mode    string
	content string
	gitlink string
}

// state is the content of a generated commit: path to entry.
type state map[string]fileEntry

func (s state) clone() state {
	c := make(state, len(s))
	for k, v := range s {
		c[k] = v
	}
	return c
}

// put sets path to e, removing what conflicts with it: files at the path's
// parent directories and anything under the path as a directory.
func (s state) put(path string, e fileEntry) {
	for dir := path; ; {
		i := strings.LastIndexByte(dir, '/')
		if i < 0 {
			break
		}
		dir = dir[:i]
		delete(s, dir)
	}
	for p := range s {
		if strings.HasPrefix(p, path+"/") {
			delete(s, p)
		}
	}
	s[path] = e
}

func (s state) paths() []string {
	ps := make([]string, 0, len(s))
	for p := range s {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// history builds a repository commit by commit through git fast-import.
// Each commit lists its whole tree, so any tree can follow any parents
// (merges with changes of their own, octopus merges).
type history struct {
	stream  bytes.Buffer
	marks   int
	states  map[int]state // mark to state
	parents map[int][]int
	time    int64
}

func newHistory() *history {
	return &history{states: make(map[int]state), parents: make(map[int][]int), time: 1_700_000_000}
}

// commit adds a commit with tree s and the given parents (marks) and returns
// its mark. dt is added to the committer clock first (it may be negative,
// to skew dates).
func (h *history) commit(s state, msg string, dt int64, parents ...int) int {
	h.marks++
	m := h.marks
	h.time += dt
	h.states[m] = s.clone()
	h.parents[m] = parents
	w := &h.stream
	if len(parents) == 0 {
		fmt.Fprintf(w, "reset refs/heads/tmp\n")
	}
	fmt.Fprintf(w, "commit refs/heads/tmp\nmark :%d\n", m)
	fmt.Fprintf(w, "author Test Author <author@example.com> %d +0100\n", h.time)
	fmt.Fprintf(w, "committer Test Committer <committer@example.com> %d +0000\n", h.time)
	fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	for i, p := range parents {
		if i == 0 {
			fmt.Fprintf(w, "from :%d\n", p)
		} else {
			fmt.Fprintf(w, "merge :%d\n", p)
		}
	}
	fmt.Fprintf(w, "deleteall\n")
	for _, p := range s.paths() {
		e := s[p]
		if e.mode == "160000" {
			fmt.Fprintf(w, "M 160000 %s %s\n", e.gitlink, p)
			continue
		}
		fmt.Fprintf(w, "M %s inline %s\ndata %d\n%s\n", e.mode, p, len(e.content), e.content)
	}
	w.WriteString("\n")
	return m
}

// branch points refs/heads/name at mark.
func (h *history) branch(name string, mark int) {
	fmt.Fprintf(&h.stream, "reset refs/heads/%s\nfrom :%d\n\n", name, mark)
}

// write imports the history into the repository in dir and returns the
// commit id of each mark.
func (h *history) write(t testing.TB, dir string) map[int]plumbing.Hash {
	t.Helper()
	marksFile := filepath.Join(t.TempDir(), "marks")
	stream := append(bytes.Clone(h.stream.Bytes()), "done\n"...)
	runGit(t, dir, stream, "fast-import", "--quiet", "--done", "--export-marks="+marksFile)
	data, err := os.ReadFile(marksFile)
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[int]plumbing.Hash)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m int
		var id string
		if _, err := fmt.Sscanf(line, ":%d %s", &m, &id); err != nil {
			t.Fatalf("marks line %q: %v", line, err)
		}
		ids[m] = plumbing.NewHash(id)
	}
	return ids
}

// randomHistory generates a random history: files in nested directories,
// additions, modifications, deletions, renames, mode flips, symlinks,
// gitlinks, file/directory replacements, empty commits, branches, merges
// with their own changes (evil merges) and octopus merges. It returns the
// history and the marks of the branch tips.
func randomHistory(rng *rand.Rand, commits int, skew bool) (*history, []int) {
	h := newHistory()
	names := []string{"a", "a.txt", "a-b", "a0", "b", "sub", "x.go"}
	contents := []string{"one\n", "two\n", "three\n", "", "four\n"}
	randPath := func() string {
		depth := rng.IntN(4)
		parts := make([]string, depth+1)
		for i := range parts {
			parts[i] = names[rng.IntN(len(names))]
		}
		return strings.Join(parts, "/")
	}
	randHash := func() string {
		var b [20]byte
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return plumbing.Hash(b).String()
	}
	pick := func(s state) (string, bool) {
		ps := s.paths()
		if len(ps) == 0 {
			return "", false
		}
		return ps[rng.IntN(len(ps))], true
	}
	mutate := func(s state) {
		switch rng.IntN(11) {
		case 0, 1: // add or overwrite a file
			s.put(randPath(), fileEntry{mode: "100644", content: contents[rng.IntN(len(contents))]})
		case 2: // modify
			if p, ok := pick(s); ok {
				e := s[p]
				e.content += "more\n"
				if e.mode == "160000" {
					e.gitlink = randHash()
				}
				s[p] = e
			}
		case 3: // delete
			if p, ok := pick(s); ok {
				delete(s, p)
			}
		case 4: // rename
			if p, ok := pick(s); ok {
				e := s[p]
				delete(s, p)
				s.put(randPath(), e)
			}
		case 5: // flip the executable bit
			if p, ok := pick(s); ok {
				e := s[p]
				switch e.mode {
				case "100644":
					e.mode = "100755"
				case "100755":
					e.mode = "100644"
				}
				s[p] = e
			}
		case 6: // symlink
			targets := []string{"a", "../a", "../../x.go", "/etc/passwd", "sub/b", "."}
			s.put(randPath(), fileEntry{mode: "120000", content: targets[rng.IntN(len(targets))]})
		case 7: // gitlink
			s.put(randPath(), fileEntry{mode: "160000", gitlink: randHash()})
		case 8: // change the type of an entry, keeping its content
			if p, ok := pick(s); ok {
				e := s[p]
				modes := []string{"100644", "100755", "120000"}
				if e.mode != "160000" {
					e.mode = modes[rng.IntN(len(modes))]
					s[p] = e
				}
			}
		case 9: // replace a directory by a file, or a file by a directory
			if p, ok := pick(s); ok {
				if i := strings.IndexByte(p, '/'); i >= 0 {
					s.put(p[:i], fileEntry{mode: "100644", content: "was a dir\n"})
				} else {
					s.put(p+"/inner", fileEntry{mode: "100644", content: "was a file\n"})
				}
			}
		case 10: // copy: same content at a second path
			if p, ok := pick(s); ok {
				s.put(randPath(), s[p])
			}
		}
	}
	dt := func() int64 {
		if skew && rng.IntN(6) == 0 {
			return -int64(rng.IntN(5000))
		}
		return int64(rng.IntN(3))
	}
	root := state{}
	for range 5 {
		mutate(root)
	}
	tips := []int{h.commit(root, "root", 0)}
	for c := 0; c < commits; c++ {
		b := rng.IntN(len(tips))
		switch r := rng.IntN(10); {
		case r == 0 && len(tips) < 4: // new branch, or a second root now and then
			if rng.IntN(4) == 0 {
				s := state{}
				mutate(s)
				tips = append(tips, h.commit(s, "another root", dt()))
			} else {
				tips = append(tips, tips[b])
			}
		case r <= 2 && len(tips) > 1: // merge two or three branches
			others := []int{}
			for i := range tips {
				if i != b && tips[i] != tips[b] {
					others = append(others, i)
				}
			}
			if len(others) == 0 {
				continue
			}
			rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
			if len(others) > 2 || rng.IntN(3) > 0 {
				others = others[:1]
			}
			parents := []int{tips[b]}
			for _, o := range others {
				if !slices.Contains(parents, tips[o]) {
					parents = append(parents, tips[o])
				}
			}
			// The merge result takes each path from a random parent.
			s := state{}
			var all []string
			for _, p := range parents {
				for path := range h.states[p] {
					all = append(all, path)
				}
			}
			slices.Sort(all)
			for _, path := range slices.Compact(all) {
				from := h.states[parents[rng.IntN(len(parents))]]
				if e, ok := from[path]; ok {
					s.put(path, e)
				}
			}
			if rng.IntN(2) == 0 { // evil
				mutate(s)
			}
			m := h.commit(s, "merge", dt(), parents...)
			tips[b] = m
			for _, o := range others {
				tips[o] = m
			}
		default:
			s := h.states[tips[b]].clone()
			if rng.IntN(12) > 0 { // else an empty commit
				for range 1 + rng.IntN(3) {
					mutate(s)
				}
			}
			msg := fmt.Sprintf("change %d\n\nSome text.\n\nAgent-Session: claude-code/%d\n", c, c)
			tips[b] = h.commit(s, msg, dt(), tips[b])
		}
	}
	for i, m := range tips {
		h.branch(fmt.Sprintf("b%d", i), m)
	}
	h.branch("main", tips[0])
	return h, tips
}

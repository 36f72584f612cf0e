package git

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// gitBin is the real git the tests compare against.
const gitBin = "/usr/bin/git"

// tgit runs real git with a clean, deterministic environment: no user or
// system configuration, fixed identities and dates.
type tgit struct {
	t   testing.TB
	env []string
}

func newGit(t testing.TB) *tgit {
	t.Helper()
	if _, err := os.Stat(gitBin); err != nil {
		t.Skipf("no git at %s", gitBin)
	}
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=A U Thor",
		"GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=C O Mitter",
		"GIT_COMMITTER_EMAIL=committer@example.com",
		"GIT_AUTHOR_DATE=1700000000 +0000",
		"GIT_COMMITTER_DATE=1700000000 +0000",
	)
	return &tgit{t: t, env: env}
}

// run runs git in dir and returns its trimmed stdout, failing the test on error.
func (g *tgit) run(dir string, args ...string) string {
	g.t.Helper()
	out, err := g.exec(dir, nil, "", args...)
	if err != nil {
		g.t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// exec runs git with extra environment and stdin.
func (g *tgit) exec(dir string, env []string, stdin string, args ...string) (string, error) {
	cmd := exec.Command(gitBin, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), g.env...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, stderr.String())
	}
	return stdout.String(), nil
}

// shell runs a sh script in dir with the git environment.
func (g *tgit) shell(dir string, env []string, script string) (string, error) {
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), g.env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("sh script in %s: %v\n%s", dir, err, stderr.String())
	}
	return stdout.String(), nil
}

// initRepo creates a non-bare repository with branch main.
func (g *tgit) initRepo(dir string, extra ...string) string {
	g.t.Helper()
	args := append([]string{"-c", "init.defaultBranch=main", "init", "-q"}, extra...)
	g.run("", append(args, dir)...)
	return dir
}

// commit writes files (path → content) into the work tree and commits them.
func (g *tgit) commit(dir, msg string, files map[string]string) plumbing.Hash {
	g.t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			g.t.Fatal(err)
		}
	}
	g.run(dir, "add", "-A")
	g.run(dir, "commit", "-q", "--allow-empty", "-m", msg)
	return plumbing.NewHash(g.run(dir, "rev-parse", "HEAD"))
}

type gitObject struct {
	typ  plumbing.ObjectType
	data []byte
}

// allObjects returns every object git can see from dir (alternates
// included), read with git cat-file --batch-all-objects.
func (g *tgit) allObjects(dir string, env ...string) map[plumbing.Hash]gitObject {
	g.t.Helper()
	out, err := g.exec(dir, env, "", "cat-file", "--batch-all-objects", "--batch")
	if err != nil {
		g.t.Fatal(err)
	}
	return parseBatch(g.t, out)
}

// catFile reads the given objects with git cat-file --batch.
func (g *tgit) catFile(dir string, ids []plumbing.Hash, env ...string) map[plumbing.Hash]gitObject {
	g.t.Helper()
	var in strings.Builder
	for _, h := range ids {
		in.WriteString(h.String() + "\n")
	}
	out, err := g.exec(dir, env, in.String(), "cat-file", "--batch")
	if err != nil {
		g.t.Fatal(err)
	}
	return parseBatch(g.t, out)
}

func parseBatch(t testing.TB, out string) map[plumbing.Hash]gitObject {
	t.Helper()
	objs := map[plumbing.Hash]gitObject{}
	r := bufio.NewReader(strings.NewReader(out))
	for {
		h, o, err := readBatchObject(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		objs[h] = o
	}
	return objs
}

// readBatchObject reads the next object of git cat-file --batch output;
// io.EOF at its end.
func readBatchObject(r *bufio.Reader) (plumbing.Hash, gitObject, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		if err == io.EOF && line != "" {
			err = io.ErrUnexpectedEOF
		}
		return plumbing.ZeroHash, gitObject{}, err
	}
	f := strings.Fields(line)
	if len(f) != 3 {
		return plumbing.ZeroHash, gitObject{}, fmt.Errorf("cat-file: unexpected line %q", line)
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return plumbing.ZeroHash, gitObject{}, fmt.Errorf("cat-file: unexpected line %q", line)
	}
	data := make([]byte, size+1)
	if _, err := io.ReadFull(r, data); err != nil {
		return plumbing.ZeroHash, gitObject{}, err
	}
	typ, err := plumbing.ParseObjectType(f[1])
	if err != nil {
		return plumbing.ZeroHash, gitObject{}, err
	}
	return plumbing.NewHash(f[0]), gitObject{typ, data[:size]}, nil
}

// checkStoreHas checks that s reads every object in want exactly as git does.
func checkStoreHas(t testing.TB, s *Store, want map[plumbing.Hash]gitObject) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("no objects to check")
	}
	for _, h := range sortedIDs(want) {
		w := want[h]
		typ, data, err := s.Read(h)
		if err != nil {
			t.Fatalf("Read(%s): %v", h, err)
		}
		if typ != w.typ || !bytes.Equal(data, w.data) {
			t.Fatalf("Read(%s) = %v, %d bytes; git says %v, %d bytes", h, typ, len(data), w.typ, len(w.data))
		}
		st, size, err := s.Stat(h)
		if err != nil || st != w.typ || size != int64(len(w.data)) {
			t.Fatalf("Stat(%s) = %v, %d, %v; want %v, %d", h, st, size, err, w.typ, len(w.data))
		}
	}
}

func sortedIDs(m map[plumbing.Hash]gitObject) []plumbing.Hash {
	ids := make([]plumbing.Hash, 0, len(m))
	for h := range m {
		ids = append(ids, h)
	}
	sort.Slice(ids, func(i, j int) bool { return bytes.Compare(ids[i][:], ids[j][:]) < 0 })
	return ids
}

// noGetenv is an empty environment.
func noGetenv(string) string { return "" }

// envFunc turns KEY=VALUE pairs into a getenv function.
func envFunc(kv ...string) func(string) string {
	m := map[string]string{}
	for _, e := range kv {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustOpenStore(t testing.TB, primary string, alts ...string) *Store {
	t.Helper()
	s, err := OpenStore(primary, alts, "", StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// history makes a repository whose file evolves over n commits, so that a
// repack stores most versions as deltas. It uses git fast-import (one
// process), which leaves the objects in a pack; unpack turns them loose.
func (g *tgit) history(dir string, n int) []plumbing.Hash {
	g.t.Helper()
	g.initRepo(dir)
	var lines []string
	for i := 0; i < 200; i++ {
		lines = append(lines, fmt.Sprintf("line %d of a file that changes a little in each commit", i))
	}
	var in strings.Builder
	data := func(s string) { fmt.Fprintf(&in, "data %d\n%s\n", len(s), s) }
	for c := 0; c < n; c++ {
		lines[(c*7)%len(lines)] = fmt.Sprintf("changed in commit %d", c)
		fmt.Fprintf(&in, "commit refs/heads/main\nmark :%d\ncommitter C O Mitter <committer@example.com> %d +0000\n", c+1, 1700000000+c)
		data(fmt.Sprintf("commit %d\n", c))
		if c > 0 {
			fmt.Fprintf(&in, "from :%d\n", c)
		}
		in.WriteString("M 100644 inline big.txt\n")
		data(strings.Join(lines, "\n") + "\n")
		fmt.Fprintf(&in, "M 100644 inline d%d/f\n", c%5)
		data(fmt.Sprintf("file %d\n", c))
		if c == 0 {
			in.WriteString("M 100644 inline empty\n")
			data("")
		}
	}
	if _, err := g.exec(dir, nil, in.String(), "fast-import", "--quiet"); err != nil {
		g.t.Fatal(err)
	}
	g.run(dir, "reset", "-q", "--hard")
	var commits []plumbing.Hash
	for _, l := range strings.Fields(g.run(dir, "rev-list", "--reverse", "main")) {
		commits = append(commits, plumbing.NewHash(l))
	}
	return commits
}

// unpack turns every packed object loose.
func (g *tgit) unpack(dir string) {
	g.t.Helper()
	packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
	for _, p := range packs {
		raw, err := os.ReadFile(p)
		if err != nil {
			g.t.Fatal(err)
		}
		base := strings.TrimSuffix(p, ".pack")
		for _, ext := range []string{".pack", ".idx", ".rev"} {
			os.Remove(base + ext)
		}
		if _, err := g.exec(dir, nil, string(raw), "unpack-objects", "-q"); err != nil {
			g.t.Fatal(err)
		}
	}
}

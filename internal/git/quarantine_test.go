package git

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The quarantine test runs a real pre-receive hook. git deletes the
// quarantine when the hook exits, so the hook runs this test binary again
// (TestMain dispatches on helperEnv) to open the repository with the hook's
// own environment and read every pushed object while the quarantine exists.

const helperEnv = "GITREPO_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "quarantine" {
		os.Exit(quarantineHelper(os.Getenv("GITREPO_TEST_OUT")))
	}
	code := m.Run()
	if benchRepo.dir != "" {
		os.RemoveAll(benchRepo.dir)
	}
	os.Exit(code)
}

// quarantineHelper runs inside the pre-receive hook, in the repository,
// with git's hook environment. It reads the ids in out/objects.txt and
// writes one line per object to out/result.txt.
func quarantineHelper(out string) int {
	res, err := os.Create(filepath.Join(out, "result.txt"))
	if err != nil {
		return 2
	}
	defer res.Close()
	w := bufio.NewWriter(res)
	defer w.Flush()

	r, err := Open(".", os.Getenv)
	if err != nil {
		fmt.Fprintf(w, "open: %v\n", err)
		return 1
	}
	defer r.Close()
	fmt.Fprintf(w, "primary %s\n", r.Objects.Dirs()[0])
	for _, d := range r.Objects.Dirs()[1:] {
		fmt.Fprintf(w, "alternate %s\n", d)
	}
	if h, err := r.Ref("refs/heads/main"); err == nil {
		fmt.Fprintf(w, "main %s\n", h)
	}
	if err := r.UpdateRef("refs/heads/x", plumbing.NewHash("1111111111111111111111111111111111111111"), plumbing.ZeroHash); errors.Is(err, ErrQuarantined) {
		fmt.Fprintf(w, "update-ref refused\n")
	}
	ids, err := os.ReadFile(filepath.Join(out, "objects.txt"))
	if err != nil {
		fmt.Fprintf(w, "objects: %v\n", err)
		return 1
	}
	for _, line := range strings.Split(strings.TrimSpace(string(ids)), "\n") {
		id, _, _ := strings.Cut(line, " ")
		h := plumbing.NewHash(id)
		typ, data, err := r.Objects.Read(h)
		switch {
		case err != nil:
			fmt.Fprintf(w, "object %s error %v\n", id, err)
		case plumbing.ComputeHash(typ, data) != h:
			fmt.Fprintf(w, "object %s wrong-content\n", id)
		default:
			fmt.Fprintf(w, "object %s ok\n", id)
		}
	}
	return 0
}

const preReceiveHook = `#!/bin/sh
out="$GITREPO_TEST_OUT"
env | grep '^GIT_' | sort > "$out/env.txt"
cat > "$out/stdin.txt"
ls "$GIT_QUARANTINE_PATH/pack" > "$out/packs.txt" 2>/dev/null
: > "$out/objects.txt"
while read old new ref; do
	git rev-list --objects "$new" >> "$out/objects.txt"
done < "$out/stdin.txt"
GORACE="$GORACE atexit_sleep_ms=0" GITREPO_TEST_HELPER=quarantine "$GITREPO_TEST_BIN" > "$out/helper.log" 2>&1
echo "helper exit $?" >> "$out/helper.log"
echo "rejected by test hook" >&2
exit 1
`

func TestStoreQuarantine(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   int    // files in the pushed commit
		dirName string // the server's parent directory
		packed  bool   // whether git keeps the push as a pack
	}{
		{"small-push-loose", 3, "srv", false},
		{"large-push-packed", 160, "srv", true},
		{"path-needing-quotes", 3, "srv:with colon", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGit(t)
			root := t.TempDir()
			local := filepath.Join(root, "local")
			g.history(local, 5)
			server := filepath.Join(root, tc.dirName, "server.git")
			g.run("", "init", "-q", "--bare", server)
			g.run(local, "push", "-q", server, "main")
			g.run(server, "repack", "-adq") // the server's own objects are packed

			bin, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			hook := filepath.Join(server, "hooks", "pre-receive")
			if err := os.WriteFile(hook, []byte(preReceiveHook), 0o755); err != nil {
				t.Fatal(err)
			}
			files := map[string]string{}
			for i := 0; i < tc.files; i++ {
				files[fmt.Sprintf("new/f%03d.txt", i)] = fmt.Sprintf("new file %d of %s\n", i, tc.name)
			}
			tip := g.commit(local, "pushed", files)
			_, err = g.exec(local, []string{"GITREPO_TEST_OUT=" + out, "GITREPO_TEST_BIN=" + bin}, "", "push", server, "main")
			if err == nil || !strings.Contains(err.Error(), "rejected by test hook") {
				t.Fatalf("push was not rejected by the hook: %v", err)
			}

			read := func(name string) string {
				b, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			env := read("env.txt")
			qpath := envValue(env, "GIT_QUARANTINE_PATH")
			if qpath == "" || envValue(env, "GIT_OBJECT_DIRECTORY") != qpath {
				t.Fatalf("hook environment lacks the quarantine:\n%s", env)
			}
			alt := envValue(env, "GIT_ALTERNATE_OBJECT_DIRECTORIES")
			if tc.name == "path-needing-quotes" && !strings.HasPrefix(alt, `"`) {
				t.Fatalf("git did not quote the alternate: %s", alt)
			}
			packs := read("packs.txt")
			if got := strings.Contains(packs, ".pack"); got != tc.packed {
				t.Fatalf("quarantine packs = %q; want packed=%v", packs, tc.packed)
			}

			log := read("helper.log")
			if !strings.Contains(log, "helper exit 0") {
				t.Fatalf("helper failed:\n%s\n%s", log, read("result.txt"))
			}
			result := read("result.txt")
			want := strings.Fields(read("objects.txt"))
			var ids []string
			for _, f := range want {
				if len(f) == 40 {
					ids = append(ids, f)
				}
			}
			if len(ids) < tc.files+5 {
				t.Fatalf("only %d objects listed", len(ids))
			}
			for _, id := range ids {
				if !strings.Contains(result, "object "+id+" ok\n") {
					t.Fatalf("object %s not read in the quarantine:\n%s", id, result)
				}
			}
			if !strings.Contains(result, "primary "+filepath.Clean(qpath)+"\n") {
				t.Fatalf("primary directory is not the quarantine %s:\n%s", qpath, firstLines(result, 4))
			}
			if !strings.Contains(result, "alternate "+filepath.Join(server, "objects")+"\n") {
				t.Fatalf("the repository's objects are not an alternate:\n%s", firstLines(result, 4))
			}
			oldMain := g.run(local, "rev-parse", "main~1")
			if !strings.Contains(result, "main "+oldMain+"\n") {
				t.Fatalf("refs/heads/main should still be the old tip %s:\n%s", oldMain, firstLines(result, 4))
			}
			if !strings.Contains(result, "update-ref refused\n") {
				t.Fatalf("UpdateRef was not refused in the quarantine:\n%s", firstLines(result, 5))
			}
			// The quarantine is gone and the push left nothing behind.
			if _, err := os.Stat(qpath); !os.IsNotExist(err) {
				t.Fatalf("quarantine %s still exists", qpath)
			}
			if _, err := g.exec(server, nil, "", "cat-file", "-e", tip.String()); err == nil {
				t.Fatal("rejected commit reached the server")
			}
		})
	}
}

func envValue(env, key string) string {
	for _, line := range strings.Split(env, "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return v
		}
	}
	return ""
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

package agentcheck_test

// Tests of what a release ships that no package of the module owns: the
// container image (Dockerfile) and GoReleaser's configuration.
//
// No Docker engine runs here, so the image is not built: TestImageContents
// lays out the image's file system as a directory, the way its Dockerfile
// says, from the binaries GoReleaser built (AGENTCHECK_SNAPSHOT_DIST, the
// dist/ of make release-snapshot) or from a build of its own, and checks and
// runs what is in it; TestDockerfileLint lints the Dockerfile with BuildKit's
// own checks (those of docker build --check).

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// dockerfile is the image definition as the test understands it.
type dockerfile struct {
	from       string
	copies     []dockerCopy
	user       string
	entrypoint []string
	cmd        []string
}

type dockerCopy struct {
	srcs []string // in the build context, $TARGETPLATFORM substituted
	dest string
}

// parseDockerfile reads the instructions the image uses, and refuses any
// other: the test lays out only what it understands.
func parseDockerfile(t *testing.T, platform string) dockerfile {
	t.Helper()
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var d dockerfile
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "FROM":
			d.from = rest
		case "ARG":
			if rest != "TARGETPLATFORM" {
				t.Fatalf("Dockerfile:%d: ARG %s: the test knows only TARGETPLATFORM", n+1, rest)
			}
		case "COPY":
			f := strings.Fields(strings.ReplaceAll(rest, "$TARGETPLATFORM", platform))
			if len(f) < 2 || strings.HasPrefix(f[0], "--") {
				t.Fatalf("Dockerfile:%d: COPY %s: the test knows only COPY SRC... DEST", n+1, rest)
			}
			d.copies = append(d.copies, dockerCopy{srcs: f[:len(f)-1], dest: f[len(f)-1]})
		case "USER":
			d.user = rest
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(rest), &d.entrypoint); err != nil {
				t.Fatalf("Dockerfile:%d: ENTRYPOINT is not in exec (JSON) form: %v", n+1, err)
			}
		case "CMD":
			if err := json.Unmarshal([]byte(rest), &d.cmd); err != nil {
				t.Fatalf("Dockerfile:%d: CMD is not in exec (JSON) form: %v", n+1, err)
			}
		default:
			t.Fatalf("Dockerfile:%d: %s: the test does not know how to lay it out", n+1, instr)
		}
	}
	return d
}

// buildContext returns a GoReleaser build context for linux on this
// machine's architecture: PLATFORM/agentcheck and PLATFORM/agentcheck-hook.
func buildContext(t *testing.T, platform string) string {
	t.Helper()
	ctx := t.TempDir()
	dir := filepath.Join(ctx, filepath.FromSlash(platform))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dist := os.Getenv("AGENTCHECK_SNAPSHOT_DIST")
	for _, bin := range []string{"agentcheck", "agentcheck-hook"} {
		if dist != "" {
			matches, _ := filepath.Glob(filepath.Join(dist, bin+"_linux_"+runtime.GOARCH+"_*", bin))
			if len(matches) != 1 {
				t.Fatalf("%s has no one linux/%s %s: %v", dist, runtime.GOARCH, bin, matches)
			}
			copyFile(t, matches[0], filepath.Join(dir, bin), 0o755)
			continue
		}
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, bin), "./cmd/"+bin)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", bin, err, out)
		}
	}
	return ctx
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, mode); err != nil {
		t.Fatal(err)
	}
}

// TestImageContents lays out the image as a directory and checks it: an
// empty base with the two binaries and nothing else, both static, a
// non-root user, an entrypoint that runs with no environment at all, and
// the pre-receive gate working from it with no git on PATH.
func TestImageContents(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image is linux; its binaries run here only on linux")
	}
	platform := "linux/" + runtime.GOARCH
	d := parseDockerfile(t, platform)
	if d.from != "scratch" {
		t.Fatalf("FROM %s: the image is built on scratch (nothing to pin, nothing but the binaries)", d.from)
	}
	ctx := buildContext(t, platform)
	root := t.TempDir()
	for _, c := range d.copies {
		for _, src := range c.srcs {
			dest := filepath.Join(root, filepath.FromSlash(c.dest))
			if strings.HasSuffix(c.dest, "/") {
				dest = filepath.Join(dest, filepath.Base(src))
			}
			copyFile(t, filepath.Join(ctx, filepath.FromSlash(src)), dest, 0o755)
		}
	}

	var files []string
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(files)
	if want := []string{"usr/local/bin/agentcheck", "usr/local/bin/agentcheck-hook"}; !slices.Equal(files, want) {
		t.Errorf("the image holds %v, want %v", files, want)
	}
	for _, f := range files {
		if err := checkStatic(filepath.Join(root, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}

	uid, gid := parseUser(t, d.user)
	if uid == 0 || gid == 0 {
		t.Errorf("USER %s: the image must not run as root", d.user)
	}

	if len(d.entrypoint) == 0 || !slices.Contains(files, strings.TrimPrefix(d.entrypoint[0], "/")) {
		t.Fatalf("ENTRYPOINT %v is not a file of the image", d.entrypoint)
	}
	args := append(slices.Clone(d.entrypoint[1:]), d.cmd...)
	cmd := exec.Command(filepath.Join(root, d.entrypoint[0]), args...)
	cmd.Env = []string{} // scratch: no PATH, no HOME
	cmd.Dir = root
	if os.Getuid() == 0 {
		// As the image's user, which owns nothing: it only needs to reach
		// the binaries (the test's directories are the owner's alone).
		for _, dir := range []string{filepath.Dir(root), root, filepath.Join(root, "usr"), filepath.Join(root, "usr", "local"), filepath.Join(root, "usr", "local", "bin")} {
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "agentcheck ") {
		t.Fatalf("the image's default command (%v): %v\n%s", append(d.entrypoint, d.cmd...), err, out)
	}
	t.Logf("the image's default command: %s", strings.TrimSpace(string(out)))

	testPreReceiveFromImage(t, filepath.Join(root, "usr", "local", "bin", "agentcheck"))
}

// checkStatic fails for an ELF file with a program interpreter or a shared
// library: on scratch there are none.
func checkStatic(name string) error {
	f, err := elf.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dynamically linked (has a program interpreter)")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		return fmt.Errorf("needs shared libraries %v", libs)
	}
	return nil
}

func parseUser(t *testing.T, user string) (uid, gid int) {
	t.Helper()
	u, g, ok := strings.Cut(user, ":")
	var err1, err2 error
	uid, err1 = strconv.Atoi(u)
	gid, err2 = strconv.Atoi(g)
	if !ok || err1 != nil || err2 != nil {
		t.Fatalf("USER %q: want numeric UID:GID (scratch has no /etc/passwd)", user)
	}
	return uid, gid
}

// testPreReceiveFromImage installs the image's agentcheck as the
// pre-receive hook of a bare repository, with no git on the hook's PATH:
// a human commit is accepted, an agent commit without a manifest rejected.
func testPreReceiveFromImage(t *testing.T, agentcheck string) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Alice Dev", "GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice Dev", "GIT_COMMITTER_EMAIL=alice@example.com")
	git := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(dir string, args ...string) {
		t.Helper()
		if out, err := git(dir, args...); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	root := t.TempDir()
	bare, work := filepath.Join(root, "server.git"), filepath.Join(root, "work")
	must(root, "init", "-q", "--bare", "-b", "main", bare)
	hook := fmt.Sprintf("#!/bin/sh\nPATH=/nonexistent exec %q pre-receive\n", agentcheck)
	if err := os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	must(root, "init", "-q", "-b", "main", work)
	must(work, "commit", "-q", "--allow-empty", "-m", "a human commit")
	if out, err := git(work, "push", "-q", bare, "main"); err != nil {
		t.Fatalf("the gate rejected a human commit: %v\n%s", err, out)
	}
	must(work, "commit", "-q", "--allow-empty", "-m", "an agent commit\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	out, err := git(work, "push", bare, "main")
	if err == nil {
		t.Fatalf("the gate accepted an agent commit without a manifest:\n%s", out)
	}
	if !strings.Contains(out, "AC001") {
		t.Errorf("the rejection does not name AC001:\n%s", out)
	}
	t.Logf("pre-receive from the image's binary:\n%s", out)
}

// TestDockerfileLint lints the Dockerfile with BuildKit's checks, built from
// the tools module (tools/dockerfilecheck), and makes sure the linter can
// fail.
func TestDockerfileLint(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the linter is built from BuildKit's source")
	}
	lint := filepath.Join(t.TempDir(), "dockerfilecheck")
	if out, err := exec.Command("go", "-C", "tools", "build", "-o", lint, "./dockerfilecheck").CombinedOutput(); err != nil {
		t.Fatalf("building tools/dockerfilecheck: %v\n%s", err, out)
	}
	out, err := exec.Command(lint, "Dockerfile").CombinedOutput()
	if err != nil {
		t.Fatalf("dockerfilecheck Dockerfile: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))

	bad := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(bad, []byte("from scratch\nENTRYPOINT /usr/local/bin/agentcheck\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(lint, bad).CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("JSONArgsRecommended")) {
		t.Errorf("dockerfilecheck passed a Dockerfile with a shell-form ENTRYPOINT: %v\n%s", err, out)
	}
}

// TestSnapshotArchives checks a GoReleaser snapshot (AGENTCHECK_SNAPSHOT_DIST,
// the dist/ of make release-snapshot): an archive for each of linux, darwin
// and windows on amd64 and arm64 with both binaries and the README, each
// listed in checksums.txt with its sha256, and the linux binary for this
// machine stamped with the snapshot's version and commit.
func TestSnapshotArchives(t *testing.T) {
	dist := os.Getenv("AGENTCHECK_SNAPSHOT_DIST")
	if dist == "" {
		t.Skip("AGENTCHECK_SNAPSHOT_DIST is not set (make release-snapshot, then AGENTCHECK_SNAPSHOT_DIST=$PWD/dist)")
	}
	var meta struct{ Version, Commit string }
	data, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		if sum, name, ok := strings.Cut(line, "  "); ok {
			listed[name] = sum
		}
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, goarch := range []string{"amd64", "arm64"} {
			ext, exe := ".tar.gz", ""
			if goos == "windows" {
				ext, exe = ".zip", ".exe"
			}
			name := fmt.Sprintf("agentcheck_%s_%s_%s%s", meta.Version, goos, goarch, ext)
			if listed[name] == "" {
				t.Errorf("checksums.txt does not list %s", name)
				continue
			}
			var list []byte
			if ext == ".zip" {
				list, err = exec.Command("unzip", "-Z1", filepath.Join(dist, name)).Output()
			} else {
				list, err = exec.Command("tar", "-tzf", filepath.Join(dist, name)).Output()
			}
			if err != nil {
				t.Errorf("listing %s: %v", name, err)
				continue
			}
			for _, f := range []string{"agentcheck" + exe, "agentcheck-hook" + exe, "README.md"} {
				if !slices.Contains(strings.Fields(string(list)), f) {
					t.Errorf("%s has no %s: %s", name, f, list)
				}
			}
			if got, want := fileSum(t, filepath.Join(dist, name)), listed[name]; got != want {
				t.Errorf("%s: sha256 %s, checksums.txt says %s", name, got, want)
			}
		}
	}
	bins, _ := filepath.Glob(filepath.Join(dist, "agentcheck_linux_"+runtime.GOARCH+"_*", "agentcheck"))
	if runtime.GOOS == "linux" && len(bins) == 1 {
		out, err := exec.Command(bins[0], "version").Output()
		want := "agentcheck " + meta.Version + " (commit " + meta.Commit + ", built "
		if err != nil || !strings.HasPrefix(string(out), want) {
			t.Errorf("agentcheck version of the snapshot = %q, %v; want it to start %q", out, err, want)
		}
	}
}

func fileSum(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("sha256sum", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(out))[0]
}

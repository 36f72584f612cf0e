package action

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The Action's download path (action/install.sh) against a local file
// server that serves a release the way GitHub serves one
// (URL/TAG/FILE), and a bare git repository that stands for the action's
// own repository and its tags.
//
// With AGENTCHECK_SNAPSHOT_DIST set to the dist/ directory of
// "make release-snapshot", the server serves that GoReleaser snapshot:
// its archive names, checksums.txt and stamped binary. Without it, the test
// builds a release of its own for this machine, in GoReleaser's layout.

// release is a release served by the test server.
type release struct {
	dir     string // the release's files
	tag     string // e.g. v0.4.1-SNAPSHOT-1a2b3c4
	version string // the tag without "v"
	archive string // this machine's archive
}

func requireInstallTools(t *testing.T) {
	t.Helper()
	requireGit(t)
	for _, tool := range []string{"curl", "tar", "sha256sum", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("install.sh is tested on Linux and macOS runners' layout")
	}
}

// runnerOS and runnerArch are RUNNER_OS and RUNNER_ARCH of this machine.
func runnerOS() string {
	return map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
}

func runnerArch() string {
	return map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
}

// snapshotRelease returns the release to serve.
func snapshotRelease(t *testing.T) release {
	t.Helper()
	if dist := os.Getenv("AGENTCHECK_SNAPSHOT_DIST"); dist != "" {
		return goreleaserSnapshot(t, dist)
	}
	return builtRelease(t)
}

// goreleaserSnapshot reads GoReleaser's dist/metadata.json for the version.
func goreleaserSnapshot(t *testing.T, dist string) release {
	data, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatalf("AGENTCHECK_SNAPSHOT_DIST: %v", err)
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &meta); err != nil || meta.Version == "" {
		t.Fatalf("%s/metadata.json has no version: %v", dist, err)
	}
	r := release{dir: dist, tag: "v" + meta.Version, version: meta.Version,
		archive: fmt.Sprintf("agentcheck_%s_%s_%s.tar.gz", meta.Version, runtime.GOOS, runtime.GOARCH)}
	if _, err := os.Stat(filepath.Join(dist, r.archive)); err != nil {
		t.Fatalf("the snapshot has no archive for this machine: %v", err)
	}
	t.Logf("serving the GoReleaser snapshot in %s (%s)", dist, r.tag)
	return r
}

// builtBinary is the stamped agentcheck builtRelease archives: built once
// for all the tests that install a release (a build takes seconds), in
// sharedDir.
var builtBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(sharedDir, "agentcheck")
	build := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-X main.version="+builtVersion+" -X main.commit=1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d -X main.date=2026-11-26T10:00:00Z",
		"../cmd/agentcheck")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building agentcheck: %w\n%s", err, out)
	}
	return bin, nil
})

const builtVersion = "0.9.1-SNAPSHOT-1a2b3c4"

// sharedDir holds what the tests build once; TestMain removes it.
var sharedDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "action-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sharedDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// builtRelease builds agentcheck for this machine, stamped as GoReleaser
// stamps it, into an archive named as GoReleaser names it, with a
// checksums.txt.
func builtRelease(t *testing.T) release {
	const version = builtVersion
	dir := t.TempDir()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	r := release{dir: dir, tag: "v" + version, version: version,
		archive: fmt.Sprintf("agentcheck_%s_%s_%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)}
	writeTarGz(t, filepath.Join(dir, r.archive), bin)
	sum := fileSHA256(t, filepath.Join(dir, r.archive))
	if err := os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(sum+"  "+r.archive+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

func writeTarGz(t *testing.T, name, bin string) {
	t.Helper()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The fastest level: under -race the default one took 12 s an
	// archive, and install.sh reads any level alike.
	gz, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(gz)
	for _, file := range []struct {
		name string
		mode int64
		data []byte
	}{{"README.md", 0o644, []byte("# agentcheck\n")}, {"agentcheck", 0o755, data}} {
		if err := tw.WriteHeader(&tar.Header{Name: file.name, Mode: file.mode, Size: int64(len(file.data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(file.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
}

func fileSHA256(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// requestLog records the paths a server was asked for.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) add(p string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paths = append(l.paths, p)
}

// take returns the paths asked for since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.paths
	l.paths = nil
	return p
}

// releaseServer serves the releases by tag, as GitHub serves
// /OWNER/REPO/releases/download/TAG/FILE; anything else is 404. It records
// the files asked for.
func releaseServer(t *testing.T, releases map[string]string) (url string, asked *requestLog) {
	log := &requestLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		log.add(req.URL.Path)
		tag, file, ok := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
		dir, known := releases[tag]
		if !ok || !known || strings.Contains(file, "/") || strings.HasPrefix(file, ".") {
			http.NotFound(w, req)
			return
		}
		http.ServeFile(w, req, filepath.Join(dir, file))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, log
}

// actionRepo is a bare repository standing for the action's repository:
// the release tag (annotated) and a moving major tag on one commit, a tag
// v9.9.9 whose release was never published on the next, and a last commit
// on main with no tag. It returns its URL and the two
// commits.
func actionRepo(t *testing.T, env []string, tag string) (url, released, unreleased string) {
	root := t.TempDir()
	bare := filepath.Join(root, "action.git")
	work := filepath.Join(root, "work")
	run(t, env, root, "", "git", "init", "-q", "--bare", "-b", "main", bare)
	run(t, env, root, "", "git", "init", "-q", "-b", "main", work)
	run(t, env, work, "", "git", "commit", "-q", "--allow-empty", "-m", "release")
	released = run(t, env, work, "", "git", "rev-parse", "HEAD")
	run(t, env, work, "", "git", "tag", "-a", "-m", tag, tag)
	run(t, env, work, "", "git", "tag", "v0") // a lightweight major tag
	run(t, env, work, "", "git", "commit", "-q", "--allow-empty", "-m", "tagged, never released")
	run(t, env, work, "", "git", "tag", "-a", "-m", "v9.9.9", "v9.9.9")
	run(t, env, work, "", "git", "commit", "-q", "--allow-empty", "-m", "unreleased")
	unreleased = run(t, env, work, "", "git", "rev-parse", "HEAD")
	run(t, env, work, "", "git", "push", "-q", "--tags", bare, "main")
	return "file://" + bare, released, unreleased
}

// installRun runs install.sh STEP with the action's environment and
// returns its outputs, stderr and error.
func installRun(t *testing.T, env []string, step string, vars map[string]string) (outputs map[string]string, stderr string, err error) {
	t.Helper()
	script, _ := filepath.Abs("install.sh")
	actionPath, _ := filepath.Abs("..")
	out := filepath.Join(t.TempDir(), "github_output")
	cmd := exec.Command("bash", script, step)
	cmd.Env = append(env, "GITHUB_OUTPUT="+out, "GITHUB_ACTION_PATH="+actionPath,
		"RUNNER_OS="+runnerOS(), "RUNNER_ARCH="+runnerArch())
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	cmd.Stdout = &errBuf
	err = cmd.Run()
	outputs = map[string]string{}
	data, _ := os.ReadFile(out)
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			outputs[k] = v // the last value of a key wins, as on GitHub
		}
	}
	return outputs, errBuf.String(), err
}

// TestInstallRelease: the action pinned to a release's commit (or its tag,
// or the moving major tag) downloads that release's archive for the
// runner, verifies it against checksums.txt, installs the stamped binary,
// and takes the archive from the cache the next time.
func TestInstallRelease(t *testing.T) {
	requireInstallTools(t)
	env := gitEnv(t)
	rel := snapshotRelease(t)
	repoURL, released, _ := actionRepo(t, env, rel.tag)
	url, asked := releaseServer(t, map[string]string{rel.tag: rel.dir})

	for _, ref := range []string{released, rel.tag, "v0"} {
		t.Run(ref, func(t *testing.T) {
			out, stderr, err := installRun(t, env, "resolve", map[string]string{
				"AGENTCHECK_ACTION_REF": ref, "AGENTCHECK_ACTION_REPO_URL": repoURL})
			if err != nil {
				t.Fatalf("resolve: %v\n%s", err, stderr)
			}
			if out["source"] != "false" || out["tag"] != rel.tag || out["archive"] != rel.archive {
				t.Fatalf("resolve %s: outputs %v, want tag %s and archive %s\n%s", ref, out, rel.tag, rel.archive, stderr)
			}
		})
	}

	cache, dir := t.TempDir(), t.TempDir()
	vars := map[string]string{"AGENTCHECK_TAG": rel.tag, "AGENTCHECK_ARCHIVE": rel.archive,
		"AGENTCHECK_RELEASES_URL": url, "AGENTCHECK_CACHE_DIR": cache, "AGENTCHECK_INSTALL_DIR": dir}
	out, stderr, err := installRun(t, env, "install", vars)
	if err != nil || out["source"] != "false" {
		t.Fatalf("install: %v, outputs %v\n%s", err, out, stderr)
	}
	t.Logf("install.sh install:\n%s", stderr)
	if !strings.Contains(stderr, "verified "+rel.archive+" (sha256 ") {
		t.Errorf("install did not report the verification:\n%s", stderr)
	}
	got := run(t, env, "", "", filepath.Join(dir, "agentcheck"), "version")
	if !strings.HasPrefix(got, "agentcheck "+rel.version+" (commit ") {
		t.Errorf("the installed agentcheck says %q, want version %s and its commit", got, rel.version)
	}

	// The cache now holds the archive: only checksums.txt is downloaded,
	// and the cached archive is verified like a download.
	asked.take()
	if _, stderr, err := installRun(t, env, "install", vars); err != nil || !strings.Contains(stderr, "from the cache") {
		t.Fatalf("install from the cache: %v\n%s", err, stderr)
	}
	if got, want := asked.take(), []string{"/" + rel.tag + "/checksums.txt"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("install with a cached archive asked for %v, want only %v", got, want)
	}
}

// TestInstallChecksumMismatch: an archive whose sha256 is not the one in
// checksums.txt fails the step with a clear error, is not installed and
// is dropped from the cache — a download and a tampered cache alike.
func TestInstallChecksumMismatch(t *testing.T) {
	requireInstallTools(t)
	env := gitEnv(t)
	rel := snapshotRelease(t)
	tampered := t.TempDir()
	data, err := os.ReadFile(filepath.Join(rel.dir, rel.archive))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(rel.dir, "checksums.txt"))
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 0xff
	for name, content := range map[string][]byte{rel.archive: bad, "checksums.txt": sums} {
		if err := os.WriteFile(filepath.Join(tampered, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name   string
		served string // the release directory served
		cached []byte // an archive already in the cache
	}{
		{"download", tampered, nil},
		{"cache", rel.dir, bad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := releaseServer(t, map[string]string{rel.tag: tc.served})
			cache, dir := t.TempDir(), t.TempDir()
			if tc.cached != nil {
				if err := os.WriteFile(filepath.Join(cache, rel.archive), tc.cached, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, stderr, err := installRun(t, env, "install", map[string]string{"AGENTCHECK_TAG": rel.tag, "AGENTCHECK_ARCHIVE": rel.archive,
				"AGENTCHECK_RELEASES_URL": url, "AGENTCHECK_CACHE_DIR": cache, "AGENTCHECK_INSTALL_DIR": dir})
			if err == nil {
				t.Fatalf("install of a tampered archive succeeded:\n%s", stderr)
			}
			t.Logf("install.sh install:\n%s", stderr)
			for _, want := range []string{
				"::error title=agentcheck install::checksum mismatch for " + rel.archive + " of release " + rel.tag,
				"agentcheck: error: checksum mismatch for " + rel.archive,
				"agentcheck: hint: ",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("the failure does not say %q:\n%s", want, stderr)
				}
			}
			if out["source"] == "true" {
				t.Error("a checksum mismatch fell back to a source build; it must fail")
			}
			if _, err := os.Stat(filepath.Join(dir, "agentcheck")); err == nil {
				t.Error("the tampered agentcheck was installed")
			}
			if _, err := os.Stat(filepath.Join(cache, rel.archive)); err == nil {
				t.Error("the tampered archive stayed in the cache")
			}
		})
	}
}

// TestInstallFromSource: a ref without a release — a commit no release tag
// points at, a branch, a local action, a release tag whose files are not
// there (404), a runner without a release build — is built from the
// action's source.
func TestInstallFromSource(t *testing.T) {
	requireInstallTools(t)
	env := gitEnv(t)
	repoURL, _, unreleased := actionRepo(t, env, "v0.9.1")
	url, _ := releaseServer(t, map[string]string{})

	for _, tc := range []struct{ name, ref, arch string }{
		{"unreleased commit", unreleased, ""},
		{"branch", "main", ""},
		{"local action", "", ""},
		{"32-bit runner", "v0.9.1", "X86"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"AGENTCHECK_ACTION_REF": tc.ref, "AGENTCHECK_ACTION_REPO_URL": repoURL}
			if tc.arch != "" {
				vars["RUNNER_ARCH"] = tc.arch
			}
			out, stderr, err := installRun(t, env, "resolve", vars)
			if err != nil || out["source"] != "true" || out["tag"] != "" {
				t.Errorf("resolve %q: %v, outputs %v; want a source build\n%s", tc.ref, err, out, stderr)
			}
		})
	}

	// v9.9.9 is a release tag without a release: the archive is not found.
	out, stderr, err := installRun(t, env, "resolve", map[string]string{"AGENTCHECK_ACTION_REF": "v9.9.9", "AGENTCHECK_ACTION_REPO_URL": repoURL})
	if err != nil || out["tag"] != "v9.9.9" {
		t.Fatalf("resolve v9.9.9: %v, outputs %v\n%s", err, out, stderr)
	}
	dir := t.TempDir()
	out, stderr, err = installRun(t, env, "install", map[string]string{"AGENTCHECK_TAG": out["tag"], "AGENTCHECK_ARCHIVE": out["archive"],
		"AGENTCHECK_RELEASES_URL": url, "AGENTCHECK_CACHE_DIR": t.TempDir(), "AGENTCHECK_INSTALL_DIR": dir})
	if err != nil || out["source"] != "true" || !strings.Contains(stderr, "(HTTP 404): building from source") {
		t.Fatalf("install of a missing release: %v, outputs %v; want a source build\n%s", err, out, stderr)
	}

	// The source build: the action's own source, stamped by Go with its
	// commit when built from a checkout.
	_, stderr, err = installRun(t, os.Environ(), "build", map[string]string{"AGENTCHECK_INSTALL_DIR": dir})
	if err != nil {
		t.Fatalf("install.sh build: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(stderr, "agentcheck ") {
		t.Errorf("the source build's version line is %q", stderr)
	}
}

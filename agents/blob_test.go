package agents

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBlobIDGit compares BlobID with the ids git records when it adds the
// same files to its index (git ls-files -s), for regular files of several
// shapes and for symlinks.
func TestBlobIDGit(t *testing.T) {
	dir := realTempDir(t)
	git(t, dir, "init", "-q")
	git(t, dir, "config", "core.autocrlf", "false")
	git(t, dir, "config", "core.symlinks", "true")
	files := map[string][]byte{
		"empty":       nil,
		"text.txt":    []byte("hello\n"),
		"crlf.txt":    []byte("one\r\ntwo\r\n"),
		"no-eol.txt":  []byte("no newline at the end"),
		"binary.bin":  {0, 1, 2, 0xff, 0xfe, 0, '\n', 0},
		"large.txt":   bytes.Repeat([]byte("0123456789abcdef"), 1<<14), // 256 KiB
		"unicode.txt": []byte("héllo wörld ✓\n"),
	}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), string(content))
	}
	links := map[string]string{
		"link-rel":      "text.txt",
		"link-abs":      "/etc/hostname",
		"link-dangling": "does/not/exist",
		"link-dir":      "../",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "add", "-A")
	want := map[string]string{}
	for _, line := range strings.Split(git(t, dir, "ls-files", "-s"), "\n") {
		// 100644 <sha> 0\t<path>
		meta, path, _ := strings.Cut(line, "\t")
		fields := strings.Fields(meta)
		want[path] = fields[1]
	}
	if len(want) != len(files)+len(links) {
		t.Fatalf("git indexed %d files, want %d", len(want), len(files)+len(links))
	}
	for path, id := range want {
		got, err := BlobID(filepath.Join(dir, path))
		if err != nil {
			t.Errorf("BlobID(%s): %v", path, err)
			continue
		}
		if got != id {
			t.Errorf("BlobID(%s) = %s, git says %s", path, got, id)
		}
	}
	// git hash-object agrees for a regular file outside any index.
	if got, want := blobOf(files["text.txt"]), git(t, dir, "hash-object", "--no-filters", "text.txt"); got != want {
		t.Errorf("blobOf(hello) = %s, git hash-object says %s", got, want)
	}
}

func TestBlobIDErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := BlobID(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("BlobID(missing) error = %v, want fs.ErrNotExist", err)
	}
	if _, err := BlobID(dir); !errors.Is(err, errNotBlob) {
		t.Errorf("BlobID(directory) error = %v, want errNotBlob", err)
	}
	if _, err := BlobID(os.DevNull); !errors.Is(err, errNotBlob) {
		t.Errorf("BlobID(%s) error = %v, want errNotBlob", os.DevNull, err)
	}
}

package agents

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
)

// errNotBlob is returned by BlobID for a path git would not store as a blob
// (a directory, a device, a FIFO).
var errNotBlob = errors.New("not a regular file or symlink")

// BlobID returns the git blob id (SHA-1) of the file at path as git would
// store it with no filters applied (git hash-object --no-filters): the
// content of a regular file, the target of a symlink. A missing file is an
// error satisfying errors.Is(err, fs.ErrNotExist). The cost is one read of
// the file; nothing else in the repository is touched.
func BlobID(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("hashing symlink %s: %w", path, err)
		}
		return blobOf([]byte(target)), nil
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("hashing %s: %w", path, errNotBlob)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("hashing %s: %w", path, errNotBlob)
	}
	// Stream the content under the size git's header declares; if the file
	// changed size meanwhile, hash what a single read returns instead.
	size := fi.Size()
	h := blobHasher(size)
	n, err := io.Copy(h, io.LimitReader(f, size+1))
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	if n == size {
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return blobOf(b), nil
}

func blobHasher(size int64) hash.Hash {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.FormatInt(size, 10) + "\x00"))
	return h
}

func blobOf(b []byte) string {
	h := blobHasher(int64(len(b)))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

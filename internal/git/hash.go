package git

import "github.com/go-git/go-git/v5/plumbing"

// Hash is an object id. It is go-git's type, so that the object model of
// go-git (packfile and loose-object decoding) and this package share ids
// without conversion.
type Hash = plumbing.Hash

// ZeroHash is the zero object id: "no object" in refs, diffs and ref updates.
var ZeroHash Hash

// ObjectType is the type of a git object; go-git's, as Hash is.
type ObjectType = plumbing.ObjectType

// The types of git objects.
const (
	CommitObject = plumbing.CommitObject
	TreeObject   = plumbing.TreeObject
	BlobObject   = plumbing.BlobObject
	TagObject    = plumbing.TagObject
)

// ParseHash parses an object id written as 40 hex digits of either case, as
// git reads ids from refs, the shallow file, notes trees and hook input.
func ParseHash(s string) (Hash, bool) {
	var h Hash
	return h, decodeHex(h[:], s)
}

// parseObjectID parses an id in an object's header (the tree, parent and
// object lines of commits and tags): 40 lower-case hex digits, as git writes
// them. Anything else is a malformed object; the checker fails closed on it
// rather than guess.
func parseObjectID(b []byte) (Hash, bool) {
	for _, c := range b {
		if 'A' <= c && c <= 'F' {
			return ZeroHash, false
		}
	}
	var h Hash
	return h, decodeHex(h[:], b)
}

// decodeHex decodes hex digits of either case into dst, which must be
// exactly half as long as src.
func decodeHex[S ~string | ~[]byte](dst []byte, src S) bool {
	if len(src) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := unhex(src[2*i])
		lo, ok2 := unhex(src[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

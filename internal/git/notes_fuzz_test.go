package git

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// FuzzLoadNotes feeds hostile notes trees — what anyone who can push
// refs/notes/agentcheck controls — to LoadNotes and Read. They must fail
// with an error or read notes, never panic or loop.
func FuzzLoadNotes(f *testing.F) {
	note := plumbing.ComputeHash(plumbing.BlobObject, []byte("a note\n"))
	f.Add([]byte("100644 0123456789abcdef0123456789abcdef01234567\x00" + string(note[:])))
	f.Add([]byte("40000 01\x00" + string(note[:])))
	f.Add([]byte("100644 x\x00"))
	f.Fuzz(func(t *testing.T, tree []byte) {
		st := mustOpenStore(t, t.TempDir())
		put := func(typ plumbing.ObjectType, data []byte) plumbing.Hash {
			h, err := st.Write(typ, data)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		put(plumbing.BlobObject, []byte("a note\n")) // the seeds' note blob
		treeHash := put(plumbing.TreeObject, tree)
		commit := put(plumbing.CommitObject, fmt.Appendf(nil, "tree %s\nauthor a <a> 0 +0000\ncommitter a <a> 0 +0000\n\nnotes\n", treeHash))
		n, err := LoadNotes(st, commit)
		if err != nil {
			return
		}
		lazy, err := OpenNotes(st, commit)
		if err != nil {
			t.Fatalf("OpenNotes: %v", err)
		}
		for _, c := range n.Commits() {
			want, wantErr := n.Read(c, 1<<20)
			got, err := lazy.Read(c, 1<<20)
			if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
				t.Fatalf("note for %s: OpenNotes reads %q, %v; LoadNotes %q, %v", c, got, err, want, wantErr)
			}
		}
	})
}

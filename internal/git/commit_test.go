package git

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

const (
	treeHex   = "4b825dc642cb6eb9a060e54bf8d69288fbca4904"
	parentHex = "1111111111111111111111111111111111111111"
)

func TestParseCommit(t *testing.T) {
	raw := "tree " + treeHex + "\n" +
		"parent " + parentHex + "\n" +
		"parent 2222222222222222222222222222222222222222\n" +
		"author A U Thor <author@example.com> 1700000000 +0130\n" +
		"committer C O Mitter <committer@example.com> 1700000060 -0700\n" +
		"gpgsig -----BEGIN PGP SIGNATURE-----\n \n author Evil <evil@example.com> 1 +0000\n -----END PGP SIGNATURE-----\n" +
		"author Second <second@example.com> 5 +0000\n" +
		"\n" +
		"Subject\n\nBody.\n"
	c, err := ParseCommit(plumbing.ZeroHash, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := &Commit{
		Tree:      plumbing.NewHash(treeHex),
		Parents:   []plumbing.Hash{plumbing.NewHash(parentHex), plumbing.NewHash("2222222222222222222222222222222222222222")},
		Author:    Signature{"A U Thor", "author@example.com", time.Unix(1700000000, 0).In(time.FixedZone("+0130", 90*60))},
		Committer: Signature{"C O Mitter", "committer@example.com", time.Unix(1700000060, 0).In(time.FixedZone("-0700", -7*3600))},
		Message:   "Subject\n\nBody.\n",
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseCommitQuirks(t *testing.T) {
	head := "tree " + treeHex + "\n"
	tests := []struct {
		name    string
		raw     string
		wantErr bool
		check   func(t *testing.T, c *Commit)
	}{
		{name: "empty", raw: "", wantErr: true},
		{name: "no tree", raw: "parent " + parentHex + "\n", wantErr: true},
		{name: "upper-case tree", raw: "tree " + strings.ToUpper(treeHex) + "\n", wantErr: true},
		{name: "short tree", raw: "tree " + treeHex[:39] + "\n", wantErr: true},
		{name: "tree without newline", raw: "tree " + treeHex, wantErr: true},
		{name: "bad parent", raw: head + "parent xyz\n", wantErr: true},
		{name: "parent after author is not a parent", raw: head + "author A <a> 1 +0000\nparent " + parentHex + "\n\nmsg",
			check: func(t *testing.T, c *Commit) {
				if len(c.Parents) != 0 {
					t.Errorf("parents %v", c.Parents)
				}
			}},
		{name: "no message", raw: head + "author A <a> 1 +0000\n",
			check: func(t *testing.T, c *Commit) {
				if c.Message != "" || c.Author.Name != "A" {
					t.Errorf("got %+v", c)
				}
			}},
		{name: "ident without email", raw: head + "author Just A Name\n\n",
			check: func(t *testing.T, c *Commit) {
				if c.Author.Name != "Just A Name" || c.Author.Email != "" || c.Author.When.Unix() != 0 {
					t.Errorf("got %+v", c.Author)
				}
			}},
		{name: "ident with broken date", raw: head + "committer A <a@b> yesterday +0000\n\n",
			check: func(t *testing.T, c *Commit) {
				if c.Committer.Email != "a@b" || c.Committer.When.Unix() != 0 {
					t.Errorf("got %+v", c.Committer)
				}
			}},
		{name: "extra > in email", raw: head + "committer A <a>b> 42 +0000\n\n",
			check: func(t *testing.T, c *Commit) {
				if c.Committer.Email != "a" || c.Committer.When.Unix() != 42 {
					t.Errorf("got %+v", c.Committer)
				}
			}},
		{name: "huge date", raw: head + "committer A <a> 99999999999999999999999 +0000\n\n",
			check: func(t *testing.T, c *Commit) {
				if c.Committer.When.Unix() != 0 {
					t.Errorf("got %+v", c.Committer)
				}
			}},
		{name: "bad zone", raw: head + "committer A <a> 42 +01:00\n\n",
			check: func(t *testing.T, c *Commit) {
				if c.Committer.When.Unix() != 42 {
					t.Errorf("got %+v", c.Committer)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCommit(plumbing.ZeroHash, []byte(tt.raw))
			if tt.wantErr {
				if !errors.Is(err, ErrMalformedCommit) {
					t.Fatalf("err = %v, want ErrMalformedCommit", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestTrailers(t *testing.T) {
	tests := []struct {
		msg  string
		want []string
	}{
		{"Subject only: not a trailer\n", nil},
		{"Subject\n\nBody.\n", nil},
		{"Subject\n\nBody.\n\nAgent-Session: claude-code/123\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
			[]string{"Agent-Session: claude-code/123", "Co-Authored-By: Claude <noreply@anthropic.com>"}},
		{"Subject\n\nSigned-off-by: A <a@b>\nsome prose in between\nCo-authored-by: Cursor <c@d>\n\n\n",
			[]string{"Signed-off-by: A <a@b>", "Co-authored-by: Cursor <c@d>"}},
		{"Subject\n\nAgent-Session: x\n\nLast paragraph has none.\n", nil},
		{"Subject\n\nSee http://example.com and Key:value\n", nil},
		{"Subject\n\n  Indented-Key: v  \r\n", []string{"Indented-Key: v"}},
		{"Subject\n\nEmpty-Value:\n", []string{"Empty-Value:"}},
		{"Subject\n\nWith Space: no\n", nil},
		{"", nil},
	}
	for _, tt := range tests {
		c := &Commit{Message: tt.msg}
		if got := c.Trailers(); !slices.Equal(got, tt.want) {
			t.Errorf("Trailers(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// TestParseCommitMatchesGoGit parses every commit of random histories and
// compares with go-git's decoder.
func TestParseCommitMatchesGoGit(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	h, _ := randomHistory(rng, 60, true)
	dir := initRepo(t)
	ids := h.write(t, dir)
	r := openRepo(t, dir).Objects
	for m := 1; m <= h.marks; m++ {
		c := readCommit(t, r, ids[m])
		_, data, err := r.Read(ids[m])
		if err != nil {
			t.Fatal(err)
		}
		obj := &plumbing.MemoryObject{}
		obj.SetType(plumbing.CommitObject)
		obj.Write(data)
		g := &object.Commit{}
		if err := g.Decode(obj); err != nil {
			t.Fatal(err)
		}
		if c.Tree != g.TreeHash || !slices.Equal(c.Parents, g.ParentHashes) || c.Message != g.Message ||
			c.Author.Name != g.Author.Name || c.Author.Email != g.Author.Email || !c.Author.When.Equal(g.Author.When) ||
			c.Committer.Name != g.Committer.Name || c.Committer.Email != g.Committer.Email || !c.Committer.When.Equal(g.Committer.When) {
			t.Errorf("commit %s: ours %+v, go-git %+v", c.Hash, c, g)
		}
		if _, off := c.Author.When.Zone(); off != 3600 {
			t.Errorf("commit %s: author zone offset %d, want 3600", c.Hash, off)
		}
	}
}

func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree " + treeHex + "\nparent " + parentHex + "\nauthor A <a@b> 1 +0000\ncommitter C <c@d> 2 -0100\n\nmsg\n\nKey: v\n"))
	f.Add([]byte("tree " + treeHex + "\n\n"))
	f.Add([]byte("tree " + treeHex + "\nauthor <> \ncommitter >< 1 1\n\n\n\nA: b\n"))
	f.Add([]byte("tree " + treeHex + "\ncommitter a <b> 99999999999999999999 +9999\n"))
	f.Add([]byte("tree\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCommit(plumbing.ZeroHash, data)
		if err != nil {
			if !errors.Is(err, ErrMalformedCommit) {
				t.Fatalf("error %v does not wrap ErrMalformedCommit", err)
			}
			return
		}
		// What parsed must be in the data.
		if !bytes.HasPrefix(data, []byte("tree "+c.Tree.String()+"\n")) {
			t.Fatalf("tree %s is not the first line", c.Tree)
		}
		for _, p := range c.Parents {
			if !bytes.Contains(data, []byte("\nparent "+p.String()+"\n")) {
				t.Fatalf("parent %s not in data", p)
			}
		}
		if !bytes.HasSuffix(data, []byte(c.Message)) {
			t.Fatalf("message %q is not the end of the data", c.Message)
		}
		for _, s := range []Signature{c.Author, c.Committer} {
			if !bytes.Contains(data, []byte(s.Name)) || !bytes.Contains(data, []byte(s.Email)) {
				t.Fatalf("signature %+v not in data", s)
			}
		}
		for _, tr := range c.Trailers() {
			if !isTrailer(tr) || !strings.Contains(c.Message, tr) {
				t.Fatalf("trailer %q", tr)
			}
		}
	})
}

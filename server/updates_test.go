package server

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

const (
	a40   = "1111111111111111111111111111111111111111"
	b40   = "abcdefabcdefabcdefabcdefabcdefabcdefabcd"
	z40   = "0000000000000000000000000000000000000000"
	z64   = "0000000000000000000000000000000000000000000000000000000000000000"
	a64   = "1111111111111111111111111111111111111111111111111111111111111111"
	upper = "ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD"
)

func TestParseUpdates(t *testing.T) {
	h := plumbing.NewHash
	for _, tc := range []struct {
		name  string
		in    string
		want  []Update
		err   error  // errors.Is target, nil for success
		inErr string // substring of the error
	}{
		{name: "empty", in: "", want: nil},
		{name: "update", in: a40 + " " + b40 + " refs/heads/main\n",
			want: []Update{{Old: h(a40), New: h(b40), Ref: "refs/heads/main"}}},
		{name: "no final newline", in: a40 + " " + b40 + " refs/heads/main",
			want: []Update{{Old: h(a40), New: h(b40), Ref: "refs/heads/main"}}},
		{name: "create, delete, tag, notes", in: z40 + " " + a40 + " refs/heads/new\n" + b40 + " " + z40 + " refs/heads/old\n" +
			z40 + " " + b40 + " refs/tags/v1.0\n" + a40 + " " + b40 + " refs/notes/agentcheck\n",
			want: []Update{
				{New: h(a40), Ref: "refs/heads/new"},
				{Old: h(b40), Ref: "refs/heads/old"},
				{New: h(b40), Ref: "refs/tags/v1.0"},
				{Old: h(a40), New: h(b40), Ref: "refs/notes/agentcheck"},
			}},
		{name: "upper-case hex", in: upper + " " + a40 + " refs/heads/x\n", want: []Update{{Old: h(b40), New: h(a40), Ref: "refs/heads/x"}}},
		{name: "non-ASCII ref", in: z40 + " " + a40 + " refs/heads/café\n", want: []Update{{New: h(a40), Ref: "refs/heads/café"}}},
		{name: "SHA-256 zero ids", in: z64 + " " + z64 + " refs/heads/x\n", want: []Update{{Ref: "refs/heads/x"}}},
		{name: "SHA-256 id", in: z64 + " " + a64 + " refs/heads/x\n", err: ErrSHA256},
		{name: "mixed lengths", in: z64 + " " + a40 + " refs/heads/x\n", err: ErrMalformedInput, inErr: "differ in length"},
		{name: "short id", in: "1234 " + a40 + " refs/heads/x\n", err: ErrMalformedInput},
		{name: "not hex", in: strings.Repeat("g", 40) + " " + a40 + " refs/heads/x\n", err: ErrMalformedInput, inErr: "not hex"},
		{name: "two fields", in: a40 + " " + b40 + "\n", err: ErrMalformedInput},
		{name: "tab separated", in: a40 + "\t" + b40 + "\trefs/heads/x\n", err: ErrMalformedInput},
		{name: "double space", in: a40 + "  " + b40 + " refs/heads/x\n", err: ErrMalformedInput},
		{name: "space in ref", in: a40 + " " + b40 + " refs/heads/a b\n", err: ErrMalformedInput, inErr: "invalid ref name"},
		{name: "CRLF", in: a40 + " " + b40 + " refs/heads/x\r\n", err: ErrMalformedInput},
		{name: "blank line", in: a40 + " " + b40 + " refs/heads/x\n\n", err: ErrMalformedInput, inErr: "line 2"},
		{name: "not under refs", in: a40 + " " + b40 + " HEAD\n", err: ErrMalformedInput},
		{name: "dot dot", in: a40 + " " + b40 + " refs/heads/../../config\n", err: ErrMalformedInput},
		{name: "lock", in: a40 + " " + b40 + " refs/heads/main.lock\n", err: ErrMalformedInput},
		{name: "control", in: a40 + " " + b40 + " refs/heads/\x1b[2J\n", err: ErrMalformedInput},
		{name: "twice", in: a40 + " " + b40 + " refs/heads/x\n" + b40 + " " + a40 + " refs/heads/x\n", err: ErrMalformedInput, inErr: "updated twice"},
		{name: "too long", in: a40 + " " + b40 + " refs/heads/" + strings.Repeat("x", maxLineLen) + "\n", err: ErrMalformedInput, inErr: "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseUpdates(strings.NewReader(tc.in))
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.inErr) {
					t.Fatalf("ParseUpdates: error %v, want %v containing %q", err, tc.err, tc.inErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseUpdates: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseUpdates (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateKinds(t *testing.T) {
	h := plumbing.NewHash
	if u := (Update{New: h(a40)}); !u.Created() || u.Deleted() {
		t.Errorf("%v: want a creation", u)
	}
	if u := (Update{Old: h(a40)}); u.Created() || !u.Deleted() {
		t.Errorf("%v: want a deletion", u)
	}
	if u := (Update{Old: h(a40), New: h(b40)}); u.Created() || u.Deleted() {
		t.Errorf("%v: want an update", u)
	}
}

// FuzzParseUpdates feeds hostile input to the parser. It must never panic;
// what it accepts must be what git could have written: valid ref names,
// each once, and it must read back the same from its own rendering.
func FuzzParseUpdates(f *testing.F) {
	for _, s := range []string{
		"",
		a40 + " " + b40 + " refs/heads/main\n",
		z40 + " " + a40 + " refs/tags/v1\n" + b40 + " " + z40 + " refs/heads/gone",
		z64 + " " + z64 + " refs/heads/x\n",
		z64 + " " + a64 + " refs/heads/x\n",
		a40 + " " + b40 + " refs/notes/agentcheck\n" + a40 + " " + b40 + " refs/notes/agentcheck\n",
		a40 + " " + b40 + " refs/heads/a..b\n",
		"\n\n\x00 \x00 \x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := ParseUpdates(strings.NewReader(string(in)))
		if err != nil {
			if !errors.Is(err, ErrMalformedInput) && !errors.Is(err, ErrSHA256) {
				t.Fatalf("error of an unexpected kind: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		var out strings.Builder
		for _, u := range got {
			if !ValidRefName(u.Ref) || seen[u.Ref] {
				t.Fatalf("accepted ref %q (seen before: %v)", u.Ref, seen[u.Ref])
			}
			seen[u.Ref] = true
			out.WriteString(u.String() + "\n")
		}
		again, err := ParseUpdates(strings.NewReader(out.String()))
		if err != nil {
			t.Fatalf("re-reading %q: %v", out.String(), err)
		}
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

package agents

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		patch string
		want  []PatchOp
	}{
		{
			name:  "add",
			patch: "*** Begin Patch\n*** Add File: docs/new.md\n+# New\n+\n+text\n*** End Patch\n",
			want:  []PatchOp{{Kind: PatchAdd, Path: "docs/new.md"}},
		},
		{
			name:  "add empty file",
			patch: "*** Begin Patch\n*** Add File: empty.txt\n*** End Patch",
			want:  []PatchOp{{Kind: PatchAdd, Path: "empty.txt"}},
		},
		{
			name: "update",
			patch: "*** Begin Patch\n*** Update File: src/main.go\n@@ func main() {\n" +
				" \tfmt.Println(\"a\")\n-\tos.Exit(1)\n+\tos.Exit(0)\n*** End of File\n*** End Patch",
			want: []PatchOp{{Kind: PatchUpdate, Path: "src/main.go"}},
		},
		{
			name:  "delete",
			patch: "*** Begin Patch\n*** Delete File: old.txt\n*** End Patch",
			want:  []PatchOp{{Kind: PatchDelete, Path: "old.txt"}},
		},
		{
			name:  "move",
			patch: "*** Begin Patch\n*** Update File: a/b.go\n*** Move to: c/d.go\n@@\n-x\n+y\n*** End Patch",
			want:  []PatchOp{{Kind: PatchUpdate, Path: "a/b.go", MoveTo: "c/d.go"}},
		},
		{
			name:  "move without hunks",
			patch: "*** Begin Patch\n*** Update File: a.go\n*** Move to: b.go\n*** End Patch",
			want:  []PatchOp{{Kind: PatchUpdate, Path: "a.go", MoveTo: "b.go"}},
		},
		{
			name: "several",
			patch: "*** Begin Patch\n*** Add File: x\n+1\n*** Delete File: y\n*** Update File: z\n@@\n-1\n+2\n" +
				"*** Update File: m\n*** Move to: n\n@@\n 1\n*** End Patch",
			want: []PatchOp{
				{Kind: PatchAdd, Path: "x"},
				{Kind: PatchDelete, Path: "y"},
				{Kind: PatchUpdate, Path: "z"},
				{Kind: PatchUpdate, Path: "m", MoveTo: "n"},
			},
		},
		{
			name:  "CRLF",
			patch: "*** Begin Patch\r\n*** Update File: win.txt\r\n@@\r\n-a\r\n+b\r\n*** Delete File: gone.txt\r\n*** End Patch\r\n",
			want:  []PatchOp{{Kind: PatchUpdate, Path: "win.txt"}, {Kind: PatchDelete, Path: "gone.txt"}},
		},
		{
			name:  "heredoc",
			patch: "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: h.txt\n+hi\n*** End Patch\nEOF\n",
			want:  []PatchOp{{Kind: PatchAdd, Path: "h.txt"}},
		},
		{
			name:  "blank-padded markers",
			patch: "  *** Begin Patch  \n*** Update File:  spaced name.go  \n@@\n-a\n+b\n  *** End Patch",
			want:  []PatchOp{{Kind: PatchUpdate, Path: "spaced name.go"}},
		},
		{
			name:  "absolute and parent paths are kept as written",
			patch: "*** Begin Patch\n*** Add File: /tmp/x\n+1\n*** Delete File: ../y\n*** End Patch",
			want:  []PatchOp{{Kind: PatchAdd, Path: "/tmp/x"}, {Kind: PatchDelete, Path: "../y"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePatch(tc.patch)
			if err != nil {
				t.Fatalf("ParsePatch: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ops (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePatchMalformed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		patch   string
		want    []PatchOp // the operations read before the error
		errText string
	}{
		{"empty", "", nil, "no \"*** Begin Patch\""},
		{"unified diff", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", nil, "no \"*** Begin Patch\""},
		{"no end", "*** Begin Patch\n*** Update File: a.go\n@@\n-a\n+b\n", []PatchOp{{Kind: PatchUpdate, Path: "a.go"}}, "no \"*** End Patch\""},
		{"no path", "*** Begin Patch\n*** Add File: \n+x\n*** End Patch", nil, "add with no path"},
		{"no path, no blank", "*** Begin Patch\n*** Delete File:\n*** End Patch", nil, "delete with no path"},
		{"unknown marker", "*** Begin Patch\n*** Rename File: a\n*** End Patch", nil, "unknown marker"},
		{"content before header", "*** Begin Patch\n+orphan\n*** End Patch", nil, "before the first file header"},
		{"add line without plus", "*** Begin Patch\n*** Add File: a\nno plus\n*** End Patch", []PatchOp{{Kind: PatchAdd, Path: "a"}}, "does not start with '+'"},
		{"hunk line", "*** Begin Patch\n*** Update File: a\n@@\n?x\n*** End Patch", []PatchOp{{Kind: PatchUpdate, Path: "a"}}, "hunk line"},
		{"move after hunk", "*** Begin Patch\n*** Add File: a\n+1\n*** Move to: b\n*** End Patch", []PatchOp{{Kind: PatchAdd, Path: "a"}}, "Move to"},
		{"two moves", "*** Begin Patch\n*** Update File: a\n*** Move to: b\n*** Move to: c\n*** End Patch", []PatchOp{{Kind: PatchUpdate, Path: "a", MoveTo: "b"}}, "Move to"},
		{"content after delete", "*** Begin Patch\n*** Delete File: a\n-x\n*** End Patch", []PatchOp{{Kind: PatchDelete, Path: "a"}}, "content after"},
		{"end of file outside update", "*** Begin Patch\n*** End of File\n*** End Patch", nil, "outside an update"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePatch(tc.patch)
			if !errors.Is(err, ErrMalformedPatch) {
				t.Fatalf("ParsePatch error = %v, want ErrMalformedPatch", err)
			}
			if !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("error %q does not mention %q", err, tc.errText)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ops read before the error (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParsePatch(f *testing.F) {
	f.Add("*** Begin Patch\n*** Add File: a\n+1\n*** Update File: b\n*** Move to: c\n@@\n-x\n+y\n*** Delete File: d\n*** End Patch")
	f.Add("*** Begin Patch\r\n*** Update File: a\r\n*** End Patch\r\n")
	f.Add("*** Begin Patch\n*** Move to: x\n")
	f.Fuzz(func(t *testing.T, patch string) {
		ops, err := ParsePatch(patch)
		if err != nil && !errors.Is(err, ErrMalformedPatch) {
			t.Fatalf("error %v does not wrap ErrMalformedPatch", err)
		}
		for _, op := range ops {
			if strings.TrimSpace(op.Path) != op.Path || op.Path == "" {
				t.Errorf("op path %q", op.Path)
			}
			if op.MoveTo != "" && op.Kind != PatchUpdate {
				t.Errorf("%v op with a move", op.Kind)
			}
			if op.Kind < PatchAdd || op.Kind > PatchDelete {
				t.Errorf("op kind %v", op.Kind)
			}
		}
	})
}

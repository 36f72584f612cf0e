package agents

import (
	"errors"
	"fmt"
	"strings"
)

// PatchKind is what a patch does to one file.
type PatchKind int

// Kinds of [PatchOp].
const (
	PatchAdd PatchKind = iota + 1
	PatchUpdate
	PatchDelete
)

func (k PatchKind) String() string {
	switch k {
	case PatchAdd:
		return "add"
	case PatchUpdate:
		return "update"
	case PatchDelete:
		return "delete"
	}
	return fmt.Sprintf("PatchKind(%d)", int(k))
}

// PatchOp is one file section of an apply_patch patch. Paths are as
// written in the patch (relative to the agent's working directory, or
// absolute).
type PatchOp struct {
	Kind   PatchKind
	Path   string
	MoveTo string // PatchUpdate only: the file is renamed to MoveTo
}

// ErrMalformedPatch is wrapped by ParsePatch's errors.
var ErrMalformedPatch = errors.New("malformed patch")

// Patch envelope markers (codex-rs/apply-patch).
const (
	patchBegin  = "*** Begin Patch"
	patchEnd    = "*** End Patch"
	patchAdd    = "*** Add File: "
	patchDelete = "*** Delete File: "
	patchUpdate = "*** Update File: "
	patchMove   = "*** Move to: "
	patchEOF    = "*** End of File"
)

// ParsePatch returns the file operations of a patch in the apply_patch
// format used by Codex and OpenCode:
//
//	*** Begin Patch
//	*** Add File: PATH        followed by "+" lines
//	*** Delete File: PATH
//	*** Update File: PATH
//	*** Move to: NEWPATH      optional, right after Update
//	@@ …                      hunks of " ", "-" and "+" lines
//	*** End Patch
//
// Text before "*** Begin Patch" (such as "apply_patch <<'EOF'") and after
// "*** End Patch" is ignored, CRLF line ends are accepted and marker lines
// may carry surrounding blanks, as Codex's own lenient parser allows. Only
// the file headers are read; hunk content is checked for shape, never
// applied. On a malformed patch ParsePatch returns the operations read so
// far together with an error wrapping ErrMalformedPatch, so that an
// enforcement caller still sees every path the patch names.
func ParsePatch(text string) ([]PatchOp, error) {
	lines := strings.Split(text, "\n")
	i := 0
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == patchBegin {
			break
		}
	}
	if i == len(lines) {
		return nil, fmt.Errorf("%w: no %q line", ErrMalformedPatch, patchBegin)
	}
	var (
		ops []PatchOp
		cur *PatchOp // the section being read
	)
	bad := func(n int, format string, args ...any) ([]PatchOp, error) {
		return ops, fmt.Errorf("%w: line %d: %s", ErrMalformedPatch, n+1, fmt.Sprintf(format, args...))
	}
	for i++; i < len(lines); i++ {
		raw := strings.TrimSuffix(lines[i], "\r")
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "***") {
			marker := line + " " // so "*** Delete File:" with no path still matches its prefix
			switch {
			case line == patchEnd:
				return ops, nil
			case line == patchEOF:
				if cur == nil || cur.Kind != PatchUpdate {
					return bad(i, "%q outside an update", patchEOF)
				}
				continue
			case strings.HasPrefix(marker, patchMove):
				if cur == nil || cur.Kind != PatchUpdate || cur.MoveTo != "" {
					return bad(i, "%q not right after %q", patchMove, strings.TrimSpace(patchUpdate))
				}
				if cur.MoveTo = strings.TrimSpace(line[len(patchMove)-1:]); cur.MoveTo == "" {
					return bad(i, "move with no path")
				}
				continue
			}
			var kind PatchKind
			var rest string
			switch {
			case strings.HasPrefix(marker, patchAdd):
				kind, rest = PatchAdd, line[len(patchAdd)-1:]
			case strings.HasPrefix(marker, patchDelete):
				kind, rest = PatchDelete, line[len(patchDelete)-1:]
			case strings.HasPrefix(marker, patchUpdate):
				kind, rest = PatchUpdate, line[len(patchUpdate)-1:]
			default:
				return bad(i, "unknown marker %q", line)
			}
			path := strings.TrimSpace(rest)
			if path == "" {
				return bad(i, "%s with no path", kind)
			}
			ops = append(ops, PatchOp{Kind: kind, Path: path})
			cur = &ops[len(ops)-1]
			continue
		}
		switch {
		case cur == nil:
			if line != "" {
				return bad(i, "content before the first file header")
			}
		case cur.Kind == PatchAdd:
			if raw != "" && raw[0] != '+' {
				return bad(i, "added file line does not start with '+'")
			}
		case cur.Kind == PatchDelete:
			if line != "" {
				return bad(i, "content after %q", strings.TrimSpace(patchDelete))
			}
		case cur.Kind == PatchUpdate:
			if raw != "" && !strings.HasPrefix(raw, "@@") && !strings.ContainsRune(" -+", rune(raw[0])) {
				return bad(i, "hunk line does not start with ' ', '-', '+' or '@@'")
			}
		}
	}
	return bad(len(lines)-1, "no %q line", patchEnd)
}

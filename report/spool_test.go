package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSpool: what is written comes back whole, from a temporary file that
// Close removes, or from memory when no temporary file can be made.
func TestSpool(t *testing.T) {
	for _, tmp := range []string{t.TempDir(), filepath.Join(t.TempDir(), "missing")} {
		t.Setenv("TMPDIR", tmp)
		var s Spool
		for _, p := range []string{"one ", "two ", "three"} {
			if _, err := s.Write([]byte(p)); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if _, err := s.WriteTo(&out); err != nil || out.String() != "one two three" {
			t.Errorf("TMPDIR %s: WriteTo wrote %q, %v", tmp, out.String(), err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("TMPDIR %s: Close: %v", tmp, err)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("TMPDIR %s: Close left %v", tmp, left)
		}
	}
}

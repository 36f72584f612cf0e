package scope

import "testing"

func TestUnescapeGlobRoundTrip(t *testing.T) {
	for _, p := range []string{"src/a.go", `we*ird[1]{x}?.go`, `back\slash`, ""} {
		if got := UnescapeGlob(escapeGlob(p)); got != p {
			t.Errorf("UnescapeGlob(escapeGlob(%q)) = %q", p, got)
		}
	}
}

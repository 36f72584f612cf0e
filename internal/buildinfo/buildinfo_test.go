package buildinfo

import "testing"

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		b    Build
		want string
	}{
		{Build{}, "agentcheck 0.0.0-devel"},
		{Build{Version: "v1.2.0"}, "agentcheck v1.2.0"},
		{Build{Version: "1.2.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-26T10:00:00Z"},
			"agentcheck 1.2.0 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-26T10:00:00Z)"},
		{Build{Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-26T10:00:00Z", Modified: true},
			"agentcheck 0.0.0-devel (commit 0123456789abcdef0123456789abcdef01234567, modified, built 2026-11-26T10:00:00Z)"},
	} {
		if got := tc.b.Line("agentcheck"); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.b, got, tc.want)
		}
	}
}

// TestReadStamped checks that what the release stamps wins over the
// toolchain's record.
func TestReadStamped(t *testing.T) {
	b := Read("1.2.0", "0123456789abcdef0123456789abcdef01234567", "2026-11-26T10:00:00Z")
	if b.Version != "1.2.0" || b.Commit != "0123456789abcdef0123456789abcdef01234567" || b.Date != "2026-11-26T10:00:00Z" || b.Modified {
		t.Errorf("Read of stamped values = %+v", b)
	}
}

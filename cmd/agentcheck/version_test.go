package main

import "testing"

func TestBuildString(t *testing.T) {
	for _, tc := range []struct {
		b    build
		want string
	}{
		{build{}, "agentcheck 0.0.0-devel"},
		{build{Version: "v1.2.0"}, "agentcheck v1.2.0"},
		{build{Version: "1.2.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-26T10:00:00Z"},
			"agentcheck 1.2.0 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-26T10:00:00Z)"},
		{build{Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-26T10:00:00Z", Modified: true},
			"agentcheck 0.0.0-devel (commit 0123456789abcdef0123456789abcdef01234567, modified, built 2026-11-26T10:00:00Z)"},
	} {
		if got := tc.b.String(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.b, got, tc.want)
		}
	}
}

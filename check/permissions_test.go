package check

import (
	"testing"

	"github.com/agentcheck/agentcheck/provenance"
)

func TestPermissionsOff(t *testing.T) {
	for _, tc := range []struct {
		mode, sandbox string
		want          bool
	}{
		{"default", "", false},
		{"acceptEdits", "", false},
		{"dontAsk", "", false},
		{"plan", "danger-full-access", false},
		{"bypassPermissions", "", true},                   // Claude Code's, or a Codex session that recorded no sandbox
		{"bypassPermissions", "workspace-write", false},   // codex exec
		{"bypassPermissions", "read-only", false},         // codex exec in an untrusted project
		{"bypassPermissions", "danger-full-access", true}, // --dangerously-bypass-approvals-and-sandbox
		{"bypassPermissions", "external-sandbox", true},   // a sandbox agentcheck cannot judge
		{"default", "danger-full-access", false},          // it asks before what it may not do
	} {
		s := provenance.SessionInfo{PermissionMode: tc.mode, Sandbox: tc.sandbox}
		if got := permissionsOff(s); got != tc.want {
			t.Errorf("permissionsOff(%q, sandbox %q) = %v, want %v", tc.mode, tc.sandbox, got, tc.want)
		}
	}
}

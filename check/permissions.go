package check

import "github.com/agentcheck/agentcheck/provenance"

// permissionsOff reports whether a session ran with nobody approving what
// its agent did and nothing confining it (AC008). A permission mode alone
// does not say so: Codex reports bypassPermissions whenever its approval
// policy is "never", which codex exec always sets, even inside the
// workspace-write sandbox that keeps writes in the work tree, the git
// directory read-only and the network off. So bypassPermissions counts as
// off unless the session recorded a sandbox that confines it; a session
// that recorded no sandbox, or one of an unknown kind, is judged by its
// mode, as before.
func permissionsOff(s provenance.SessionInfo) bool {
	if s.PermissionMode != "bypassPermissions" {
		return false
	}
	switch s.Sandbox {
	case "read-only", "workspace-write":
		return false
	}
	return true
}

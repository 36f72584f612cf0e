package check

import (
	"strings"
	"testing"
	"time"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/scope"
)

func claimCheck(t *testing.T, claims []provenance.ScopeClaim, changed ...string) []Finding {
	t.Helper()
	cc := &commitCheck{t: &Trust{Policy: scope.Default()}, hash: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"}
	s := &sessionManifest{label: "claude-code/s1", pred: &provenance.SessionPredicate{Task: provenance.Task{ScopeClaims: claims}}}
	var changes []Change
	for _, p := range changed {
		changes = append(changes, Change{Path: p, Kind: Added})
	}
	cc.judgeScopeClaims(changes, []*sessionManifest{s})
	sortFindings(cc.findings)
	return cc.findings
}

func TestAC013ScopeClaim(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ci := provenance.ScopeClaim{At: at, Origin: "task-notification", Globs: []string{".github/workflows/**"}}
	t.Run("covers a protected change", func(t *testing.T) {
		fs := claimCheck(t, []provenance.ScopeClaim{ci}, "src/app.go", ".github/workflows/evil.yml")
		if len(fs) != 1 || fs[0].Rule != RuleScopeClaim || fs[0].Level != LevelError || fs[0].Path != ".github/workflows/evil.yml" || fs[0].Session != "claude-code/s1" {
			t.Fatalf("findings = %+v, want one AC013 error on the workflow", fs)
		}
		if !strings.Contains(fs[0].Message, "task-notification") || !strings.Contains(fs[0].Message, "declared nothing") {
			t.Errorf("message = %q", fs[0].Message)
		}
	})
	t.Run("covers nothing the commit changes", func(t *testing.T) {
		fs := claimCheck(t, []provenance.ScopeClaim{ci}, "src/app.go")
		if len(fs) != 1 || fs[0].Level != LevelWarning || fs[0].Path != "" {
			t.Fatalf("findings = %+v, want one AC013 warning about the session", fs)
		}
	})
	t.Run("covers an unprotected change", func(t *testing.T) {
		fs := claimCheck(t, []provenance.ScopeClaim{{At: at, Origin: "system", Globs: []string{"src/**"}}}, "src/app.go")
		if len(fs) != 1 || fs[0].Level != LevelWarning {
			t.Fatalf("findings = %+v, want one AC013 warning", fs)
		}
	})
	t.Run("none", func(t *testing.T) {
		if fs := claimCheck(t, nil, ".github/workflows/ci.yml"); len(fs) != 0 {
			t.Errorf("findings = %+v, want none", fs)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		claims := make([]provenance.ScopeClaim, 1000)
		for i := range claims {
			claims[i] = ci
		}
		fs := claimCheck(t, claims, ".github/workflows/evil.yml")
		if len(fs) != maxClaimsPerSession+1 || !strings.Contains(fs[len(fs)-1].Message+fs[0].Message, "980 more") {
			t.Errorf("%d findings for 1,000 claims, want %d and a summary", len(fs), maxClaimsPerSession+1)
		}
	})
}

package server

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/agentcheck/agentcheck/internal/git"
)

// Modes of the gate.
const (
	ModeEnforce = "enforce" // reject pushes with error-level findings
	ModeWarn    = "warn"    // report everything, accept every push
)

// RepoConfig is what the repository's own git config says about the gate:
//
//	[agentcheck]
//		policy = /etc/agentcheck/policy.yml
//		allowedSigners = /etc/agentcheck/allowed_signers
//		approvers = /etc/agentcheck/approvers
//		mode = warn
//
// Relative paths are taken relative to the repository's git directory (the
// bare repository). Nobody can change this configuration with a push.
type RepoConfig struct {
	Policy, AllowedSigners, Approvers string // absolute paths; "" when unset
	Mode                              string // ModeEnforce, ModeWarn or ""
}

// ReadRepoConfig reads the [agentcheck] section of the repository's config
// as [git.ReadConfig] does, without running git: GitHub Enterprise Server's
// hook environment has none. Include directives are not followed. A missing
// file is an empty configuration; one that does not parse, or a mode other
// than enforce or warn, is an error: the gate does not fall back to defaults
// because the configuration that names the server's policy is broken.
func ReadRepoConfig(gitDir string) (RepoConfig, error) {
	var rc RepoConfig
	path := filepath.Join(gitDir, "config")
	cfg, err := git.ReadConfig(gitDir, gitDir)
	if err != nil {
		return rc, fmt.Errorf("reading repository config: %w", err)
	}
	// As git: the last value wins, across every [agentcheck] section.
	get := func(key string) string { return cfg.Get("agentcheck", "", key) }
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(gitDir, p)
	}
	rc.Policy = abs(get("policy"))
	rc.AllowedSigners = abs(get("allowedSigners"))
	rc.Approvers = abs(get("approvers"))
	switch m := strings.ToLower(get("mode")); m {
	case "", ModeEnforce, ModeWarn:
		rc.Mode = m
	default:
		return rc, fmt.Errorf("reading repository config %s: agentcheck.mode is %q (want %s or %s)", path, m, ModeEnforce, ModeWarn)
	}
	return rc, nil
}

package server

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"
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

// ReadRepoConfig reads the [agentcheck] section of gitDir/config with
// go-git's parser: a hook must not run git, which GitHub Enterprise
// Server's hook environment does not have. Include directives are not
// followed. A missing file is an empty configuration; one that does not
// parse, or a mode other than enforce or warn, is an error: the gate does
// not fall back to defaults because the configuration that names the
// server's policy is broken.
func ReadRepoConfig(gitDir string) (RepoConfig, error) {
	var rc RepoConfig
	path := filepath.Join(gitDir, "config")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return rc, nil
	}
	if err != nil {
		return rc, fmt.Errorf("reading repository config: %w", err)
	}
	cfg := formatcfg.New()
	if err := formatcfg.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return rc, fmt.Errorf("reading repository config %s: %w", path, err)
	}
	get := func(key string) string {
		// As git: the last value wins, across every [agentcheck] section.
		v := ""
		for _, s := range cfg.Sections {
			if s.IsName("agentcheck") {
				if s.HasOption(key) {
					v = s.Option(key)
				}
			}
		}
		return v
	}
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

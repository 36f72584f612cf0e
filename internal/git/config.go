package git

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"
)

// Config is a repository's configuration: its config file, with a linked
// worktree's config.worktree on top. Only the repository's own files are
// read, never the user's or the system's: what the gate decides must not
// depend on the machine it runs on. It is safe for concurrent use.
type Config struct {
	sections formatcfg.Sections
}

// ReadConfig reads the configuration of the repository whose common and git
// directories are given: the common directory's config and, when it sets
// extensions.worktreeConfig, the worktree's config.worktree, as git does.
// Missing files read as empty; a file that does not parse is an error.
func ReadConfig(commonDir, gitDir string) (*Config, error) {
	cfg := formatcfg.New()
	if err := readConfigFile(cfg, filepath.Join(commonDir, "config")); err != nil {
		return nil, err
	}
	c := &Config{sections: cfg.Sections}
	if isTrue(c.Get("extensions", "", "worktreeconfig")) {
		if err := readConfigFile(cfg, filepath.Join(gitDir, "config.worktree")); err != nil {
			return nil, err
		}
		c.sections = cfg.Sections
	}
	return c, nil
}

// readConfigFile decodes the config file at path into cfg; a missing file
// adds nothing.
func readConfigFile(cfg *formatcfg.Config, path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := formatcfg.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// Get returns the last value of section.subsection.key ("" for a key of the
// section itself), or "" when it is not set. Section and key names are
// case-insensitive, subsection names are not, as in git.
func (c *Config) Get(section, subsection, key string) string {
	all := c.GetAll(section, subsection, key)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

// GetAll returns every value of section.subsection.key, in the order git
// reads them.
func (c *Config) GetAll(section, subsection, key string) []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, s := range c.sections {
		if !s.IsName(section) {
			continue
		}
		if subsection == "" {
			out = append(out, s.Options.GetAll(key)...)
			continue
		}
		for _, ss := range s.Subsections {
			if ss.IsName(subsection) {
				out = append(out, ss.Options.GetAll(key)...)
			}
		}
	}
	return out
}

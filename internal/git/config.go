package git

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is a repository's configuration: its config file, with a linked
// worktree's config.worktree on top. Only the repository's own files are
// read, never the user's or the system's, and include directives are not
// followed: what the gate decides must not depend on the machine it runs
// on. The zero Config is empty. It is safe for concurrent use.
type Config struct {
	entries []configEntry // in the order git reads them
}

// ReadConfig reads the configuration of the repository whose common and git
// directories are given: the common directory's config and, when it sets
// extensions.worktreeConfig, the worktree's config.worktree, as git does.
// Missing files read as empty; a file git would refuse is an error naming
// the file and line.
func ReadConfig(commonDir, gitDir string) (*Config, error) {
	c := &Config{}
	if err := c.readFile(filepath.Join(commonDir, "config")); err != nil {
		return nil, err
	}
	worktreeConfig, err := c.Bool("extensions", "", "worktreeconfig")
	if err != nil {
		return nil, err
	}
	if worktreeConfig {
		if err := c.readFile(filepath.Join(gitDir, "config.worktree")); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// readFile adds the settings of the config file at path; a missing file
// adds nothing.
func (c *Config) readFile(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	entries, err := parseConfig(b, path)
	if err != nil {
		return err
	}
	c.entries = append(c.entries, entries...)
	return nil
}

// Get returns the last value of section.subsection.key ("" for a key of the
// section itself), or "" when it is not set. A key written without "=" has
// the value "" here, but is true to [Config.Bool]. Section and key names
// are case-insensitive, subsection names are not, as in git.
func (c *Config) Get(section, subsection, key string) string {
	e, ok := c.last(section, subsection, key)
	if !ok {
		return ""
	}
	return e.value
}

// Bool reports whether section.subsection.key is set to true, as git's
// git_config_bool reads it: a bare key with no "=" is true; true, yes and
// on are true and false, no, off and "" false, in any case; any other
// value is an integer, true when not zero ("2", "0x10", "1k"). A value
// that is none of these is an error, as it is to git. An unset key is
// false.
func (c *Config) Bool(section, subsection, key string) (bool, error) {
	e, ok := c.last(section, subsection, key)
	if !ok || e.bare {
		return ok, nil
	}
	v, err := parseConfigBool(e.value)
	if err != nil {
		name := section + "." + key
		if subsection != "" {
			name = section + "." + subsection + "." + key
		}
		return false, fmt.Errorf("bad boolean config value %q for %s", e.value, name)
	}
	return v, nil
}

// parseConfigBool reads a boolean value as git does (config.c:
// git_parse_maybe_bool_text, then git_parse_int): the words first, then an
// integer as C's strtoimax reads it in base 0 (leading blanks, a sign,
// decimal, 0x hex or 0 octal) with an optional unit k, m or g.
func parseConfigBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off", "":
		return false, nil
	}
	bad := fmt.Errorf("bad boolean value %q", v)
	n := strings.TrimLeft(v, " \t\n\v\f\r")
	factor := int64(1)
	if n != "" {
		switch n[len(n)-1] {
		case 'k', 'K':
			factor = 1 << 10
		case 'm', 'M':
			factor = 1 << 20
		case 'g', 'G':
			factor = 1 << 30
		}
		if factor > 1 {
			n = n[:len(n)-1]
		}
	}
	// strconv's base 0 also takes 0b, 0o and underscores, which C does not.
	digits := strings.TrimLeft(n, "+-")
	if strings.ContainsRune(n, '_') || len(digits) > 1 && digits[0] == '0' && strings.ContainsRune("bBoO", rune(digits[1])) {
		return false, bad
	}
	i, err := strconv.ParseInt(n, 0, 64)
	if err != nil || i > math.MaxInt64/factor || i < math.MinInt64/factor {
		return false, bad
	}
	return i != 0, nil
}

// GetAll returns every value of section.subsection.key, in the order git
// reads them.
func (c *Config) GetAll(section, subsection, key string) []string {
	if c == nil {
		return nil
	}
	section, key = strings.ToLower(section), strings.ToLower(key)
	var out []string
	for _, e := range c.entries {
		if e.is(section, subsection, key) {
			out = append(out, e.value)
		}
	}
	return out
}

// last returns the last setting of section.subsection.key.
func (c *Config) last(section, subsection, key string) (configEntry, bool) {
	if c == nil {
		return configEntry{}, false
	}
	section, key = strings.ToLower(section), strings.ToLower(key)
	for i := len(c.entries) - 1; i >= 0; i-- {
		if c.entries[i].is(section, subsection, key) {
			return c.entries[i], true
		}
	}
	return configEntry{}, false
}

// is reports whether e sets section.subsection.key, section and key given
// in lower case; subsection "" is the section itself.
func (e *configEntry) is(section, subsection, key string) bool {
	return e.key == key && e.section == section && e.subsection == subsection && e.hasSub == (subsection != "")
}

package install

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// codexState is how Codex's two trust layers stand for agentcheck's hooks
// in one hooks.json (see codextrust.go): whether the
// project is trusted (for a repository's .codex/hooks.json) and the
// status of each hook.
type codexState struct {
	config  string   // $CODEX_HOME/config.toml
	project []string // the repository's spellings (as found, with symlinks resolved); nil for the user's own hooks.json
	hooks   []CodexHook
	trust   CodexTrust
}

// readCodexState reads the trust for the agentcheck hooks in hooksPath.
// root is the repository for a project's hooks file, "" for the user's.
func readCodexState(hooksPath, root, codexHome string) (*codexState, error) {
	t := &codexState{config: filepath.Join(codexHome, "config.toml")}
	if root != "" {
		t.project = spellings(root)
	}
	data, err := os.ReadFile(hooksPath)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", hooksPath, err)
	}
	// Codex names a hook by the hooks file's path as it found it: trust
	// covers both spellings when the path holds a symlink.
	for _, p := range spellings(hooksPath) {
		hooks, err := CodexHooks(p, data)
		if err != nil {
			return nil, err
		}
		t.hooks = append(t.hooks, hooks...)
	}
	cfg, err := os.ReadFile(t.config)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", t.config, err)
	}
	t.trust = ReadCodexTrust(cfg)
	return t, nil
}

// spellings returns p and, when it differs, p with symlinks resolved.
func spellings(p string) []string {
	out := []string{p}
	if real, err := filepath.EvalSymlinks(p); err == nil && real != p {
		out = append(out, real)
	}
	return out
}

// projectTrusted reports whether Codex reads the project's .codex layer.
func (t *codexState) projectTrusted() bool {
	return t.project == nil || t.trust.ProjectTrusted(t.project...)
}

// untrusted counts agentcheck's hooks Codex would skip, by status. A hook
// is counted once, trusted when either spelling of its key is.
func (t *codexState) untrusted() map[string]int {
	best := map[string]string{} // event:group:handler → best status
	for _, h := range t.hooks {
		id := h.Key[strings.LastIndex(h.Key, ".json:")+len(".json:"):]
		st := t.trust.Status(h)
		if prev, ok := best[id]; !ok || prev != HookTrusted {
			best[id] = st
		}
	}
	out := map[string]int{}
	for _, st := range best {
		if st != HookTrusted {
			out[st]++
		}
	}
	return out
}

// count returns how many distinct hooks there are.
func (t *codexState) count() int {
	ids := map[string]bool{}
	for _, h := range t.hooks {
		ids[h.Key[strings.LastIndex(h.Key, ".json:"):]] = true
	}
	return len(ids)
}

// problem says what keeps Codex from running the hooks, or "".
func (t *codexState) problem() string {
	var why []string
	if !t.projectTrusted() {
		why = append(why, "the project is not trusted")
	}
	bad := t.untrusted()
	for _, st := range []string{HookUntrusted, HookModified, HookDisabled} {
		if n := bad[st]; n > 0 {
			what := map[string]string{
				HookUntrusted: "not trusted",
				HookModified:  "changed since they were trusted",
				HookDisabled:  "disabled",
			}[st]
			why = append(why, fmt.Sprintf("%d of agentcheck's %d hooks are %s", n, t.count(), what))
		}
	}
	return strings.Join(why, "; ")
}

// grant writes the trust into Codex's config.toml: the project (all its
// spellings) and each of agentcheck's hooks by its hash. A hook the user
// disabled stays disabled.
func (t *codexState) grant() (Outcome, error) {
	data, err := os.ReadFile(t.config)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("reading %s: %w", t.config, err)
	}
	out, changed := data, false
	for i, p := range append([]string{""}, t.project...) {
		hooks := t.hooks
		if i > 0 {
			hooks = nil
		}
		var c bool
		out, c, err = TrustCodex(out, p, hooks)
		if err != nil {
			return "", fmt.Errorf("%s: %w", t.config, err)
		}
		changed = changed || c
	}
	if !changed {
		return Unchanged, nil
	}
	if err := os.MkdirAll(filepath.Dir(t.config), 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", filepath.Dir(t.config), err)
	}
	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(t.config); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp := t.config + ".agentcheck.tmp"
	if err := os.WriteFile(tmp, out, mode); err != nil {
		return "", fmt.Errorf("writing %s: %w", t.config, err)
	}
	if err := os.Rename(tmp, t.config); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("writing %s: %w", t.config, err)
	}
	t.trust = ReadCodexTrust(out)
	if exists {
		return Updated, nil
	}
	return Created, nil
}

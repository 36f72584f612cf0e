package install

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

//go:embed opencode/agentcheck.js
var openCodePlugin []byte

// pluginMarker is the first line's mark of agentcheck's OpenCode plugin.
const pluginMarker = "// agentcheck-managed:"

// OpenCodePlugin returns the source of agentcheck's OpenCode plugin, an ES
// module that spawns "agentcheck-hook hook --agent opencode" for each hook.
func OpenCodePlugin() []byte { return bytes.Clone(openCodePlugin) }

// writePlugin writes the OpenCode plugin at path. A file there that is not
// agentcheck's is left alone.
func writePlugin(path string) (Change, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := writeFileAtomic(path, openCodePlugin, 0o644); err != nil {
			return Change{}, err
		}
		return Change{Path: path, Outcome: Created}, nil
	case err != nil:
		return Change{}, fmt.Errorf("reading %s: %w", path, err)
	case bytes.Equal(data, openCodePlugin):
		return Change{Path: path, Outcome: Unchanged}, nil
	case !bytes.HasPrefix(data, []byte(pluginMarker)):
		return Change{Path: path, Outcome: Skipped, Detail: "a file that is not agentcheck's is there; move it away and run agentcheck init again"}, nil
	}
	if err := writeFileAtomic(path, openCodePlugin, 0o644); err != nil {
		return Change{}, err
	}
	return Change{Path: path, Outcome: Updated, Detail: "replaced with this version's plugin"}, nil
}

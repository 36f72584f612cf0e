package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// A Pin is one agent the suite runs: its npm package at one version.
type Pin struct {
	Agent   string // as agentcheck names it: claude-code, codex, opencode
	Package string // the npm package
	Version string
}

// Bin returns the agent's command, relative to the install prefix.
func (p Pin) Bin() string {
	switch p.Agent {
	case "claude-code":
		return "node_modules/.bin/claude"
	case "codex":
		return "node_modules/.bin/codex"
	case "opencode":
		return "node_modules/.bin/opencode"
	}
	return ""
}

// ParsePins reads agents.txt.
func ParsePins(data []byte) ([]Pin, error) {
	var pins []Pin
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("agents.txt:%d: want \"agent package version\", got %q", n, line)
		}
		p := Pin{Agent: f[0], Package: f[1], Version: f[2]}
		if p.Bin() == "" {
			return nil, fmt.Errorf("agents.txt:%d: unknown agent %q", n, p.Agent)
		}
		pins = append(pins, p)
	}
	return pins, sc.Err()
}

// SetVersion returns agents.txt with the agent's version replaced,
// keeping everything else as it is.
func SetVersion(data []byte, agent, version string) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == agent {
			lines[i] = f[0] + " " + f[1] + " " + version + "\n"
		}
	}
	return []byte(strings.Join(lines, ""))
}

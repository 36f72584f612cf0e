// Command pin sets each agent of e2e/agents.txt to the latest version of its
// npm package ("make e2e-update-agents"). It asks npm ("npm view PACKAGE
// version") and rewrites only the version fields.
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/agentcheck/agentcheck/e2e"
)

func main() {
	if err := run("e2e/agents.txt"); err != nil {
		fmt.Fprintf(os.Stderr, "pin: error: %v\n", err)
		os.Exit(2)
	}
}

func run(file string) error {
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	data := orig
	pins, err := e2e.ParsePins(data)
	if err != nil {
		return err
	}
	for _, p := range pins {
		out, err := exec.Command("npm", "view", p.Package, "version").Output()
		if err != nil {
			return fmt.Errorf("asking npm for %s: %w", p.Package, err)
		}
		latest := strings.TrimSpace(string(out))
		if latest == "" || strings.ContainsAny(latest, " \n") {
			return fmt.Errorf("npm gave %q as the version of %s", latest, p.Package)
		}
		if latest != p.Version {
			fmt.Printf("%s: %s -> %s\n", p.Package, p.Version, latest)
			data = e2e.SetVersion(data, p.Agent, latest)
		} else {
			fmt.Printf("%s: %s (latest)\n", p.Package, p.Version)
		}
	}
	if bytes.Equal(data, orig) {
		return nil
	}
	return os.WriteFile(file, data, 0o644)
}

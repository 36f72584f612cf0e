package agents

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Process is what the ancestry walk reads of one process.
type Process struct {
	PID, PPID int
	// Name is the kernel's name for the process (Linux's comm, ps's
	// comm): the executable's base name, or what the process set as its
	// title.
	Name string
	// Args are its command line; empty when it cannot be read.
	Args []string
}

// ReadProcess reads one process by id; [ReadProcessOS] reads the real ones.
type ReadProcess func(pid int) (Process, error)

// maxAncestry bounds the walk: process trees are shallow, and a cycle in
// what a hostile /proc says must end.
const maxAncestry = 64

// agentPrograms are the names coding agents run under, by the agent's
// name: the executable, or the title a Node.js agent gives its process.
var agentPrograms = map[string]string{
	"claude":       AgentClaude,
	"codex":        AgentCodex,
	"cursor-agent": AgentCursor,
	"opencode":     AgentOpenCode,
	"aider":        "aider",
	"gemini":       "gemini-cli",
	"goose":        "goose",
	"amp":          "amp",
	"copilot":      "copilot-cli",
	"qwen":         "qwen-code",
	"crush":        "crush",
	"droid":        "droid",
}

// agentPackages are the npm packages of agents that run as "node
// …/PACKAGE/cli.js", whose process may keep the name node.
var agentPackages = map[string]string{
	"@anthropic-ai/claude-code": AgentClaude,
	"@openai/codex":             AgentCodex,
	"opencode-ai":               AgentOpenCode,
	"@google/gemini-cli":        "gemini-cli",
	"@sourcegraph/amp":          "amp",
	"@github/copilot":           "copilot-cli",
	"@qwen-code/qwen-code":      "qwen-code",
}

// AgentAncestor walks the ancestors of process pid (its parent, theirs, up
// to init) and returns the first that is a coding agent, with the agent's
// name. An agent's shell commands are its descendants whatever they do to
// their environment; only a process that leaves the tree (a daemon that
// detaches, a job handed to another service) escapes this. A process that
// cannot be read ends the walk.
func AgentAncestor(pid int, read ReadProcess) (Process, string, bool) {
	p, err := read(pid)
	for range maxAncestry {
		if err != nil || p.PPID <= 1 {
			return Process{}, "", false
		}
		if p, err = read(p.PPID); err != nil {
			return Process{}, "", false
		}
		if agent := agentOf(p); agent != "" {
			return p, agent, true
		}
	}
	return Process{}, "", false
}

// agentOf names the agent p runs, or "".
func agentOf(p Process) string {
	names := []string{p.Name}
	for i, a := range p.Args {
		if i > 1 {
			break // the program, and the script an interpreter runs
		}
		names = append(names, filepath.Base(a))
		for pkg, agent := range agentPackages {
			if strings.Contains(filepath.ToSlash(a), "/node_modules/"+pkg+"/") {
				return agent
			}
		}
	}
	for _, n := range names {
		if agent, ok := agentPrograms[n]; ok {
			return agent
		}
	}
	return ""
}

// ReadProcessOS reads a process of this machine: from /proc on Linux, from
// ps elsewhere.
func ReadProcessOS(pid int) (Process, error) {
	if runtime.GOOS == "linux" {
		return readProc(pid)
	}
	return readPS(pid)
}

// readProc reads /proc/PID/stat, whose second field (the name, in
// parentheses) may hold spaces and parentheses itself: the fields after
// it follow the last ')'.
func readProc(pid int) (Process, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return Process{}, err
	}
	open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return Process{}, fmt.Errorf("%s/stat: malformed", dir)
	}
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) < 2 {
		return Process{}, fmt.Errorf("%s/stat: malformed", dir)
	}
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		return Process{}, fmt.Errorf("%s/stat: parent %q: %w", dir, fields[1], err)
	}
	p := Process{PID: pid, PPID: ppid, Name: string(stat[open+1 : end])}
	if cmdline, err := os.ReadFile(dir + "/cmdline"); err == nil {
		p.Args = strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	}
	return p, nil
}

// readPS reads a process with ps, which BSD, macOS and Linux share in
// this form.
func readPS(pid int) (Process, error) {
	out, err := exec.Command("ps", "-o", "ppid=", "-o", "comm=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		return Process{}, fmt.Errorf("ps -p %d: %w", pid, err)
	}
	ppid, comm, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	n, err := strconv.Atoi(ppid)
	if !ok || err != nil {
		return Process{}, errors.New("ps: unexpected output " + strconv.Quote(string(out)))
	}
	p := Process{PID: pid, PPID: n, Name: filepath.Base(strings.TrimSpace(comm))}
	if args, err := exec.Command("ps", "-o", "args=", "-p", strconv.Itoa(pid)).Output(); err == nil {
		p.Args = strings.Fields(string(args))
	}
	return p, nil
}

package agents

import (
	"errors"
	"os"
	"runtime"
	"testing"
)

func TestAgentAncestor(t *testing.T) {
	table := map[int]Process{
		10: {PID: 10, PPID: 11, Name: "agentcheck"},
		11: {PID: 11, PPID: 12, Name: "sh", Args: []string{"env", "-i", "sh", "-c", "agentcheck approve"}},
		12: {PID: 12, PPID: 1, Name: "node", Args: []string{"node", "/opt/lib/node_modules/@openai/codex/bin/codex.js"}},
		20: {PID: 20, PPID: 21, Name: "agentcheck"},
		21: {PID: 21, PPID: 1, Name: "bash", Args: []string{"-bash"}},
		30: {PID: 30, PPID: 31, Name: "agentcheck"},
		31: {PID: 31, PPID: 30, Name: "loop"}, // a cycle a hostile table could claim
		40: {PID: 40, PPID: 41, Name: "agentcheck"},
		41: {PID: 41, PPID: 1, Name: "claude"}, // the title Claude Code gives itself
		50: {PID: 50, PPID: 51, Name: "agentcheck"},
		51: {PID: 51, PPID: 1, Name: "vim", Args: []string{"vim", "claude.md"}},
	}
	read := func(pid int) (Process, error) {
		if p, ok := table[pid]; ok {
			return p, nil
		}
		return Process{}, errors.New("no such process")
	}
	for _, tt := range []struct {
		pid   int
		agent string
	}{{10, AgentCodex}, {20, ""}, {30, ""}, {40, AgentClaude}, {50, ""}, {99, ""}} {
		p, agent, ok := AgentAncestor(tt.pid, read)
		if agent != tt.agent || ok != (tt.agent != "") {
			t.Errorf("AgentAncestor(%d) = %+v, %q, %v; want %q", tt.pid, p, agent, ok, tt.agent)
		}
	}
}

// TestReadProcessOS reads this process and its parent from the system.
func TestReadProcessOS(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		t.Skip("no /proc and no ps here")
	}
	p, err := ReadProcessOS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if p.PID != os.Getpid() || p.PPID != os.Getppid() || p.Name == "" || len(p.Args) == 0 {
		t.Errorf("ReadProcessOS(self) = %+v; parent %d", p, os.Getppid())
	}
}

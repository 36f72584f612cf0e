package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAgents plays every scenario in testdata/scenarios with each real
// agent it names, at the versions pinned in agents.txt. It runs only when
// AGENTCHECK_E2E is set ("make e2e"), and needs node and npm, and the npm
// registry once to install the agents into the cache (see cacheDir).
// With AGENTCHECK_E2E_FIXTURES set it also records the payloads the
// agents' hooks received as the fixtures in ../testdata/hooks.
func TestAgents(t *testing.T) {
	s := newSuite(t)
	scenarios, err := LoadScenarios("testdata/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scenarios {
		for _, agent := range sc.Agents {
			if _, ok := s.agents[agent]; !ok {
				t.Fatalf("scenario %s names agent %q, which agents.txt does not pin", sc.Name, agent)
			}
			t.Run(sc.Name+"/"+agent, func(t *testing.T) {
				r := newRun(t, s, sc, agent)
				r.setup()
				r.doctor()
				r.session()
				r.humanCommit()
				r.collect()
				r.check()
				if t.Failed() {
					t.Logf("commands run:\n%s", r.logs.String())
					t.Logf("requests to the scripted model:\n%s", r.requestLog())
				}
			})
		}
	}
	if os.Getenv("AGENTCHECK_E2E_FIXTURES") != "" && !t.Failed() {
		s.writeFixtures(t)
	}
}

// newSuite skips unless the suite is asked for and can run, then installs
// the agents, builds agentcheck and starts the scripted model.
func newSuite(t *testing.T) *suite {
	if os.Getenv("AGENTCHECK_E2E") == "" {
		t.Skip("the e2e suite runs the real agents: run it with make e2e (AGENTCHECK_E2E=1)")
	}
	for _, tool := range []string{"node", "npm", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the e2e suite needs %s, which is not on PATH", tool)
		}
	}
	data, err := os.ReadFile("agents.txt")
	if err != nil {
		t.Fatal(err)
	}
	pins, err := ParsePins(data)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := cacheDir()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s := &suite{agents: map[string]Pin{}, cache: cache, payloads: map[string][]payload{}}
	for _, p := range pins {
		start := time.Now()
		if _, err := install(ctx, cache, p); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s@%s ready in %s (%s)", p.Package, p.Version, cache, time.Since(start).Round(time.Second))
		s.agents[p.Agent] = p
	}
	if s.root, err = filepath.Abs(".."); err != nil {
		t.Fatal(err)
	}
	s.bin = t.TempDir()
	if err := build(ctx, s.root, s.bin); err != nil {
		t.Fatal(err)
	}
	if s.server, err = NewServer(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.server.Close() })
	return s
}

// doctor checks what agentcheck doctor says before the session.
func (r *run) doctor() {
	if len(r.sc.Expect.Doctor) == 0 {
		return
	}
	out, _ := r.cmd("agentcheck", "doctor")
	for _, m := range r.sc.Expect.Doctor {
		if ForAgent(m.Agents, r.agent) && !strings.Contains(out, m.Text) {
			r.t.Errorf("agentcheck doctor does not say %q:\n%s", m.Text, out)
		}
	}
}

// requestLog describes the requests the scripted model answered for the
// run: the first words of each request's first user message.
func (r *run) requestLog() string {
	var b strings.Builder
	for i, req := range r.s.server.Requests(r.name) {
		fmt.Fprintf(&b, "  %d %s %s %q\n", i, req.Path, req.Err, req.FirstUser())
	}
	return b.String()
}

// exitCode returns a command's exit status, or -1.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

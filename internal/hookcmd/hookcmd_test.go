package hookcmd

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/provenance/journal"
)

// TestDeps keeps the hook lean: neither this package nor the binary built
// from it may link what makes the agentcheck CLI slow to start. A new import
// that pulls one of these in belongs in the CLI, not on the hook's path.
func TestDeps(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not installed")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/agentcheck/agentcheck/cmd/agentcheck-hook").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// The hook reads objects (the trusted policy) through internal/git and
	// go-git's plumbing, but links none of go-git's repository, transports,
	// configuration or object model, nor SSH, HTTP, the rule engine or the
	// gate.
	banned := []string{
		"github.com/go-git/go-git/v5",                 // the repository and its transports
		"github.com/go-git/go-git/v5/config",          // go-git's config: URLs, ssh_config
		"github.com/go-git/go-git/v5/plumbing/object", // openpgp
		"github.com/go-git/go-git/v5/plumbing/transport/",
		"github.com/go-git/go-git/v5/storage/",
		"github.com/ProtonMail/",
		"golang.org/x/crypto/ssh",                     // signing keys
		"github.com/google/go-github/",                // the GitHub gate
		"github.com/owenrumney/go-sarif/",             // SARIF output
		"net/http",                                    // HTTP clients
		"github.com/agentcheck/agentcheck/provenance", // all but provenance/journal
		"github.com/agentcheck/agentcheck/check",
		"github.com/agentcheck/agentcheck/gate",
		"github.com/agentcheck/agentcheck/report",

		// go-git's config file decoder links gcfg, whose encoding/gob cost
		// the hook most of a millisecond of init; internal/git reads
		// config files itself.
		"github.com/go-git/go-git/v5/plumbing/format/config",
		"github.com/go-git/gcfg",
		"encoding/gob",
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, b := range banned {
			if (pkg == b || strings.HasPrefix(pkg, b) && strings.HasSuffix(b, "/")) && pkg != "github.com/agentcheck/agentcheck/provenance/journal" {
				t.Errorf("the hook links %s", pkg)
			}
		}
	}
}

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	return code, out.String(), errOut.String()
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"--agent"}, {"--agent", "claude-code", "extra"}, {"--nope"}} {
		code, stdout, stderr := run(t, "", args...)
		if code != ExitUsage || strings.Count(stderr, "agentcheck: error:") != 1 || strings.Count(stderr, "usage: agentcheck hook") != 1 || stdout != "" {
			t.Errorf("Main(%q) = %d, %q, %q; want one usage error on stderr", args, code, stdout, stderr)
		}
	}
	// Help is the requested output: stdout, exit 0.
	if code, stdout, stderr := run(t, "", "-h"); code != ExitOK || !strings.Contains(stdout, "usage: agentcheck hook --agent NAME") || !strings.Contains(stdout, "-agent") || stderr != "" {
		t.Errorf("Main(-h) = %d, %q, %q", code, stdout, stderr)
	}
}

func TestMainRecords(t *testing.T) {
	root := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(root, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	payload := func(event string, extra string) string {
		return `{"session_id":"s1","cwd":` + quote(root) + `,"hook_event_name":"` + event + `"` + extra + `}`
	}
	// A prompt that mentions a file declares it and reads it (the agent
	// attaches it); an edit is recorded with its blob.
	if code, stdout, stderr := run(t, payload("UserPromptSubmit", `,"prompt":"fix @a.go please"`), "--agent", "claude-code"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("prompt: %d %q %q", code, stdout, stderr)
	}
	edit := `,"tool_name":"Write","tool_input":{"file_path":` + quote(filepath.Join(root, "a.go")) + `,"content":"package a\n"},"tool_response":{}`
	if code, stdout, stderr := run(t, payload("PostToolUse", edit), "--agent", "claude-code"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("edit: %d %q %q", code, stdout, stderr)
	}
	j, err := journal.Read(journal.Path(filepath.Join(root, ".git"), "claude-code", "s1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 3 {
		t.Fatalf("%d events: %+v", len(j.Events), j.Events)
	}
	if p := j.Events[0]; p.Kind != journal.KindPrompt || len(p.Scope) != 1 || p.Scope[0].Glob != "a.go" || p.Scope[0].Source != journal.SourceMention {
		t.Errorf("prompt event %+v", p)
	}
	if r := j.Events[1]; r.Kind != journal.KindRead || r.Path != "a.go" || r.Tool != "mention" {
		t.Errorf("read event %+v", r)
	}
	if e := j.Events[2]; e.Kind != journal.KindEdit || e.Path != "a.go" || e.Blob != "2a93cdef549545101b086408d9ee767fda0c02c2" {
		t.Errorf("edit event %+v", e)
	}
	// The hook's own failure is reported and never blocks the agent.
	if code, _, stderr := run(t, "not json", "--agent", "claude-code"); code != 0 || !strings.Contains(stderr, "the agent continues") {
		t.Errorf("bad payload: %d %q", code, stderr)
	}
	// Outside a repository nothing is recorded.
	outside := `{"session_id":"s1","cwd":` + quote(t.TempDir()) + `,"hook_event_name":"Stop"}`
	if code, _, stderr := run(t, outside, "--agent", "claude-code"); code != 0 || stderr != "" {
		t.Errorf("outside a repository: %d %q", code, stderr)
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestContextDeclaresNothing checks that a prompt the human did not write
// (a background subagent's task notification) declares no scope, and that
// the scope directive it carries is kept as a claim.
func TestContextDeclaresNothing(t *testing.T) {
	root := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	prompt := "<task-notification>\n<result>Done.\nscope: .github/workflows/**\n@a.go</result>\n</task-notification>"
	payload := `{"session_id":"s1","cwd":` + quote(root) + `,"hook_event_name":"UserPromptSubmit","prompt":` + quote(prompt) + `}`
	if code, stdout, stderr := run(t, payload, "--agent", "claude-code"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("prompt: %d %q %q", code, stdout, stderr)
	}
	path := journal.Path(filepath.Join(root, ".git"), "claude-code", "s1")
	j, err := journal.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Events) != 1 {
		t.Fatalf("%d events: %+v", len(j.Events), j.Events)
	}
	e := j.Events[0]
	if e.Kind != journal.KindContext || e.Origin != "task-notification" || len(e.Scope) != 0 ||
		len(e.ScopeClaim) != 1 || e.ScopeClaim[0] != ".github/workflows/**" {
		t.Errorf("context event %+v", e)
	}
	if decls, err := journal.ReadScope(path); err != nil || len(decls) != 0 {
		t.Errorf("ReadScope = %v, %v; want nothing declared", decls, err)
	}
}

// TestShellPatchSettled checks that a patch Codex runs through the shell,
// which fires no PostToolUse, is recorded at the session's next event with
// the content the command left.
func TestShellPatchSettled(t *testing.T) {
	root := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
		t.Skipf("git init: %v %s", err, out)
	}
	cmd := "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: docs/notes.md\n+notes\n*** End Patch\nEOF\n"
	pre := `{"session_id":"t1","cwd":` + quote(root) + `,"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":` + quote(cmd) + `}}`
	if code, stdout, stderr := run(t, pre, "--agent", "codex"); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("pre: %d %q %q", code, stdout, stderr)
	}
	// The command runs.
	if err := os.MkdirAll(filepath.Join(root, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", "notes.md"), []byte("notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stop := `{"session_id":"t1","cwd":` + quote(root) + `,"hook_event_name":"Stop"}`
	for range 2 { // the second Stop finds nothing pending
		if code, stdout, stderr := run(t, stop, "--agent", "codex"); code != 0 || stdout != "" || stderr != "" {
			t.Fatalf("stop: %d %q %q", code, stdout, stderr)
		}
	}
	j, err := journal.Read(journal.Path(filepath.Join(root, ".git"), "codex", "t1"))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range j.Events {
		kinds = append(kinds, string(e.Kind)+" "+e.Path+" "+e.Blob)
	}
	want := []string{"exec  ", "edit docs/notes.md " + "bfa655111293037a5564088d1a9bbca4cbcf446b", "stop  ", "stop  "}
	if strings.Join(kinds, "\n") != strings.Join(want, "\n") {
		t.Errorf("journal:\n%s\nwant:\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
	}
}

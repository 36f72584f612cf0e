package install

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcheck/agentcheck/internal/buildinfo"
	"github.com/agentcheck/agentcheck/internal/testrepo"
	"github.com/agentcheck/agentcheck/provenance"
)

// testEnv is the Env of a run in r's work tree; its environment is the
// process's (testrepo sets HOME and git's for the test).
func testEnv(dir string) (Env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return Env{Dir: dir, Getenv: os.Getenv, Stdout: &stdout, Stderr: &stderr}, &stdout, &stderr
}

// onPath puts stand-ins for agentcheck and agentcheck-hook on PATH, with
// git, so that doctor finds them.
func onPath(t *testing.T) {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	bin := t.TempDir()
	for _, name := range []string{"agentcheck", "agentcheck-hook"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+filepath.Dir(gitPath))
}

func TestInit(t *testing.T) {
	r := testrepo.New(t)
	r.Git("remote", "add", "origin", "https://example.com/repo.git")
	env, stdout, stderr := testEnv(r.Dir)
	ctx := context.Background()
	if err := Init(ctx, env, InitOptions{Agents: []string{ClaudeCode}}); err != nil {
		t.Fatal(err)
	}
	home := os.Getenv("HOME")
	key := filepath.Join(home, ".config", "agentcheck", "agentcheck_ed25519")
	for _, want := range []string{
		"agentcheck init in " + r.Dir + "\n",
		"  claude-code  .claude/settings.json: created\n",
		"  git hook     .git/hooks/post-commit: created\n",
		"  notes        remote origin fetches refs/notes/agentcheck into refs/notes/remotes/origin/agentcheck: added\n",
		"  policy       .agentcheck.yml: created (the built-in policy, commented)\n",
		"  key          ~/.config/agentcheck/agentcheck_ed25519: created (SHA256:",
		"  signers      .agentcheck/allowed_signers: created (trusts your key for alice@example.com)\n",
		"  approvers    .agentcheck/approvers: created (you may approve findings, as alice@example.com)\n",
		"next:\n  1. commit the agents' hook configuration",
		"run 'agentcheck doctor' to check the setup\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q", stderr)
	}
	for _, p := range []string{filepath.Join(r.Dir, ".claude", "settings.json"), filepath.Join(r.Dir, ".git", "hooks", "reference-transaction"), key, key + ".pub"} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if got := r.Git("config", "--get-all", "remote.origin.fetch"); !strings.Contains(got, "+refs/notes/agentcheck:refs/notes/remotes/origin/agentcheck") {
		t.Errorf("remote.origin.fetch = %q", got)
	}
	signers, err := os.ReadFile(filepath.Join(r.Dir, ".agentcheck", "allowed_signers"))
	if err != nil || !strings.HasPrefix(string(signers), "alice@example.com namespaces=\""+provenance.SignatureNamespace+"\" ssh-ed25519 ") {
		t.Errorf("allowed_signers %q, %v", signers, err)
	}
	approvers, err := os.ReadFile(filepath.Join(r.Dir, ".agentcheck", "approvers"))
	if err != nil {
		t.Fatal(err)
	}
	as, err := provenance.ParseAllowedSigners(approvers, "approvers")
	if err != nil || len(as.Entries) != 1 || !strings.HasPrefix(string(approvers), "# Who may approve") ||
		!strings.Contains(string(approvers), "\n"+strings.TrimSuffix(string(signers), "\n")+"\n") {
		t.Errorf("approvers %q: %v", approvers, err)
	}

	// Again: every step keeps what is there.
	env, stdout, _ = testEnv(r.Dir)
	if err := Init(ctx, env, InitOptions{Agents: []string{ClaudeCode}}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasSuffix(line, ": created") || strings.HasSuffix(line, ": added") || strings.Contains(line, ": updated") {
			t.Errorf("a second run changed something: %s", line)
		}
	}
	if !strings.Contains(stdout.String(), "  key          ~/.config/agentcheck/agentcheck_ed25519: unchanged (SHA256:") {
		t.Errorf("a second run:\n%s", stdout)
	}
}

// An approvers file that exists is the maintainers' list: init never
// changes it, even when it does not list the user.
func TestInitKeepsApprovers(t *testing.T) {
	r := testrepo.New(t)
	path := filepath.Join(r.Dir, ".agentcheck", "approvers")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	const theirs = "# bob only\n"
	if err := os.WriteFile(path, []byte(theirs), 0o644); err != nil {
		t.Fatal(err)
	}
	env, stdout, _ := testEnv(r.Dir)
	if err := Init(context.Background(), env, InitOptions{Agents: []string{ClaudeCode}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "  approvers    .agentcheck/approvers: unchanged\n") {
		t.Errorf("the report:\n%s", stdout)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != theirs {
		t.Errorf("approvers = %q, %v; want it untouched", got, err)
	}
}

func TestInitOutsideARepository(t *testing.T) {
	testrepo.New(t) // the environment
	env, _, _ := testEnv(t.TempDir())
	err := Init(context.Background(), env, InitOptions{Agents: Agents()})
	if err == nil || !strings.HasPrefix(err.Error(), "opening repository: ") {
		t.Errorf("error %v", err)
	}
}

func TestInitGlobal(t *testing.T) {
	testrepo.New(t)
	env, stdout, _ := testEnv(t.TempDir())
	if err := Init(context.Background(), env, InitOptions{Agents: []string{Cursor}, Global: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"agentcheck init --global: the agents' hooks for your user account\n",
		"  cursor       ~/.cursor/hooks.json: created\n",
		"1. run 'agentcheck init' in each repository you work in",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
}

func TestParseAgents(t *testing.T) {
	got, err := ParseAgents(" codex,claude-code,codex,")
	if err != nil || strings.Join(got, " ") != "codex claude-code" {
		t.Errorf("ParseAgents = %v, %v", got, err)
	}
	for list, want := range map[string]string{
		"":          "--agent names no agent",
		" , ":       "--agent names no agent",
		"codex,vim": `unknown agent "vim" (want claude-code, cursor, codex, opencode)`,
	} {
		if _, err := ParseAgents(list); err == nil || err.Error() != want {
			t.Errorf("ParseAgents(%q): %v, want %q", list, err, want)
		}
	}
}

func TestDoctor(t *testing.T) {
	r := testrepo.New(t)
	onPath(t)
	ctx := context.Background()
	env, _, _ := testEnv(r.Dir)
	if err := Init(ctx, env, InitOptions{Agents: []string{ClaudeCode}}); err != nil {
		t.Fatal(err)
	}
	// Nothing is committed yet: the trusted side has no signers file.
	env, stdout, _ := testEnv(r.Dir)
	missing := Doctor(ctx, env, buildinfo.Build{Version: "1.2.3"})
	for _, want := range []string{
		"(this is 1.2.3)",
		"ok       claude-code     hooks in .claude/settings.json\n",
		"off      cursor          not set up\n",
		"ok       git hook        post-commit (.git/hooks/post-commit)\n",
		"off      notes           no remote: notes stay local until you add one\n",
		"warn     policy          no commit yet: the built-in defaults apply\n",
		"missing  signers         .agentcheck/allowed_signers trusts your key for alice@example.com in the work tree, but not yet at any commit: manifests verify once it is there\n",
		"                         fix: commit .agentcheck/allowed_signers to the base branch through a reviewed change\n",
		"off      approvers       no .agentcheck/approvers at any commit: nobody can approve a finding, only fix it\n",
		"                         fix: commit .agentcheck/approvers to the base branch through a reviewed change\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("doctor lacks %q:\n%s", want, stdout)
		}
	}
	if missing != 1 {
		t.Errorf("missing = %d, want 1:\n%s", missing, stdout)
	}

	// Committed, the setup is complete.
	r.Commit("agentcheck init")
	env, stdout, _ = testEnv(r.Dir)
	if missing := Doctor(ctx, env, buildinfo.Build{Version: "1.2.3"}); missing != 0 {
		t.Errorf("missing = %d after the commit:\n%s", missing, stdout)
	}
	for _, want := range []string{
		"ok       policy          .agentcheck.yml at HEAD (runtime: deny)\n",
		"ok       signers         .agentcheck/allowed_signers at HEAD trusts your key for alice@example.com\n",
		"ok       approvers       .agentcheck/approvers at HEAD lists 1 key, yours for alice@example.com: you may approve findings\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("doctor lacks %q:\n%s", want, stdout)
		}
	}

	// Another maintainer's key only, then a file the gate cannot read.
	for _, tc := range []struct{ content, want string }{
		{"bob@example.com namespaces=\"agentcheck\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
			"ok       approvers       .agentcheck/approvers at HEAD lists 1 key, not yours for alice@example.com: approvals are for the maintainers it lists\n"},
		{"bob@example.com ssh-ed25519 not-base64\n",
			"missing  approvers       .agentcheck/approvers at HEAD: "},
	} {
		if err := os.WriteFile(filepath.Join(r.Dir, ".agentcheck", "approvers"), []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		r.Commit("approvers")
		env, stdout, _ = testEnv(r.Dir)
		Doctor(ctx, env, buildinfo.Build{Version: "1.2.3"})
		if !strings.Contains(stdout.String(), tc.want) {
			t.Errorf("doctor lacks %q:\n%s", tc.want, stdout)
		}
	}
}

// TestDoctorHookVersion runs doctor with agentcheck-hook binaries of the same
// build, of another, and of an install older than --version.
func TestDoctorHookVersion(t *testing.T) {
	r := testrepo.New(t)
	onPath(t)
	hook, err := exec.LookPath("agentcheck-hook")
	if err != nil {
		t.Fatal(err)
	}
	build := buildinfo.Build{Version: "1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-26T10:00:00Z"}
	for _, tc := range []struct {
		name, script, want string
	}{
		{"same build", `echo "agentcheck-hook 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-26T10:00:00Z)"`,
			"ok       agentcheck-hook " + hook + " on PATH (1.2.3, as this agentcheck)\n"},
		{"another release", `echo "agentcheck-hook 1.2.0 (commit 89abcdef0123456789abcdef0123456789abcdef, built 2026-10-01T10:00:00Z)"`,
			"warn     agentcheck-hook " + hook + " on PATH is 1.2.0 (commit 89abcdef0123456789abcdef0123456789abcdef, built 2026-10-01T10:00:00Z), " +
				"this agentcheck is 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-11-26T10:00:00Z): install both from one release\n"},
		{"older than --version", `echo "agentcheck: error: flag provided but not defined: -version" >&2; exit 2`,
			"warn     agentcheck-hook " + hook + " on PATH does not say its version: it is older than this agentcheck (1.2.3) and may lack its runtime checks\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(hook, []byte("#!/bin/sh\n"+tc.script+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			env, stdout, _ := testEnv(r.Dir)
			Doctor(context.Background(), env, build)
			if !strings.Contains(stdout.String(), tc.want) {
				t.Errorf("doctor lacks %q:\n%s", tc.want, stdout)
			}
		})
	}
}

func TestDoctorOutsideARepository(t *testing.T) {
	testrepo.New(t)
	onPath(t)
	env, stdout, _ := testEnv(t.TempDir())
	if missing := Doctor(context.Background(), env, buildinfo.Build{Version: "1.2.3"}); missing != 1 {
		t.Errorf("missing = %d", missing)
	}
	if want := "missing  repository      not inside a git work tree\n"; !strings.Contains(stdout.String(), want) {
		t.Errorf("doctor lacks %q:\n%s", want, stdout)
	}
}

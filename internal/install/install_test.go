package install

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/agentcheck/agentcheck/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got, *update)
}

// Merging agentcheck's hooks into an agent's configuration: a fresh file,
// one with other settings and hooks (all kept, in their order), one with
// some of agentcheck's hooks already; and a second run changes nothing.
func TestMergeAgentConfig(t *testing.T) {
	inputs := map[string][]string{
		ClaudeCode: {"fresh", "existing", "partial"},
		Cursor:     {"fresh", "existing", "noversion"},
		Codex:      {"fresh", "existing"},
	}
	for agent, names := range inputs {
		for _, name := range names {
			t.Run(agent+"/"+name, func(t *testing.T) {
				var in []byte
				if name != "fresh" {
					var err error
					if in, err = os.ReadFile(filepath.Join("testdata", "agents", agent+"."+name+".json")); err != nil {
						t.Fatal(err)
					}
				}
				out, changed, err := MergeAgentConfig(agent, in)
				if err != nil {
					t.Fatal(err)
				}
				if !changed {
					t.Fatal("nothing was added")
				}
				checkGolden(t, filepath.Join("agents", agent+"."+name+".golden"), out)
				again, changed, err := MergeAgentConfig(agent, out)
				if err != nil || changed || !bytes.Equal(again, out) {
					t.Errorf("a second merge changed the file (changed=%v, err=%v)", changed, err)
				}
				if in != nil {
					keepsEverything(t, in, out)
				}
			})
		}
	}
}

// keepsEverything checks that every value of in is still in out: merging
// only adds.
func keepsEverything(t *testing.T, in, out []byte) {
	t.Helper()
	var before, after any
	if err := json.Unmarshal(in, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &after); err != nil {
		t.Fatal(err)
	}
	var sub func(a, b any, path string)
	sub = func(a, b any, path string) {
		switch a := a.(type) {
		case map[string]any:
			bm, ok := b.(map[string]any)
			if !ok {
				t.Errorf("%s: no longer an object", path)
				return
			}
			for k, v := range a {
				sub(v, bm[k], path+"."+k)
			}
		case []any:
			bl, ok := b.([]any)
			if !ok || len(bl) < len(a) {
				t.Errorf("%s: lost elements", path)
				return
			}
			for i := range a {
				sub(a[i], bl[i], path+"["+string(rune('0'+i))+"]")
			}
		default:
			if !cmp.Equal(a, b) {
				t.Errorf("%s: %v became %v", path, a, b)
			}
		}
	}
	sub(before, after, "$")
}

func TestMergeAgentConfigRefuses(t *testing.T) {
	for _, tc := range []struct{ agent, name, want string }{
		{ClaudeCode, "badhooks", `"hooks.PreToolUse" is not a list`},
		{Cursor, "notjson", "reading the existing file"},
	} {
		in, err := os.ReadFile(filepath.Join("testdata", "agents", tc.agent+"."+tc.name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := MergeAgentConfig(tc.agent, in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s/%s: error %v, want %q", tc.agent, tc.name, err, tc.want)
		}
		// WriteAgentConfig leaves such a file alone and says so.
		path := filepath.Join(t.TempDir(), "settings.json")
		if err := os.WriteFile(path, in, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := WriteAgentConfig(tc.agent, path)
		if err != nil || c.Outcome != Skipped {
			t.Errorf("WriteAgentConfig = %+v, %v; want skipped", c, err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(after, in) {
			t.Errorf("%s/%s: the file was changed", tc.agent, tc.name)
		}
	}
}

func TestWriteAgentConfig(t *testing.T) {
	dir := t.TempDir()
	for _, agent := range Agents() {
		path := ConfigPath(agent, dir, "", "", "")
		c, err := WriteAgentConfig(agent, path)
		if err != nil || c.Outcome != Created {
			t.Fatalf("%s: first write = %+v, %v", agent, c, err)
		}
		c, err = WriteAgentConfig(agent, path)
		if err != nil || c.Outcome != Unchanged {
			t.Fatalf("%s: second write = %+v, %v", agent, c, err)
		}
		if present, complete, err := HasAgentHooks(agent, path); !present || !complete || err != nil {
			t.Errorf("%s: HasAgentHooks = %v, %v, %v", agent, present, complete, err)
		}
	}
	// A plugin file of someone else's is left alone.
	other := filepath.Join(dir, "other.js")
	if err := os.WriteFile(other, []byte("export const X = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err := WriteAgentConfig(OpenCode, other); err != nil || c.Outcome != Skipped {
		t.Errorf("plugin over a foreign file = %+v, %v", c, err)
	}
}

// The OpenCode plugin is valid JavaScript (an ES module).
func TestOpenCodePluginParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	path := filepath.Join(t.TempDir(), "agentcheck.mjs")
	if err := os.WriteFile(path, OpenCodePlugin(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("node --check: %v\n%s", err, out)
	}
}

// The OpenCode plugin spawns agentcheck with the documented envelope and
// throws on exit status 2, with agentcheck's reason; any other failure is
// ignored.
func TestOpenCodePluginBehaviour(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	plugin := filepath.Join(dir, "agentcheck.mjs")
	if err := os.WriteFile(plugin, OpenCodePlugin(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A stand-in for agentcheck: it logs its stdin and denies edits.
	fake := filepath.Join(dir, "fake-agentcheck")
	script := "#!/bin/sh\nin=$(cat)\nprintf '%s\\n' \"$in\" >> \"$FAKE_LOG\"\n" +
		"case $in in *'\"hook\":\"tool.execute.before\"'*'\"tool\":\"edit\"'*) echo 'denied: protected path' >&2; exit 2;; esac\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	driver := `
import { AgentcheckPlugin } from ` + jsString(plugin) + `;
const client = { session: { get: async ({ path }) => ({ data: { ses_child: { parentID: "ses_1" } }[path.id] ?? {} }) } };
const hooks = await AgentcheckPlugin({ directory: "/repo", worktree: "/repo", client });
await hooks["chat.message"]({ sessionID: "ses_1" }, { parts: [{ type: "text", text: "hi" }] });
await hooks["chat.message"]({ sessionID: "ses_child" }, { parts: [{ type: "text", text: "subtask" }] });
await hooks["tool.execute.before"]({ tool: "read", sessionID: "ses_1", callID: "c1" }, { args: { filePath: "/repo/a.go" } });
await hooks["tool.execute.after"]({ tool: "read", sessionID: "ses_1", callID: "c1" }, { title: "", output: "", metadata: {} });
await hooks.event({ event: { type: "message.part.updated", properties: {} } });
await hooks.event({ event: { type: "session.idle", properties: { sessionID: "ses_1" } } });
try {
  await hooks["tool.execute.before"]({ tool: "edit", sessionID: "ses_1", callID: "c2" }, { args: { filePath: "/repo/.env" } });
  console.log("not thrown");
} catch (e) {
  console.log("thrown: " + e.message);
}
`
	log := filepath.Join(dir, "log")
	run := func(bin string) string {
		cmd := exec.Command(node, "--input-type=module", "-e", driver)
		cmd.Env = append(os.Environ(), "AGENTCHECK_BIN="+bin, "FAKE_LOG="+log)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// Without agentcheck nothing is thrown: the recorder never stops the
	// agent by accident.
	if got := run(filepath.Join(dir, "missing")); got != "not thrown" {
		t.Errorf("without agentcheck the plugin printed %q", got)
	}
	if got := run(fake); got != "thrown: denied: protected path" {
		t.Errorf("the plugin printed %q, want the deny thrown", got)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var hooks []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var env struct {
			Hook      string `json:"hook"`
			Directory string `json:"directory"`
			Worktree  string `json:"worktree"`
			Parent    string `json:"parentSessionID"`
			Input     struct {
				SessionID string         `json:"sessionID"`
				Args      map[string]any `json:"args"`
			} `json:"input"`
		}
		if err := json.Unmarshal([]byte(line), &env); err != nil {
			t.Fatalf("envelope %q: %v", line, err)
		}
		if env.Directory != "/repo" || env.Worktree != "/repo" {
			t.Errorf("envelope without directory and worktree: %s", line)
		}
		if want := map[string]string{"ses_child": "ses_1"}[env.Input.SessionID]; env.Parent != want {
			t.Errorf("parentSessionID = %q, want %q: %s", env.Parent, want, line)
		}
		if env.Hook == "tool.execute.after" && env.Input.Args["filePath"] != "/repo/a.go" {
			t.Errorf("tool.execute.after without the args of its tool.execute.before: %s", line)
		}
		hooks = append(hooks, env.Hook)
	}
	want := []string{"chat.message", "chat.message", "tool.execute.before", "tool.execute.after", "event", "tool.execute.before"}
	if !cmp.Equal(hooks, want) {
		t.Errorf("hooks sent %v, want %v (bus events other than session ones are not sent)", hooks, want)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestGitHookScripts(t *testing.T) {
	for _, name := range GitHooks() {
		checkGolden(t, filepath.Join("githooks", name), StandaloneHook(name, "/usr/local/bin/agentcheck"))
		checkGolden(t, filepath.Join("githooks", name+".block"), HookBlock(name))
		for _, script := range [][]byte{StandaloneHook(name, "/opt/agent check/agentcheck"), append([]byte("#!/bin/sh\n"), HookBlock(name)...)} {
			if out, err := exec.Command("sh", "-n", "-c", string(script)).CombinedOutput(); err != nil {
				t.Errorf("%s: sh -n: %v\n%s", name, err, out)
			}
		}
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func outcomes(cs []Change) map[string]Outcome {
	m := map[string]Outcome{}
	for _, c := range cs {
		m[filepath.Base(c.Path)] = c.Outcome
	}
	return m
}

func TestInstallGitHooksPlain(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, ".git", "hooks")
	userHook := "#!/bin/sh\necho lfs pre-push \"$@\"\n"
	writeFile(t, filepath.Join(dir, "pre-push"), userHook, 0o755)
	o := GitHookOptions{Dir: dir, WorkTree: root, CommonDir: filepath.Join(root, ".git"), Binary: "/usr/local/bin/agentcheck"}
	cs, err := InstallGitHooks(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range GitHooks() {
		if outcomes(cs)[name] != Created {
			t.Errorf("%s: %v", name, outcomes(cs)[name])
		}
		if _, ok := HookState(o, name); !ok {
			t.Errorf("%s: not reported installed", name)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "pre-push"+ChainedSuffix)); string(got) != userHook {
		t.Errorf("the human's pre-push hook was not kept as pre-push%s: %q", ChainedSuffix, got)
	}
	cs, err = InstallGitHooks(o)
	if err != nil {
		t.Fatal(err)
	}
	for name, oc := range outcomes(cs) {
		if oc != Unchanged {
			t.Errorf("second run: %s %s", name, oc)
		}
	}
	// pre-commit replaced our hook and chains it as .legacy: nothing to do.
	if err := os.Rename(filepath.Join(dir, "post-commit"), filepath.Join(dir, "post-commit.legacy")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "post-commit"), "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n", 0o755)
	cs, err = InstallGitHooks(o)
	if err != nil || outcomes(cs)["post-commit"] != Unchanged {
		t.Errorf("after pre-commit took post-commit over: %v, %v", outcomes(cs), err)
	}
	// A foreign hook with a foreign .pre-agentcheck beside it is left alone.
	writeFile(t, filepath.Join(dir, "post-rewrite"), "#!/bin/sh\necho mine\n", 0o755)
	writeFile(t, filepath.Join(dir, "post-rewrite"+ChainedSuffix), "#!/bin/sh\necho older\n", 0o755)
	cs, err = InstallGitHooks(o)
	if err != nil || outcomes(cs)["post-rewrite"] != Skipped {
		t.Errorf("two foreign hooks: %v, %v", outcomes(cs), err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "post-rewrite")); string(got) != "#!/bin/sh\necho mine\n" {
		t.Errorf("a foreign hook was overwritten: %q", got)
	}
}

func TestInstallGitHooksHusky(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, ".husky", "_")
	writeFile(t, filepath.Join(dir, "h"), "#!/usr/bin/env sh\n", 0o755)
	writeFile(t, filepath.Join(dir, "pre-push"), "#!/usr/bin/env sh\n. \"${0%/*}/h\"\n", 0o755)
	writeFile(t, filepath.Join(root, ".husky", "pre-push"), "npm test\n", 0o644)
	o := GitHookOptions{Dir: dir, WorkTree: root, Binary: "/usr/local/bin/agentcheck"}
	cs, err := InstallGitHooks(o)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(root, ".husky", "pre-push"))
	checkGolden(t, "githooks/husky-pre-push", got)
	if c := outcomes(cs)["reference-transaction"]; c != Created || !exists(filepath.Join(dir, "reference-transaction")) {
		t.Errorf("reference-transaction (not a husky hook) should be agentcheck's own file in .husky/_: %v", c)
	}
	if !exists(filepath.Join(root, ".husky", "post-commit")) {
		t.Error(".husky/post-commit was not created")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "pre-push")); !bytes.Contains(got, []byte(`/h"`)) {
		t.Error("husky's own .husky/_/pre-push was changed")
	}
	cs, err = InstallGitHooks(o)
	if err != nil {
		t.Fatal(err)
	}
	for name, oc := range outcomes(cs) {
		if oc != Unchanged {
			t.Errorf("second run: %s %s", name, oc)
		}
	}
}

func TestReplaceBlock(t *testing.T) {
	block := HookBlock("post-commit")
	for _, tc := range []struct{ in, want string }{
		{"", string(block)},
		{"#!/bin/sh\necho hi\nexit 0\n", "#!/bin/sh\n" + string(block) + "echo hi\nexit 0\n"},
		{"echo hi\n", string(block) + "echo hi\n"},
		{"#!/bin/sh", "#!/bin/sh\n" + string(block)},
		{"#!/bin/sh\n# >>> agentcheck old\nold\n# <<< agentcheck <<<\necho hi\n", "#!/bin/sh\n" + string(block) + "echo hi\n"},
	} {
		if got := string(replaceBlock([]byte(tc.in), block)); got != tc.want {
			t.Errorf("replaceBlock(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

package install

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// codexHooksJSON is what agentcheck init writes to .codex/hooks.json.
func codexHooksJSON(t *testing.T) []byte {
	t.Helper()
	out, _, err := MergeAgentConfig(Codex, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCodexHooks checks the keys and hashes of agentcheck's Codex hooks
// against the ones Codex 0.169.0 itself accepted: with these lines in
// config.toml (and the project trusted) it ran every hook, SessionEnd
// included, without --dangerously-bypass-hook-trust; with one hash
// changed it skipped that hook. The e2e suite repeats this on every run.
func TestCodexHooks(t *testing.T) {
	const path = "/tmp/e2e-explore/repo/.codex/hooks.json"
	got, err := CodexHooks(path, codexHooksJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []CodexHook{
		{path + ":post_tool_use:0:0", "sha256:4a5dfe65b67f681aa8d13c8388e8bd94df1559e324313e7c7d055b9a9c234488"},
		{path + ":pre_tool_use:0:0", "sha256:cd8c829f8fa0b6c0f4af707a81a3354a3e3eada56a7ebff334f3bca15df96686"},
		{path + ":session_end:0:0", "sha256:4c97820c97597c389a44466b7dc3ba94c471dd7df37282ffa4e179cd9366aa5c"},
		{path + ":session_start:0:0", "sha256:6a0f19d130e514bc4d0b57997f24cfcd22110c40a6d950c2fa09c1d47149c754"},
		{path + ":stop:0:0", "sha256:c60d97d7ee46b2e561ec6a3876586ea2aa903259f836c159d21fe25a61e4b0f5"},
		{path + ":user_prompt_submit:0:0", "sha256:84362e8ec00c662e5e27fc9e2be787726054ac9a3f8a5756f7e84c70d79f72fa"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CodexHooks (-want +got):\n%s", diff)
	}
}

// TestCodexHooksPositions checks that a hook's key follows its position
// among the human's hooks, and that only agentcheck's are listed.
func TestCodexHooksPositions(t *testing.T) {
	data := []byte(`{"hooks":{"PreToolUse":[
		{"matcher":"^Bash$","hooks":[{"type":"command","command":"./audit.sh"},{"type":"command","command":"agentcheck-hook --agent codex","timeout":30}]},
		{"hooks":[{"type":"command","command":"/usr/local/bin/agentcheck-hook --agent codex"}]}],
		"Stop":[{"matcher":"ignored","hooks":[{"type":"command","command":"agentcheck-hook --agent codex"}]}],
		"Unknown":[{"hooks":[{"type":"command","command":"agentcheck-hook --agent codex"}]}]}}`)
	got, err := CodexHooks("/r/.codex/hooks.json", data)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, h := range got {
		keys = append(keys, h.Key)
	}
	want := []string{"/r/.codex/hooks.json:pre_tool_use:0:1", "/r/.codex/hooks.json:pre_tool_use:1:0", "/r/.codex/hooks.json:stop:0:0"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	// Stop ignores its matcher: the hash is the one without it.
	plain, _ := CodexHooks("/r/.codex/hooks.json", []byte(`{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"agentcheck-hook --agent codex"}]}]}}`))
	if got[2].Hash != plain[0].Hash {
		t.Errorf("Stop's hash depends on its matcher")
	}
	if got[0].Hash == got[1].Hash {
		t.Errorf("the matcher and the timeout do not change the hash")
	}
	if _, err := CodexHooks("/r/.codex/hooks.json", []byte("{")); err == nil {
		t.Errorf("a broken hooks.json read without error")
	}
}

func TestReadCodexTrust(t *testing.T) {
	data := []byte(`model = "gpt-5.5" # a comment
approval_policy = 'never'
sandbox_permissions = [
  "disk-full-read-access", # a comment ]
]
notify = ["a", "b"]

[projects."/home/dev/repo"]
trust_level = "trusted"

[projects.'/home/dev/other']
trust_level = "untrusted"

[mcp_servers.docs]
command = "npx"
env = { KEY = "x" }
description = """
multi
line
"""

[hooks.state."/home/dev/repo/.codex/hooks.json:stop:0:0"]
trusted_hash = "sha256:aa"

[hooks.state."/home/dev/repo/.codex/hooks.json:pre_tool_use:0:0"]
enabled = false
trusted_hash = "sha256:bb"
`)
	tr := ReadCodexTrust(data)
	if !tr.ProjectTrusted("/x", "/home/dev/repo") || tr.ProjectTrusted("/home/dev/other") {
		t.Errorf("projects = %v", tr.Projects)
	}
	stop := CodexHook{Key: "/home/dev/repo/.codex/hooks.json:stop:0:0", Hash: "sha256:aa"}
	for _, tc := range []struct {
		h    CodexHook
		want string
	}{
		{stop, HookTrusted},
		{CodexHook{Key: stop.Key, Hash: "sha256:cc"}, HookModified},
		{CodexHook{Key: "/home/dev/repo/.codex/hooks.json:pre_tool_use:0:0", Hash: "sha256:bb"}, HookDisabled},
		{CodexHook{Key: "/home/dev/repo/.codex/hooks.json:session_end:0:0", Hash: "sha256:dd"}, HookUntrusted},
	} {
		if got := tr.Status(tc.h); got != tc.want {
			t.Errorf("Status(%s) = %s, want %s", tc.h.Key, got, tc.want)
		}
	}
	// Dotted keys are read too.
	tr = ReadCodexTrust([]byte(`projects."/r".trust_level = "trusted"` + "\n" + `hooks.state."/r/.codex/hooks.json:stop:0:0".trusted_hash = "sha256:aa"` + "\n"))
	if !tr.ProjectTrusted("/r") || tr.Status(CodexHook{Key: "/r/.codex/hooks.json:stop:0:0", Hash: "sha256:aa"}) != HookTrusted {
		t.Errorf("dotted keys: %+v", tr)
	}
}

func TestTrustCodex(t *testing.T) {
	hooks, err := CodexHooks("/r/.codex/hooks.json", codexHooksJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	trustedAll := func(t *testing.T, data []byte) {
		t.Helper()
		tr := ReadCodexTrust(data)
		if !tr.ProjectTrusted("/r") {
			t.Errorf("project not trusted in:\n%s", data)
		}
		for _, h := range hooks {
			if st := tr.Status(h); st != HookTrusted {
				t.Errorf("%s is %s in:\n%s", h.Key, st, data)
			}
		}
	}
	t.Run("no file", func(t *testing.T) {
		out, changed, err := TrustCodex(nil, "/r", hooks)
		if err != nil || !changed {
			t.Fatalf("TrustCodex = %v, %v", changed, err)
		}
		trustedAll(t, out)
		if !strings.HasPrefix(string(out), "[projects.\"/r\"]\ntrust_level = \"trusted\"\n\n[hooks.state.") {
			t.Errorf("out =\n%s", out)
		}
		again, changed, err := TrustCodex(out, "/r", hooks)
		if err != nil || changed || string(again) != string(out) {
			t.Errorf("a second run changed the file: %v %v\n%s", changed, err, again)
		}
	})
	t.Run("existing tables", func(t *testing.T) {
		in := "model = \"gpt-5.5\"\n\n[projects.\"/r\"]\ntrust_level = \"untrusted\" # mine\n\n[hooks.state.\"/r/.codex/hooks.json:stop:0:0\"]\ntrusted_hash = \"sha256:old\"\n\n[hooks.state.\"/r/.codex/hooks.json:pre_tool_use:0:0\"]\nenabled = true\n\n[tui]\ntheme = \"dark\"\n"
		out, changed, err := TrustCodex([]byte(in), "/r", hooks)
		if err != nil || !changed {
			t.Fatalf("TrustCodex = %v, %v", changed, err)
		}
		trustedAll(t, out)
		s := string(out)
		for _, keep := range []string{"model = \"gpt-5.5\"\n", "enabled = true\n", "[tui]\ntheme = \"dark\"\n"} {
			if !strings.Contains(s, keep) {
				t.Errorf("lost %q:\n%s", keep, s)
			}
		}
		if strings.Count(s, "[projects.\"/r\"]") != 1 || strings.Count(s, ":stop:0:0\"]") != 1 || strings.Contains(s, "sha256:old") {
			t.Errorf("a table was defined twice or kept its old hash:\n%s", s)
		}
		if !strings.Contains(s, "[hooks.state.\"/r/.codex/hooks.json:pre_tool_use:0:0\"]\ntrusted_hash = ") {
			t.Errorf("the hash is not set in the existing table:\n%s", s)
		}
	})
	for name, in := range map[string]string{
		"dotted key":   "projects.\"/r\".trust_level = \"untrusted\"\n",
		"inline table": "[projects]\n\"/r\" = { trust_level = \"untrusted\" }\n",
		"parent table": "[hooks]\nstate = {}\n",
		"broken line":  "model = \n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := TrustCodex([]byte(in), "/r", hooks); !errors.Is(err, ErrCodexConfig) {
				t.Errorf("TrustCodex(%q) = %v, want ErrCodexConfig", in, err)
			}
		})
	}
}

// FuzzCodexTrust checks that no config.toml makes the reader or the editor
// panic, and that an edit, when made, trusts what was asked and keeps
// every line it did not set.
func FuzzCodexTrust(f *testing.F) {
	f.Add([]byte("[projects.\"/r\"]\ntrust_level = \"trusted\"\n"))
	f.Add([]byte("a = [\n 1, # ]\n]\nb = { c = 'd' }\ns = \"\"\"\nx\n\"\"\"\n[hooks.state.'k']\nenabled = false\n"))
	f.Add([]byte("x = \"\\u00e9\\U0001F600\"\n[[arr]]\ny = 1\n"))
	hooks := []CodexHook{{Key: "/r/.codex/hooks.json:stop:0:0", Hash: "sha256:aa"}, {Key: "k", Hash: "sha256:bb"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadCodexTrust(data)
		out, _, err := TrustCodex(data, "/r", hooks)
		if err != nil {
			return
		}
		tr := ReadCodexTrust(out)
		for _, h := range hooks {
			if st := tr.Status(h); st != HookTrusted && st != HookDisabled {
				t.Fatalf("%s is %s after TrustCodex:\n%s", h.Key, st, out)
			}
		}
		if !tr.ProjectTrusted("/r") {
			t.Fatalf("project not trusted after TrustCodex:\n%s", out)
		}
	})
}

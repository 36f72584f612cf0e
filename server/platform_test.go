package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestDetectPlatform(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind string
		env  func(string) string
		want Platform
	}{
		{"plain git", PlatformAuto, env(), Platform{Kind: PlatformGit, Name: "git"}},
		{"plain git over authenticated http", PlatformAuto, env("REMOTE_USER", "carol"), Platform{Kind: PlatformGit, Name: "git", Pusher: "carol"}},
		{"github push", PlatformAuto, env("GITHUB_USER_LOGIN", "octocat", "GITHUB_REPO_NAME", "o/r"),
			Platform{Kind: PlatformGitHub, Name: "GitHub Enterprise Server", Pusher: "octocat"}},
		{"github merge button", PlatformAuto, env("GITHUB_USER_LOGIN", "octocat", "GITHUB_VIA", "pull request merge button"),
			Platform{Kind: PlatformGitHub, Name: "GitHub Enterprise Server", Pusher: "octocat", Merge: `GITHUB_VIA="pull request merge button"`}},
		{"github merge api", PlatformAuto, env("GITHUB_VIA", "pull request merge api"),
			Platform{Kind: PlatformGitHub, Name: "GitHub Enterprise Server", Merge: `GITHUB_VIA="pull request merge api"`}},
		{"github web edit is no merge", PlatformAuto, env("GITHUB_VIA", "blob edit"),
			Platform{Kind: PlatformGitHub, Name: "GitHub Enterprise Server"}},
		{"gitlab ssh", PlatformAuto, env("GL_ID", "user-1", "GL_USERNAME", "root", "GL_PROTOCOL", "ssh"),
			Platform{Kind: PlatformGitLab, Name: "GitLab", Pusher: "root", LinePrefix: "GL-HOOK-ERR: "}},
		{"gitlab web", PlatformAuto, env("GL_REPOSITORY", "project-1", "GL_PROTOCOL", "web"),
			Platform{Kind: PlatformGitLab, Name: "GitLab", Merge: `GL_PROTOCOL="web"`, LinePrefix: "GL-HOOK-ERR: "}},
		{"gitea push", PlatformAuto, env("GITEA_PUSHER_NAME", "gitea-user", "GITEA_REPO_NAME", "r"),
			Platform{Kind: PlatformGitea, Name: "Gitea", Pusher: "gitea-user"}},
		{"gitea merge", PlatformAuto, env("GITEA_PUSHER_NAME", "u", "GITEA_PUSH_TRIGGER", "pr-merge-to-base"),
			Platform{Kind: PlatformGitea, Name: "Gitea", Pusher: "u", Merge: `GITEA_PUSH_TRIGGER="pr-merge-to-base"`}},
		{"gitea update with base is no merge to base", PlatformAuto, env("GITEA_PUSHER_NAME", "u", "GITEA_PUSH_TRIGGER", "pr-update-with-base"),
			Platform{Kind: PlatformGitea, Name: "Gitea", Pusher: "u"}},
		// What Gitea 1.27.3 set when it pushed a fork's pull request head.
		{"gitea internal push", PlatformAuto, env("GITEA_PUSHER_NAME", "bob", "GITEA_REPO_NAME", "r", "GITEA_INTERNAL_PUSH", "true", "GITEA_PR_ID", "0"),
			Platform{Kind: PlatformGitea, Name: "Gitea", Pusher: "bob", Internal: `GITEA_INTERNAL_PUSH="true"`}},
		{"gitea internal push is only true", PlatformAuto, env("GITEA_PUSHER_NAME", "bob", "GITEA_INTERNAL_PUSH", "1"),
			Platform{Kind: PlatformGitea, Name: "Gitea", Pusher: "bob"}},
		// Named as plain git, no variable claims a platform merge.
		{"forced plain git", PlatformGit, env("GITHUB_VIA", "pull request merge button", "GL_PROTOCOL", "web", "GITEA_PUSH_TRIGGER", "pr-merge-to-base", "GITEA_INTERNAL_PUSH", "true"),
			Platform{Kind: PlatformGit, Name: "git"}},
		{"forced gitlab", PlatformGitLab, env(), Platform{Kind: PlatformGitLab, Name: "GitLab", LinePrefix: "GL-HOOK-ERR: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectPlatform(tc.kind, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DetectPlatform (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := DetectPlatform("bitbucket", env()); err == nil || !strings.Contains(err.Error(), "unknown platform") {
		t.Errorf("DetectPlatform(bitbucket): %v, want an unknown-platform error", err)
	}
}

func TestReadRepoConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadRepoConfig(dir)
	if err != nil || got != (RepoConfig{}) {
		t.Fatalf("no config: %+v, %v", got, err)
	}

	write("[core]\n\tbare = true\n[agentcheck]\n\tpolicy = /etc/agentcheck/policy.yml\n\tallowedsigners = old\n" +
		"[AgentCheck]\n\tallowedSigners = agentcheck/allowed_signers\n\tapprovers = /srv/approvers\n\tmode = Warn\n")
	got, err = ReadRepoConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := RepoConfig{
		Policy:         "/etc/agentcheck/policy.yml",
		AllowedSigners: filepath.Join(dir, "agentcheck/allowed_signers"), // the last value wins; relative to the git dir
		Approvers:      "/srv/approvers",
		Mode:           ModeWarn,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadRepoConfig (-want +got):\n%s", diff)
	}

	write("[agentcheck]\n\tmode = lenient\n")
	if _, err := ReadRepoConfig(dir); err == nil || !strings.Contains(err.Error(), "agentcheck.mode") {
		t.Errorf("bad mode: %v, want an error", err)
	}
	write("[agentcheck\n\tpolicy = x\n")
	if _, err := ReadRepoConfig(dir); err == nil {
		t.Errorf("broken config: no error")
	}
}

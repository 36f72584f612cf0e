package server

import (
	"fmt"
	"strings"
)

// Platform kinds for [DetectPlatform].
const (
	PlatformAuto   = "auto"   // tell from the environment
	PlatformGit    = "git"    // plain git: no platform variables are trusted
	PlatformGitHub = "github" // GitHub Enterprise Server
	PlatformGitLab = "gitlab" // GitLab (Gitaly)
	PlatformGitea  = "gitea"  // Gitea and Forgejo
)

// Platform is what the hosting software tells a hook about a push through
// its environment.
type Platform struct {
	// Kind is one of PlatformGit, PlatformGitHub, PlatformGitLab or
	// PlatformGitea.
	Kind string
	// Name is the platform's name for messages.
	Name string
	// Pusher is the account that pushed, when the platform says; "" when it
	// does not. For plain git it is REMOTE_USER, which a web server sets for
	// an authenticated smart HTTP push.
	Pusher string
	// Merge is non-empty when the push is the platform itself merging a
	// reviewed pull request: it says how that is known, e.g.
	// GITHUB_VIA="pull request merge button".
	Merge string
	// Internal is non-empty when the platform itself pushes, not a user: it
	// says how that is known (GITEA_INTERNAL_PUSH="true"). Gitea pushes
	// that way to store the head of a pull request from a fork in the base
	// repository (refs/pull/N/head) when it is opened or updated (seen with
	// Gitea 1.27.3); the gate accepts those refs/pull/ updates unchecked and
	// checks every other ref.
	Internal string
	// LinePrefix starts every line the hook writes: "GL-HOOK-ERR: " on
	// GitLab, whose web interface shows only such lines of a rejecting hook.
	LinePrefix string
}

// githubMergeVia reports whether GITHUB_VIA says GitHub Enterprise Server
// runs the hook because it merges a pull request itself (the values are
// listed in "Creating a pre-receive hook script" of the GHES documentation).
func githubMergeVia(via string) bool {
	switch via {
	case "pull request merge button", "pull request merge api":
		return true
	}
	return false
}

// giteaMergeTrigger is the GITEA_PUSH_TRIGGER with which Gitea (and Forgejo)
// runs hooks when it pushes the merge of a pull request into its base branch
// (modules/repository/env.go: PushTriggerPRMergeToBase; seen in the hook's
// environment of Gitea 1.27.3's merge API, with GITEA_PR_ID and
// GITEA_PR_INDEX). Gitea marks its own pushes of a pull request's head
// into refs/pull/ with GITEA_INTERNAL_PUSH=true instead (EnvIsInternal).
const giteaMergeTrigger = "pr-merge-to-base"

// DetectPlatform reads the platform from the hook's environment. With kind
// PlatformAuto it looks for each platform's variables: GL_ID, GL_PROTOCOL or
// GL_REPOSITORY for GitLab; GITHUB_REPO_NAME, GITHUB_USER_LOGIN or
// GITHUB_VIA for GitHub Enterprise Server; GITEA_REPO_NAME,
// GITEA_PUSHER_NAME or GITEA_REPO_ID for Gitea and Forgejo; else plain git.
// Naming the kind stops the guessing: on a plain git server where pushers
// could set environment variables (sshd's AcceptEnv), use PlatformGit so
// that no variable can claim a platform merge.
func DetectPlatform(kind string, getenv func(string) string) (Platform, error) {
	has := func(keys ...string) bool {
		for _, k := range keys {
			if getenv(k) != "" {
				return true
			}
		}
		return false
	}
	if kind == PlatformAuto || kind == "" {
		switch {
		case has("GL_ID", "GL_PROTOCOL", "GL_REPOSITORY"):
			kind = PlatformGitLab
		case has("GITHUB_REPO_NAME", "GITHUB_USER_LOGIN", "GITHUB_VIA"):
			kind = PlatformGitHub
		case has("GITEA_REPO_NAME", "GITEA_PUSHER_NAME", "GITEA_REPO_ID"):
			kind = PlatformGitea
		default:
			kind = PlatformGit
		}
	}
	p := Platform{Kind: kind}
	switch kind {
	case PlatformGit:
		p.Name, p.Pusher = "git", getenv("REMOTE_USER")
	case PlatformGitHub:
		p.Name, p.Pusher = "GitHub Enterprise Server", getenv("GITHUB_USER_LOGIN")
		if via := getenv("GITHUB_VIA"); githubMergeVia(via) {
			p.Merge = fmt.Sprintf("GITHUB_VIA=%q", via)
		}
	case PlatformGitLab:
		p.Name, p.Pusher, p.LinePrefix = "GitLab", getenv("GL_USERNAME"), "GL-HOOK-ERR: "
		if getenv("GL_PROTOCOL") == "web" {
			p.Merge = `GL_PROTOCOL="web"`
		}
	case PlatformGitea:
		p.Name, p.Pusher = "Gitea", getenv("GITEA_PUSHER_NAME")
		if getenv("GITEA_PUSH_TRIGGER") == giteaMergeTrigger {
			p.Merge = fmt.Sprintf("GITEA_PUSH_TRIGGER=%q", giteaMergeTrigger)
		}
		if getenv("GITEA_INTERNAL_PUSH") == "true" {
			p.Internal = `GITEA_INTERNAL_PUSH="true"`
		}
	default:
		return Platform{}, fmt.Errorf("unknown platform %q (want %s)", kind,
			strings.Join([]string{PlatformAuto, PlatformGit, PlatformGitHub, PlatformGitLab, PlatformGitea}, ", "))
	}
	return p, nil
}

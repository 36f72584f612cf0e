package scope

import (
	"slices"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// TestDefaultClassPrecision pins what each built-in class must and must not
// match. The "not" columns are the ordinary work a default must not flag.
func TestDefaultClassPrecision(t *testing.T) {
	tests := []struct {
		class string
		in    []string
		out   []string
	}{
		{
			class: ClassCI,
			in: []string{
				".github/workflows/ci.yml", ".github/workflows/release.yaml",
				".GitHub/Workflows/x.yml", // case-insensitive checkout
				".github/actions/setup/action.yml",
				".gitea/workflows/build.yml", ".forgejo/workflows/build.yml",
				".gitlab-ci.yml", ".gitlab/ci/test.yml",
				".circleci/config.yml", "Jenkinsfile", "ci/Jenkinsfile",
				"azure-pipelines.yml", ".buildkite/pipeline.yml",
				"bitbucket-pipelines.yml", ".drone.yml",
				".woodpecker/test.yml", ".woodpecker.yml", ".woodpecker.yaml",
			},
			out: []string{
				".github/dependabot.yml", ".github/ISSUE_TEMPLATE/bug.md",
				"docs/ci.md", "internal/ci/ci.go", "sub/.gitlab-ci.yml",
				"Jenkinsfile.md", "workflows/ci.yml", ".github/CODEOWNERS",
			},
		},
		{
			class: ClassAuth,
			in: []string{
				"internal/auth/session.go", "src/auth.ts", "pkg/oauth2/token.go",
				"app/login.py", "auth/handler.go", "internal/auth/session_test.go",
				"src/auth.service.ts", "internal/authn/jwt.go", "internal/authz/policy.go",
				"pkg/authentication/ldap.go", "services/authorization/rules.yaml",
				"lib/oauthlib/client.py", "pkg/oidc/provider.go", "pkg/saml/sp.go",
				"internal/rbac/roles.go", "cloud/iam/bindings.go",
				"middleware/basic_auth.go", "src/jwt-auth.ts",
				"templates/login.html", "internal/users/password.go",
				"accounts/password_reset.py", "pkg/passwords.go",
				"Internal/Auth/Session.go", // case-insensitive checkout
			},
			out: []string{
				"docs/login.md",           // a doc page about logging in is not auth code
				"docs/auth/setup.html",    // the documentation tree
				"doc/oauth/flows.go",      // ditto, doc/
				"internal/auth/README.md", // prose next to the code
				"docs/password-policy.md", "website/login.mdx", "guide/auth.rst",
				"CHANGELOG.md", "internal/author/author.go", "pkg/authors.go",
				"cmd/logging/log.go", "internal/session/store.go",
				"src/authority.ts", "pkg/authors/list.go",
				"internal/catalog/login_test_data", // no extension: not a login.* module
				"web/assets/login.png", "static/auth/logo.svg.png",
			},
		},
		{
			class: ClassSecrets,
			in: []string{
				".env", "services/api/.env", ".env.local", ".env.production",
				"certs/server.pem", "tls/server.key", "keys/client.p12", "keys/client.pfx",
				"id_rsa", "home/.ssh/id_ed25519", "deploy/id_ecdsa",
				".ENV", // case-insensitive checkout
			},
			out: []string{
				".env.example", "app/.env.sample", ".env.template", ".env.dist",
				"id_rsa.pub", "keys/id_ed25519.pub", "docs/env.md", "environment.go",
				"keyboard.go", "pkg/key/key.go", "monkey.go", "internal/envconfig/env.go",
			},
		},
		{
			class: ClassAgentConfig,
			in: []string{
				".agentcheck.yml", ".agentcheck/allowed_signers", ".agentcheck/approvers",
				".claude/settings.json", "packages/web/.claude/settings.json",
				".cursor/hooks.json", ".cursor/rules/go.mdc", ".codex/hooks.json",
				".opencode/plugins/agentcheck.ts", "opencode.json", "opencode.jsonc",
				".mcp.json", "CLAUDE.md", "CLAUDE.local.md", "internal/CLAUDE.md",
				"AGENTS.md", "services/api/AGENTS.md", ".cursorrules",
				".github/copilot-instructions.md", "claude.md",
				// On a case-insensitive checkout this is the AGENTS.md Codex
				// reads when it works in docs/: live instructions, not prose.
				"docs/agents.md",
			},
			out: []string{
				"docs/agent-guide.md", "internal/agent/agent.go", "claude/README.md",
				"README.md", "agentcheck.yml", "docs/.agentcheck.yml.md", "mcp.json",
			},
		},
		{
			class: ClassGovernance,
			in: []string{
				"CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS", "docs/CODEOWNERS",
				".gitmodules", ".gitattributes", "codeowners",
			},
			out: []string{
				"internal/CODEOWNERS.go", "src/CODEOWNERS", "docs/codeowners.md", ".gitignore",
				"docs/renovate.md", "internal/renovate/renovate.go", "pkg/renovate.json",
				".github/workflows/dependabot-automerge.yml", // a workflow: class ci
				"package.json", "go.mod",
			},
		},
		{
			// Bots that merge without a human are governance: whoever edits
			// their configuration decides what lands unreviewed.
			class: ClassGovernance,
			in: []string{
				"renovate.json", "renovate.json5", ".github/renovate.json", ".github/renovate.json5",
				".gitlab/renovate.json", ".renovaterc", ".renovaterc.json", ".renovaterc.json5",
				".github/dependabot.yml", ".github/dependabot.yaml",
				".mergify.yml", ".github/mergify.yml", ".mergify/config.yml",
				".kodiak.toml", ".github/.kodiak.toml", ".github/settings.yml",
			},
		},
		{
			class: ClassDevExec,
			in: []string{
				".pre-commit-config.yaml", ".pre-commit-hooks.yaml",
				".husky/pre-commit", ".husky/_/husky.sh", ".githooks/pre-push", ".git-hooks/commit-msg",
				"lefthook.yml", ".lefthook.yml", "lefthook-local.yaml", ".config/lefthook.toml", ".lefthook/pre-commit/lint.sh",
				".overcommit.yml", ".simple-git-hooks.json", "simple-git-hooks.js",
				".devcontainer/devcontainer.json", ".devcontainer/Dockerfile", ".devcontainer/python/devcontainer.json",
				".devcontainer.json", ".gitpod.yml",
				".vscode/tasks.json", ".vscode/launch.json", "project.code-workspace", "tools/dev.code-workspace",
				".yarnrc.yml", ".yarnrc", ".yarn/releases/yarn-4.1.0.cjs", ".yarn/plugins/@yarnpkg/plugin-x.cjs",
				".pnpmfile.cjs", ".npmrc",
				".Husky/pre-commit", // case-insensitive checkout
				// A monorepo's package, opened or installed on its own.
				"frontend/.husky/pre-commit", "services/api/.devcontainer/devcontainer.json", "services/api/.devcontainer.json",
				"frontend/.vscode/tasks.json", "frontend/.vscode/launch.json", "frontend/.npmrc", "frontend/.yarnrc.yml", "frontend/.pnpmfile.cjs",
			},
			out: []string{
				// Everyday work: dependency bumps, build files a developer
				// runs on purpose, editor settings.
				"Makefile", "Dockerfile", "docker/app.Dockerfile", "package.json", "package-lock.json",
				"go.mod", "go.sum", "requirements.txt", "pyproject.toml", "Cargo.toml",
				".vscode/settings.json", ".vscode/extensions.json", "scripts/setup.sh",
				"docs/pre-commit.md", "internal/hooks/hooks.go", "githooks.go", "src/husky.ts",
				".yarn/cache/lodash.zip", "docs/devcontainer.md",
				"frontend/Makefile", "services/api/Dockerfile", "frontend/package.json", "frontend/.vscode/settings.json",
				"frontend/src/husky.ts", "docs/npmrc.md",
			},
		},
	}
	p := Default()
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			for _, path := range tt.in {
				if !hasClass(p.Classify(path), tt.class) {
					t.Errorf("Classify(%q) = %v, want class %s", path, p.Classify(path), tt.class)
				}
			}
			for _, path := range tt.out {
				if hasClass(p.Classify(path), tt.class) {
					t.Errorf("Classify(%q) = %v, want no class %s", path, p.Classify(path), tt.class)
				}
			}
		})
	}
}

// TestClassifyGitlink: a submodule pointer is in class submodules as well as
// the classes of its path; files never are.
func TestClassifyGitlink(t *testing.T) {
	p := Default()
	for path, want := range map[string][]string{
		"vendor/lib":       {ClassSubmodules},
		".claude/skills":   {ClassAgentConfig, ClassSubmodules},
		"third_party/auth": {ClassAuth, ClassSubmodules}, // a submodule named auth is auth code
	} {
		var got []string
		for _, m := range p.ClassifyGitlink(path) {
			got = append(got, m.Class)
		}
		if !slices.Equal(got, want) {
			t.Errorf("ClassifyGitlink(%q) = %v, want %v", path, got, want)
		}
	}
	narrowed, err := Parse([]byte("version: 1\nprotected:\n  submodules: {action: warn, paths: [\"vendor/**\"]}\n"), "p.yml")
	if err != nil {
		t.Fatal(err)
	}
	if ms := narrowed.ClassifyGitlink("vendor/lib"); len(ms) != 1 || ms[0].Action != ActionWarn {
		t.Errorf("narrowed: ClassifyGitlink(vendor/lib) = %v", ms)
	}
	if ms := narrowed.ClassifyGitlink("deps/lib"); len(ms) != 0 {
		t.Errorf("narrowed: ClassifyGitlink(deps/lib) = %v, want none", ms)
	}
}

func TestProtectHookDirs(t *testing.T) {
	p := Default()
	p.ProtectHookDirs([]string{"tools/githooks", "hooks[1]", "tools/githooks"})
	for _, path := range []string{"tools/githooks/pre-commit", "hooks[1]/pre-push"} {
		if !hasClass(p.Classify(path), ClassDevExec) {
			t.Errorf("Classify(%q) = %v, want class dev-exec", path, p.Classify(path))
		}
	}
	c, _ := p.Class(ClassDevExec)
	if n := len(slices.DeleteFunc(slices.Clone(c.Paths), func(g string) bool { return g != "tools/githooks/**" })); n != 1 {
		t.Errorf("a directory named twice is added twice: %q", c.Paths)
	}
	off, err := Parse([]byte("version: 1\nprotected:\n  dev-exec: {action: off}\n"), "p.yml")
	if err != nil {
		t.Fatal(err)
	}
	off.ProtectHookDirs([]string{"tools/githooks"})
	if ms := off.Classify("tools/githooks/pre-commit"); len(ms) != 0 {
		t.Errorf("class switched off: Classify = %v, want none", ms)
	}
}

func hasClass(ms []Match, class string) bool {
	return slices.ContainsFunc(ms, func(m Match) bool { return m.Class == class })
}

// TestDefaultsOrdinaryWork checks paths of everyday changes against every
// class at once: none may be protected.
func TestDefaultsOrdinaryWork(t *testing.T) {
	p := Default()
	for _, path := range []string{
		"README.md", "main.go", "go.mod", "go.sum", "internal/payments/refund.go",
		"internal/payments/refund_test.go", "docs/login.md", "docs/auth.md",
		"web/src/components/LoginButton.tsx", "Makefile", "package.json",
		"testdata/golden/out.txt", ".gitignore", ".env.example", "Dockerfile",
		"package-lock.json", "requirements.txt", "Cargo.toml", "Cargo.lock", ".vscode/settings.json",
		"vendor/lib", // a file, not a submodule pointer: class submodules holds gitlinks only
	} {
		if ms := p.Classify(path); len(ms) != 0 {
			t.Errorf("Classify(%q) = %v, want none", path, ms)
		}
	}
}

func TestDefaultGlobsValidAndExplained(t *testing.T) {
	seen := make(map[string]bool)
	for _, c := range defaultClasses() {
		if seen[c.name] {
			t.Errorf("class %s defined twice", c.name)
		}
		seen[c.name] = true
		if msg := checkClassName(c.name); msg != "" {
			t.Errorf("class %s: %s", c.name, msg)
		}
		if c.why == "" {
			t.Errorf("class %s has no reason", c.name)
		}
		for _, g := range c.paths {
			if msg := checkClassGlob(g.glob); msg != "" {
				t.Errorf("class %s: %s", c.name, msg)
			}
			if g.why == "" {
				t.Errorf("class %s glob %q has no reason", c.name, g.glob)
			}
		}
	}
	d := Default()
	for _, g := range append(slices.Clone(d.Scope.Always), d.Agents.Authors...) {
		if !doublestar.ValidatePattern(g) {
			t.Errorf("invalid default glob %q", g)
		}
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Protected[0].Paths[0] = "changed"
	a.Scope.Always[0] = "changed"
	b := Default()
	if b.Protected[0].Paths[0] == "changed" || b.Scope.Always[0] == "changed" {
		t.Fatal("Default shares state between calls")
	}
}

func TestApprovable(t *testing.T) {
	p := Default()
	for rule, want := range map[string]bool{"AC001": true, "AC002": false, "AC003": false, "AC004": true, "AC009": false} {
		if got := p.Approvable(rule); got != want {
			t.Errorf("Approvable(%s) = %v, want %v", rule, got, want)
		}
	}
	// Even a policy value built by hand without them cannot approve them.
	p.Approvals.Never = []string{"AC004"}
	if p.Approvable("AC002") || p.Approvable("AC004") || !p.Approvable("AC005") {
		t.Error("Approvable ignores the fixed rules or approvals.never")
	}
}

func TestPolicyClass(t *testing.T) {
	p := Default()
	if c, ok := p.Class(ClassAuth); !ok || c.Action != ActionDeclare || len(c.Paths) == 0 {
		t.Errorf("Class(auth) = %v, %v", c, ok)
	}
	if _, ok := p.Class("nope"); ok {
		t.Error("Class(nope) found")
	}
}

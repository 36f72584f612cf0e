package scope

// The built-in defaults: the protected classes every repository gets
// without a policy file. They are data with a reason for every
// glob rather than Go comments alone: [DefaultYAML] writes each reason next to
// its glob, so a human editing .agentcheck.yml sees why a path is protected.
//
// Precision matters more than reach here: a default that flags ordinary work
// teaches people to switch the class off. Where a broad glob would match
// more than its class (docs/login.md as auth code, .env.example and
// id_rsa.pub as secrets) it is narrowed or given an exclusion; where a
// platform reads its configuration from further places (Gitea and Forgejo
// workflows, nested CLAUDE.md and AGENTS.md) those are added. Every glob's
// reason is given next to it.

// defaultGlob is one glob of a built-in class and why it belongs there.
type defaultGlob struct {
	glob string
	why  string
}

// defaultClass is one built-in protected class.
type defaultClass struct {
	name   string
	action string
	why    string
	paths  []defaultGlob
}

// Names of the built-in classes.
const (
	ClassCI          = "ci"
	ClassAuth        = "auth"
	ClassSecrets     = "secrets"
	ClassAgentConfig = "agent-config"
	ClassGovernance  = "governance"
	ClassDevExec     = "dev-exec"
	// ClassSubmodules is the class of submodule pointers: its globs select
	// gitlink entries (mode 160000) by path and match nothing else (see
	// [Policy.ClassifyGitlink]).
	ClassSubmodules = "submodules"
)

// defaultClasses returns the built-in protected classes in their canonical
// order. It is a function, not a variable, so that no caller can change the
// defaults for everyone else.
func defaultClasses() []defaultClass {
	return []defaultClass{
		{
			name:   ClassCI,
			action: ActionDeclare,
			why:    "files that decide what CI runs, with the repository's secrets and write token",
			paths: []defaultGlob{
				{".github/workflows/**", "GitHub Actions workflows (Gitea Actions reads them too)"},
				{".github/actions/**", "local actions that workflows run by path"},
				{".gitea/workflows/**", "Gitea and Forgejo Actions workflows"},
				{".forgejo/workflows/**", "Forgejo Actions workflows"},
				{".gitlab-ci.yml", "GitLab CI's pipeline, read from the root"},
				{".gitlab/ci/**", "the conventional home of files the root .gitlab-ci.yml includes"},
				{".circleci/**", "CircleCI configuration"},
				{"**/Jenkinsfile", "a Jenkins pipeline; a job may name a Jenkinsfile in any directory, and nothing else bears that name"},
				{"azure-pipelines.yml", "Azure Pipelines, read from the root"},
				{".buildkite/**", "Buildkite pipelines"},
				{"bitbucket-pipelines.yml", "Bitbucket Pipelines, read from the root"},
				{".drone.yml", "Drone CI, read from the root"},
				{".woodpecker/**", "Woodpecker CI pipelines (self-hosted Gitea and Forgejo)"},
				{".woodpecker.{yml,yaml}", "Woodpecker CI's single-file pipeline"},
			},
		},
		{
			name:   ClassAuth,
			action: ActionDeclare,
			why:    "code that decides who someone is and what they may do",
			paths: []defaultGlob{
				{"**/auth/**", "a directory named auth holds authentication code in every common layout (internal/auth, src/auth)"},
				{"**/authn/**", "short name of an authentication package"},
				{"**/authz/**", "short name of an authorization package"},
				{"**/authentication/**", "spelled-out name of an authentication package"},
				{"**/authorization/**", "spelled-out name of an authorization package"},
				{"**/oauth*/**", "OAuth clients and servers (oauth, oauth2, oauthlib)"},
				{"**/{oidc,saml}/**", "federated login protocols"},
				{"**/rbac/**", "role-based access control"},
				{"**/iam/**", "identity and access management"},
				{"**/auth.*", "a module named auth in any language (src/auth.ts, auth.py, auth.service.ts)"},
				{"**/*[_-]auth.*", "a module named for a kind of auth (basic_auth.go, jwt-auth.ts)"},
				{"**/login.*", "login handlers and pages (app/login.py, templates/login.html)"},
				{"**/password*.*", "password hashing, reset and policy code (passwords.go, password_reset.py)"},
				{"!**/*.{md,mdx,markdown,rst,adoc}", "prose: a doc page about logging in (docs/login.md) is not auth code"},
				{"!**/*.{png,jpg,jpeg,gif,webp,ico}", "raster images (assets/login.png) are not code"},
				{"!{doc,docs}/**", "the top-level documentation tree is prose and site code, not the application's auth"},
			},
		},
		{
			name:   ClassSecrets,
			action: ActionBlock,
			why:    "files that hold credentials; no agent should write one into history",
			paths: []defaultGlob{
				{"**/.env", "dotenv files hold an application's secrets by convention"},
				{"**/.env.*", "per-environment dotenv files (.env.local, .env.production)"},
				{"!**/.env.{example,sample,template,dist}", "dotenv templates are committed on purpose with placeholder values, and agents edit them when adding a setting"},
				{"**/*.pem", "PEM files may hold private keys, and their name does not say which"},
				{"**/*.key", "the conventional extension of TLS private keys (server.key)"},
				{"**/*.{p12,pfx}", "PKCS #12 bundles, which carry a private key"},
				{"**/id_{rsa,dsa,ecdsa,ed25519,ecdsa_sk,ed25519_sk}", "OpenSSH private keys by their default names (not id_rsa.pub, which is public)"},
			},
		},
		{
			name:   ClassAgentConfig,
			action: ActionBlock,
			why:    "files that instruct or configure a coding agent or this gate; changing them steers every later session",
			paths: []defaultGlob{
				{".agentcheck.yml", "this policy; always block for agent sessions, whatever a policy says"},
				{".agentcheck/**", "this gate's trust (allowed_signers, approvers); always block for agent sessions, whatever a policy says"},
				{"**/.claude/**", "Claude Code settings, hooks, commands and skills (nested ones too: a monorepo package may be where the agent starts)"},
				{"**/.cursor/**", "Cursor rules, hooks and MCP servers"},
				{"**/.codex/**", "Codex CLI configuration and hooks"},
				{"**/.opencode/**", "OpenCode plugins, where the recording hook lives"},
				{"**/opencode.{json,jsonc}", "OpenCode's project configuration"},
				{"**/.mcp.json", "Claude Code's project MCP servers"},
				{"**/CLAUDE{,.local}.md", "Claude Code memory, read from every directory the agent works in"},
				{"**/AGENTS.md", "instructions Codex, Cursor and OpenCode read from every directory the agent works in"},
				{".cursorrules", "Cursor's older rules file"},
				{".github/copilot-instructions.md", "instructions GitHub Copilot's agent reads"},
			},
		},
		{
			name:   ClassGovernance,
			action: ActionDeclare,
			why:    "files that decide who reviews a change and what code the repository pulls in",
			paths: []defaultGlob{
				{"{,.github/,.gitlab/,docs/}CODEOWNERS", "the places GitHub and GitLab read code owners from; editing one can drop a required reviewer"},
				{".gitmodules", "submodule URLs: pointing one elsewhere pulls in foreign code"},
				{".gitattributes", "the linguist-generated attribute hides a file's diff in review, and merge and filter attributes change how git treats files"},
				{"{,.github/,.gitlab/}renovate.json{,5}", "Renovate's configuration: automerge lands dependency updates without review, and an extends preset can switch it on from elsewhere, so the file is protected whole"},
				{".renovaterc{,.json,.json5}", "Renovate's configuration under its other names"},
				{".github/dependabot.{yml,yaml}", "Dependabot's configuration: the registries updates fetch from with the repository's credentials, and insecure-external-code-execution"},
				{"{.mergify.yml,.mergify/config.yml,.github/mergify.yml}", "Mergify's rules, which merge pull requests without a human"},
				{"{,.github/}.kodiak.toml", "Kodiak's configuration, which merges pull requests without a human"},
				{".github/settings.yml", "the Settings app applies it to the repository: branch protection, required reviews, collaborators"},
			},
		},
		{
			name:   ClassDevExec,
			action: ActionDeclare,
			why:    "files that make developers' machines, editors and dev containers run code nobody asked to run: git hooks and their managers, dev containers, editor tasks, the package manager's own settings. A Makefile or a Dockerfile runs only when someone runs it, so they are not here",
			paths: []defaultGlob{
				{".pre-commit-config.yaml", "pre-commit runs the hooks it lists, fetched from any repository at any revision, on every developer's git commit and in pre-commit.ci"},
				{".pre-commit-hooks.yaml", "the hooks this repository offers: every repository that uses them runs the entry they name"},
				{"**/.husky/**", "husky's git hooks, which its install points core.hooksPath at: they run on every commit and push (in a monorepo whose package.json is not at the root, at PACKAGE/.husky: husky's documented cd .. && husky frontend/.husky)"},
				{"{.githooks,.git-hooks}/**", "the conventional directories a repository's setup points core.hooksPath at"},
				{"{,.config/}{,.}lefthook{,-local}.{yml,yaml,json,jsonc,toml}", "lefthook's configuration: the commands its git hooks run"},
				{"{.lefthook,.lefthook-local}/**", "scripts lefthook's hooks run"},
				{".overcommit.yml", "Overcommit's configuration: the commands its git hooks run"},
				{"{,.}simple-git-hooks.{json,js,cjs,mjs}", "simple-git-hooks' configuration: the commands it installs as git hooks"},
				{"**/.devcontainer/**", "dev container definitions: initializeCommand runs on the developer's own machine, postCreateCommand and features inside the container with their credentials (Codespaces too); VS Code reads the one of whichever folder is opened, often a monorepo's package"},
				{"**/.devcontainer.json", "a dev container definition in the folder opened, read like .devcontainer/devcontainer.json"},
				{".gitpod.yml", "Gitpod runs its tasks when a workspace starts"},
				{"**/.vscode/tasks.json", "VS Code tasks: one with runOptions.runOn folderOpen runs when the folder is opened, and VS Code reads the .vscode of every folder it opens (a monorepo's package, each folder of a multi-root workspace)"},
				{"**/.vscode/launch.json", "VS Code debug configurations: they run a program, and their preLaunchTask a task, when the developer starts debugging, in whichever folder VS Code opened"},
				{"**/*.code-workspace", "a VS Code workspace file carries tasks and launch configurations of its own"},
				{"**/{.yarnrc,.yarnrc.yml}", "yarnPath (yarn-path) makes every yarn command run the file it names, and plugins load code; yarn reads the file of the directory it runs in and of every parent, so a package's own counts too"},
				{".yarn/{releases,plugins}/**", "the yarn release and plugins a repository commits: every yarn command runs them"},
				{"**/.pnpmfile.cjs", "pnpm runs its hooks on every install, from the project it installs (a nested project has its own)"},
				{"**/.npmrc", "the project's npm settings: script-shell chooses the shell every npm script runs in, and the registry every install fetches from; npm reads the .npmrc of the package it runs in, which in a monorepo is not the root"},
			},
		},
		{
			name:   ClassSubmodules,
			action: ActionDeclare,
			why:    "submodule pointers (gitlinks, mode 160000): a new submodule, a removed one or a moved pointer pulls another repository's code into every checkout, none of it reviewed here; as serious as an edit of .gitmodules. This class's globs select submodules by path and match no other file",
			paths: []defaultGlob{
				{"**", "every submodule pointer"},
			},
		},
	}
}

// Default returns the built-in policy: what applies when a
// repository has no .agentcheck.yml, and what a policy file is merged onto.
// Every call returns a new value that the caller may change.
func Default() *Policy {
	p := &Policy{
		Version: Version,
		Require: RequireAgent,
		Agents: Agents{
			// The prepare-commit-msg hook's own trailer. The agents' own
			// markers are in the built-in registry (package agentid),
			// matched by address rather than by a name's prefix.
			Trailers: []string{"Agent-Session:"},
			Authors:  []string{},
		},
		Trust: Trust{
			AllowedSigners: ".agentcheck/allowed_signers",
			GitHubSSHKeys:  false,
			Approvers:      ".agentcheck/approvers",
			Presence:       PresenceAny,
		},
		Runtime: RuntimeDeny,
		Record:  Record{Prompts: PromptsFull},
		Server:  Server{PlatformMerges: MergesAccept},
		Scope: ScopeConfig{
			Enforce: true,
			// Lock files follow from any dependency change a declared task
			// makes; flagging them would flag ordinary work.
			Always: []string{"go.sum", "package-lock.json"},
		},
		Taint: Taint{
			TrustedHosts: []string{"pkg.go.dev"},
			TrustedMCP:   []string{},
		},
		Approvals: Approvals{
			Never:     NeverApprovable(),
			AllowSelf: false,
		},
	}
	for _, d := range defaultClasses() {
		c := Class{Name: d.name, Action: d.action, Paths: make([]string, 0, len(d.paths))}
		for _, g := range d.paths {
			c.Paths = append(c.Paths, g.glob)
		}
		p.Protected = append(p.Protected, c)
	}
	return p
}

// lookupDefaultClass returns the built-in class called name.
func lookupDefaultClass(name string) (defaultClass, bool) {
	for _, d := range defaultClasses() {
		if d.name == name {
			return d, true
		}
	}
	return defaultClass{}, false
}

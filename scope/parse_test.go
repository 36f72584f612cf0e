package scope

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/agentcheck/agentcheck/agentid"
)

func TestParseEmptyIsDefault(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment\n", "~\n", "null", "---\n", "\uFEFF"} {
		p, err := Parse([]byte(src), "e.yml")
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if diff := cmp.Diff(Default(), p); diff != "" {
			t.Errorf("Parse(%q) is not Default() (-want +got):\n%s", src, diff)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // each must appear in the error
	}{
		{"unknown key", "version: 1\nprotcted: {}\n", []string{`p.yml:2: unknown key "protcted" (did you mean "protected"?)`}},
		{"unknown nested key", "version: 1\nscope:\n  enforced: true\n", []string{`p.yml:3: unknown key "enforced" in scope (did you mean "enforce"?)`}},
		{"unknown class key", "version: 1\nprotected:\n  ci:\n    pathz: []\n", []string{`p.yml:4: unknown key "pathz" in protected.ci (did you mean "paths"?)`}},
		{"no suggestion", "version: 1\nfrobnicate: 1\n", []string{`p.yml:2: unknown key "frobnicate"`}},
		{"non-string key", "version: 1\n1: x\n", []string{`p.yml:2: unknown key the number 1`}},
		{"merge key", "version: 1\n<<: {runtime: off}\n", []string{`p.yml:2: unknown key`}},
		{"duplicate key", "version: 1\nruntime: warn\nruntime: off\n", []string{`p.yml:3: duplicate key "runtime"`}},
		{"duplicate nested key", "version: 1\ntrust:\n  approvers: a\n  approvers: b\n", []string{`p.yml:4: duplicate key "approvers" in trust`}},
		{"duplicate class", "version: 1\nprotected:\n  ci: {action: warn}\n  ci: {action: off}\n", []string{`p.yml:4: duplicate key "ci" in protected`}},
		{"missing version", "runtime: warn\n", []string{`p.yml:1: missing key "version"`}},
		{"version 2", "version: 2\n", []string{`p.yml:1: unsupported version 2`}},
		{"version string", "version: \"1\"\n", []string{`p.yml:1: version: expected the number 1, got "1"`}},
		{"version float", "version: 1.0\n", []string{`p.yml:1: version: expected the number 1`}},
		{"not a mapping", "- a\n- b\n", []string{`p.yml:1: policy: expected a mapping of keys, got a list`}},
		{"scalar document", "hello\n", []string{`p.yml:1: policy: expected a mapping`}},
		{"bad enum", "version: 1\nrequire: some\n", []string{`p.yml:2: require: "some" is not one of agent, all, none`}},
		{"enum as bool", "version: 1\nruntime: false\n", []string{`p.yml:2: runtime: expected one of deny, warn, off, got the boolean false`}},
		{"bad prompts", "version: 1\nrecord:\n  prompts: partial\n", []string{`p.yml:3: record.prompts: "partial" is not one of full, hash, none`}},
		{"bad merges", "version: 1\nserver: {platform_merges: reject}\n", []string{`p.yml:2: server.platform_merges: "reject"`}},
		{"bad action", "version: 1\nprotected:\n  ci: {action: deny}\n", []string{`p.yml:3: protected.ci.action: "deny" is not one of block, declare, warn, off`}},
		{"bool as string", "version: 1\nscope:\n  enforce: \"yes\"\n", []string{`p.yml:3: scope.enforce: expected true or false, got "yes"`}},
		{"yes is not a bool", "version: 1\ntrust:\n  github_ssh_keys: yes\n", []string{`p.yml:3: trust.github_ssh_keys: expected true or false`}},
		{"list as scalar", "version: 1\nscope:\n  always: go.sum\n", []string{`p.yml:3: scope.always: expected a list, got "go.sum"`}},
		{"null list", "version: 1\nscope:\n  always:\n", []string{`p.yml:3: scope.always: expected a list, got nothing (write [] for an empty list)`}},
		{"number in list", "version: 1\nscope:\n  always: [123]\n", []string{`p.yml:3: scope.always: expected a string, got the number 123 (quote it to make it a string)`}},
		{"nested list", "version: 1\nagents:\n  trailers: [[a]]\n", []string{`p.yml:3: agents.trailers: expected a string, got a list`}},
		{"null scalar", "version: 1\ntrust:\n  allowed_signers:\n", []string{`p.yml:3: trust.allowed_signers: expected a string, got nothing`}},
		{"empty string", "version: 1\ntrust:\n  allowed_signers: \"\"\n", []string{`p.yml:3: trust.allowed_signers: empty string`}},
		{"control character", "version: 1\nagents:\n  trailers: [\"a\\nb\"]\n", []string{`p.yml:3: agents.trailers: control character U+000A`}},
		{"section as list", "version: 1\ntrust: []\n", []string{`p.yml:2: trust: expected a mapping of keys, got a list`}},
		{"bad glob", "version: 1\nprotected:\n  ci:\n    paths: [\"a/[b\"]\n", []string{`p.yml:4: protected.ci.paths: invalid glob "a/[b"`}},
		{"unknown agent", "version: 1\nagents:\n  registry:\n    claude-cod: {enabled: false}\n", []string{`p.yml:4: agents.registry.claude-cod: "claude-cod" is not a built-in agent (did you mean "claude-code"?); a new agent needs a marker`}},
		{"unknown agent null", "version: 1\nagents:\n  registry:\n    devon:\n", []string{`p.yml:4: agents.registry.devon: "devon" is not a built-in agent (did you mean "devin"?)`}},
		{"bad agent name", "version: 1\nagents:\n  registry:\n    Claude: {enabled: false}\n", []string{`p.yml:4: agents.registry: agent name "Claude": use lowercase letters`}},
		{"bad agent kind", "version: 1\nagents:\n  registry:\n    x: {kind: remote, emails: [x@example.com]}\n", []string{`p.yml:4: agents.registry.x.kind: "remote" is not one of local, editor, cloud, bot`}},
		{"bad agent email", "version: 1\nagents:\n  registry:\n    x: {emails: [\"Bot <x@example.com>\"]}\n", []string{`p.yml:4: agents.registry.x.emails: "Bot <x@example.com>" is not an e-mail address`}},
		{"bad agent account", "version: 1\nagents:\n  registry:\n    x: {accounts: [\"x+bot[bot]\"]}\n", []string{`p.yml:4: agents.registry.x.accounts: account "x+bot[bot]": write ID+login`}},
		{"bad agent trailer", "version: 1\nagents:\n  registry:\n    x: {trailers: [\"Made with Cursor\"]}\n", []string{`p.yml:4: agents.registry.x.trailers: trailer "Made with Cursor": write "Key:" or "Key: value"`}},
		{"agent enabled as string", "version: 1\nagents:\n  registry:\n    aider: {enabled: \"no\"}\n", []string{`p.yml:4: agents.registry.aider.enabled: expected true or false, got "no"`}},
		{"bad glob in always", "version: 1\nscope: {always: [\"{a,b\"]}\n", []string{`p.yml:2: scope.always: invalid glob "{a,b"`}},
		{"bad author glob", "version: 1\nagents: {authors: [\"*[bot\"]}\n", []string{`p.yml:2: agents.authors: invalid glob`}},
		{"absolute glob", "version: 1\nscope: {always: [/etc/passwd]}\n", []string{`globs are relative to the repository root`}},
		{"dot-slash glob", "version: 1\nscope: {always: [./go.sum]}\n", []string{`write it without ./`}},
		{"escaping glob", "version: 1\nscope: {always: [\"../x/**\"]}\n", []string{`cannot leave the repository`}},
		{"trailing slash", "version: 1\nprotected:\n  ci: {paths: [.github/]}\n", []string{`glob ".github/" ends in /; write .github/** for everything under it`}},
		{"exclusion outside class", "version: 1\nscope: {always: [\"!go.sum\"]}\n", []string{`exclusions (!) only work in protected paths`}},
		{"empty exclusion", "version: 1\nprotected:\n  ci: {paths: [\"!\"]}\n", []string{`empty exclusion`}},
		{"bad class name", "version: 1\nprotected:\n  CI: {action: warn, paths: [a]}\n", []string{`p.yml:3: protected: class name "CI"`}},
		{"new class without paths", "version: 1\nprotected:\n  billing: {action: warn}\n", []string{`p.yml:3: protected.billing: a class that is not built in needs "paths"`}},
		{"new class without action", "version: 1\nprotected:\n  billing: {paths: [a]}\n", []string{`p.yml:3: protected.billing: a class that is not built in needs "action"`}},
		{"new class null", "version: 1\nprotected:\n  billing:\n", []string{`p.yml:3: protected.billing: a new class needs an action and paths`}},
		{"class as scalar", "version: 1\nprotected:\n  ci: block\n", []string{`p.yml:3: protected.ci: expected a mapping of keys, got "block"`}},
		{"protected as list", "version: 1\nprotected: [ci]\n", []string{`p.yml:2: protected: expected a mapping of class names, got a list`}},
		{"host as URL", "version: 1\ntaint: {trusted_hosts: [\"https://pkg.go.dev/\"]}\n", []string{`"https://pkg.go.dev/" is not a host name`}},
		{"bad rule id", "version: 1\napprovals: {never: [AC002, AC003, AC009, ac004]}\n", []string{`p.yml:2: approvals.never: "ac004" is not a rule ID like AC004`}},
		{"never drops AC002", "version: 1\napprovals:\n  never: [AC003, AC009]\n", []string{`p.yml:3: approvals.never: must list AC002`}},
		{"never empty", "version: 1\napprovals: {never: []}\n", []string{`must list AC002`}},
		{"syntax error", "version: 1\nruntime: [warn\n", []string{`p.yml:2: invalid YAML: did not find expected ',' or ']'`}},
		{"tab indent", "version: 1\ntrust:\n\tapprovers: x\n", []string{`p.yml:3: invalid YAML: found character that cannot start any token`}},
		{"two documents", "version: 1\n---\nversion: 1\n", []string{`p.yml:2: more than one YAML document`}},
		{"invalid UTF-8", "version: 1\nrequire: \xff\n", []string{`p.yml:2: invalid UTF-8`}},
		{"control byte", "version: 1\n\x01\n", []string{`p.yml:2: control character U+0001`}},
		{"undefined alias", "version: 1\nruntime: *nope\n", []string{`p.yml:2: invalid YAML: unknown anchor 'nope' referenced`}},
		{"several errors", "version: 1\nrequire: x\nruntime: y\n", []string{`p.yml:2: require:`, `p.yml:3: runtime:`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.src), "p.yml")
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", p)
			}
			if p != nil {
				t.Errorf("Parse returned a policy with its error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n  %v\nlacks\n  %s", err, w)
				}
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Name != "p.yml" || pe.Line < 1 {
				t.Errorf("ParseError names %q line %d", pe.Name, pe.Line)
			}
		})
	}
}

// TestParseSyntaxErrorLines: yaml.v3 reports parser errors' lines 0-based;
// Parse must print the line a human has to look at.
func TestParseSyntaxErrorLines(t *testing.T) {
	tests := []struct {
		src  string
		line int
	}{
		{"a: b: c\n", 1},                                   // scanner error
		{"version: 1\nkey: 'unterminated\n", 2},            // scanner error
		{"version: 1\n\n\nx: {a\n", 4},                     // parser error, flow mapping opened on line 4
		{"version: 1\n- a\n", 2},                           // parser error
		{"version: 1\nx: !foo!bar 1\n", 2},                 // parser error
		{"version: 1\nx: \"a\\qb\"\n", 2},                  // scanner error
		{"%YAML 1.1\n%YAML 1.1\n---\na: 1\n", 2},           // parser error
		{"version: 1\ntrust:\n  a: 1\n b: 2\n", 4},         // parser error
		{"version: 1\nruntime: *nope\n", 2},                // raised after parsing, without a line
		{"version: 1\nx: &a 1\ny: 2\nruntime: *nope\n", 4}, // ditto
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.src), "p.yml")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a *ParseError", tt.src, err)
			continue
		}
		if pe.Line != tt.line {
			t.Errorf("Parse(%q) = %v, want line %d", tt.src, err, tt.line)
		}
	}
}

func TestParseSyntaxErrorWraps(t *testing.T) {
	_, err := Parse([]byte("a: [\n"), "p.yml")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Err == nil || errors.Unwrap(pe) != pe.Err {
		t.Fatalf("syntax error %v does not wrap the YAML parser's error", err)
	}
}

func TestParseMerge(t *testing.T) {
	tests := []struct {
		name, src string
		want      func(p *Policy)
	}{
		{"scalars override", `
version: 1
require: all
runtime: warn
record: {prompts: hash}
server: {platform_merges: check}
trust: {allowed_signers: keys/signers, github_ssh_keys: true}
scope: {enforce: false}
approvals: {allow_self: true}
`, func(p *Policy) {
			p.Require, p.Runtime = RequireAll, RuntimeWarn
			p.Record.Prompts, p.Server.PlatformMerges = PromptsHash, MergesCheck
			p.Trust.AllowedSigners, p.Trust.GitHubSSHKeys = "keys/signers", true
			p.Scope.Enforce, p.Approvals.AllowSelf = false, true
		}},
		{"agents registry", `
version: 1
agents:
  registry:
    aider: {enabled: false}
    dependabot: {enabled: true}
    claude-code: {emails: ["claude-ci@example.com"]}
    cursor:
    acme-bot: {vendor: Acme, kind: cloud, accounts: ["4242+acme-bot[bot]"], trailers: ["Acme-Run:"]}
`, func(p *Policy) {
			no, yes := false, true
			p.Agents.Registry = []agentid.Override{
				{Name: "aider", Enabled: &no},
				{Name: "dependabot", Enabled: &yes},
				{Name: "claude-code", Markers: agentid.Markers{Emails: []string{"claude-ci@example.com"}}},
				{Name: "acme-bot", Vendor: "Acme", Kind: agentid.KindCloud, Markers: agentid.Markers{Accounts: []string{"4242+acme-bot[bot]"}, Trailers: []string{"Acme-Run:"}}},
			}
		}},
		{"lists replace", `
version: 1
agents: {trailers: ["Agent-Session:"], authors: ["*[bot]@users.noreply.github.com"]}
scope: {always: []}
taint: {trusted_hosts: [pkg.go.dev, docs.python.org], trusted_mcp: [github]}
approvals: {never: [AC002, AC003, AC009, AC007]}
`, func(p *Policy) {
			p.Agents.Trailers = []string{"Agent-Session:"}
			p.Agents.Authors = []string{"*[bot]@users.noreply.github.com"}
			p.Scope.Always = []string{}
			p.Taint.TrustedHosts = []string{"pkg.go.dev", "docs.python.org"}
			p.Taint.TrustedMCP = []string{"github"}
			p.Approvals.Never = []string{"AC002", "AC003", "AC009", "AC007"}
		}},
		{"a named class replaces that class", `
version: 1
protected:
  ci: {action: block, paths: [".github/workflows/**"]}
`, func(p *Policy) {
			p.Protected[0] = Class{Name: ClassCI, Action: ActionBlock, Paths: []string{".github/workflows/**"}}
		}},
		{"missing paths keep the built-in ones", `
version: 1
protected:
  auth: {action: warn}
`, func(p *Policy) { p.Protected[1].Action = ActionWarn }},
		{"missing action keeps the built-in one", `
version: 1
protected:
  secrets:
    paths: ["**/.env"]
`, func(p *Policy) { p.Protected[2].Paths = []string{"**/.env"} }},
		{"off keeps the class, switched off", `
version: 1
protected:
  governance: {action: off}
`, func(p *Policy) { p.Protected[4].Action = ActionOff }},
		{"empty paths", `
version: 1
protected:
  auth: {paths: []}
`, func(p *Policy) { p.Protected[1].Paths = []string{} }},
		{"new classes after the built-in ones, by name", `
version: 1
protected:
  zeta: {action: warn, paths: ["z/**"]}
  billing: {action: declare, paths: ["internal/billing/**", "!**/*_test.go"]}
  ci: {action: warn}
`, func(p *Policy) {
			p.Protected[0].Action = ActionWarn
			p.Protected = append(p.Protected,
				Class{Name: "billing", Action: ActionDeclare, Paths: []string{"internal/billing/**", "!**/*_test.go"}},
				Class{Name: "zeta", Action: ActionWarn, Paths: []string{"z/**"}})
		}},
		{"null sections change nothing", `
version: 1
agents:
trust:
protected:
scope:
`, func(p *Policy) {}},
		{"null built-in class changes nothing", `
version: 1
protected:
  ci:
`, func(p *Policy) {}},
		{"anchors and aliases", `
version: 1
protected:
  ci: {action: warn, paths: &wf [".github/workflows/**"]}
  governance: {paths: *wf}
`, func(p *Policy) {
			p.Protected[0] = Class{Name: ClassCI, Action: ActionWarn, Paths: []string{".github/workflows/**"}}
			p.Protected[4].Paths = []string{".github/workflows/**"}
		}},
		{"original specification's example", designExample, func(p *Policy) {
			// The specification's own globs, as a file that spells them out.
			// The name-prefix trailers predate the registry and keep
			// matching as prefixes.
			p.Agents.Trailers = []string{"Agent-Session:", "Co-Authored-By: Claude", "Co-authored-by: Cursor"}
			// Classes the file does not name keep their defaults.
			p.Protected = append([]Class{
				{ClassCI, ActionDeclare, []string{".github/workflows/**", ".github/actions/**", ".gitlab-ci.yml", ".circleci/**", "Jenkinsfile", "azure-pipelines.yml", ".buildkite/**"}},
				{ClassAuth, ActionDeclare, []string{"**/auth/**", "**/authn/**", "**/authz/**", "**/oauth*/**", "**/rbac/**", "**/iam/**", "**/auth.*", "**/*_auth.*", "**/login.*", "**/password*.*"}},
				{ClassSecrets, ActionBlock, []string{"**/.env", "**/.env.*", "**/*.pem", "**/*.key", "**/id_rsa*"}},
				{ClassAgentConfig, ActionBlock, []string{".agentcheck.yml", ".agentcheck/**", ".claude/**", ".cursor/**", ".codex/**", ".opencode/**", ".mcp.json", "CLAUDE.md", "AGENTS.md", ".cursorrules"}},
				{ClassGovernance, ActionDeclare, []string{"CODEOWNERS", ".github/CODEOWNERS", ".gitmodules"}},
			}, p.Protected[5:]...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.src), "p.yml")
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// designExample is the example policy file of agentcheck's original
// specification, verbatim: a file written before the parser must still
// parse.
const designExample = `version: 1
require: agent            # which commits need a manifest: agent | all | none
agents:                   # how an agent commit is recognised when it has no manifest
  trailers: ["Agent-Session:", "Co-Authored-By: Claude", "Co-authored-by: Cursor"]
  authors: []             # author/committer email globs of agent identities, e.g. "*copilot-swe-agent*"
trust:
  allowed_signers: .agentcheck/allowed_signers
  github_ssh_keys: false  # Action only: also trust the commit author's SSH signing keys registered on GitHub
runtime: deny             # what the pre-tool hook does with a protected edit or self-tampering: deny | warn | off
record:
  prompts: full           # full | hash | none — what of the human's prompts goes into the signed manifest
server:
  platform_merges: accept # pre-receive: merges made by the platform's PR merge button: accept | check
protected:                # classes; action: block (always fails) | declare (fails unless declared) | warn | off
  ci:           {action: declare, paths: [".github/workflows/**", ".github/actions/**", ".gitlab-ci.yml", ".circleci/**", "Jenkinsfile", "azure-pipelines.yml", ".buildkite/**"]}
  auth:         {action: declare, paths: ["**/auth/**", "**/authn/**", "**/authz/**", "**/oauth*/**", "**/rbac/**", "**/iam/**", "**/auth.*", "**/*_auth.*", "**/login.*", "**/password*.*"]}
  secrets:      {action: block,   paths: ["**/.env", "**/.env.*", "**/*.pem", "**/*.key", "**/id_rsa*"]}
  agent-config: {action: block,   paths: [".agentcheck.yml", ".agentcheck/**", ".claude/**", ".cursor/**", ".codex/**", ".opencode/**", ".mcp.json", "CLAUDE.md", "AGENTS.md", ".cursorrules"]}
  governance:   {action: declare, paths: ["CODEOWNERS", ".github/CODEOWNERS", ".gitmodules"]}
scope:
  enforce: true           # out-of-scope paths fail (true) or warn (false)
  always: ["go.sum", "package-lock.json"]
taint:
  trusted_hosts: ["pkg.go.dev"]   # fetches from other hosts taint the session
  trusted_mcp: []                  # MCP servers whose output does not taint
`

func TestMarshalRoundTrip(t *testing.T) {
	p, err := Parse([]byte(`
version: 1
require: none
agents: {trailers: ["yes", "*", "!x", "a: b", "#c"], authors: ["*bot*"]}
protected:
  zeta: {action: warn, paths: ["z/**", "!z/*.md", "true", "123"]}
  ci: {action: off}
taint: {trusted_hosts: ["*.example.com"], trusted_mcp: ["null", "~"]}
`), "p.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []*Policy{Default(), p} {
		out, err := yaml.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		byValue, err := yaml.Marshal(*q)
		if err != nil || string(byValue) != string(out) {
			t.Errorf("a Policy and a *Policy marshal differently: %v\n%s\n%s", err, out, byValue)
		}
		back, err := Parse(out, "marshalled.yml")
		if err != nil {
			t.Fatalf("re-parsing\n%s: %v", out, err)
		}
		if diff := cmp.Diff(q, back); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s\n%s", diff, out)
		}
	}
}

// FuzzParse: Parse never panics; a policy it accepts marshals into a file it
// reads back into the same value; and the JSON Schema accepts every file
// Parse accepts, so an editor never flags a working policy. (The converse
// does not hold: the schema cannot check glob syntax.)
func FuzzParse(f *testing.F) {
	sch := compileSchema(f)
	f.Add(DefaultYAML())
	f.Add([]byte(designExample))
	f.Add([]byte("version: 1\nprotected:\n  billing: {action: warn, paths: [\"a/**\", \"!a/*.md\"]}\n  ci: {action: off}\n"))
	f.Add([]byte("version: 1\nagents: {trailers: [\"yes\", \"*\", \"!x\"]}\ntaint: {trusted_mcp: [\"~\"]}\n"))
	f.Add([]byte("version: 1\nprotected:\n  ci: {action: warn, paths: &wf [\".github/**\"]}\n  auth: {paths: *wf}\n"))
	f.Add([]byte("version: 1\nruntime: [warn\n"))
	f.Add([]byte("a: b: c"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yml")
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a policy and error %v", err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		// An empty file (or only comments, or null) means the defaults; the
		// schema describes files that say something.
		if j := yamlToJSON(t, data); j != nil {
			if err := sch.Validate(j); err != nil {
				t.Fatalf("Parse accepts what the schema rejects: %v\n%s", err, data)
			}
		}
		out, err := yaml.Marshal(p)
		if err != nil {
			t.Fatalf("marshalling %+v: %v", p, err)
		}
		back, err := Parse(out, "marshalled.yml")
		if err != nil {
			t.Fatalf("re-parsing\n%s\n: %v", out, err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Fatalf("round trip mismatch (-parsed +re-parsed):\n%s\nmarshalled:\n%s", diff, out)
		}
	})
}

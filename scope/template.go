package scope

import (
	"fmt"
	"strings"

	"github.com/agentcheck/agentcheck/agentid"
)

// DefaultYAML returns the built-in policy as a commented .agentcheck.yml that
// a human can read and edit: every key is explained, and every glob of a
// protected class carries its reason. [Parse] reads it back into exactly
// [Default]. "agentcheck init" writes it.
//
// It is generated from the same data as Default, so the two cannot drift
// apart.
func DefaultYAML() []byte {
	d := Default()
	var w tmplWriter
	w.comment(0, ".agentcheck.yml: the policy agentcheck checks this repository's commits against.")
	w.comment(0, "")
	w.comment(0, "agentcheck reads this file from the trusted side of a check: the pull request's base, the ref's old tip in pre-receive, the upstream branch locally. A change to it takes effect once it is merged, never for the commits that make it.")
	w.comment(0, "")
	w.comment(0, "A key left out keeps its built-in default; a list replaces the default list whole. Globs are doublestar globs (** crosses directories) relative to the repository root, matched case-insensitively.")
	w.blank()

	w.comment(0, "The version of this file's format. 1 is the only one.")
	w.line(0, "version: %d", d.Version)
	w.blank()

	w.comment(0, "Which commits need a signed manifest: agent (commits recognised as an agent's), all (every commit) or none (manifests are still checked where present).")
	w.line(0, "require: %s", d.Require)
	w.blank()

	w.comment(0, "How a commit is recognised as an agent's when it carries no manifest: by the built-in registry of agent identities, and by the trailers and authors below. Any of them makes it an agent commit.")
	w.line(0, "agents:")
	w.comment(1, "Commit message trailers that mark an agent commit, matched as line prefixes. agentcheck's prepare-commit-msg hook adds Agent-Session:.")
	w.line(1, "trailers: %s", flowList(d.Agents.Trailers))
	w.comment(1, `Author or committer email globs of agent identities, e.g. "ci-agent@example.com".`)
	w.line(1, "authors: %s", flowList(d.Agents.Authors))
	w.comment(1, "The built-in registry recognises these agents by e-mail address and GitHub account, never by a name (agentcheck doctor lists them too):")
	for _, a := range agentid.Builtin().Agents {
		note := ""
		if !a.Enabled {
			note = "; automation, not counted unless enabled"
		}
		w.comment(1, "- %s: %s (%s, %s%s): %s.", a.Name, a.Title, a.Vendor, a.Kind, note, a.Describe())
	}
	w.comment(1, `Per agent: enabled (false stops counting its commits, true counts a bot's), and markers to add: co_authors (Co-authored-by addresses), emails (author or committer), accounts (GitHub "ID+login" or "login") and trailers ("Key:" or "Key: value"). A name not built in defines a new agent, with vendor and kind (local, editor, cloud or bot). For example: {dependabot: {enabled: true}, acme-bot: {kind: cloud, accounts: ["acme-bot[bot]"]}}.`)
	w.line(1, "registry: {}")
	w.blank()

	w.comment(0, "Whose signatures are trusted. The files are read from the trusted side too.")
	w.line(0, "trust:")
	w.comment(1, `Keys that may sign session manifests, in git's allowed_signers format (principals namespaces="agentcheck" key).`)
	w.line(1, "allowed_signers: %s", quote(d.Trust.AllowedSigners))
	w.comment(1, "GitHub Action only: also trust the commit author's SSH signing keys registered on GitHub.")
	w.line(1, "github_ssh_keys: %t", d.Trust.GitHubSSHKeys)
	w.comment(1, "Maintainers who may approve findings (agentcheck approve), in the same format.")
	w.line(1, "approvers: %s", quote(d.Trust.Approvers))
	w.comment(1, "What a human's signature (an approval; a commit signature in place of a manifest under require: all) must prove: any trusted key, touch (a FIDO security key, touched) or verified (touched, with PIN or biometric).")
	w.line(1, "presence: %s", d.Trust.Presence)
	w.blank()

	w.comment(0, "What the agent's pre-tool hook does with an edit of a protected path or an attempt to tamper with its own record: deny (the agent is told at once), warn or off.")
	w.line(0, "runtime: %s", d.Runtime)
	w.blank()

	w.comment(0, "What the signed manifest keeps.")
	w.line(0, "record:")
	w.comment(1, "The human's prompts: full (the text), hash (its SHA-256) or none.")
	w.line(1, "prompts: %s", d.Record.Prompts)
	w.blank()

	w.comment(0, "The pre-receive hook on a self-hosted server.")
	w.line(0, "server:")
	w.comment(1, "Merges made by the platform's merge button: accept them, or check them like any commit.")
	w.line(1, "platform_merges: %s", d.Server.PlatformMerges)
	w.blank()

	w.comment(0, "Protected path classes. action: block (touching the class always fails), declare (fails unless the human declared the path, with scope: or an @mention), warn, or off (the only way to remove a class).")
	w.comment(0, "A class named here replaces the built-in one; an action or paths left out keep the built-in ones. A glob that begins with ! excludes paths from its class.")
	w.comment(0, ".agentcheck.yml and .agentcheck/** are always block for agent sessions, whatever this section says.")
	w.line(0, "protected:")
	for _, c := range defaultClasses() {
		w.comment(1, "%s: %s.", c.name, c.why)
		w.line(1, "%s:", c.name)
		w.line(2, "action: %s", c.action)
		w.line(2, "paths:")
		for _, g := range c.paths {
			w.comment(3, "%s.", upperFirst(g.why))
			w.line(3, "- %s", quote(g.glob))
		}
	}
	w.blank()

	w.comment(0, "The declared intent: what the human asked the agent to change.")
	w.line(0, "scope:")
	w.comment(1, "A path outside a hard boundary (scope: lines, agentcheck scope add) fails the check (true) or is a warning (false). Leaving @mentions is always a warning.")
	w.line(1, "enforce: %t", d.Scope.Enforce)
	w.comment(1, "Globs in scope for every session: lock files follow from any dependency change.")
	w.line(1, "always: %s", flowList(d.Scope.Always))
	w.blank()

	w.comment(0, "Untrusted content: a session that ingested it and then touched a protected path fails, even if the path was declared.")
	w.line(0, "taint:")
	w.comment(1, "Hosts whose fetched pages do not taint a session; fetches from any other host do.")
	w.line(1, "trusted_hosts: %s", flowList(d.Taint.TrustedHosts))
	w.comment(1, "MCP servers whose output does not taint a session.")
	w.line(1, "trusted_mcp: %s", flowList(d.Taint.TrustedMCP))
	w.blank()

	w.comment(0, "Approvals: a maintainer in trust.approvers can sign off a commit's findings.")
	w.line(0, "approvals:")
	w.comment(1, "Rules no approval can change. AC002, AC003 and AC009 must stay: a bad signature, a replayed note or a malformed manifest means the record itself cannot be trusted. AC014, a tree git itself refuses, is never approvable, listed or not.")
	w.line(1, "never: %s", flowList(d.Approvals.Never))
	w.comment(1, "Whether the commit's author or the session's signer may approve their own findings.")
	w.line(1, "allow_self: %t", d.Approvals.AllowSelf)
	return []byte(w.String())
}

// tmplWriter writes the template: two-space indents, comments wrapped to a
// readable width.
type tmplWriter struct{ strings.Builder }

const tmplWidth = 100

func (w *tmplWriter) line(depth int, format string, args ...any) {
	w.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

func (w *tmplWriter) blank() { w.WriteByte('\n') }

// comment writes a comment, wrapped at tmplWidth on spaces.
func (w *tmplWriter) comment(depth int, format string, args ...any) {
	prefix := strings.Repeat("  ", depth) + "#"
	text := fmt.Sprintf(format, args...)
	if text == "" {
		w.WriteString(prefix + "\n")
		return
	}
	cur := prefix
	for _, word := range strings.Fields(text) {
		if cur != prefix && len(cur)+1+len(word) > tmplWidth {
			w.WriteString(cur + "\n")
			cur = prefix
		}
		cur += " " + word
	}
	w.WriteString(cur + "\n")
}

// quote writes s as a YAML double-quoted scalar. Globs need quoting: a
// leading "*" reads as an alias and a leading "!" as a tag.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func flowList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

package scope

import (
	"slices"
	"sort"

	"github.com/agentcheck/agentcheck/agentid"
)

// Version is the only policy file version this package understands.
const Version = 1

// PolicyFile is the policy's path in a repository.
const PolicyFile = ".agentcheck.yml"

// Values of [Policy.Require]: which commits need a manifest.
const (
	RequireAgent = "agent" // commits recognised as an agent's
	RequireAll   = "all"   // every commit
	RequireNone  = "none"  // none; manifests are still checked when present
)

// Values of [Policy.Runtime]: what the pre-tool hook does with a protected
// edit or an attempt at self-tampering.
const (
	RuntimeDeny = "deny"
	RuntimeWarn = "warn"
	RuntimeOff  = "off"
)

// Values of [Record.Prompts]: what of the human's prompts the signed manifest
// keeps.
const (
	PromptsFull = "full"
	PromptsHash = "hash"
	PromptsNone = "none"
)

// Values of [Trust.Presence]: what the signatures of humans (commit
// signatures admitted in place of a manifest, approvals) must prove.
const (
	PresenceAny      = "any"      // any trusted key, a key file on disk included
	PresenceTouch    = "touch"    // a FIDO security key whose signature says it was touched (user presence)
	PresenceVerified = "verified" // and that it checked a PIN or biometric (user verification)
)

// Values of [Server.PlatformMerges]: how pre-receive treats merges made by the
// platform's merge button.
const (
	MergesAccept = "accept"
	MergesCheck  = "check"
)

// Actions of a protected [Class].
const (
	ActionBlock   = "block"   // touching the class always fails
	ActionDeclare = "declare" // fails unless the session declared the path
	ActionWarn    = "warn"    // reported as a warning
	ActionOff     = "off"     // the class is switched off
)

// NeverApprovable returns the rules no approval can turn into notes,
// whatever approvals.never says: a bad signature (AC002), a replayed note
// (AC003) and a malformed manifest (AC009) are not judgements a maintainer
// can overrule; they mean the record itself cannot be trusted. A tree git
// itself refuses (AC014) attacks whoever checks it out, whoever reviewed
// it. The defaults' approvals.never is this list, and a policy's must
// include the rules of [neverListed].
func NeverApprovable() []string { return []string{"AC002", "AC003", "AC009", "AC014"} }

// neverListed are the rules of NeverApprovable that a policy's
// approvals.never must list: those there were when the key was made. A
// rule added since applies without being listed, so that an older policy
// still parses.
func neverListed() []string { return []string{"AC002", "AC003", "AC009"} }

// Policy is a repository's .agentcheck.yml merged onto the built-in defaults
// (see [Default] and [Parse]). Field comments name the YAML keys.
type Policy struct {
	Version   int         // version
	Require   string      // require: agent | all | none
	Agents    Agents      // agents
	Trust     Trust       // trust
	Runtime   string      // runtime: deny | warn | off
	Record    Record      // record
	Server    Server      // server
	Protected []Class     // protected, in a deterministic order (see [Policy.Protected])
	Scope     ScopeConfig // scope
	Taint     Taint       // taint
	Approvals Approvals   // approvals
}

// Agents says how an agent commit is recognised when it carries no manifest:
// by the built-in registry of agent identities (package agentid) as Registry
// changes it, and by the Trailers and Authors the policy adds. Any of them
// makes a commit an agent commit.
type Agents struct {
	Trailers []string // trailers: commit message trailer prefixes, e.g. "Agent-Session:"
	Authors  []string // authors: author/committer email globs of agent identities
	// Registry holds the policy's changes to the registry, one per agent, in
	// the file's order: switching an agent on or off, adding markers to it,
	// or defining a new one (registry).
	Registry []agentid.Override
}

// Trust names where trusted keys come from. Paths are read from the trusted
// side of a check, never from the commits being checked.
type Trust struct {
	AllowedSigners string // allowed_signers: keys that may sign manifests
	GitHubSSHKeys  bool   // github_ssh_keys: also trust the author's SSH signing keys on GitHub (Action only)
	Approvers      string // approvers: keys of maintainers who may approve findings
	// Presence says what a human's signature must prove (presence: any |
	// touch | verified): under touch or verified, approvals and the commit
	// signatures that stand in for a manifest under require: all count
	// only when made by a FIDO security key with the user-presence flag
	// (and, for verified, the user-verification flag) set. A key on disk
	// signs for any process of the user's, an agent's included.
	Presence string
}

// Record says what a manifest keeps of the human's prompts.
type Record struct {
	Prompts string // prompts: full | hash | none
}

// Server configures the pre-receive hook.
type Server struct {
	PlatformMerges string // platform_merges: accept | check
}

// ScopeConfig configures the out-of-scope rule.
type ScopeConfig struct {
	Enforce bool     // enforce: out-of-scope paths under a hard boundary fail (true) or warn (false)
	Always  []string // always: globs that are in scope for every session (lock files)
}

// Taint says which sources of content do not taint a session.
type Taint struct {
	TrustedHosts []string // trusted_hosts: hosts whose fetched content is trusted
	TrustedMCP   []string // trusted_mcp: MCP servers whose output is trusted
}

// Approvals configures how a maintainer may accept findings with a signed
// approval instead of changing the commit.
type Approvals struct {
	Never     []string // never: rule IDs no approval can change; always holds NeverApprovable()
	AllowSelf bool     // allow_self: the commit's author or the session's signer may approve
}

// Class is one protected path class: a name, what to do when a commit
// touches it, and the globs of its paths.
//
// A glob that begins with "!" excludes: a path is in the class when it
// matches at least one glob and no exclusion, whatever their order. It lets a
// class say "auth code, but not the Markdown about it", which a positive glob
// alone cannot. Write "\!" for a glob that begins with a literal "!".
type Class struct {
	Name   string
	Action string   // block | declare | warn | off
	Paths  []string // doublestar globs, slash-separated, relative to the repository root
}

// Class returns the protected class called name.
func (p *Policy) Class(name string) (Class, bool) {
	for _, c := range p.Protected {
		if c.Name == name {
			return c, true
		}
	}
	return Class{}, false
}

// Approvable reports whether an approval may turn findings of rule into notes.
// The [NeverApprovable] rules never are, whatever approvals.never says.
func (p *Policy) Approvable(rule string) bool {
	return !slices.Contains(NeverApprovable(), rule) && !slices.Contains(p.Approvals.Never, rule)
}

// sortClasses puts classes in the policy's canonical order: the built-in
// classes in the order of [Default], then the others by name. A fixed order
// makes findings, marshalled files and comparisons deterministic.
func sortClasses(classes []Class) {
	rank := make(map[string]int)
	for i, d := range defaultClasses() {
		rank[d.name] = i
	}
	sort.SliceStable(classes, func(i, j int) bool {
		ri, iKnown := rank[classes[i].Name]
		rj, jKnown := rank[classes[j].Name]
		switch {
		case iKnown && jKnown:
			return ri < rj
		case iKnown != jKnown:
			return iKnown
		default:
			return classes[i].Name < classes[j].Name
		}
	})
}

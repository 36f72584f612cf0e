// Package scope decides which paths a coding agent's commit may touch: it
// reads a repository's policy file, knows the protected path classes, and
// derives the declared intent from the human's prompts. The checker (AC004,
// AC005) and the runtime hook both ask it; neither matches a glob itself.
//
// # Policy file
//
// .agentcheck.yml at the repository root is read with [Parse], which merges
// it onto the built-in [Default] key by key and rejects anything it does not
// understand, naming the line: a typo in a security policy must fail loudly,
// not weaken it. [DefaultYAML] is the default policy as a commented file for
// "agentcheck init", and [SchemaJSON] its JSON Schema for editors. A *Policy
// marshals back to a file with yaml.Marshal.
//
// # Protected classes
//
// A [Class] names paths (ci, auth, secrets, agent-config, governance, or the
// repository's own) and an action: block, declare, warn or off. A glob that
// begins with "!" excludes paths from its class, which keeps the defaults
// precise: a doc page about logging in is not auth code. [Policy.Classify]
// returns the classes a path belongs to. The gate's own files,
// .agentcheck.yml and .agentcheck/**, are always block in class agent-config
// for agent sessions, whatever the policy says (see [GateFile]).
//
// # Intent scope
//
// [FromPrompt] turns a prompt into [journal.ScopeDecl] values: "scope:"
// lines are hard boundaries, "@path" mentions soft ones. [InScope] and
// [Declared] judge a path against them; every declaration also declares the
// paths it covers for the protected classes.
//
// # Matching
//
// Globs are doublestar globs ([MatchGlob]) over slash-separated paths relative
// to the repository root. Protected and scope matching is case-insensitive,
// and also drops trailing dots and spaces of path elements, because a
// case-insensitive or Windows checkout makes ".GitHub/Workflows/x.yml" and
// ".github./workflows/x.yml" live workflows. A path that is absolute or
// leaves the repository matches nothing.
package scope

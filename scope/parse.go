package scope

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"

	"github.com/agentcheck/agentcheck/agentid"
)

// ParseError is one problem in a policy file, at a line. [Parse] reports every
// problem it finds, joined with [errors.Join]; errors.As finds the first.
type ParseError struct {
	Name string // the file name given to Parse
	Line int    // 1-based; 0 when the YAML parser did not say
	Msg  string
	Err  error // the YAML parser's error, for syntax errors
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Name, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a policy file and merges it onto [Default]. name is used in
// errors ("NAME:LINE: unknown key ..."). An empty file, or one holding only
// comments, yields the defaults.
//
// The parser is strict, because a typo in a security policy must not silently
// weaken it: unknown and duplicate keys, wrong types, unknown enum values,
// invalid globs and any version but 1 are errors. A non-empty file must say
// "version: 1". A key set to nothing (YAML null) is an error, except for a
// section (agents, trust, record, server, protected, scope, taint, approvals)
// or a built-in protected class, where it changes nothing: that is what a
// section looks like after a human comments out all its keys.
//
// Merging is key by key: a scalar replaces the default, a list replaces the
// default list whole. A protected class the file names replaces that class's
// action and paths; an action or paths it leaves out keeps the built-in one,
// so "auth: {action: warn}" keeps the default auth globs. A class that is not
// built in needs both. Classes the file does not name keep their defaults, and
// a class is switched off only by "action: off".
func Parse(data []byte, name string) (*Policy, error) {
	p := Default()
	if line, msg := badText(data); msg != "" {
		return nil, &ParseError{Name: name, Line: line, Msg: msg}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		return nil, syntaxError(name, data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &ParseError{Name: name, Line: max(extra.Line, 1), Msg: "more than one YAML document; a policy is one mapping"}
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(name, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return p, nil
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return p, nil
	}
	ps := &parser{name: name}
	ps.top(root, p)
	if len(ps.errs) > 0 {
		return nil, errors.Join(ps.errs...)
	}
	return p, nil
}

// badText finds what the YAML parser would reject without a line number:
// invalid UTF-8 and control characters.
func badText(data []byte) (line int, msg string) {
	line = 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return line, "invalid UTF-8"
		case r == '\n':
			line++
		case r == '\uFEFF' && i == 0:
			// A byte order mark is allowed at the start.
		case r != '\t' && r != '\r' && (unicode.IsControl(r) || r == '\uFEFF'):
			return line, fmt.Sprintf("control character %U", r)
		}
		i += size
	}
	return 0, ""
}

// syntaxError turns a YAML parser error into a ParseError with its line.
// yaml.v3 formats them as "yaml: line N: message" or "yaml: message", and its
// N is the 1-based line for scanner errors but the 0-based one for parser
// errors (and absent for line 0); parserProblem tells them apart so that the
// line printed is the one the human must look at.
func syntaxError(name string, data []byte, err error) *ParseError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, convErr := strconv.Atoi(num); convErr == nil {
				line, msg = n, text
			}
		}
	}
	switch {
	case parserProblem(msg):
		line++
	case line == 0 && strings.HasPrefix(msg, "unknown anchor '"):
		// Raised after parsing, without a line: find the alias.
		anchor, _, _ := strings.Cut(strings.TrimPrefix(msg, "unknown anchor '"), "'")
		if i := bytes.Index(data, []byte("*"+anchor)); i >= 0 {
			line = 1 + bytes.Count(data[:i], []byte("\n"))
		}
	case line == 0 && !strings.Contains(msg, "anchor"):
		line = 1 // a scanner error on the first line
	}
	return &ParseError{Name: name, Line: line, Msg: "invalid YAML: " + msg, Err: err}
}

// parserProblem reports whether msg is one of yaml.v3's parser (not scanner)
// problems, whose line it reports 0-based.
func parserProblem(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>",
		"did not find expected <document start>",
		"did not find expected node content",
		"did not find expected '-' indicator",
		"did not find expected key",
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"found undefined tag handle",
		"found duplicate %YAML directive",
		"found incompatible YAML document",
		"found duplicate %TAG directive":
		return true
	}
	return false
}

// parser walks the document's nodes, so that every error can name its line,
// and collects every error rather than stopping at the first.
type parser struct {
	name string
	errs []error
}

func (ps *parser) errorf(n *yaml.Node, format string, args ...any) {
	ps.errs = append(ps.errs, &ParseError{Name: ps.name, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

// deref follows an alias to the node it names. yaml.v3 rejects undefined and
// self-containing anchors, and the policy's fixed depth bounds the walk.
func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// field is one key a mapping accepts and how to read its value.
type field struct {
	key  string
	read func(v *yaml.Node)
}

// mapping reads mapping node n, whose keys must all be among fields. where
// names the mapping in errors ("" for the top level). It returns the keys
// that were present.
func (ps *parser) mapping(n *yaml.Node, where string, fields []field) map[string]bool {
	seen := make(map[string]bool)
	if n.Kind != yaml.MappingNode {
		ps.errorf(n, "%s: expected a mapping of keys, got %s", whereOr(where, "policy"), describe(n))
		return seen
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		key, ok := keyName(k)
		if !ok {
			ps.errorf(k, "unknown key %s%s", describe(k), inWhere(where))
			continue
		}
		idx := slices.IndexFunc(fields, func(f field) bool { return f.key == key })
		if idx < 0 {
			keys := make([]string, len(fields))
			for j, f := range fields {
				keys[j] = f.key
			}
			ps.errorf(k, "unknown key %q%s%s", key, inWhere(where), suggest(key, keys))
			continue
		}
		if seen[key] {
			ps.errorf(k, "duplicate key %q%s", key, inWhere(where))
			continue
		}
		seen[key] = true
		fields[idx].read(v)
	}
	return seen
}

// keyName returns the text of a key that is a plain string.
func keyName(k *yaml.Node) (string, bool) {
	if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
		return "", false
	}
	return k.Value, true
}

func whereOr(where, alt string) string {
	if where == "" {
		return alt
	}
	return where
}

func inWhere(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

// describe names a node's kind and value for an error message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!str":
			return strconv.Quote(n.Value)
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		return fmt.Sprintf("%s %s", n.Tag, strconv.Quote(n.Value))
	}
	return "an unsupported YAML node"
}

// suggest proposes the closest known key for a misspelt one.
func suggest(key string, keys []string) string {
	best, bestDist := "", 3
	for _, k := range keys {
		if d := editDistance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b, on bytes: keys are
// ASCII.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64 // too long to be a typo of a key; skip the quadratic work
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// section reads a mapping that may also be null (a section whose keys are
// all commented out), which changes nothing.
func (ps *parser) section(v *yaml.Node, where string, fields []field) {
	if isNull(v) {
		return
	}
	ps.mapping(v, where, fields)
}

// str reads a string scalar without control characters.
func (ps *parser) str(v *yaml.Node, key string, dst *string) bool {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		ps.errorf(v, "%s: expected a string, got %s%s", key, describe(v), quoteHint(v))
		return false
	}
	if msg := badString(v.Value); msg != "" {
		ps.errorf(v, "%s: %s", key, msg)
		return false
	}
	*dst = v.Value
	return true
}

// quoteHint suggests quoting a scalar that YAML read as another type.
func quoteHint(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" && v.Tag != "!!str" {
		return " (quote it to make it a string)"
	}
	return ""
}

// badString says what is wrong with a string value, or "".
func badString(s string) string {
	if s == "" {
		return "empty string"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("control character %U in %q", r, s)
		}
	}
	return ""
}

func (ps *parser) boolean(v *yaml.Node, key string, dst *bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		ps.errorf(v, "%s: expected true or false, got %s", key, describe(v))
		return
	}
	var b bool
	if err := v.Decode(&b); err != nil {
		ps.errorf(v, "%s: reading boolean %q: %v", key, v.Value, err)
		return
	}
	*dst = b
}

func (ps *parser) enum(v *yaml.Node, key string, dst *string, allowed ...string) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		// "off" is a string in YAML 1.2, which yaml.v3 follows; a boolean
		// here is someone's false.
		ps.errorf(v, "%s: expected one of %s, got %s", key, strings.Join(allowed, ", "), describe(v))
		return
	}
	s := v.Value
	if !slices.Contains(allowed, s) {
		ps.errorf(v, "%s: %q is not one of %s", key, s, strings.Join(allowed, ", "))
		return
	}
	*dst = s
}

// list reads a list of strings, each checked by check (which returns what is
// wrong, or ""). Lists replace the default whole.
func (ps *parser) list(v *yaml.Node, key string, dst *[]string, check func(string) string) {
	if v.Kind != yaml.SequenceNode {
		ps.errorf(v, "%s: expected a list, got %s%s", key, describe(v), emptyListHint(v))
		return
	}
	out := make([]string, 0, len(v.Content))
	ok := true
	for _, item := range v.Content {
		item = deref(item)
		var s string
		if !ps.str(item, key, &s) {
			ok = false
			continue
		}
		if check != nil {
			if msg := check(s); msg != "" {
				ps.errorf(item, "%s: %s", key, msg)
				ok = false
				continue
			}
		}
		out = append(out, s)
	}
	if ok {
		*dst = out
	}
}

func emptyListHint(v *yaml.Node) string {
	if isNull(v) {
		return " (write [] for an empty list)"
	}
	return ""
}

// top reads the top-level mapping into p.
func (ps *parser) top(root *yaml.Node, p *Policy) {
	seen := ps.mapping(root, "", []field{
		{"version", func(v *yaml.Node) { ps.version(v) }},
		{"require", func(v *yaml.Node) {
			ps.enum(v, "require", &p.Require, RequireAgent, RequireAll, RequireNone)
		}},
		{"agents", func(v *yaml.Node) {
			ps.section(v, "agents", []field{
				{"trailers", func(v *yaml.Node) { ps.list(v, "agents.trailers", &p.Agents.Trailers, nil) }},
				{"authors", func(v *yaml.Node) { ps.list(v, "agents.authors", &p.Agents.Authors, checkPattern) }},
				{"registry", func(v *yaml.Node) { ps.agentRegistry(v, p) }},
			})
		}},
		{"trust", func(v *yaml.Node) {
			ps.section(v, "trust", []field{
				{"allowed_signers", func(v *yaml.Node) { ps.str(v, "trust.allowed_signers", &p.Trust.AllowedSigners) }},
				{"github_ssh_keys", func(v *yaml.Node) { ps.boolean(v, "trust.github_ssh_keys", &p.Trust.GitHubSSHKeys) }},
				{"approvers", func(v *yaml.Node) { ps.str(v, "trust.approvers", &p.Trust.Approvers) }},
				{"presence", func(v *yaml.Node) {
					ps.enum(v, "trust.presence", &p.Trust.Presence, PresenceAny, PresenceTouch, PresenceVerified)
				}},
			})
		}},
		{"runtime", func(v *yaml.Node) {
			ps.enum(v, "runtime", &p.Runtime, RuntimeDeny, RuntimeWarn, RuntimeOff)
		}},
		{"record", func(v *yaml.Node) {
			ps.section(v, "record", []field{
				{"prompts", func(v *yaml.Node) {
					ps.enum(v, "record.prompts", &p.Record.Prompts, PromptsFull, PromptsHash, PromptsNone)
				}},
			})
		}},
		{"server", func(v *yaml.Node) {
			ps.section(v, "server", []field{
				{"platform_merges", func(v *yaml.Node) {
					ps.enum(v, "server.platform_merges", &p.Server.PlatformMerges, MergesAccept, MergesCheck)
				}},
			})
		}},
		{"protected", func(v *yaml.Node) { ps.protected(v, p) }},
		{"scope", func(v *yaml.Node) {
			ps.section(v, "scope", []field{
				{"enforce", func(v *yaml.Node) { ps.boolean(v, "scope.enforce", &p.Scope.Enforce) }},
				{"always", func(v *yaml.Node) { ps.list(v, "scope.always", &p.Scope.Always, checkPathGlob) }},
			})
		}},
		{"taint", func(v *yaml.Node) {
			ps.section(v, "taint", []field{
				{"trusted_hosts", func(v *yaml.Node) { ps.list(v, "taint.trusted_hosts", &p.Taint.TrustedHosts, checkHost) }},
				{"trusted_mcp", func(v *yaml.Node) { ps.list(v, "taint.trusted_mcp", &p.Taint.TrustedMCP, nil) }},
			})
		}},
		{"approvals", func(v *yaml.Node) {
			ps.section(v, "approvals", []field{
				{"never", func(v *yaml.Node) { ps.never(v, p) }},
				{"allow_self", func(v *yaml.Node) { ps.boolean(v, "approvals.allow_self", &p.Approvals.AllowSelf) }},
			})
		}},
	})
	if root.Kind == yaml.MappingNode && !seen["version"] {
		ps.errorf(root, "missing key \"version\" (add version: %d)", Version)
	}
}

func (ps *parser) version(v *yaml.Node) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
		ps.errorf(v, "version: expected the number %d, got %s", Version, describe(v))
		return
	}
	var n int64
	if err := v.Decode(&n); err != nil || n != Version {
		ps.errorf(v, "unsupported version %s (this agentcheck reads version %d)", v.Value, Version)
	}
}

// never reads approvals.never. The file may add rules but cannot drop the
// three that can never be approved: saying so would be a policy that does not
// do what it says.
func (ps *parser) never(v *yaml.Node, p *Policy) {
	var rules []string
	before := len(ps.errs)
	ps.list(v, "approvals.never", &rules, checkRuleID)
	if len(ps.errs) > before {
		return
	}
	for _, r := range neverListed() {
		if !slices.Contains(rules, r) {
			ps.errorf(v, "approvals.never: must list %s: invalid signatures (AC002), replayed notes (AC003) and malformed manifests (AC009) can never be approved", r)
			return
		}
	}
	p.Approvals.Never = rules
}

// protected reads the protected classes and merges them onto p's.
func (ps *parser) protected(v *yaml.Node, p *Policy) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		ps.errorf(v, "protected: expected a mapping of class names, got %s", describe(v))
		return
	}
	seen := make(map[string]bool)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, cv := deref(v.Content[i]), deref(v.Content[i+1])
		name, ok := keyName(k)
		if !ok {
			ps.errorf(k, "protected: class name must be a string, got %s", describe(k))
			continue
		}
		if msg := checkClassName(name); msg != "" {
			ps.errorf(k, "protected: %s", msg)
			continue
		}
		if seen[name] {
			ps.errorf(k, "duplicate key %q in protected", name)
			continue
		}
		seen[name] = true
		c, known := Class{Name: name}, false
		if d, ok := lookupDefaultClass(name); ok {
			known = true
			c.Action = d.action
			for _, g := range d.paths {
				c.Paths = append(c.Paths, g.glob)
			}
		}
		where := "protected." + name
		var fields map[string]bool
		if isNull(cv) {
			if !known {
				ps.errorf(k, "%s: a new class needs an action and paths", where)
				continue
			}
		} else {
			fields = ps.mapping(cv, where, []field{
				{"action", func(v *yaml.Node) {
					ps.enum(v, where+".action", &c.Action, ActionBlock, ActionDeclare, ActionWarn, ActionOff)
				}},
				{"paths", func(v *yaml.Node) { ps.list(v, where+".paths", &c.Paths, checkClassGlob) }},
			})
		}
		if !known && cv.Kind == yaml.MappingNode {
			for _, f := range []string{"action", "paths"} {
				if !fields[f] {
					ps.errorf(k, "%s: a class that is not built in needs %q", where, f)
				}
			}
		}
		if idx := slices.IndexFunc(p.Protected, func(x Class) bool { return x.Name == name }); idx >= 0 {
			p.Protected[idx] = c
		} else {
			p.Protected = append(p.Protected, c)
		}
	}
	sortClasses(p.Protected)
}

// checkClassName keeps class names to what reads well in findings and SARIF
// rule properties, and makes "CI" and "ci" one name rather than two classes.
func checkClassName(name string) string {
	if name == "" || len(name) > 64 {
		return fmt.Sprintf("class name %q must be 1 to 64 characters", name)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (i > 0 && (r == '-' || r == '_'))
		if !ok {
			return fmt.Sprintf("class name %q: use lowercase letters, digits, - and _, starting with a letter or digit", name)
		}
	}
	return ""
}

// checkPattern checks a doublestar glob that is not a repository path (an
// email glob).
func checkPattern(g string) string {
	if strings.HasPrefix(g, "!") {
		return fmt.Sprintf("glob %q: exclusions (!) only work in protected paths; write \\! for a literal !", g)
	}
	if !doublestar.ValidatePattern(g) {
		return fmt.Sprintf("invalid glob %q", g)
	}
	return ""
}

// checkPathGlob checks a glob of repository paths. Paths are relative,
// clean and slash-separated (as git names them), so a glob that is absolute,
// leaves the repository, starts with ./ or ends in / would silently match
// nothing; each is an error that says what to write instead.
func checkPathGlob(g string) string {
	if msg := checkPattern(g); msg != "" {
		return msg
	}
	switch {
	case strings.HasPrefix(g, "/"):
		return fmt.Sprintf("glob %q: globs are relative to the repository root; drop the leading /", g)
	case strings.HasPrefix(g, "./"):
		return fmt.Sprintf("glob %q: write it without ./", g)
	case strings.HasSuffix(g, "/"):
		return fmt.Sprintf("glob %q ends in /; write %s** for everything under it", g, g)
	}
	for _, e := range strings.Split(g, "/") {
		switch e {
		case "..":
			return fmt.Sprintf("glob %q: a glob cannot leave the repository (..)", g)
		case "", ".":
			return fmt.Sprintf("glob %q: empty or . path element", g)
		}
	}
	return ""
}

// checkClassGlob checks a glob of a protected class, which may be an
// exclusion ("!glob").
func checkClassGlob(g string) string {
	if ex, ok := strings.CutPrefix(g, "!"); ok {
		if ex == "" {
			return "empty exclusion \"!\""
		}
		return checkPathGlob(ex)
	}
	return checkPathGlob(g)
}

// checkHost checks an entry of taint.trusted_hosts: a host name, not a URL,
// which would never equal a fetched URL's host and so trust nothing.
func checkHost(h string) string {
	if strings.ContainsAny(h, "/ \t") {
		return fmt.Sprintf("%q is not a host name (write pkg.go.dev, not https://pkg.go.dev/)", h)
	}
	return ""
}

// checkRuleID checks a rule ID of the form AC001.
func checkRuleID(id string) string {
	if len(id) != 5 || !strings.HasPrefix(id, "AC") || strings.Trim(id[2:], "0123456789") != "" {
		return fmt.Sprintf("%q is not a rule ID like AC004", id)
	}
	return ""
}

// agentRegistry reads agents.registry: per agent of the built-in registry, or
// per new agent, what the policy changes. A built-in agent named with
// nothing (all its keys commented out) changes nothing; a new one needs a
// marker, which agentid checks once the registry is built.
func (ps *parser) agentRegistry(v *yaml.Node, p *Policy) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		ps.errorf(v, "agents.registry: expected a mapping of agent names, got %s", describe(v))
		return
	}
	builtin := agentid.Builtin()
	seen := make(map[string]bool)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, av := deref(v.Content[i]), deref(v.Content[i+1])
		name, ok := keyName(k)
		if !ok {
			ps.errorf(k, "agents.registry: agent name must be a string, got %s", describe(k))
			continue
		}
		if err := agentid.CheckName(name); err != nil {
			ps.errorf(k, "agents.registry: %v", err)
			continue
		}
		if seen[name] {
			ps.errorf(k, "duplicate key %q in agents.registry", name)
			continue
		}
		seen[name] = true
		where := "agents.registry." + name
		_, known := builtin.Lookup(name)
		o := agentid.Override{Name: name}
		if isNull(av) {
			if !known {
				ps.errorf(k, "%s: %q is not a built-in agent%s; a new agent needs a marker (co_authors, emails, accounts or trailers)", where, name, suggest(name, builtin.Names()))
			}
			continue
		}
		var enabled bool
		var kind string
		fields := ps.mapping(av, where, []field{
			{"enabled", func(v *yaml.Node) { ps.boolean(v, where+".enabled", &enabled) }},
			{"vendor", func(v *yaml.Node) { ps.str(v, where+".vendor", &o.Vendor) }},
			{"kind", func(v *yaml.Node) {
				ps.enum(v, where+".kind", &kind, string(agentid.KindLocal), string(agentid.KindEditor), string(agentid.KindCloud), string(agentid.KindBot))
			}},
			{"co_authors", func(v *yaml.Node) {
				ps.list(v, where+".co_authors", &o.CoAuthors, markerCheck(func(s string) agentid.Markers { return agentid.Markers{CoAuthors: []string{s}} }))
			}},
			{"emails", func(v *yaml.Node) {
				ps.list(v, where+".emails", &o.Emails, markerCheck(func(s string) agentid.Markers { return agentid.Markers{Emails: []string{s}} }))
			}},
			{"accounts", func(v *yaml.Node) {
				ps.list(v, where+".accounts", &o.Accounts, markerCheck(func(s string) agentid.Markers { return agentid.Markers{Accounts: []string{s}} }))
			}},
			{"trailers", func(v *yaml.Node) {
				ps.list(v, where+".trailers", &o.Trailers, markerCheck(func(s string) agentid.Markers { return agentid.Markers{Trailers: []string{s}} }))
			}},
		})
		if fields["enabled"] {
			o.Enabled = &enabled
		}
		o.Kind = agentid.Kind(kind)
		if !known && len(o.CoAuthors)+len(o.Emails)+len(o.Accounts)+len(o.Trailers) == 0 && av.Kind == yaml.MappingNode {
			ps.errorf(k, "%s: %q is not a built-in agent%s; a new agent needs a marker (co_authors, emails, accounts or trailers)", where, name, suggest(name, builtin.Names()))
			continue
		}
		p.Agents.Registry = append(p.Agents.Registry, o)
	}
}

// markerCheck adapts agentid's check of a marker to a list item check.
func markerCheck(wrap func(string) agentid.Markers) func(string) string {
	return func(s string) string {
		if err := agentid.CheckMarkers(wrap(s)); err != nil {
			return err.Error()
		}
		return ""
	}
}

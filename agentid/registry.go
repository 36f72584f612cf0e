package agentid

import (
	"bytes"
	_ "embed" // registry.json
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind says where an agent runs, which decides what a commit without a
// manifest can do to earn one.
type Kind string

const (
	// KindLocal is an agent that runs on a developer's machine or in a CI
	// job, where agentcheck's hooks can record its sessions.
	KindLocal Kind = "local"
	// KindEditor is an assistant inside an editor; its hooks, where it has
	// any, run on the developer's machine.
	KindEditor Kind = "editor"
	// KindCloud is an agent that runs on its vendor's servers, where no hook
	// of ours can run: its commits reach the gate without a manifest.
	KindCloud Kind = "cloud"
	// KindBot is a dependency bot: automation, not a coding agent. Its
	// commits are not agent commits unless a policy enables it.
	KindBot Kind = "bot"
)

// Kinds lists the kinds in the order the policy's documentation gives them.
func Kinds() []Kind { return []Kind{KindLocal, KindEditor, KindCloud, KindBot} }

// Markers are the precise signs of an agent's commits. Matching is
// case-insensitive except for MessagePrefixes and AuthorNameSuffixes, which
// are the agents' exact text.
type Markers struct {
	// CoAuthors are e-mail addresses in a Co-authored-by trailer.
	CoAuthors []string `json:"co_authors,omitempty"`
	// Emails are author or committer e-mail addresses.
	Emails []string `json:"emails,omitempty"`
	// Accounts are GitHub accounts, "ID+login" or "login", matched in the
	// noreply address of the author, the committer or a co-author.
	Accounts []string `json:"accounts,omitempty"`
	// AuthorNameSuffixes end the author's name, e.g. " (aider)".
	AuthorNameSuffixes []string `json:"author_name_suffixes,omitempty"`
	// Trailers are trailers the agent adds: "Key:" matches any value, "Key:
	// value" that value.
	Trailers []string `json:"trailers,omitempty"`
	// MessagePrefixes begin the subject line, e.g. "aider: ".
	MessagePrefixes []string `json:"message_prefixes,omitempty"`
}

// empty reports whether m has no marker at all.
func (m Markers) empty() bool {
	return len(m.CoAuthors)+len(m.Emails)+len(m.Accounts)+len(m.AuthorNameSuffixes)+len(m.Trailers)+len(m.MessagePrefixes) == 0
}

func (m Markers) add(o Markers) Markers {
	return Markers{
		CoAuthors:          append(clone(m.CoAuthors), o.CoAuthors...),
		Emails:             append(clone(m.Emails), o.Emails...),
		Accounts:           append(clone(m.Accounts), o.Accounts...),
		AuthorNameSuffixes: append(clone(m.AuthorNameSuffixes), o.AuthorNameSuffixes...),
		Trailers:           append(clone(m.Trailers), o.Trailers...),
		MessagePrefixes:    append(clone(m.MessagePrefixes), o.MessagePrefixes...),
	}
}

func clone(s []string) []string { return append([]string(nil), s...) }

// Agent is one entry of the registry.
type Agent struct {
	Name    string `json:"name"`  // stable identifier, e.g. "claude-code"
	Title   string `json:"title"` // what reports call it, e.g. "Claude Code"
	Vendor  string `json:"vendor"`
	Kind    Kind   `json:"kind"`
	Markers        // the agent's signs
	// Enabled says whether its commits count as agent commits. The
	// built-in default is true for every kind but [KindBot].
	Enabled bool `json:"-"`
	// Sources say where the markers were confirmed.
	Sources []string `json:"sources,omitempty"`
}

// Registry is an ordered list of agents. The order decides which agent a
// commit is attributed to when markers of two agents match in the same pass.
type Registry struct {
	Agents []Agent
}

//go:embed registry.json
var registryJSON []byte

// Builtin returns the built-in registry. Each call parses the embedded data
// anew, so the caller owns the result; build it once per run, not per commit.
func Builtin() *Registry {
	r, err := parseRegistry(registryJSON)
	if err != nil {
		// The embedded file is checked by the package's tests.
		panic("agentid: built-in registry: " + err.Error())
	}
	return r
}

func parseRegistry(data []byte) (*Registry, error) {
	var file struct {
		About  string  `json:"about"`
		Agents []Agent `json:"agents"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("parsing registry: %w", err)
	}
	r := &Registry{}
	seen := make(map[string]bool)
	for _, a := range file.Agents {
		if seen[a.Name] {
			return nil, fmt.Errorf("agent %q listed twice", a.Name)
		}
		seen[a.Name] = true
		if err := CheckName(a.Name); err != nil {
			return nil, err
		}
		if err := checkKind(a.Kind); err != nil {
			return nil, fmt.Errorf("agent %s: %w", a.Name, err)
		}
		if a.Markers.empty() {
			return nil, fmt.Errorf("agent %s has no marker", a.Name)
		}
		if err := CheckMarkers(a.Markers); err != nil {
			return nil, fmt.Errorf("agent %s: %w", a.Name, err)
		}
		a.Enabled = a.Kind != KindBot
		r.Agents = append(r.Agents, a)
	}
	return r, nil
}

// Lookup returns the agent called name.
func (r *Registry) Lookup(name string) (Agent, bool) {
	for _, a := range r.Agents {
		if a.Name == name {
			return a, true
		}
	}
	return Agent{}, false
}

// Names returns the agents' names in registry order.
func (r *Registry) Names() []string {
	names := make([]string, len(r.Agents))
	for i, a := range r.Agents {
		names[i] = a.Name
	}
	return names
}

// Override is a policy's change to the registry: for a built-in agent, it
// switches it on or off and adds markers; for a new name, it defines an agent
// (which needs a marker).
type Override struct {
	Name string
	// Enabled, if set, says whether the agent's commits count as agent
	// commits; nil keeps the built-in default.
	Enabled *bool
	Vendor  string // "" keeps the built-in vendor
	Kind    Kind   // "" keeps the built-in kind; a new agent defaults to KindLocal
	Markers        // added to the agent's markers
}

// With returns a copy of r changed by overrides, which must each name an
// agent once. New agents follow the built-in ones, in the overrides' order.
func (r *Registry) With(overrides []Override) (*Registry, error) {
	out := &Registry{Agents: make([]Agent, len(r.Agents))}
	copy(out.Agents, r.Agents)
	seen := make(map[string]bool)
	for _, o := range overrides {
		if seen[o.Name] {
			return nil, fmt.Errorf("agent %q changed twice", o.Name)
		}
		seen[o.Name] = true
		if err := CheckName(o.Name); err != nil {
			return nil, err
		}
		if o.Kind != "" {
			if err := checkKind(o.Kind); err != nil {
				return nil, fmt.Errorf("agent %s: %w", o.Name, err)
			}
		}
		if err := CheckMarkers(o.Markers); err != nil {
			return nil, fmt.Errorf("agent %s: %w", o.Name, err)
		}
		i := -1
		for j := range out.Agents {
			if out.Agents[j].Name == o.Name {
				i = j
			}
		}
		if i < 0 {
			if o.Markers.empty() {
				return nil, fmt.Errorf("agent %s is not built in and has no marker", o.Name)
			}
			out.Agents = append(out.Agents, Agent{Name: o.Name, Title: o.Name, Kind: KindLocal, Enabled: true})
			i = len(out.Agents) - 1
		}
		a := &out.Agents[i]
		a.Markers = a.Markers.add(o.Markers)
		if o.Vendor != "" {
			a.Vendor = o.Vendor
		}
		if o.Kind != "" {
			a.Kind = o.Kind
		}
		if o.Enabled != nil {
			a.Enabled = *o.Enabled
		}
	}
	return out, nil
}

// CheckName checks an agent's name: lowercase letters, digits and '-', as
// reports and the policy's keys print it.
func CheckName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("agent name %q must be 1 to 64 characters", name)
	}
	for i, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return fmt.Errorf("agent name %q: use lowercase letters, digits and -, starting with a letter or digit", name)
		}
	}
	return nil
}

func checkKind(k Kind) error {
	for _, ok := range Kinds() {
		if k == ok {
			return nil
		}
	}
	return fmt.Errorf("kind %q is not one of local, editor, cloud, bot", k)
}

// CheckMarkers checks that every marker is of its form, so that a typo
// cannot leave a marker that silently matches nothing.
func CheckMarkers(m Markers) error {
	var errs []error
	for _, e := range append(clone(m.CoAuthors), m.Emails...) {
		if err := checkEmail(e); err != nil {
			errs = append(errs, err)
		}
	}
	for _, a := range m.Accounts {
		if _, _, err := parseAccount(a); err != nil {
			errs = append(errs, err)
		}
	}
	for _, t := range m.Trailers {
		if _, _, ok := cutTrailer(t); !ok {
			errs = append(errs, fmt.Errorf("trailer %q: write \"Key:\" or \"Key: value\"", t))
		}
	}
	for _, s := range append(clone(m.AuthorNameSuffixes), m.MessagePrefixes...) {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\n\r") {
			errs = append(errs, fmt.Errorf("%q: a name suffix or message prefix needs text on one line", s))
		}
	}
	return errors.Join(errs...)
}

func checkEmail(e string) error {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(e, " \t<>\n\r") || strings.Contains(domain, "@") {
		return fmt.Errorf("%q is not an e-mail address", e)
	}
	return nil
}

// parseAccount reads "ID+login" or "login". id is 0 when the account has
// none.
func parseAccount(s string) (id uint64, login string, err error) {
	login = s
	if digits, rest, ok := strings.Cut(s, "+"); ok {
		n, perr := strconv.ParseUint(digits, 10, 64)
		if perr != nil || n == 0 {
			return 0, "", fmt.Errorf("account %q: write ID+login with a numeric ID, or the login alone", s)
		}
		id, login = n, rest
	}
	if !validLogin(login) {
		return 0, "", fmt.Errorf("account %q: %q is not a GitHub login", s, login)
	}
	return id, login, nil
}

// validLogin accepts GitHub logins: letters, digits and '-', and an app's
// "[bot]" suffix.
func validLogin(l string) bool {
	l = strings.TrimSuffix(l, "[bot]")
	if l == "" || len(l) > 39+5 {
		return false
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// cutTrailer splits a trailer marker "Key:" or "Key: value".
func cutTrailer(t string) (key, value string, ok bool) {
	key, value, found := strings.Cut(t, ":")
	if !found || key == "" || strings.ContainsAny(key, " \t") {
		return "", "", false
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", "", false
		}
	}
	return key, strings.TrimSpace(value), true
}

// Describe lists the agent's markers as a reader would say them, for the
// commented policy and agentcheck doctor.
func (a Agent) Describe() string {
	var parts []string
	add := func(what string, items []string, quote bool) {
		for _, it := range items {
			if quote {
				it = strconv.Quote(it)
			}
			parts = append(parts, what+" "+strings.TrimSpace(it))
		}
	}
	add("co-author", a.CoAuthors, false)
	add("e-mail", a.Emails, false)
	add("account", a.Accounts, false)
	add("author name suffix", a.AuthorNameSuffixes, false)
	add("trailer", a.Trailers, false)
	add("message prefix", a.MessagePrefixes, true)
	return strings.Join(parts, ", ")
}

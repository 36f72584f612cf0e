package agentid

import (
	"strconv"
	"strings"
)

// Commit is what recognition reads of a commit: its people and its message's
// subject and trailers. The caller parses the commit; the trailers are the
// "Key: value" lines of the message's last paragraph.
type Commit struct {
	AuthorName, AuthorEmail       string
	CommitterName, CommitterEmail string
	Subject                       string
	Trailers                      []string
}

// Match says which agent a commit was recognised as, and by what.
type Match struct {
	Agent  string // the registry name, e.g. "claude-code"
	Title  string // e.g. "Claude Code"
	Vendor string
	Kind   Kind
	// Marker is the marker that matched, as a reader would say it:
	// "co-author trailer noreply@anthropic.com", "author account
	// 158243242+devin-ai-integration[bot]".
	Marker string
	// Ignored reports that the policy does not count this agent's commits
	// as agent commits: a dependency bot by default, or an agent the
	// policy switched off. The match is still reported, so that a report
	// can say the commit was automation.
	Ignored bool
}

// String returns "Title (marker)".
func (m Match) String() string { return m.Title + " (" + m.Marker + ")" }

// Recognizer matches commits against a registry. It is built once per run
// and is safe for concurrent use.
type Recognizer struct {
	agents []Agent
	// The maps hold, for each lower-cased key, the first marker of the
	// enabled agents and then of the others, so that a lookup finds an
	// enabled agent's marker when there is one.
	emails     map[string]hit // author and committer e-mail
	coAuthors  map[string]hit
	accountIDs map[uint64]hit
	logins     map[string]hit // every account's login
	idless     map[string]hit // logins of accounts given without an ID
	suffixes   []textMarker
	trailers   []trailerMarker
	prefixes   []textMarker
}

type hit struct {
	agent  int // index in agents
	marker string
}

type textMarker struct {
	agent int
	text  string
}

type trailerMarker struct {
	agent      int
	key, value string
	text       string
}

// NewRecognizer returns a recognizer of r's agents.
func NewRecognizer(r *Registry) *Recognizer {
	rec := &Recognizer{
		agents:     append([]Agent(nil), r.Agents...),
		emails:     make(map[string]hit),
		coAuthors:  make(map[string]hit),
		accountIDs: make(map[uint64]hit),
		logins:     make(map[string]hit),
		idless:     make(map[string]hit),
	}
	for _, enabled := range []bool{true, false} {
		for i, a := range rec.agents {
			if a.Enabled == enabled {
				rec.index(i, a.Markers)
			}
		}
	}
	return rec
}

func (rec *Recognizer) index(i int, m Markers) {
	put := func(into map[string]hit, key, marker string) {
		if _, ok := into[key]; !ok {
			into[key] = hit{i, marker}
		}
	}
	for _, e := range m.Emails {
		put(rec.emails, strings.ToLower(e), e)
	}
	for _, e := range m.CoAuthors {
		put(rec.coAuthors, strings.ToLower(e), e)
	}
	for _, a := range m.Accounts {
		id, login, err := parseAccount(a)
		if err != nil {
			continue // CheckMarkers rejects it before a registry is built
		}
		login = strings.ToLower(login)
		put(rec.logins, login, a)
		if id == 0 {
			put(rec.idless, login, a)
		} else if _, ok := rec.accountIDs[id]; !ok {
			rec.accountIDs[id] = hit{i, a}
		}
	}
	for _, s := range m.AuthorNameSuffixes {
		rec.suffixes = append(rec.suffixes, textMarker{i, s})
	}
	for _, t := range m.Trailers {
		key, value, _ := cutTrailer(t)
		rec.trailers = append(rec.trailers, trailerMarker{i, key, value, t})
	}
	for _, p := range m.MessagePrefixes {
		rec.prefixes = append(rec.prefixes, textMarker{i, p})
	}
}

// Agents returns the recognizer's agents in registry order.
func (rec *Recognizer) Agents() []Agent { return append([]Agent(nil), rec.agents...) }

// Lookup returns the agent called name, as a manifest names its agent.
func (rec *Recognizer) Lookup(name string) (Agent, bool) {
	for _, a := range rec.agents {
		if a.Name == name {
			return a, true
		}
	}
	return Agent{}, false
}

// Recognize reports which agent made c. It looks at who made the commit
// first, then who co-authored it, then the agents' other trailers and
// message prefixes, and returns the first match of an enabled agent; failing
// that, the first match of any agent, with Ignored set. ok is false when no
// marker matches: the commit is a human's, as far as its metadata tells.
func (rec *Recognizer) Recognize(c Commit) (m Match, ok bool) {
	var fallback *hit
	found := func(h hit, where string) bool {
		if rec.agents[h.agent].Enabled {
			m, ok = rec.match(h, where), true
			return true
		}
		if fallback == nil {
			h.marker = where + " " + h.marker
			fallback = &h
		}
		return false
	}
	for _, p := range []struct{ who, name, email string }{
		{"author", c.AuthorName, c.AuthorEmail},
		{"committer", c.CommitterName, c.CommitterEmail},
	} {
		if h, where, okID := rec.identity(p.email); okID && found(h, p.who+" "+where) {
			return m, ok
		}
		if p.who != "author" {
			continue
		}
		for _, s := range rec.suffixes {
			if strings.HasSuffix(p.name, s.text) && found(hit{s.agent, strings.TrimSpace(s.text)}, "author name suffix") {
				return m, ok
			}
		}
	}
	for _, t := range c.Trailers {
		email, isCoAuthor := coAuthorEmail(t)
		if !isCoAuthor {
			continue
		}
		if h, okHit := rec.coAuthors[email]; okHit && found(h, "co-author trailer") {
			return m, ok
		}
		if h, okHit := rec.account(email); okHit && found(h, "co-author account") {
			return m, ok
		}
	}
	for _, t := range c.Trailers {
		key, value, _ := strings.Cut(t, ":")
		value = strings.TrimSpace(value)
		for _, tm := range rec.trailers {
			if strings.EqualFold(key, tm.key) && (tm.value == "" || strings.EqualFold(value, tm.value)) && found(hit{tm.agent, tm.text}, "trailer") {
				return m, ok
			}
		}
	}
	for _, p := range rec.prefixes {
		if strings.HasPrefix(c.Subject, p.text) && found(hit{p.agent, strconv.Quote(p.text)}, "message prefix") {
			return m, ok
		}
	}
	if fallback != nil {
		m := rec.match(*fallback, "")
		m.Ignored = true
		return m, true
	}
	return Match{}, false
}

// identity looks up an author or committer e-mail: an agent's address, or
// its GitHub account's noreply address.
func (rec *Recognizer) identity(email string) (hit, string, bool) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return hit{}, "", false
	}
	if h, ok := rec.emails[email]; ok {
		return h, "e-mail", true
	}
	if h, ok := rec.account(email); ok {
		return h, "account", true
	}
	return hit{}, "", false
}

const noreplyDomain = "@users.noreply.github.com"

// account looks up a lower-cased GitHub noreply address, "ID+login@…" or
// "login@…". An address with an ID matches the account with that ID, or an
// account given by login alone; one without an ID matches by login.
func (rec *Recognizer) account(email string) (hit, bool) {
	local, ok := strings.CutSuffix(email, noreplyDomain)
	if !ok || local == "" {
		return hit{}, false
	}
	if digits, login, ok := strings.Cut(local, "+"); ok {
		id, err := strconv.ParseUint(digits, 10, 64)
		if err != nil || id == 0 {
			return hit{}, false
		}
		if h, ok := rec.accountIDs[id]; ok {
			return h, true
		}
		h, ok := rec.idless[login]
		return h, ok
	}
	h, ok := rec.logins[local]
	return h, ok
}

func (rec *Recognizer) match(h hit, where string) Match {
	a := rec.agents[h.agent]
	marker := h.marker
	if where != "" {
		marker = where + " " + marker
	}
	return Match{Agent: a.Name, Title: a.Title, Vendor: a.Vendor, Kind: a.Kind, Marker: marker, Ignored: !a.Enabled}
}

// coAuthorEmail returns the lower-cased address of a "Co-authored-by: Name
// <address>" trailer. An address without angle brackets is taken from the
// last word that holds an '@'.
func coAuthorEmail(trailer string) (string, bool) {
	key, value, found := strings.Cut(trailer, ":")
	if !found || !strings.EqualFold(strings.TrimSpace(key), "Co-authored-by") {
		return "", false
	}
	if lt := strings.LastIndexByte(value, '<'); lt >= 0 {
		rest := value[lt+1:]
		if gt := strings.IndexByte(rest, '>'); gt >= 0 {
			return strings.ToLower(strings.TrimSpace(rest[:gt])), true
		}
	}
	fields := strings.Fields(value)
	for i := len(fields) - 1; i >= 0; i-- {
		if strings.Contains(fields[i], "@") {
			return strings.ToLower(fields[i]), true
		}
	}
	return "", true
}

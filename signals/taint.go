package signals

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/agentcheck/agentcheck/provenance"
	"github.com/agentcheck/agentcheck/provenance/journal"
	"github.com/agentcheck/agentcheck/scope"
)

// Tainted reports whether a session ingested untrusted content, and says
// how: a web fetch or search, a shell command that fetches from the network,
// or an MCP call to a server outside taint.trusted_mcp — unless every host
// involved is in taint.trusted_hosts. Such content can carry a prompt
// injection that steers the agent's next edits. The manifest does not order
// reads against edits, so any untrusted read taints the whole session: the
// conservative choice. Failed fetches count too (an error page is content);
// calls the runtime hook denied do not (nothing was ingested).
func Tainted(p *provenance.SessionPredicate, pol *scope.Policy) (bool, string) {
	for _, r := range p.Reads {
		switch r.Kind {
		case provenance.ReadFetch:
			if !trustedURL(r.URL, pol.Taint.TrustedHosts) {
				return true, "fetched " + shorten(r.URL, 80)
			}
		case provenance.ReadSearch:
			return true, fmt.Sprintf("ran a web search (%q)", shorten(r.Query, 60))
		case provenance.ReadMCP:
			if !TrustedMCP(r.Server, pol.Taint.TrustedMCP) {
				return true, fmt.Sprintf("read the output of MCP server %q (%s)", r.Server, r.Tool)
			}
		}
	}
	for _, a := range p.Actions {
		if a.Kind != journal.KindExec || a.Decision == journal.DecisionDeny {
			continue
		}
		if why, ok := networkCommand(a.Command, pol.Taint.TrustedHosts); ok {
			return true, why
		}
	}
	return false, ""
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func trustedURL(raw string, trusted []string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return false
	}
	return TrustedHost(u.Hostname(), trusted)
}

// The patterns are compiled on first use, so that commands that never judge
// taint do not pay for them at startup.
var (
	urlPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s'"<>|;&)]+`) })
	// netTools are commands that fetch from the network. Matching is
	// deliberately broad: a false taint costs a review, a missed one a breach.
	netTools = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:^|[\s;&|(` + "`" + `$/])(curl|wget|nc|ncat|netcat|socat|aria2c|lynx|links|w3m|httpie|http|xh|invoke-webrequest|iwr|invoke-restmethod|irm|fetch)(?:\.exe)?(?:$|[\s;&|)])`)
	})
)

// networkCommand reports whether a shell command fetches from the network
// from a host that is not trusted, and says why.
func networkCommand(cmd string, trusted []string) (string, bool) {
	urls := urlPattern().FindAllString(cmd, -1)
	for _, u := range urls {
		if !trustedURL(u, trusted) {
			return "ran a command that fetches " + shorten(u, 80), true
		}
	}
	if m := netTools().FindStringSubmatch(cmd); m != nil && len(urls) == 0 {
		return fmt.Sprintf("ran a network command (%s) whose destination cannot be told from the command line", m[1]), true
	}
	return "", false
}

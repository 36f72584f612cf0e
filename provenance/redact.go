package provenance

import (
	"regexp"
	"strings"
	"sync"
)

// Masked replaces a secret in recorded text.
const Masked = "***"

// A secret pattern finds secrets in recorded text. Capture groups whose name
// begins with "s" hold the secret: the first of them that took part in a
// match is replaced by [Masked] and the rest of the match is kept (the name of
// what was assigned, the quotes around it). A pattern without such a group
// masks its whole match.
//
// They are compiled on first use: the hook, which runs on every tool call,
// never masks and should not pay for them at startup. Nothing changes the
// slice once it is built.
var secretPatterns = sync.OnceValue(func() []*regexp.Regexp {
	// value is an assigned value: quoted (the quotes are kept) or a bare word.
	const value = `(?:"(?P<s1>[^"\n]*)"|'(?P<s2>[^'\n]*)'|(?P<s3>[^\s;&|"'<>()` + "`" + `]+))`
	// name is a variable, key or flag name that says secret. AUTH must end the
	// name or be followed by "_", so AUTHOR is not a secret; a bare KEY is not
	// either (SORT_KEY is masked, MONKEY is not).
	const name = `[A-Z0-9_.-]*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH|PWD|[_.-]KEY)S?(?:[_.-][A-Z0-9_.-]*)?`
	return []*regexp.Regexp{
		// Private key blocks, whole: PEM armour of any private key type.
		regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)`),
		// Secrets recognisable by their shape wherever they appear.
		regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b`),          // AWS access key ids
		regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,255}\b`),                                    // GitHub tokens
		regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,255}\b`),                                  // GitHub fine-grained tokens
		regexp.MustCompile(`\bgl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}\b`),                   // GitLab tokens
		regexp.MustCompile(`\bxox[abposre]-[A-Za-z0-9-]{10,}\b`),                                   // Slack tokens
		regexp.MustCompile(`\bhttps://hooks\.slack\.com/(?:services|workflows|triggers)/[^\s'"]+`), // Slack webhooks
		regexp.MustCompile(`\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}\b`),                         // Stripe secret and restricted keys
		regexp.MustCompile(`\bwhsec_[0-9A-Za-z]{20,}\b`),                                           // Stripe webhook secrets
		regexp.MustCompile(`\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b`),             // OpenAI and Anthropic keys
		regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`),                                            // Google API keys
		regexp.MustCompile(`\bhf_[A-Za-z0-9]{30,}\b`),                                              // Hugging Face tokens
		regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`),                                              // npm tokens
		regexp.MustCompile(`\bpypi-[A-Za-z0-9_-]{50,}\b`),                                          // PyPI tokens
		regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b`),                       // SendGrid keys
		regexp.MustCompile(`\bdop_v1_[a-f0-9]{64}\b`),                                              // DigitalOcean tokens
		regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b`),    // JWTs
		// HTTP headers that carry credentials: -H "Authorization: Bearer x".
		// The scheme word is kept; the rest of the header value is masked.
		regexp.MustCompile(`(?i)\b(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token|x-vault-token|cookie|set-cookie)\s*:\s*(?:(?:bearer|basic|token|digest|bot)\s+)?(?P<s>[^"'\n]+)`),
		// Credentials in URLs: https://user:secret@host, postgres://u:p@h.
		regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@'"]+:(?P<s>[^\s@/'"]+)@`),
		// Credentials in query strings: ?access_token=…, &sig=… (SAS tokens).
		regexp.MustCompile(`(?i)[?&](?:access_token|refresh_token|id_token|token|api_?key|apikey|key|secret|client_secret|password|passwd|sig|signature|auth|x-amz-signature|x-amz-credential|x-amz-security-token)=(?P<s>[^&\s'"#]+)`),
		// Assignments whose name says secret: PASSWORD=…, export
		// AWS_SECRET_ACCESS_KEY="…", $env:GITHUB_TOKEN = '…', and the same
		// shapes in YAML, JSON and INI text: password: x, "api_key":"x". A
		// colon must be followed by a space or preceded by a quote, so that
		// a URL's user:password@ is left to the URL pattern; the name must
		// start a word of its own, so that a path (internal/auth: …) is not
		// taken for a key.
		regexp.MustCompile(`(?i)(?:^|[\s"'{,;(:]|\\[nrt])` + name + `(?:["']?\s*=\s*|["']?\s*:\s+|["']\s*:\s*)` + value),
		// Flags that carry secrets: --password x, --token=x, --api-key x.
		regexp.MustCompile(`(?i)(?:^|\s)--?(?:password|passwd|pass|passphrase|token|secret|api-?key|access-?key|secret-?key|auth-?token|client-?secret|private-?key)(?:=|\s+)` + value),
		// User and password in one argument: curl -u user:pw, --user=user:pw.
		regexp.MustCompile(`(?:^|\s)(?:-u\s*|--user[= ]\s*|--proxy-user[= ]\s*)[^\s:'"]+:(?P<s>[^\s'"]+)`),
		// Passwords glued to a flag: mysql -phunter2, sshpass -p hunter2.
		regexp.MustCompile(`\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n;&|]*?\s-p(?P<s>[^\s;&|]+)`),
		regexp.MustCompile(`\bsshpass\s+-p\s*` + value),
		// A secret spelled out in prose: "the password is hunter2".
		regexp.MustCompile(`(?i)\b(?:password|passphrase|passcode|api key|secret key|access token|token)\s+(?:is|was|=)\s+` + value),
	}
})

// Masker masks secrets in recorded text. It is safe for concurrent use.
type Masker struct {
	patterns []*regexp.Regexp
}

// NewMasker returns a masker with the built-in secret patterns.
func NewMasker() *Masker { return &Masker{patterns: secretPatterns()} }

// Mask returns s with every secret it recognises replaced by [Masked].
func (m *Masker) Mask(s string) string {
	for _, re := range m.patterns {
		s = maskAll(re, s)
	}
	return s
}

// maskAll replaces the secret of every match of re in s.
func maskAll(re *regexp.Regexp, s string) string {
	matches := re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	names := re.SubexpNames()
	var b strings.Builder
	last := 0
	for _, m := range matches {
		start, end := m[0], m[1]
		for i, n := range names {
			if strings.HasPrefix(n, "s") && m[2*i] >= 0 {
				start, end = m[2*i], m[2*i+1]
				break
			}
		}
		if start < last || start == end {
			continue // an empty secret: nothing to mask
		}
		b.WriteString(s[last:start])
		b.WriteString(Masked)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// MaskSecrets masks secrets in text before it is recorded in a manifest: a
// shell command, a prompt, a URL. It recognises token-shaped strings (AWS,
// GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic, Google and other keys;
// JWTs; private key blocks), assignments and flags whose names say secret,
// authorization headers, and credentials in URLs and query strings. It errs
// on the side of masking: a manifest is signed and pushed, and a leaked
// secret cannot be taken back.
func MaskSecrets(s string) string { return NewMasker().Mask(s) }

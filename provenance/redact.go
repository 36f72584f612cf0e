package provenance

import (
	"regexp"
	"sync"
)

// Masked replaces a secret in a recorded command.
const Masked = "***"

// secretPatterns find secrets in shell commands. Each pattern's first group,
// if any, is kept (the name of what was assigned or passed) and the rest of
// the match is masked. They are compiled on first use: the hook, which runs
// on every tool call, never masks and should not pay for them at startup.
var secretPatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		// Environment and variable assignments whose name says secret:
		// PASSWORD=…, GITHUB_TOKEN=…, export AWS_SECRET_ACCESS_KEY="…".
		regexp.MustCompile(`(?i)(\b[A-Z0-9_]*(?:PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)[A-Z0-9_]*=)(?:"[^"]*"|'[^']*'|[^\s;&|]+)`),
		// Flags that carry secrets: --password x, --token=x, --api-key x.
		regexp.MustCompile(`(?i)(--?(?:password|passwd|pass|token|secret|api-?key|access-?key|auth-?token|client-?secret)(?:=|\s+))(?:"[^"]*"|'[^']*'|[^\s;&|]+)`),
		// HTTP authorization headers: -H "Authorization: Bearer x", Cookie, X-Api-Key.
		regexp.MustCompile(`(?i)((?:authorization|proxy-authorization|x-api-key|x-auth-token|private-token|cookie)\s*:\s*)(?:(?:bearer|basic|token)\s+)?[^"'\n]+`),
		// Credentials in URLs: https://user:secret@host.
		regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+(@)`),
		// curl -u user:password.
		regexp.MustCompile(`((?:^|\s)-u\s*[^\s:]+:)[^\s]+`),
	}
})

// tokenPatterns are secrets recognisable by their shape wherever they appear.
var tokenPatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}\b`),            // AWS access key ids
		regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,255}\b`),                                 // GitHub tokens
		regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,255}\b`),                               // GitHub fine-grained tokens
		regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`),                                      // GitLab tokens
		regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}\b`),                                 // Slack tokens
		regexp.MustCompile(`\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b`),                          // OpenAI / Anthropic keys
		regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`),                                         // Google API keys
		regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b`), // JWTs
		regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`),
	}
})

// MaskSecrets masks secrets in a shell command before it is recorded in a
// manifest: token-shaped strings, assignments and flags whose names say
// secret, authorization headers and URL credentials. It errs on the side of
// masking: a manifest is signed and pushed, and a leaked secret cannot be
// taken back.
func MaskSecrets(cmd string) string {
	for _, re := range tokenPatterns() {
		cmd = re.ReplaceAllString(cmd, Masked)
	}
	for _, re := range secretPatterns() {
		cmd = re.ReplaceAllStringFunc(cmd, func(m string) string {
			sub := re.FindStringSubmatch(m)
			kept := sub[1]
			tail := ""
			if len(sub) > 2 {
				tail = sub[2]
			}
			return kept + Masked + tail
		})
	}
	return cmd
}

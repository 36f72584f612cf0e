package provenance

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
)

func TestParseAllowedSigners(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse("20060102150405", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name  string
		lines []string
		want  []AllowedSigner // Key and Line not compared
		err   string          // substring of the error, "" for success
	}{
		{name: "plain", lines: []string{"a@example.com KEY:ed25519"},
			want: []AllowedSigner{{Principals: []string{"a@example.com"}}}},
		{name: "comment after key", lines: []string{"a@example.com KEY:ed25519 laptop key"},
			want: []AllowedSigner{{Principals: []string{"a@example.com"}, Comment: "laptop key"}}},
		{name: "blank and comment lines", lines: []string{"", "# a comment", "   # indented", "\t", "a@x KEY:ed25519"},
			want: []AllowedSigner{{Principals: []string{"a@x"}}}},
		{name: "CRLF", lines: []string{"a@x KEY:ed25519\r", "b@x KEY:ecdsa\r"},
			want: []AllowedSigner{{Principals: []string{"a@x"}}, {Principals: []string{"b@x"}}}},
		{name: "leading blanks and tabs", lines: []string{"  a@x\t \tKEY:ed25519"},
			want: []AllowedSigner{{Principals: []string{"a@x"}}}},
		{name: "pattern list", lines: []string{"*@example.com,!evil@example.com,?b@x KEY:rsa"},
			want: []AllowedSigner{{Principals: []string{"*@example.com", "!evil@example.com", "?b@x"}}}},
		{name: "quoted principals", lines: []string{`"a@x,b@x" KEY:ed25519`},
			want: []AllowedSigner{{Principals: []string{"a@x", "b@x"}}}},
		{name: "namespaces", lines: []string{`a@x namespaces="agentcheck,git" KEY:ed25519`},
			want: []AllowedSigner{{Principals: []string{"a@x"}, Namespaces: []string{"agentcheck", "git"}}}},
		{name: "option names are case-insensitive", lines: []string{`a@x NameSpaces="agentcheck" KEY:ed25519`},
			want: []AllowedSigner{{Principals: []string{"a@x"}, Namespaces: []string{"agentcheck"}}}},
		{name: "validity", lines: []string{`a@x valid-after="20240102Z",valid-before="20250607080910Z" KEY:ed25519`},
			want: []AllowedSigner{{Principals: []string{"a@x"}, ValidAfter: utc("20240102000000"), ValidBefore: utc("20250607080910")}}},
		{name: "validity HHMM and UTC suffix", lines: []string{`a@x valid-after="202401020304utc" KEY:ed25519`},
			want: []AllowedSigner{{Principals: []string{"a@x"}, ValidAfter: utc("20240102030400")}}},
		{name: "all options", lines: []string{`a@x namespaces="agent*",valid-before="20300101Z",valid-after="20200101Z" KEY:ecdsa c`},
			want: []AllowedSigner{{Principals: []string{"a@x"}, Namespaces: []string{"agent*"}, ValidAfter: utc("20200101000000"), ValidBefore: utc("20300101000000"), Comment: "c"}}},
		{name: "quoted blank in options", lines: []string{`a@x namespaces="a b" KEY:ed25519`}, err: "contains a blank"},

		{name: "cert-authority", lines: []string{"", `*@example.com cert-authority KEY:ed25519`},
			err: "allowed_signers:2: cert-authority entries are not supported; list the signing keys themselves"},
		{name: "cert-authority upper case", lines: []string{`*@x namespaces="agentcheck",CERT-AUTHORITY KEY:ed25519`}, err: "cert-authority entries are not supported"},
		{name: "missing key", lines: []string{"a@x"}, err: "allowed_signers:1: missing key"},
		{name: "options without key", lines: []string{`a@x namespaces="git"`}, err: "missing key"},
		{name: "unquoted option value", lines: []string{"a@x valid-after=20240101 KEY:ed25519"}, err: "double-quoted"},
		{name: "unknown option", lines: []string{`a@x no-touch-required KEY:ed25519`}, err: `unknown option or key type "no-touch-required"`},
		{name: "unknown option with value", lines: []string{`a@x foo="bar" KEY:ed25519`}, err: `unknown option "foo"`},
		{name: "duplicate option", lines: []string{`a@x namespaces="a",namespaces="b" KEY:ed25519`}, err: "multiple"},
		{name: "trailing comma", lines: []string{`a@x namespaces="a", KEY:ed25519`}, err: "comma"},
		{name: "unterminated quote in options", lines: []string{`a@x namespaces="a KEY:ed25519`}, err: "unterminated"},
		{name: "unterminated quoted principals", lines: []string{`"a@x KEY:ed25519`}, err: "unterminated"},
		{name: "stray quote", lines: []string{`a"b@x KEY:ed25519`}, err: "stray quote"},
		{name: "empty principal", lines: []string{`a@x,,b@x KEY:ed25519`}, err: "empty principal pattern"},
		{name: "empty quoted principals", lines: []string{`"" KEY:ed25519`}, err: "empty principal list"},
		{name: "lone negation", lines: []string{`a@x,! KEY:ed25519`}, err: "empty principal pattern"},
		{name: "empty namespaces", lines: []string{`a@x namespaces="" KEY:ed25519`}, err: "empty namespace list"},
		{name: "control character", lines: []string{"a@x\rb@x KEY:ed25519"}, err: "control character"},
		{name: "long pattern", lines: []string{strings.Repeat("a", 1024) + " KEY:ed25519"}, err: "longer than"},
		{name: "bad time", lines: []string{`a@x valid-after="2024-01-01" KEY:ed25519`}, err: "not YYYYMMDD"},
		{name: "bad month", lines: []string{`a@x valid-after="20241301" KEY:ed25519`}, err: "out of range"},
		{name: "sign in time", lines: []string{`a@x valid-after="+2024101" KEY:ed25519`}, err: "not YYYYMMDD"},
		{name: "epoch", lines: []string{`a@x valid-after="19700101Z" KEY:ed25519`}, err: "after 1970"},
		{name: "before not after after", lines: []string{`a@x valid-after="20240101Z",valid-before="20240101Z" KEY:ed25519`}, err: `"valid-before" is not after "valid-after"`},
		{name: "bad base64", lines: []string{"a@x ssh-ed25519 !!!!"}, err: "invalid base64"},
		{name: "missing base64", lines: []string{"a@x ssh-ed25519"}, err: "invalid base64"},
		{name: "type mismatch", lines: []string{"a@x ecdsa-sha2-nistp256 " + strings.Fields(signersText(t, "KEY:ed25519"))[1]}, err: "key is ssh-ed25519 but the line says ecdsa-sha2-nistp256"},
		{name: "dsa", lines: []string{"a@x ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4Ed"}, err: `unsupported key type "ssh-dss"`},
		{name: "certificate", lines: []string{"a@x ssh-ed25519-cert-v01@openssh.com AAAA"}, err: "certificate keys"},
		{name: "error names the line", lines: []string{"a@x KEY:ed25519", "# c", "b@x ssh-ed25519 AAAA"}, err: "allowed_signers:3: invalid ssh-ed25519 key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAllowedSigners([]byte(signersText(t, tc.lines...)), "allowed_signers")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseAllowedSigners error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			opt := cmp.Options{
				cmp.FilterPath(func(p cmp.Path) bool {
					return p.Last().String() == ".Key" || p.Last().String() == ".Line"
				}, cmp.Ignore()),
				cmp.Comparer(func(x, y time.Time) bool { return x.Equal(y) }),
			}
			if diff := cmp.Diff(tc.want, a.Entries, opt); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			// What Marshal writes parses back to the same entries.
			b, err := ParseAllowedSigners(a.Marshal(), "marshaled")
			if err != nil {
				t.Fatalf("reparsing %q: %v", a.Marshal(), err)
			}
			assertSameEntries(t, a, b)
		})
	}
}

func TestParseSignerTimeLocal(t *testing.T) {
	got, err := parseSignerTime("20240102030405")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.Local); !got.Equal(want) {
		t.Errorf("got %v, want %v (local time)", got, want)
	}
}

func assertSameEntries(t *testing.T, a, b *AllowedSigners) {
	t.Helper()
	opt := cmp.Options{
		cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Line" }, cmp.Ignore()),
		cmp.Comparer(func(x, y time.Time) bool { return x.Equal(y) }),
		cmp.Comparer(func(x, y ssh.PublicKey) bool { return sameKey(x, y) }),
	}
	if diff := cmp.Diff(a.Entries, b.Entries, opt); diff != "" {
		t.Errorf("round trip (-before +after):\n%s", diff)
	}
}

func TestAllowed(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	ed := testSigner(t, "ed25519").PublicKey()
	tests := []struct {
		name      string
		lines     []string
		ns        string
		principal string
		at        time.Time
		want      bool
	}{
		{"exact", []string{"a@x KEY:ed25519"}, "agentcheck", "a@x", at, true},
		{"other principal", []string{"a@x KEY:ed25519"}, "agentcheck", "b@x", at, false},
		{"case-sensitive", []string{"a@x KEY:ed25519"}, "agentcheck", "A@x", at, false},
		{"other key", []string{"a@x KEY:ecdsa"}, "agentcheck", "a@x", at, false},
		{"wildcard", []string{"*@x KEY:ed25519"}, "agentcheck", "anyone@x", at, true},
		{"wildcard is not a suffix match", []string{"*@x KEY:ed25519"}, "agentcheck", "a@x.evil", at, false},
		{"question mark", []string{"?@x KEY:ed25519"}, "agentcheck", "a@x", at, true},
		{"question mark is one byte", []string{"?@x KEY:ed25519"}, "agentcheck", "ab@x", at, false},
		{"negation wins", []string{"*@x,!evil@x KEY:ed25519"}, "agentcheck", "evil@x", at, false},
		{"negation first", []string{"!evil@x,*@x KEY:ed25519"}, "agentcheck", "evil@x", at, false},
		{"negation spares others", []string{"*@x,!evil@x KEY:ed25519"}, "agentcheck", "good@x", at, true},
		{"only negation", []string{"!evil@x KEY:ed25519"}, "agentcheck", "good@x", at, false},
		{"negation is per line", []string{"!evil@x,*@x KEY:ed25519", "evil@x KEY:ed25519"}, "agentcheck", "evil@x", at, true},
		{"namespace listed", []string{`a@x namespaces="git,agentcheck" KEY:ed25519`}, "agentcheck", "a@x", at, true},
		{"namespace not listed", []string{`a@x namespaces="git" KEY:ed25519`}, "agentcheck", "a@x", at, false},
		{"namespace pattern", []string{`a@x namespaces="agent*" KEY:ed25519`}, "agentcheck", "a@x", at, true},
		{"namespace negated", []string{`a@x namespaces="*,!agentcheck" KEY:ed25519`}, "agentcheck", "a@x", at, false},
		{"second line allows", []string{`a@x namespaces="git" KEY:ed25519`, "a@x KEY:ed25519"}, "agentcheck", "a@x", at, true},
		{"not yet valid", []string{`a@x valid-after="20250601120001Z" KEY:ed25519`}, "agentcheck", "a@x", at, false},
		{"valid-after inclusive", []string{`a@x valid-after="20250601120000Z" KEY:ed25519`}, "agentcheck", "a@x", at, true},
		{"expired", []string{`a@x valid-before="20250601115959Z" KEY:ed25519`}, "agentcheck", "a@x", at, false},
		{"valid-before inclusive", []string{`a@x valid-before="20250601120000Z" KEY:ed25519`}, "agentcheck", "a@x", at, true},
		{"within window", []string{`a@x valid-after="20250101Z",valid-before="20260101Z" KEY:ed25519`}, "agentcheck", "a@x", at, true},
		{"sub-second time", []string{`a@x valid-before="20250601120000Z" KEY:ed25519`}, "agentcheck", "a@x", at.Add(500 * time.Millisecond), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := signersFile(t, tc.lines...)
			if got := a.Allowed(ed, tc.ns, tc.principal, tc.at); got != tc.want {
				t.Errorf("Allowed = %v, want %v", got, tc.want)
			}
		})
	}
	var none *AllowedSigners
	if none.Allowed(ed, "agentcheck", "a@x", at) || len(none.Principals(ed, "agentcheck", at)) != 0 {
		t.Error("a nil *AllowedSigners trusts a key")
	}
}

func TestPrincipals(t *testing.T) {
	a := signersFile(t,
		"a@x,!b@x KEY:ed25519",
		`c@x namespaces="git" KEY:ed25519`,
		"d@x KEY:ecdsa",
		`*@y valid-before="20200101Z" KEY:ed25519`,
		`e@x namespaces="agentcheck" KEY:ed25519`,
	)
	got := a.Principals(testSigner(t, "ed25519").PublicKey(), "agentcheck", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if diff := cmp.Diff([]string{"a@x,!b@x", "e@x"}, got); diff != "" {
		t.Errorf("Principals (-want +got):\n%s", diff)
	}
}

// opensshMatchPattern is a transliteration of OpenSSH's recursive
// match_pattern (match.c), the reference for matchPattern.
func opensshMatchPattern(s, p string) bool {
	for {
		if p == "" {
			return s == ""
		}
		if p[0] == '*' {
			for p != "" && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for ; s != ""; s = s[1:] {
				if opensshMatchPattern(s, p) {
					return true
				}
			}
			return false
		}
		if s == "" || (p[0] != '?' && p[0] != s[0]) {
			return false
		}
		s, p = s[1:], p[1:]
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		s, p string
		want bool
	}{
		{"", "", true},
		{"a", "", false},
		{"", "*", true},
		{"", "?", false},
		{"abc", "abc", true},
		{"abc", "a*", true},
		{"abc", "*c", true},
		{"abc", "*b*", true},
		{"abc", "a?c", true},
		{"abc", "a??c", false},
		{"a@example.com", "*@example.com", true},
		{"a@example.com.evil", "*@example.com", false},
		{"aaa", "a*a*a", true},
		{"aa", "a*a*a", false},
		{"x*y", "x\\*y", false}, // no escapes
	}
	for _, tc := range tests {
		if got := matchPattern(tc.s, tc.p); got != tc.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
	}
	// Differential test against the reference on random short strings.
	r := rand.New(rand.NewPCG(1, 2))
	gen := func(alphabet string) string {
		b := make([]byte, r.IntN(7))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		s, p := gen("ab"), gen("ab*?")
		if got, want := matchPattern(s, p), opensshMatchPattern(s, p); got != want {
			t.Fatalf("matchPattern(%q, %q) = %v, OpenSSH says %v", s, p, got, want)
		}
	}
	// Many stars against a long non-matching string stay fast.
	start := time.Now()
	matchPattern(strings.Repeat("a", 4000), strings.Repeat("*a", 30)+"b")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("pathological pattern took %v", d)
	}
}

func TestMatchPatternList(t *testing.T) {
	tests := []struct {
		s, list string
		want    int
	}{
		{"a", "a", 1},
		{"a", "b", 0},
		{"a", "b,a", 1},
		{"a", "!a", -1},
		{"a", "*,!a", -1},
		{"a", "!b", 0},
		{"!a", "!!a", -1}, // a leading "!" negates; the rest is the pattern
	}
	for _, tc := range tests {
		if got := matchPatternList(tc.s, strings.Split(tc.list, ",")); got != tc.want {
			t.Errorf("matchPatternList(%q, %q) = %d, want %d", tc.s, tc.list, got, tc.want)
		}
	}
}

func FuzzParseAllowedSigners(f *testing.F) {
	f.Add([]byte(signersText(f,
		"# team",
		"a@example.com,!b@example.com KEY:ed25519 laptop",
		`"*@example.com" namespaces="agentcheck,git",valid-after="20240101Z",valid-before="202601010000" KEY:ecdsa`,
		`c@x valid-after="20240101123456UTC" KEY:rsa`,
	)))
	f.Add([]byte(signersText(f, `*@x cert-authority KEY:ed25519`)))
	f.Add([]byte(`a@x namespaces="a\"b" ssh-ed25519 AAAA`))
	f.Add([]byte("\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAllowedSigners(data, "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error %q does not name the file and line", err)
			}
			return
		}
		out := a.Marshal()
		b, err := ParseAllowedSigners(out, "marshaled")
		if err != nil {
			t.Fatalf("reparsing %q: %v", out, err)
		}
		assertSameEntries(t, a, b)
		for _, e := range a.Entries {
			// Decisions must not panic on anything parsed.
			a.Allowed(e.Key, "agentcheck", "a@example.com", time.Unix(1700000000, 0))
		}
	})
}

func TestSignerErrorsAreNotSentinels(t *testing.T) {
	// A bad allowed_signers file is a configuration error of the verifier,
	// not a malformed manifest: it must not read as AC009.
	_, err := ParseAllowedSigners([]byte("a@x"), "f")
	if errors.Is(err, ErrMalformed) {
		t.Error("allowed_signers errors wrap ErrMalformed")
	}
}

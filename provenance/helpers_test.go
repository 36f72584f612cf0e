package provenance

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// Test keys are made once per test binary: RSA generation is slow under the
// race detector.
var testKeys = sync.OnceValue(func() map[string]crypto.Signer {
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	must(err)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	rs, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	_, ed2, err := ed25519.GenerateKey(rand.Reader)
	must(err)
	return map[string]crypto.Signer{"ed25519": ed, "ecdsa": ec, "rsa": rs, "ed25519-b": ed2}
})

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// testSigner returns the ssh.Signer of a named test key.
func testSigner(t testing.TB, name string) ssh.Signer {
	t.Helper()
	s, err := ssh.NewSignerFromKey(testKeys()[name])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writePrivateKey writes a named test key in OpenSSH format, mode 0600.
func writePrivateKey(t testing.TB, dir, name string) string {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(testKeys()[name], "test "+name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	commitA = "1111111111111111111111111111111111111111"
	commitB = "2222222222222222222222222222222222222222"
)

// testStatement is a minimal valid statement about commit.
func testStatement(commit string) *Statement {
	return &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: "commit", Digest: map[string]string{"gitCommit": commit}}},
		PredicateType: SessionPredicateType,
		Predicate:     json.RawMessage(`{"agent":{"name":"claude-code"},"task":{"prompts":[{"text":"fix <b> & \"c\""}]}}`),
	}
}

// signersFile builds an allowed_signers file: each line's "KEY" is replaced
// by the named key's public key.
func signersFile(t testing.TB, lines ...string) *AllowedSigners {
	t.Helper()
	a, err := ParseAllowedSigners([]byte(signersText(t, lines...)), "allowed_signers")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func signersText(t testing.TB, lines ...string) string {
	t.Helper()
	var out []string
	for _, l := range lines {
		for _, name := range []string{"ed25519-b", "ed25519", "ecdsa", "rsa"} {
			key := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(testSigner(t, name).PublicKey())), "\n")
			l = strings.ReplaceAll(l, "KEY:"+name, key)
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

func env(vars ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) string { return m[k] }
}

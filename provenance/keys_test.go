package provenance

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestGenerateKey(t *testing.T) {
	dir := t.TempDir()
	priv := filepath.Join(dir, "new", "agentcheck_ed25519")
	pub, err := GenerateKey(priv, "dev@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if pub.Type() != ssh.KeyAlgoED25519 {
		t.Errorf("key type %s", pub.Type())
	}
	for path, mode := range map[string]os.FileMode{filepath.Dir(priv): 0o700 | os.ModeDir, priv: 0o600, priv + ".pub": 0o644} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", path, info.Mode(), mode)
		}
	}
	pubText, err := os.ReadFile(priv + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if want := authorizedKey(pub, "dev@example.com") + "\n"; string(pubText) != want {
		t.Errorf(".pub = %q, want %q", pubText, want)
	}
	signer, err := LoadSigner(priv, env())
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(signer.PublicKey(), pub) {
		t.Error("the key does not load back")
	}

	// Never overwrite: not the private key, not a lone public key.
	if _, err := GenerateKey(priv, "again"); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second GenerateKey = %v, want a refusal", err)
	}
	lonePub := filepath.Join(dir, "lone")
	if err := os.WriteFile(lonePub+".pub", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateKey(lonePub, ""); err == nil {
		t.Error("GenerateKey overwrote an existing .pub")
	}
	if _, err := os.Stat(lonePub); !errors.Is(err, os.ErrNotExist) {
		t.Error("GenerateKey left a private key behind after refusing")
	}
	again, err := LoadSigner(priv, env())
	if err != nil || !sameKey(again.PublicKey(), pub) {
		t.Error("the refused GenerateKey changed the key")
	}
}

func TestAllowedSignersLine(t *testing.T) {
	pub := testSigner(t, "ed25519").PublicKey()
	line := AllowedSignersLine("dev@example.com", pub)
	want := `dev@example.com namespaces="agentcheck" ` + authorizedKey(pub, "")
	if line != want {
		t.Errorf("line = %q, want %q", line, want)
	}
	a, err := ParseAllowedSigners([]byte(line), "x")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Allowed(pub, SignatureNamespace, "dev@example.com", verifyTime) || a.Allowed(pub, "git", "dev@example.com", verifyTime) {
		t.Error("the line does not trust the key for agentcheck only")
	}
}

func TestDefaultKeyPath(t *testing.T) {
	tests := []struct {
		env  func(string) string
		want string
	}{
		{env("HOME", "/home/u"), "/home/u/.config/agentcheck/agentcheck_ed25519"},
		{env("HOME", "/home/u", "AGENTCHECK_HOME", "/etc/ac"), "/etc/ac/agentcheck_ed25519"},
		{env(), ""},
	}
	for _, tc := range tests {
		if got := DefaultKeyPath(tc.env); got != tc.want {
			t.Errorf("DefaultKeyPath = %q, want %q", got, tc.want)
		}
	}
}

func TestResolveSigningKey(t *testing.T) {
	git := func(kv ...string) func(string) string { return env(kv...) }
	tests := []struct {
		name         string
		flag         string
		env          func(string) string
		git          func(string) string
		spec, source string
		err          bool
	}{
		{"flag wins", "/k/flag", env("AGENTCHECK_SIGNING_KEY", "/k/env", "HOME", "/h"), git("agentcheck.signingKey", "/k/git"), "/k/flag", "--key flag", false},
		{"env", "", env("AGENTCHECK_SIGNING_KEY", "/k/env", "HOME", "/h"), git("agentcheck.signingKey", "/k/git"), "/k/env", "$AGENTCHECK_SIGNING_KEY", false},
		{"agentcheck.signingKey", "", env("HOME", "/h"), git("agentcheck.signingKey", "/k/git", "gpg.format", "ssh", "user.signingkey", "/k/user"), "/k/git", "git config agentcheck.signingKey", false},
		{"user.signingkey with ssh", "", env("HOME", "/h"), git("gpg.format", "ssh", "user.signingkey", "key::ssh-ed25519 AAAA"), "key::ssh-ed25519 AAAA", "git config user.signingkey (gpg.format=ssh)", false},
		{"user.signingkey with openpgp", "", env("HOME", "/h"), git("user.signingkey", "ABCDEF01"), "/h/.config/agentcheck/agentcheck_ed25519", "default key path", false},
		{"nil git config", "", env("AGENTCHECK_HOME", "/ac"), nil, "/ac/agentcheck_ed25519", "default key path", false},
		{"nothing at all", "", env(), git(), "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec, source, err := ResolveSigningKey(tc.flag, tc.env, tc.git)
			if (err != nil) != tc.err || spec != tc.spec || source != tc.source {
				t.Errorf("ResolveSigningKey = %q, %q, %v; want %q, %q, error %v", spec, source, err, tc.spec, tc.source, tc.err)
			}
		})
	}
}

func TestLoadSigner(t *testing.T) {
	dir := t.TempDir()
	edPath := writePrivateKey(t, dir, "ed25519")
	rsaPath := writePrivateKey(t, dir, "rsa")
	open := filepath.Join(dir, "open")
	data, _ := os.ReadFile(edPath)
	if err := os.WriteFile(open, data, 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pubPath := filepath.Join(dir, "ed25519.pub")
	edPub := testSigner(t, "ed25519").PublicKey()
	if err := os.WriteFile(pubPath, ssh.MarshalAuthorizedKey(edPub), 0o644); err != nil {
		t.Fatal(err)
	}
	skPath := filepath.Join(dir, "id_ed25519_sk")
	if err := os.WriteFile(skPath, []byte("a key handle x/crypto cannot parse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	skPub := newSKEd25519(t).pub
	if err := os.WriteFile(skPath+".pub", ssh.MarshalAuthorizedKey(skPub), 0o644); err != nil {
		t.Fatal(err)
	}
	literal := authorizedKey(edPub, "")
	fp := ssh.FingerprintSHA256(edPub)

	tests := []struct {
		name, spec string
		env        func(string) string
		key        string // the named test key the signer must hold
		err        string // substring of the error
	}{
		{name: "private key", spec: edPath, env: env(), key: "ed25519"},
		{name: "rsa private key", spec: rsaPath, env: env(), key: "rsa"},
		{name: "tilde", spec: "~/ed25519", env: env("HOME", dir), key: "ed25519"},
		{name: "blanks around", spec: " " + edPath + "\n", env: env(), key: "ed25519"},
		{name: "tilde without HOME", spec: "~/ed25519", env: env(), err: "HOME is unset"},
		{name: "missing file", spec: filepath.Join(dir, "nope"), env: env(), err: "no such file"},
		{name: "too open", spec: open, env: env(), err: "permissions 0644"},
		{name: "garbage", spec: garbage, env: env(), err: "loading signing key"},
		{name: "empty", spec: "", env: env(), err: "empty key spec"},
		{name: "pub path without agent", spec: pubPath, env: env(), err: "no ssh-agent to sign with key " + fp},
		{name: "literal without agent", spec: literal, env: env(), err: "no ssh-agent to sign with key " + fp},
		{name: "key:: literal without agent", spec: "key::" + literal, env: env(), err: "SSH_AUTH_SOCK is not set"},
		{name: "bad literal", spec: "key::ssh-ed25519 AAAA", env: env(), err: "literal public key"},
		{name: "security key without agent", spec: skPath, env: env(), err: "security key " + skPath + " (" + ssh.FingerprintSHA256(skPub) + ") signs only through ssh-agent"},
		{name: "dead agent", spec: pubPath, env: env("SSH_AUTH_SOCK", filepath.Join(dir, "no.sock")), err: "asking ssh-agent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadSigner(tc.spec, tc.env)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("LoadSigner = %v, want an error containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sameKey(s.PublicKey(), testSigner(t, tc.key).PublicKey()) {
				t.Error("wrong key")
			}
		})
	}
}

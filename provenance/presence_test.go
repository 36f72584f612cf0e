package provenance

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/agentcheck/agentcheck/internal/sktest"
)

// skKeys returns a software security key of each type with flags.
func skKeys(t *testing.T, flags byte) map[string]*sktest.Key {
	t.Helper()
	seed := sha256.Sum256([]byte("presence test key"))
	ed, err := sktest.NewEd25519(seed[:], flags)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := sktest.NewECDSA(rand.Reader, flags)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*sktest.Key{"ed25519-sk": ed, "ecdsa-sk": ec}
}

func TestCheckPresence(t *testing.T) {
	msg := []byte("payload")
	file := testSigner(t, "ed25519")
	fileSig := mustSign(t, file, msg)
	if err := CheckPresence(fileSig, PresenceAny); err != nil {
		t.Errorf("a file key under PresenceAny: %v", err)
	}
	if err := CheckPresence(fileSig, PresenceTouch); !errors.Is(err, ErrNoPresence) || !strings.Contains(err.Error(), "not a FIDO security key") {
		t.Errorf("a file key under PresenceTouch: %v", err)
	}
	tests := []struct {
		flags          byte
		touch, verify  bool
		cryptoAccepted bool // by golang.org/x/crypto/ssh, which refuses a signature without UP
	}{
		{flags: 0x00, cryptoAccepted: false},
		{flags: 0x04, cryptoAccepted: false},
		{flags: 0x01, touch: true, cryptoAccepted: true},
		{flags: 0x05, touch: true, verify: true, cryptoAccepted: true},
	}
	for _, tt := range tests {
		for name, key := range skKeys(t, tt.flags) {
			sig := mustSign(t, key, msg)
			flags, _, ok := sig.SecurityKeyFlags()
			if !ok || flags != tt.flags {
				t.Errorf("%s flags 0x%02x: read 0x%02x, %v", name, tt.flags, flags, ok)
			}
			if err := sig.Verify("test", msg); (err == nil) != tt.cryptoAccepted {
				t.Errorf("%s flags 0x%02x: Verify: %v", name, tt.flags, err)
			}
			if err := CheckPresence(sig, PresenceTouch); (err == nil) != tt.touch {
				t.Errorf("%s flags 0x%02x: PresenceTouch: %v", name, tt.flags, err)
			}
			if err := CheckPresence(sig, PresenceVerified); (err == nil) != tt.verify {
				t.Errorf("%s flags 0x%02x: PresenceVerified: %v", name, tt.flags, err)
			}
		}
	}
}

func mustSign(t *testing.T, signer ssh.Signer, msg []byte) *SSHSig {
	t.Helper()
	blob, err := SSHSign(signer, "test", msg)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := ParseSSHSig(blob)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// TestPresenceOpenSSH checks the software security key's signatures, with
// the user-presence flag set and unset, against ssh-keygen -Y verify. It
// shows that the signatures are what an authenticator makes (OpenSSH
// accepts them), and why the flags must be read here: ssh-keygen -Y verify
// (OpenSSH 9.2), and so git verify-commit, accepts a security-key signature
// without the user-presence flag, where golang.org/x/crypto/ssh refuses it.
func TestPresenceOpenSSH(t *testing.T) {
	requireOpenSSH(t)
	dir := t.TempDir()
	msg := []byte("a commit payload\n")
	msgFile := filepath.Join(dir, "msg")
	writeFile(t, msgFile, msg)
	for _, flags := range []byte{0x00, 0x01, 0x05} {
		for name, key := range skKeys(t, flags) {
			allowed := filepath.Join(dir, "allowed")
			writeFile(t, allowed, []byte("dev@example.com "+string(ssh.MarshalAuthorizedKey(key.PublicKey()))))
			blob, err := SSHSign(key, "git", msg)
			if err != nil {
				t.Fatal(err)
			}
			sigFile := filepath.Join(dir, "sig")
			writeFile(t, sigFile, ArmorSSHSig(blob))
			out, ok := run(t, msg, nil, "ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "dev@example.com", "-n", "git", "-s", sigFile)
			if !ok || !strings.Contains(out, `Good "git" signature for dev@example.com`) {
				t.Errorf("%s flags 0x%02x: ssh-keygen -Y verify refused the signature: %s", name, flags, out)
			}
			sig, err := ParseSSHSig(blob)
			if err != nil {
				t.Fatal(err)
			}
			if err := sig.Verify("git", msg); (err == nil) != (flags&FlagUserPresence != 0) {
				t.Errorf("%s flags 0x%02x: Verify: %v", name, flags, err)
			}
			if err := CheckPresence(sig, PresenceTouch); (err == nil) != (flags&FlagUserPresence != 0) {
				t.Errorf("%s flags 0x%02x: CheckPresence: %v", name, flags, err)
			}
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyCommitSignature checks the trust decisions on a commit's SSH
// signature: namespace, listing, committer, validity time and presence.
func TestVerifyCommitSignature(t *testing.T) {
	payload := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ncommitter Dev <dev@example.com> 1700000000 +0000\n\nm\n")
	at := time.Unix(1700000000, 0)
	file := testSigner(t, "ed25519")
	touch := skKeys(t, sktest.UserPresent)["ed25519-sk"]
	verified := skKeys(t, sktest.UserPresent|sktest.UserVerified)["ecdsa-sk"]
	line := func(principal, opts string, k ssh.PublicKey) string {
		return principal + " " + opts + string(ssh.MarshalAuthorizedKey(k))
	}
	signers, err := ParseAllowedSigners([]byte(
		line("dev@example.com", `namespaces="git" `, file.PublicKey())+
			line("dev@example.com", "", touch.PublicKey())+
			line("dev@example.com", `valid-before="20230101" `, verified.PublicKey())), "allowed_signers")
	if err != nil {
		t.Fatal(err)
	}
	agentOnly, err := ParseAllowedSigners([]byte(line("dev@example.com", `namespaces="agentcheck" `, file.PublicKey())), "allowed_signers")
	if err != nil {
		t.Fatal(err)
	}
	sign := func(s ssh.Signer, ns string, msg []byte) []byte {
		blob, err := SSHSign(s, ns, msg)
		if err != nil {
			t.Fatal(err)
		}
		return ArmorSSHSig(blob)
	}
	tests := []struct {
		name      string
		sig       []byte
		signers   *AllowedSigners
		committer string
		presence  Presence
		want      error
	}{
		{"file key", sign(file, "git", payload), signers, "dev@example.com", PresenceAny, nil},
		{"file key under presence", sign(file, "git", payload), signers, "dev@example.com", PresenceTouch, ErrNoPresence},
		{"security key touched", sign(touch, "git", payload), signers, "dev@example.com", PresenceTouch, nil},
		{"touched but not verified", sign(touch, "git", payload), signers, "dev@example.com", PresenceVerified, ErrNoPresence},
		{"another committer", sign(file, "git", payload), signers, "eve@example.com", PresenceAny, ErrPrincipalMismatch},
		{"no committer", sign(file, "git", payload), signers, "", PresenceAny, ErrPrincipalMismatch},
		{"manifest namespace", sign(file, SignatureNamespace, payload), signers, "dev@example.com", PresenceAny, ErrBadSignature},
		{"key listed for manifests only", sign(file, "git", payload), agentOnly, "dev@example.com", PresenceAny, ErrUntrustedKey},
		{"no signers file", sign(file, "git", payload), nil, "dev@example.com", PresenceAny, ErrUntrustedKey},
		{"expired key", sign(verified, "git", payload), signers, "dev@example.com", PresenceVerified, ErrUntrustedKey},
		{"altered payload", sign(file, "git", append([]byte("x"), payload...)), signers, "dev@example.com", PresenceAny, ErrBadSignature},
		{"OpenPGP", []byte("-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n"), signers, "dev@example.com", PresenceAny, ErrMalformed},
		{"garbage", []byte("not a signature"), signers, "dev@example.com", PresenceAny, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := VerifyCommitSignature(tt.sig, payload, CommitSignatureOptions{Signers: tt.signers, Committer: tt.committer, At: at, Presence: tt.presence})
			if tt.want == nil {
				if err != nil || v.Principal != tt.committer {
					t.Fatalf("VerifyCommitSignature: %v, %+v", err, v)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyCommitSignature: %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzVerifyCommitSignature feeds hostile gpgsig values: nothing panics,
// nothing verifies against a file that trusts no key, and what verifies
// against one that trusts a security key is by that key, with the
// user-presence flag.
func FuzzVerifyCommitSignature(f *testing.F) {
	payload := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nm\n")
	key := skKeysF(f)
	blob, err := SSHSign(key, "git", payload)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ArmorSSHSig(blob))
	f.Add([]byte("-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"))
	f.Add([]byte("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"))
	empty := &AllowedSigners{Name: "empty"}
	trusting, err := ParseAllowedSigners([]byte("dev@example.com "+string(ssh.MarshalAuthorizedKey(key.PublicKey()))), "allowed")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sig []byte) {
		for _, p := range []Presence{PresenceAny, PresenceTouch, PresenceVerified} {
			if v, err := VerifyCommitSignature(sig, payload, CommitSignatureOptions{Signers: empty, Committer: "dev@example.com", Presence: p}); err == nil {
				t.Fatalf("verified against an empty allowed_signers: %+v", v)
			}
		}
		v, err := VerifyCommitSignature(sig, payload, CommitSignatureOptions{Signers: trusting, Committer: "dev@example.com", Presence: PresenceTouch})
		if err == nil && !sameKey(v.Key, key.PublicKey()) {
			t.Fatalf("verified by another key: %+v", v)
		}
	})
}

// skKeysF is a touched software security key for fuzz seeds.
func skKeysF(f *testing.F) *sktest.Key {
	seed := sha256.Sum256([]byte("presence fuzz key"))
	k, err := sktest.NewEd25519(seed[:], sktest.UserPresent)
	if err != nil {
		f.Fatal(err)
	}
	return k
}

package provenance

// Interoperability with real OpenSSH: signatures cross-verify with
// ssh-keygen, allowed_signers decisions agree with `ssh-keygen -Y verify`, and
// encrypted keys sign through a real ssh-agent.

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func requireOpenSSH(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range append([]string{"ssh-keygen"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

// run runs an OpenSSH tool and returns its combined output and whether it
// exited 0.
func run(t *testing.T, stdin []byte, env []string, name string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out), err == nil
}

// sshKeygen makes a key of type keyType ("ed25519", "ecdsa", "rsa") with
// passphrase pass and returns its path.
func sshKeygen(t *testing.T, dir, keyType, pass string, extra ...string) string {
	t.Helper()
	path := filepath.Join(dir, keyType+"_key")
	args := append([]string{"-q", "-t", keyType, "-N", pass, "-C", "test", "-f", path}, extra...)
	if keyType == "ecdsa" {
		args = append(args, "-b", "256")
	}
	if out, ok := run(t, nil, nil, "ssh-keygen", args...); !ok {
		t.Fatalf("ssh-keygen: %s", out)
	}
	return path
}

func readPub(t *testing.T, path string) ssh.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func TestOpenSSHInterop(t *testing.T) {
	requireOpenSSH(t)
	for _, keyType := range []string{"ed25519", "ecdsa", "rsa"} {
		t.Run(keyType, func(t *testing.T) {
			dir := t.TempDir()
			key := sshKeygen(t, dir, keyType, "")
			pub := readPub(t, key+".pub")
			signers := filepath.Join(dir, "allowed_signers")
			if err := os.WriteFile(signers, []byte(AllowedSignersLine("dev@example.com", pub)+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			env, err := SignStatement(testStatement(commitA), mustLoad(t, key))
			if err != nil {
				t.Fatal(err)
			}
			payload, _ := base64.StdEncoding.DecodeString(env.Payload)
			pae := PAE(env.PayloadType, payload)

			t.Run("ours verifies with ssh-keygen", func(t *testing.T) {
				blob, _ := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
				sigPath := filepath.Join(dir, "ours.sig")
				if err := os.WriteFile(sigPath, ArmorSSHSig(blob), 0o644); err != nil {
					t.Fatal(err)
				}
				out, ok := run(t, pae, nil, "ssh-keygen", "-Y", "verify", "-f", signers, "-I", "dev@example.com", "-n", "agentcheck", "-s", sigPath)
				if !ok {
					t.Fatalf("ssh-keygen -Y verify: %s", out)
				}
				if out, ok := run(t, pae, nil, "ssh-keygen", "-Y", "verify", "-f", signers, "-I", "dev@example.com", "-n", "git", "-s", sigPath); ok {
					t.Errorf("ssh-keygen accepted our signature in namespace git: %s", out)
				}
				if out, ok := run(t, append(pae, 'x'), nil, "ssh-keygen", "-Y", "verify", "-f", signers, "-I", "dev@example.com", "-n", "agentcheck", "-s", sigPath); ok {
					t.Errorf("ssh-keygen accepted our signature over other bytes: %s", out)
				}
			})

			t.Run("ssh-keygen's verifies with ours", func(t *testing.T) {
				msg := filepath.Join(dir, "pae")
				if err := os.WriteFile(msg, pae, 0o644); err != nil {
					t.Fatal(err)
				}
				if out, ok := run(t, nil, nil, "ssh-keygen", "-Y", "sign", "-n", "agentcheck", "-f", key, msg); !ok {
					t.Fatalf("ssh-keygen -Y sign: %s", out)
				}
				armored, err := os.ReadFile(msg + ".sig")
				if err != nil {
					t.Fatal(err)
				}
				blob, err := UnarmorSSHSig(armored)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(ArmorSSHSig(blob), armored) {
					t.Errorf("ArmorSSHSig differs from ssh-keygen's armor:\n%s\n%s", ArmorSSHSig(blob), armored)
				}
				sig, err := ParseSSHSig(blob)
				if err != nil {
					t.Fatal(err)
				}
				if err := sig.Verify(SignatureNamespace, pae); err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if err := sig.Verify(SignatureNamespace, append(pae, 'x')); !errors.Is(err, ErrBadSignature) {
					t.Errorf("Verify over other bytes = %v", err)
				}
				// The whole manifest path: their signature in our envelope.
				theirs := *env
				theirs.Signatures = []Signature{{KeyID: "hint", Sig: base64.StdEncoding.EncodeToString(blob)}}
				a := mustParseSigners(t, signers)
				v, err := VerifyEnvelope(&theirs, VerifyOptions{Signers: a, Emails: []string{"dev@example.com"}, Commit: commitA})
				if err != nil {
					t.Fatalf("VerifyEnvelope: %v", err)
				}
				if v.Fingerprint != ssh.FingerprintSHA256(pub) {
					t.Errorf("fingerprint %s", v.Fingerprint)
				}
			})
		})
	}
}

func mustLoad(t *testing.T, spec string) ssh.Signer {
	t.Helper()
	s, err := LoadSigner(spec, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustParseSigners(t *testing.T, path string) *AllowedSigners {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAllowedSigners(data, path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAllowedSignersAgreeWithOpenSSH checks our allowed_signers decisions
// against `ssh-keygen -Y verify` on the same file, signature and time.
func TestAllowedSignersAgreeWithOpenSSH(t *testing.T) {
	requireOpenSSH(t)
	dir := t.TempDir()
	signer := testSigner(t, "ed25519")
	at := "20250601120000"
	atTime := time.Date(2025, 6, 1, 12, 0, 0, 0, time.Local) // ssh-keygen reads -Overify-time in local time
	atZ := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		lines     []string
		principal string
		ns        string
		at        string
		atTime    time.Time
	}{
		{"exact", []string{"dev@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"other principal", []string{"dev@x KEY:ed25519"}, "ops@x", "agentcheck", at, atTime},
		{"case differs", []string{"dev@x KEY:ed25519"}, "Dev@x", "agentcheck", at, atTime},
		{"other key", []string{"dev@x KEY:ecdsa"}, "dev@x", "agentcheck", at, atTime},
		{"star", []string{"*@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"star not suffix", []string{"*@x KEY:ed25519"}, "dev@x.evil", "agentcheck", at, atTime},
		{"question", []string{"de?@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"question one byte", []string{"d?@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"negated", []string{"*@x,!dev@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"negated first", []string{"!dev@x,*@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"negation spares others", []string{"*@x,!dev@x KEY:ed25519"}, "ops@x", "agentcheck", at, atTime},
		{"only negation", []string{"!dev@x KEY:ed25519"}, "ops@x", "agentcheck", at, atTime},
		{"negation per line", []string{"*@x,!dev@x KEY:ed25519", "dev@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"quoted principals", []string{`"ops@x,dev@x" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"comment", []string{"dev@x KEY:ed25519 my laptop"}, "dev@x", "agentcheck", at, atTime},
		{"namespace listed", []string{`dev@x namespaces="git,agentcheck" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"namespace not listed", []string{`dev@x namespaces="git" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"namespace pattern", []string{`dev@x namespaces="agent*" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"namespace negated", []string{`dev@x namespaces="*,!agentcheck" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"namespace option case", []string{`dev@x NAMESPACES="agentcheck" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"other signature namespace", []string{`dev@x namespaces="agentcheck" KEY:ed25519`}, "dev@x", "file", at, atTime},
		{"second line allows", []string{`dev@x namespaces="git" KEY:ed25519`, "dev@x KEY:ed25519"}, "dev@x", "agentcheck", at, atTime},
		{"valid after, local", []string{`dev@x valid-after="20250601" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"not yet valid, local", []string{`dev@x valid-after="202506011201" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"valid-after boundary", []string{`dev@x valid-after="20250601120000" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"valid-before boundary", []string{`dev@x valid-before="20250601120000" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"expired, local", []string{`dev@x valid-before="20250601115959" KEY:ed25519`}, "dev@x", "agentcheck", at, atTime},
		{"UTC valid", []string{`dev@x valid-after="20250601115959Z" KEY:ed25519`}, "dev@x", "agentcheck", at + "Z", atZ},
		{"UTC not yet", []string{`dev@x valid-after="20250601120001Z" KEY:ed25519`}, "dev@x", "agentcheck", at + "Z", atZ},
		{"UTC suffix", []string{`dev@x valid-before="202506011159utc" KEY:ed25519`}, "dev@x", "agentcheck", at + "Z", atZ},
		{"window", []string{`dev@x valid-after="20250101Z",valid-before="20260101Z" KEY:ed25519`}, "dev@x", "agentcheck", at + "Z", atZ},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := signersText(t, tc.lines...)
			path := filepath.Join(dir, "allowed_signers")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			msg := []byte("message for " + tc.name)
			blob, err := SSHSign(signer, tc.ns, msg)
			if err != nil {
				t.Fatal(err)
			}
			sigPath := filepath.Join(dir, "sig")
			if err := os.WriteFile(sigPath, ArmorSSHSig(blob), 0o644); err != nil {
				t.Fatal(err)
			}
			out, theirs := run(t, msg, nil, "ssh-keygen", "-Y", "verify", "-f", path, "-I", tc.principal,
				"-n", tc.ns, "-s", sigPath, "-Overify-time="+tc.at)
			a, err := ParseAllowedSigners([]byte(text), "allowed_signers")
			if err != nil {
				t.Fatal(err)
			}
			ours := a.Allowed(signer.PublicKey(), tc.ns, tc.principal, tc.atTime)
			if ours != theirs {
				t.Errorf("Allowed = %v, ssh-keygen says %v:\n%s\n%s", ours, theirs, text, out)
			}
		})
	}
}

// startAgent runs a real ssh-agent on a socket in a temporary directory for
// the test's duration and returns the socket path.
func startAgent(t *testing.T) string {
	t.Helper()
	requireOpenSSH(t, "ssh-agent", "ssh-add")
	dir, err := os.MkdirTemp("", "agent") // short: socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "sock")
	cmd := exec.Command("ssh-agent", "-a", sock, "-D")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			return sock
		}
		if time.Now().After(deadline) {
			t.Fatal("ssh-agent did not create its socket")
		}
	}
}

// sshAdd adds an encrypted key to the agent at sock, answering the
// passphrase prompt through SSH_ASKPASS as a desktop would.
func sshAdd(t *testing.T, sock, key, pass string) {
	t.Helper()
	askpass := filepath.Join(t.TempDir(), "askpass")
	script := fmt.Sprintf("#!/bin/sh\necho '%s'\n", pass)
	if err := os.WriteFile(askpass, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"SSH_AUTH_SOCK=" + sock, "SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=none"}
	if out, ok := run(t, nil, env, "ssh-add", key); !ok {
		t.Fatalf("ssh-add: %s", out)
	}
}

func TestLoadSignerAgent(t *testing.T) {
	sock := startAgent(t)
	dir := t.TempDir()
	withAgent := env("SSH_AUTH_SOCK", sock)
	noAgent := env()

	enc := sshKeygen(t, dir, "ed25519", "correct horse")
	pub := readPub(t, enc+".pub")
	fp := ssh.FingerprintSHA256(pub)

	// Before ssh-add: encrypted, and the agent does not hold it.
	_, err := LoadSigner(enc, withAgent)
	if !errors.Is(err, ErrEncryptedKey) || !strings.Contains(err.Error(), "ssh-add "+enc) || !strings.Contains(err.Error(), fp) {
		t.Fatalf("LoadSigner before ssh-add = %v, want ErrEncryptedKey naming %s and ssh-add", err, fp)
	}
	if _, err := LoadSigner(enc+".pub", withAgent); err == nil || !strings.Contains(err.Error(), "does not hold key "+fp) {
		t.Errorf("LoadSigner(.pub) before ssh-add = %v", err)
	}

	sshAdd(t, sock, enc, "correct horse")
	signers, err := ParseAllowedSigners([]byte(AllowedSignersLine("dev@example.com", pub)), "allowed_signers")
	if err != nil {
		t.Fatal(err)
	}
	for name, spec := range map[string]string{
		"encrypted private key": enc,
		"public key path":       enc + ".pub",
		"literal":               authorizedKey(pub, ""),
		"key:: literal":         "key::" + authorizedKey(pub, "c"),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := LoadSigner(spec, withAgent)
			if err != nil {
				t.Fatal(err)
			}
			env, err := SignStatement(testStatement(commitA), s)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyEnvelope(env, VerifyOptions{Signers: signers, Emails: []string{"dev@example.com"}, Commit: commitA}); err != nil {
				t.Errorf("VerifyEnvelope: %v", err)
			}
		})
	}
	// Without the agent the same key is refused with a typed error.
	if _, err := LoadSigner(enc, noAgent); !errors.Is(err, ErrEncryptedKey) {
		t.Errorf("LoadSigner without agent = %v, want ErrEncryptedKey", err)
	}
}

// TestLoadSignerAgentRSA covers an encrypted RSA key in the old PEM format,
// whose public half is only in the .pub file, and checks that the agent is
// asked for rsa-sha2-512.
func TestLoadSignerAgentRSA(t *testing.T) {
	sock := startAgent(t)
	dir := t.TempDir()
	enc := sshKeygen(t, dir, "rsa", "secret pw", "-m", "PEM", "-b", "2048")
	sshAdd(t, sock, enc, "secret pw")
	s, err := LoadSigner(enc, env("SSH_AUTH_SOCK", sock))
	if err != nil {
		t.Fatal(err)
	}
	blob, err := SSHSign(s, SignatureNamespace, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := ParseSSHSig(blob)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Signature.Format != ssh.KeyAlgoRSASHA512 {
		t.Errorf("agent signed with %s, want rsa-sha2-512", sig.Signature.Format)
	}
	if err := sig.Verify(SignatureNamespace, []byte("m")); err != nil {
		t.Error(err)
	}
	if err := os.Remove(enc + ".pub"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(enc, env("SSH_AUTH_SOCK", sock)); !errors.Is(err, ErrEncryptedKey) || !strings.Contains(err.Error(), "public key is unreadable") {
		t.Errorf("LoadSigner without .pub = %v, want ErrEncryptedKey", err)
	}
}

func TestGenerateKeyReadableByOpenSSH(t *testing.T) {
	requireOpenSSH(t)
	priv := filepath.Join(t.TempDir(), "k")
	pub, err := GenerateKey(priv, "dev@example.com")
	if err != nil {
		t.Fatal(err)
	}
	out, ok := run(t, nil, nil, "ssh-keygen", "-y", "-f", priv)
	if !ok {
		t.Fatalf("ssh-keygen -y: %s", out)
	}
	got, _, _, _, err := ssh.ParseAuthorizedKey([]byte(out))
	if err != nil || !sameKey(got, pub) {
		t.Errorf("ssh-keygen -y printed %q (%v)", out, err)
	}
}

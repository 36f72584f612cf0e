package provenance

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestSSHSignVerify(t *testing.T) {
	msg := []byte("the message")
	for _, name := range []string{"ed25519", "ecdsa", "rsa"} {
		t.Run(name, func(t *testing.T) {
			signer := testSigner(t, name)
			blob, err := SSHSign(signer, SignatureNamespace, msg)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := ParseSSHSig(blob)
			if err != nil {
				t.Fatal(err)
			}
			if !sameKey(sig.PublicKey, signer.PublicKey()) || sig.HashAlgorithm != "sha512" || sig.Namespace != SignatureNamespace {
				t.Errorf("parsed %+v", sig)
			}
			if name == "rsa" && sig.Signature.Format != ssh.KeyAlgoRSASHA512 {
				t.Errorf("RSA signature format %s, want rsa-sha2-512", sig.Signature.Format)
			}
			if err := sig.Verify(SignatureNamespace, msg); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if !bytes.Equal(sig.Marshal(), blob) {
				t.Error("Marshal does not round-trip")
			}
			for _, bad := range []struct {
				ns  string
				msg []byte
			}{
				{"git", msg},
				{"", msg},
				{SignatureNamespace, []byte("the messagf")},
			} {
				if err := sig.Verify(bad.ns, bad.msg); !errors.Is(err, ErrBadSignature) {
					t.Errorf("Verify(%q, %q) = %v, want ErrBadSignature", bad.ns, bad.msg, err)
				}
			}
		})
	}
}

// sha1OnlySigner is an RSA signer that cannot choose its algorithm, so it
// would sign with ssh-rsa (SHA-1).
type sha1OnlySigner struct{ s ssh.Signer }

func (s sha1OnlySigner) PublicKey() ssh.PublicKey { return s.s.PublicKey() }
func (s sha1OnlySigner) Sign(r io.Reader, data []byte) (*ssh.Signature, error) {
	return s.s.Sign(r, data)
}

func TestSSHSignRefusesSHA1(t *testing.T) {
	rsaSigner := testSigner(t, "rsa")
	if _, err := SSHSign(sha1OnlySigner{rsaSigner}, SignatureNamespace, []byte("m")); err == nil {
		t.Error("SSHSign with a signer that can only make ssh-rsa signatures succeeded")
	}
	restricted, err := ssh.NewSignerWithAlgorithms(rsaSigner.(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSASHA256})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SSHSign(restricted, SignatureNamespace, []byte("m")); err == nil {
		t.Error("SSHSign with a signer restricted to rsa-sha2-256 succeeded")
	}
	if _, err := SSHSign(rsaSigner, "", []byte("m")); err == nil {
		t.Error("SSHSign with an empty namespace succeeded")
	}
}

// TestVerifyRejectsSHA1 hand-builds a valid ssh-rsa (SHA-1) SSHSIG, which
// OpenSSH also refuses.
func TestVerifyRejectsSHA1(t *testing.T) {
	signer := testSigner(t, "rsa")
	msg := []byte("m")
	h := sha512.Sum512(msg)
	sig, err := signer.(ssh.AlgorithmSigner).SignWithAlgorithm(rand.Reader, signedData(SignatureNamespace, "sha512", h[:]), ssh.KeyAlgoRSA)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.PublicKey().Verify(signedData(SignatureNamespace, "sha512", h[:]), sig); err != nil {
		t.Fatalf("the SHA-1 signature itself is invalid: %v", err)
	}
	s := &SSHSig{PublicKey: signer.PublicKey(), Namespace: SignatureNamespace, HashAlgorithm: "sha512", Signature: sig}
	parsed, err := ParseSSHSig(s.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	err = parsed.Verify(SignatureNamespace, msg)
	if !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "ssh-rsa") {
		t.Errorf("Verify of an ssh-rsa signature = %v, want ErrBadSignature naming ssh-rsa", err)
	}
}

func TestVerifyRejectsSmallRSA(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := SSHSign(signer, SignatureNamespace, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := ParseSSHSig(blob)
	if err != nil {
		t.Fatal(err)
	}
	if err := sig.Verify(SignatureNamespace, []byte("m")); !errors.Is(err, ErrBadSignature) {
		t.Errorf("Verify with a 1024-bit RSA key = %v, want ErrBadSignature", err)
	}
}

func TestVerifySHA256Hash(t *testing.T) {
	// ssh-keygen can be told to hash with sha256 (-Ohashalg=sha256); such
	// signatures verify.
	signer := testSigner(t, "ed25519")
	msg := []byte("m")
	h := sha256.Sum256(msg)
	sig, err := signer.Sign(rand.Reader, signedData(SignatureNamespace, "sha256", h[:]))
	if err != nil {
		t.Fatal(err)
	}
	s := &SSHSig{PublicKey: signer.PublicKey(), Namespace: SignatureNamespace, HashAlgorithm: "sha256", Signature: sig}
	parsed, err := ParseSSHSig(s.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if err := parsed.Verify(SignatureNamespace, msg); err != nil {
		t.Error(err)
	}
	// The hash algorithm is signed: relabelling it breaks the signature.
	parsed.HashAlgorithm = "sha512"
	if err := parsed.Verify(SignatureNamespace, msg); !errors.Is(err, ErrBadSignature) {
		t.Errorf("relabelled hash: %v, want ErrBadSignature", err)
	}
}

// skEd25519 builds a sk-ssh-ed25519@openssh.com key and signs as a FIDO
// token would: over sha256(application) || flags || counter || sha256(data).
type skEd25519 struct {
	priv ed25519.PrivateKey
	pub  ssh.PublicKey
}

func newSKEd25519(t *testing.T) *skEd25519 {
	edPub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wire := ssh.Marshal(struct {
		Type, Key, App string
	}{ssh.KeyAlgoSKED25519, string(edPub), "ssh:"})
	pub, err := ssh.ParsePublicKey(wire)
	if err != nil {
		t.Fatal(err)
	}
	return &skEd25519{priv, pub}
}

func (k *skEd25519) sign(data []byte, flags byte) *ssh.Signature {
	app := sha256.Sum256([]byte("ssh:"))
	msg := sha256.Sum256(data)
	var signed []byte
	signed = append(signed, app[:]...)
	signed = append(signed, flags)
	signed = binary.BigEndian.AppendUint32(signed, 7)
	signed = append(signed, msg[:]...)
	rest := binary.BigEndian.AppendUint32([]byte{flags}, 7)
	return &ssh.Signature{Format: ssh.KeyAlgoSKED25519, Blob: ed25519.Sign(k.priv, signed), Rest: rest}
}

func TestVerifySecurityKey(t *testing.T) {
	k := newSKEd25519(t)
	msg := []byte("m")
	h := sha512.Sum512(msg)
	data := signedData(SignatureNamespace, "sha512", h[:])
	for _, tc := range []struct {
		name  string
		flags byte
		ok    bool
	}{
		{"user present", 0x01, true},
		{"no user presence", 0x00, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &SSHSig{PublicKey: k.pub, Namespace: SignatureNamespace, HashAlgorithm: "sha512", Signature: k.sign(data, tc.flags)}
			parsed, err := ParseSSHSig(s.Marshal())
			if err != nil {
				t.Fatal(err)
			}
			err = parsed.Verify(SignatureNamespace, msg)
			if tc.ok && err != nil || !tc.ok && !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// sshsigBlob assembles a blob from raw fields, for hostile-input tests.
func sshsigBlob(magic string, version uint32, fields ...[]byte) []byte {
	b := []byte(magic)
	b = binary.BigEndian.AppendUint32(b, version)
	for _, f := range fields {
		b = appendString(b, f)
	}
	return b
}

func TestParseSSHSig(t *testing.T) {
	signer := testSigner(t, "ed25519")
	good, err := SSHSign(signer, SignatureNamespace, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseSSHSig(good)
	if err != nil {
		t.Fatal(err)
	}
	key := signer.PublicKey().Marshal()
	sig := ssh.Marshal(g.Signature)
	ns := []byte(SignatureNamespace)
	skSig := ssh.Marshal(newSKEd25519(t).sign([]byte("x"), 1))
	certKey := (&ssh.Certificate{Key: signer.PublicKey(), CertType: ssh.UserCert, Signature: &ssh.Signature{Format: "ssh-ed25519", Blob: make([]byte, 64)}, SignatureKey: signer.PublicKey()}).Marshal()

	tests := []struct {
		name string
		blob []byte
		ok   bool
	}{
		{"good", good, true},
		{"good with reserved", sshsigBlob("SSHSIG", 1, key, ns, []byte("future"), []byte("sha512"), sig), true},
		{"good sha256", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("sha256"), sig), true},
		{"empty", nil, false},
		{"magic only", []byte("SSHSIG"), false},
		{"bad magic", sshsigBlob("SSHSIH", 1, key, ns, nil, []byte("sha512"), sig), false},
		{"version 0", sshsigBlob("SSHSIG", 0, key, ns, nil, []byte("sha512"), sig), false},
		{"version 2", sshsigBlob("SSHSIG", 2, key, ns, nil, []byte("sha512"), sig), false},
		{"sha1", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("sha1"), sig), false},
		{"SHA512 upper case", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("SHA512"), sig), false},
		{"missing signature", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("sha512")), false},
		{"trailing byte", append(bytes.Clone(good), 0), false},
		{"truncated", good[:len(good)-1], false},
		{"huge length", append([]byte("SSHSIG\x00\x00\x00\x01"), 0xff, 0xff, 0xff, 0xff), false},
		{"garbage key", sshsigBlob("SSHSIG", 1, []byte("junk"), ns, nil, []byte("sha512"), sig), false},
		{"certificate key", sshsigBlob("SSHSIG", 1, certKey, ns, nil, []byte("sha512"), sig), false},
		{"signature with trailing bytes", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("sha512"), append(bytes.Clone(sig), 1, 2, 3, 4, 5)), false},
		{"sk signature on plain key", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("sha512"), skSig), false},
		{"garbage signature", sshsigBlob("SSHSIG", 1, key, ns, nil, []byte("sha512"), []byte{0, 0, 0, 9}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSSHSig(tc.blob)
			if tc.ok {
				if err != nil {
					t.Fatalf("ParseSSHSig: %v", err)
				}
				if !bytes.Equal(s.Marshal(), tc.blob) {
					t.Error("Marshal does not round-trip")
				}
				return
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseSSHSig = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestArmor(t *testing.T) {
	for _, n := range []int{0, 1, 52, 53, 54, 105, 300} {
		blob := bytes.Repeat([]byte{0xa5}, n)
		armored := ArmorSSHSig(blob)
		for _, line := range strings.Split(strings.TrimSuffix(string(armored), "\n"), "\n") {
			if len(line) > 70 && !strings.HasPrefix(line, "-----") {
				t.Errorf("n=%d: line of %d columns", n, len(line))
			}
		}
		got, err := UnarmorSSHSig(armored)
		if err != nil || !bytes.Equal(got, blob) {
			t.Errorf("n=%d: UnarmorSSHSig = %x, %v", n, got, err)
		}
	}
	for _, bad := range []string{
		"",
		"-----BEGIN SSH SIGNATURE-----\nAAAA\n",
		"AAAA\n-----END SSH SIGNATURE-----\n",
		"-----BEGIN SSH SIGNATURE-----\nAA!A\n-----END SSH SIGNATURE-----\n",
		"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\ntrailer\n",
		"-----BEGIN SSH SIGNATURE-----\nAAB=\n-----END SSH SIGNATURE-----\n", // non-zero padding bits
	} {
		if _, err := UnarmorSSHSig([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("UnarmorSSHSig(%q) = %v, want ErrMalformed", bad, err)
		}
	}
	// Other line widths and CRLF inside the body are accepted.
	odd := "-----BEGIN SSH SIGNATURE-----\nAAEC\r\nAw==\r\n-----END SSH SIGNATURE-----"
	if got, err := UnarmorSSHSig([]byte(odd)); err != nil || !bytes.Equal(got, []byte{0, 1, 2, 3}) {
		t.Errorf("UnarmorSSHSig(%q) = %x, %v", odd, got, err)
	}
}

func FuzzParseSSHSig(f *testing.F) {
	for _, name := range []string{"ed25519", "ecdsa", "rsa"} {
		blob, err := SSHSign(testSigner(f, name), SignatureNamespace, []byte("m"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
	}
	f.Add([]byte("SSHSIG"))
	f.Add(sshsigBlob("SSHSIG", 1, nil, nil, nil, nil, nil))
	f.Fuzz(func(t *testing.T, blob []byte) {
		s, err := ParseSSHSig(blob)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if !bytes.Equal(s.Marshal(), blob) {
			t.Fatalf("Marshal does not round-trip")
		}
		// Verifying hostile input must fail cleanly, not panic.
		if err := s.Verify(SignatureNamespace, []byte("other")); err != nil && !errors.Is(err, ErrBadSignature) {
			t.Fatalf("Verify error %v does not wrap ErrBadSignature", err)
		}
		armored := ArmorSSHSig(blob)
		back, err := UnarmorSSHSig(armored)
		if err != nil || !bytes.Equal(back, blob) {
			t.Fatalf("armor round trip: %v", err)
		}
	})
}

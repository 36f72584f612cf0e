package provenance

// This file implements OpenSSH's SSHSIG format (PROTOCOL.sshsig in the OpenSSH
// sources), the format of `ssh-keygen -Y sign`. It is small enough to own,
// and owning it lets us be strict where it matters: a fixed set of key types,
// no SHA-1 RSA signatures, no certificates, no trailing bytes.
//
// The blob:
//
//	byte[6] "SSHSIG"
//	uint32  1 (version)
//	string  publickey
//	string  namespace
//	string  reserved
//	string  hash_algorithm
//	string  signature
//
// and the signed data:
//
//	byte[6] "SSHSIG"
//	string  namespace
//	string  reserved ("" — OpenSSH signs an empty one whatever the blob says)
//	string  hash_algorithm
//	string  H(message)

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/ssh"
)

// SignatureNamespace is the SSHSIG namespace of agentcheck's signatures. It
// keeps a manifest signature from being replayed as, say, a git commit
// signature (namespace "git") or a file signature, and the reverse.
const SignatureNamespace = "agentcheck"

const (
	sshsigMagic   = "SSHSIG"
	sshsigVersion = 1
	// hashSHA512 is what we sign with, as ssh-keygen does by default.
	hashSHA512 = "sha512"
	hashSHA256 = "sha256"
	// minRSABits rejects RSA keys that no longer resist factoring. OpenSSH
	// itself accepts 1024; a gate should not.
	minRSABits = 2048
)

// sigFormats maps each accepted key type to the signature formats accepted
// for it. ssh-rsa (RSA with SHA-1) is absent on purpose; so are DSA keys and
// certificates.
var sigFormats = map[string][]string{
	ssh.KeyAlgoED25519:    {ssh.KeyAlgoED25519},
	ssh.KeyAlgoECDSA256:   {ssh.KeyAlgoECDSA256},
	ssh.KeyAlgoECDSA384:   {ssh.KeyAlgoECDSA384},
	ssh.KeyAlgoECDSA521:   {ssh.KeyAlgoECDSA521},
	ssh.KeyAlgoRSA:        {ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256},
	ssh.KeyAlgoSKED25519:  {ssh.KeyAlgoSKED25519},
	ssh.KeyAlgoSKECDSA256: {ssh.KeyAlgoSKECDSA256},
}

// isSecurityKey reports whether a key type is a FIDO security key, whose
// signatures carry a flags byte and a counter after the signature blob.
func isSecurityKey(keyType string) bool {
	return keyType == ssh.KeyAlgoSKED25519 || keyType == ssh.KeyAlgoSKECDSA256
}

// SSHSig is a parsed SSHSIG signature.
type SSHSig struct {
	PublicKey     ssh.PublicKey
	Namespace     string
	Reserved      []byte // unused by OpenSSH; kept so that Marshal round-trips
	HashAlgorithm string // "sha256" or "sha512"
	Signature     *ssh.Signature

	rawKey []byte // the key as encoded in the blob
}

// SSHSign signs message in namespace and returns the raw SSHSIG blob. RSA keys
// sign with rsa-sha2-512; a signer that cannot is refused rather than let
// fall back to SHA-1.
func SSHSign(signer ssh.Signer, namespace string, message []byte) ([]byte, error) {
	if namespace == "" {
		return nil, errors.New("sshsig: empty namespace")
	}
	pub := signer.PublicKey()
	if _, ok := sigFormats[pub.Type()]; !ok {
		return nil, fmt.Errorf("sshsig: key type %s is not supported for signing", pub.Type())
	}
	h := sha512.Sum512(message)
	sig, err := signData(signer, signedData(namespace, hashSHA512, h[:]))
	if err != nil {
		return nil, fmt.Errorf("sshsig: signing with %s: %w", ssh.FingerprintSHA256(pub), err)
	}
	if !slices.Contains(sigFormats[pub.Type()], sig.Format) {
		return nil, fmt.Errorf("sshsig: signer for %s returned a %s signature", pub.Type(), sig.Format)
	}
	s := &SSHSig{
		PublicKey:     pub,
		Namespace:     namespace,
		HashAlgorithm: hashSHA512,
		Signature:     sig,
	}
	return s.Marshal(), nil
}

// signData signs with the algorithm SSHSIG wants for the key: the key's own
// for all types but RSA, rsa-sha2-512 for RSA.
func signData(signer ssh.Signer, data []byte) (*ssh.Signature, error) {
	if signer.PublicKey().Type() != ssh.KeyAlgoRSA {
		return signer.Sign(rand.Reader, data)
	}
	as, ok := signer.(ssh.AlgorithmSigner)
	if !ok {
		return nil, errors.New("RSA signer cannot choose rsa-sha2-512 and SHA-1 signatures are not accepted")
	}
	if ms, ok := signer.(ssh.MultiAlgorithmSigner); ok && !slices.Contains(ms.Algorithms(), ssh.KeyAlgoRSASHA512) {
		return nil, errors.New("RSA signer does not offer rsa-sha2-512")
	}
	return as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA512)
}

// signedData builds the bytes that the inner SSH signature covers.
func signedData(namespace, hashAlg string, digest []byte) []byte {
	var b []byte
	b = append(b, sshsigMagic...)
	b = appendString(b, []byte(namespace))
	b = appendString(b, nil) // reserved
	b = appendString(b, []byte(hashAlg))
	b = appendString(b, digest)
	return b
}

func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Marshal encodes s as a raw SSHSIG blob.
func (s *SSHSig) Marshal() []byte {
	key := s.rawKey
	if key == nil {
		key = s.PublicKey.Marshal()
	}
	var b []byte
	b = append(b, sshsigMagic...)
	b = binary.BigEndian.AppendUint32(b, sshsigVersion)
	b = appendString(b, key)
	b = appendString(b, []byte(s.Namespace))
	b = appendString(b, s.Reserved)
	b = appendString(b, []byte(s.HashAlgorithm))
	b = appendString(b, ssh.Marshal(s.Signature))
	return b
}

// ParseSSHSig parses a raw SSHSIG blob. The blob is untrusted: every length is
// checked, trailing bytes are refused, and only the key types and hash
// algorithms we verify are accepted. Errors wrap [ErrMalformed].
func ParseSSHSig(blob []byte) (*SSHSig, error) {
	s, err := parseSSHSig(blob)
	if err != nil {
		return nil, fmt.Errorf("%w: sshsig: %w", ErrMalformed, err)
	}
	return s, nil
}

func parseSSHSig(blob []byte) (*SSHSig, error) {
	r := reader{buf: blob}
	if magic := r.bytes(len(sshsigMagic)); string(magic) != sshsigMagic {
		return nil, errors.New("missing SSHSIG magic")
	}
	if v := r.uint32(); r.err == nil && v != sshsigVersion {
		return nil, fmt.Errorf("unsupported version %d", v)
	}
	rawKey, ns, reserved, hashAlg, rawSig := r.string(), r.string(), r.string(), r.string(), r.string()
	if r.err != nil {
		return nil, r.err
	}
	if len(r.buf) != 0 {
		return nil, fmt.Errorf("%d bytes of trailing data", len(r.buf))
	}
	if h := string(hashAlg); h != hashSHA256 && h != hashSHA512 {
		return nil, fmt.Errorf("unsupported hash algorithm %q", h)
	}
	pub, err := parseSigningKey(rawKey)
	if err != nil {
		return nil, err
	}
	sig, err := parseSignature(pub.Type(), rawSig)
	if err != nil {
		return nil, err
	}
	return &SSHSig{
		PublicKey:     pub,
		Namespace:     string(ns),
		Reserved:      bytes.Clone(reserved),
		HashAlgorithm: string(hashAlg),
		Signature:     sig,
		rawKey:        bytes.Clone(rawKey),
	}, nil
}

// parseSigningKey parses the public key of a signature and refuses key types
// we do not verify, certificates among them.
func parseSigningKey(raw []byte) (ssh.PublicKey, error) {
	pub, err := ssh.ParsePublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	if _, ok := sigFormats[pub.Type()]; !ok {
		return nil, fmt.Errorf("unsupported key type %s", pub.Type())
	}
	return pub, nil
}

// parseSignature parses the SSH signature inside the blob. Security-key
// signatures end with a flags byte and a 32-bit counter; any other trailing
// bytes are refused.
func parseSignature(keyType string, raw []byte) (*ssh.Signature, error) {
	sig := new(ssh.Signature)
	if err := ssh.Unmarshal(raw, sig); err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	want := 0
	if isSecurityKey(keyType) {
		want = 5
	}
	if len(sig.Rest) != want {
		return nil, fmt.Errorf("signature: %d trailing bytes for a %s key", len(sig.Rest), keyType)
	}
	if len(sig.Rest) == 0 {
		sig.Rest = nil // so that a parsed signature equals a fresh one
	}
	return sig, nil
}

// Verify checks that s is a valid signature of message in namespace by
// s.PublicKey. It says nothing about whether that key is trusted. Errors wrap
// [ErrBadSignature].
func (s *SSHSig) Verify(namespace string, message []byte) error {
	if err := s.verify(namespace, message); err != nil {
		return fmt.Errorf("%w: %s signature by %s: %w", ErrBadSignature,
			s.PublicKey.Type(), ssh.FingerprintSHA256(s.PublicKey), err)
	}
	return nil
}

func (s *SSHSig) verify(namespace string, message []byte) error {
	if namespace == "" || s.Namespace != namespace {
		return fmt.Errorf("namespace %q, want %q", s.Namespace, namespace)
	}
	formats, ok := sigFormats[s.PublicKey.Type()]
	if !ok {
		return fmt.Errorf("unsupported key type %s", s.PublicKey.Type())
	}
	if !slices.Contains(formats, s.Signature.Format) {
		return fmt.Errorf("signature format %s is not accepted for %s keys", s.Signature.Format, s.PublicKey.Type())
	}
	if err := checkKeyStrength(s.PublicKey); err != nil {
		return err
	}
	var digest []byte
	switch s.HashAlgorithm {
	case hashSHA512:
		h := sha512.Sum512(message)
		digest = h[:]
	case hashSHA256:
		h := sha256.Sum256(message)
		digest = h[:]
	default:
		return fmt.Errorf("unsupported hash algorithm %q", s.HashAlgorithm)
	}
	return s.PublicKey.Verify(signedData(namespace, s.HashAlgorithm, digest), s.Signature)
}

// sameKey compares keys by their wire encoding.
func sameKey(a, b ssh.PublicKey) bool {
	return a != nil && b != nil && bytes.Equal(a.Marshal(), b.Marshal())
}

// checkKeyStrength refuses RSA keys below minRSABits.
func checkKeyStrength(pub ssh.PublicKey) error {
	cpk, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return nil
	}
	if k, ok := cpk.CryptoPublicKey().(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return fmt.Errorf("RSA key of %d bits is too small (minimum %d)", k.N.BitLen(), minRSABits)
	}
	return nil
}

const (
	armorBegin = "-----BEGIN SSH SIGNATURE-----"
	armorEnd   = "-----END SSH SIGNATURE-----"
	armorWidth = 70 // ssh-keygen's line width
)

// ArmorSSHSig encodes a raw SSHSIG blob in the armored form ssh-keygen writes
// and reads.
func ArmorSSHSig(blob []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString(blob)
	var out bytes.Buffer
	out.WriteString(armorBegin + "\n")
	for len(b64) > armorWidth {
		out.WriteString(b64[:armorWidth] + "\n")
		b64 = b64[armorWidth:]
	}
	out.WriteString(b64 + "\n")
	out.WriteString(armorEnd + "\n")
	return out.Bytes()
}

// UnarmorSSHSig decodes an armored SSH signature to its raw blob. Like
// ssh-keygen it accepts any line width; only whitespace may follow the footer.
// Errors wrap [ErrMalformed].
func UnarmorSSHSig(armored []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(armored, []byte(armorBegin+"\n"))
	if !ok {
		return nil, fmt.Errorf("%w: sshsig armor: missing %s header", ErrMalformed, armorBegin)
	}
	body, tail, ok := bytes.Cut(rest, []byte(armorEnd))
	if !ok {
		return nil, fmt.Errorf("%w: sshsig armor: missing %s footer", ErrMalformed, armorEnd)
	}
	if len(bytes.TrimSpace(tail)) != 0 {
		return nil, fmt.Errorf("%w: sshsig armor: data after the footer", ErrMalformed)
	}
	b64 := bytes.Join(bytes.Fields(body), nil)
	blob := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	n, err := base64.StdEncoding.Strict().Decode(blob, b64)
	if err != nil {
		return nil, fmt.Errorf("%w: sshsig armor: %w", ErrMalformed, err)
	}
	return blob[:n], nil
}

// reader reads SSH wire encoding from an untrusted buffer. The first error
// sticks, so that a parser can read several fields and check once.
type reader struct {
	buf []byte
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.buf) {
		r.err = errors.New("truncated")
		return nil
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}

func (r *reader) uint32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

func (r *reader) string() []byte {
	n := r.uint32()
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(r.buf)) {
		r.err = fmt.Errorf("string of %d bytes exceeds the %d remaining", n, len(r.buf))
		return nil
	}
	return r.bytes(int(n))
}

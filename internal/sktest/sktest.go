// Package sktest is a software FIDO security key for tests: it signs as an
// authenticator behind sk-ssh-ed25519@openssh.com and
// sk-ecdsa-sha2-nistp256@openssh.com keys does, with the flags byte the
// test chooses, so that signatures with and without the user-presence and
// user-verification flags can be made where no hardware key is attached.
//
// An authenticator signs sha256(application) || flags || counter ||
// sha256(message) (OpenSSH PROTOCOL.u2f); the SSH signature carries the
// flags byte and the counter after the signature blob. Nothing here is a
// security key: the private key is in memory, and anyone holding it can
// set any flags. That is the point of the package and the reason it is
// internal.
package sktest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"

	"golang.org/x/crypto/ssh"
)

// The authenticator flags of a signature (OpenSSH sk-api.h).
const (
	UserPresent  byte = 0x01 // the user touched the key
	UserVerified byte = 0x04 // the key verified the user (PIN, biometrics)
)

// Application is the FIDO application of keys made by ssh-keygen by default.
const Application = "ssh:"

// Key is a software security key: an ssh.Signer whose signatures carry
// Flags and Counter.
type Key struct {
	Flags   byte
	Counter uint32

	pub  ssh.PublicKey
	sign func(msg []byte) (blob []byte, err error)
	typ  string
}

// NewEd25519 returns an sk-ssh-ed25519@openssh.com key derived from seed
// (32 bytes), so that tests get the same key every run.
func NewEd25519(seed []byte, flags byte) (*Key, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("sktest: seed of %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	wire := ssh.Marshal(struct {
		Type        string
		PubKey      []byte
		Application string
	}{ssh.KeyAlgoSKED25519, priv.Public().(ed25519.PublicKey), Application})
	pub, err := ssh.ParsePublicKey(wire)
	if err != nil {
		return nil, fmt.Errorf("sktest: %w", err)
	}
	sign := func(msg []byte) ([]byte, error) {
		return ed25519.Sign(priv, msg), nil
	}
	return &Key{Flags: flags, pub: pub, sign: sign, typ: ssh.KeyAlgoSKED25519}, nil
}

// NewECDSA returns an sk-ecdsa-sha2-nistp256@openssh.com key read from r.
func NewECDSA(r io.Reader, flags byte) (*Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), r)
	if err != nil {
		return nil, fmt.Errorf("sktest: %w", err)
	}
	point, err := priv.PublicKey.Bytes()
	if err != nil {
		return nil, fmt.Errorf("sktest: %w", err)
	}
	wire := ssh.Marshal(struct {
		Type        string
		Curve       string
		Point       []byte
		Application string
	}{ssh.KeyAlgoSKECDSA256, "nistp256", point, Application})
	pub, err := ssh.ParsePublicKey(wire)
	if err != nil {
		return nil, fmt.Errorf("sktest: %w", err)
	}
	sign := func(msg []byte) ([]byte, error) {
		digest := sha256.Sum256(msg)
		r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
		if err != nil {
			return nil, err
		}
		return ssh.Marshal(struct{ R, S *big.Int }{r, s}), nil
	}
	return &Key{Flags: flags, pub: pub, sign: sign, typ: ssh.KeyAlgoSKECDSA256}, nil
}

// PublicKey returns the key's public half.
func (k *Key) PublicKey() ssh.PublicKey { return k.pub }

// Sign signs data as the authenticator would, with k.Flags and k.Counter.
func (k *Key) Sign(_ io.Reader, data []byte) (*ssh.Signature, error) {
	app := sha256.Sum256([]byte(Application))
	msg := sha256.Sum256(data)
	var signed []byte
	signed = append(signed, app[:]...)
	signed = append(signed, k.Flags)
	signed = binary.BigEndian.AppendUint32(signed, k.Counter)
	signed = append(signed, msg[:]...)
	blob, err := k.sign(signed)
	if err != nil {
		return nil, fmt.Errorf("sktest: signing: %w", err)
	}
	rest := binary.BigEndian.AppendUint32([]byte{k.Flags}, k.Counter)
	return &ssh.Signature{Format: k.typ, Blob: blob, Rest: rest}, nil
}

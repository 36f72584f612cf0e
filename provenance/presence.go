package provenance

// # Presence
//
// A key in a file on disk signs for whoever can read the file: an agent
// that runs as the user signs with the user's key as easily as the user
// does. A FIDO security key (sk-ssh-ed25519@openssh.com,
// sk-ecdsa-sha2-nistp256@openssh.com) signs only when the authenticator
// does, and the authenticator says in the signed data whether a human
// touched it (user presence, UP) and whether it verified the human with a
// PIN or biometrics (user verification, UV): the signature covers
// sha256(application) || flags || counter || sha256(message), and the
// flags byte and the counter follow the signature blob.
//
// golang.org/x/crypto/ssh (v0.56) verifies that construction and refuses a
// signature without the UP flag, but does not look at UV, and earlier
// versions did not look at UP either. The flags are read here, from the
// signature itself, so that what the policy requires does not depend on
// the library's version.

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// The authenticator flags of a security-key signature (OpenSSH sk-api.h).
const (
	FlagUserPresence     byte = 0x01
	FlagUserVerification byte = 0x04
)

// Presence is what a signature must prove of the human behind it.
type Presence uint8

const (
	// PresenceAny accepts any trusted key, a file key included.
	PresenceAny Presence = iota
	// PresenceTouch requires a security key whose signature carries the
	// user-presence flag: someone touched the key.
	PresenceTouch
	// PresenceVerified also requires the user-verification flag: the key
	// checked a PIN or a biometric.
	PresenceVerified
)

// ErrNoPresence: the signature is valid and its key trusted, but it does
// not prove that a human was present as the policy requires (rule AC015).
var ErrNoPresence = errors.New("signature does not prove a human was present")

// IsSecurityKey reports whether key is a FIDO security key, whose
// signatures can prove presence.
func IsSecurityKey(key ssh.PublicKey) bool { return isSecurityKey(key.Type()) }

// SecurityKeyFlags returns the authenticator flags and counter of a
// security-key signature; ok is false for any other key type.
func (s *SSHSig) SecurityKeyFlags() (flags byte, counter uint32, ok bool) {
	if !isSecurityKey(s.PublicKey.Type()) || len(s.Signature.Rest) != 5 {
		return 0, 0, false
	}
	return s.Signature.Rest[0], binary.BigEndian.Uint32(s.Signature.Rest[1:]), true
}

// CheckPresence checks that s proves what want requires. It does not
// verify the signature: call it on a signature Verify accepted. Errors
// wrap ErrNoPresence.
func CheckPresence(s *SSHSig, want Presence) error {
	if want == PresenceAny {
		return nil
	}
	fp := ssh.FingerprintSHA256(s.PublicKey)
	flags, _, ok := s.SecurityKeyFlags()
	switch {
	case !ok:
		return fmt.Errorf("%w: key %s is a %s key, not a FIDO security key: a key on disk signs for any process that runs as the user, an agent included", ErrNoPresence, fp, s.PublicKey.Type())
	case flags&FlagUserPresence == 0:
		return fmt.Errorf("%w: the signature by security key %s has no user-presence flag (flags 0x%02x): the key signed without a touch", ErrNoPresence, fp, flags)
	case want == PresenceVerified && flags&FlagUserVerification == 0:
		return fmt.Errorf("%w: the signature by security key %s has no user-verification flag (flags 0x%02x): the key did not check a PIN or biometric", ErrNoPresence, fp, flags)
	}
	return nil
}

// presenceOfEncoded checks the presence of a DSSE signature that has been
// verified already.
func presenceOfEncoded(s Signature, want Presence) error {
	if want == PresenceAny {
		return nil
	}
	blob, err := decodeBase64(s.Sig)
	if err != nil {
		return fmt.Errorf("%w: sig: %w", ErrMalformed, err)
	}
	sig, err := ParseSSHSig(blob)
	if err != nil {
		return err
	}
	return CheckPresence(sig, want)
}
